"""Server cost of one rerun: the real lesson page against a bare Streamlit page, GC on and off.

Run: ``.venv/bin/python benchmarks/bench_rerun.py [--quick]`` (from anywhere; ``--help`` lists
the knobs). It starts real ``streamlit run`` servers on free loopback ports, talks to them over
their WebSocket with the browser's protobuf protocol (``benchmarks/wsclient.py``), and stops
them at the end, also on error or Ctrl-C.

Pages measured (the ``code`` is a throwaway learner in a throwaway SQLite database):

- lesson, text step:     ``streamlit_app.py``, url
  ``/lesson?code=...&lesson=tolerance-dependence-addiction``, on ``three-different-things``;
- lesson, timeline step: the same page on ``withdrawal-timeline`` (Plotly chart);
- bare, text / timeline: ``benchmarks/bare_lesson.py`` drawing the same elements with plain
  Streamlit calls and no engine code;
- bare minimal:          ``bare_lesson.py?frame=0``: title, step body, progress bar, 2 buttons.

For each ``runner.postScriptGC`` setting (true, false; a command-line flag, which overrides
``.streamlit/config.toml``) both servers run side by side, and it reports, per page:

- server CPU per rerun: the server process's CPU time (all threads, exited script threads
  too; the kernel's process CPU clock, i.e. /proc/<pid>/stat utime+stime in nanoseconds)
  before and after N sequential reruns from one tab, divided by N. The pages take turns in
  blocks of 10 reruns, so a change in the machine's load hits them alike;
- round trip p50/p95 of those N reruns (send ``rerun_script`` -> ``script_finished`` arrives);
- K tabs each doing R back-to-back reruns at once: server CPU per rerun, reruns/s, p50/p95;
- the ratio lesson/bare of CPU per rerun (goal: at most 1.5x);

and, with GC off, on a fresh server per row, the RSS growth for M idle tabs (each opened the
page once and stays connected), in bytes per tab.

Every measured run is checked: the first rerun of each page must contain the lesson title and
the step's own text (and a Plotly chart on the timeline step) and no exception; every later run
must draw the same sequence of elements, so an error page can't be timed by mistake.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import streamlit  # noqa: E402
from wsclient import RunResult, Session, fetch_xsrf_cookie  # noqa: E402

LESSON_ID = "tolerance-dependence-addiction"
TEXT_STEP = ("three-different-things", 0)
TIMELINE_STEP = ("withdrawal-timeline", 5)
TITLE = "Tolerance, dependence and addiction"
COMMON_FLAGS = (
    "--server.headless", "true",
    "--server.fileWatcherType", "none",
    "--browser.gatherUsageStats", "false",
)  # fmt: skip
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# ---------------------------------------------------------------------------------------------
# Server process


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """One ``streamlit run`` process on a free loopback port; always stopped by ``stop()``."""

    running: list[Server] = []

    def __init__(
        self,
        script: str,
        gc: bool,
        env: dict[str, str],
        logdir: Path,
        label: str,
        nodelay: bool = False,
    ):
        self.script, self.gc, self.env, self.label, self.nodelay = script, gc, env, label, nodelay
        self.cwd = ROOT  # the app's code and .streamlit/config.toml come from here
        self.log_path = logdir / f"server-{label}-gc{'on' if gc else 'off'}-{time.time_ns()}.log"
        self.proc: subprocess.Popen[bytes] | None = None
        self.port = 0
        self.xsrf: str | None = None

    def flags(self) -> list[str]:
        return [*COMMON_FLAGS, "--runner.postScriptGC", "true" if self.gc else "false"]

    def start(self, timeout: float = 90.0) -> Server:
        for _attempt in range(3):
            self.port = free_port()
            launcher = [str(HERE / "nodelay_launch.py")] if self.nodelay else ["-m", "streamlit"]
            cmd = [sys.executable, *launcher, "run", self.script, *self.flags()]
            cmd += ["--server.address", "127.0.0.1", "--server.port", str(self.port)]
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    cmd, cwd=self.cwd, env=self.env, stdout=log, stderr=subprocess.STDOUT
                )
            Server.running.append(self)
            if self._wait_healthy(timeout):
                self.xsrf = fetch_xsrf_cookie(self.port)
                return self
            self.stop()
            if "is not available" not in self.log_path.read_text(errors="replace"):
                break  # not a port race: don't hide the real failure behind retries
        raise RuntimeError(f"server {self.label} did not start; log:\n{self.log_tail()}")

    def _wait_healthy(self, timeout: float) -> bool:
        assert self.proc is not None
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                url = f"http://127.0.0.1:{self.port}/_stcore/health"
                with opener.open(url, timeout=2) as resp:
                    if resp.read().decode().strip() == "ok":
                        return True
            except OSError:
                pass
            time.sleep(0.2)
        return False

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def cpu_seconds(self) -> float:
        """CPU time of the whole process (all threads, exited ones too), in seconds.

        The kernel's per-process CPU clock (what clock_getcpuclockid(3) returns: nanoseconds);
        /proc/<pid>/stat utime+stime is the same total rounded to 10 ms ticks, the fallback.
        """
        try:
            return time.clock_gettime(((~self.pid) << 3) | 2)  # MAKE_PROCESS_CPUCLOCK(pid, SCHED)
        except OSError:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / CLK_TCK  # fields 14, 15 of proc(5)

    def rss_bytes(self) -> int:
        with open(f"/proc/{self.pid}/statm") as f:
            return int(f.read().split()[1]) * PAGE_SIZE

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if self in Server.running:
            Server.running.remove(self)
        self.proc = proc  # keep the pid for messages; poll() is done

    def __enter__(self) -> Server:
        return self.start()

    def __exit__(self, exc_type: object, *_exc: object) -> None:
        if exc_type is not None and exc_type is not KeyboardInterrupt:
            print(f"--- end of the log of server {self.label} ---", file=sys.stderr)
            print(self.log_tail(), file=sys.stderr)
        self.stop()


def stop_all_servers() -> None:
    for server in list(Server.running):
        server.stop()


# ---------------------------------------------------------------------------------------------
# Pages and checks


@dataclass
class Page:
    key: str
    label: str
    app: str  # "lesson" or "bare": which server runs it
    page_name: str
    query: str  # for the sequential tab (its own learner, already on the step)
    must_contain: tuple[str, ...]
    must_have_element: str | None = None
    conc_query: str = ""  # for the concurrent tabs (default: query)
    conc_prepare: Callable[[], None] | None = None  # puts their learner on the step
    signature: tuple[str, ...] = ()
    elements: int = 0
    messages: float = 0.0
    wire_bytes: float = 0.0


def check_first(page: Page, run: RunResult) -> None:
    """The run drew the page we think: title, the step's own text, no exception."""
    problems = [f"missing text {t!r}" for t in page.must_contain if not run.has_text(t)]
    if page.must_have_element and page.must_have_element not in run.element_types:
        problems.append(f"no {page.must_have_element} element")
    if "exception" in run.element_types:
        problems.append("an exception element was drawn")
    if run.status != 0:
        problems.append(f"script_finished status {run.status}")
    if problems:
        raise AssertionError(f"{page.label}: not the expected page: {'; '.join(problems)}")
    page.signature = tuple(run.element_types)
    page.elements = sum(1 for t in run.element_types if t != "block")


def check_same(page: Page, run: RunResult) -> None:
    if tuple(run.element_types) != page.signature or run.status != 0:
        raise AssertionError(
            f"{page.label}: a rerun drew something else: {run.element_types} (status "
            f"{run.status}), expected {list(page.signature)}"
        )


# ---------------------------------------------------------------------------------------------
# Measurements


def pct(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


@dataclass
class Result:
    page: str
    gc: bool
    seq_cpu_ms: float = 0.0
    seq_p50_ms: float = 0.0
    seq_p95_ms: float = 0.0
    seq_client_cpu_ms: float = 0.0
    conc_cpu_ms: float = 0.0
    conc_rate: float = 0.0
    conc_p50_ms: float = 0.0
    conc_p95_ms: float = 0.0
    conc_wall_s: float = 0.0
    messages: float = 0.0
    kbytes: float = 0.0


@dataclass
class IdleResult:
    label: str
    base_rss: int
    points: list[tuple[int, int, float]] = field(default_factory=list)  # (sessions, rss, s)


async def open_sessions(
    server: Server, page: Page, count: int, parallel: int, query: str | None = None
) -> list[Session]:
    """Open `count` tabs on the page; each runs the page once, as a browser tab does."""
    sem = asyncio.Semaphore(parallel)

    async def one() -> Session:
        async with sem:
            tab = Session(server.port, page.page_name, query or page.query, xsrf=server.xsrf)
            await tab.connect()
            run = await tab.rerun()
            if run.status != 0 or "exception" in run.element_types:
                raise AssertionError(f"{page.label}: opening the page failed: {run}")
            tab.keep_blob = False
            return tab

    return list(await asyncio.gather(*(one() for _ in range(count))))


@dataclass
class Seq:
    """The sequential measurement of one page, accumulated over interleaved blocks."""

    page: Page
    server: Server
    tab: Session
    cpu: float = 0.0
    client_cpu: float = 0.0
    latencies: list[float] = field(default_factory=list)
    messages: int = 0
    wire: int = 0


async def measure_setting(
    servers: dict[str, Server], pages: list[Page], args: argparse.Namespace
) -> list[Result]:
    """All pages under one GC setting; both servers are up, so the pages can take turns.

    Sequential: one tab per page, `seq` reruns each, in blocks of `block` reruns that go round
    the pages, so a change in the machine's load hits every page alike. Concurrent: `clients`
    tabs per server rerun `reruns` times each, all at once, one page after another.
    """
    seqs: list[Seq] = []
    conc_tabs: dict[str, list[Session]] = {}
    try:
        for page in pages:
            server = servers[page.app]
            (tab,) = await open_sessions(server, page, 1, 1)
            tab.keep_blob = True
            check_first(page, await tab.rerun())
            tab.keep_blob = False
            for _ in range(args.warmup):
                check_same(page, await tab.rerun())
            seqs.append(Seq(page, server, tab))
        for app, server in servers.items():
            first = next(p for p in pages if p.app == app)
            if first.conc_prepare:
                first.conc_prepare()
            conc_tabs[app] = await open_sessions(
                server, first, args.clients, 10, first.conc_query or first.query
            )

        done = 0
        while done < args.seq:
            n = min(args.block, args.seq - done)
            for item in seqs:
                cpu0, client0 = item.server.cpu_seconds(), time.process_time()
                for _ in range(n):
                    run = await item.tab.rerun()
                    check_same(item.page, run)
                    item.latencies.append(run.seconds)
                    item.messages += run.messages
                    item.wire += run.wire_bytes
                item.cpu += item.server.cpu_seconds() - cpu0
                item.client_cpu += time.process_time() - client0
            done += n

        results = []
        for item in seqs:
            res = Result(item.page.key, item.server.gc)
            res.seq_cpu_ms = item.cpu / args.seq * 1000
            res.seq_client_cpu_ms = item.client_cpu / args.seq * 1000
            res.seq_p50_ms = pct(item.latencies, 50) * 1000
            res.seq_p95_ms = pct(item.latencies, 95) * 1000
            res.messages = item.messages / args.seq
            res.kbytes = item.wire / args.seq / 1024
            results.append(res)

        order = sorted(range(len(pages)), key=lambda i: (pages[i].key.split("-")[1:], i))
        for i in order:
            await measure_concurrent(
                servers[pages[i].app], pages[i], conc_tabs[pages[i].app], results[i], args
            )
        return results
    finally:
        tabs = [item.tab for item in seqs] + [t for ts in conc_tabs.values() for t in ts]
        await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)


async def measure_concurrent(
    server: Server, page: Page, tabs: list[Session], result: Result, args: argparse.Namespace
) -> None:
    """Every tab reruns `reruns` times back to back, all starting together."""
    if page.conc_prepare:
        page.conc_prepare()
    for tab in tabs:
        tab.query_string = page.conc_query or page.query

    async def warm(tab: Session) -> None:
        check_same(page, await tab.rerun())  # also: the tab now shows this page

    await asyncio.gather(*(warm(tab) for tab in tabs))
    start = asyncio.Event()
    latencies: list[float] = []

    async def hammer(tab: Session) -> None:
        await start.wait()
        for _ in range(args.reruns):
            run = await tab.rerun()
            check_same(page, run)
            latencies.append(run.seconds)

    tasks = [asyncio.create_task(hammer(tab)) for tab in tabs]
    await asyncio.sleep(0.2)  # let every task reach the barrier
    cpu0, t0 = server.cpu_seconds(), time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    wall, cpu1 = time.perf_counter() - t0, server.cpu_seconds()
    total = len(tabs) * args.reruns
    result.conc_cpu_ms = (cpu1 - cpu0) / total * 1000
    result.conc_rate = total / wall
    result.conc_wall_s = wall
    result.conc_p50_ms = pct(latencies, 50) * 1000
    result.conc_p95_ms = pct(latencies, 95) * 1000


async def measure_idle(
    server: Server, page: Page, counts: Sequence[int], label: str, parallel: int
) -> IdleResult:
    """RSS growth for idle tabs: each opens the page (one script run) and stays connected."""
    tabs = await open_sessions(server, page, 1, parallel=1)
    try:
        for _ in range(10):
            await tabs[0].rerun()
        await asyncio.sleep(1.0)
        result = IdleResult(label, server.rss_bytes())
        for count in counts:
            t0 = time.perf_counter()
            tabs += await open_sessions(server, page, count - (len(tabs) - 1), parallel)
            opened = time.perf_counter() - t0
            await asyncio.sleep(1.0)  # let the last flushes and thread exits settle
            result.points.append((count, server.rss_bytes(), opened))
        return result
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs), return_exceptions=True)


# ---------------------------------------------------------------------------------------------
# Set-up


def make_learner(db_url: str, step: tuple[str, int]) -> tuple[str, Callable[[str, int], None]]:
    """A throwaway learner already on `step`; returns (code, move_to(step_id, index))."""
    from course.store import Store

    store = Store(db_url)
    try:
        learner_id, code = store.create_learner(datetime.now(UTC))
        store.visit_step(learner_id, LESSON_ID, *step, datetime.now(UTC))
    finally:
        store.close()

    def move_to(step_id: str, index: int) -> None:
        s = Store(db_url)
        try:
            s.visit_step(learner_id, LESSON_ID, step_id, index, datetime.now(UTC))
        finally:
            s.close()

    return code, move_to


def build_pages(db_url: str) -> list[Page]:
    """The five pages; the lesson ones get a learner each, plus one the concurrent tabs share."""
    text_code, _ = make_learner(db_url, TEXT_STEP)
    timeline_code, _ = make_learner(db_url, TIMELINE_STEP)
    conc_code, conc_move = make_learner(db_url, TEXT_STEP)
    text_must = (TITLE, "Three words that often get mixed up", "Each is a different change.")
    timeline_must = (TITLE, "How withdrawal usually goes", "Withdrawal feels awful.")

    def lesson_query(code: str) -> str:
        return f"code={code}&lesson={LESSON_ID}"

    return [
        Page(
            "lesson-text",
            "(a1) lesson page, text step",
            "lesson",
            "lesson",
            lesson_query(text_code),
            text_must,
            conc_query=lesson_query(conc_code),
            conc_prepare=lambda: conc_move(*TEXT_STEP),
        ),
        Page(
            "lesson-timeline",
            "(a2) lesson page, timeline step",
            "lesson",
            "lesson",
            lesson_query(timeline_code),
            timeline_must,
            must_have_element="plotly_chart",
            conc_query=lesson_query(conc_code),
            conc_prepare=lambda: conc_move(*TIMELINE_STEP),
        ),
        Page(
            "bare-text", "(b) bare page, text step", "bare", "", f"step={TEXT_STEP[0]}", text_must
        ),
        Page(
            "bare-timeline",
            "(b) bare page, timeline step",
            "bare",
            "",
            f"step={TIMELINE_STEP[0]}",
            timeline_must,
            must_have_element="plotly_chart",
        ),
        Page(
            "bare-minimal",
            "(b) bare minimal, text step",
            "bare",
            "",
            f"step={TEXT_STEP[0]}&frame=0",
            (TITLE, "Each is a different change."),
        ),
    ]


def git_state() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "course", "streamlit_app.py", "lessons"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        ).stdout.strip()
    except OSError:
        return "unknown"
    return f"{head}{' + uncommitted changes in course/ or lessons/' if dirty else ''}"


def loadavg() -> str:
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


# ---------------------------------------------------------------------------------------------
# Report


def fmt_ms(x: float) -> str:
    return f"{x:7.1f}"


def print_results(results: list[Result], pages: dict[str, Page], args: argparse.Namespace) -> None:
    k, r = args.clients, args.reruns
    print()
    print(
        f"Per rerun. 'seq' = 1 client, {args.seq} sequential reruns; "
        f"'{k}x{r}' = {k} clients x {r} back-to-back reruns at once."
    )
    head = (
        f"{'page':34} {'GC':>3} | {'seq CPU':>7} {'p50':>7} {'p95':>7} | "
        f"{f'{k}x{r} CPU':>8} {'rerun/s':>7} {'p50':>7} {'p95':>7} | {'msgs':>4} {'KB':>5} "
        f"{'elems':>5}"
    )
    print(head)
    print(
        f"{'':34} {'':>3} | {'ms':>7} {'ms':>7} {'ms':>7} | {'ms':>8} {'':>7} {'ms':>7} {'ms':>7} |"
    )
    print("-" * len(head))
    for res in sorted(results, key=lambda x: (list(pages).index(x.page), not x.gc)):
        page = pages[res.page]
        print(
            f"{page.label:34} {'on' if res.gc else 'off':>3} | {fmt_ms(res.seq_cpu_ms)} "
            f"{fmt_ms(res.seq_p50_ms)} {fmt_ms(res.seq_p95_ms)} | {res.conc_cpu_ms:8.1f} "
            f"{res.conc_rate:7.1f} {fmt_ms(res.conc_p50_ms)} {fmt_ms(res.conc_p95_ms)} | "
            f"{res.messages:4.0f} {res.kbytes:5.1f} {page.elements:5d}"
        )
    client = max((x.seq_client_cpu_ms for x in results), default=0.0)
    print(f"(benchmark client's own CPU during 'seq': at most {client:.1f} ms per rerun)")


def print_ratios(results: list[Result], gcs: Sequence[bool]) -> None:
    by = {(x.page, x.gc): x for x in results}
    pairs = [
        ("text step, lesson / bare (same elements)", "lesson-text", "bare-text"),
        ("text step, lesson / bare minimal", "lesson-text", "bare-minimal"),
        ("timeline step, lesson / bare (same elements)", "lesson-timeline", "bare-timeline"),
    ]
    print()
    print("Server CPU per rerun, lesson / bare (goal: <= 1.5x); seq and concurrent")
    cols = "".join(f" | GC {'on' if gc else 'off'}: seq   {'conc':>5}" for gc in gcs)
    print(f"{'':46}{cols}")
    for label, num, den in pairs:
        line = f"{label:46}"
        for gc in gcs:
            a, b = by.get((num, gc)), by.get((den, gc))
            if a is None or b is None or b.seq_cpu_ms <= 0 or b.conc_cpu_ms <= 0:
                line += f" | {'n/a':>14}"
                continue
            seq, conc = a.seq_cpu_ms / b.seq_cpu_ms, a.conc_cpu_ms / b.conc_cpu_ms
            mark = "ok" if seq <= 1.5 else "OVER"
            line += f" | {seq:5.2f}x {mark:4} {conc:5.2f}x"
        print(line)
    if len(gcs) == 2:
        print()
        print("postScriptGC on / off, server CPU per rerun (seq)")
        for page in dict.fromkeys(x.page for x in results):
            on, off = by.get((page, True)), by.get((page, False))
            if on and off and off.seq_cpu_ms > 0:
                extra = on.seq_cpu_ms - off.seq_cpu_ms
                print(
                    f"  {page:16} {on.seq_cpu_ms:7.1f} / {off.seq_cpu_ms:5.1f} ms = "
                    f"{on.seq_cpu_ms / off.seq_cpu_ms:5.1f}x  (+{extra:.1f} ms)"
                )


def print_idle(idle: list[IdleResult], parallel: int) -> None:
    if not idle:
        return
    print()
    print(
        f"Idle sessions, GC off, a fresh server per row; tabs opened {parallel} at a time, each "
        "ran the page once and stays connected. growth = RSS after - RSS before."
    )
    print(
        f"{'server':52} {'before':>8} | {'tabs':>4} {'growth':>8} {'per tab':>10} "
        f"{'open time':>9} | {'slope between counts':>20}"
    )
    for res in idle:
        prev: tuple[int, int] | None = None
        for count, rss, opened in res.points:
            grow = rss - res.base_rss
            slope = ""
            if prev is not None:
                per = (rss - prev[1]) / (count - prev[0]) / 1024
                slope = f"{per:8.1f} KB/tab {prev[0]}->{count}"
            print(
                f"{res.label:52} {res.base_rss / 2**20:5.0f} MB | {count:4d} "
                f"{grow / 2**20:5.1f} MB {grow / count / 1024:7.1f} KB {opened:8.1f}s | {slope}"
            )
            prev = (count, rss)


def print_notes(results: list[Result], idle: list[IdleResult], args: argparse.Namespace) -> None:
    """Explain the two effects that dominate the figures, when the figures show them."""
    off = [x for x in results if not x.gc]
    if off and not args.nodelay:
        gap = min(x.seq_p50_ms - x.seq_cpu_ms for x in off)
        if gap > 25:
            print()
            print(
                f"Note: with GC off every round trip is at least {gap:.0f} ms above the server's "
                "CPU per rerun. Streamlit 1.67 binds its listening socket with proto=0, and "
                "asyncio sets TCP_NODELAY only when sock.proto == IPPROTO_TCP, so Nagle holds "
                "the frames after new_session until the client's delayed ACK (~40 ms on "
                "Linux). Compare: bench_rerun.py --nodelay (servers via nodelay_launch.py)."
            )
    by = {r.label.split(" +")[0]: r for r in idle}
    plain = by.get("(a1) lesson, text step")
    fixed = by.get("(a1) lesson, text, MALLOC_MMAP_THRESHOLD_=1048576")
    if plain and fixed and plain.points and fixed.points:
        count, rss, _ = plain.points[0]
        per_plain = (rss - plain.base_rss) / count
        count_f, rss_f, _ = fixed.points[0]
        per_fixed = (rss_f - fixed.base_rss) / count_f
        if per_plain > 4 * max(per_fixed, 1):
            print()
            print(
                f"Note: a lesson tab's first run signs in with its code: hashlib.scrypt "
                f"(n=2**14, r=8) allocates 16 MiB. After glibc's first free of such a block its "
                f"dynamic mmap threshold rises, later blocks come from the (per-thread) malloc "
                f"arenas, and concurrent sign-ins leave them resident: {per_plain / 1024:.0f} "
                f"KB per tab for the first {count} tabs, against {per_fixed / 1024:.0f} KB with a "
                f"fixed threshold (MALLOC_MMAP_THRESHOLD_=1048576, which also costs each "
                f"sign-in a fresh 16 MiB mapping)."
            )


# ---------------------------------------------------------------------------------------------
# Main


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke run")
    parser.add_argument("--seq", type=int, help="sequential reruns per page (default 60)")
    parser.add_argument("--warmup", type=int, help="unmeasured reruns first (default 5)")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 30)")
    parser.add_argument("--reruns", type=int, help="reruns per concurrent client (default 3)")
    parser.add_argument("--block", type=int, default=10, help="sequential reruns per turn")
    parser.add_argument("--idle", help="idle session counts, comma-separated (default 50,200)")
    parser.add_argument("--parallel", type=int, default=10, help="idle tabs opened at once")
    parser.add_argument("--gc", default="true,false", help="postScriptGC settings to run")
    parser.add_argument(
        "--nodelay",
        action="store_true",
        help="start the servers through nodelay_launch.py (TCP_NODELAY on), to compare latency",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (DB, logs)")
    args = parser.parse_args(argv)
    quick = {"seq": 20, "warmup": 3, "clients": 10, "reruns": 3, "idle": "10,30"}
    full = {"seq": 60, "warmup": 5, "clients": 30, "reruns": 3, "idle": "50,200"}
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.idle_counts = sorted({int(x) for x in args.idle.split(",") if x.strip()})
    args.gcs = [{"true": True, "false": False}[x.strip().lower()] for x in args.gc.split(",")]
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    workdir = Path(tempfile.mkdtemp(prefix="bench_rerun-"))
    db_url = f"sqlite:///{workdir / 'bench.db'}"
    env = {**os.environ, "COURSE_DATABASE_URL": db_url, "PYTHONUNBUFFERED": "1"}
    started = time.perf_counter()
    print(
        f"bench_rerun: Streamlit {streamlit.__version__}, Python {platform.python_version()}, "
        f"websockets {version('websockets')}, {os.cpu_count()} CPUs, git {git_state()}"
    )
    print(f"load average before: {loadavg()}   temp dir: {workdir}")
    print(
        "server flags (both apps): streamlit run <script> "
        + " ".join(COMMON_FLAGS)
        + " --runner.postScriptGC true|false --server.address 127.0.0.1 --server.port <free>"
    )
    print(
        "  + the project's .streamlit/config.toml (cwd = repo root): XSRF protection stays on; "
        "the client gets the _streamlit_xsrf cookie from /_stcore/health and sends it as a "
        "browser does."
    )
    print(
        f"counts: seq={args.seq} (after {args.warmup} warm-up; pages take turns every "
        f"{args.block}), concurrent={args.clients}x"
        f"{args.reruns}, idle={args.idle_counts}{'  [--quick]' if args.quick else ''}"
        f"{'  [--nodelay: servers with TCP_NODELAY]' if args.nodelay else ''}"
    )
    malloc_env = {k: v for k, v in os.environ.items() if k.startswith("MALLOC_")}
    if malloc_env:
        print(f"inherited allocator settings: {malloc_env}")

    results: list[Result] = []
    idle: list[IdleResult] = []
    try:
        pages = build_pages(db_url)
        by_key = {p.key: p for p in pages}
        scripts = {"lesson": "streamlit_app.py", "bare": "benchmarks/bare_lesson.py"}
        for gc in args.gcs:
            with contextlib.ExitStack() as stack:
                servers = {
                    app: stack.enter_context(Server(script, gc, env, workdir, app, args.nodelay))
                    for app, script in scripts.items()
                }
                t0 = time.perf_counter()
                results += asyncio.run(measure_setting(servers, pages, args))
                print(
                    f"  measured GC {'on ' if gc else 'off'} in {time.perf_counter() - t0:5.1f}s; "
                    + ", ".join(
                        f"{app} server pid {srv.pid}, RSS {srv.rss_bytes() / 2**20:.0f} MB"
                        for app, srv in servers.items()
                    )
                )
        print()
        print("Checked pages (first rerun of each; every later rerun drew the same elements):")
        for page in pages:
            kinds = [t for t in page.signature if t != "block"]
            print(
                f"  {page.label:34} {page.elements:2d} elements, "
                f"{len(page.signature) - page.elements} blocks, found {page.must_contain[0]!r} "
                f"and {page.must_contain[-1]!r}: {' '.join(kinds)}"
            )
        if args.idle_counts:
            lesson_page, bare_page = by_key["lesson-text"], by_key["bare-text"]
            variants = [
                ("(a1) lesson, text step", lesson_page, scripts["lesson"], {}),
                # Diagnostic: a fixed mmap threshold returns scrypt's 16 MiB buffer to the OS.
                (
                    "(a1) lesson, text, MALLOC_MMAP_THRESHOLD_=1048576",
                    lesson_page,
                    scripts["lesson"],
                    {"MALLOC_MMAP_THRESHOLD_": "1048576"},
                ),
                ("(b) bare, text step", bare_page, scripts["bare"], {}),
            ]
            for label, page, script, extra in variants:
                label += " +TCP_NODELAY" if args.nodelay else ""
                server = Server(script, False, {**env, **extra}, workdir, "idle", args.nodelay)
                with server:
                    idle.append(
                        asyncio.run(
                            measure_idle(server, page, args.idle_counts, label, args.parallel)
                        )
                    )
        print_results(results, by_key, args)
        print_ratios(results, args.gcs)
        print_idle(idle, args.parallel)
        print_notes(results, idle, args)
        print()
        print(
            f"load average after: {loadavg()}; total time {time.perf_counter() - started:.0f}s. "
            "The client runs on the same 2-core machine (with whatever else runs there) and "
            "competes with the server for CPU: round trips and reruns/s are pessimistic; CPU "
            "per rerun is the server's own, but cache and SMT contention still move it."
        )
        return 0
    finally:
        stop_all_servers()
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
