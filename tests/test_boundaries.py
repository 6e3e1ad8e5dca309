"""The core must not import Streamlit: only course/ui/ and streamlit_app.py may; and how the
UI may use it where a misuse breaks pages in ways no single page test would catch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from slowdown import slow

REPO = Path(__file__).resolve().parent.parent

CHECK = """
import sys, pkgutil, importlib
sys.modules["streamlit"] = None  # any import of streamlit now raises ImportError
import course
for info in pkgutil.walk_packages(course.__path__, "course."):
    if info.name.startswith(("course.ui", "course.store.migrations")):
        continue
    importlib.import_module(info.name)
print("ok")
"""


def test_core_imports_without_streamlit() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], capture_output=True, text=True, cwd=REPO, timeout=slow(60)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_ruff_bans_streamlit_in_the_core(tmp_path: Path) -> None:
    probe = REPO / "course" / "_probe_banned_import.py"
    probe.write_text("import streamlit\n\nprint(streamlit)\n")
    try:
        result = subprocess.run(
            [sys.executable, "-m", "ruff", "check", "--select", "TID251", str(probe)],
            capture_output=True,
            text=True,
            cwd=REPO,
            timeout=slow(60),
        )
    finally:
        probe.unlink()
    assert result.returncode == 1
    assert "TID251" in result.stdout
    assert "course/ is UI-free" in result.stdout


def test_every_part_that_redraws_itself_is_boxed() -> None:
    """A bare ``st.fragment`` can overwrite the element after it (course/ui/live.py tells how);
    pages make their timed parts with ``live()``, which boxes them."""
    bare = [
        path.relative_to(REPO).as_posix()
        for path in sorted((REPO / "course").rglob("*.py"))
        if path.name != "live.py" and "fragment(" in path.read_text(encoding="utf-8")
    ]
    assert bare == []
    assert "st.fragment(run_every=" in (REPO / "course" / "ui" / "live.py").read_text()
