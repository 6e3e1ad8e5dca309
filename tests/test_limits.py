"""Rate limits in the database: per client, in all, a slowdown that spares the innocent, no race."""

import math
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from course.store import Store
from course.store.limits import (
    ALLOWANCES,
    FAMILY_STARTS,
    JOIN_CODES,
    LEARNER_CODES,
    NEW_LEARNERS,
    PROGRAM_CODES,
    ROOM_JOINS,
    Allowance,
    Limits,
    Refused,
    Rule,
    Ticket,
    client_address,
)
from course.store.schema import rate_events

T0 = datetime(2026, 12, 6, 9, 0, tzinfo=UTC)
SMALL = Allowance(
    "test",
    Rule(3, timedelta(minutes=1)),
    Rule(5, timedelta(minutes=1)),
    Rule(1, timedelta(minutes=10)),
)


@pytest.fixture
def limits(store: Store) -> Limits:
    return Limits(store.engine)


def take_many(
    limits: Limits, allowance: Allowance, client: str, n: int, now: datetime
) -> list[Ticket | Refused]:
    return [limits.take(allowance, client, now) for _ in range(n)]


def test_one_client_gets_its_own_allowance_then_a_wait_that_ends(limits: Limits) -> None:
    got = take_many(limits, SMALL, "a", 4, T0)
    assert [type(g) for g in got] == [Ticket, Ticket, Ticket, Refused]
    refused = got[3]
    assert isinstance(refused, Refused) and refused.wait_seconds == 60 and not refused.in_slowdown
    assert isinstance(limits.take(SMALL, "a", T0 + timedelta(seconds=59)), Refused)
    assert isinstance(limits.take(SMALL, "a", T0 + timedelta(seconds=61)), Ticket)


def test_other_clients_are_not_refused_for_one_clients_tries(limits: Limits) -> None:
    take_many(limits, SMALL, "attacker", 10, T0)
    assert isinstance(limits.take(SMALL, "learner", T0), Ticket)


def test_a_slowdown_still_gives_every_client_its_own_few_tries(limits: Limits) -> None:
    for n in range(5):  # five clients, one try each: everyone's limit is reached
        assert isinstance(limits.take(SMALL, f"c{n}", T0), Ticket)
    # A newcomer during the slowdown: one try (in_slowdown), then a wait of the slow window.
    assert isinstance(limits.take(SMALL, "newcomer", T0), Ticket)
    refused = limits.take(SMALL, "newcomer", T0)
    assert isinstance(refused, Refused) and refused.in_slowdown and refused.wait_seconds == 600
    # Clients that already used their slowdown share wait too; no one is locked out for good.
    assert isinstance(limits.take(SMALL, "c0", T0), Refused)
    assert isinstance(limits.take(SMALL, "c0", T0 + timedelta(minutes=2)), Ticket)


def test_a_right_attempt_gives_its_ticket_back(limits: Limits) -> None:
    for _ in range(10):
        ticket = limits.take(SMALL, "a", T0)
        assert isinstance(ticket, Ticket)
        limits.release(ticket)
    assert limits.count(SMALL, "a", T0) == 0 and limits.count(SMALL, None, T0) == 0


def test_wait_counts_nothing(limits: Limits) -> None:
    for _ in range(5):
        assert limits.wait(SMALL, "a", T0) is None
    take_many(limits, SMALL, "a", 3, T0)
    assert isinstance(limits.wait(SMALL, "a", T0), Refused)


def test_parallel_clients_cannot_pass_one_count(store_url: str, limits: Limits) -> None:
    """Ten threads each with its own engine, as ten server threads or two replicas would be."""
    threads_n = 10
    start = threading.Barrier(threads_n)
    got: list[Ticket | Refused] = []
    lock = threading.Lock()

    def run() -> None:
        own = Store(store_url)
        try:
            start.wait()
            result = Limits(own.engine).take(SMALL, "same", T0)
            with lock:
                got.append(result)
        finally:
            own.close()

    threads = [threading.Thread(target=run) for _ in range(threads_n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(isinstance(g, Ticket) for g in got) == SMALL.per_client.count


def test_old_rows_of_every_client_are_deleted(store: Store, limits: Limits) -> None:
    for n in range(20):
        limits.take(SMALL, f"c{n}", T0)
    limits.take(SMALL, "late", T0 + timedelta(hours=2))
    with store.engine.connect() as conn:
        buckets = set(conn.scalars(select(rate_events.c.bucket)))
    assert buckets == {"test", "test|late"}


def test_client_keys_are_keyed_hashes_not_addresses(limits: Limits) -> None:
    key = limits.client_key("203.0.113.9")
    assert "203" not in key and len(key) == 32
    assert key == limits.client_key("203.0.113.9") != limits.client_key("203.0.113.10")


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.9", None, "", "203.0.113.9"),
        (None, None, "", "127.0.0.1"),  # Streamlit hides loopback peers
        # A forwarded header from a peer that is not a trusted proxy is ignored.
        ("203.0.113.9", "198.51.100.1", "", "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", "10.0.0.0/8", "203.0.113.9"),
        # Behind a trusted proxy, the rightmost untrusted hop is the client; what the client
        # put further left (a forged address) is not believed.
        (None, "198.51.100.7", "127.0.0.1", "198.51.100.7"),
        ("10.0.0.2", "1.2.3.4, 198.51.100.7", "10.0.0.0/8", "198.51.100.7"),
        ("10.0.0.2", "198.51.100.7, 10.0.0.3", "10.0.0.0/8", "198.51.100.7"),
        # IPv6 counts per /64; v4-mapped addresses as IPv4.
        ("2001:db8:1:2:aaaa::1", None, "", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:bbbb::9", None, "", "2001:db8:1:2::/64"),
        ("::ffff:203.0.113.9", None, "", "203.0.113.9"),
        (None, "not an address", "127.0.0.1", "unparsable"),
    ],
)
def test_client_address(
    remote: str | None, forwarded: str | None, trusted: str, expected: str
) -> None:
    assert client_address(remote, forwarded, trusted) == expected


def test_every_allowance_has_a_stricter_slowdown() -> None:
    for allowance in ALLOWANCES:
        assert allowance.in_slowdown.count < allowance.per_client.count
    assert LEARNER_CODES.overall.describe() == "30 per minute"


def test_proofs_are_this_apps_own(store: Store, limits: Limits) -> None:
    proof = limits.sign("room|3|K7QX3M")
    assert len(proof) == 22 and limits.is_signed("room|3|K7QX3M", proof)
    assert not limits.is_signed("room|4|K7QX3M", proof)
    assert not limits.is_signed("room|3|K7QX3M", proof[:-1] + ("A" if proof[-1] != "A" else "B"))
    assert not limits.is_signed("room|3|K7QX3M", "\ud800 not ascii")
    # Every replica (another engine on the same database) makes and accepts the same proofs.
    other = Store(store.engine.url.render_as_string(hide_password=False))
    try:
        assert Limits(other.engine).is_signed("room|3|K7QX3M", proof)
    finally:
        other.close()


README_ROWS = {
    "Wrong learner codes": LEARNER_CODES,
    "Wrong program codes": PROGRAM_CODES,
    "Wrong join codes (typed)": JOIN_CODES,
    "Seats taken in rooms": ROOM_JOINS,
    "Family sessions started": FAMILY_STARTS,
    "New learner codes": NEW_LEARNERS,
}


def test_the_readme_states_the_limits_the_code_enforces() -> None:
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    rows = {}
    for line in readme.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in README_ROWS:
            rows[cells[0]] = cells[1:]
    assert set(rows) == set(README_ROWS), "every allowance has its row in README's table"
    for label, allowance in README_ROWS.items():
        rules = (allowance.per_client, allowance.overall, allowance.in_slowdown)
        assert rows[label] == [rule.describe() for rule in rules], label
    assert {a.kind for a in ALLOWANCES} == {a.kind for a in README_ROWS.values()}
    # The arithmetic behind the learner-code limit, as the README shows it.
    learners, codes = 10_000, 2**43
    guesses = LEARNER_CODES.overall.count * 60 * 24 * 365
    chance = 1 - math.exp(-guesses * learners / codes)
    assert f"{chance:.1%}" == "1.8%" and "**1.8% a year**" in readme
