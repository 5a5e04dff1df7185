"""Visitors shared by the stages that walk a statement's own code."""

from __future__ import annotations

import functools
from collections.abc import Sequence

import libcst as cst

from nb2pkg.model import Statement


class TopLevelVisitor(cst.CSTVisitor):
    """Visit the code a statement runs itself: not function, class or lambda bodies.

    Subclasses gather what they look for into ``names``.
    """

    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


class _TopLevelAwait(TopLevelVisitor):
    """Find ``await``, ``async for`` and ``async with`` in top-level code."""

    @property
    def found(self) -> bool:
        return bool(self.names)

    def visit_Await(self, node: cst.Await) -> None:
        self.names.add("await")

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is not None:
            self.names.add("async for")

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            self.names.add("async for")

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self.names.add("async with")


def awaits(statements: Sequence[Statement]) -> bool:
    """Return True if top-level code of ``statements`` awaits (needs ``async def``)."""
    finder = _TopLevelAwait()
    for statement in statements:
        # Cheap first: no await without the word (the code is kept per node).
        code = statement.code
        if "await" in code or "async" in code:
            statement.node.visit(finder)
    return finder.found


# A container with more elements than this is checked for being plain data
# (numbers, strings, names, nested containers of those) with a plain loop, not
# a visitor call per element: a cell may hold a literal of a million numbers.
BIG_LITERAL = 64
_NUMBERS = (cst.Integer, cst.Float, cst.Imaginary)


def literal_names(node: cst.CSTNode) -> frozenset[str] | None:
    """Return the names a big literal of plain data holds (``True``, ``None``,
    ``nan``...), or None if ``node`` is no big literal of plain data."""
    return _data_names(node) if _big(node) else None


# Every visitor of a statement asks again of the same literal; nodes are
# compared, and kept here, by identity: the last few only.
@functools.lru_cache(maxsize=8)
def _data_names(node: cst.CSTNode) -> frozenset[str] | None:
    names: set[str] = set()
    stack: list[cst.CSTNode] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, cst.Name):
            names.add(item.value)
            continue
        inside = _inside(item)
        if inside is None:
            return None
        stack.extend(inside)
    return frozenset(names)


def _inside(item: cst.CSTNode) -> list[cst.CSTNode] | None:
    """Return the parts of a piece of plain data, or None if it is not data."""
    if isinstance(item, cst.List | cst.Tuple | cst.Set):
        if not all(isinstance(e, cst.Element) for e in item.elements):
            return None
        return [e.value for e in item.elements]
    if isinstance(item, cst.Dict):
        pairs = item.elements
        if not all(isinstance(p, cst.DictElement) for p in pairs):
            return None
        return [
            n for p in pairs if isinstance(p, cst.DictElement) for n in (p.key, p.value)
        ]
    if isinstance(item, cst.UnaryOperation):
        return [] if isinstance(item.expression, _NUMBERS) else None
    return [] if isinstance(item, (*_NUMBERS, cst.SimpleString)) else None


def _big(node: cst.CSTNode) -> bool:
    return (
        isinstance(node, cst.List | cst.Tuple | cst.Set | cst.Dict)
        and len(node.elements) > BIG_LITERAL
    )


class DataBlindVisitor(cst.CSTVisitor):
    """A visitor that does not enter big literals of plain data: they hold no
    call and nothing else these visitors look for."""

    def on_visit(self, node: cst.CSTNode) -> bool:
        return literal_names(node) is None and super().on_visit(node)
