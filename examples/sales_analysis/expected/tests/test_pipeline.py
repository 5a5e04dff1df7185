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

# run()'s steps, in order: a step's test is skipped if run() stopped before it.
STEPS = (
    "the_data",
    "revenue",
    "growth",
)

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


class Ran(NamedTuple):
    """What run() did: what it printed, the values it showed, the error it
    stopped at (if it did not run to the end) and the steps it began."""

    printed: str
    shown: list[Any]
    failure: Exception | None
    started: list[str]


@pytest.fixture(scope="module")
def ran() -> Ran:
    """Run run() once, as python -m sales_analysis does."""
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
        with contextlib.redirect_stdout(out), pd.option_context(*TABLES):
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


def test_growth(ran: Ran, printed: str, shown: list[Any]) -> None:
    """Growth (cells 12-14): what the notebook printed and showed."""
    began(ran, "growth")
    # Cell 12
    assert shown[1] == pytest.approx(0.2)
    # Cell 14
    assert "fastest growing: apple, bread\n" in printed
