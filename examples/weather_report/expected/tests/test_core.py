"""Tests of weather_report.core, from the notebook's stored outputs."""

from weather_report import core


def test_core_imports() -> None:
    """The module imports without running the notebook and exposes its API."""
    assert core.__name__ == "weather_report.core"
