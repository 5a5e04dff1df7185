"""Tests of weather_report.pipeline: run() prints and shows what the notebook did."""

import ast
import contextlib
import copy
import functools
import io
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

from weather_report import pipeline

# run()'s steps, in order: a step's test is skipped if run() stopped before it.
STEPS = (
    "load_the_readings",
    "clean",
    "summarise",
    "show_heat_days",
    "show_report",
)


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


class Ran(NamedTuple):
    """What run() did: what it printed, the values it showed, the error it
    stopped at (if it did not run to the end) and the steps it began."""

    printed: str
    shown: list[Any]
    failure: Exception | None
    started: list[str]


@pytest.fixture(scope="module")
def ran() -> Ran:
    """Run run() once, as python -m weather_report does."""
    out = io.StringIO()
    shown: list[Any] = []
    failure: Exception | None = None
    started: list[str] = []
    steps = {name: getattr(pipeline, name) for name in STEPS}

    def begin(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(step)
        def counted(*args: Any, **kwargs: Any) -> Any:
            started.append(name)
            return step(*args, **kwargs)

        return counted

    for name, step in steps.items():
        setattr(pipeline, name, begin(name, step))
    show = pipeline._show

    def keep(value: object) -> None:
        try:  # as it was when shown: a later step may change it in place
            shown.append(copy.deepcopy(value))
        except (TypeError, ValueError, RuntimeError, RecursionError, copy.Error):
            shown.append(value)  # not copyable (a file, a lock): kept as it is
        show(value)

    pipeline._show = keep
    try:
        with contextlib.redirect_stdout(out):
            pipeline.run()
    except FileNotFoundError as exc:
        pytest.skip(f"run() reads a file that is not here: {exc.filename}")
    except ImportError as exc:  # a library run() needs is not installed
        pytest.skip(f"run() needs {exc.name or exc}, which is not installed")
    except Exception as exc:  # noqa: BLE001 - the steps before it still pin theirs
        failure = exc
    finally:
        pipeline._show = show
        for name, step in steps.items():
            setattr(pipeline, name, step)
    return Ran(out.getvalue(), shown, failure, started)


@pytest.fixture(scope="module")
def printed(ran: Ran) -> str:
    """What run() printed."""
    return ran.printed


@pytest.fixture(scope="module")
def shown(ran: Ran) -> list[Any]:
    """The values run() showed, in order, as the notebook's cells showed them."""
    return ran.shown


def test_run_goes_to_the_end(ran: Ran) -> None:
    """run() runs every step without an error, as the notebook's cells ran."""
    if ran.failure is not None:
        raise ran.failure


def began(ran: Ran, step: str) -> None:
    """Skip a step's test if run() stopped at an error before the step began:
    test_run_goes_to_the_end fails with that error."""
    if step not in ran.started:
        pytest.skip(f"run() stopped before {step}: {ran.failure!r}")


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


def test_load_the_readings(ran: Ran, printed: str, shown: list[Any]) -> None:
    """Load the readings (cells 4-5): what the notebook printed and showed."""
    began(ran, "load_the_readings")
    # Cell 4
    assert "9 readings\n" in printed
    # Cell 5
    assert shown[0] == ["coast", "north", "south"]


def test_clean(ran: Ran, printed: str, shown: list[Any]) -> None:
    """Clean (cells 7-9): what the notebook printed and showed."""
    began(ran, "clean")
    # Cell 7
    assert "dropped 2 bad readings\n" in printed
    # Cell 9
    assert shown[1] == pytest.approx([21.5, 24.0])


def test_summarise(ran: Ran, printed: str, values: list[object]) -> None:
    """Summarise (cells 11-13): what the notebook printed and showed."""
    began(ran, "summarise")
    # Cell 11
    assert pytest.approx({"coast": 20.5, "north": 22.75, "south": 29.75}) in values
    # Cell 12
    assert "warmest station: south\n" in printed
    # Cell 13
    assert "overall mean: 23.79\n" in printed


def test_show_heat_days(ran: Ran, printed: str) -> None:
    """Heat days (cells 15-17): what the notebook printed and showed."""
    began(ran, "show_heat_days")
    # Cell 15
    assert "2 heat days\n" in printed
    # Cell 17
    assert (
        "coast: mean 20.5, 3 readings\n"
        "north: mean 22.75, 2 readings\n"
        "south: mean 29.75, 2 readings\n"
    ) in printed


def test_show_report(ran: Ran, printed: str) -> None:
    """Report (cell 19): what the notebook printed and showed."""
    began(ran, "show_report")
    # Cell 19
    assert "Stations: 3\nWarmest: south\nHeat days: 2\n" in printed
