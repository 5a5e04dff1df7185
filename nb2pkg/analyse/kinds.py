"""What a top-level statement is: a definition, an import, a constant, loose code.

The kind decides where planning may put a statement: definitions and constants
may go to a module, loose code only into a step. A constant's value must be
pure (``is_pure``): evaluating it at import must do nothing but build a value.
"""

from __future__ import annotations

from collections.abc import Iterable

import libcst as cst

from nb2pkg.analyse.visitors import DataBlindVisitor
from nb2pkg.model import Kind, StatementNode

# Calls that only build a value, allowed in a module-level constant.
PURE_CALLS = frozenset(
    {
        "Path", "PurePath", "PurePosixPath", "namedtuple", "TypeVar", "NewType",
        "frozenset", "tuple", "dict", "list", "set", "range", "int", "float", "str",
        "bool", "bytes", "complex", "compile", "getLogger", "timedelta", "Decimal",
        "Fraction",
    }
)  # fmt: skip


def classify(stmt: StatementNode, uses: set[str]) -> Kind:
    """Return what a top-level statement is, given the names it reads."""
    if isinstance(stmt, cst.FunctionDef):
        return Kind.DEF
    if isinstance(stmt, cst.ClassDef):
        return Kind.CLASS
    if isinstance(stmt, cst.Try) and _is_guarded_import(stmt):
        return Kind.IMPORT
    if not isinstance(stmt, cst.SimpleStatementLine):
        return Kind.LOOSE
    return _simple_kind(stmt.body[0], uses)


def _simple_kind(small: cst.BaseSmallStatement, uses: set[str]) -> Kind:
    """Return the kind of a line's first small statement (``x = 1``, ``f()``)."""
    if isinstance(small, cst.ImportFrom) and _is_future(small):
        return Kind.FUTURE
    if isinstance(small, cst.Import | cst.ImportFrom):
        return Kind.IMPORT
    if "get_ipython" in uses:  # what the IPython syntax became
        return Kind.IPYTHON
    if isinstance(small, cst.Pass):
        return Kind.DISPLAY
    if isinstance(small, cst.Expr):
        return Kind.DISPLAY if is_pure(small.value, allow_calls=False) else Kind.LOOSE
    if isinstance(small, cst.Assign | cst.AnnAssign) and _is_constant_like(small):
        return Kind.ASSIGN
    return Kind.LOOSE


def _is_future(node: cst.ImportFrom) -> bool:
    module = node.module
    return isinstance(module, cst.Name) and module.value == "__future__"


def _is_constant_like(node: cst.Assign | cst.AnnAssign) -> bool:
    if node.value is None:
        return False
    targets: Iterable[cst.BaseExpression]
    if isinstance(node, cst.Assign):
        targets = [t.target for t in node.targets]
    else:
        targets = [node.target]
    return all(_plain_target(t) for t in targets) and is_pure(
        node.value, allow_calls=True
    )


def _plain_target(target: cst.BaseExpression) -> bool:
    if isinstance(target, cst.Name):
        return True
    if isinstance(target, cst.Tuple | cst.List):
        return all(_plain_target(e.value) for e in target.elements)
    return False


def _is_guarded_import(node: cst.Try) -> bool:
    """Return True for ``try: import x`` / ``except ImportError: x = None`` blocks."""
    blocks: list[cst.BaseSuite] = [node.body, *(h.body for h in node.handlers)]
    if node.orelse is not None:
        blocks.append(node.orelse.body)
    smalls: list[cst.BaseSmallStatement] = []
    for block in blocks:
        if not isinstance(block, cst.IndentedBlock):
            return False
        for line in block.body:
            if not isinstance(line, cst.SimpleStatementLine):
                return False
            smalls.extend(line.body)
    imports = [s for s in smalls if isinstance(s, cst.Import | cst.ImportFrom)]
    return (
        bool(imports)
        and node.finalbody is None
        and all(s in imports or _guard_fallback(s) for s in smalls)
    )


def _guard_fallback(small: cst.BaseSmallStatement) -> bool:
    """Return True for what may stand beside a guarded import: ``pass``, a value."""
    if isinstance(small, cst.Assign | cst.AnnAssign):
        return _is_constant_like(small)
    return isinstance(small, cst.Pass)


class _Impure(DataBlindVisitor):
    def __init__(self, allow_calls: bool) -> None:
        self.allow_calls = allow_calls
        self.impure = False

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        name = func.attr.value if isinstance(func, cst.Attribute) else None
        if isinstance(func, cst.Name):
            name = func.value
        if not (self.allow_calls and name in PURE_CALLS):
            self.impure = True
        return not self.impure

    def visit_Await(self, node: cst.Await) -> bool:
        self.impure = True
        return False

    def visit_Yield(self, node: cst.Yield) -> bool:
        self.impure = True
        return False

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        self.impure = True
        return False


def is_pure(expr: cst.BaseExpression, *, allow_calls: bool) -> bool:
    """Return True if evaluating ``expr`` can have no side effect we know of.

    With ``allow_calls``, calls to value constructors (``PURE_CALLS``) are allowed.
    """
    visitor = _Impure(allow_calls)
    expr.visit(visitor)
    return not visitor.impure
