"""Show what the notebook showed: the value of a cell's last expression.

A kernel displays the value of a cell's last expression, unless the line ends
with ``;``. run() keeps that statement where it was and prints its value
through a small helper of the pipeline module (``SHOW_HELPER``): ``None`` and
object reprs (``<Figure ...>``, ``[<Line2D ...>]``) show nothing, as a plot is
not text; everything else is printed as ``repr`` gives it, which is what
IPython shows for numbers, strings, containers, arrays and frames.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import libcst as cst

from nb2pkg.model import CellAnalysis, Kind, Statement

# The helper's code; ``{name}`` is the name the plan gives it.
SHOW_HELPER = '''def {name}(value: object) -> None:
    """Print a result as the notebook showed it; None and object reprs show nothing."""
    if value is not None:
        text = repr(value)
        if not text.lstrip("[(").startswith("<"):
            print(text)
'''


def shown_statements(analyses: Sequence[CellAnalysis]) -> frozenset[int]:
    """Return the ids of the statements whose value the notebook showed.

    That is each cell's last statement when it is an expression and the cell
    does not end with ``;``. A cell that ran says by its outputs whether it
    showed a value (``None`` shows nothing; a plot's object repr is no text);
    one that never ran is taken to show it, unless it prints or displays it.
    """
    shown = set()
    for analysis in analyses:
        expr = _expression(analysis.statements[-1]) if analysis.statements else None
        if expr is None or _quiet(analysis, expr):
            continue
        cell = analysis.cell
        if cell.execution_count is not None or cell.outputs:
            result = [o.text for o in cell.outputs if o.output_type == "execute_result"]
            if not result or _object_repr(result[0]):
                continue
        elif _returns_nothing(expr.value):
            continue
        shown.add(id(analysis.statements[-1]))
    return frozenset(shown)


def _quiet(analysis: CellAnalysis, expr: cst.Expr) -> bool:
    """Return True if the cell ends with ``;``: IPython then shows nothing."""
    return analysis.cell.source.rstrip().endswith(";") or isinstance(
        expr.semicolon, cst.Semicolon
    )


def _object_repr(text: str) -> bool:
    """Return True for ``<Figure ...>``, ``[<Line2D at 0x...>]``: not text to show."""
    return text.strip().lstrip("[(").startswith("<")


def _returns_nothing(value: cst.BaseExpression) -> bool:
    """Return True for ``print(...)`` and ``display(...)``, whose value is None."""
    return (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value in ("print", "display")
    )


def show_name(statements: Sequence[Statement]) -> str:
    """Return a name for the helper that no statement binds or reads."""
    taken = {n for s in statements for n in s.defines | s.uses}
    name = "_show"
    while name in taken:
        name += "_"
    return name


def show_results(
    steps: Sequence[Statement], shown: frozenset[int], name: str
) -> tuple[Statement, ...]:
    """Return the loose code with each shown expression passed to the helper."""
    out = []
    for s in steps:
        expr = _expression(s) if id(s) in shown else None
        if expr is None:
            out.append(s)
            continue
        call = cst.Call(cst.Name(name), args=[cst.Arg(expr.value)])
        node = s.node.with_changes(body=[cst.Expr(call)])
        out.append(
            replace(
                s,
                node=node,
                kind=Kind.LOOSE,
                uses=s.uses | {name},
                eager_uses=s.eager_uses | {name},
            )
        )
    return tuple(out)


def _expression(s: Statement) -> cst.Expr | None:
    node = s.node
    if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
        small = node.body[0]
        if isinstance(small, cst.Expr):
            return small
    return None
