"""Tests of shop.cart, from the notebook's stored outputs."""

import pytest

from shop import cart
from shop.cart import Item, cart_total


def test_cart_imports() -> None:
    """The module imports without running the notebook and exposes its API."""
    assert callable(cart.Item)
    assert callable(cart.cart_total)


def test_cart_total_1() -> None:
    """Cell 5 of cart.ipynb showed this result."""
    assert cart_total([Item("tea", 2.5, 2), Item("cake", 4.0)]) == pytest.approx(10.8)


def test_cart_total_2() -> None:
    """Cell 6 of cart.ipynb showed this result."""
    assert cart_total([]) == 0
