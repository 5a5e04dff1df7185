"""Ctrl-C at any moment of a command prints one line and exits 130.

Each test makes KeyboardInterrupt happen at one stage, in a process of its own:
while the command line loads, while typer builds it, in a command before its
work starts, and during the work (which says that nothing was written). Each
stage is tried with a plain KeyboardInterrupt and with one Python wrapped in a
RuntimeError, as Python before 3.12 does when Ctrl-C comes while a module
defines a dataclass.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from nb2pkg.errors import by_ctrl_c
from tests.conftest import MakeNotebook

_RUN = """
import sys
{patch}
sys.argv = ["nb2pkg", *sys.argv[1:]]
from nb2pkg.__main__ import main
main()
"""

_RAISES = {
    "plain": "raise KeyboardInterrupt",
    "wrapped": "raise RuntimeError('__set_name__ failed') from KeyboardInterrupt()",
}

# Where the interrupt happens: the function replaced by one that raises it.
_STAGES = {
    "building the command line": ("typer.main", "get_command"),
    "a command setting up": ("nb2pkg.cli", "_setting_up"),
}


def _stop_in(module: str, function: str, raises: str) -> str:
    return (
        f"import {module}\n"
        "def stop(*args, **kwargs):\n"
        f"    {raises}\n"
        f"{module}.{function} = stop"
    )


def _run(patch: str, *args: str) -> tuple[int, str]:
    """Run the command line with ``args`` after ``patch``; return code and stderr."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN.format(patch=patch), *args],
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.returncode, done.stderr


@pytest.mark.parametrize("how", sorted(_RAISES))
@pytest.mark.parametrize("stage", sorted(_STAGES))
def test_ctrl_c_outside_the_work_prints_one_line(
    stage: str, how: str, make_nb: MakeNotebook, tmp_path: Path
) -> None:
    path = make_nb("x = 1")
    out = tmp_path / "out"
    patch = _stop_in(*_STAGES[stage], _RAISES[how])
    code, err = _run(patch, "convert", str(path), "-o", str(out))
    assert (code, err) == (130, "nb2pkg: interrupted\n")
    assert not out.exists()


@pytest.mark.parametrize("how", sorted(_RAISES))
def test_ctrl_c_while_the_command_line_loads_prints_one_line(
    how: str, tmp_path: Path
) -> None:
    # The first import of the command line is interrupted.
    (tmp_path / "typer.py").write_text(_RAISES[how] + "\n")
    code, err = _run(f"sys.path.insert(0, {str(tmp_path)!r})", "--help")
    assert (code, err) == (130, "nb2pkg: interrupted\n")


@pytest.mark.parametrize("how", sorted(_RAISES))
def test_ctrl_c_during_the_work_says_nothing_was_written_once(
    how: str, make_nb: MakeNotebook, tmp_path: Path
) -> None:
    path = make_nb("x = 1")
    out = tmp_path / "out"
    patch = _stop_in("nb2pkg.api", "convert", _RAISES[how])
    code, err = _run(patch, "convert", str(path), "-o", str(out))
    assert (code, err) == (130, "nb2pkg: interrupted; nothing was written\n")
    assert not out.exists()


def test_a_bug_is_not_taken_for_ctrl_c() -> None:
    assert not by_ctrl_c(RuntimeError("a bug"))
    try:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as exc:
            raise ValueError("while stopping") from exc
    except ValueError as error:
        assert by_ctrl_c(error)
    looped = ValueError("a")
    looped.__context__ = ValueError("b")
    looped.__context__.__context__ = looped  # a cycle ends the search
    assert not by_ctrl_c(looped)
