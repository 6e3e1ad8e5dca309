"""Who the learner is: a code typed or shown once, then a random token in a same-site cookie.

The code is never kept in the web address unless the learner asks for it (to bookmark it): an
address is in the history, can be shared, and is sent to a framing page. A browser stays
signed in through a cookie holding a random token whose hash is in the store, so quick exit
and "sign out" end it on the server as well as in the browser. An old link carrying
``?code=`` still works once; the code then leaves the address (replaced, not pushed, so no
history entry keeps it). After a quick exit, such a link does not sign anyone in again from
this browser for a while: pressing Back must bring nothing back.

Nothing a learner did lives only in ``st.session_state``: the session holds just who they are.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import streamlit as st

from course.i18n import tr
from course.store import REMEMBER_DAYS, normalize_code
from course.store.limits import LEARNER_CODES, NEW_LEARNERS, Refused
from course.ui import client, cookies, pagescript
from course.ui.resources import devices, limits, store, take

LEARNER = "learner"
DEVICE_COOKIE = "course_device"
LEFT_COOKIE = "course_left"  # set by quick exit: old addresses with a code sign nobody in
LEFT_HOURS = 12.0
_DEVICE = "_device_token"
_COOKIE_READ = "_device_cookie_read"
_DROP_CODE = "_drop_code_param"
# Kept when a learner signs out: the page list, the client's key, the view counter.
_KEPT = ("_pages", "_pages_for", client.SESSION_KEY, "_page_view")


@dataclass(frozen=True)
class Learner:
    id: int
    code: str | None = None  # known only in a session where it was shown or typed
    in_address: bool = False  # the learner asked to keep the code in the address


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    """Return today's date where the browser is (its time zone), else in UTC.

    An evening group in California meets on a day that is already tomorrow in UTC.
    """
    return local(now()).date()


def local(moment: datetime) -> datetime:
    """Return the moment in the browser's time zone, else in UTC."""
    with contextlib.suppress(Exception):  # no zone, or one this machine doesn't know
        zone = st.context.timezone
        if zone:
            return moment.astimezone(ZoneInfo(zone))
    return moment.astimezone(UTC)


def current() -> Learner | None:
    """Return the learner of this session, from a link's code once, or this browser's cookie."""
    learner: Learner | None = st.session_state.get(LEARNER)
    if learner is None and "code" in st.query_params:
        learner = _from_link(st.query_params["code"])
    elif learner is None and not st.session_state.get(_COOKIE_READ):
        learner = _from_cookie()
    return learner


def tidy_address() -> None:
    """Keep the code in the address only if the learner asked; call once at the start of a run.

    A code consumed from a link is taken out of the address by our script in that run; Python's
    copy of the query string follows in the next run (doing it in the same run would make
    Streamlit push a new history entry and leave the old one, with the code, behind).
    """
    learner: Learner | None = st.session_state.get(LEARNER)
    if learner is not None and learner.in_address and learner.code:
        st.query_params["code"] = learner.code
    elif "code" in st.query_params and st.session_state.get(_DROP_CODE):
        del st.query_params["code"]


def _from_link(typed: str) -> Learner | None:
    st.session_state[_DROP_CODE] = True
    pagescript.add(pagescript.DROP_CODE_FROM_ADDRESS)
    if cookies.read(LEFT_COOKIE):  # quick exit here, then Back: show nothing
        st.session_state[_COOKIE_READ] = True
        return None
    outcome = sign_in(typed, is_shared_device=False)
    if isinstance(outcome, Refusal):
        st.session_state["code_problem"] = outcome.message
        return None
    return outcome


def _from_cookie() -> Learner | None:
    st.session_state[_COOKIE_READ] = True
    token = cookies.read(DEVICE_COOKIE)
    learner_id = devices().find(token, now()) if token else None
    if learner_id is None:
        return None
    learner = Learner(learner_id)
    st.session_state[LEARNER] = learner
    st.session_state[_DEVICE] = token
    return learner


def start(is_shared_device: bool) -> Learner | Refusal:
    """Create a new learner and keep them signed in on this browser (new codes are limited)."""
    ticket = take(NEW_LEARNERS, client.key())
    if isinstance(ticket, Refused):
        return Refusal(tr("Many new codes were made from here lately.") + " " + wait_words(ticket))
    learner_id, code = store().create_learner(now())
    learner = Learner(learner_id, code)
    _keep_signed_in(learner, is_shared_device)
    st.session_state["new_code"] = code
    return learner


@dataclass(frozen=True)
class Refusal:
    message: str


def wait_words(refused: Refused) -> str:
    """Say how long to wait, in words a tired person reads at a glance (in the app's language)."""
    seconds = refused.wait_seconds
    if seconds <= 90:
        return tr("Please wait {seconds} seconds and try again.").format(seconds=seconds)
    return tr("Please wait {minutes} minutes and try again.").format(minutes=-(-seconds // 60))


def busy(refused: Refused) -> str:
    """The message for a code refused unchecked, because of too many wrong codes."""
    if refused.in_slowdown:
        return (
            tr(
                "Many wrong codes are being tried on this site right now, so each device gets "
                "only a few tries for a while."
            )
            + " "
            + wait_words(refused)
        )
    return tr("Too many tries from this device or network.") + " " + wait_words(refused)


def sign_in(typed: str, is_shared_device: bool) -> Learner | Refusal:
    """Find the learner with this code, or return a kind message saying why not.

    Every try counts against this client's allowance before the code is looked up (so parallel
    tries cannot pass one count); a right code gives its try back.
    """
    ticket = take(LEARNER_CODES, client.key())
    if isinstance(ticket, Refused):
        return Refusal(busy(ticket))
    code = normalize_code(typed)
    learner_id = store().find_learner(code) if code else None
    if code is None or learner_id is None:
        return Refusal(
            tr("We could not find that code. Check the words and the number, then try again.")
        )
    limits().release(ticket)
    learner = Learner(learner_id, code)
    _keep_signed_in(learner, is_shared_device)
    return learner


def _keep_signed_in(learner: Learner, is_shared_device: bool) -> None:
    """Sign in for this session, and keep this browser signed in with a cookie of ours.

    On a shared device the cookie lasts only until the browser is closed.
    """
    token = devices().remember(learner.id, now())
    hours = None if is_shared_device else REMEMBER_DAYS * 24.0
    pagescript.add(cookies.statement(DEVICE_COOKIE, token, _seconds(hours)))
    pagescript.add(cookies.statement(LEFT_COOKIE, "", 0))
    st.session_state[LEARNER] = learner
    st.session_state[_DEVICE] = token
    st.session_state[_COOKIE_READ] = True


def _seconds(hours: float | None) -> int | None:
    return None if hours is None else round(hours * 3600)


def put_in_address(learner: Learner, wanted: bool) -> Learner:
    """Keep (or stop keeping) the learner's code in the address, so it can be bookmarked."""
    changed = replace(learner, in_address=wanted and learner.code is not None)
    st.session_state[LEARNER] = changed
    if changed.in_address and changed.code:
        st.query_params["code"] = changed.code
    elif "code" in st.query_params:
        del st.query_params["code"]
    return changed


def forget(*, leaving: bool = False) -> list[str]:
    """Sign out: end this browser's sign-in on the server and in its cookie; forget the session.

    Returns the cookie statements for the page to run (already queued unless ``leaving``: the
    quick exit runs them itself, just before it leaves).
    """
    token = st.session_state.get(_DEVICE) or cookies.read(DEVICE_COOKIE)
    if token:
        devices().forget(token)
    kept = {key: st.session_state[key] for key in _KEPT if key in st.session_state}
    st.session_state.clear()
    st.session_state.update(kept)
    st.session_state[_COOKIE_READ] = True  # this connection's cookies are out of date now
    st.session_state[_DROP_CODE] = True  # a code still in the address must not come back
    statements = [cookies.statement(DEVICE_COOKIE, "", 0)]
    if leaving:
        marker = secrets.token_urlsafe(16)
        statements.append(cookies.statement(LEFT_COOKIE, marker, _seconds(LEFT_HOURS)))
    else:
        for statement in statements:
            pagescript.add(statement)
    return statements


AUDIENCE = "audience"  # (learner id, "learner" or "family"): read once per session


def audience(learner: Learner) -> str:
    """Return who this learner takes the course for, read from the store once per session."""
    known = st.session_state.get(AUDIENCE)
    if known is None or known[0] != learner.id:
        known = st.session_state[AUDIENCE] = (learner.id, store().audience_of(learner.id))
    return str(known[1])


def set_audience(learner: Learner, value: str) -> None:
    """Remember who this learner takes the course for, in the store and this session."""
    store().set_audience(learner.id, value)
    st.session_state[AUDIENCE] = (learner.id, value)
