"""When a cell's stored output is evidence: the shape of the cell, and its timing."""

from __future__ import annotations

from collections.abc import Sequence

import libcst as cst

from nb2pkg.model import CellAnalysis, Statement


def shown_through_a_name(
    statements: Sequence[Statement],
) -> tuple[Sequence[Statement], bool]:
    """Return the statements with ``r = f(x)`` last when the cell then shows ``r``
    (its value is the result), and whether it did; else them as they are."""
    if len(statements) < 2:
        return statements, False
    shown, before = statements[-1].node, statements[-2].node
    if not (
        isinstance(shown, cst.SimpleStatementLine)
        and isinstance(shown.body[0], cst.Expr)
        and isinstance(shown.body[0].value, cst.Name)
        and isinstance(before, cst.SimpleStatementLine)
        and isinstance(before.body[0], cst.Assign)
        and len(before.body[0].targets) == 1
    ):
        return statements, False
    target = before.body[0].targets[0].target
    if isinstance(target, cst.Name) and target.value == shown.body[0].value.value:
        return statements[:-1], True
    return statements, False


def fresh(
    analysis: CellAnalysis, definitions: list[Statement], runs: dict[int, int | None]
) -> bool:
    """Return True if the cell comes, and ran, after each definition it uses.

    A definition run again after the cell (a higher execution count) may differ
    from the one that produced the stored output.
    """
    cell = analysis.cell
    for d in definitions:
        if d.cell >= cell.number:
            return False
        ran = runs.get(d.cell)
        if (
            ran is not None
            and cell.execution_count is not None
            and ran > cell.execution_count
        ):
            return False
    return True
