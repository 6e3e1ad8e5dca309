"""Run a command while other processes keep every CPU busy: the suite must pass under load.

Usage: python tests/under_load.py [--hogs N] -- COMMAND...  (make test-under-load)

Shared CI machines are often busy. N busy-looping processes (default: 8 per CPU, a load
average of about 16 on two cores) run beside the command and stop when it ends; the exit code
is the command's.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

HOG = "while True: pass"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--hogs", type=int, default=8 * (os.cpu_count() or 1))
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("give the command to run after --")
    hogs = [subprocess.Popen([sys.executable, "-c", HOG]) for _ in range(args.hogs)]
    # The load per CPU the command will meet: the tests stretch the upper bounds of their
    # waits by it (tests/slowdown.py), as they do by the load average on a busy machine.
    cpus = os.cpu_count() or 1
    env = {**os.environ}
    env.setdefault("COURSE_TEST_SLOWDOWN", f"{(args.hogs + cpus) / cpus:g}")
    print(
        f"under_load: {len(hogs)} CPU hogs beside: {' '.join(command)} "
        f"(COURSE_TEST_SLOWDOWN={env['COURSE_TEST_SLOWDOWN']})",
        flush=True,
    )
    try:
        return subprocess.call(command, env=env)
    finally:
        for hog in hogs:
            hog.kill()
        for hog in hogs:
            hog.wait()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
