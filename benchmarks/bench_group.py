"""Group-session load: answer bursts to the projector, a join storm, idle phones polling.

Run: ``.venv/bin/python benchmarks/bench_group.py [--quick] [--database-url URL]`` (from
anywhere; ``--help`` lists the knobs). It starts real ``streamlit run streamlit_app.py``
servers (cwd = repo root, so the project's ``.streamlit/config.toml`` applies, with its
``runner.postScriptGC = false``) on free loopback ports, on a throwaway SQLite database (or
``--database-url``, e.g. PostgreSQL; the rows it makes there are deleted at the end), and talks
to them over their real WebSocket with the browser's protobuf protocol
(``benchmarks/wsclient.py``: XSRF cookie, ``rerun_script`` with widget states, fragment ids).

Set-up through the store API: a throwaway facilitator, then per scenario a group session on
the lesson's first step with its first single-choice quiz question open. Then, as phones do:

- join: open ``/join?room=CODE`` (the QR link), fill in the form's "Join code" and "Display
  name" text inputs and submit it ("Join": the values and the submit button's trigger in one
  ``rerun_script``); the page must then show the question ("Your turn", a radio, "Send my
  answer"). Every phone has its own display name, so its rows can be found in the database;
- follow: rerun the page's ``st.fragment(run_every=2)`` every 2 s, as the browser does on the
  server's ``auto_rerun`` message: ``rerun_script`` with ``fragment_id`` and ``is_auto_rerun``
  (a phone skips a tick while its previous rerun is still running);
- answer: pick an option, submit the question's form (radio value + "Send my answer" trigger,
  with the fragment's id); the phone's own acknowledgement is "Your answer is in".

Two projector tabs on ``/projector?room=CODE`` read the metric "Answers so far" from each run
of their fragment: one reruns it every ``--projector-every`` s (0.25: the measuring one), the
other on the page's own ``run_every`` (0.5 s: what the room sees). Latency of an answer = from
its submit being sent until the first projector frame whose count includes it. The count is
anonymous, so inclusion is decided through the database: responses.id gives the commit order
(SQLite serialises writers with BEGIN IMMEDIATE); the answer with rank r is included in every
frame whose count >= r. Exact on SQLite; on PostgreSQL ids come from a sequence, so a rank can
be off by concurrent commits.

Scenarios (full run; ``--quick`` uses smaller counts):

1. 30 phones joined and polling; they answer within 1 s (submits spread evenly over 1 s);
   5 of them double-tap (the same submit again 50 ms later) and resend it once more after
   their acknowledgement. Submit -> projector p50/p95/max (goal p95 <= 1 s); database: exactly
   30 rows, one per phone, each the option that phone chose; 0 lost, 0 duplicated.
   Repeated on a server with ``--runner.postScriptGC true`` (the Streamlit default), as the
   baseline; the ratios are printed.
2. The same with 100 phones (goal p95 <= 2 s).
3. 200 tabs open the join page at once: connect -> script_finished of the first run,
   p50/p95/max (goal p95 <= 2 s).
4. Idle phones on a fresh server: RSS growth per joined, polling phone at 50 and 200 (goal
   <= 1 MB each); server CPU% (of one core; the box has 2) with 30 and 100 polling phones;
   first, one phone alone: server CPU per fragment poll and per full rerun of its page.

5. (``--database-url`` PostgreSQL only) The deployment README "Deploying" gives: nginx with
   ``deploy/nginx-course.conf`` (ports filled in) in front of two replicas, against one replica
   alone, in the same run: the burst of scenarios 1-2 with 100 and 200 phones
   (``--balanced``) on each. Phones and projectors connect to nginx, which spreads their
   WebSockets over the replicas (each connection stays on its replica); the replicas trust
   nginx's X-Forwarded-For, so every phone is still a client of its own. Server CPU is both
   replicas' plus nginx's.

Every CPU window also reports the client's own CPU and what all other processes on the machine
used (/proc/stat), with a warning when the machine was busy with something else.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import hashlib
import importlib
import json
import os
import platform
import random
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import streamlit  # noqa: E402
from bench_rerun import (  # noqa: E402
    CLK_TCK,
    Server,
    free_port,
    git_state,
    loadavg,
    pct,
    stop_all_servers,
)
from wsclient import LiveSession, Session, Widget, fetch_xsrf_cookie  # noqa: E402

LESSON_ID = "tolerance-dependence-addiction"
# The projector's count of answers: "Answered" = "12 of 20" since issue 16 (the question fills
# the screen), "Answers so far" = "12" before it (the app an --old-rev run serves).
ANSWERS_LABELS = ("Answered", "Answers so far")
# The app before issue 16's projector and phone changes: the "old projector" of the comparison.
OLD_REV = "4e00064"
JOIN_TITLE = "Join a group session"
ACK_TEXT = b"Your answer is in"

# The store may be mid-edit while this runs next to development: retry its imports a while.
IMPORT_RETRY_S = 300.0
STORE_MODULES = ("course.group", "course.loader", "course.store.sessions", "course.store.accounts")


def wait_for_store() -> None:
    """Import the store's modules, retrying for up to IMPORT_RETRY_S while they fail."""
    deadline = time.monotonic() + IMPORT_RETRY_S
    while True:
        try:
            for name in STORE_MODULES:
                importlib.import_module(name)
            return
        except (ImportError, SyntaxError, AttributeError, NameError) as exc:
            if time.monotonic() > deadline:
                raise
            print(f"  (store not importable yet: {exc!r}; retrying in 15 s)", flush=True)
            for name in list(sys.modules):
                if name == "course" or name.startswith("course."):
                    del sys.modules[name]
            time.sleep(15)


wait_for_store()

from sqlalchemy import delete, select  # noqa: E402

from course.group import askables  # noqa: E402
from course.loader import load_course  # noqa: E402
from course.model import SingleChoice  # noqa: E402
from course.store import Store  # noqa: E402
from course.store.accounts import Facilitators  # noqa: E402
from course.store.db import make_engine  # noqa: E402
from course.store.db import read as db_read  # noqa: E402
from course.store.db import write as db_write  # noqa: E402
from course.store.schema import facilitators as facilitators_t  # noqa: E402
from course.store.schema import participants as participants_t  # noqa: E402
from course.store.schema import responses as responses_t  # noqa: E402
from course.store.sessions import MAX_SEATS, Sessions  # noqa: E402

# ---------------------------------------------------------------------------------------------
# Server and database


class AppServer(Server):
    """``streamlit run streamlit_app.py`` with the project's config; `gc` None = as configured."""

    def __init__(
        self,
        gc: bool | None,
        env: dict[str, str],
        logdir: Path,
        label: str,
        nodelay: bool,
        tree: Path | None = None,
    ):
        super().__init__("streamlit_app.py", bool(gc), env, logdir, label, nodelay)
        self.gc_flag = gc
        if tree is not None:  # another checkout of the app (--old-rev): its code and config
            self.cwd = tree

    def flags(self) -> list[str]:
        if self.gc_flag is None:
            return []
        return ["--runner.postScriptGC", "true" if self.gc_flag else "false"]

    def describe(self) -> str:
        flag = "" if self.gc_flag is None else f" --runner.postScriptGC {str(self.gc_flag).lower()}"
        return f"streamlit run streamlit_app.py{flag}"


NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SITE = ROOT / "deploy" / "nginx-course.conf"
# nginx's own main file for the run; the site file is the shipped one with ports filled in.
NGINX_MAIN = """daemon off;
worker_processes auto;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    include {dir}/course.conf;
}}
"""


def process_tree_cpu(pid: int) -> float:
    """CPU seconds of a process and its children (nginx's master and workers)."""
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()  # fields 3.. of proc(5)
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(stat.parent.name) == pid or int(fields[1]) == pid:  # fields[1]: the parent
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


class Balancer:
    """nginx with the shipped site file in front of app replicas: one server to the phones."""

    def __init__(self, replicas: list[AppServer], workdir: Path, label: str):
        self.replicas, self.label = replicas, label
        self.place = workdir / f"nginx-{label}"
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.xsrf: str | None = None

    def __enter__(self) -> Balancer:
        for replica in self.replicas:
            replica.start()
        self.port = free_port()
        site = SITE.read_text(encoding="utf-8")
        upstreams = "".join(
            f"    server 127.0.0.1:{r.port} max_fails=1 fail_timeout=10s;\n" for r in self.replicas
        )
        start = site.index("    server 127.0.0.1:8501")
        end = site.index("}", start)
        site = site[:start] + upstreams + site[end:]
        site = site.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{self.port};")
        self.place.mkdir()
        (self.place / "course.conf").write_text(site, encoding="utf-8")
        (self.place / "nginx.conf").write_text(NGINX_MAIN.format(dir=self.place))
        conf, log = self.place / "nginx.conf", self.place / "error.log"
        self.proc = subprocess.Popen([NGINX, "-c", str(conf), "-e", str(log)])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                self.xsrf = fetch_xsrf_cookie(self.port)
                return self
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise RuntimeError(f"nginx did not start: {log.read_text(errors='replace')[-2000:]}")

    def __exit__(self, *_exc: object) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        for replica in self.replicas:
            replica.stop()

    @property
    def pid(self) -> int:
        return self.replicas[0].pid

    def cpu_seconds(self) -> float:
        nginx = process_tree_cpu(self.proc.pid) if self.proc is not None else 0.0
        return sum(r.cpu_seconds() for r in self.replicas) + nginx

    def rss_bytes(self) -> int:
        return sum(r.rss_bytes() for r in self.replicas)


@dataclass
class Room:
    session_id: int
    code: str
    key: str  # "quiz:<question id>"
    option_ids: dict[str, str]  # option text (the radio's string value) -> option id


class Db:
    """The benchmark's own view of the database: set-up through the store API, checks in SQL."""

    def __init__(self, url: str):
        self.url = url
        self.store = Store(url)
        self.engine = self.store.engine
        self.sessions = Sessions(self.store.engine)
        self.username = f"bench-{secrets.token_hex(4)}"
        self.facilitator_id = Facilitators(self.store.engine).add(
            self.username, secrets.token_urlsafe(18), datetime.now(UTC)
        )
        course = load_course(ROOT).course
        assert course is not None, "the course does not load"
        self.lesson = course.lessons[LESSON_ID]
        self.askable = next(
            a
            for a in askables(course, self.lesson)
            if a.key.startswith("quiz:") and isinstance(a.question, SingleChoice)
        )
        assert isinstance(self.askable.question, SingleChoice)
        self.question: SingleChoice = self.askable.question
        self.rooms: list[Room] = []

    def new_room(self) -> Room:
        now = datetime.now(UTC)
        first_step = self.lesson.steps[0].id
        session = self.sessions.start(
            self.facilitator_id, LESSON_ID, "group", first_step, now, seat_cap=MAX_SEATS
        )
        self.sessions.open_question(session.id, self.facilitator_id, self.askable.key, now)
        options = {o.text: o.id for o in self.question.options}
        room = Room(session.id, session.join_code, self.askable.key, options)
        self.rooms.append(room)
        return room

    def answers(self, room: Room) -> list[tuple[int, str | None, object]]:
        """(response id, display name, answer) of every row for the room's question, by id."""
        r, p = responses_t, participants_t
        query = (
            select(r.c.id, p.c.display_name, r.c.answer)
            .join(p, p.c.id == r.c.participant_id)
            .where(r.c.session_id == room.session_id, r.c.question_key == room.key)
            .order_by(r.c.id)
        )
        with db_read(self.engine) as conn:
            return [
                (row.id, row.display_name, json.loads(row.answer)) for row in conn.execute(query)
            ]

    def counted(self, room: Room) -> tuple[int, int]:
        """What the app's own store says: tally() responses and rows listed by responses()."""
        tally = self.sessions.tally(room.session_id, room.key).responses
        return tally, len(self.sessions.responses(room.session_id, self.facilitator_id))

    def cleanup(self) -> None:
        """Delete what the benchmark made (for a shared database such as PostgreSQL)."""
        for room in self.rooms:
            with contextlib.suppress(Exception):
                self.sessions.delete_session(room.session_id, self.facilitator_id)
        with contextlib.suppress(Exception), db_write(self.store.engine) as conn:
            conn.execute(delete(facilitators_t).where(facilitators_t.c.id == self.facilitator_id))
        self.store.close()


# Run in the old worktree (its own ``course`` first on the path) by OldDb: set-up and counts
# through that app's own store API, on its own database, which it migrates to its own schema.
OLD_STORE_CALL = """
import json, secrets, sys
from datetime import UTC, datetime
from course.group import askables
from course.loader import load_course
from course.model import SingleChoice
from course.store import Facilitators, Store
from course.store.sessions import MAX_SEATS, Sessions
url, what, args = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
store = Store(url)
sessions = Sessions(store.engine)
now = datetime.now(UTC)
course = load_course(".").course
lesson = course.lessons[args["lesson"]]
askable = next(a for a in askables(course, lesson)
               if a.key.startswith("quiz:") and isinstance(a.question, SingleChoice))
if what == "facilitator":
    name = "bench-" + secrets.token_hex(4)
    made = Facilitators(store.engine).add(name, secrets.token_urlsafe(18), now)
    out = {"id": made, "username": name, "key": askable.key, "step": lesson.steps[0].id,
           "options": {o.text: o.id for o in askable.question.options}}
elif what == "room":
    room = sessions.start(args["facilitator"], lesson.id, "group", lesson.steps[0].id, now,
                          seat_cap=MAX_SEATS)
    sessions.open_question(room.id, args["facilitator"], askable.key, now)
    out = {"id": room.id, "code": room.join_code}
else:
    out = [sessions.tally(args["room"], askable.key).responses,
           len(sessions.responses(args["room"], args["facilitator"]))]
store.close()
print(json.dumps(out))
"""


class OldDb(Db):
    """The same set-up for the app as it was at an older commit (its worktree, its database)."""

    def __init__(self, url: str, tree: Path):  # noqa: D107 (Db's __init__ is not called)
        self.url, self.tree = url, tree
        made = self._call("facilitator")
        self.facilitator_id, self.username = int(made["id"]), str(made["username"])
        self.key, self.first_step = str(made["key"]), str(made["step"])
        self.options: dict[str, str] = dict(made["options"])
        self.engine = make_engine(url)  # reads only: the old app keeps its own schema
        self.rooms = []

    def _call(self, what: str, **args: object) -> Any:
        env = {**os.environ, "PYTHONPATH": str(self.tree)}
        done = subprocess.run(
            [sys.executable, "-c", OLD_STORE_CALL, self.url, what,
             json.dumps({"lesson": LESSON_ID, **args})],
            cwd=self.tree, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"old app's store: {what} failed:\n{done.stderr[-2000:]}")
        return json.loads(done.stdout.strip().splitlines()[-1])

    def new_room(self) -> Room:
        made = self._call("room", facilitator=self.facilitator_id)
        room = Room(int(made["id"]), str(made["code"]), self.key, self.options)
        self.rooms.append(room)
        return room

    def counted(self, room: Room) -> tuple[int, int]:
        tally, listed = self._call("counts", room=room.session_id, facilitator=self.facilitator_id)
        return int(tally), int(listed)

    def cleanup(self) -> None:
        self.engine.dispose()  # the old app's database goes with the temp dir


def old_worktree(rev: str, workdir: Path) -> Path:
    """Check out the app at `rev` into a worktree under workdir (removed again at the end)."""
    tree = workdir / f"app-{rev}"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", "--force", str(tree), rev],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    return tree


def drop_worktree(tree: Path) -> None:
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(tree)],
        check=False, capture_output=True,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Phones and the projector


@dataclass
class Phone:
    name: str
    tab: LiveSession
    radio: Widget | None = None
    submit: Widget | None = None
    first_render_s: float = 0.0
    join_s: float = 0.0
    choice: str = ""
    submit_at: float | None = None
    ack_at: float | None = None

    def on_delta(self, _fwd: object, data: bytes, now: float) -> None:
        if self.ack_at is None and self.submit_at is not None and ACK_TEXT in data:
            self.ack_at = now


def unlettered(shown: str) -> str:
    """The option's own text from what a phone shows: "B. Text" since issue 16, "Text" before."""
    letter, dot, rest = shown.partition(". ")
    return rest if dot and len(letter) == 1 and letter.isupper() else shown


def phone_address(name: str) -> str:
    """A loopback address of its own for each phone name: one client per phone, as in a room."""
    digest = int.from_bytes(hashlib.sha256(name.encode()).digest()[:3], "big")
    return f"127.{digest >> 16}.{(digest >> 8) & 255}.{(digest & 255) or 1}"


async def join_phone(server: Server, room: Room, name: str, timeout: float) -> Phone:
    """Open the join page and submit the join form, as a phone does; return the joined phone."""
    tab = LiveSession(
        server.port, "join", f"room={room.code}", xsrf=server.xsrf, source=phone_address(name)
    )
    phone = Phone(name, tab)
    tab.hooks.append(phone.on_delta)
    await tab.connect()
    tab.start()
    first = await tab.run(timeout)
    phone.first_render_s = first.seconds
    if not first.has_text(JOIN_TITLE) or tab.problems:
        raise AssertionError(f"{name}: not the join page: {first.element_types} {tab.problems}")
    code = tab.find("text_input", "Join code")
    display = tab.find("text_input", "Display name")
    button = tab.find("button", "Join")
    if not (code.form_id == display.form_id == button.form_id != ""):
        raise AssertionError(f"{name}: the join widgets are not one form")
    count = tab.finished + 1
    await tab.submit(button, {code.id: room.code, display.id: name})
    run = await tab.wait_finished(count, timeout)
    phone.join_s = run.seconds
    if not run.has_text("Your turn") or tab.problems:
        raise AssertionError(f"{name}: joining did not show the question: {tab.problems}")
    phone.radio = tab.find("radio", "Choose one answer")
    phone.submit = tab.find("button", "Send my answer")
    if phone.submit.fragment_id not in tab.auto_reruns:
        raise AssertionError(f"{name}: the question is not in a polling fragment")
    tab.keep_blob = False
    return phone


async def join_many(
    server: Server, room: Room, names: Sequence[str], parallel: int, timeout: float
) -> list[Phone]:
    sem = asyncio.Semaphore(parallel)

    async def one(name: str) -> Phone:
        async with sem:
            return await join_phone(server, room, name, timeout)

    return list(await asyncio.gather(*(one(n) for n in names)))


@dataclass
class Projector:
    tab: LiveSession
    frames: list[tuple[float, int]] = field(default_factory=list)  # (arrival, count)
    labels: set[str] = field(default_factory=set)  # which app drew it (see ANSWERS_LABELS)

    def on_delta(self, fwd: object, _data: bytes, now: float) -> None:
        delta = fwd.delta  # type: ignore[attr-defined]
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        if element.WhichOneof("type") == "metric" and element.metric.label in ANSWERS_LABELS:
            self.frames.append((now, int(element.metric.body.split(" of ")[0])))
            self.labels.add(element.metric.label)

    @property
    def count(self) -> int:
        return self.frames[-1][1] if self.frames else -1


async def open_projector(server: Server, room: Room, timeout: float) -> Projector:
    tab = LiveSession(server.port, "projector", f"room={room.code}", xsrf=server.xsrf)
    projector = Projector(tab)
    tab.hooks.append(projector.on_delta)
    await tab.connect()
    tab.start()
    await tab.run(timeout)
    if projector.count != 0 or tab.problems or not tab.auto_reruns:
        raise AssertionError(f"projector: no {ANSWERS_LABELS} = 0: {tab.problems}")
    tab.keep_blob = False
    return projector


async def poll(tab: LiveSession, stop: asyncio.Event, every: float | None, phase: float) -> None:
    """Rerun the page's polling fragment on its timer, as the browser does (skip while busy)."""
    with contextlib.suppress(asyncio.TimeoutError):
        await asyncio.wait_for(stop.wait(), phase)
    due = time.perf_counter()
    while not stop.is_set() and not tab.closed:
        fragment = next(iter(tab.auto_reruns), None)
        interval = every or (tab.auto_reruns.get(fragment, 2.0) if fragment else 2.0)
        if fragment and not tab.in_flight:
            await tab.send_rerun(fragment_id=fragment, is_auto_rerun=True)
        due += interval
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), max(0.0, due - time.perf_counter()))


class Pollers:
    """Polling tasks for many tabs; stopped together."""

    def __init__(self) -> None:
        self.stop = asyncio.Event()
        self.tasks: list[asyncio.Task[None]] = []

    def add(self, tab: LiveSession, every: float | None = None) -> None:
        phase = random.uniform(0, every or 2.0)
        self.tasks.append(asyncio.create_task(poll(tab, self.stop, every, phase)))

    async def close(self) -> None:
        self.stop.set()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def close_all(tabs: Sequence[Session]) -> None:
    await asyncio.gather(*(t.close() for t in tabs), return_exceptions=True)


# ---------------------------------------------------------------------------------------------
# Measurements


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent busy (all CPUs; /proc/stat, not idle or iowait)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:9]]
    return (sum(ticks) - ticks[3] - ticks[4]) / CLK_TCK


@dataclass
class Meter:
    """Server CPU, client CPU, other processes' CPU and wall time over a window."""

    server: Server
    cpu0: float = 0.0
    client0: float = 0.0
    busy0: float = 0.0
    wall0: float = 0.0
    others: float = 0.0  # % of one core used by everything else on the machine (last read)

    def start(self) -> Meter:
        self.cpu0, self.client0 = self.server.cpu_seconds(), time.process_time()
        self.busy0, self.wall0 = machine_busy_seconds(), time.perf_counter()
        return self

    def read(self) -> tuple[float, float, float]:
        """(wall s, server CPU % of one core, client CPU % of one core); sets `others`."""
        wall = time.perf_counter() - self.wall0
        server = (self.server.cpu_seconds() - self.cpu0) / wall * 100
        client = (time.process_time() - self.client0) / wall * 100
        busy = (machine_busy_seconds() - self.busy0) / wall * 100
        self.others = max(0.0, busy - server - client)
        return wall, server, client


def stats(values: Sequence[float]) -> tuple[float, float, float]:
    """p50, p95, max (nearest rank); inf if any value is inf."""
    if not values:
        return float("nan"), float("nan"), float("nan")
    return pct(values, 50), pct(values, 95), max(values)


@dataclass
class BurstResult:
    label: str
    n: int
    gc: str
    join: tuple[float, float, float] = (0, 0, 0)
    idle_cpu: float = 0.0  # server CPU% while polling before the burst
    idle_client: float = 0.0
    idle_others: float = 0.0
    poll_rtt: tuple[float, float, float] = (0, 0, 0)
    to_projector: tuple[float, float, float] = (0, 0, 0)
    to_slow_projector: tuple[float, float, float] = (0, 0, 0)  # the page's own 0.5 s refresh
    to_ack: tuple[float, float, float] = (0, 0, 0)
    all_on_projector_s: float = 0.0  # first submit -> projector shows N
    projector_metric: str = ""  # the count's label: which projector this was
    burst_cpu: float = 0.0
    burst_client: float = 0.0
    burst_others: float = 0.0
    projector_frames_per_s: float = 0.0
    rows: int = 0
    phones_with_row: int = 0
    duplicated: int = 0
    lost: int = 0
    wrong: int = 0
    acked: int = 0
    acked_lost: int = 0
    dup_sends: int = 0
    projector_final: int = 0
    tally: int = 0
    listed: int = 0
    not_shown: int = 0


async def burst(
    server: Server, db: Db, n: int, label: str, gc: str, args: argparse.Namespace
) -> BurstResult:
    """Scenarios 1 and 2: n phones joined and polling answer within `spread` seconds."""
    res = BurstResult(label, n, gc)
    room = db.new_room()
    projector = await open_projector(server, room, args.timeout)
    slow = await open_projector(server, room, args.timeout)  # refreshes on the page's own timer
    names = [f"bench-{room.session_id}-{i:03d}" for i in range(n)]
    phones = await join_many(server, room, names, args.join_parallel, args.timeout)
    res.join = stats([p.join_s for p in phones])
    pollers = Pollers()
    try:
        for phone in phones:
            pollers.add(phone.tab)
        pollers.add(projector.tab, args.projector_every)
        pollers.add(slow.tab)
        await asyncio.sleep(args.settle)
        for phone in phones:
            phone.tab.latencies.clear()
        meter = Meter(server).start()
        await asyncio.sleep(args.window)
        _, res.idle_cpu, res.idle_client = meter.read()
        res.idle_others = meter.others
        res.poll_rtt = stats([x for p in phones for x in p.tab.latencies])

        rng = random.Random(args.seed + n)
        order = phones[:]
        rng.shuffle(order)
        doubles = set(map(id, rng.sample(phones, min(args.dup, n))))
        step = args.spread / max(n - 1, 1)
        frames0 = len(projector.frames)
        meter = Meter(server).start()
        t0 = time.perf_counter()

        async def answer(phone: Phone, offset: float) -> None:
            await asyncio.sleep(max(0.0, t0 + offset - time.perf_counter()))
            assert phone.radio is not None and phone.submit is not None
            phone.choice = rng.choice(phone.radio.options)
            values: dict[str, object] = {phone.radio.id: phone.choice}
            phone.submit_at = await phone.tab.submit(phone.submit, values)
            if id(phone) in doubles:  # a double tap: the same submit again, 50 ms later
                await asyncio.sleep(0.05)
                await phone.tab.submit(phone.submit, values)
                res.dup_sends += 1

        await asyncio.gather(*(answer(p, i * step) for i, p in enumerate(order)))
        deadline = t0 + args.spread + args.burst_timeout
        while time.perf_counter() < deadline:
            if min(projector.count, slow.count) >= n and all(p.ack_at for p in phones):
                break
            await asyncio.sleep(0.05)
        shown = next((t for t, c in projector.frames[frames0:] if c >= n), None)
        res.all_on_projector_s = (shown - t0) if shown else float("inf")
        _, res.burst_cpu, res.burst_client = meter.read()
        res.burst_others = meter.others
        frames = projector.frames[frames0:]
        if len(frames) > 1:
            res.projector_frames_per_s = (len(frames) - 1) / (frames[-1][0] - frames[0][0])
        # A late retry: the phones that double-tapped resend their submit once more.
        for phone in phones:
            if id(phone) in doubles and phone.submit is not None:
                await phone.tab.submit(
                    phone.submit, {phone.radio.id: phone.choice} if phone.radio else {}
                )
                res.dup_sends += 1
        await asyncio.sleep(args.after)
    finally:
        await pollers.close()
        await close_all([p.tab for p in phones] + [projector.tab, slow.tab])
    problems = [f"{p.name}: {p.tab.problems}" for p in phones if p.tab.problems]
    problems += [f"projector: {t.problems}" for t in (projector.tab, slow.tab) if t.problems]
    if problems:
        raise AssertionError(f"{label}: errors on the pages: {problems[:3]}")

    rows = db.answers(room)
    by_name = {p.name: p for p in phones}
    res.rows = len(rows)
    counted: dict[str, int] = {}
    for _, name, _ in rows:
        counted[name or ""] = counted.get(name or "", 0) + 1
    res.phones_with_row = sum(1 for name in by_name if counted.get(name))
    res.duplicated = sum(c - 1 for c in counted.values() if c > 1) + sum(
        c for name, c in counted.items() if name not in by_name
    )
    res.lost = n - res.phones_with_row
    res.wrong = sum(
        1
        for _, name, ans in rows
        if name in by_name and ans != room.option_ids[unlettered(by_name[name].choice)]
    )
    res.acked = sum(1 for p in phones if p.ack_at)
    res.acked_lost = sum(1 for p in phones if p.ack_at and not counted.get(p.name))
    res.projector_final = projector.count
    res.projector_metric = "/".join(sorted(projector.labels))
    res.tally, res.listed = db.counted(room)

    latencies = shown_after(rows, by_name, projector)
    res.not_shown = sum(1 for x in latencies if x == float("inf"))
    res.to_projector = stats(latencies)
    res.to_slow_projector = stats(shown_after(rows, by_name, slow))
    res.to_ack = stats(
        [p.ack_at - p.submit_at if p.ack_at and p.submit_at else float("inf") for p in phones]
    )
    return res


def shown_after(
    rows: list[tuple[int, str | None, object]], by_name: dict[str, Phone], projector: Projector
) -> list[float]:
    """Per answer: submit -> the first projector frame whose count includes it (inf: never).

    rows are in commit order (response id), so the answer of rank r is in every frame whose
    count is at least r.
    """
    latencies = []
    for rank, (_, name, _) in enumerate(rows, start=1):
        phone = by_name.get(name or "")
        if phone is None or phone.submit_at is None:
            continue
        seen = next((t for t, c in projector.frames if c >= rank), None)
        latencies.append(float("inf") if seen is None else seen - phone.submit_at)
    return latencies


@dataclass
class StormResult:
    n: int
    connect: tuple[float, float, float] = (0, 0, 0)
    first_render: tuple[float, float, float] = (0, 0, 0)
    wall: float = 0.0
    cpu: float = 0.0
    client: float = 0.0
    others: float = 0.0


async def storm(server: Server, db: Db, n: int, args: argparse.Namespace) -> StormResult:
    """Scenario 3: n tabs open the join page (the QR link) at once."""
    room = db.new_room()
    res = StormResult(n)
    go = asyncio.Event()
    tabs: list[Session] = []

    async def one() -> tuple[float, float]:
        tab = Session(server.port, "join", f"room={room.code}", xsrf=server.xsrf)
        tabs.append(tab)
        await go.wait()
        t0 = time.perf_counter()
        await tab.connect()
        connected = time.perf_counter() - t0
        run = await tab.rerun(timeout=args.timeout)
        total = time.perf_counter() - t0
        if run.status != 0 or not run.has_text(JOIN_TITLE) or "exception" in run.element_types:
            raise AssertionError(f"join storm: not the join page: {run.element_types}")
        return connected, total

    tasks = [asyncio.create_task(one()) for _ in range(n)]
    await asyncio.sleep(0.2)
    meter = Meter(server).start()
    go.set()
    try:
        results = await asyncio.gather(*tasks)
    finally:
        res.wall, res.cpu, res.client = meter.read()
        res.others = meter.others
        await close_all(tabs)
    res.connect = stats([c for c, _ in results])
    res.first_render = stats([t for _, t in results])
    return res


@dataclass
class IdlePoint:
    count: int
    rss: int = 0
    cpu: float | None = None
    client: float | None = None
    others: float | None = None
    polls_per_s: float = 0.0
    poll_rtt: tuple[float, float, float] = (0, 0, 0)


@dataclass
class IdleResult:
    base_rss: int = 0
    points: list[IdlePoint] = field(default_factory=list)
    runs: int = 0
    poll_cpu_ms: float = 0.0  # server CPU per fragment poll, one phone, sequential
    full_cpu_ms: float = 0.0  # server CPU per full rerun of the joined phone's page
    poll_rtt_ms: float = 0.0
    full_rtt_ms: float = 0.0


async def idle(server: Server, db: Db, args: argparse.Namespace) -> IdleResult:
    """Scenario 4: RSS per joined polling phone; server CPU% with many polling phones."""
    room = db.new_room()
    res = IdleResult()
    pollers = Pollers()
    phones: list[Phone] = []
    try:
        warm = await join_phone(server, room, f"bench-{room.session_id}-warm", args.timeout)
        phones.append(warm)
        await cost_per_run(server, warm, res, args)
        pollers.add(warm.tab)
        await asyncio.sleep(args.settle + 1)
        res.base_rss = await median_rss(server)
        for target in sorted(set(args.idle_counts) | set(args.cpu_counts)):
            names = [f"bench-{room.session_id}-{i:03d}" for i in range(len(phones) - 1, target)]
            new = await join_many(server, room, names, args.join_parallel, args.timeout)
            for phone in new:
                pollers.add(phone.tab)
            phones += new
            point = IdlePoint(target)
            await asyncio.sleep(args.settle)
            if target in args.cpu_counts:
                for phone in phones:
                    phone.tab.latencies.clear()
                done0 = sum(p.tab.finished for p in phones[1:])
                meter = Meter(server).start()
                await asyncio.sleep(args.window)
                wall, point.cpu, point.client = meter.read()
                point.others = meter.others
                point.polls_per_s = (sum(p.tab.finished for p in phones[1:]) - done0) / wall
                point.poll_rtt = stats([x for p in phones[1:] for x in p.tab.latencies])
            point.rss = await median_rss(server)
            res.points.append(point)
        problems = [f"{p.name}: {p.tab.problems}" for p in phones if p.tab.problems]
        if problems:
            raise AssertionError(f"idle phones: errors on the pages: {problems[:3]}")
        return res
    finally:
        await pollers.close()
        await close_all([p.tab for p in phones])


async def cost_per_run(
    server: Server, phone: Phone, res: IdleResult, args: argparse.Namespace
) -> None:
    """Server CPU per run of one phone, alone: a fragment poll, and a full rerun of its page.

    An answer costs about one of each: the form submit reruns the fragment, whose st.rerun()
    then reruns the whole page.
    """
    tab, runs = phone.tab, 10 if args.quick else 30
    fragment = next(iter(tab.auto_reruns))
    for _ in range(3):  # warm-up
        await tab.run(args.timeout, fragment_id=fragment, is_auto_rerun=True)
        await tab.run(args.timeout)
    for full in (False, True):
        cpu0, rtts = server.cpu_seconds(), []
        for _ in range(runs):
            run = await (
                tab.run(args.timeout)
                if full
                else tab.run(args.timeout, fragment_id=fragment, is_auto_rerun=True)
            )
            if "radio" not in run.element_types or tab.problems:
                raise AssertionError(f"cost per run: not the question: {run.element_types}")
            rtts.append(run.seconds)
        cpu_ms = (server.cpu_seconds() - cpu0) / runs * 1000
        if full:
            res.full_cpu_ms, res.full_rtt_ms = cpu_ms, statistics.median(rtts) * 1000
        else:
            res.poll_cpu_ms, res.poll_rtt_ms = cpu_ms, statistics.median(rtts) * 1000
    res.runs = runs


async def median_rss(server: Server, samples: int = 5, gap: float = 0.4) -> int:
    values = []
    for _ in range(samples):
        values.append(server.rss_bytes())
        await asyncio.sleep(gap)
    return int(statistics.median(values))


# ---------------------------------------------------------------------------------------------
# Report


def ms(x: float) -> str:
    return "   never" if x == float("inf") else f"{x * 1000:8.0f}"


def trio(t: tuple[float, float, float]) -> str:
    return f"{ms(t[0])} {ms(t[1])} {ms(t[2])}"


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def print_bursts(bursts: list[BurstResult], args: argparse.Namespace) -> None:
    if not bursts:
        return
    print()
    print(
        f"Answer bursts. N phones joined through the join form ({args.join_parallel} at a time) "
        f"and poll every 2 s; two projector tabs: one reruns every {args.projector_every:g} s (the "
        "measuring one), one on the page's own 0.5 s timer (what the room sees). The N submits are "
        f"spread evenly over {args.spread:g} s; {args.dup} phones double-tap (+50 ms) and resend "
        "once after their acknowledgement. Times in ms; CPU in % of one core (2 cores = 200%)."
    )
    head = (
        f"{'scenario':30} {'GC':>3} | {'figure':34} | {'p50':>8} {'p95':>8} {'max':>8} | "
        f"{'goal':12} | result"
    )
    print(head)
    print("-" * len(head))
    for b in bursts:
        goal_s = 1.0 if b.n <= 30 else 2.0
        first = f"{b.label:30} {b.gc:>3}"
        blank = f"{'':30} {'':>3}"
        print(
            f"{first} | {f'submit -> projector ({args.projector_every:g} s rerun)':34} | "
            f"{trio(b.to_projector)} | p95 <= {goal_s:g} s | {verdict(b.to_projector[1] <= goal_s)}"
        )
        print(
            f"{blank} | {'submit -> projector (page, 0.5 s)':34} | {trio(b.to_slow_projector)} | "
            f"p95 <= {goal_s:g} s | {verdict(b.to_slow_projector[1] <= goal_s)}"
        )
        print(f"{blank} | {'submit -> own ack on the phone':34} | {trio(b.to_ack)} |")
        print(f"{blank} | {'join (form submit -> question)':34} | {trio(b.join)} |")
        print(
            f"{blank} | {'poll rerun before the burst':34} | {trio(b.poll_rtt)} | CPU: server "
            f"{b.idle_cpu:.0f}%, client {b.idle_client:.0f}%, other processes {b.idle_others:.0f}%"
        )
        rows_ok = (
            b.rows == b.n
            and b.lost == 0
            and b.duplicated == 0
            and b.wrong == 0
            and b.projector_final == b.tally == b.listed == b.n
        )
        print(
            f"{blank} | database: {b.rows} rows for {b.n} phones, lost {b.lost}, duplicated "
            f"{b.duplicated}, wrong option {b.wrong}; acknowledged {b.acked}, of them lost "
            f"{b.acked_lost}; duplicate submits {b.dup_sends}; projector {b.projector_final}, "
            f"tally() {b.tally}, responses() {b.listed}: {verdict(rows_ok)}"
        )
        print(
            f"{blank} | first submit -> projector shows all {b.n}: "
            f"{ms(b.all_on_projector_s).strip()} ms; burst window CPU: server {b.burst_cpu:.0f}%, "
            f"client {b.burst_client:.0f}%, other processes {b.burst_others:.0f}%; projector "
            f"frames {b.projector_frames_per_s:.1f}/s (its count: {b.projector_metric!r})"
            + (f"; {b.not_shown} answers never shown" if b.not_shown else "")
        )


def print_storm(s: StormResult | None, which: str = "") -> None:
    if s is None:
        return
    print()
    print(
        f"Join storm{which}: {s.n} tabs open /join?room=CODE at once (from opening the "
        "WebSocket to the script_finished of the first run). Times in ms."
    )
    print(f"  {'connect (WebSocket open)':24} p50/p95/max {trio(s.connect)}")
    print(
        f"  {'first complete render':24} p50/p95/max {trio(s.first_render)}   goal p95 <= 2 s: "
        f"{verdict(s.first_render[1] <= 2.0)}"
    )
    print(
        f"  all {s.n} rendered in {s.wall:.2f} s; CPU: server {s.cpu:.0f}%, client "
        f"{s.client:.0f}%, other processes {s.others:.0f}%"
    )


def print_idle(r: IdleResult | None, args: argparse.Namespace) -> None:
    if r is None:
        return
    print()
    print(
        f"Idle phones on a fresh server: joined through the form ({args.join_parallel} at a "
        "time), each reruns its fragment every 2 s. RSS = median of 5 samples over 2 s; baseline "
        f"after one warm-up phone: {r.base_rss / 2**20:.1f} MB. CPU over {args.window:g} s, % of "
        "one core."
    )
    print(
        f"  server CPU per run, one phone alone ({r.runs} sequential runs each): fragment poll "
        f"{r.poll_cpu_ms:.1f} ms (round trip p50 {r.poll_rtt_ms:.0f} ms), full rerun of the "
        f"joined page {r.full_cpu_ms:.1f} ms (p50 {r.full_rtt_ms:.0f} ms); an answer costs about "
        "one fragment run (the phone page is not rerun as a whole)."
    )
    print(
        f"  {'phones':>6} | {'RSS':>8} {'growth':>8} {'per phone':>10} {'goal 1 MB':>9} | "
        f"{'server':>6} {'client':>6} {'others':>6} {'polls/s':>7} | {'poll p50':>8} {'p95':>8}"
    )
    for p in r.points:
        grow = p.rss - r.base_rss
        per = grow / p.count
        goal = verdict(per <= 2**20) if p.count in args.idle_counts else ""
        cpu = (
            f"{p.cpu:5.0f}% {p.client:5.0f}% {p.others or 0:5.0f}% {p.polls_per_s:7.1f} | "
            f"{ms(p.poll_rtt[0])} {ms(p.poll_rtt[1])}"
            if p.cpu is not None
            else f"{'':>6} {'':>6} {'':>6} {'':>7} |"
        )
        print(
            f"  {p.count:6d} | {p.rss / 2**20:5.1f} MB {grow / 2**20:5.1f} MB "
            f"{per / 1024:7.0f} KB {goal:>9} | {cpu}"
        )


def print_ratios(bursts: list[BurstResult]) -> None:
    off = next((b for b in bursts if b.gc == "off" and b.label.startswith("(1)")), None)
    on = next((b for b in bursts if b.gc == "on"), None)
    if not (off and on):
        return
    print()
    print(
        f"Baseline ratio, scenario 1 ({off.n} phones): postScriptGC true (Streamlit default) / "
        "false (project config), same run"
    )

    def ratio(a: float, b: float) -> str:
        if b <= 0 or a == float("inf"):
            return "    n/a"
        return f"{a / b:6.1f}x"

    rows = [
        ("submit -> projector p50", on.to_projector[0], off.to_projector[0], True),
        ("submit -> projector p95", on.to_projector[1], off.to_projector[1], True),
        ("submit -> projector max", on.to_projector[2], off.to_projector[2], True),
        (
            "submit -> projector (page, 0.5 s) p95",
            on.to_slow_projector[1],
            off.to_slow_projector[1],
            True,
        ),
        ("submit -> own ack p95", on.to_ack[1], off.to_ack[1], True),
        ("join p95", on.join[1], off.join[1], True),
        ("poll rerun p95 (before burst)", on.poll_rtt[1], off.poll_rtt[1], True),
        ("server CPU % polling (before burst)", on.idle_cpu, off.idle_cpu, False),
        ("server CPU % during the burst", on.burst_cpu, off.burst_cpu, False),
    ]
    for label, a, b, is_time in rows:
        fa = ms(a).strip() + " ms" if is_time else f"{a:.0f}%"
        fb = ms(b).strip() + " ms" if is_time else f"{b:.0f}%"
        print(f"  {label:38} {fa:>10} / {fb:>10} = {ratio(a, b)}")


def run_old_app(
    args: argparse.Namespace,
    workdir: Path,
    bursts: list[BurstResult],
    done: Any,
) -> StormResult | None:
    """Scenarios 1-3 again on the app at --old-rev, in the same run: the baseline to compare.

    Its own worktree and its own SQLite database (the old app migrates it to its own schema);
    set-up and counts go through that app's own store API. Skipped with --database-url: two
    schemas cannot share one database.
    """
    if args.database_url:
        print("  (old app: skipped with --database-url; it needs a database of its own)")
        return None
    tree = old_worktree(args.old_rev, workdir)
    try:
        url = f"sqlite:///{workdir / 'old-app.db'}"
        db = OldDb(url, tree)
        env = {**os.environ, "COURSE_DATABASE_URL": url, "PYTHONUNBUFFERED": "1",
               "PYTHONPATH": str(tree)}  # fmt: skip
        storm_result = None
        with AppServer(None, env, workdir, "old", args.nodelay, tree) as srv:
            for number, n in (("1", args.small), ("2", args.large)):
                if number not in args.skipped:
                    t0 = time.perf_counter()
                    label = f"({number}) {n} phones, old app"
                    bursts.append(asyncio.run(burst(srv, db, n, label, "old", args)))
                    done(f"scenario {number} ({n} phones), old app", srv, t0)
            if "3" not in args.skipped:
                t0 = time.perf_counter()
                storm_result = asyncio.run(storm(srv, db, args.storm, args))
                done(f"scenario 3 (join storm of {args.storm}), old app", srv, t0)
        db.cleanup()
        return storm_result
    finally:
        drop_worktree(tree)


def run_balanced(
    args: argparse.Namespace, workdir: Path, env: dict[str, str], db: Db, done: Any
) -> list[BurstResult]:
    """Scenario 5: the bursts on one replica alone, then on nginx with two replicas."""
    if not (args.database_url or "").startswith("postgresql"):
        print("  (scenario 5: skipped; two replicas need --database-url on PostgreSQL)")
        return []
    if not Path(NGINX).exists():
        print("  (scenario 5: skipped; nginx is not installed)")
        return []
    results: list[BurstResult] = []
    behind = {**env, "COURSE_TRUSTED_PROXIES": "127.0.0.1"}  # nginx passes each phone's address
    for n in args.balanced_counts:
        for kind in ("1 replica", "nginx+2"):
            if kind == "1 replica":
                front: Any = AppServer(None, env, workdir, f"alone-{n}", args.nodelay)
            else:
                replicas = [
                    AppServer(None, behind, workdir, f"replica{i}-{n}", args.nodelay)
                    for i in (1, 2)
                ]
                front = Balancer(replicas, workdir, f"lb-{n}")
            with front as srv:
                t0 = time.perf_counter()
                label = f"(5) {n} phones, {kind}"
                results.append(asyncio.run(burst(srv, db, n, label, "lb", args)))
                done(f"scenario 5 ({n} phones, {kind})", srv, t0)
    return results


def print_balanced_ratios(bursts: list[BurstResult]) -> None:
    """Two replicas behind nginx / one replica alone, same run, same counts."""
    alone = {b.n: b for b in bursts if b.label.endswith("1 replica")}
    pairs = [(b, alone[b.n]) for b in bursts if b.label.endswith("nginx+2") and b.n in alone]
    if not pairs:
        return
    print()
    print("nginx + 2 replicas / 1 replica alone, same run, same machine (< 1x: faster with two):")
    for two, one in pairs:
        print(f"  {two.n} phones:")
        for label, a, b in (
            ("submit -> projector p50", two.to_projector[0], one.to_projector[0]),
            ("submit -> projector p95", two.to_projector[1], one.to_projector[1]),
            ("submit -> own ack p95", two.to_ack[1], one.to_ack[1]),
            ("join p95", two.join[1], one.join[1]),
            ("poll rerun p95 (before burst)", two.poll_rtt[1], one.poll_rtt[1]),
        ):
            shown = f"{ms(a).strip()} ms / {ms(b).strip()} ms"
            ratio = "n/a" if b <= 0 or a == float("inf") else f"{a / b:.2f}x"
            print(f"    {label:36} {shown:>24} = {ratio}")
        print(
            f"    {'server CPU % polling / burst':36} {two.idle_cpu:.0f}% / {two.burst_cpu:.0f}% "
            f"(two replicas + nginx) against {one.idle_cpu:.0f}% / {one.burst_cpu:.0f}%"
        )


def print_old_ratios(
    bursts: list[BurstResult], storm_new: StormResult | None, storm_old: StormResult | None,
    rev: str,
) -> None:  # fmt: skip
    """This app / the old app (--old-rev), same run, same counts: > 1x means slower now."""
    pairs = []
    for number in ("(1)", "(2)"):
        new = next((b for b in bursts if b.gc == "off" and b.label.startswith(number)), None)
        old = next((b for b in bursts if b.gc == "old" and b.label.startswith(number)), None)
        if new and old:
            pairs.append((new, old))
    if not pairs and not (storm_new and storm_old):
        return
    print()
    print(f"This app / the app at {rev} (before issue 16's projector), same run, same machine:")

    def ratio(a: float, b: float) -> str:
        return "    n/a" if b <= 0 or a == float("inf") else f"{a / b:6.2f}x"

    for new, old in pairs:
        rows = [
            ("submit -> projector p50", new.to_projector[0], old.to_projector[0], True),
            ("submit -> projector p95", new.to_projector[1], old.to_projector[1], True),
            ("submit -> projector (page) p95", new.to_slow_projector[1],
             old.to_slow_projector[1], True),
            ("submit -> own ack p95", new.to_ack[1], old.to_ack[1], True),
            ("join p95", new.join[1], old.join[1], True),
            ("poll rerun p95 (before burst)", new.poll_rtt[1], old.poll_rtt[1], True),
            ("server CPU % polling", new.idle_cpu, old.idle_cpu, False),
            ("server CPU % during the burst", new.burst_cpu, old.burst_cpu, False),
        ]  # fmt: skip
        print(f"  {new.n} phones:")
        for label, a, b, is_time in rows:
            fa = ms(a).strip() + " ms" if is_time else f"{a:.0f}%"
            fb = ms(b).strip() + " ms" if is_time else f"{b:.0f}%"
            print(f"    {label:36} {fa:>10} / {fb:>10} = {ratio(a, b)}")
    if storm_new and storm_old:
        print(f"  join storm of {storm_new.n}:")
        for label, a, b in (
            ("first render p50", storm_new.first_render[0], storm_old.first_render[0]),
            ("first render p95", storm_new.first_render[1], storm_old.first_render[1]),
            ("all rendered (s)", storm_new.wall, storm_old.wall),
        ):
            fa, fb = (f"{x:.2f} s" if "(s)" in label else ms(x).strip() + " ms" for x in (a, b))
            print(f"    {label:36} {fa:>10} / {fb:>10} = {ratio(a, b)}")


# ---------------------------------------------------------------------------------------------
# Main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run (~1 min)")
    parser.add_argument("--database-url", help="SQLAlchemy URL (default: a throwaway SQLite file)")
    parser.add_argument("--small", type=int, help="phones in scenario 1 (default 30)")
    parser.add_argument("--large", type=int, help="phones in scenario 2 (default 100)")
    parser.add_argument("--storm", type=int, help="tabs in the join storm (default 200)")
    parser.add_argument("--idle", help="idle phone counts for RSS (default 50,200)")
    parser.add_argument(
        "--balanced", help="phones per burst, one replica vs nginx+2 (default 100,200)"
    )
    parser.add_argument("--cpu", help="idle phone counts for CPU%% (default 30,100)")
    parser.add_argument("--window", type=float, help="CPU measuring window, s (default 10)")
    parser.add_argument("--spread", type=float, default=1.0, help="submits spread over, s")
    parser.add_argument("--dup", type=int, default=5, help="phones that double-tap and resend")
    parser.add_argument("--projector-every", type=float, default=0.25, help="projector rerun, s")
    parser.add_argument("--join-parallel", type=int, default=10, help="phones joining at once")
    parser.add_argument("--settle", type=float, default=3.0, help="polling before measuring, s")
    parser.add_argument("--after", type=float, default=2.0, help="polling after a burst, s")
    parser.add_argument("--burst-timeout", type=float, default=60.0, help="wait for all, s")
    parser.add_argument("--timeout", type=float, default=120.0, help="any single run, s")
    parser.add_argument("--seed", type=int, default=20260817)
    parser.add_argument(
        "--skip", default="", help="scenarios to leave out, comma-separated: 1,gc,2,3,old,4,5"
    )
    parser.add_argument(
        "--nodelay", action="store_true", help="servers via nodelay_launch.py (TCP_NODELAY on)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (DB, logs)")
    parser.add_argument(
        "--old-rev",
        default=OLD_REV,
        help=f"the app to compare with (scenarios 1-3 again; skip with 'old'; default {OLD_REV}, "
        "before issue 16's projector)",
    )
    args = parser.parse_args(argv)
    quick = {"small": 10, "large": 30, "storm": 50, "idle": "10,30", "cpu": "10,30", "window": 4.0,
             "balanced": "10,30"}  # fmt: skip
    full = {"small": 30, "large": 100, "storm": 200, "idle": "50,200", "cpu": "30,100",
            "window": 10.0, "balanced": "100,200"}  # fmt: skip
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    if args.quick:
        args.settle = min(args.settle, 2.5)
    args.idle_counts = sorted({int(x) for x in args.idle.split(",") if x.strip()})
    args.cpu_counts = sorted({int(x) for x in args.cpu.split(",") if x.strip()})
    args.skipped = {x.strip() for x in args.skip.split(",") if x.strip()}
    args.balanced_counts = [int(x) for x in args.balanced.split(",") if x.strip()]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    random.seed(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="bench_group-"))
    db_url = args.database_url or f"sqlite:///{workdir / 'bench.db'}"
    shown_url = db_url.split("@")[-1] if "@" in db_url else db_url
    env = {**os.environ, "COURSE_DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1"}
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    started = time.perf_counter()
    print(
        f"bench_group: Streamlit {streamlit.__version__}, Python {platform.python_version()}, "
        f"websockets {version('websockets')}, {os.cpu_count()} CPUs, git {git_state()}"
    )
    print(f"load average before: {loadavg()}   temp dir: {workdir}   database: {shown_url}")
    print(
        "server: streamlit run streamlit_app.py --server.address 127.0.0.1 --server.port <free>, "
        f"cwd = repo root: .streamlit/config.toml has runner.postScriptGC = "
        f"{str(config.get('runner', {}).get('postScriptGC')).lower()}, XSRF protection "
        f"{'on' if config.get('server', {}).get('enableXsrfProtection', True) else 'off'}"
        f"{'; servers with TCP_NODELAY (--nodelay)' if args.nodelay else ''}"
    )
    print(
        f"counts: bursts {args.small} and {args.large} phones, join storm {args.storm}, idle RSS "
        f"at {args.idle_counts}, idle CPU at {args.cpu_counts} ({args.window:g} s windows)"
        f"{'  [--quick]' if args.quick else ''}"
    )

    db = Db(db_url)
    print(
        f"room: lesson {LESSON_ID}, step {db.lesson.steps[0].id!r}, open question "
        f"{db.askable.key} ({len(db.question.options)} options); throwaway facilitator "
        f"{db.username}"
    )
    bursts: list[BurstResult] = []
    storm_result: StormResult | None = None
    old_storm: StormResult | None = None
    idle_result: IdleResult | None = None

    def server(gc: bool | None, label: str) -> AppServer:
        return AppServer(gc, env, workdir, label, args.nodelay)

    def done(what: str, srv: Server, t0: float) -> None:
        print(
            f"  {what:44} {time.perf_counter() - t0:5.1f}s  (server pid {srv.pid}, RSS "
            f"{srv.rss_bytes() / 2**20:.0f} MB, load {loadavg()})",
            flush=True,
        )

    try:
        if {"1", "2", "3"} - args.skipped:
            with server(None, "main") as srv:
                if "1" not in args.skipped:
                    t0 = time.perf_counter()
                    label = f"(1) {args.small} phones answer in {args.spread:g} s"
                    bursts.append(asyncio.run(burst(srv, db, args.small, label, "off", args)))
                    done(f"scenario 1 ({args.small} phones), GC off", srv, t0)
                if "2" not in args.skipped:
                    t0 = time.perf_counter()
                    label = f"(2) {args.large} phones answer in {args.spread:g} s"
                    bursts.append(asyncio.run(burst(srv, db, args.large, label, "off", args)))
                    done(f"scenario 2 ({args.large} phones), GC off", srv, t0)
                if "3" not in args.skipped:
                    t0 = time.perf_counter()
                    storm_result = asyncio.run(storm(srv, db, args.storm, args))
                    done(f"scenario 3 (join storm of {args.storm})", srv, t0)
        if "old" not in args.skipped and {"1", "2", "3"} - args.skipped:
            old_storm = run_old_app(args, workdir, bursts, done)
        if "gc" not in args.skipped and "1" not in args.skipped:
            with server(True, "gc-on") as srv:
                t0 = time.perf_counter()
                label = f"(1) {args.small} phones answer in {args.spread:g} s"
                bursts.append(asyncio.run(burst(srv, db, args.small, label, "on", args)))
                done(f"scenario 1 ({args.small} phones), postScriptGC true", srv, t0)
        if "4" not in args.skipped:
            with server(None, "idle") as srv:
                t0 = time.perf_counter()
                idle_result = asyncio.run(idle(srv, db, args))
                done("scenario 4 (idle phones), fresh server", srv, t0)

        if "5" not in args.skipped:
            bursts += run_balanced(args, workdir, env, db, done)

        print_bursts(bursts, args)
        print_ratios(bursts)
        print_balanced_ratios(bursts)
        print_storm(storm_result)
        print_storm(old_storm, f" [old app, {args.old_rev}]")
        print_old_ratios(bursts, storm_result, old_storm, args.old_rev)
        print_idle(idle_result, args)
        noise = [b.idle_others for b in bursts] + [b.burst_others for b in bursts]
        noise += [storm_result.others] if storm_result else []
        noise += [p.others or 0.0 for p in idle_result.points] if idle_result else []
        if noise and max(noise) > 20:
            print()
            print(
                f"WARNING: other processes on this machine used up to {max(noise):.0f}% of a core "
                "during the measuring windows (2 cores = 200%): the server had less CPU than the "
                "box offers, so latencies here are pessimistic. Rerun on a quiet machine."
            )
        print()
        print(
            f"load average after: {loadavg()}; total time {time.perf_counter() - started:.0f}s. "
            "Client and server share this machine's CPUs: the client's own CPU is printed next to "
            "the server's; latencies include its scheduling delays."
        )
        return 0
    finally:
        stop_all_servers()
        db.cleanup()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
