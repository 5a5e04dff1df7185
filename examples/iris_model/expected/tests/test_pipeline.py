"""Tests of iris_model.pipeline: run() prints and shows what the notebook did."""

import ast
import contextlib
import io
import os
import subprocess
import sys

import pytest

from iris_model import pipeline

# run() trains a model, a long-running step: pytest -m "not slow" skips these.
pytestmark = pytest.mark.slow


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


@pytest.fixture(scope="module")
def values(printed: str) -> list[object]:
    """The values run() printed or showed, a line each: numbers, lists, dicts."""
    found: list[object] = []
    for line in printed.splitlines():
        try:
            found.append(ast.literal_eval(line))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
    return found


def test_iris_species_classifier(printed: str, values: list[object]) -> None:
    """Iris species classifier (cells 6-7): what the notebook printed and showed."""
    # Cell 6
    assert pytest.approx(0.6666666666666666) in values
    # Cell 7
    assert pytest.approx(1.0) in values


def test_train(printed: str, values: list[object]) -> None:
    """Train (cells 9-13): what the notebook printed and showed."""
    # Cell 9
    assert (112, 4) in values
    # Cell 12
    assert "test accuracy: 0.921\n" in printed
    # Cell 13
    assert "'setosa'\n" in printed
