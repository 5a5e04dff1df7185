"""Names as the analysis sees them: what Python provides, what imports bind,
what a statement calls. Shared by every later stage, so it lives here.
"""

from __future__ import annotations

import builtins
import functools
import re
from collections.abc import Iterable, Sequence

import libcst as cst

from nb2pkg.analyse.visitors import DataBlindVisitor, TopLevelVisitor
from nb2pkg.model import Kind, Statement, identifier

BUILTIN_NAMES = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__"}
IPYTHON_NAMES = frozenset({"display", "get_ipython", "In", "Out", "_", "__", "___"})
DEFINITIONS = (Kind.DEF, Kind.CLASS)


def lone_expression(s: Statement) -> cst.Expr | None:
    """Return the statement's expression if it is one bare expression (what a
    cell shows when it is the cell's last), else None."""
    node = s.node
    if isinstance(node, cst.SimpleStatementLine) and len(node.body) == 1:
        small = node.body[0]
        if isinstance(small, cst.Expr):
            return small
    return None


def has_star_import(statements: Sequence[Statement]) -> bool:
    """Return True if any statement is ``from x import *``: it may define any name."""
    return any(s.kind is Kind.IMPORT and not s.defines for s in statements)


def undefined_names(statements: Sequence[Statement]) -> set[str]:
    """Return the names the statements read that none of them binds (builtins aside)."""
    defined = {n for s in statements for n in s.defines}
    read = {n for s in statements for n in s.uses}
    return read - defined - BUILTIN_NAMES - IPYTHON_NAMES


def imported_modules(statement: Statement, *, names: bool = False) -> tuple[str, ...]:
    """Return the absolute modules a statement imports, anywhere inside it.

    With ``names``, ``from a.b import c`` also gives ``a.b.c`` (it may be a module,
    as in ``from google.cloud import storage``).
    """
    return _imported(statement.node, names)


@functools.lru_cache(maxsize=1 << 14)
def _imported(node: cst.CSTNode, names: bool) -> tuple[str, ...]:
    def code(node: cst.CSTNode) -> str:
        return identifier(cst.Module([]).code_for_node(node))

    found: list[str] = []
    for small in _small_statements(node):
        if isinstance(small, cst.Import):
            found.extend(code(alias.name) for alias in small.names)
        elif isinstance(small, cst.ImportFrom) and not small.relative and small.module:
            module = code(small.module)
            found.append(module)
            if names and not isinstance(small.names, cst.ImportStar):
                found.extend(f"{module}.{code(alias.name)}" for alias in small.names)
    return tuple(found)


# The fields of compound statements and their parts that hold statements.
_BLOCKS = ("body", "orelse", "handlers", "finalbody", "cases")


def _small_statements(node: cst.CSTNode) -> Iterable[cst.BaseSmallStatement]:
    """Yield every simple statement in ``node``, however deeply nested in blocks.

    Only statements can import, so expressions are never entered: this is much
    cheaper than visiting every node.
    """
    if isinstance(node, cst.BaseSmallStatement):
        yield node
        return
    for field in _BLOCKS:
        value = getattr(node, field, None)
        if isinstance(value, cst.CSTNode):
            yield from _small_statements(value)
        elif isinstance(value, list | tuple):
            for item in value:
                yield from _small_statements(item)


def bound_name(alias: cst.ImportAlias) -> str:
    """Return the name an import alias binds: ``b`` for ``a as b``, ``a`` for a.b."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return identifier(alias.asname.name.value)
    name: cst.BaseExpression = alias.name
    while isinstance(name, cst.Attribute):
        name = name.value  # ``import a.b`` binds ``a``
    return identifier(name.value) if isinstance(name, cst.Name) else ""


def is_relative_import(statement: Statement) -> bool:
    """Return True for ``from .module import name``: the package's own code."""
    node = statement.node
    return (
        statement.kind is Kind.IMPORT
        and isinstance(node, cst.SimpleStatementLine)
        and isinstance(node.body[0], cst.ImportFrom)
        and bool(node.body[0].relative)
    )


class _Calls(DataBlindVisitor):
    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.names.append(node.func.value)


def called_in_order(node: cst.CSTNode) -> list[str]:
    """Return the plain names called in ``node``, in the order they appear."""
    visitor = _Calls()
    node.visit(visitor)
    return visitor.names


def called_names(expr: cst.BaseExpression) -> set[str]:
    """Return the plain names called in ``expr`` (``f`` in ``f(x)``, not ``o.f``)."""
    return set(called_in_order(expr))


# Methods that change their object in place (list, dict, set, numpy, pandas).
MUTATORS = frozenset(
    [
        "add",
        "append",
        "clear",
        "difference_update",
        "discard",
        "extend",
        "fill",
        "insert",
        "intersection_update",
        "itemset",
        "pop",
        "popitem",
        "put",
        "remove",
        "resize",
        "reverse",
        "setdefault",
        "sort",
        "symmetric_difference_update",
        "update",
    ]
)
_MUTATING_CALL = re.compile(
    r"\.\s*(?:" + "|".join(sorted(MUTATORS)) + r")\s*\(|inplace"
)


class _InPlace(TopLevelVisitor):
    """Gather ``x`` of ``x.append(1)``, ``x.sort()``, ``x.dropna(inplace=True)``."""

    def visit_Call(self, call: cst.Call) -> None:
        func = call.func
        if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name)):
            return
        inplace = any(
            a.keyword is not None
            and a.keyword.value == "inplace"
            and not (isinstance(a.value, cst.Name) and a.value.value == "False")
            for a in call.args
        )
        if func.attr.value in MUTATORS or inplace:
            self.names.add(func.value.value)


def changed_in_place(statement: Statement) -> set[str]:
    """Return the names whose object the statement's own code changes in place,
    by a method call (``x.append(1)``) or an assignment into it (``x[0] = 1``)."""
    found = set(statement.mutates)
    if _MUTATING_CALL.search(statement.code):
        visitor = _InPlace()
        statement.node.visit(visitor)
        found |= visitor.names
    return found


def changes_in_place(node: cst.CSTNode, name: str) -> bool:
    """Return True if the code calls a method that changes ``name`` in place.

    ``x.append(1)``, ``x.sort()``, ``df.dropna(inplace=True)``: these change the
    object without binding the name again.
    """
    visitor = _InPlace()
    node.visit(visitor)
    return name in visitor.names


def isort_key(name: str) -> tuple[int, str, str]:
    """Return the key isort (and ruff's ``I001``, ``RUF022``) sort names by:
    CONSTANTS, then Classes, then the rest, each case-insensitively."""
    kind = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
    return kind, name.lower(), name
