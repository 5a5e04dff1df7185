"""Tests of shop.prices, from the notebook's stored outputs."""

import os
import subprocess
import sys

import pytest

from shop.prices import format_price, net_price


def test_prices_imports_without_running_the_notebook() -> None:
    """Importing the module works and runs no notebook code: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import shop.prices"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_net_price_1() -> None:
    """Cell 4 of prices.ipynb showed this result."""
    assert net_price(10) == pytest.approx(12.0)


def test_format_price_1() -> None:
    """Cell 6 of prices.ipynb showed this result."""
    assert format_price(3.5) == "3.50 EUR"
