"""The deployment as README "Deploying" gives it: nginx (deploy/nginx-course.conf, as shipped)
in front of two app replicas on one PostgreSQL, in a real browser.

The counselor's browser is routed to one replica and the phones to the other (each by its
sticky route cookie). Two phones answer; the phones' replica is killed with SIGKILL mid-question;
their pages reconnect through nginx to the other replica, find their seats and the answers they
gave, and the other two phones answer there. Every acknowledged answer is counted once. The
security headers are checked on the way, and no page reports a Content-Security-Policy
violation.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_kit import REPO, Server, click_button, free_port, main_area, screenshot
from playwright.sync_api import expect
from slowdown import slow
from test_group_session import (
    QUESTION_KEY,
    add_facilitator,
    answer,
    heading,
    join,
    open_question,
    recorded,
    serve,
    shows,
    sign_in,
    start_session,
    step_title,
)

pytestmark = pytest.mark.browser

SITE = REPO / "deploy" / "nginx-course.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
MAIN = """daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{}}
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
# Only in the test: which replica answered, so each browser can be routed on purpose.
UPSTREAM_HEADER = "    add_header X-Course-Upstream $upstream_addr always;\n"


def site_config(port: int, replicas: list[int]) -> str:
    """The shipped site file with this test's ports (and the upstream header) filled in."""
    text = SITE.read_text(encoding="utf-8")
    for shipped, ours in zip((8501, 8502), replicas, strict=True):
        assert f"server 127.0.0.1:{shipped} " in text
        text = text.replace(f"server 127.0.0.1:{shipped} ", f"server 127.0.0.1:{ours} ")
    assert "listen 127.0.0.1:8080;" in text
    text = text.replace("listen 127.0.0.1:8080;", f"listen 127.0.0.1:{port};")
    return text.replace("    client_max_body_size 1m;\n",
                        "    client_max_body_size 1m;\n" + UPSTREAM_HEADER)  # fmt: skip


@pytest.fixture
def balancer(workdir: Path) -> Iterator[Callable[[list[int]], str]]:
    """Start nginx in front of the given replica ports; yield a starter returning its base."""
    if not Path(NGINX).exists():
        if os.environ.get("COURSE_REQUIRE_NGINX") == "1":
            pytest.fail("COURSE_REQUIRE_NGINX=1 but nginx is not installed", pytrace=False)
        pytest.skip("nginx is not installed (.ci/run installs Debian's nginx)")
    started: list[subprocess.Popen[bytes]] = []

    def start(replicas: list[int]) -> str:
        port = free_port()
        place = workdir / "nginx"
        place.mkdir()
        (place / "course.conf").write_text(site_config(port, replicas), encoding="utf-8")
        (place / "nginx.conf").write_text(MAIN.format(dir=place), encoding="utf-8")
        command = [NGINX, "-c", str(place / "nginx.conf"), "-e", str(place / "error.log")]
        started.append(subprocess.Popen(command))
        base = f"http://127.0.0.1:{port}"
        for _ in range(600):
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=slow(5)) as reply:
                    if reply.status == 200:
                        return base
            except OSError:
                if started[-1].poll() is not None:
                    raise AssertionError((place / "error.log").read_text()) from None
                time.sleep(0.1)  # until nginx and a replica answer
        raise AssertionError("nginx did not come up")

    yield start
    for process in started:
        process.terminate()
        process.wait(timeout=slow(10))


def route_to(base: str, replica: int) -> str:
    """A route cookie value that nginx sends to this replica."""
    for n in range(500):
        value = f"test-route-{n}"
        request = urllib.request.Request(
            f"{base}/_stcore/health", headers={"Cookie": f"course_route={value}"}
        )
        with urllib.request.urlopen(request, timeout=slow(10)) as reply:
            if reply.headers["X-Course-Upstream"] == f"127.0.0.1:{replica}":
                return value
    raise AssertionError(f"no route key reaches replica {replica}")


def routed(page: Any, base: str, value: str) -> Any:
    page.context.add_cookies([{"name": "course_route", "value": value, "url": base}])
    return page


def test_two_replicas_behind_nginx_lose_nothing_when_one_is_killed(
    open_page: Callable[[str], Any],
    servers: list[Server],
    workdir: Path,
    postgres_url: str,
    balancer: Callable[[list[int]], str],
    test_name: str,
) -> None:
    add_facilitator(postgres_url)
    first, second = serve(servers, workdir, postgres_url), serve(servers, workdir, postgres_url)
    base = balancer([first.port, second.port])

    # The headers every page gets through the balancer.
    with urllib.request.urlopen(f"{base}/", timeout=slow(10)) as reply:
        headers = reply.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Frame-Options"] == "DENY"
    assert "course_route=" in headers["Set-Cookie"]

    violations: list[str] = []

    def watch(page: Any) -> Any:
        page.on("console", lambda message: violations.append(message.text)
                if "Content Security Policy" in message.text else None)  # fmt: skip
        return page

    console = watch(routed(open_page("desktop"), base, route_to(base, first.port)))
    sign_in(console, base)
    code = start_session(console)
    link = f"{base}/join?room={code}"
    to_second = route_to(base, second.port)
    phones = [watch(routed(open_page("phone"), base, to_second)) for _ in range(4)]
    for page in phones:
        join(page, link, "", code)
    open_question(console)
    for page in phones[:2]:
        expect(page.get_by_role("button", name="Send my answer")).to_be_visible(
            timeout=slow(10_000)
        )
        answer(page, True)

    # The phones' replica dies mid-question: no shutdown, nothing flushed.
    os.kill(second.process.pid, signal.SIGKILL)
    assert second.process.wait(timeout=slow(10)) == -signal.SIGKILL

    # Their pages reconnect through nginx to the replica left, in their seats.
    for page, is_right in zip(phones[2:], [True, False], strict=True):
        expect(page.get_by_role("button", name="Send my answer")).to_be_visible(
            timeout=slow(60_000)
        )
        answer(page, is_right)
    screenshot(phones[2], test_name, "phone-after-failover")

    tally, responses, seated = recorded(postgres_url, code)
    assert (tally.responses, tally.correct, seated) == (4, 3, 4)
    assert [r.question_key for r in responses] == [QUESTION_KEY] * 4
    shows(console, "4 answer(s).", timeout=slow(15_000))  # the counselor's replica saw them all
    expect(main_area(console).get_by_text(f"join code {code}")).to_be_visible()

    # Every phone, the two that answered before the kill too, follows the counselor on.
    click_button(console, "Next")
    click_button(console, "Close it and move on")
    for page in phones:
        expect(heading(page, step_title(2))).to_be_visible(timeout=slow(60_000))
    assert violations == [], violations[:3]
