"""Cohorts: a program's code that self-paced learners may enter, and who leads the program."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Engine, delete, func, select
from sqlalchemy.exc import IntegrityError

from course.i18n import N_, Refused
from course.store.db import dialect_insert, read, write
from course.store.group_records import NotAllowed
from course.store.inputs import clean_text, utc
from course.store.joincodes import JOIN_ALPHABET
from course.store.schema import COHORT_NAME_LENGTH, PROGRAM_ID_LENGTH, cohort_members, cohorts

# 8 characters of the unambiguous alphabet: about 40 bits, and wrong tries are throttled.
COHORT_CODE_LENGTH = 8
_CODE_DRAWS = 5
# Client numbers as programs write them ("A-1024", "#88/3", "2026.114"): ASCII only, so no
# look-alike letter makes a second "same" ID; never first a "-", which spreadsheets run.
_PROGRAM_ID = re.compile(rf"[A-Za-z0-9#][A-Za-z0-9 _.#/-]{{0,{PROGRAM_ID_LENGTH - 1}}}")
PROGRAM_ID_RULE = (
    f"A program ID has 1 to {PROGRAM_ID_LENGTH} characters: letters A to Z, digits, spaces "
    "and - _ . # /, starting with a letter, a digit or #."
)


@dataclass(frozen=True)
class Cohort:
    id: int
    code: str
    name: str
    facilitator_id: int
    created_at: datetime


class CohortNotFound(LookupError):
    """No cohort has this code."""


class BadProgramId(ValueError):
    """What was typed is not a program ID (see PROGRAM_ID_RULE)."""


class ProgramIdTaken(ValueError):
    """Another member of the cohort already holds this program ID."""


def normalize_program_id(text: str | None) -> str | None:
    """Return the program ID as stored (trimmed, single spaces, capitals), None if blank.

    Capitals, so "ab-12" and "AB-12" are one ID that two learners cannot both hold.
    BadProgramId if the text is not a program ID.
    """
    folded = clean_text(text or "", one_line=True)
    if not folded:
        return None
    if not _PROGRAM_ID.fullmatch(folded):
        raise BadProgramId(PROGRAM_ID_RULE)
    return folded.upper()


def normalize_cohort_code(text: str) -> str | None:
    """Return the code as stored (upper case, no spaces or dashes), or None if it is not one."""
    folded = "".join(ch for ch in text.upper() if ch not in " -")
    is_code = len(folded) == COHORT_CODE_LENGTH and all(c in JOIN_ALPHABET for c in folded)
    return folded if is_code else None


class Cohorts:
    """Create cohorts for a facilitator; let learners join and leave them by code."""

    def __init__(self, engine: Engine) -> None:
        """Use an engine whose database is already at the newest schema (see Store)."""
        self.engine = engine

    def create(
        self, facilitator_id: int, name: str, now: datetime, rng: secrets.SystemRandom | None = None
    ) -> Cohort:
        """Create a cohort with a fresh code; ValueError if the name is empty or too long."""
        label = clean_text(name, one_line=True)
        if not 0 < len(label) <= COHORT_NAME_LENGTH:
            raise Refused(N_("A cohort name has 1 to {n} characters."), n=COHORT_NAME_LENGTH)
        rng = rng or secrets.SystemRandom()
        for _ in range(_CODE_DRAWS):
            code = "".join(rng.choice(JOIN_ALPHABET) for _ in range(COHORT_CODE_LENGTH))
            values = {"code": code, "name": label, "facilitator_id": facilitator_id,
                      "created_at": utc(now)}  # fmt: skip
            try:
                with write(self.engine) as conn:
                    query = cohorts.insert().values(values).returning(cohorts.c.id)
                    new_id = int(conn.execute(query).scalar_one())
            except IntegrityError:
                continue  # another cohort has this code: draw again
            return Cohort(new_id, code, label, facilitator_id, utc(now))
        raise RuntimeError(f"no unused cohort code in {_CODE_DRAWS} draws")

    def of(self, facilitator_id: int) -> list[Cohort]:
        """Return the facilitator's cohorts, newest first."""
        query = select(cohorts).where(cohorts.c.facilitator_id == facilitator_id)
        with read(self.engine) as conn:
            found = conn.execute(query.order_by(cohorts.c.id.desc()))
            return [Cohort(**row._asdict()) for row in found]

    def owned(self, cohort_id: int, facilitator_id: int) -> Cohort:
        """Return the cohort if this facilitator leads it; NotAllowed otherwise (or if none)."""
        mine = [c for c in self.of(facilitator_id) if c.id == cohort_id]
        if not mine:
            raise NotAllowed(f"no cohort {cohort_id} of this facilitator")
        return mine[0]

    def join(
        self, learner_id: int, code: str, now: datetime, program_id: str | None = None
    ) -> Cohort:
        """Add the learner to the cohort with this code (again is fine), under an ID if given.

        Joining again with a program ID sets or changes it; without one, the ID stays.
        CohortNotFound if no cohort has the code; BadProgramId if the ID is not one;
        ProgramIdTaken if another member of the cohort holds it.
        """
        chosen = normalize_program_id(program_id)
        stored = normalize_cohort_code(code)
        try:
            with write(self.engine) as conn:
                row = conn.execute(select(cohorts).where(cohorts.c.code == stored)).first()
                if stored is None or row is None:
                    raise CohortNotFound("no cohort has this code")
                _add_member(conn, row.id, learner_id, chosen, utc(now))
                return Cohort(**row._asdict())
        except IntegrityError:
            # The unique index, not a read before the write, decides between two at once.
            if chosen is not None and self._holder(stored, chosen) not in (None, learner_id):
                raise ProgramIdTaken(
                    "Someone in this program already uses this program ID."
                ) from None
            raise

    def _holder(self, code: str | None, program_id: str) -> int | None:
        """Return the learner holding the program ID in the cohort with this code, if any."""
        query = (
            select(cohort_members.c.learner_id)
            .join(cohorts)
            .where(cohorts.c.code == code, cohort_members.c.program_id == program_id)
        )
        with read(self.engine) as conn:
            return conn.scalar(query)

    def program_ids(self, learner_id: int) -> dict[int, str]:
        """Return the program ID the learner entered in each cohort where they entered one."""
        member = cohort_members.c
        query = select(member.cohort_id, member.program_id).where(
            member.learner_id == learner_id, member.program_id.is_not(None)
        )
        with read(self.engine) as conn:
            return {int(cohort): str(chosen) for cohort, chosen in conn.execute(query)}

    def leave(self, learner_id: int, cohort_id: int) -> bool:
        """Take the learner out of the cohort; tell whether they were in it."""
        query = delete(cohort_members).where(
            cohort_members.c.learner_id == learner_id, cohort_members.c.cohort_id == cohort_id
        )
        with write(self.engine) as conn:
            return bool(conn.execute(query).rowcount)

    def memberships(self, learner_id: int) -> list[Cohort]:
        """Return the cohorts the learner joined."""
        query = (
            select(cohorts).join(cohort_members).where(cohort_members.c.learner_id == learner_id)
        )
        with read(self.engine) as conn:
            return [Cohort(**row._asdict()) for row in conn.execute(query.order_by(cohorts.c.id))]

    def size(self, cohort_id: int) -> int:
        """Count the cohort's learners."""
        query = select(func.count()).where(cohort_members.c.cohort_id == cohort_id)
        with read(self.engine) as conn:
            return int(conn.scalar(query) or 0)


def _add_member(
    conn: Connection, cohort_id: int, learner_id: int, program_id: str | None, now: datetime
) -> None:
    """Insert the membership, or set its program ID if one is given; the first join time stays."""
    values = {"cohort_id": cohort_id, "learner_id": learner_id, "joined_at": now,
              "program_id": program_id}  # fmt: skip
    insert = dialect_insert(conn, cohort_members).values(values)
    key = ["cohort_id", "learner_id"]
    if program_id is None:
        conn.execute(insert.on_conflict_do_nothing(index_elements=key))
    else:
        new = {"program_id": insert.excluded.program_id}
        conn.execute(insert.on_conflict_do_update(index_elements=key, set_=new))
