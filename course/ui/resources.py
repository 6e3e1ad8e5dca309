"""Things built once per process and shared by every session: the course, the store."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import streamlit as st

from course import i18n
from course.loader import LoadResult, default_root, load_course
from course.store import Cohorts, Devices, Plans, Store
from course.store.accounts import Facilitators
from course.store.limits import Allowance, Limits, Refused, Ticket
from course.store.practice import Practice
from course.store.series import Series
from course.store.sessions import Sessions


@st.cache_resource(show_spinner=False)
def loaded(root: str) -> LoadResult:
    """Load the course once; broken lessons are left out and their problems kept."""
    return load_course(root)


def course_result() -> LoadResult:
    """The loaded course, in this run's language (course.i18n.current())."""
    result = loaded(str(default_root()))
    language = i18n.current()
    if result.course is None or language == result.course.language:
        return result
    return dataclasses.replace(result, course=result.course.in_language(language))


@st.cache_resource(show_spinner=False)
def store() -> Store:
    """Open the progress store once (COURSE_DATABASE_URL, else data/course.db)."""
    return Store()


@st.cache_resource(show_spinner=False)
def limits() -> Limits:
    """Rate limits per client and in all, kept in the database (no cache holds their state)."""
    return Limits(store().engine)


def take(allowance: Allowance, client: str) -> Ticket | Refused:
    """Count one attempt of this kind by this client, or say how long it must wait."""
    return limits().take(allowance, client, datetime.now(UTC))


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
def series() -> Series:
    """Cohorts' lesson series: planned group sessions and take-home lessons."""
    return Series(store().engine)


@st.cache_resource(show_spinner=False)
def practice() -> Practice:
    """Learners' exercises, commitments and drill answers."""
    return Practice(store().engine)


@st.cache_resource(show_spinner=False)
def plans() -> Plans:
    """Family support plans that learners chose to save."""
    return Plans(store().engine)


@st.cache_resource(show_spinner=False)
def facilitators() -> Facilitators:
    """Facilitator accounts (created from the command line)."""
    return Facilitators(store().engine)
