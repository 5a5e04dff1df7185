"""Tests of shop.cart, from the notebook's stored outputs."""

import os
import subprocess
import sys

import pytest

from shop.cart import Item, cart_total


def test_cart_imports_without_running_the_notebook() -> None:
    """Importing the module works and runs no notebook code: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import shop.cart"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_cart_total_1() -> None:
    """Cell 5 of cart.ipynb showed this result."""
    assert cart_total([Item("tea", 2.5, 2), Item("cake", 4.0)]) == pytest.approx(10.8)


def test_cart_total_2() -> None:
    """Cell 6 of cart.ipynb showed this result."""
    assert cart_total([]) == 0
