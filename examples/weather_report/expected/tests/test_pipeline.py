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

# run()'s steps, in order, with how many values each hands on to later steps.
STEPS = {
    "load_the_readings": 2,
    "clean": 2,
    "summarise": 2,
    "show_heat_days": 1,
    "show_report": 0,
}


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


# Objects no step can change in place: a failed step given one spoils nothing.
VALUES = (int, float, complex, str, bytes, bool, type(None), frozenset)


class NotMade:
    """A value a step did not make, as it failed or did not run."""

    def __init__(self, why: str) -> None:
        self.why = why

    def __repr__(self) -> str:
        return f"<not made: {self.why}>"


def not_made(count: int, why: str) -> Any:
    """Return what run() takes from a step that makes ``count`` values."""
    values = tuple(NotMade(why) for _ in range(count))
    return values[0] if count == 1 else (values or None)


class Ran(NamedTuple):
    """What run() did: what it printed, the values each step showed, the steps
    it ran, the error of each step that failed and why a step did not run."""

    printed: str
    shown: dict[str, list[Any]]
    started: list[str]
    failed: dict[str, Exception]
    not_run: dict[str, str]


@pytest.fixture(scope="module")
def ran() -> Ran:
    """Run run() once, as python -m weather_report does. A step that fails
    is noted, and the steps that need nothing it made or was given still run,
    as the notebook's later cells run after a cell's error."""
    out = io.StringIO()
    done = Ran("", {}, [], {}, {})
    given_to_failed: set[int] = set()  # ids of what a failed step was given
    steps = {name: getattr(pipeline, name) for name in STEPS}

    def guarded(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(step)
        def counted(*args: Any, **kwargs: Any) -> Any:
            given = [*args, *kwargs.values()]
            lost = [a.why for a in given if isinstance(a, NotMade)]
            if not lost and any(id(a) in given_to_failed for a in given):
                lost = ["it is given what a failed step was given"]
            if lost:
                done.not_run[name] = lost[0]
                return not_made(STEPS[name], lost[0])
            done.started.append(name)
            try:
                return step(*args, **kwargs)
            except Exception as exc:  # noqa: BLE001 - later steps may not need it
                done.failed[name] = exc
                # What it may have changed in place; a value cannot be changed.
                given_to_failed.update(
                    id(a) for a in given if not isinstance(a, VALUES)
                )
                return not_made(STEPS[name], f"{name} failed: {exc!r}")

        return counted

    for name, step in steps.items():
        setattr(pipeline, name, guarded(name, step))
    show = pipeline._show

    def keep(value: object) -> None:
        shown = done.shown.setdefault(done.started[-1], [])
        try:  # as it was when shown: a later step may change it in place
            shown.append(copy.deepcopy(value))
        except (TypeError, ValueError, RuntimeError, RecursionError, copy.Error):
            shown.append(value)  # not copyable (a file, a lock): kept as it is
        show(value)

    pipeline._show = keep
    try:
        with contextlib.redirect_stdout(out):
            pipeline.run()
    except Exception as exc:  # noqa: BLE001 - raised by run() itself, not a step
        done.failed.setdefault(done.started[-1] if done.started else "run", exc)
    finally:
        pipeline._show = show
        for name, step in steps.items():
            setattr(pipeline, name, step)
    return done._replace(printed=out.getvalue())


@pytest.fixture(scope="module")
def printed(ran: Ran) -> str:
    """What run() printed."""
    return ran.printed


def test_run_goes_to_the_end(ran: Ran) -> None:
    """run() runs every step without an error, as the notebook's cells ran."""
    for step, exc in ran.failed.items():
        answer_for(exc, step)


def answer_for(exc: Exception, step: str) -> None:
    """Raise the error a step met, unless it is not the package's doing: then
    skip, saying why (a file or a library that is not here)."""
    if isinstance(exc, FileNotFoundError):
        pytest.skip(f"{step} reads a file that is not here: {exc.filename}")
    if isinstance(exc, ImportError):  # a library the step needs is not installed
        missing = exc.name or f"a library: {exc}"
        pytest.skip(f"{step} needs {missing}, which is not installed")
    raise exc


def began(ran: Ran, step: str) -> list[Any]:
    """Return the values the step showed. Skip its test if the step did not run;
    if it failed, answer for its error as test_run_goes_to_the_end does."""
    if step in ran.failed:
        answer_for(ran.failed[step], step)
    if step not in ran.started:
        why = ran.not_run.get(step, "run() stopped before it")
        pytest.skip(f"{step} did not run: {why}")
    return ran.shown.get(step, [])


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


def test_load_the_readings(ran: Ran, printed: str) -> None:
    """Load the readings (cells 4-5): what the notebook printed and showed."""
    shown = began(ran, "load_the_readings")
    # Cell 4
    assert "9 readings\n" in printed
    # Cell 5
    assert shown[0] == ["coast", "north", "south"]


def test_clean(ran: Ran, printed: str) -> None:
    """Clean (cells 7-9): what the notebook printed and showed."""
    shown = began(ran, "clean")
    # Cell 7
    assert "dropped 2 bad readings\n" in printed
    # Cell 9
    assert shown[0] == pytest.approx([21.5, 24.0])


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
