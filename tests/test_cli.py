"""The command line: exit codes, one-line errors, the report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2pkg import __version__
from nb2pkg.cli import app
from tests.conftest import MakeNotebook, cell

runner = CliRunner()


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"nb2pkg {__version__}"


def test_convert_writes_package_and_reports(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb(
        "%run helpers.py\nimport math",
        "def area(r):\n    return math.pi * r * r",
        cell("area(1)", result="3.141592653589793"),
        "print(area(2))",
    )
    out = tmp_path / "pkg"
    result = runner.invoke(app, ["convert", str(nb), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "src" / "experiment" / "core.py").is_file()
    assert "`%run helpers.py` left out" in result.output
    # The summary table: the module, what it holds, its tests and stubs.
    row = next(line for line in result.output.splitlines() if "core.py" in line)
    assert row.split() == ["experiment/core.py", "1", "function", "1", "0"]


def test_existing_output_is_exit_2_with_one_line(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("x = 1")
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    result = runner.invoke(app, ["convert", str(nb), "-o", str(out)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1
    assert result.output.startswith("nb2pkg: error: ") and "--force" in result.output
    assert (out / "keep.txt").read_text() == "mine"
    # --force never removes what nb2pkg did not write: it refuses, naming it.
    forced = runner.invoke(app, ["convert", str(nb), "-o", str(out), "--force"])
    assert forced.exit_code == 2
    assert forced.output.count("\n") == 1 and "keep.txt" in forced.output
    assert [p.name for p in out.iterdir()] == ["keep.txt"]


def test_dry_run_lists_and_writes_nothing(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("def f():\n    return 1")
    out = tmp_path / "pkg"
    result = runner.invoke(app, ["convert", str(nb), "-o", str(out), "--dry-run"])
    assert result.exit_code == 0
    assert str(out / "src" / "experiment" / "core.py") in result.output
    assert not out.exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("not json at all", "invalid JSON"),
        ('{"cells": "nope"}', "no list of cells"),
    ],
)
def test_bad_input_is_exit_2(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.ipynb"
    path.write_text(content)
    result = runner.invoke(app, ["convert", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_non_python_kernel_is_exit_2(make_nb: MakeNotebook, tmp_path: Path) -> None:
    nb = make_nb("x <- 1", language="R")
    result = runner.invoke(app, ["convert", str(nb), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "is an R notebook" in result.output


def test_bad_name_is_exit_2(make_nb: MakeNotebook, tmp_path: Path) -> None:
    nb = make_nb("x = 1")
    result = runner.invoke(
        app, ["convert", str(nb), "--name", "class", "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "keyword" in result.output


def test_internal_error_is_exit_3_with_a_report_file(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nb2pkg.api

    def boom(*args: object, **kwargs: object) -> None:
        raise RuntimeError("kaboom")

    monkeypatch.setattr(nb2pkg.api, "render_plan", boom)
    nb = make_nb("x = 1")
    result = runner.invoke(app, ["convert", str(nb), "-o", str(tmp_path / "o")])
    assert result.exit_code == 3
    assert "internal error: RuntimeError: kaboom" in result.output
    log = Path(result.output.strip().split(" ")[-1])
    assert "Traceback" in log.read_text() and "Traceback" not in result.output
    log.unlink()


def test_quiet_prints_nothing_on_success(make_nb: MakeNotebook, tmp_path: Path) -> None:
    nb = make_nb("%matplotlib inline\nx = 1")
    result = runner.invoke(app, ["convert", str(nb), "-o", str(tmp_path / "o"), "-q"])
    assert result.exit_code == 0
    assert result.output == ""


def test_python_dash_m_help() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "nb2pkg", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0
    assert "convert" in proc.stdout


@pytest.mark.slow
def test_no_color_turns_every_escape_sequence_off(make_nb: MakeNotebook) -> None:
    """FORCE_COLOR shows colours; NO_COLOR wins over it and leaves plain text."""
    path = make_nb("%matplotlib inline\nx = undefined_name + 1")

    def stderr(**env: str) -> str:
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "nb2pkg",
                "convert",
                str(path),
                "--dry-run",
                "--no-cache",
            ],
            capture_output=True,
            text=True,
            env={"PATH": "", "TERM": "xterm-256color", **env},
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stderr

    coloured = stderr(FORCE_COLOR="1")
    assert "\x1b[" in coloured
    plain = stderr(FORCE_COLOR="1", NO_COLOR="1")
    assert "\x1b[" not in plain
    assert "undefined_name" in plain and "(NBP305)" in plain


def test_help_keeps_its_brackets_and_lists_the_choices() -> None:
    runner = CliRunner()
    convert_help = runner.invoke(app, ["convert", "--help"]).output
    assert "Settings in [tool.nb2pkg] of the nearest pyproject.toml" in convert_help
    assert "Package directory [default: ./<name>]." in convert_help
    assert "--mode <auto|tagged>" in convert_help
    assert "--layout <src|flat>" in convert_help
    assert "<bool>" not in convert_help and "<str>" not in convert_help
    check_help = runner.invoke(app, ["check", "--help"]).output
    assert "--format <text|json>" in check_help


@pytest.mark.parametrize(
    "args",
    [
        ["check", "x.ipynb", "--max-output-size", "-5"],
        ["check", "x.ipynb", "--format", "yaml"],
        ["convert", "x.ipynb", "--mode", "everything"],
        ["convert", "x.ipynb", "--layout", "deep"],
    ],
)
def test_a_bad_choice_or_number_is_a_usage_error(args: list[str]) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output


def test_check_of_only_bad_input_prints_the_error_and_no_summary(
    tmp_path: Path,
) -> None:
    bad = tmp_path / "bad.ipynb"
    bad.write_text("not json")
    result = CliRunner().invoke(app, ["check", str(bad)])
    assert result.exit_code == 2
    assert "is not a notebook" in result.output
    assert "findings in" not in result.output


def test_output_into_the_current_empty_folder(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    here = tmp_path / "here"
    here.mkdir()
    nb = make_nb("def f():\n    return 1")
    monkeypatch.chdir(here)
    result = CliRunner().invoke(app, ["convert", str(nb), "-o", "."])
    assert result.exit_code == 0, result.output
    assert (here / "src" / "experiment" / "core.py").is_file()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_check_takes_folders_and_q(make_nb: MakeNotebook, tmp_path: Path) -> None:
    make_nb("print(later)", "later = 1", name="a")
    make_nb("x = 1", name="b")
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--ignore", "NBP107"])
    assert result.exit_code == 1, result.output
    assert "a.ipynb" in result.output and "in 2 notebooks" in result.output
    quiet = CliRunner().invoke(app, ["check", str(tmp_path), "-q"])
    assert quiet.exit_code == 1 and "findings in" not in quiet.output
    assert "NBP101" in quiet.output


def test_plan_prints_its_table_on_stdout_uncut_when_piped(
    make_nb: MakeNotebook,
) -> None:
    long_name = "a_function_with_a_rather_long_descriptive_name_for_the_table"
    nb = make_nb(f"def {long_name}():\n    return 1", f"print({long_name}())")
    result = CliRunner().invoke(app, ["plan", str(nb)])
    assert result.exit_code == 0, result.output
    assert long_name in result.stdout  # data on stdout, not cut at 80 columns
    assert "run()" in result.stdout


def test_a_second_conversion_into_a_folder_being_written_refuses(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    from nb2pkg.write.lock import output_lock

    out = tmp_path / "pkg"
    nb = make_nb("def f():\n    return 1")
    with output_lock(out):  # another conversion is writing it
        busy = CliRunner().invoke(app, ["convert", str(nb), "-o", str(out)])
        assert busy.exit_code == 2, busy.output
        assert "another nb2pkg is writing" in busy.output
        assert not out.exists()
        dry = CliRunner().invoke(app, ["convert", str(nb), "-o", str(out), "--dry-run"])
        assert dry.exit_code == 0  # writing nothing needs no lock
    done = CliRunner().invoke(app, ["convert", str(nb), "-o", str(out)])
    assert done.exit_code == 0, done.output
