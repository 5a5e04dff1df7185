"""testgen.recorded: the pipeline's characterisation tests, and why they skip."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg import Options, convert
from nb2pkg.model import Cell, Output
from nb2pkg.testgen.recorded import value_check
from tests.conftest import MakeNotebook, cell, run_package_tests


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5\n", ("5", False)),
        ("0.30000000000000004\n", ("0.30000000000000004", True)),
        ("{'a': 1.5, 'b': 2}\n", ("{'a': 1.5, 'b': 2}", True)),
        ("[('cat', 2)]\n", ("[('cat', 2)]", False)),
        ("(112, 4)", ("(112, 4)", False)),
        ("1  # not a comment in the test\n", ("1", False)),
        ("'text'\n", None),  # a string is compared as text
        ("True\n", None),  # so is a bool: True == 1
        ("[[1.5, 2.5]]\n", None),  # floats nested twice: approx cannot
        ("1\n2\n", None),  # two lines: text
        ("dropped 2 rows\n", None),
    ],
)
def test_one_value_on_a_line_is_compared_as_a_value(
    text: str, expected: tuple[str, bool] | None
) -> None:
    assert value_check(text) == expected


def pipeline_tests(make_nb: MakeNotebook, tmp_path: Path, *code: str) -> str:
    """Return the generated test_pipeline.py of a cleanly run notebook of ``code``
    (each cell printing ``ok``), and the pyproject.toml after it."""
    cells = [
        cell(f"{source}\nprint('ok')", count=n, stdout="ok\n")
        for n, source in enumerate(code, start=1)
    ]
    out = tmp_path / "pkg"
    convert(make_nb(*cells), options=Options(output=out))
    tests = (out / "tests" / "test_pipeline.py").read_text()
    return tests + (out / "pyproject.toml").read_text()


def test_a_step_that_reads_the_network_skips_when_it_cannot(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    text = pipeline_tests(
        make_nb,
        tmp_path,
        "import urllib.request",
        "page = urllib.request.urlopen('http://nb2pkg.invalid/data').read()",
    )
    assert "isinstance(exc, OSError)" in text
    assert "could not reach the network" in text
    result = run_package_tests(tmp_path / "pkg")
    assert result.returncode == 0, result.stdout
    assert "could not reach the network" in result.stdout  # -rs names the reason


def test_training_is_marked_slow_and_the_marker_registered(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    text = pipeline_tests(
        make_nb,
        tmp_path,
        "class M:\n    def fit(self, x):\n        return self",
        "M().fit([1])",
    )
    assert "pytestmark = pytest.mark.slow" in text
    assert 'markers = ["slow: ' in text
    fast = run_package_tests(tmp_path / "pkg", "-m", "not slow")
    assert fast.returncode in (0, 5), fast.stdout  # 5: every test deselected
    assert "deselected" in fast.stdout


def test_a_gpu_step_skips_without_a_gpu(make_nb: MakeNotebook, tmp_path: Path) -> None:
    text = pipeline_tests(make_nb, tmp_path, "device = 'cuda'\nx = [1]")
    assert 'pytest.importorskip("torch")' in text
    assert "torch.cuda.is_available()" in text


def test_plain_steps_need_nothing_more(make_nb: MakeNotebook, tmp_path: Path) -> None:
    text = pipeline_tests(make_nb, tmp_path, "x = 1 + 1")
    for extra in ("OSError", "pytest.mark.slow", "importorskip", "markers ="):
        assert extra not in text


def code(number: int, count: int | None, *, error: bool = False) -> Cell:
    outputs = (Output("error", name="ValueError"),) if error else ()
    return Cell(
        number - 1, "code", f"x{number} = 1", outputs=outputs, execution_count=count
    )


@pytest.mark.parametrize(
    ("counts", "trusted"),
    [
        ([1, 2, 3, 4], {1, 2, 3, 4}),  # in order: all
        ([1, 2, 6, 7], {1, 2, 3, 4}),  # gaps: still in order
        ([1, 3, 2, 4], {1, 4}),  # 2 and 3 ran out of order: not they
        ([1, 2, 2, 3], {1, 4}),  # the same count twice: neither of the two
        ([1, 2, None, 4], {1, 2}),  # 3 never ran: nothing below it is evidence
        ([5, 1, 2, 3], set()),  # the first ran last: the others ran without it
    ],
)
def test_a_cell_is_evidence_when_it_ran_in_order(
    counts: list[int | None], trusted: set[int]
) -> None:
    from nb2pkg.testgen.recorded import _in_order

    cells = [code(n, c) for n, c in enumerate(counts, start=1)]
    assert _in_order(cells) == trusted


def test_a_failed_cell_leaves_no_evidence() -> None:
    from nb2pkg.testgen.recorded import _in_order

    assert _in_order([code(1, 1), code(2, 2, error=True), code(3, 3)]) == set()


def test_shown_values_are_compared_as_values(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    """What run() shows is kept as it shows it: an array (2-D too) by
    assert_allclose, a number approximately, a list by ==; the tests pass."""
    cells = [
        cell("import numpy as np", count=1),
        cell("a = np.array([[1.0, 2.0], [3.0, 4.5]])\na", count=2,
             result="array([[ 1. ,  2. ],\n       [ 3. ,  4.5]])"),
        cell("a.sum() / 3", count=3, result="3.5"),
        cell("print('rows', len(a))\n[int(v) for v in a[0]]", count=4,
             stdout="rows 2\n", result="[1, 2]"),
        cell("np.empty(3)", count=5, result="array([ 0.,  0.,  0.])"),
    ]  # fmt: skip
    out = tmp_path / "pkg"
    convert(make_nb(*cells), options=Options(output=out))
    text = (out / "tests" / "test_pipeline.py").read_text()
    assert "assert_allclose(shown[0], [[1.0, 2.0], [3.0, 4.5]])" in text
    assert "assert shown[1] == pytest.approx(3.5)" in text
    assert 'assert "rows 2\\n" in printed' in text
    assert "assert shown[2] == [1, 2]" in text
    assert "shown[3]" not in text  # np.empty: whatever memory held
    result = run_package_tests(out)
    assert result.returncode == 0, result.stdout


def test_a_library_run_needs_and_lacks_skips_the_tests(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    """pandas says ``ImportError: matplotlib is required for plotting``: a skip
    that names it, not a failure."""
    pipeline_tests(
        make_nb,
        tmp_path,
        "def draw():\n    raise ImportError('matplotlib is required for plotting')",
        "draw()",
    )
    result = run_package_tests(tmp_path / "pkg")
    assert result.returncode == 0, result.stdout
    reason = "needs a library: matplotlib is required for plotting, which is not"
    assert reason in result.stdout
