"""Tests of units.geometry, from the notebook's stored outputs."""

import os
import subprocess
import sys

import pytest

from units.geometry import hypotenuse


def test_geometry_imports_without_running_the_notebook() -> None:
    """Importing the module works and runs no notebook code: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import units.geometry"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


def test_hypotenuse_1() -> None:
    """Cell 16 of the notebook showed this result."""
    assert hypotenuse(3, 4) == pytest.approx(5.0)
