"""Helpers for the real-browser tests: run the app, wait for Streamlit, screenshots, axe-core.

The server and the browser are real: ``streamlit run streamlit_app.py`` in a subprocess and the
system Chromium driven by Playwright's sync API. Nothing here downloads a browser.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from slowdown import slow

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
AXE_JS = REPO / "node_modules" / "axe-core" / "axe.min.js"

CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
REQUIRE_ENV = "COURSE_REQUIRE_BROWSER"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
STARTUP_SECONDS = 60


DESKTOP = {"viewport": {"width": 1280, "height": 800}}
WIDE = {"viewport": {"width": 1280, "height": 900}}
PROJECTOR = {"viewport": {"width": 1920, "height": 1080}}


_DEVICES = itertools.count(1)
# The test servers trust a proxy on 127.0.0.1 (start_server), as a deployment behind nginx does.
TRUSTED_PROXY = "127.0.0.1"


def own_address() -> dict[str, Any]:
    """Context options that give a browser an address of its own, as each phone in a room has.

    Every test browser connects from 127.0.0.1; the servers treat that as a trusted proxy and
    count each context under the address it forwards (198.18.0.0/15 is for benchmarks and
    tests), so the app's per-client limits see many devices, not one.
    """
    n = next(_DEVICES)
    address = f"198.{18 + (n >> 16) % 2}.{(n >> 8) & 255}.{n & 255}"
    return {"extra_http_headers": {"X-Forwarded-For": address}}


def phone_options(browser_version: str) -> dict[str, Any]:
    """PHONE plus a phone's user agent, so Streamlit's own mobile checks apply too.

    Streamlit decides "mobile" from the user agent (e.g. it closes the sidebar after a tap on
    a page link only on mobile), so a desktop user agent would not behave like a phone.
    """
    agent = (
        "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{browser_version} Mobile Safari/537.36"
    )
    return {**PHONE, "user_agent": agent}


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
FAILING_IMPACTS = ("serious", "critical")
# Rules that check that every form control has an accessible name: never exclude these.
NAME_RULES = ("label", "button-name", "aria-input-field-name", "select-name")


@dataclass(frozen=True)
class AxeExclusion:
    """One axe finding we tolerate: a rule, limited to nodes inside Streamlit's own markup."""

    rule: str
    inside: str  # CSS selector; a node is excluded if it is inside (or is) a match
    why: str


# Every finding we let pass, and why. Each is Streamlit's own markup, not ours.
AXE_EXCLUSIONS: tuple[AxeExclusion, ...] = ()

assert not {e.rule for e in AXE_EXCLUSIONS} & set(NAME_RULES), "never exclude the name rules"


def require_browser() -> bool:
    """Tell whether a missing browser (or tool) must fail the run instead of skipping it."""
    return os.environ.get(REQUIRE_ENV) == "1"


def skip_or_fail(reason: str) -> None:
    """Skip with a reason, or fail with it when the browser tests are required (CI)."""
    if require_browser():
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(reason)


# --- the app server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A ``streamlit run`` process this test started, with its port, log and base URL."""

    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(workdir: Path, env: Mapping[str, str], port: int | None = None) -> Server:
    """Start ``streamlit run streamlit_app.py`` (on ``port``, or a free one); wait until healthy.

    The caller stops it with ``stop_server`` (or kills it, for a fault test).
    """
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(REPO / "streamlit_app.py"),
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
    ]
    full_env = {**os.environ, "COURSE_TRUSTED_PROXIES": TRUSTED_PROXY, **env}
    # One log per start (a restart on the same port must not overwrite the first one).
    log_path = workdir / f"streamlit-{port}-{time.monotonic_ns()}.log"
    # A file, not a PIPE: a full pipe would block the server (Streamlit's own e2e does this too).
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=REPO, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(process, port, log_path)
    try:
        _wait_healthy(server.base, process, log_path)
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server: Server) -> None:
    """Stop the server if it still runs (terminate, then kill after 10 s)."""
    process = server.process
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=slow(10))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=slow(10))


@contextlib.contextmanager
def streamlit_server(workdir: Path, env: Mapping[str, str]) -> Iterator[str]:
    """Run ``streamlit run streamlit_app.py`` and yield its base URL once it is healthy."""
    server = start_server(workdir, env)
    try:
        yield server.base
    finally:
        stop_server(server)


def _wait_healthy(base: str, process: subprocess.Popen[bytes], log_path: Path) -> None:
    deadline = time.monotonic() + slow(STARTUP_SECONDS)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"streamlit exited early:\n{log_path.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=slow(2)) as response:
                if response.read().decode().strip() == "ok":
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"streamlit not healthy after {STARTUP_SECONDS}s:\n{log_path.read_text()}")


def temp_dir(prefix: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=prefix))


def remove_dir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)


# --- the shipped content, read as the tests' own answer key -----------------------------------


def shipped(folder: str, name: str) -> dict[str, Any]:
    """Read lessons/<name>.yaml or quizzes/<name>.yaml of the shipped course."""
    import yaml

    found: dict[str, Any] = yaml.safe_load((REPO / folder / f"{name}.yaml").read_text("utf-8"))
    return found


def track_lessons(audience: str) -> list[str]:
    """The lesson ids of the shipped track meant for this audience, in order."""
    course = yaml_course()
    lessons: list[str] = next(t for t in course["tracks"] if t["audience"] == audience)["lessons"]
    return lessons


def yaml_course() -> dict[str, Any]:
    """The shipped lessons/course.yaml."""
    return shipped("lessons", "course")


# --- axe-core ---------------------------------------------------------------------------------


def axe_source() -> str:
    """Return axe.min.js from node_modules, running ``npm ci`` once if it is missing."""
    if not AXE_JS.exists():
        npm = shutil.which("npm")
        if npm is None:
            skip_or_fail("axe-core is not installed and npm is missing (run `npm ci`)")
        assert npm is not None
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=slow(300),
        )
        if done.returncode != 0 or not AXE_JS.exists():
            skip_or_fail(f"`npm ci` could not install axe-core:\n{done.stdout}\n{done.stderr}")
    return AXE_JS.read_text(encoding="utf-8")


_AXE_RUN = """
async ([tags, exclusions]) => {
  // While Streamlit reruns a script it fades the page (data-stale): not what people read.
  const stale = () => !!document.querySelector('[data-stale="true"]');
  const staleBefore = stale();
  const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
  const excluded = (rule, node) => {
    const target = node.target[node.target.length - 1];
    if (typeof target !== 'string') return false;
    const el = document.querySelector(target);
    return !!el && exclusions.some(e => e.rule === rule && el.closest(e.inside));
  };
  const ran = new Set([...result.passes, ...result.violations, ...result.incomplete,
                       ...result.inapplicable].map(r => r.id));
  const violations = result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.filter(n => !excluded(v.id, n)).map(n => ({
      target: n.target.join(' '), html: n.html.slice(0, 300), impact: n.impact,
      summary: (n.failureSummary || '').slice(0, 300)})),
    excluded: v.nodes.filter(n => excluded(v.id, n)).length,
  }));
  return {violations, ran: [...ran], stale: staleBefore || stale()};
}
"""
_NOT_STALE = "() => !document.querySelector('[data-stale=\"true\"]')"


def check_accessibility(page: Any, axe_js: str, where: str) -> list[dict[str, Any]]:
    """Run axe-core on the page; fail on serious or critical findings not excluded above.

    Returns the remaining minor and moderate findings so a test can report them.
    """
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_js)
    exclusions = [{"rule": e.rule, "inside": e.inside} for e in AXE_EXCLUSIONS]
    # A page mid-rerun is faded: check it again once it has settled (a busy machine reruns
    # slowly, and a projector refreshes itself), at most a few times.
    for _ in range(5):
        page.wait_for_function(_NOT_STALE, timeout=slow(30_000))
        outcome = page.evaluate(_AXE_RUN, [AXE_TAGS, exclusions])
        if not outcome["stale"]:
            break
    missing = set(NAME_RULES) - set(outcome["ran"])
    assert not missing, f"axe did not run the control-name rules {missing} on {where}"
    failing = [
        f"{v['id']} ({node['impact']}): {v['help']}\n    at {node['target']}\n    "
        f"{node['html']}\n    {node['summary']}"
        for v in outcome["violations"]
        for node in v["nodes"]
        if node["impact"] in FAILING_IMPACTS
    ]
    assert not failing, f"accessibility problems on {where}:\n" + "\n".join(failing)
    return [v for v in outcome["violations"] if v["nodes"]]


def unnamed_controls(page: Any) -> list[str]:
    """List form controls whose computed accessible name (Chromium's own tree) is empty."""
    cdp = page.context.new_cdp_session(page)
    try:
        tree = cdp.send("Accessibility.getFullAXTree")
    finally:
        cdp.detach()
    roles = {"textbox", "combobox", "radio", "checkbox", "button", "listbox", "spinbutton"}
    found = []
    for node in tree["nodes"]:
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value")
        name = (node.get("name", {}).get("value") or "").strip()
        if role in roles and not name:
            found.append(f"{role} (backend node {node.get('backendDOMNodeId')})")
    return found


# --- Streamlit page helpers -------------------------------------------------------------------


def wait_for_app_run(page: Any, wait_delay: int = 100) -> None:
    """Wait until the script has finished its run (port of Streamlit's e2e helper)."""
    page.wait_for_timeout(155)
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-connection-state='CONNECTED']",
        state="attached",
        timeout=slow(20_000),
    )
    page.wait_for_selector(
        "[data-testid='stApp'][data-test-script-state='notRunning']",
        state="attached",
        timeout=slow(20_000),
    )
    page.wait_for_timeout(wait_delay)


def open_app(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-testid='stAppViewContainer']", timeout=slow(20_000))
    wait_for_app_run(page)


def safe_name(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-")


def _settled_height(page: Any) -> int:
    """The main area's content height, once it stops changing (expanders animate open)."""
    measure = (
        "() => { const m = document.querySelector(\"[data-testid='stMain']\");"
        " return m ? m.scrollHeight : document.documentElement.scrollHeight; }"
    )
    height: int = page.evaluate(measure)
    for _ in range(20):
        page.wait_for_timeout(150)
        again: int = page.evaluate(measure)
        if again == height:
            break
        height = again
    return height


def screenshot(page: Any, test_name: str, name: str) -> Path:
    """Save a full-page screenshot to artifacts/screenshots/<test>-<name>.png.

    Streamlit scrolls inside <main>, not the document, so a plain full_page screenshot only
    shows one screen: grow the viewport to the content's height first, then put it back.
    """
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{safe_name(test_name)}-{safe_name(name)}.png"
    size = page.viewport_size
    height = _settled_height(page)
    tall = max(size["height"], min(int(height), 12_000))
    page.set_viewport_size({"width": size["width"], "height": tall})
    page.wait_for_timeout(250)
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    page.wait_for_timeout(100)
    return path


# --- a learner's moves ------------------------------------------------------------------------


def main_area(page: Any) -> Any:
    return page.get_by_test_id("stMain")


def click_button(page: Any, name: str, *, exact: bool = False, scope: Any = None) -> None:
    """Click a button by its accessible name and wait for the rerun it causes."""
    (scope or main_area(page)).get_by_role("button", name=name, exact=exact).click()
    wait_for_app_run(page)


def start_new_learner(page: Any, base: str, *, shared_device: bool = False) -> str:
    """Open the start page, start the course, and return the code the app shows."""
    open_app(page, base)
    if shared_device:
        label = "I'm on a shared device: sign me out when the browser closes"
        main_area(page).get_by_test_id("stCheckbox").filter(has_text=label).first.click()
        wait_for_app_run(page)
        box = page.get_by_role("checkbox", name=label, exact=True).first
        assert box.is_checked()
    click_button(page, "Start the course")
    code_block = page.get_by_test_id("stCode")
    code_block.wait_for()
    code: str = code_block.inner_text().strip()
    assert re.fullmatch(r"[a-z]{3,7}-[a-z]{3,7}-[a-z]{3,7}-[0-9]{4}", code), code
    return code


def step_label(page: Any) -> Any:
    """The lesson's progress text, e.g. "Step 4 of 11"."""
    return main_area(page).get_by_text(re.compile(r"^Step \d+ of \d+$"))


_OVERFLOW = """
([ignore, scope]) => {
  const width = document.documentElement.clientWidth;
  const found = [];
  for (const el of document.querySelectorAll(`${scope} *`)) {
    if (ignore && el.closest(ignore)) continue;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // visually hidden inputs and the like
    if (!el.checkVisibility({visibilityProperty: true})) continue;  // e.g. a closed expander
    const style = getComputedStyle(el);
    const clips = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
    const name = `${el.tagName.toLowerCase()}[${el.getAttribute('data-testid') || ''}] ` +
                 `"${(el.textContent || '').trim().slice(0, 40)}"`;
    if (box.right > width + 1 || box.left < -1) {
      found.push(`${name} spans ${Math.round(box.left)}..${Math.round(box.right)} of ${width}`);
    } else if (clips && el.scrollWidth > el.clientWidth + 1) {
      found.push(`${name} hides ${el.scrollWidth - el.clientWidth}px of its width`);
    }
  }
  return found.slice(0, 8);
}
"""


# A progress bar's fill is a wide bar slid left out of view: drawn that way on purpose.
NOT_CUT_OFF = "[data-testid='stProgress']"


def cut_off(
    page: Any, ignore: str | None = None, scope: str = "[data-testid='stMain']"
) -> list[str]:
    """List elements that stick out of the screen or hide part of their width.

    ``ignore`` is a CSS selector for known cases (tested, and failing, on their own).
    """
    ignored = NOT_CUT_OFF if ignore is None else f"{NOT_CUT_OFF}, {ignore}"
    found: list[str] = page.evaluate(_OVERFLOW, [ignored, scope])
    return found


_CLIPPED_LABELS = """
(scope) => {
  const found = [];
  for (const chart of document.querySelectorAll(`${scope} [data-testid='stPlotlyChart']`)) {
    const svg = chart.querySelector('svg.main-svg');
    if (!svg) continue;
    const frame = svg.getBoundingClientRect();
    for (const label of chart.querySelectorAll('.xtick text, .ytick text')) {
      const box = label.getBoundingClientRect();
      if (box.left < frame.left - 1 || box.right > frame.right + 1) {
        found.push(`"${label.textContent}" spans ${Math.round(box.left)}..` +
                   `${Math.round(box.right)} of a chart at ${Math.round(frame.left)}..` +
                   `${Math.round(frame.right)}`);
      }
    }
  }
  return found;
}
"""


def clipped_chart_labels(page: Any, scope: str = "[data-testid='stMain']") -> list[str]:
    """List Plotly axis labels drawn partly outside their chart (cut_off misses these: the
    chart's SVG clips them, so they never stick out of the screen)."""
    found: list[str] = page.evaluate(_CLIPPED_LABELS, scope)
    return found


def choose(page: Any, label: str, option: str) -> None:
    """Pick a selectbox option with the mouse, as a person would.

    Live pages redraw part of themselves every few seconds; if the list closes before the
    click lands, open it again.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    box = main_area(page).get_by_role("combobox", name=label, exact=True)
    wanted = page.get_by_role("option", name=option, exact=True)
    for _ in range(4):
        box.click()
        try:
            wanted.click(timeout=slow(2_000))
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    expect(box).to_have_value(option)
    wait_for_app_run(page)
