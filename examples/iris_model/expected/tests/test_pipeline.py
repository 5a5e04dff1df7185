"""Tests of iris_model.pipeline: run() prints and shows what the notebook did."""

import contextlib
import io
import os
import subprocess
import sys

import pytest

from iris_model import pipeline


def test_pipeline_imports_without_running() -> None:
    """Importing the pipeline works and runs nothing: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import iris_model.pipeline"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


@pytest.fixture(scope="module")
def printed() -> str:
    """What run() prints (python -m iris_model), run once for these tests."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            pipeline.run()
    except FileNotFoundError as exc:
        pytest.skip(f"run() reads a file that is not here: {exc.filename}")
    except ModuleNotFoundError as exc:
        pytest.skip(f"run() needs {exc.name}, which is not installed")
    return out.getvalue()


def test_iris_species_classifier(printed: str) -> None:
    """Iris species classifier (cells 6-7): what the notebook printed and showed."""
    # Cell 6
    assert "0.6666666666666666\n" in printed
    # Cell 7
    assert "1.0\n" in printed


def test_train(printed: str) -> None:
    """Train (cells 9-13): what the notebook printed and showed."""
    # Cell 9
    assert "(112, 4)\n" in printed
    # Cell 12
    assert "test accuracy: 0.921\n" in printed
    # Cell 13
    assert "'setosa'\n" in printed
