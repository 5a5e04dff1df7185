"""Tests of text_stats.pipeline: run() prints and shows what the notebook did."""

import ast
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


def test_word_statistics(printed: str, values: list[object]) -> None:
    """Word statistics (cells 6-19): what the notebook printed and showed."""
    # Cell 6
    assert ["Hello,", "world!"] in values
    # Cell 9
    assert ["hello", "world"] in values
    # Cell 11
    assert [("cat", 2), ("hat", 1)] in values
    # Cell 14
    assert [0, 1, 1, 2, 3, 5, 8, 13, 21, 34] in values
    # Cell 15
    assert 832040 in values
    # Cell 16
    assert "10 distinct words\n" in printed
    # Cell 18
    assert pytest.approx(0.75) in values
    # Cell 19
    assert [("quick", 2), ("brown", 1), ("fox", 1)] in values
