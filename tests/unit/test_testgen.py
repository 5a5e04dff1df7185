"""Tests from stored outputs: only honest evidence becomes an assertion."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg.analyse import analyse_notebook
from nb2pkg.model import Cell, Notebook, Output, TestCase
from nb2pkg.options import Options
from nb2pkg.plan import make_plan

ADD = "def add(a, b):\n    return a + b"


def generated(
    *cells: tuple[str, str | None], counts: list[int | None] | None = None
) -> tuple[TestCase, ...]:
    counts = counts or [i + 1 for i in range(len(cells))]
    notebook = Notebook(
        path=Path("t.ipynb"),
        cells=tuple(
            Cell(
                index=i,
                kind="code",
                source=src,
                outputs=(Output("execute_result", text=out),)
                if out is not None
                else (),
                execution_count=counts[i],
            )
            for i, (src, out) in enumerate(cells)
        ),
    )
    return make_plan(notebook, analyse_notebook(notebook), options=Options()).tests


def test_literal_result_becomes_an_assertion() -> None:
    (case,) = generated((ADD, None), ("add(2, 3)", "5"))
    assert (case.name, case.cell, case.expression, case.expected) == (
        "test_add_1",
        2,
        "add(2, 3)",
        "5",
    )
    assert not case.approx and case.names == ("add",)


@pytest.mark.parametrize(
    ("result", "approx"),
    [
        ("0.30000000000000004", True),
        ("[0.1, 2]", True),
        ("{'a': 0.5}", True),
        ("'x'", False),
        ("(1, 'a')", False),
    ],
)
def test_floats_compare_approximately(result: str, approx: bool) -> None:
    (case,) = generated((ADD, None), ("add(0.1, 0.2)", result))
    assert case.approx is approx


@pytest.mark.parametrize(
    "cells",
    [
        [(ADD, None), ("add(2, 3)", "array([5])")],  # not a Python literal
        [(ADD, None), ("add(2, 3)", None)],  # no stored result
        [(ADD, None), ("add(x, 3)", "5")],  # reads a loose global
        [(ADD, None), ("y = 1\nadd(2, 3)", "5")],  # setup code in the cell
        [("add(2, 3)", "5"), (ADD, None)],  # ran before the definition
        [(ADD, None), ("add([0.1], [[0.2]])", "[0.1, [0.2]]")],  # nested floats
        [
            ("import random\ndef roll():\n    return random.randint(1, 6)", None),
            ("roll()", "4"),
        ],
    ],
)
def test_no_test_without_honest_evidence(cells: list[tuple[str, str | None]]) -> None:
    assert generated(*cells) == ()


def test_output_of_an_older_definition_is_not_evidence() -> None:
    # The definition cell ran (count 5) after the call cell (count 3).
    assert generated((ADD, None), ("add(2, 3)", "5"), counts=[5, 3]) == ()


def test_names_count_per_function() -> None:
    cases = generated((ADD, None), ("add(1, 1)", "2"), ("add(2, 2)", "4"))
    assert [c.name for c in cases] == ["test_add_1", "test_add_2"]


def test_imports_the_test_needs_are_listed() -> None:
    (case,) = generated(
        ("import math\ndef area(r):\n    return math.pi * r * r", None),
        ("area(math.sqrt(1))", "3.141592653589793"),
    )
    assert case.setup == ("import math",)
