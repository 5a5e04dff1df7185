"""Tests of shop.prices, from the notebook's stored outputs."""

import pytest

from shop import prices
from shop.prices import format_price, net_price


def test_prices_imports() -> None:
    """The module imports without running the notebook and exposes its API."""
    assert callable(prices.net_price)
    assert callable(prices.format_price)


def test_net_price_1() -> None:
    """Cell 4 of prices.ipynb showed this result."""
    assert net_price(10) == pytest.approx(12.0)


def test_format_price_1() -> None:
    """Cell 6 of prices.ipynb showed this result."""
    assert format_price(3.5) == "3.50 EUR"
