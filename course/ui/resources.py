"""Things built once per process and shared by every session: the course, the store."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import streamlit as st

from course.loader import LoadResult, default_root, load_course
from course.store import Cohorts, Devices, Plans, Store
from course.store.accounts import Facilitators
from course.store.guard import SharedLimit
from course.store.sessions import Sessions
from course.throttle import Throttle


@st.cache_resource(show_spinner=False)
def loaded(root: str) -> LoadResult:
    """Load the course once; broken lessons are left out and their problems kept."""
    return load_course(root)


def course_result() -> LoadResult:
    return loaded(str(default_root()))


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """Open the progress store once (COURSE_DATABASE_URL, else data/course.db)."""
    return Store()


@st.cache_resource(show_spinner=False)
def code_throttle() -> Throttle:
    """Limit wrong learner codes: 5 a minute per browser session, 300 a minute in all.

    The overall limit stops guessing from many sessions at once; it is high enough that a
    burst of typos in a full class cannot lock everyone out for long.
    """
    return Throttle(per_key=5, overall=300, window=60.0)


@st.cache_resource(show_spinner=False)
def code_limit() -> SharedLimit:
    """Limit wrong codes (learner, join and program codes) to 300 a minute across replicas."""
    return SharedLimit(store().engine, "~codes", 300, timedelta(minutes=1))


def code_wait(key: str) -> float:
    """Return how long this browser session must wait before trying another code."""
    here = code_throttle().wait_time(key, time.monotonic())
    return max(here, code_limit().wait_time(datetime.now(UTC)))


def code_failed(key: str) -> None:
    """Note a wrong code from this browser session, here and in the shared count."""
    code_throttle().record_failure(key, time.monotonic())
    code_limit().record_failure(datetime.now(UTC))


@st.cache_resource(show_spinner=False)
def devices() -> Devices:
    """Browsers learners stay signed in on, on the same database as the progress store."""
    return Devices(store().engine)


@st.cache_resource(show_spinner=False)
def sessions() -> Sessions:
    """Group sessions, on the same database as the progress store."""
    return Sessions(store().engine)


@st.cache_resource(show_spinner=False)
def cohorts() -> Cohorts:
    """Programs' cohorts that learners may join by code."""
    return Cohorts(store().engine)


@st.cache_resource(show_spinner=False)
def plans() -> Plans:
    """Family support plans that learners chose to save."""
    return Plans(store().engine)


@st.cache_resource(show_spinner=False)
def facilitators() -> Facilitators:
    """Facilitator accounts (created from the command line)."""
    return Facilitators(store().engine)
