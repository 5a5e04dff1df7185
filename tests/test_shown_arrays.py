"""Arrays a notebook showed are pinned as they were shown, to the digits it printed.

The notebook is run in a real kernel, so its outputs are what Jupyter stores
(slow: a kernel starts).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2pkg.cli import app
from nb2pkg.testgen.expected import printed_tolerance
from tests.conftest import MakeNotebook, run_in_kernel, run_package_tests

CELLS = (
    "import numpy as np",
    "def inverse(m):\n    return np.linalg.inv(np.array(m, dtype=float))",
    "a = np.arange(4)\na",  # shown, then changed in place by the next cell
    "a[0] = 4000\na.sum()",
    "m = inverse([[4, 7, 1], [2, 6, 3], [1, 2, 9]])\nm",  # printed rounded to 8 digits
    "m @ np.array([[4, 7, 1], [2, 6, 3], [1, 2, 9]])",  # 1 and rounding noise ~1e-16
)


@pytest.mark.slow
def test_a_shown_array_is_pinned_as_it_was_shown(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    path = make_nb(*CELLS, name="arrays")
    run_in_kernel(path)

    out = tmp_path / "arrays_pkg"
    result = CliRunner().invoke(app, ["convert", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    tests = (out / "tests/test_pipeline.py").read_text()
    assert "assert_allclose(shown[0], [0, 1, 2, 3])" in tests
    assert "atol=1e-08" in tests  # the inverse, printed to 8 decimals
    assert "atol=1e-12" in tests  # 1 beside noise
    proc = run_package_tests(out)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    pipeline = out / "src/arrays/pipeline.py"
    pipeline.write_text(pipeline.read_text().replace("np.arange(4)", "np.arange(1, 5)"))
    proc = run_package_tests(out)
    assert proc.returncode == 1, proc.stdout


def test_the_tolerance_follows_the_printed_digits() -> None:
    assert printed_tolerance("[1, 2, 3]") == ""  # integers: exact
    assert printed_tolerance("[1.5, 2.25]") == ""  # all the digits there were
    assert printed_tolerance("[0.02272727, 1.0]") == "atol=1e-08"  # rounded at 8
    # 1 beside rounding noise: the noise may differ, a millionth of a millionth
    assert printed_tolerance("[1.0, -1.11022302e-16]") == "atol=1e-12"
    assert printed_tolerance("[0.0, 0.0]") == ""


@pytest.mark.slow
def test_a_shown_table_is_pinned_by_its_values(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    path = make_nb(
        "import pandas as pd",
        "sales = pd.DataFrame({'units': [3, 1, 2], 'price': [2.5, 4.0, 1.25]})\n"
        "sales['revenue'] = sales.units * sales.price\nsales",
        "sales.product = None\nsales.revenue.rename('rev')",
        name="tables",
    )
    run_in_kernel(path)

    out = tmp_path / "tables_pkg"
    result = CliRunner().invoke(app, ["convert", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    tests = (out / "tests/test_pipeline.py").read_text()
    assert "result = shown[0]\n    assert result.shape == (3, 3)" in tests
    assert 'assert str(result.name) == "rev"' in tests
    proc = run_package_tests(out)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    pipeline = out / "src/tables/pipeline.py"
    code = pipeline.read_text()
    pipeline.write_text(
        code.replace("sales.units * sales.price", "sales.units + sales.price")
    )
    proc = run_package_tests(out)
    assert proc.returncode == 1, proc.stdout
