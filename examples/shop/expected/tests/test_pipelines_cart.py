"""Tests of shop.pipelines.cart."""

from shop.pipelines import cart


def test_cart_imports_without_running() -> None:
    """Importing the pipeline defines run() and runs nothing."""
    assert callable(cart.run)
