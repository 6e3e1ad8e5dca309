"""The container deployment as shipped: Dockerfile and deploy/compose.yaml, run with podman.

`podman-compose up --build` builds the app image from the Dockerfile and starts PostgreSQL, two
app replicas and nginx (deploy/nginx-course.conf). Then, in a real browser through nginx, a
counselor on one replica runs a group question for four phones on the other; that app container
is killed with SIGKILL mid-question, and every acknowledged answer is counted once. The image is
also checked: it runs as a user without privileges, its health check passes, and content mounted
at COURSE_ROOT is the content it reads.

No registry is reachable on the CI machines, so the base image (--build-arg BASE) and the
PostgreSQL and nginx images are stand-ins made from Debian's packages
(deploy/container/debian-base.sh, deploy/container/stand-ins/). The Dockerfile and the compose
file are the ones a clinic runs. Needs podman, podman-compose and debootstrap (.ci/run installs
them and sets COURSE_REQUIRE_CONTAINER=1); skipped otherwise.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from browser_kit import REPO, screenshot
from playwright.sync_api import expect
from slowdown import slow
from sqlalchemy import create_engine
from sqlalchemy.exc import OperationalError
from test_balancer import UPSTREAM_HEADER, route_to, routed
from test_group_session import (
    QUESTION_KEY,
    add_facilitator,
    answer,
    join,
    open_question,
    recorded,
    shows,
    sign_in,
    start_session,
)

pytestmark = pytest.mark.browser

REQUIRE_ENV = "COURSE_REQUIRE_CONTAINER"
DEPLOY = REPO / "deploy"
BASE = "localhost/course-base:bookworm"
IMAGES = {
    "postgres": "localhost/course-postgres-standin",
    "nginx": "localhost/course-nginx-standin",
}
APP_IMAGE = "localhost/course:compose-test"
PROJECT = "coursetest"  # the compose project: its own container and volume names
APP_PORTS = (8501, 8502)
BALANCER_PORT = 8080
PASSWORD = "a-test-database-secret"


def unavailable(reason: str) -> None:
    if os.environ.get(REQUIRE_ENV) == "1":
        pytest.fail(f"{reason} ({REQUIRE_ENV}=1)", pytrace=False)
    pytest.skip(reason)


def compose_command() -> list[str]:
    found = shutil.which("podman-compose") or str(Path(sys.executable).parent / "podman-compose")
    return [found]


def is_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def run(command: list[str], env: dict[str, str], timeout: float = 900) -> str:
    done = subprocess.run(
        command, cwd=DEPLOY, env=env, capture_output=True, text=True, timeout=slow(timeout)
    )
    assert done.returncode == 0, f"{command}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, str]]:
    """Build the images and bring the compose file up; yield its environment."""
    for tool in ("podman", "debootstrap"):
        if shutil.which(tool) is None:
            unavailable(f"{tool} is not installed")
    if not Path(compose_command()[0]).exists():
        unavailable("podman-compose is not installed (it is in the dev extras)")
    taken = [p for p in (*APP_PORTS, BALANCER_PORT) if not is_free(p)]
    if taken:
        unavailable(f"compose.yaml's ports are taken here: {taken}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        db_port = s.getsockname()[1]
    # The shipped nginx file, plus a header naming the replica that answered (test only).
    site = (DEPLOY / "nginx-course.conf").read_text(encoding="utf-8")
    conf = tmp_path / "nginx-course.conf"
    conf.write_text(
        site.replace(
            "    client_max_body_size 1m;\n", "    client_max_body_size 1m;\n" + UPSTREAM_HEADER
        ),  # fmt: skip
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("COURSE_")}
    # The settings podman needs on these machines (runc, cgroupfs), as .ci/run sets them: a
    # plain `make test` on a fresh clone uses them too.
    env.setdefault("CONTAINERS_CONF", str(DEPLOY.parent / ".ci" / "containers.conf"))
    env |= {
        "BUILDAH_FORMAT": "docker",  # keep the Dockerfile's HEALTHCHECK (OCI has none)
        "COMPOSE_PROJECT_NAME": PROJECT,
        "COURSE_DB_PASSWORD": PASSWORD,
        "COURSE_DB_PORT": str(db_port),
        "COURSE_BASE_IMAGE": BASE,
        "COURSE_IMAGE": APP_IMAGE,
        "COURSE_NGINX_CONF": str(conf),
        "POSTGRES_IMAGE": IMAGES["postgres"],
        "NGINX_IMAGE": IMAGES["nginx"],
    }
    run([str(DEPLOY / "container" / "debian-base.sh"), BASE], env)
    for name, image in IMAGES.items():
        stand_ins = DEPLOY / "container" / "stand-ins"
        run(["podman", "build", "-q", "--build-arg", f"BASE={BASE}", "-t", image,
             "-f", str(stand_ins / f"{name}.Dockerfile"), str(stand_ins)], env)  # fmt: skip
    compose = [*compose_command(), "-p", PROJECT, "-f", str(DEPLOY / "compose.yaml")]
    try:
        run([*compose, "up", "-d", "--build"], env)
        env["DB_URL"] = f"postgresql+psycopg://course:{PASSWORD}@127.0.0.1:{db_port}/course"
        yield env
    finally:
        subprocess.run([*compose, "down", "-v"], cwd=DEPLOY, env=env, capture_output=True)


def wait_healthy(base: str) -> None:
    for _ in range(1200):
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=slow(5)) as reply:
                if reply.read() == b"ok":
                    return
        except OSError:
            pass
        time.sleep(0.1)  # until nginx and a replica answer
    raise AssertionError("the compose stack did not come up")


def wait_for_database(url: str) -> None:
    """Until PostgreSQL takes connections (its first start makes the cluster first)."""
    engine = create_engine(url)
    try:
        for _ in range(1200):
            try:
                with engine.connect():
                    return
            except OperationalError:
                time.sleep(0.1)
        raise AssertionError("PostgreSQL did not come up")
    finally:
        engine.dispose()


def test_the_compose_stack_runs_the_image_and_loses_nothing_when_a_replica_dies(
    stack: dict[str, str],
    open_page: Callable[[str], Any],
    tmp_path: Path,
    test_name: str,
) -> None:
    app1, app2 = f"{PROJECT}_app1_1", f"{PROJECT}_app2_1"
    base = f"http://127.0.0.1:{BALANCER_PORT}"
    db_url = stack["DB_URL"]
    wait_for_database(db_url)
    add_facilitator(db_url)  # also brings the compose database to the newest schema
    for port in APP_PORTS:
        wait_healthy(f"http://127.0.0.1:{port}")
    wait_healthy(base)

    # The image: no root, a health check that passes, and the headers through nginx.
    assert run(["podman", "exec", app1, "id", "-u"], stack).strip() == "10001"
    health = run(["podman", "inspect", "--format", "{{json .Config.Healthcheck}}", app1], stack)
    assert "_stcore/health" in health
    run(["podman", "healthcheck", "run", app1], stack)
    with urllib.request.urlopen(f"{base}/", timeout=slow(10)) as reply:
        headers = reply.headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["X-Content-Type-Options"] == "nosniff"

    # Content mounted at COURSE_ROOT is what the app reads: a broken copy is refused, by line.
    content = tmp_path / "content"
    for part in ("lessons", "quizzes", "bibliography.yaml"):
        source = REPO / part
        copy = shutil.copytree if source.is_dir() else shutil.copy
        copy(source, content / part)
    broken = content / "lessons" / "tolerance-dependence-addiction.yaml"
    broken.write_text(broken.read_text(encoding="utf-8") + "\n  bad: [\n", encoding="utf-8")
    checked = subprocess.run(
        ["podman", "run", "--rm", "--network", "none", "-v", f"{content}:/content:ro",
         "-e", "COURSE_ROOT=/content", APP_IMAGE, "python", "-m", "course", "validate"],
        capture_output=True, text=True, timeout=slow(300), env=stack,
    )  # fmt: skip
    assert checked.returncode != 0
    assert "lessons/tolerance-dependence-addiction.yaml:" in checked.stdout + checked.stderr

    # A group through the balancer: the console on app1, the phones on app2.
    console = routed(open_page("desktop"), base, route_to(base, APP_PORTS[0]))
    sign_in(console, base)
    code = start_session(console)
    to_second = route_to(base, APP_PORTS[1])
    phones = [routed(open_page("phone"), base, to_second) for _ in range(4)]
    for page in phones:
        join(page, f"{base}/join?room={code}", "", code)
    open_question(console)
    for page in phones[:2]:
        expect(page.get_by_role("button", name="Send my answer")).to_be_visible(
            timeout=slow(10_000)
        )
        answer(page, True)

    # The phones' container is killed mid-question: their pages carry on through nginx.
    run(["podman", "kill", "--signal", "KILL", app2], stack)
    for page, is_right in zip(phones[2:], [True, False], strict=True):
        expect(page.get_by_role("button", name="Send my answer")).to_be_visible(
            timeout=slow(60_000)
        )
        answer(page, is_right)
    screenshot(phones[2], test_name, "phone-after-container-killed")

    tally, responses, seated = recorded(db_url, code)
    assert (tally.responses, tally.correct, seated) == (4, 3, 4)
    assert [r.question_key for r in responses] == [QUESTION_KEY] * 4
    shows(console, "4 answer(s).", timeout=slow(15_000))
