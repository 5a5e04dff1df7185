"""plan.place alone: which statements live at module level, which run in run()."""

from __future__ import annotations

from nb2pkg.analyse.cells import analyse_cell
from nb2pkg.model import Cell, Statement
from nb2pkg.plan.place import (
    dependency_order,
    display_as_print,
    first_line,
    place_statements,
)


def statements(*sources: str) -> list[Statement]:
    return [
        s
        for i, source in enumerate(sources)
        for s in analyse_cell(Cell(index=i, kind="code", source=source)).statements
    ]


def lines(found: tuple[Statement, ...]) -> list[str]:
    return [first_line(s) for s in found]


def test_definitions_and_constants_go_to_the_module_loose_code_to_run() -> None:
    placed = place_statements(
        statements("import math", "K = 2", "def f(x):\n    return K * x", "print(f(1))")
    )
    assert lines(placed.imports) == ["import math"]
    assert lines(placed.module) == ["K = 2", "def f(x):"]
    assert lines(placed.pipeline) == ["print(f(1))"]


def test_the_last_definition_wins_at_module_level_and_the_earlier_is_reported() -> None:
    placed = place_statements(
        statements("def f():\n    return 1", "def f():\n    return 2")
    )
    assert [s.cell for s in placed.module] == [2]
    assert placed.pipeline == ()
    assert [(f.code, f.cell) for f in placed.findings] == [("NBP303", 1)]


def test_a_definition_reading_what_loose_code_makes_stays_in_run() -> None:
    placed = place_statements(statements("n = int(input())", "def f():\n    return n"))
    assert placed.module == ()
    assert lines(placed.pipeline) == ["n = int(input())", "def f():"]


def test_a_name_bound_twice_is_not_a_constant() -> None:
    placed = place_statements(statements("x = 1", "x = 2"))
    assert placed.module == ()
    assert lines(placed.pipeline) == ["x = 1", "x = 2"]


def test_what_the_author_puts_in_run_stays_there() -> None:
    found = statements("def f():\n    return 1")
    placed = place_statements(found, run=frozenset({id(found[0])}))
    assert placed.module == ()
    assert lines(placed.pipeline) == ["def f():"]


def test_display_only_lines_are_left_out_with_a_finding() -> None:
    placed = place_statements(statements("x = 1\nx", "%time y = 2"))
    # No definition needs the constants: they stay in run(), in order.
    assert placed.module == ()
    assert lines(placed.pipeline) == ["x = 1", "y = 2"]
    assert [(f.code, f.cell) for f in placed.findings] == [("NBP306", 1)]


def test_dependency_order_puts_what_a_statement_needs_at_import_first() -> None:
    found = statements("class B(A):\n    pass", "class A:\n    pass")
    assert [s.name for s in dependency_order(found)] == ["A", "B"]


def test_display_becomes_print_in_run_unless_the_notebook_defines_it() -> None:
    found = statements("rows = [1, 2]", "display(rows)")
    placed = display_as_print(place_statements(found), found)
    assert lines(placed.pipeline) == ["rows = [1, 2]", "print(rows)"]
    assert "print" in placed.pipeline[1].uses
    own = statements("def display(x):\n    return x", "display(3)")
    kept = display_as_print(place_statements(own), own)
    assert lines(kept.pipeline) == ["display(3)"]
