"""Describe, cell by cell, what the plan does with the notebook (``nb2pkg plan``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nb2pkg.analyse.names import BUILTIN_NAMES
from nb2pkg.model import CellAnalysis, Kind, Notebook, Plan, Statement, TestKind

LEFT_OUT = "left out"


@dataclass(frozen=True, slots=True)
class CellRow:
    """One row of the plan table."""

    cell: int
    kind: str  # code, markdown, raw
    marks: str  # its tags and directives, as written: "export, module: io"
    first_line: str
    defines: tuple[str, ...]
    reads: tuple[str, ...]  # names it reads from other cells (builtins aside)
    goes_to: tuple[str, ...]  # e.g. ("core.py",), ("run()",), ("left out",)
    notebook: str = ""  # its notebook's file name, when several are planned


def cell_rows(
    notebook: Notebook,
    analyses: Sequence[CellAnalysis],
    plan: Plan,
    *,
    notebook_name: str = "",
) -> tuple[CellRow, ...]:
    """Return a row per cell: what it defines and reads, and where the plan puts it.

    ``analyses`` are the notebook's, as planned; ``plan`` may hold other notebooks
    too (then only the modules and tests this notebook fills are named).
    """
    where, imports, tested = _destinations(analyses, plan)
    by_cell = {a.cell.number: a for a in analyses}
    rows = []
    for cell in notebook.cells:
        analysis = by_cell.get(cell.number)
        statements = analysis.statements if analysis else ()
        places: list[str] = []
        for s in statements:
            found = [f for f, names in imports.items() if s.defines & names]
            if s.kind is not Kind.IMPORT:
                found = [where[id(s)]] if id(s) in where else []
            shown = s is statements[-1] and s.kind not in (Kind.DEF, Kind.CLASS)
            if shown and cell.number in tested:
                found = [*found, tested[cell.number]]  # shown by run(), and tested
            places += [p for p in found or [LEFT_OUT] if p not in places]
        if analysis is not None and cell.source.strip():
            places = places if analysis.parsed and places else [LEFT_OUT]
        rows.append(
            CellRow(
                cell=cell.number,
                kind=cell.kind,
                marks=cell.marks.describe(),
                first_line=_first_line(cell.source),
                defines=tuple(
                    sorted({n for s in statements for n in s.defines | s.mutates})
                ),
                reads=_reads(statements),
                goes_to=tuple(places),
                notebook=notebook_name,
            )
        )
    return tuple(rows)


def _destinations(
    analyses: Sequence[CellAnalysis], plan: Plan
) -> tuple[dict[int, str], dict[str, set[str]], dict[int, str]]:
    """Return where the plan puts each statement (by id), the names each file's
    imports bind, and the test file of each cell that became a test."""
    own = {id(s) for a in analyses for s in a.statements}
    # Planning rewrites some statements (a shown result is passed to the show
    # helper, display() prints): those are found by their place in the notebook.
    located = {(s.cell, s.line): id(s) for a in analyses for s in a.statements}
    alone = len(plan.notebooks) == 1
    where: dict[int, str] = {}
    imports: dict[str, set[str]] = {}  # file -> the names its imports bind
    filled: set[str] = set()  # the modules this notebook's statements went to

    def put(statements: Sequence[Statement], path: str) -> bool:
        ours = alone or any(id(s) in own for s in statements)
        for s in statements:
            where[id(s)] = path
            if ours and (s.cell, s.line) in located:
                where[located[s.cell, s.line]] = path
        return ours

    for module in plan.modules:
        if put(module.body, module.path):
            filled.add(module.name)
            imports[module.path] = {n for i in module.imports for n in i.defines}
    for pipeline in plan.pipelines:
        path = "run()" if len(plan.pipelines) == 1 else pipeline.path
        if put(pipeline.steps, path):
            filled.add(pipeline.module)
            lazy = (*pipeline.imports, *pipeline.lazy_imports)
            imports[pipeline.path] = {n for i in lazy for n in i.defines}
    tested = {
        t.cell: f"test_{t.module.replace('.', '_')}.py"
        for t in plan.tests
        if t.module in filled and t.kind is not TestKind.STUB
    }
    return where, imports, tested


def _reads(statements: Sequence[Statement]) -> tuple[str, ...]:
    bound: set[str] = set()
    reads: set[str] = set()
    for s in statements:
        reads |= s.uses - bound
        bound |= s.defines
    return tuple(sorted(reads - BUILTIN_NAMES))


def _first_line(source: str) -> str:
    line = next((ln.strip() for ln in source.split("\n") if ln.strip()), "")
    return line if len(line) <= 50 else line[:47] + "..."
