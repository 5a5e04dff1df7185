"""Tests of iris_model.pipeline."""

from iris_model import pipeline


def test_pipeline_imports_without_running() -> None:
    """Importing the pipeline defines run() and runs nothing."""
    assert callable(pipeline.run)
