"""Rate limits a stranger cannot race, reset or use to lock everyone else out.

Every limit is kept in the database (table ``rate_events``), so every replica counts alike and
no client can clear it (Streamlit's "clear cache" message clears only memory). Each kind of
thing (a wrong learner code, a wrong join code, a new family session...) has an ``Allowance``:

- **per client:** one client (a keyed hash of its address) may do it ``per_client`` times;
- **overall:** once everyone together did it ``overall`` times, a slowdown starts, in which
  each client may still do it ``in_slowdown`` times. A slowdown never refuses a client for
  what other clients did: someone with the right code always gets their own few tries.

An attempt is counted *before* the check it guards runs, in the same write transaction as the
count (``BEGIN IMMEDIATE`` on SQLite, an advisory lock per kind on PostgreSQL), so parallel
clients cannot all pass one count. A right code gives its attempt back (``Ticket.release``).

No address is stored: the client key is an HMAC of the address under a random key that
migration 0008 put in ``app_secrets``; an event row lives only as long as its window.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine, delete, func, insert, select

from course.store.db import read, write
from course.store.inputs import utc
from course.store.schema import app_secrets, rate_events

CLIENT_KEY_NAME = "client-key"
# IPv6 hands a home or a phone a whole /64: counting per /64 stops hopping between its addresses.
IPV6_CLIENT_PREFIX = 64


@dataclass(frozen=True)
class Rule:
    """At most ``count`` events in any ``window``."""

    count: int
    window: timedelta

    def describe(self) -> str:
        """Say the rule in words, e.g. "20 per 10 minutes"."""
        minutes = self.window.total_seconds() / 60
        if minutes >= 60 and minutes % 60 == 0:
            hours = int(minutes // 60)
            span = "hour" if hours == 1 else f"{hours} hours"
        else:
            span = "minute" if minutes == 1 else f"{minutes:g} minutes"
        return f"{self.count} per {span}"


@dataclass(frozen=True)
class Allowance:
    """How often one kind of thing may happen: per client, in all, and per client in a slowdown."""

    kind: str
    per_client: Rule
    overall: Rule
    in_slowdown: Rule

    def __post_init__(self) -> None:
        """Check the rules make sense (a slowdown is stricter than the normal per-client rule)."""
        if self.in_slowdown.count > self.per_client.count:
            raise ValueError(f"{self.kind}: a slowdown must allow fewer than normal")
        if len(self.kind) > 30 or "|" in self.kind:
            raise ValueError(f"{self.kind!r}: kinds are short names without '|'")


def _minutes(n: float) -> timedelta:
    return timedelta(minutes=n)


# The numbers, and why, are in README "Security": keep the two in step.
# Learner codes: 43 bits; at 30 wrong a minute in all, a year of guessing against 10,000
# learners finds some learner's code with a chance of about 1.8%.
LEARNER_CODES = Allowance(
    "learner-code", Rule(20, _minutes(10)), Rule(30, _minutes(1)), Rule(3, _minutes(10))
)
# Program (cohort) codes: about 40 bits, few live cohorts.
PROGRAM_CODES = Allowance(
    "program-code", Rule(20, _minutes(10)), Rule(30, _minutes(1)), Rule(3, _minutes(10))
)
# Join codes: about 30 bits, but a room lives hours and a counselor sees who joined. A class
# behind one school network shares an address, so one client may mistype more.
JOIN_CODES = Allowance(
    "join-code", Rule(30, _minutes(10)), Rule(120, _minutes(1)), Rule(3, _minutes(10))
)
# Seats taken in live rooms (on top of each room's seat cap): a class behind one address fits.
ROOM_JOINS = Allowance(
    "room-join", Rule(60, _minutes(10)), Rule(600, _minutes(1)), Rule(5, _minutes(10))
)
# Family sessions started without an account.
FAMILY_STARTS = Allowance(
    "family-start", Rule(10, _minutes(60)), Rule(120, _minutes(60)), Rule(1, _minutes(60))
)
# New learner codes. A whole class on a clinic's wifi (one address) may start at once; a code
# costs a slow hash, so a flood is still cut short.
NEW_LEARNERS = Allowance(
    "new-learner", Rule(100, _minutes(10)), Rule(2000, _minutes(60)), Rule(10, _minutes(10))
)
ALLOWANCES = (LEARNER_CODES, PROGRAM_CODES, JOIN_CODES, ROOM_JOINS, FAMILY_STARTS, NEW_LEARNERS)
LONGEST = max(max(a.per_client.window, a.overall.window) for a in ALLOWANCES)


@dataclass(frozen=True)
class Ticket:
    """One counted attempt; give it back with ``Limits.release`` if it turned out right."""

    ids: tuple[int, ...]


@dataclass(frozen=True)
class Refused:
    """Not now: wait this many seconds (whole, rounded up)."""

    wait_seconds: int
    in_slowdown: bool = False


def client_address(remote: str | None, forwarded_for: str | None, trusted: str) -> str:
    """Return the address to count a request under.

    ``remote`` is the TCP peer (None means loopback: Streamlit hides 127.0.0.1 and ::1).
    ``forwarded_for`` is the X-Forwarded-For header; it is believed only when the peer is one of
    the ``trusted`` proxies (comma-separated addresses or networks), and then read from the
    right, skipping trusted hops, so a client cannot choose its own address by sending one.
    """
    peer = remote or "127.0.0.1"
    networks = _networks(trusted)
    hops = [hop.strip() for hop in (forwarded_for or "").split(",") if hop.strip()]
    address = peer
    while _is_in(address, networks) and hops:
        address = hops.pop()
    return _client_prefix(address)


@functools.lru_cache(maxsize=16)
def _networks(trusted: str) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    found = []
    for part in trusted.split(","):
        if part.strip():
            found.append(ipaddress.ip_network(part.strip(), strict=False))
    return tuple(found)


def _is_in(
    address: str, networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]
) -> bool:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def _client_prefix(address: str) -> str:
    """Return the address as counted: IPv4 as is, IPv6 as its /64; junk as a fixed word."""
    try:
        parsed = ipaddress.ip_address(address.strip())
    except ValueError:
        return "unparsable"  # all junk shares one client: junk can't buy fresh allowances
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/{IPV6_CLIENT_PREFIX}", strict=False))
    return str(parsed)


class Limits:
    """Count attempts per client and in all, in the database shared by every replica."""

    def __init__(self, engine: Engine) -> None:
        """Use an engine whose database is already at the newest schema (see Store)."""
        self.engine = engine
        self._key: bytes | None = None

    def client_key(self, address: str) -> str:
        """Return the pseudonymous key a client's events are counted under (no address kept)."""
        return hmac.new(self._secret(), address.encode(), hashlib.sha256).hexdigest()[:32]

    def sign(self, text: str) -> str:
        """Return a proof (128 bits) that this app issued ``text``, e.g. a room's QR link."""
        digest = hmac.new(self._secret(), b"proof|" + text.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest[:16]).decode().rstrip("=")

    def is_signed(self, text: str, proof: str) -> bool:
        """Tell whether ``proof`` is this app's proof of ``text`` (in constant time)."""
        return hmac.compare_digest(self.sign(text).encode(), proof.encode("utf-8", "replace"))

    def _secret(self) -> bytes:
        if self._key is None:
            with read(self.engine) as conn:
                value = conn.scalar(
                    select(app_secrets.c.value).where(app_secrets.c.name == CLIENT_KEY_NAME)
                )
            if value is None:
                raise RuntimeError("app_secrets has no client key: run the migrations")
            self._key = value.encode()
        return self._key

    def take(self, allowance: Allowance, client: str, now: datetime) -> Ticket | Refused:
        """Count one attempt by ``client`` if its allowance has room, atomically; else refuse."""
        now = utc(now)
        mine, everyone = _bucket(allowance, client), _bucket(allowance, None)
        # Old rows of every kind and client go too: many clients must not pile rows up.
        longest = max(LONGEST, allowance.per_client.window, allowance.overall.window)
        with write(self.engine) as conn:
            _lock(conn, allowance.kind)
            conn.execute(delete(rate_events).where(rate_events.c.at <= now - longest))
            refused = _refusal(conn, allowance, mine, everyone, now)
            if refused is not None:
                return refused
            ids = []
            for bucket in (mine, everyone):
                query = insert(rate_events).values(bucket=bucket, at=now)
                ids.append(int(conn.execute(query.returning(rate_events.c.id)).scalar_one()))
        return Ticket(tuple(ids))

    def release(self, ticket: Ticket) -> None:
        """Give an attempt back (the code was right: right codes are not limited)."""
        with write(self.engine) as conn:
            conn.execute(delete(rate_events).where(rate_events.c.id.in_(ticket.ids)))

    def wait(self, allowance: Allowance, client: str, now: datetime) -> Refused | None:
        """Tell, without counting anything, whether ``client`` would be refused now."""
        now = utc(now)
        with read(self.engine) as conn:
            mine, everyone = _bucket(allowance, client), _bucket(allowance, None)
            return _refusal(conn, allowance, mine, everyone, now)

    def count(self, allowance: Allowance, client: str | None, now: datetime) -> int:
        """Return the events counted for a client (or everyone) in its window (for tests, ops)."""
        rule = allowance.overall if client is None else allowance.per_client
        with read(self.engine) as conn:
            return _count(conn, _bucket(allowance, client), utc(now) - rule.window)


def _bucket(allowance: Allowance, client: str | None) -> str:
    return allowance.kind if client is None else f"{allowance.kind}|{client}"


def _refusal(
    conn: Connection, allowance: Allowance, mine: str, everyone: str, now: datetime
) -> Refused | None:
    wait = _wait(conn, mine, allowance.per_client, now)
    if wait > 0:
        return Refused(math.ceil(wait))
    if _count(conn, everyone, now - allowance.overall.window) < allowance.overall.count:
        return None
    wait = _wait(conn, mine, allowance.in_slowdown, now)
    return Refused(math.ceil(wait), in_slowdown=True) if wait > 0 else None


def _count(conn: Connection, bucket: str, since: datetime) -> int:
    query = select(func.count()).where(rate_events.c.bucket == bucket, rate_events.c.at > since)
    return int(conn.scalar(query) or 0)


def _wait(conn: Connection, bucket: str, rule: Rule, now: datetime) -> float:
    """Seconds until ``bucket`` has fewer than ``rule.count`` events in the window (0: now)."""
    table = rate_events.c
    recent = (
        select(table.at)
        .where(table.bucket == bucket, table.at > now - rule.window)
        .order_by(table.at.desc())
        .limit(rule.count)
    )
    times = list(conn.scalars(recent))
    if len(times) < rule.count:
        return 0.0
    # The oldest of the last `count` events must leave the window first.
    return max(0.001, float((min(times) + rule.window - now).total_seconds()))


def _lock(conn: Connection, kind: str) -> None:
    """Serialise counting of one kind (SQLite's IMMEDIATE transaction already serialises all)."""
    if conn.dialect.name == "postgresql":
        key = int.from_bytes(hashlib.sha256(f"limit:{kind}".encode()).digest()[:8], "big") >> 1
        conn.execute(select(func.pg_advisory_xact_lock(key)))
