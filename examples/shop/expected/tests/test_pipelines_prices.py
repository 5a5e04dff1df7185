"""Tests of shop.pipelines.prices: run() prints and shows what the notebook did."""

import contextlib
import io

import pytest

from shop.pipelines import prices


def test_prices_imports_without_running() -> None:
    """Importing the pipeline defines run() and runs nothing."""
    assert callable(prices.run)


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


def test_prices(printed: str) -> None:
    """Prices (cells 4-6): what the notebook printed and showed."""
    # Cell 4
    assert "12.0\n" in printed
    # Cell 6
    assert "'3.50 EUR'\n" in printed
