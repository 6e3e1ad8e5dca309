"""Facilitator accounts: Argon2id password hashes and sign-in throttling kept in the database."""

import functools
import hashlib
import math
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from course.store.db import read, write
from course.store.inputs import utc
from course.store.schema import USERNAME_LENGTH, facilitators, login_failures

# OWASP Password Storage Cheat Sheet (2026-08-17): Argon2id, m=19 MiB, t=2, p=1. About 20 ms
# here; raising them later rehashes each password at its owner's next sign-in.
HASHER = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)

USERNAME_RULE = f"3 to {USERNAME_LENGTH} characters of a-z, 0-9, '.', '_' and '-'"
_USERNAME = re.compile(rf"[a-z0-9._-]{{3,{USERNAME_LENGTH}}}")
# Failures of names no account can have share one key: they never succeed, and a flood of
# junk names must not make a row key per name.
_NOT_A_USERNAME = ""

# Rows of facilitators that can sign in; "host" rows lead one family session, no sign-in.
ACCOUNT = "account"

MIN_PASSWORD_CHARS = 8
# ASVS 6.2.9 asks that at least 64 be allowed; far longer is not a password someone typed.
MAX_PASSWORD_CHARS = 1024

FREE_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
FIRST_WAIT_S = 30.0
MAX_WAIT_S = 900.0

# Lowercased; the most common passwords of 8 or more characters in public breach lists, and
# the words people here would reach for first. Shorter ones are refused as too short anyway.
COMMON_PASSWORDS = frozenset(
    """
    password password1 password12 password123 password1234 passw0rd p@ssw0rd p@ssword
    password! passwort motdepasse contraseña 12345678 123456789 1234567890 12345678910
    0123456789 1234567891 11111111 111111111 1111111111 00000000 000000000 0000000000
    88888888 66666666 99999999 12121212 11223344 12341234 12344321 87654321 987654321
    0987654321 123123123 123321123 147258369 123456789a 123456789q 1q2w3e4r 1q2w3e4r5t
    1q2w3e4r5t6y q1w2e3r4 q1w2e3r4t5 1qaz2wsx zaq12wsx zaq1zaq1 qwertyui qwertyuiop
    qwerty12 qwerty123 qwerty1234 qwertyuiop123 asdfghjk asdfghjkl asdfasdf aaaaaaaa
    abcd1234 abc12345 abcdefgh abcdefg1 a1b2c3d4 iloveyou iloveyou1 iloveyou2 sunshine
    sunshine1 princess princess1 football football1 baseball baseball1 superman
    starwars whatever computer michelle jennifer corvette mercedes trustno1 welcome1
    welcome123 letmein1 letmein123 changeme changeme1 admin123 admin1234 administrator
    charlie1 dragon123 monkey123 master123 shadow123 jordan23 liverpool chocolate
    butterfly blink182 1234qwer qazwsxedc qweasdzxc recovery recovery1 counselor
    counselor1 counsellor facilitator naloxone narcan123 course123 freedom1 serenity
    """.split()
)


class WeakPassword(ValueError):
    """A password too short, too long, too common, or equal to the username."""


class Throttled(Exception):
    """Too many recent failed sign-ins for this username: wait before trying again."""

    def __init__(self, wait_seconds: float) -> None:
        """Say how long to wait, in whole seconds rounded up."""
        super().__init__(f"too many failed sign-ins: try again in {math.ceil(wait_seconds)} s")
        self.wait_seconds = wait_seconds


def normalize_username(text: str) -> str | None:
    """Return the stored (lowercase) form of a username, or None if it cannot be one."""
    name = text.strip().lower()
    return name if _USERNAME.fullmatch(name) else None


def check_password(username: str, password: str) -> None:
    """Raise WeakPassword with a clear reason if the password may not be used."""
    if len(password) < MIN_PASSWORD_CHARS:
        raise WeakPassword(f"password is too short: use at least {MIN_PASSWORD_CHARS} characters")
    if len(password) > MAX_PASSWORD_CHARS:
        raise WeakPassword(f"password is too long: use at most {MAX_PASSWORD_CHARS} characters")
    if any("\ud800" <= ch <= "\udfff" for ch in password):
        raise WeakPassword("password has a character that cannot be stored: type it again")
    if password.strip().lower() in COMMON_PASSWORDS:
        raise WeakPassword("password is too common: it is on lists of the most used passwords")
    if password.strip().lower() == username.strip().lower():
        raise WeakPassword("password must not be the username")


def throttle_wait(failures: int, latest: datetime | None, now: datetime) -> float:
    """Return the seconds still to wait after `failures` recent failures, the last at `latest`."""
    if failures < FREE_FAILURES or latest is None:
        return 0.0
    # The exponent is capped so that a flood of failures cannot overflow a float.
    doubling = min(failures - FREE_FAILURES, 16)
    wait = min(FIRST_WAIT_S * 2.0**doubling, MAX_WAIT_S)
    return max(0.0, wait - (now - latest).total_seconds())


class Facilitators:
    """Create facilitator accounts and check their passwords."""

    def __init__(self, engine: Engine) -> None:
        """Use an engine whose database is already at the newest schema (see Store)."""
        self.engine = engine

    def add(self, username: str, password: str, now: datetime) -> int:
        """Create an account; return its id. ValueError if the name is invalid or taken."""
        name = _valid_username(username)
        check_password(name, password)
        values = {"username": name, "password_hash": HASHER.hash(password), "created_at": utc(now)}
        try:
            with write(self.engine) as conn:
                query = insert(facilitators).values(values).returning(facilitators.c.id)
                return int(conn.execute(query).scalar_one())
        except IntegrityError:
            raise ValueError(f"username {name!r} is taken") from None

    def verify(self, username: str, password: str, now: datetime) -> int | None:
        """Return the facilitator's id if the password is right, else None; may raise Throttled."""
        now = utc(now)
        key = normalize_username(username) or _NOT_A_USERNAME
        # The try is counted as a failure in the same write transaction as the check, before
        # the (slow) hash: parallel tries cannot all pass one count. A right password then
        # clears the name's failures, this one with them.
        with write(self.engine) as conn:
            _lock_name(conn, key)
            _check_throttle(conn, key, now)
            row = conn.execute(_account(select(facilitators), key)).first()
            _record_failure(conn, key, now)
        # An unknown name costs one hash too, so timing does not tell which names exist.
        stored = _dummy_hash() if row is None else row.password_hash
        if not _matches(stored, password) or row is None:
            return None
        self._signed_in(key, stored, password)
        return int(row.id)

    def set_password(self, username: str, password: str) -> None:
        """Replace the password of an account; LookupError if there is none."""
        name = _valid_username(username)
        check_password(name, password)
        new_hash = HASHER.hash(password)
        with write(self.engine) as conn:
            query = _account(update(facilitators), name)
            if conn.execute(query.values(password_hash=new_hash)).rowcount == 0:
                raise LookupError(f"no facilitator {name!r}")
            # The operator reset the password: earlier failures no longer mean anything.
            conn.execute(delete(login_failures).where(login_failures.c.username == name))

    def usernames(self) -> list[str]:
        """Return every facilitator's username, sorted."""
        with read(self.engine) as conn:
            query = select(facilitators.c.username).where(facilitators.c.kind == ACCOUNT)
            names = conn.scalars(query.order_by(facilitators.c.username))
            return list(names)

    def _signed_in(self, name: str, stored: str, password: str) -> None:
        """Forget the name's failures and rehash the password if the parameters changed."""
        new_hash = HASHER.hash(password) if HASHER.check_needs_rehash(stored) else None
        with write(self.engine) as conn:
            conn.execute(delete(login_failures).where(login_failures.c.username == name))
            if new_hash is not None:
                query = update(facilitators).where(facilitators.c.username == name)
                conn.execute(query.values(password_hash=new_hash))


def _account(statement: Any, username: str) -> Any:
    """Narrow a statement to the sign-in account of this name (never a family-session host)."""
    table = facilitators
    return statement.where(table.c.username == username, table.c.kind == ACCOUNT)


def _valid_username(username: str) -> str:
    """Return the stored form of a new username; ValueError with the rule if it is invalid."""
    name = normalize_username(username)
    if name is None:
        raise ValueError(f"username must be {USERNAME_RULE}")
    return name


def _matches(stored: str, password: str) -> bool:
    """Tell whether password matches the encoded Argon2 hash."""
    try:
        return HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError, UnicodeEncodeError):  # a lone surrogate
        return False


@functools.cache
def _dummy_hash() -> str:
    """Return a hash of a random password, to verify against when the name is unknown."""
    return HASHER.hash(secrets.token_urlsafe(16))


def _lock_name(conn: Connection, key: str) -> None:
    """Serialise sign-in tries of one name (SQLite's IMMEDIATE transaction serialises all)."""
    if conn.dialect.name == "postgresql":
        digest = hashlib.sha256(f"sign-in:{key}".encode()).digest()
        conn.execute(select(func.pg_advisory_xact_lock(int.from_bytes(digest[:8], "big") >> 1)))


def _check_throttle(conn: Connection, key: str, now: datetime) -> None:
    """Raise Throttled if the key failed too often lately."""
    table = login_failures
    recent = select(func.count(), func.max(table.c.failed_at)).where(
        table.c.username == key, table.c.failed_at > now - FAILURE_WINDOW
    )
    failures, latest = conn.execute(recent).one()
    wait = throttle_wait(failures, latest, now)
    if wait > 0:
        raise Throttled(wait)


def _record_failure(conn: Connection, key: str, now: datetime) -> None:
    """Note a failed sign-in, and forget failures too old to count for anyone."""
    conn.execute(delete(login_failures).where(login_failures.c.failed_at <= now - FAILURE_WINDOW))
    values: dict[str, Any] = {"username": key, "failed_at": now}
    conn.execute(insert(login_failures).values(values))
