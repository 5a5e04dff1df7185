"""Tests of shop.pipelines.prices: run() prints and shows what the notebook did."""

import ast
import contextlib
import io
import os
import subprocess
import sys

import pytest

from shop.pipelines import prices


def test_prices_imports_without_running() -> None:
    """Importing the pipeline works and runs nothing: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import shop.pipelines.prices"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


@pytest.fixture(scope="module")
def printed() -> str:
    """What run() prints (python -m shop), run once for these tests."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            prices.run()
    except FileNotFoundError as exc:
        pytest.skip(f"run() reads a file that is not here: {exc.filename}")
    except ModuleNotFoundError as exc:
        pytest.skip(f"run() needs {exc.name}, which is not installed")
    return out.getvalue()


@pytest.fixture(scope="module")
def values(printed: str) -> list[object]:
    """The values run() printed or showed, a line each: numbers, lists, dicts."""
    found: list[object] = []
    for line in printed.splitlines():
        try:
            found.append(ast.literal_eval(line))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return found


def test_prices(printed: str, values: list[object]) -> None:
    """Prices (cells 4-6): what the notebook printed and showed."""
    # Cell 4
    assert pytest.approx(12.0) in values
    # Cell 6
    assert "'3.50 EUR'\n" in printed
