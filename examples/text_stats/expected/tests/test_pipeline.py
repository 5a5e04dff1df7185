"""Tests of text_stats.pipeline: run() prints and shows what the notebook did."""

import contextlib
import io
import os
import subprocess
import sys

import pytest

from text_stats import pipeline


def test_pipeline_imports_without_running() -> None:
    """Importing the pipeline works and runs nothing: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import text_stats.pipeline"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


@pytest.fixture(scope="module")
def printed() -> str:
    """What run() prints (python -m text_stats), run once for these tests."""
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            pipeline.run()
    except FileNotFoundError as exc:
        pytest.skip(f"run() reads a file that is not here: {exc.filename}")
    except ModuleNotFoundError as exc:
        pytest.skip(f"run() needs {exc.name}, which is not installed")
    return out.getvalue()


def test_word_statistics(printed: str) -> None:
    """Word statistics (cells 6-19): what the notebook printed and showed."""
    # Cell 6
    assert "['Hello,', 'world!']\n" in printed
    # Cell 9
    assert "['hello', 'world']\n" in printed
    # Cell 11
    assert "[('cat', 2), ('hat', 1)]\n" in printed
    # Cell 14
    assert "[0, 1, 1, 2, 3, 5, 8, 13, 21, 34]\n" in printed
    # Cell 15
    assert "832040\n" in printed
    # Cell 16
    assert "10 distinct words\n" in printed
    # Cell 18
    assert "0.75\n" in printed
    # Cell 19
    assert "[('quick', 2), ('brown', 1), ('fox', 1)]\n" in printed
