"""The first `make run` on a fresh clone: seconds from `make run` to a healthy server.

Clones this repository twice per revision into a temporary folder and runs `make run` in each,
polling Streamlit's health address until it answers "ok":

- cold: empty pip and uv caches, as on a new server (every package comes from the registry);
- warm: a second fresh clone that reuses the caches the cold run filled (a re-install).

Two revisions in one run, so that both meet the same machine and network: the one given with
--old-rev (by default the last commit that installed with pip from version ranges) and HEAD
(uv from uv.lock). The machine's own pip settings apply as they would for anyone here.

    .venv/bin/python benchmarks/bench_first_run.py [--old-rev REV] [--rev REV]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# The last commit whose Makefile installed with `pip install -e '.[dev]'` from version ranges.
PIP_REV = "c7a2cdc"
LIMIT_S = 1800.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
            return bool(r.read().decode().strip() == "ok")
    except OSError:
        return False


def first_run(rev: str, work: Path, caches: Path, label: str) -> float:
    """Clone ``rev`` into a new folder, run `make run`, return seconds to a healthy server."""
    clone = work / label
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "-q", rev], check=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("VIRTUAL_ENV", "COURSE_"))}
    env |= {"PIP_CACHE_DIR": str(caches / "pip"), "UV_CACHE_DIR": str(caches / "uv")}
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if ".venv" not in p
    )
    port = free_port()
    log = (work / f"{label}.log").open("w")
    start = time.perf_counter()
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=clone,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        while not healthy(port):
            if server.poll() is not None:
                raise SystemExit(
                    f"{label}: `make run` ended with {server.returncode}; see {log.name}"
                )
            if time.perf_counter() - start > LIMIT_S:
                raise SystemExit(f"{label}: no healthy server after {LIMIT_S:.0f} s")
            time.sleep(0.2)
        return time.perf_counter() - start
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old-rev", default=PIP_REV, help="baseline revision (pip, ranges)")
    parser.add_argument("--rev", default="HEAD", help="revision to measure (uv, uv.lock)")
    args = parser.parse_args()
    rev = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", args.rev],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    results: dict[tuple[str, str], float] = {}
    with tempfile.TemporaryDirectory(prefix="first-run-") as tmp:
        work = Path(tmp)
        for name, revision in (("before", args.old_rev), ("after", rev)):
            caches = work / f"{name}-caches"
            for kind in ("cold", "warm"):
                seconds = first_run(revision, work, caches, f"{name}-{kind}")
                results[(name, kind)] = seconds
                print(f"{name} ({revision}) {kind}: {seconds:6.1f} s to a healthy server")
                sys.stdout.flush()
    print()
    print("first `make run` on a fresh clone, seconds to /_stcore/health = ok")
    print(f"{'':6} {'before (pip)':>14} {'after (uv.lock)':>16} {'after/before':>13}")
    for kind in ("cold", "warm"):
        before, after = results[("before", kind)], results[("after", kind)]
        print(f"{kind:6} {before:14.1f} {after:16.1f} {after / before:13.2f}")


if __name__ == "__main__":
    main()
