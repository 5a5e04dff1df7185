"""check --execute: a fresh kernel run, compared with the stored outputs (slow)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2pkg import Options, check
from nb2pkg.checks.execute import execute_and_compare, normalise
from nb2pkg.cli import app
from nb2pkg.model import Cell, Notebook, Output
from tests.conftest import MakeNotebook, cell


@pytest.mark.slow
def test_reports_exactly_the_cells_an_out_of_order_run_changed(
    make_nb: MakeNotebook,
) -> None:
    # Recorded out of order: cell 3 (x = 2) ran before cells 2 and 4.
    nb = make_nb(
        cell("x = 1", count=1),
        cell("x * 10", count=4, result="20"),
        cell("x = 2", count=3),
        cell("print(x + 1)", count=5, stdout="3\n"),
        cell("print(y)", count=2, stdout="7\n"),
        cell("y = 7", count=1),
        cell("print('same')", count=6, stdout="same\n"),
    )
    before = nb.read_bytes()
    result = check(nb, options=Options(execute=True, ignore=frozenset({"NBP10"})))
    ran = [(f.code, f.cell) for f in result.findings if f.code in ("NBP112", "NBP113")]
    # Cell 2 now shows 10, cell 5 fails (y is defined below); cell 4 still prints 3.
    assert ran == [("NBP112", 2), ("NBP113", 5)]
    assert nb.read_bytes() == before  # the user's notebook is never written


@pytest.mark.slow
def test_ignore_applies_to_the_fresh_run(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("print(2)", count=1, stdout="1\n"))
    assert check(nb, options=Options(execute=True)).findings[-1].code == "NBP112"
    quiet = check(nb, options=Options(execute=True, ignore=frozenset({"NBP11"})))
    assert [f.code for f in quiet.findings] == ["NBP107"]


@pytest.mark.slow
def test_cli_execute_exit_code(make_nb: MakeNotebook) -> None:
    nb = make_nb(cell("print(1 + 1)", count=1, stdout="2\n"))
    result = CliRunner().invoke(
        app, ["check", str(nb), "--execute", "--ignore", "NBP107"]
    )
    assert result.exit_code == 0, result.output


@pytest.mark.slow
def test_convert_verify_reports_the_fresh_run(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb(cell("print(2)", count=1, stdout="1\n"))
    result = CliRunner().invoke(
        app, ["convert", str(nb), "-o", str(tmp_path / "o"), "--verify"]
    )
    assert result.exit_code == 0
    assert "NBP112" in result.output


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("<Foo at 0x7f3a2b1c9d00>", "<Foo at 0x7f00deadbeef>"),
        ("\x1b[31mred\x1b[0m", "red"),
        ("CPU times: user 1 ms\nresult", "CPU times: user 9 ms\nresult"),
        ("took 1.25 s", "took 3.5 s"),
        ("x   \n", "x"),
    ],
)
def test_normalise_masks_what_changes_between_runs(a: str, b: str) -> None:
    assert normalise(a) == normalise(b)


def test_normalise_keeps_real_differences() -> None:
    assert normalise("total: 10") != normalise("total: 20")


@pytest.mark.slow
def test_verify_runs_the_package_and_names_each_cell_it_does_not_reproduce(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    faithful = make_nb(
        cell("total = sum(range(4))", count=1),
        cell("print('total', total)", count=2, stdout="total 6\n"),
        cell("[total, total * 2]", count=3, result="[6, 12]"),
        name="faithful",
    )
    runner = CliRunner()
    result = runner.invoke(
        app, ["convert", str(faithful), "-o", str(tmp_path / "a"), "--verify"]
    )
    assert result.exit_code == 0, result.output
    assert "NBP114" not in result.output
    # Only a kernel starts from ipykernel_launcher: the package cannot say so.
    kernel_only = make_nb(
        cell("print('start')", count=1, stdout="start\n"),
        cell("import sys\nprint('launcher' in sys.argv[0])", count=2),
        name="kernel_only",
    )
    result = runner.invoke(
        app, ["convert", str(kernel_only), "-o", str(tmp_path / "b"), "--verify"]
    )
    assert result.exit_code == 1, result.output
    assert "cell 2: python -m kernel_only does not print" in result.output
    assert result.output.count("(NBP114)") == 1  # cell 1 is reproduced


@pytest.mark.slow
def test_the_kernel_runs_the_cells_as_nb2pkg_read_them(tmp_path: Path) -> None:
    """The fresh run takes the model, not the file: no notebook is read again."""
    printed = Output("stream", text="41\n", name="stdout")
    notebook = Notebook(
        path=tmp_path / "never-written.ipynb",
        cells=(
            Cell(0, "markdown", "# Title"),
            Cell(1, "code", "print(6 * 7)", outputs=(printed,)),
            Cell(2, "code", "1 / 0"),
            Cell(3, "code", "'shown'"),
        ),
    )
    findings, fresh = execute_and_compare(notebook, timeout=60)
    assert [(f.code, f.cell) for f in findings] == [("NBP112", 2), ("NBP113", 3)]
    assert [(c.notebook, c.cell, c.text) for c in fresh] == [
        ("never-written.ipynb", 2, "42\n"),
        ("never-written.ipynb", 3, ""),
        ("never-written.ipynb", 4, "'shown'\n"),
    ]
    assert not notebook.path.exists()
