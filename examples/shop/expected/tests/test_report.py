"""Tests of shop.report, from the notebook's stored outputs."""

import pytest

from shop import report
from shop.cart import Item
from shop.report import receipt


def test_report_imports() -> None:
    """The module imports without running the notebook and exposes its API."""
    assert callable(report.receipt)


def test_receipt_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Cell 4 of report.ipynb printed this."""
    print(receipt([Item("tea", 2.5, 2)]))
    assert capsys.readouterr().out == "2 x tea\ntotal: 6.00 EUR\n"
