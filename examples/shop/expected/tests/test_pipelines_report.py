"""Tests of shop.pipelines.report: run() prints and shows what the notebook did."""

import contextlib
import functools
import io
import os
import subprocess
import sys
from collections.abc import Callable
from typing import Any, NamedTuple

import pytest

from shop.pipelines import report

# run()'s steps, in order: a step's test is skipped if run() stopped before it.
STEPS = (
    "report",
    "today_s_orders",
)


def test_report_imports_without_running() -> None:
    """Importing the pipeline works and runs nothing: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import shop.pipelines.report"],
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
    """Run run() once, as python -m shop does."""
    out = io.StringIO()
    shown: list[Any] = []
    failure: Exception | None = None
    started: list[str] = []
    steps = {name: getattr(report, name) for name in STEPS}

    def begin(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(step)
        def counted(*args: Any, **kwargs: Any) -> Any:
            started.append(name)
            return step(*args, **kwargs)

        return counted

    for name, step in steps.items():
        setattr(report, name, begin(name, step))
    try:
        with contextlib.redirect_stdout(out):
            report.run()
    except FileNotFoundError as exc:
        pytest.skip(f"run() reads a file that is not here: {exc.filename}")
    except ImportError as exc:  # a library run() needs is not installed
        pytest.skip(f"run() needs {exc.name or exc}, which is not installed")
    except Exception as exc:  # noqa: BLE001 - the steps before it still pin theirs
        failure = exc
    finally:
        for name, step in steps.items():
            setattr(report, name, step)
    return Ran(out.getvalue(), shown, failure, started)


@pytest.fixture(scope="module")
def printed(ran: Ran) -> str:
    """What run() printed."""
    return ran.printed


def test_run_goes_to_the_end(ran: Ran) -> None:
    """run() runs every step without an error, as the notebook's cells ran."""
    if ran.failure is not None:
        raise ran.failure


def began(ran: Ran, step: str) -> None:
    """Skip a step's test if run() stopped at an error before the step began:
    test_run_goes_to_the_end fails with that error."""
    if step not in ran.started:
        pytest.skip(f"run() stopped before {step}: {ran.failure!r}")


def test_report(ran: Ran, printed: str) -> None:
    """Report (cell 4): what the notebook printed and showed."""
    began(ran, "report")
    # Cell 4
    assert "2 x tea\ntotal: 6.00 EUR\n" in printed


def test_today_s_orders(ran: Ran, printed: str) -> None:
    """Today's orders (cell 6): what the notebook printed and showed."""
    began(ran, "today_s_orders")
    # Cell 6
    assert (
        "1 x tea\n"
        "total: 3.00 EUR\n"
        "\n"
        "3 x cake\n"
        "1 x jam\n"
        "total: 18.24 EUR\n"
        "\n"
    ) in printed
