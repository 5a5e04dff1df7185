"""Tests of units.convert, from the notebook's stored outputs."""

import os
import subprocess
import sys
from pprint import pprint

import pytest

from units.convert import parse_length, to_celsius


def test_convert_imports_without_running_the_notebook() -> None:
    """Importing the module works and runs no notebook code: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import units.convert"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_to_celsius_1() -> None:
    """Cell 7 of the notebook showed this result."""
    assert to_celsius(212) == pytest.approx(100.0)


def test_to_celsius_2() -> None:
    """Cell 8 of the notebook: its own test code."""
    assert to_celsius(32) == 0
    assert round(to_celsius(98.6), 1) == 37.0


def test_parse_length_1() -> None:
    """Cell 13 of the notebook showed this result."""
    assert repr(parse_length("3 km")) == "Length(metres=3000.0)"


def test_parse_length_2() -> None:
    """Cell 14 of the notebook raised this error."""
    with pytest.raises(ValueError, match="unknown unit: parsecs"):
        parse_length("3 parsecs")


def test_to_celsius_3(capsys: pytest.CaptureFixture[str]) -> None:
    """Cell 17 of the notebook printed this."""
    pprint([to_celsius(f) for f in (32, 212)])
    assert capsys.readouterr().out == "[0.0, 100.0]\n"
