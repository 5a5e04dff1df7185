"""Tests of units.geometry, from the notebook's stored outputs."""

import pytest

from units import geometry
from units.geometry import hypotenuse


def test_geometry_imports() -> None:
    """The module imports without running the notebook and exposes its API."""
    assert callable(geometry.hypotenuse)


def test_hypotenuse_1() -> None:
    """Cell 16 of the notebook showed this result."""
    assert hypotenuse(3, 4) == pytest.approx(5.0)
