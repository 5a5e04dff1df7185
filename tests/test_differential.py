"""The differential test of the refactoring: random small notebooks, run as a
kernel runs them and as ``python -m PKG``, must print and show the same.

The programs mix what nb2pkg moves and splits: assignments and augmented
assignments, ``if``/``try``/``for``/``while`` that bind on some paths, ``del``,
functions reading and writing globals, closures, redefinitions, list mutation,
iterators, ``__main__`` blocks, prints and shown expressions, over sections
(markdown headings, each a step). A notebook that fails in the kernel does not
count. CI runs a fixed budget; ``NB2PKG_DIFFERENTIAL_EXAMPLES=2000`` a larger
one, with fresh randomness. Each failure hypothesis finds is kept as a case of
``tests/test_fidelity.py``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from tests.differential import run_as_kernel, run_as_package

LOCAL = os.environ.get("NB2PKG_DIFFERENTIAL_EXAMPLES")
BUDGET = settings(
    max_examples=int(LOCAL or "25"),
    derandomize=not LOCAL,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

PRELUDE = (
    "import contextlib\na = 1\nb = 2\nc = 3\nxs = [0]\nit = iter(range(100))\n"
    "def f(x):\n    return x + a\n"
    "def g():\n    global a\n    a += 1\n    return a"
)
NUMBERS = st.integers(0, 4).map(str)
TEMPLATES = [
    "a = {k}",
    "b = a + {k}",
    "a += {k}",
    "c = a * b",
    "xs = [a, b]",
    "xs.append(a)",
    "xs[0] = b",
    "if a > {k}:\n    c = a\nelse:\n    b = {k}",
    "if b > {k}:\n    a = b",
    "try:\n    c = {k} // (a - b)\nexcept ZeroDivisionError:\n    pass",
    "for i in range({k}):\n    a += i",
    "while a < {k}:\n    a += 1\nelse:\n    c = a",
    "def f(x):\n    return x + a",
    "def f(x):\n    return x * {k} + b",
    "def h():\n    return len(xs) + c",
    "g()",
    "print(f(a))",
    "print(a, b, c)",
    "print(xs)",
    "print(next(it))",
    "next(it)",
    "del c\nc = {k}",
    "if __name__ == '__main__':\n    print('main', a)",
    "a",
    "f(b)",
    "xs",
    "a + b;",
    "h()",
    "print(h())",
    "def k(x):\n    global c\n    c = x\n    return c",
    "k(a)",
    "class K:\n    v = a\n    def get(self):\n        return self.v + b",
    "print(K().get())",
    "K.v",
    "print(_)",
    "d = _",
    "print(d)",
    "for x in xs:\n    b += x",
    "with contextlib.nullcontext(a) as n:\n    c = n + {k}",
]
STATEMENT = st.tuples(st.sampled_from(TEMPLATES), NUMBERS).map(
    lambda pair: pair[0].format(k=pair[1])
)
CELL = st.lists(STATEMENT, min_size=1, max_size=3).map("\n".join)
HEADING = st.integers(1, 9).map(lambda n: f"## Section {n}")
NOTEBOOK = st.lists(st.one_of(CELL, CELL, CELL, HEADING), min_size=1, max_size=8).map(
    lambda cells: [PRELUDE, *cells]
)


@pytest.mark.slow
@BUDGET
@given(NOTEBOOK)
def test_the_package_does_what_the_kernel_did(cells: list[str]) -> None:
    try:
        expected = run_as_kernel(cells)
    except Exception:  # noqa: BLE001 - a notebook that fails in a kernel does not count
        assume(False)
        return
    with tempfile.TemporaryDirectory() as folder:
        got = run_as_package(cells, Path(folder))
    assert got == expected, "\n\n".join(cells)
