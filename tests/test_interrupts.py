"""Ctrl-C at any moment of a command prints one line and exits 130.

Each test makes KeyboardInterrupt happen at one stage, in a process of its own:
while the command line loads, while typer builds it, in a command before its
work starts, and during the work (which says that nothing was written).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import MakeNotebook

_RUN = """
import sys
{patch}
sys.argv = ["nb2pkg", *sys.argv[1:]]
from nb2pkg.__main__ import main
main()
"""

_STAGES = {
    "building the command line": (
        "import typer.main\n"
        "def stop(*args, **kwargs):\n"
        "    raise KeyboardInterrupt\n"
        "typer.main.get_command = stop"
    ),
    "a command setting up": (
        "import nb2pkg.cli\n"
        "def stop(*args, **kwargs):\n"
        "    raise KeyboardInterrupt\n"
        "nb2pkg.cli._setting_up = stop"
    ),
}


def _run(patch: str, *args: str) -> tuple[int, str]:
    """Run the command line with ``args`` after ``patch``; return code and stderr."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN.format(patch=patch), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stderr


@pytest.mark.parametrize("stage", sorted(_STAGES))
def test_ctrl_c_outside_the_work_prints_one_line(
    stage: str, make_nb: MakeNotebook, tmp_path: Path
) -> None:
    path = make_nb("x = 1")
    out = tmp_path / "out"
    code, err = _run(_STAGES[stage], "convert", str(path), "-o", str(out))
    assert (code, err) == (130, "nb2pkg: interrupted\n")
    assert not out.exists()


def test_ctrl_c_while_the_command_line_loads_prints_one_line(tmp_path: Path) -> None:
    # The first import of the command line is interrupted.
    (tmp_path / "typer.py").write_text("raise KeyboardInterrupt\n")
    code, err = _run(f"sys.path.insert(0, {str(tmp_path)!r})", "--help")
    assert (code, err) == (130, "nb2pkg: interrupted\n")


def test_ctrl_c_during_the_work_says_nothing_was_written_once(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    patch = (
        "import nb2pkg.api\n"
        "def stop(*args, **kwargs):\n"
        "    raise KeyboardInterrupt\n"
        "nb2pkg.api.convert = stop"
    )
    path = make_nb("x = 1")
    out = tmp_path / "out"
    code, err = _run(patch, "convert", str(path), "-o", str(out))
    assert (code, err) == (130, "nb2pkg: interrupted; nothing was written\n")
    assert not out.exists()
