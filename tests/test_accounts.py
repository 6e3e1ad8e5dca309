"""Facilitator accounts on real SQLite and PostgreSQL: Argon2id, weak passwords, throttling."""

import os
import pty
import re
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from select import select as wait_readable

import pytest
from argon2 import PasswordHasher, extract_parameters
from slowdown import slow
from sqlalchemy import Engine, insert, select, update

import course.store.accounts as accounts_module
from course.store import Facilitators, Store, Throttled, WeakPassword, make_engine, read, write
from course.store.accounts import COMMON_PASSWORDS, FREE_FAILURES, throttle_wait
from course.store.schema import facilitators, login_failures

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
RIGHT = "blue kettle on the stove"
WRONG = "not the password"
ENCODED = re.compile(r"\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}")


def at(seconds: float) -> datetime:
    """Return a fixed test time, seconds after NOW."""
    return NOW + timedelta(seconds=seconds)


@pytest.fixture
def engine(store: Store) -> Engine:
    """Return the engine of a fresh, upgraded database."""
    return store.engine


@pytest.fixture
def accounts(engine: Engine) -> Facilitators:
    """Return Facilitators on a fresh database."""
    return Facilitators(engine)


def stored_hash(engine: Engine, username: str) -> str:
    """Read an account's encoded password hash straight from the database."""
    query = select(facilitators.c.password_hash).where(facilitators.c.username == username)
    with read(engine) as conn:
        return str(conn.scalar(query))


def fail(accounts: Facilitators, times: int, when: datetime, username: str = "amy") -> None:
    """Sign in with a wrong password several times at one moment."""
    for _ in range(times):
        assert accounts.verify(username, WRONG, when) is None


def wait_of(accounts: Facilitators, when: datetime, username: str = "amy") -> float:
    """Return how long a sign-in at `when` is told to wait."""
    with pytest.raises(Throttled) as refused:
        accounts.verify(username, RIGHT, when)
    return refused.value.wait_seconds


# Accounts and hashes


def test_add_and_verify(accounts: Facilitators) -> None:
    amy = accounts.add("Counselor.Amy", RIGHT, NOW)
    bo = accounts.add("bo_2", "another good passphrase", NOW)
    assert amy != bo
    assert accounts.verify("counselor.amy", RIGHT, NOW) == amy
    assert accounts.verify("  COUNSELOR.AMY ", RIGHT, NOW) == amy
    assert accounts.verify("counselor.amy", WRONG, NOW) is None
    assert accounts.verify("counselor.amy", RIGHT.upper(), NOW) is None
    assert accounts.verify("nobody", RIGHT, NOW) is None
    assert accounts.verify("bo_2", RIGHT, NOW) is None
    assert accounts.usernames() == ["bo_2", "counselor.amy"]


def test_hash_is_argon2id_with_owasp_parameters(accounts: Facilitators, engine: Engine) -> None:
    accounts.add("amy", RIGHT, NOW)
    accounts.add("bob", RIGHT, NOW)
    encoded = stored_hash(engine, "amy")
    assert ENCODED.fullmatch(encoded), encoded
    parameters = extract_parameters(encoded)
    assert (parameters.memory_cost, parameters.time_cost, parameters.parallelism) == (19456, 2, 1)
    assert RIGHT not in encoded
    assert stored_hash(engine, "bob") != encoded  # a fresh salt per hash


def test_an_old_hash_is_upgraded_at_sign_in(accounts: Facilitators, engine: Engine) -> None:
    amy = accounts.add("amy", RIGHT, NOW)
    weaker = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(RIGHT)
    with write(engine) as conn:
        query = update(facilitators).where(facilitators.c.username == "amy")
        conn.execute(query.values(password_hash=weaker))
    assert accounts.verify("amy", RIGHT, NOW) == amy
    assert ENCODED.fullmatch(stored_hash(engine, "amy"))
    assert accounts.verify("amy", RIGHT, NOW) == amy


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "password is too short: use at least 8 characters"),
        ("seven77", "password is too short: use at least 8 characters"),
        ("x" * 1025, "password is too long: use at most 1024 characters"),
        ("password", "password is too common: it is on lists of the most used passwords"),
        ("Password1", "password is too common: it is on lists of the most used passwords"),
        (" 12345678 ", "password is too common: it is on lists of the most used passwords"),
        ("recovery1", "password is too common: it is on lists of the most used passwords"),
        ("Counselor.Amy", "password must not be the username"),
    ],
)
def test_weak_passwords_are_refused(accounts: Facilitators, password: str, message: str) -> None:
    with pytest.raises(WeakPassword) as refused:
        accounts.add("counselor.amy", password, NOW)
    assert str(refused.value) == message
    assert accounts.usernames() == []
    accounts.add("counselor.amy", RIGHT, NOW)
    with pytest.raises(WeakPassword, match=re.escape(message)):
        accounts.set_password("counselor.amy", password)


def test_long_pasted_passwords_are_accepted(accounts: Facilitators) -> None:
    pasted = "Ünïcödé & spaces \U0001f331 " * 4 + "x" * 900
    amy = accounts.add("amy", pasted, NOW)
    assert accounts.verify("amy", pasted, NOW) == amy
    assert accounts.verify("amy", pasted[:-1], NOW) is None


def test_the_common_list_holds_only_passwords_long_enough_to_pass() -> None:
    assert 100 <= len(COMMON_PASSWORDS) <= 200
    assert all(len(p) >= 8 and p == p.lower() for p in COMMON_PASSWORDS)


@pytest.mark.parametrize("username", ["ab", "a" * 41, "amy smith", "amy@clinic", "émile", ""])
def test_invalid_usernames_are_refused(accounts: Facilitators, username: str) -> None:
    with pytest.raises(ValueError) as refused:
        accounts.add(username, RIGHT, NOW)
    assert str(refused.value) == (
        "username must be 3 to 40 characters of a-z, 0-9, '.', '_' and '-'"
    )


def test_a_taken_username_is_refused_whatever_its_case(accounts: Facilitators) -> None:
    accounts.add("amy", RIGHT, NOW)
    with pytest.raises(ValueError) as refused:
        accounts.add(" AMY", "a different passphrase", NOW)
    assert str(refused.value) == "username 'amy' is taken"
    assert accounts.verify("amy", RIGHT, NOW) is not None


def test_set_password(accounts: Facilitators) -> None:
    amy = accounts.add("amy", RIGHT, NOW)
    accounts.set_password("AMY", "a brand new passphrase")
    assert accounts.verify("amy", RIGHT, NOW) is None
    assert accounts.verify("amy", "a brand new passphrase", NOW) == amy
    with pytest.raises(LookupError, match="no facilitator 'nobody'"):
        accounts.set_password("nobody", "a brand new passphrase")


# Throttling


@pytest.mark.parametrize(
    ("failures", "seconds_since_last", "wait"),
    [
        (0, 0, 0),
        (4, 0, 0),
        (5, 0, 30),
        (5, 10, 20),
        (5, 30, 0),
        (5, 31, 0),
        (6, 0, 60),
        (7, 0, 120),
        (8, 0, 240),
        (9, 0, 480),
        (10, 0, 900),
        (11, 0, 900),
        (10_000, 0, 900),
        (10_000, 899, 1),
        (10_000, 900, 0),
    ],
)
def test_throttle_wait_doubles_and_caps(failures: int, seconds_since_last: int, wait: int) -> None:
    assert throttle_wait(failures, NOW, at(seconds_since_last)) == wait


def test_five_failures_throttle_and_the_wait_grows(accounts: Facilitators) -> None:
    amy = accounts.add("amy", RIGHT, NOW)
    for n in range(5):
        fail(accounts, 1, at(n))
    assert wait_of(accounts, at(4)) == 30
    assert wait_of(accounts, at(20)) == 14  # the wait counts from the latest failure
    moment = 4.0
    for wait in (30, 60, 120, 240):
        moment += wait
        fail(accounts, 1, at(moment))  # the wait is over: one more try, wrong again
        assert wait_of(accounts, at(moment)) == wait * 2
    # The five first failures are now older than 15 minutes: never a permanent lockout.
    assert accounts.verify("amy", RIGHT, at(moment + 480)) == amy


def test_many_failures_at_once_cap_the_wait_at_15_minutes(
    accounts: Facilitators, engine: Engine
) -> None:
    amy = accounts.add("amy", RIGHT, NOW)
    # Failures that passed the check together, on many replicas: 20 in the same second.
    with write(engine) as conn:
        conn.execute(insert(login_failures), [{"username": "amy", "failed_at": NOW}] * 20)
    assert wait_of(accounts, NOW) == 900
    assert wait_of(accounts, at(899)) == 1
    assert accounts.verify("amy", RIGHT, at(900)) == amy


def test_throttled_attempts_are_not_counted(accounts: Facilitators, engine: Engine) -> None:
    accounts.add("amy", RIGHT, NOW)
    fail(accounts, 5, NOW)
    for _ in range(20):
        with pytest.raises(Throttled):
            accounts.verify("amy", WRONG, at(1))
    with read(engine) as conn:
        assert len(conn.execute(select(login_failures)).all()) == 5
    assert wait_of(accounts, at(1)) == 29


def test_a_success_clears_the_failures(accounts: Facilitators) -> None:
    amy = accounts.add("amy", RIGHT, NOW)
    fail(accounts, 4, NOW)
    assert accounts.verify("amy", RIGHT, NOW) == amy
    fail(accounts, 4, at(1))
    assert accounts.verify("amy", RIGHT, at(1)) == amy
    fail(accounts, 5, at(2))
    assert wait_of(accounts, at(2)) == 30


def test_set_password_clears_the_failures(accounts: Facilitators) -> None:
    amy = accounts.add("amy", RIGHT, NOW)
    fail(accounts, 5, NOW)
    accounts.set_password("amy", "a brand new passphrase")
    assert accounts.verify("amy", "a brand new passphrase", at(1)) == amy


def test_throttling_is_per_username(accounts: Facilitators) -> None:
    accounts.add("amy", RIGHT, NOW)
    bo = accounts.add("bo.k", RIGHT, NOW)
    fail(accounts, 5, NOW)
    assert wait_of(accounts, NOW) == 30
    assert accounts.verify("bo.k", RIGHT, NOW) == bo
    # Unknown names are throttled too (so trying names tells nothing), each on its own,
    # and names no account can have share one counter.
    fail(accounts, 5, NOW, username="nobody")
    assert wait_of(accounts, NOW, username="NOBODY") == 30
    for junk in ("a b", "x", "'; DROP TABLE facilitators; --", "\x00", "é" * 500):
        assert accounts.verify(junk, WRONG, NOW) is None
    assert wait_of(accounts, NOW, username="still not a name!") == 30
    assert accounts.verify("bo.k", RIGHT, NOW) == bo


def test_two_replicas_share_one_throttle(store_url: str, accounts: Facilitators) -> None:
    accounts.add("amy", RIGHT, NOW)
    other_engine = make_engine(store_url)
    try:
        replicas = [accounts, Facilitators(other_engine)]
        for n in range(5):
            fail(replicas[n % 2], 1, NOW)
        assert wait_of(replicas[0], NOW) == 30
        assert wait_of(replicas[1], NOW) == 30
    finally:
        other_engine.dispose()


@pytest.mark.parametrize("name", ["amy", "nobody"])
def test_parallel_wrong_passwords_cannot_pass_one_count(
    store_url: str, accounts: Facilitators, name: str
) -> None:
    """Ten clients at once, each on its own engine (as other threads or replicas): five checked."""
    accounts.add("amy", RIGHT, NOW)
    clients = 10
    start = threading.Barrier(clients)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        engine = make_engine(store_url)
        try:
            start.wait()
            try:
                result = "wrong" if Facilitators(engine).verify(name, WRONG, NOW) is None else "in"
            except Throttled:
                result = "throttled"
            with lock:
                outcomes.append(result)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["throttled"] * (clients - FREE_FAILURES) + ["wrong"] * FREE_FAILURES
    with pytest.raises(Throttled):  # the right password waits too, until the wait is over
        accounts.verify(name, RIGHT, NOW)


def test_an_unknown_name_costs_one_hash_like_a_wrong_password(
    accounts: Facilitators, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Timing must not tell which names exist: each check verifies one Argon2 hash.

    (How long that takes is measured in benchmarks/bench_accounts.py, not here.)
    """
    accounts.add("amy", RIGHT, NOW)
    verified: list[str] = []
    real_matches = accounts_module._matches

    def counting(stored: str, password: str) -> bool:
        verified.append(stored)
        return real_matches(stored, password)

    monkeypatch.setattr(accounts_module, "_matches", counting)
    accounts.verify("amy", WRONG, NOW)
    accounts.verify("nobody", WRONG, at(3600))
    accounts.verify("", WRONG, at(7200))
    assert len(verified) == 3
    assert all(ENCODED.fullmatch(stored) for stored in verified)
    assert verified[1] != verified[0]  # a real hash of a random password, not amy's


# Command line


def cli(store_url: str, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    """Run python -m course with the test database, stdin not a terminal."""
    return subprocess.run(
        [sys.executable, "-m", "course", "facilitator", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "COURSE_DATABASE_URL": store_url},
        timeout=slow(120),
    )


def test_cli_add_list_passwd(store_url: str) -> None:
    added = cli(store_url, "add", "Counselor.Amy", stdin=RIGHT + "\n")
    assert (added.returncode, added.stdout, added.stderr) == (
        0,
        "added facilitator 'counselor.amy'\n",
        "",
    )
    assert cli(store_url, "add", "bob", stdin="another good passphrase\n").returncode == 0
    assert cli(store_url, "list").stdout == "bob\ncounselor.amy\n"
    changed = cli(store_url, "passwd", "counselor.amy", stdin="a brand new passphrase\r\n")
    assert (changed.returncode, changed.stdout) == (0, "changed the password of 'counselor.amy'\n")
    engine = make_engine(store_url)
    try:
        accounts = Facilitators(engine)
        assert accounts.verify("counselor.amy", RIGHT, NOW) is None
        assert accounts.verify("counselor.amy", "a brand new passphrase", NOW) is not None
    finally:
        engine.dispose()


# (arguments, stdin, start of the one-line error); "taken" exists before each runs.
CLI_ERRORS = [
    (("add", "amy"), "password\n", "password is too common"),
    (("add", "amy"), "short\n", "password is too short: use at least 8 characters"),
    (("add", "counselor.amy"), "Counselor.Amy\n", "password must not be the username"),
    (("add", "amy smith"), RIGHT + "\n", "username must be 3 to 40 characters"),
    (("add", "taken"), RIGHT + "\n", "username 'taken' is taken"),
    (("passwd", "nobody"), RIGHT + "\n", "no facilitator 'nobody'"),
    (("passwd", "taken"), "1234567890\n", "password is too common"),
]


def test_cli_errors_are_one_line(store_url: str) -> None:
    assert cli(store_url, "add", "taken", stdin=RIGHT + "\n").returncode == 0
    for args, stdin, error in CLI_ERRORS:  # one database: each run starts a Python process
        result = cli(store_url, *args, stdin=stdin)
        assert result.returncode == 1, args
        assert result.stdout == ""
        assert result.stderr.startswith(f"error: {error}")
        assert result.stderr.count("\n") == 1, result.stderr
    assert cli(store_url, "list").stdout == "taken\n"


def on_a_terminal(store_url: str, args: tuple[str, ...], answers: list[str]) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal, typing each answer after its prompt; (status, output)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "course", "facilitator", *args],
        stdin=follower,
        stdout=follower,
        stderr=follower,
        cwd=REPO,
        env={**os.environ, "COURSE_DATABASE_URL": store_url},
        start_new_session=True,  # no controlling terminal: getpass uses the pty on stdin
    )
    os.close(follower)
    output = b""
    pending = list(answers)
    try:
        # getpass flushes input typed before its prompt, so answer each prompt as it appears.
        while wait_readable([leader], [], [], 60)[0]:
            output += os.read(leader, 4096)
            if pending and output.count(b"Password") > len(answers) - len(pending):
                os.write(leader, pending.pop(0).encode() + b"\n")
    except OSError:  # EIO: the process closed the terminal
        pass
    finally:
        os.close(leader)
    return process.wait(timeout=slow(60)), output.decode(errors="replace")


def test_cli_prompts_twice_on_a_terminal(store_url: str) -> None:
    status, output = on_a_terminal(store_url, ("add", "amy"), [RIGHT, "something else"])
    assert status == 1
    assert "Password: " in output and "Password again: " in output
    assert "error: the passwords do not match" in output
    status, output = on_a_terminal(store_url, ("add", "amy"), [RIGHT, RIGHT])
    assert (status, output.splitlines()[-1]) == (0, "added facilitator 'amy'")
    assert cli(store_url, "list").stdout == "amy\n"
