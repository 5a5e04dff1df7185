"""Tests of weather_report.pipeline: run() prints and shows what the notebook did."""

import ast
import contextlib
import copy
import io
import os
import subprocess
import sys

import pytest

from weather_report import pipeline


def test_pipeline_imports_without_running() -> None:
    """Importing the pipeline works and runs nothing: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import weather_report.pipeline"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""


@pytest.fixture(scope="module")
def ran() -> tuple[str, list[object], Exception | None]:
    """Run run() once (python -m weather_report): what it printed, the values it
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


def test_load_the_readings(printed: str, shown: list[object]) -> None:
    """Load the readings (cells 4-5): what the notebook printed and showed."""
    # Cell 4
    assert "9 readings\n" in printed
    # Cell 5
    assert shown[0] == ["coast", "north", "south"]


def test_clean(printed: str, shown: list[object]) -> None:
    """Clean (cells 7-9): what the notebook printed and showed."""
    # Cell 7
    assert "dropped 2 bad readings\n" in printed
    # Cell 9
    assert shown[1] == pytest.approx([21.5, 24.0])


def test_summarise(printed: str, values: list[object]) -> None:
    """Summarise (cells 11-13): what the notebook printed and showed."""
    # Cell 11
    assert pytest.approx({"coast": 20.5, "north": 22.75, "south": 29.75}) in values
    # Cell 12
    assert "warmest station: south\n" in printed
    # Cell 13
    assert "overall mean: 23.79\n" in printed


def test_show_heat_days(printed: str) -> None:
    """Heat days (cells 15-17): what the notebook printed and showed."""
    # Cell 15
    assert "2 heat days\n" in printed
    # Cell 17
    assert (
        "coast: mean 20.5, 3 readings\n"
        "north: mean 22.75, 2 readings\n"
        "south: mean 29.75, 2 readings\n"
    ) in printed


def test_show_report(printed: str) -> None:
    """Report (cell 19): what the notebook printed and showed."""
    # Cell 19
    assert "Stations: 3\nWarmest: south\nHeat days: 2\n" in printed
