"""Real-browser tests: the app under ``streamlit run``, driven by the system Chromium.

Skipped (with the reason) when Chromium is missing, unless COURSE_REQUIRE_BROWSER=1 (CI),
which turns a missing browser, Playwright or axe-core into a failure. Set COURSE_CHROMIUM
to use another Chromium binary. No browser is ever downloaded.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_kit import (
    CHROMIUM,
    DESKTOP,
    LAUNCH_ARGS,
    PROJECTOR,
    WIDE,
    Server,
    axe_source,
    own_address,
    phone_options,
    remove_dir,
    skip_or_fail,
    stop_server,
    streamlit_server,
    temp_dir,
)
from slowdown import slow


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: runs the app in a real Chromium (tests/browser; needs Chromium)"
    )


@pytest.fixture(scope="session", autouse=True)
def chromium_path() -> str:
    """The Chromium binary, or skip (fail in CI) every browser test with the reason."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        skip_or_fail(
            f"Chromium not found at {CHROMIUM}: install it (apt-get install chromium) "
            "or set COURSE_CHROMIUM"
        )
    return CHROMIUM


@pytest.fixture(scope="session")
def playwright_driver(chromium_path: str) -> Iterator[Any]:
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_or_fail("the playwright Python package is not installed (pip install -e '.[dev]')")
        raise
    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def browser(playwright_driver: Any, chromium_path: str) -> Iterator[Any]:
    launched = playwright_driver.chromium.launch(executable_path=chromium_path, args=LAUNCH_ARGS)
    try:
        yield launched
    finally:
        launched.close()


@pytest.fixture(scope="session")
def axe_js() -> str:
    """axe-core's source, from node_modules (installed once with `npm ci` if missing)."""
    return axe_source()


@pytest.fixture(scope="session")
def app_site(chromium_path: str) -> Iterator[tuple[str, str]]:
    """The shipped course served on a fresh SQLite database: (base URL, database URL)."""
    workdir = temp_dir("course-browser-")
    db_url = f"sqlite:///{workdir / 'browser.db'}"
    env = {
        "COURSE_DATABASE_URL": db_url,
        "COURSE_ROOT": "",  # the shipped content, even if the caller's shell sets another root
    }
    try:
        with streamlit_server(workdir, env) as url:
            yield url, db_url
    finally:
        remove_dir(workdir)


@pytest.fixture(scope="session")
def app_url(app_site: tuple[str, str]) -> str:
    """Base URL of the shipped course, served on a fresh SQLite database."""
    return app_site[0]


@pytest.fixture(scope="session")
def app_db_url(app_site: tuple[str, str]) -> str:
    """The database app_url serves from (to check what the pages wrote)."""
    return app_site[1]


@pytest.fixture
def new_phone(browser: Any) -> Iterator[Callable[[], Any]]:
    """Open pages in fresh phone-sized contexts (each one is another device); closed after."""
    contexts: list[Any] = []
    options = phone_options(browser.version)

    def open_page() -> Any:
        context = browser.new_context(**options, **own_address())
        context.set_default_timeout(slow(15_000))
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def phone(new_phone: Callable[[], Any]) -> Any:
    """One page in a phone-sized context."""
    return new_phone()


@pytest.fixture(autouse=True)
def patient_expectations() -> Iterator[None]:
    """expect() waits up to 5 s on a quiet machine, longer on a busy one (tests/slowdown.py)."""
    try:
        from playwright.sync_api import expect
    except ImportError:  # the browser fixtures skip (or fail) with the reason
        yield
        return
    expect.set_options(timeout=slow(5_000))
    yield
    expect.set_options(timeout=5_000)


@pytest.fixture
def test_name(request: pytest.FixtureRequest) -> str:
    name: str = request.node.name
    return name


@pytest.fixture(scope="session")
def repo() -> Path:
    return Path(__file__).resolve().parents[2]


# --- per-test servers and pages ---------------------------------------------------------


@pytest.fixture
def workdir() -> Iterator[Path]:
    path = temp_dir("course-group-")
    try:
        yield path
    finally:
        remove_dir(path)


@pytest.fixture
def servers(workdir: Path) -> Iterator[list[Server]]:
    """Servers a test starts go here; any still running are stopped before workdir goes."""
    started: list[Server] = []
    yield started
    for server in started:
        stop_server(server)
        # Shown only when the test failed (pytest's captured output): what the server said.
        tail = server.log().splitlines()[-40:]
        print(f"--- the end of {server.log_path.name} ---", *tail, sep="\n")


@pytest.fixture
def open_page(browser: Any) -> Iterator[Callable[[str], Any]]:
    """Open a page in a new context: "desktop", "projector" or "phone"; all closed after."""
    contexts: list[Any] = []
    kinds = {
        "desktop": DESKTOP,
        "wide": WIDE,
        "projector": PROJECTOR,
        "phone": phone_options(browser.version),
    }

    def new(kind: str, locale: str | None = None) -> Any:
        """A page of this kind; locale: the browser's language (e.g. "es-MX")."""
        chosen = {"locale": locale} if locale else {}
        context = browser.new_context(**kinds[kind], **own_address(), **chosen)
        context.set_default_timeout(slow(15_000))
        contexts.append(context)
        return context.new_page()

    yield new
    for context in contexts:
        context.close()
