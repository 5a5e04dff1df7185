"""testgen.rebuild alone: which notebook globals a test may rebuild, and how."""

from __future__ import annotations

from nb2pkg.analyse.cells import analyse_cell
from nb2pkg.model import Cell, CellAnalysis
from nb2pkg.testgen.rebuild import import_origins, loose_bindings, rebuild


def cells(*sources: str) -> list[CellAnalysis]:
    return [
        analyse_cell(Cell(index=i, kind="code", source=s, execution_count=i + 1))
        for i, s in enumerate(sources)
    ]


def rebuilt(
    names: set[str], analyses: list[CellAnalysis], cell: int, **given: object
) -> tuple[str, ...] | None:
    found = rebuild(
        names,
        cell=cell,
        ran=cell,
        bindings=loose_bindings(analyses),
        runs={a.cell.number: a.cell.execution_count for a in analyses},
        known=frozenset(given.get("known", ())),  # type: ignore[call-overload]
        classes=frozenset(given.get("classes", ())),  # type: ignore[call-overload]
        origins=given.get("origins", {}),  # type: ignore[arg-type]
    )
    return None if found is None else found.lines


def test_a_pure_assignment_is_repeated_with_what_it_reads() -> None:
    analyses = cells("a = 2", "b = [a, a + 1]", "f(b)")
    assert rebuilt({"b"}, analyses, cell=3) == ("a = 2", "b = [a, a + 1]")


def test_the_value_the_cell_saw_is_the_one_rebuilt() -> None:
    analyses = cells("a = 1", "f(a)", "a = 5")
    assert rebuilt({"a"}, analyses, cell=2) == ("a = 1",)


def test_a_value_changed_in_place_afterwards_is_not_rebuilt() -> None:
    analyses = cells("xs = [1]", "xs.append(2)", "f(xs)")
    assert rebuilt({"xs"}, analyses, cell=3) is None


def test_what_reads_a_file_or_draws_at_random_is_not_rebuilt() -> None:
    analyses = cells("import random", "r = random.random()", "f(r)")
    origins = import_origins([s for a in analyses for s in a.statements][:1])
    assert rebuilt({"r"}, analyses, cell=3, origins=origins) is None
    assert rebuilt({"t"}, cells("t = open('x').read()", "f(t)"), cell=2) is None


def test_a_package_class_may_be_constructed() -> None:
    analyses = cells("p = Point(1, 2)", "norm(p)")
    assert rebuilt({"p"}, analyses, cell=2) is None
    assert rebuilt({"p"}, analyses, cell=2, known={"Point"}, classes={"Point"}) == (
        "p = Point(1, 2)",
    )


def test_a_name_bound_only_later_is_not_rebuilt() -> None:
    assert rebuilt({"z"}, cells("f(z)", "z = 1"), cell=1) is None
