"""A step that fails does not hide the rest of the experiment.

run() stops at a step's error, as the notebook would; the generated tests note
the error and still run the steps that need nothing the failed step made, so
those pin what the notebook recorded. Where the notebook's outputs show it ran
with an older library than the one installed, a difference is an expected
failure (xfail) that says why; ``pytest --runxfail`` fails on it. Steps whose
outputs show arrays as numpy < 1.14 printed them run printing them so.
"""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from nb2pkg.cli import app
from nb2pkg.testgen.drift import array_style, legacy_step
from tests.conftest import MakeNotebook, cell, markdown, run_package_tests

# A notebook recorded where ``prices["pear"]`` existed: here it raises KeyError.
PRICES = (
    markdown("# Prices"),
    cell('prices = {"apple": 3}', count=1),
    cell('print(prices["pear"])', count=2, stdout="2\n"),
    markdown("# Totals"),
    cell("total = 2 + 3\nprint(total)", count=3, stdout="5\n"),
    markdown("# Kinds"),
    cell("print(len(prices))", count=4, stdout="1\n"),
)
# An output only pandas < 2.0 printed: the notebook ran with it.
OLD_PANDAS = cell(
    "print(\"Int64Index([1, 2], dtype='int64')\")",
    count=5,
    stdout="Int64Index([1, 2], dtype='int64')\n",
)


def _converted(tmp_path: Path, path: Path) -> Path:
    out = tmp_path / f"{path.stem}_pkg"
    result = CliRunner().invoke(app, ["convert", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_steps_after_a_failed_one_still_pin_theirs(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    out = _converted(tmp_path, make_nb(*PRICES, name="prices"))
    proc = run_package_tests(out, "-vv")
    report = proc.stdout
    assert proc.returncode == 1, report
    assert "test_run_goes_to_the_end FAILED" in report
    assert "test_show_prices FAILED" in report  # its own error, not an IndexError
    assert "KeyError" in report
    assert "test_totals PASSED" in report  # needs nothing prices made
    assert "kinds did not run: show_prices failed: KeyError('pear')" in report

    pipeline = out / "src/prices/pipeline.py"
    pipeline.write_text(pipeline.read_text().replace("2 + 3", "2 + 4"))
    assert "test_totals FAILED" in run_package_tests(out, "-vv").stdout


def test_under_a_newer_library_a_difference_is_an_expected_failure(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    out = _converted(tmp_path, make_nb(*PRICES, OLD_PANDAS, name="older"))
    tests = (out / "tests/test_pipeline.py").read_text()
    assert 'RECORDED_WITH = (("pandas", (2, 0), "Int64Index is gone"),)' in tests
    proc = run_package_tests(out, "-rx")
    assert proc.returncode == 0, proc.stdout  # pandas >= 2 is installed here
    assert "show_prices raised KeyError('pear') with a newer pandas" in proc.stdout
    assert "the notebook ran with pandas < 2.0" in proc.stdout

    pipeline = out / "src/older/pipeline.py"
    pipeline.write_text(pipeline.read_text().replace("2 + 3", "2 + 4"))
    proc = run_package_tests(out, "-rx")
    assert proc.returncode == 0, proc.stdout
    assert "test_totals - differs with a newer pandas" in proc.stdout
    strict = run_package_tests(out, "--runxfail")
    assert strict.returncode == 1, strict.stdout
    assert "test_totals" in strict.stdout


def test_arrays_printed_by_old_numpy_are_checked_as_printed(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    path = make_nb(
        cell("import numpy as np", count=1),
        cell("print(np.array([1.5, 2.5]) * 2)", count=2, stdout="[ 3.  5.]\n"),
        name="legacy",
    )
    out = _converted(tmp_path, path)
    tests = (out / "tests/test_pipeline.py").read_text()
    assert 'assert "[ 3.  5.]\\n" in printed' in tests
    assert "skipif" not in tests
    assert run_package_tests(out).returncode == 0

    pipeline = out / "src/legacy/pipeline.py"
    pipeline.write_text(pipeline.read_text().replace("* 2", "* 3"))
    assert run_package_tests(out, "--runxfail").returncode == 1


def test_how_an_output_prints_its_arrays() -> None:
    assert array_style("[ 1.5  2.5]") == "legacy"
    assert array_style("array([ True, False], dtype=bool)") == "legacy"
    assert array_style("[1.5 2.5]") == "new"
    assert array_style("array([0., 1.])") == "new"
    assert array_style("[ 1.5 -2.5]") is None  # a sign's place: both pad
    assert array_style("[0 1 2]") is None  # integers: both print so
    assert array_style("hello") is None
    assert legacy_step(["[ 1.5  2.5]", "[0 1 2]"])
    assert not legacy_step(["[ 1.5  2.5]", "[1.5 2.5]", "[0. 1.]"])
    assert not legacy_step([])


def test_a_value_a_failed_step_was_given_spoils_nothing(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    """A failed step may have changed a list it was given, not a number."""
    path = make_nb(
        markdown("# Setup"),
        cell("n = 3\nitems = [1, 2]", count=1),
        markdown("# Fails"),
        cell("items.append(n)\nprint({}['pear'])", count=2, stdout="2\n"),
        markdown("# Uses the number"),
        cell("print(n + 2)", count=3, stdout="5\n"),
        markdown("# Uses the list"),
        cell("print(len(items))", count=4, stdout="3\n"),
        name="given",
    )
    report = run_package_tests(_converted(tmp_path, path), "-vv").stdout
    assert "test_uses_the_number PASSED" in report, report
    why = "uses_the_list did not run: it is given what a failed step was given"
    assert why in report
