"""Tests of shop.pipelines.cart: run() prints and shows what the notebook did."""

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

from shop.pipelines import cart

# run()'s steps, in order: a step's test is skipped if run() stopped before it.
STEPS = (
    "cart",
    "a_sample_cart",
)


def test_cart_imports_without_running() -> None:
    """Importing the pipeline works and runs nothing: it prints nothing."""
    proc = subprocess.run(
        [sys.executable, "-c", "import shop.pipelines.cart"],
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
    steps = {name: getattr(cart, name) for name in STEPS}

    def begin(name: str, step: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(step)
        def counted(*args: Any, **kwargs: Any) -> Any:
            started.append(name)
            return step(*args, **kwargs)

        return counted

    for name, step in steps.items():
        setattr(cart, name, begin(name, step))
    show = cart._show

    def keep(value: object) -> None:
        try:  # as it was when shown: a later step may change it in place
            shown.append(copy.deepcopy(value))
        except (TypeError, ValueError, RuntimeError, RecursionError, copy.Error):
            shown.append(value)  # not copyable (a file, a lock): kept as it is
        show(value)

    cart._show = keep
    try:
        with contextlib.redirect_stdout(out):
            cart.run()
    except FileNotFoundError as exc:
        pytest.skip(f"run() reads a file that is not here: {exc.filename}")
    except ImportError as exc:  # a library run() needs is not installed
        pytest.skip(f"run() needs {exc.name or exc}, which is not installed")
    except Exception as exc:  # noqa: BLE001 - the steps before it still pin theirs
        failure = exc
    finally:
        cart._show = show
        for name, step in steps.items():
            setattr(cart, name, step)
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


def test_cart(ran: Ran, printed: str, shown: list[Any]) -> None:
    """Cart (cells 5-6): what the notebook printed and showed."""
    began(ran, "cart")
    # Cell 5
    assert shown[0] == pytest.approx(10.8)
    # Cell 6
    assert shown[1] == 0


def test_a_sample_cart(ran: Ran, printed: str) -> None:
    """A sample cart (cell 8): what the notebook printed and showed."""
    began(ran, "a_sample_cart")
    # Cell 8
    assert "10.80 EUR\n" in printed
