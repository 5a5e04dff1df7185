"""Tests of shop.pipelines.report: run() prints and shows what the notebook did."""

import contextlib
import io
import os
import subprocess
import sys

import pytest

from shop.pipelines import report


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


@pytest.fixture(scope="module")
def ran() -> tuple[str, list[object], Exception | None]:
    """Run run() once (python -m shop): what it printed, the values it
    showed, and the error it stopped at, if it did not run to the end."""
    out = io.StringIO()
    shown: list[object] = []
    failure: Exception | None = None
    try:
        with contextlib.redirect_stdout(out):
            report.run()
    except FileNotFoundError as exc:
        pytest.skip(f"run() reads a file that is not here: {exc.filename}")
    except ImportError as exc:  # a library run() needs is not installed
        pytest.skip(f"run() needs {exc.name or exc}, which is not installed")
    except Exception as exc:  # the steps before it still pin what they did
        failure = exc
    return out.getvalue(), shown, failure


@pytest.fixture(scope="module")
def printed(ran: tuple[str, list[object], Exception | None]) -> str:
    """What run() printed."""
    return ran[0]


def test_run_goes_to_the_end(ran: tuple[str, list[object], Exception | None]) -> None:
    """run() runs every step without an error, as the notebook's cells ran."""
    if ran[2] is not None:
        raise ran[2]


def test_report(printed: str) -> None:
    """Report (cell 4): what the notebook printed and showed."""
    # Cell 4
    assert "2 x tea\ntotal: 6.00 EUR\n" in printed


def test_today_s_orders(printed: str) -> None:
    """Today's orders (cell 6): what the notebook printed and showed."""
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
