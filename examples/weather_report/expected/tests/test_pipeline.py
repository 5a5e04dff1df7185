"""Tests of weather_report.pipeline."""

from weather_report import pipeline


def test_pipeline_imports_without_running() -> None:
    """Importing the pipeline defines run() and runs nothing."""
    assert callable(pipeline.run)
