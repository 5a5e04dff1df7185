"""DataFrames and Series a notebook showed become tests that pass, and fail when broken.

The notebook is run in a real kernel, so its outputs are what Jupyter stores
(slow: a kernel starts).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2pkg.cli import app
from tests.conftest import MakeNotebook, run_in_kernel, run_package_tests

CELLS = (
    "import pandas as pd",
    """def summarize(values):
    s = pd.Series(values)
    return pd.DataFrame({"value": s, "share": s / s.sum(), "big": s > 1})""",
    """def ranks(values):
    return pd.Series(values, name="rank").rank()""",
    "data = [3, 1, 2]",
    "summarize(data)",
    "ranks(data)",
    "summarize(list(range(100)))",  # shown truncated: first and last rows
)


@pytest.mark.slow
def test_shown_dataframes_and_series_become_honest_tests(
    tmp_path: Path, make_nb: MakeNotebook
) -> None:
    path = make_nb(*CELLS, name="tables")
    run_in_kernel(path)

    out = tmp_path / "tables_pkg"
    result = CliRunner().invoke(app, ["convert", str(path), "-o", str(out)])
    assert result.exit_code == 0, result.output
    tests = (out / "tests/test_core.py").read_text()
    assert "data = [3, 1, 2]\n    result = summarize(data)" in tests
    assert "assert result.shape == (3, 3)" in tests
    assert "assert result.shape == (100, 3)" in tests
    assert 'assert result.iloc[-5:, 0].astype("int64").tolist()' in tests
    assert 'assert str(result.name) == "rank"' in tests
    proc = run_package_tests(out)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # 4 of the module, the pipeline's import test, its step's recorded output and
    # that run() goes to the end.
    assert "7 passed" in proc.stdout, proc.stdout

    core = out / "src/tables/core.py"
    core.write_text(core.read_text().replace("s / s.sum()", "s / s.max()"))
    proc = run_package_tests(out)
    assert proc.returncode == 1
    # Both tests of summarize, and the step of run() that showed its results.
    assert "3 failed, 4 passed" in proc.stdout, proc.stdout
