"""Show what the notebook showed: the value of a cell's last expression.

A kernel displays the value of a cell's last expression, unless the line ends
with ``;``. run() keeps that statement where it was and prints its value
through a small helper of the pipeline module (``SHOW_HELPER``): ``None`` and
object reprs (``<Figure ...>``, ``[<Line2D ...>]``) show nothing, as a plot is
not text; everything else is printed as ``repr`` gives it, which is what
IPython shows for numbers, strings, containers, arrays and frames.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

import libcst as cst

from nb2pkg.analyse.names import lone_expression
from nb2pkg.model import CellAnalysis, Kind, Statement
from nb2pkg.outputs import shown_text

# The helper's code; ``{name}`` is the name the plan gives it.
SHOW_HELPER = '''def {name}(value: object) -> None:
    """Print a result as the notebook showed it; None and object reprs show nothing."""
    if isinstance(value, type):  # IPython shows a class by its dotted name
        name, module = value.__qualname__, value.__module__
        print(name if module == "builtins" else f"{{module}}.{{name}}")
    elif value is not None:
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
        expr = lone_expression(analysis.statements[-1]) if analysis.statements else None
        if expr is None or _quiet(analysis, expr):
            continue
        cell = analysis.cell
        if cell.execution_count is not None or cell.outputs:
            result = [o.text for o in cell.outputs if o.output_type == "execute_result"]
            text = result[0].strip() if result else ""
            if not result or (text and not shown_text(text)):  # None, or an object
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
        expr = lone_expression(s) if id(s) in shown else None
        if expr is None:
            out.append(s)
            continue
        value = expr.value
        if isinstance(value, cst.Tuple) and not value.lpar:
            value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        call = cst.Call(cst.Name(name), args=[cst.Arg(value)])
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


# IPython keeps the last three results as _, __ and ___, and each as _N and
# Out[N] (N the cell's execution count).
_HISTORY = ("_", "__", "___")
_NUMBERED = re.compile(r"_(\d+)")


def results_shown(
    statements: Sequence[Statement], analyses: Sequence[CellAnalysis]
) -> tuple[list[Statement], frozenset[int]]:
    """Return the statements with IPython's result names made real variables,
    and the ids of those whose value the notebook showed (``shown_statements``).

    A shown result a later statement reads (``_``, ``__``, ``_12``, ``Out[12]``)
    is bound where it was shown (``_12 = expression``, then shown); the readers
    read that name. Names the notebook binds itself are its own, left alone.
    """
    shown = shown_statements(analyses)
    bound = {n for s in statements for n in s.defines}
    history = [n for n in _HISTORY if n not in bound]
    read = {n for s in statements for n in s.uses} - bound
    if not read & {*history, "Out"} and not any(_NUMBERED.fullmatch(n) for n in read):
        return list(statements), shown
    cell_of = {id(s): a.cell for a in analyses for s in a.statements}
    names: dict[int, str] = {}  # shown statement -> the name of its result
    renamed: dict[int, Statement] = {}
    for s in statements:
        earlier = list(names.values())
        renames = {
            h: earlier[-1 - i] for i, h in enumerate(history) if i < len(earlier)
        }
        if s.uses & {*renames, "Out"}:
            renamed[id(s)] = _renamed(s, renames)
        if id(s) in shown:
            cell = cell_of[id(s)]
            names[id(s)] = f"_{cell.execution_count or cell.number}"
    wanted = {n for s in [*renamed.values(), *statements] for n in s.uses}
    out: list[Statement] = []
    now_shown = set(shown)
    for s in statements:
        new = renamed.get(id(s), s)
        name = names.get(id(s), "")
        if name not in wanted:
            out.append(new)
            now_shown |= {id(new)} if id(s) in shown else set()
            continue
        value, showing = _bound_result(new, name)
        now_shown.add(id(showing))
        out.extend([value, showing])
    return out, frozenset(now_shown)


def _bound_result(s: Statement, name: str) -> tuple[Statement, Statement]:
    """Return ``name = expression`` and ``name``, for the shown statement ``s``."""
    expr = lone_expression(s)
    assert expr is not None  # noqa: S101 - shown statements are expressions
    target = cst.AssignTarget(cst.Name(name))
    assign = s.node.with_changes(body=[cst.Assign([target], expr.value)])
    value = replace(
        s, node=assign, kind=Kind.LOOSE, defines=frozenset({name}), written=None
    )
    line = cst.SimpleStatementLine([cst.Expr(cst.Name(name))])
    showing = Statement(
        cell=s.cell, kind=Kind.DISPLAY, node=line, uses=frozenset({name}), line=s.line
    )
    return value, showing


class _Rename(cst.CSTTransformer):
    """Rename IPython's result names read at top level; ``Out[N]`` is ``_N``."""

    def __init__(self, renames: dict[str, str]) -> None:
        self.renames = renames

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def leave_Name(
        self, original_node: cst.Name, updated_node: cst.Name
    ) -> cst.BaseExpression:
        new = self.renames.get(updated_node.value)
        return updated_node.with_changes(value=new) if new else updated_node

    def leave_Subscript(
        self, original_node: cst.Subscript, updated_node: cst.Subscript
    ) -> cst.BaseExpression:
        value, parts = updated_node.value, updated_node.slice
        if isinstance(value, cst.Name) and value.value == "Out" and len(parts) == 1:
            index = parts[0].slice
            if isinstance(index, cst.Index) and isinstance(index.value, cst.Integer):
                return cst.Name(f"_{index.value.value}")
        return updated_node


def _renamed(s: Statement, renames: dict[str, str]) -> Statement:
    node = s.node.visit(_Rename(renames))
    if not isinstance(node, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        return s
    code = cst.Module(body=[node]).code
    numbered = {f"_{m}" for m in re.findall(r"\bOut\[(\d+)\]", s.code)}
    uses = (s.uses - renames.keys() - {"Out"}) | {
        renames[n] for n in s.uses & renames.keys()
    }
    return replace(
        s,
        node=node,
        uses=frozenset(uses | numbered),
        eager_uses=frozenset(
            (s.eager_uses - renames.keys() - {"Out"})
            | {renames[n] for n in s.eager_uses & renames.keys()}
            | numbered
        ),
        written=(node, code),
    )
