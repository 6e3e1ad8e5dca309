"""Family support plans, saved under a learner's code only when the family chooses to."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import Engine, delete, select

from course.store.db import dialect_insert, read, write
from course.store.inputs import clean_text, utc
from course.store.schema import learners, support_plans

# A plan is a handful of short answers; this bounds a hostile or runaway one.
MAX_PLAN_CHARS = 20_000


class Plans:
    """Save, read and delete a learner's support plan (a mapping of field to text)."""

    def __init__(self, engine: Engine) -> None:
        """Use an engine whose database is already at the newest schema (see Store)."""
        self.engine = engine

    def save(self, learner_id: int, plan: dict[str, str], now: datetime) -> None:
        """Keep this plan (text cleaned) in place of any earlier one; LookupError if no learner."""
        cleaned = {clean_text(key): clean_text(text) for key, text in plan.items()}
        payload = json.dumps(cleaned, ensure_ascii=False, sort_keys=True)
        if len(payload) > MAX_PLAN_CHARS:
            raise ValueError(f"plan is {len(payload)} characters; at most {MAX_PLAN_CHARS}")
        values = {"learner_id": learner_id, "plan": payload, "updated_at": utc(now)}
        with write(self.engine) as conn:
            if conn.scalar(select(learners.c.id).where(learners.c.id == learner_id)) is None:
                raise LookupError(f"no learner {learner_id}")
            stmt = dialect_insert(conn, support_plans).values(values)
            new = {"plan": stmt.excluded.plan, "updated_at": stmt.excluded.updated_at}
            conn.execute(stmt.on_conflict_do_update(index_elements=["learner_id"], set_=new))

    def get(self, learner_id: int) -> dict[str, str] | None:
        """Return the learner's saved plan, or None if they saved none."""
        query = select(support_plans.c.plan).where(support_plans.c.learner_id == learner_id)
        with read(self.engine) as conn:
            found = conn.scalar(query)
        return None if found is None else dict(json.loads(found))

    def delete(self, learner_id: int) -> bool:
        """Delete the learner's saved plan; tell whether there was one."""
        query = delete(support_plans).where(support_plans.c.learner_id == learner_id)
        with write(self.engine) as conn:
            return bool(conn.execute(query).rowcount)
