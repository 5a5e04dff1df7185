"""Tests of shop.report, from the notebook's stored outputs."""

import os
import subprocess
import sys

import pytest

from shop.cart import Item
from shop.report import receipt


def test_report_imports_without_running_the_notebook() -> None:
    """Importing the module works and runs no notebook code: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import shop.report"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_receipt_1(capsys: pytest.CaptureFixture[str]) -> None:
    """Cell 4 of report.ipynb printed this."""
    print(receipt([Item("tea", 2.5, 2)]))
    assert capsys.readouterr().out == "2 x tea\ntotal: 6.00 EUR\n"
