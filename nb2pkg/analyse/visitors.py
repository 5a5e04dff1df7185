"""Visitors shared by the stages that walk a statement's own code."""

from __future__ import annotations

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
