"""Tests of iris_model.pipeline: run() prints and shows what the notebook did."""

import contextlib
import copy
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
def ran() -> tuple[str, list[object], Exception | None]:
    """Run run() once (python -m iris_model): what it printed, the values it
    showed, and the error it stopped at, if it did not run to the end."""
    out = io.StringIO()
    shown: list[object] = []
    failure: Exception | None = None
    show = pipeline._show

    def keep(value: object) -> None:
        try:  # as it was when shown: a later step may change it in place
            shown.append(copy.deepcopy(value))
        except Exception:  # not copyable (a file, a lock): kept as it is
            shown.append(value)
        show(value)

    pipeline._show = keep
    try:
        with contextlib.redirect_stdout(out):
            pipeline.run()
    except FileNotFoundError as exc:
        pytest.skip(f"run() reads a file that is not here: {exc.filename}")
    except ImportError as exc:  # a library run() needs is not installed
        pytest.skip(f"run() needs {exc.name or exc}, which is not installed")
    except Exception as exc:  # the steps before it still pin what they did
        failure = exc
    finally:
        pipeline._show = show
    return out.getvalue(), shown, failure


@pytest.fixture(scope="module")
def printed(ran: tuple[str, list[object], Exception | None]) -> str:
    """What run() printed."""
    return ran[0]


@pytest.fixture(scope="module")
def shown(ran: tuple[str, list[object], Exception | None]) -> list[object]:
    """The values run() showed, in order, as the notebook's cells showed them."""
    return ran[1]


def test_run_goes_to_the_end(ran: tuple[str, list[object], Exception | None]) -> None:
    """run() runs every step without an error, as the notebook's cells ran."""
    if ran[2] is not None:
        raise ran[2]


def test_iris_species_classifier(printed: str, shown: list[object]) -> None:
    """Iris species classifier (cells 6-7): what the notebook printed and showed."""
    # Cell 6
    assert shown[0] == pytest.approx(0.6666666666666666)
    # Cell 7
    assert shown[1] == pytest.approx(1.0)


def test_train(printed: str, shown: list[object]) -> None:
    """Train (cells 9-13): what the notebook printed and showed."""
    # Cell 9
    assert shown[2] == (112, 4)
    # Cell 12
    assert "test accuracy: 0.921\n" in printed
    # Cell 13
    assert shown[4] == "setosa"
