"""Tests of sales_analysis.pipeline: run() prints and shows what the notebook did."""

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

import pandas as pd
import pytest

from sales_analysis import pipeline

# run()'s steps, in order, with how many values each hands on to later steps.
STEPS = {
    "the_data": 1,
    "revenue": 1,
    "growth": 0,
}

# Tables as the notebook showed them: a Jupyter kernel shows up to 20 columns.
TABLES = ("display.max_columns", 20)


def test_pipeline_imports_without_running() -> None:
    """Importing the pipeline works and runs nothing: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import sales_analysis.pipeline"],
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
    """Run run() once, as python -m sales_analysis does. A step that fails
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
        with contextlib.redirect_stdout(out), pd.option_context(*TABLES):
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


def test_the_data(ran: Ran, printed: str) -> None:
    """The data (cell 6): what the notebook printed and showed."""
    began(ran, "the_data")
    # Cell 6
    assert (
        "     month product  units\n"
        "0  2024-01   apple    120\n"
        "1  2024-02   apple    135\n"
        "2  2024-03   apple    160\n"
        "3  2024-01   bread     80\n"
        "4  2024-02   bread     78\n"
    ) in printed


def test_revenue(ran: Ran, printed: str, values: list[object]) -> None:
    """Revenue (cell 9): what the notebook printed and showed."""
    began(ran, "revenue")
    # Cell 9
    assert (
        pytest.approx({"2024-01": 310.0, "2024-02": 336.0, "2024-03": 342.5}) in values
    )


def test_growth(ran: Ran, printed: str) -> None:
    """Growth (cells 12-14): what the notebook printed and showed."""
    shown = began(ran, "growth")
    # Cell 12
    assert shown[0] == pytest.approx(0.2)
    # Cell 14
    assert "fastest growing: apple, bread\n" in printed
