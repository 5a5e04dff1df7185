"""Drop the names a step binds and nothing reads: a reviewer's F841.

In a notebook, ``history = model.fit(...)`` keeps the result for the author to
look at; in a step function nothing reads it again. The call still runs (it
trains the model): only the name goes, ``model.fit(...)``. A value with no
effect of its own (a literal, a name, an attribute, arithmetic of those) goes
with its name. ``with A as x`` and ``except E as x`` lose ``as x``.

A name counts as read if it appears anywhere else in the step (in a nested
function, a ``del``, a keyword): the rule only drops what is certainly unread.
A step that reads ``locals()``, ``vars()``, ``eval`` or ``exec`` is left as it is.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from typing import TypeGuard

import libcst as cst

from nb2pkg.errors import Finding, finding
from nb2pkg.model import Statement, Step

# Nested scopes: a binding inside one is not the step's.
_SCOPES = (
    cst.FunctionDef,
    cst.ClassDef,
    cst.Lambda,
    cst.ListComp,
    cst.SetComp,
    cst.DictComp,
    cst.GeneratorExp,
)
# A name pandas' query() and eval() read from the caller: ``"x > @limit"``.
_AT_NAME = re.compile(r"@([A-Za-z_]\w*)")
# Calls that read a function's variables by name.
_INTROSPECTION = frozenset({"locals", "vars", "eval", "exec", "globals"})


def drop_dead_names(steps: Sequence[Step]) -> tuple[tuple[Step, ...], list[Finding]]:
    """Return the steps without the bindings nothing reads, and a finding per step."""
    out: list[Step] = []
    findings: list[Finding] = []
    for step in steps:
        first = step.statements[0].cell if step.statements else None
        quoted = frozenset(
            n
            for s in step.statements
            if "@" in s.code
            for n in _AT_NAME.findall(s.code)
        )
        dead: set[str] = set()
        # Dropping ``scale = 10**rate`` leaves ``rate`` unread in turn.
        while unread := _dead_names(step) - dead - quoted:
            dead |= unread
            statements = (_without(s, unread) for s in step.statements)
            step = replace(step, statements=tuple(s for s in statements if s))
        out.append(_noted(step, _dead_names(step) & quoted) if quoted else step)
        if not dead:
            continue
        names = ", ".join(f"`{n}`" for n in sorted(dead))
        note = (
            f"step `{step.name}`: {names} never read after it is made; "
            "the name is dropped, the code that made it kept"
        )
        findings.append(finding("NBP316", note, cell=first))
    return tuple(out), findings


def _dead_names(step: Step) -> frozenset[str]:
    """Return the names the step binds and never reads (nor returns).

    A line of simple statements is read from its analysis (its ``uses`` are
    what it reads); only a compound statement is walked, node by node.
    """
    sites = _Sites()
    for s in step.statements:
        if _simple(s.node):
            sites.reads.update(s.uses)
            for small in s.node.body:
                if isinstance(small, cst.Assign):
                    for target in small.targets:
                        sites.site(target.target, droppable=True)
                elif isinstance(small, cst.AnnAssign):
                    sites.site(small.target, droppable=small.value is not None)
        else:
            s.node.visit(sites)
    if _INTROSPECTION & sites.reads.keys():
        return frozenset()
    kept = {*step.returns, *step.global_names, *step.params}
    return frozenset(
        n
        for n in sites.bound
        if not sites.reads[n] and n not in kept and not n.startswith("_")
    )


# What a line of simple statements may hold to be read from its analysis alone
# (``del x``, ``global x`` read a name in a way ``uses`` does not say).
_PLAIN = (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr, cst.Pass)


def _simple(node: cst.CSTNode) -> TypeGuard[cst.SimpleStatementLine]:
    return isinstance(node, cst.SimpleStatementLine) and all(
        isinstance(small, _PLAIN) for small in node.body
    )


def _noted(step: Step, quoted: frozenset[str]) -> Step:
    """Return the step with a ``noqa`` on each assignment only pandas reads
    (``limit = 30`` for ``df.query("x > @limit")``): linters see no read."""
    if not quoted:
        return step
    statements = []
    for s in step.statements:
        node = s.node
        names = sorted(s.defines & quoted)
        if (
            names
            and isinstance(node, cst.SimpleStatementLine)
            and node.trailing_whitespace.comment is None
        ):
            text = f"# noqa: F841 - pandas reads it as @{names[0]}"
            trailing = node.trailing_whitespace.with_changes(
                whitespace=cst.SimpleWhitespace("  "), comment=cst.Comment(text)
            )
            s = replace(s, node=node.with_changes(trailing_whitespace=trailing))
        statements.append(s)
    return replace(step, statements=tuple(statements))


class _Sites(cst.CSTVisitor):
    """Count the reads of each name, and the binding sites the rule may drop.

    Sites are looked for in the step's own scope only (not inside a nested
    def, class, lambda or comprehension). Every other Name counts as a read
    (a nested scope's binding too: the rule errs towards keeping), except an
    attribute's or a keyword argument's name and a name unpacked into
    (``a, b = ...``, ``for a in ...``), which binds without reading. pandas'
    ``query``/``eval`` strings read ``@name``.
    """

    def __init__(self) -> None:
        self.bound: Counter[str] = Counter()
        self.reads: Counter[str] = Counter()
        self.depth = 0  # nested scopes entered
        self.not_reads: set[int] = set()  # ids of Names that bind or label

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.depth += isinstance(node, _SCOPES)
        return super().on_visit(node)

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.depth -= isinstance(original_node, _SCOPES)
        super().on_leave(original_node)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self.not_reads:
            self.reads[node.value] += 1

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self.not_reads.add(id(node.attr))

    def visit_Arg(self, node: cst.Arg) -> None:
        if node.keyword is not None:
            self.not_reads.add(id(node.keyword))

    def site(self, target: cst.BaseExpression | None, *, droppable: bool) -> None:
        if self.depth:
            return
        if isinstance(target, cst.Name):
            self.not_reads.add(id(target))
            if droppable:
                self.bound[target.value] += 1
        elif isinstance(target, cst.Tuple | cst.List):
            for element in target.elements:
                self.site(element.value, droppable=False)
        elif isinstance(target, cst.StarredElement):
            self.site(target.value, droppable=False)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self.site(target.target, droppable=True)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self.site(node.target, droppable=node.value is not None)

    def visit_For(self, node: cst.For) -> None:
        self.site(node.target, droppable=False)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self.site(node.asname.name if node.asname else None, droppable=True)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        self.site(node.name.name if node.name else None, droppable=True)


def _without(s: Statement, dead: frozenset[str]) -> Statement | None:
    """Return the statement without its dead bindings; None if nothing is left."""
    if _simple(s.node):
        if not s.defines & dead:
            return s
        kept = [k for small in s.node.body if (k := _kept(small, dead)) is not None]
        if not kept:
            return None
        last = kept[-1].with_changes(semicolon=cst.MaybeSentinel.DEFAULT)
        line = s.node.with_changes(body=[*kept[:-1], last])
        return replace(s, node=line, defines=s.defines - dead, written=None)
    if not set(_WORD.findall(s.code)) & dead:
        return s
    node = s.node.visit(_Drop(dead))
    if isinstance(node, cst.RemovalSentinel) or not isinstance(
        node, cst.SimpleStatementLine | cst.BaseCompoundStatement
    ):
        return None
    if node.deep_equals(s.node):
        return s
    return replace(s, node=node, defines=s.defines - dead, written=None)


_WORD = re.compile(r"\w+")


def _kept(
    small: cst.BaseSmallStatement, dead: frozenset[str]
) -> cst.BaseSmallStatement | None:
    """Return a simple statement without its dead names, or None if it goes."""
    if isinstance(small, cst.Assign):
        targets = [
            t
            for t in small.targets
            if not (isinstance(t.target, cst.Name) and t.target.value in dead)
        ]
        if targets:
            return small.with_changes(targets=targets)
        value = _kept_value(small.value)
    elif (
        isinstance(small, cst.AnnAssign)
        and small.value is not None
        and isinstance(small.target, cst.Name)
        and small.target.value in dead
    ):
        value = _kept_value(small.value)
    else:
        return small
    if isinstance(value, cst.RemovalSentinel):
        return None
    return value.with_changes(semicolon=small.semicolon)


class _Drop(cst.CSTTransformer):
    """Remove dead names from the step's own scope, keeping calls that made them."""

    def __init__(self, dead: frozenset[str]) -> None:
        self.dead = dead

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def _is_dead(self, node: cst.CSTNode) -> bool:
        return isinstance(node, cst.Name) and node.value in self.dead

    def leave_Assign(
        self, original_node: cst.Assign, updated_node: cst.Assign
    ) -> cst.BaseSmallStatement | cst.RemovalSentinel:
        return _kept(updated_node, self.dead) or cst.RemovalSentinel.REMOVE

    def leave_AnnAssign(
        self, original_node: cst.AnnAssign, updated_node: cst.AnnAssign
    ) -> cst.BaseSmallStatement | cst.RemovalSentinel:
        return _kept(updated_node, self.dead) or cst.RemovalSentinel.REMOVE

    def leave_WithItem(
        self, original_node: cst.WithItem, updated_node: cst.WithItem
    ) -> cst.WithItem:
        asname = updated_node.asname
        if asname is not None and self._is_dead(asname.name):
            return updated_node.with_changes(asname=None)
        return updated_node

    def leave_ExceptHandler(
        self, original_node: cst.ExceptHandler, updated_node: cst.ExceptHandler
    ) -> cst.ExceptHandler:
        name = updated_node.name
        if name is not None and self._is_dead(name.name):
            return updated_node.with_changes(name=None)
        return updated_node

    def leave_SimpleStatementLine(
        self,
        original_node: cst.SimpleStatementLine,
        updated_node: cst.SimpleStatementLine,
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        return updated_node if updated_node.body else cst.RemovalSentinel.REMOVE

    def leave_IndentedBlock(
        self, original_node: cst.IndentedBlock, updated_node: cst.IndentedBlock
    ) -> cst.IndentedBlock:
        if updated_node.body:
            return updated_node
        return updated_node.with_changes(body=[cst.SimpleStatementLine([cst.Pass()])])


def _kept_value(value: cst.BaseExpression) -> cst.Expr | cst.RemovalSentinel:
    """Return the value as a statement of its own, or nothing if it has no effect."""
    if _inert(value):
        return cst.RemovalSentinel.REMOVE
    if isinstance(value, cst.Tuple) and not value.lpar:
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return cst.Expr(value)


def _inert(node: cst.BaseExpression) -> bool:
    """Return True for a value whose making does nothing but make it."""
    match node:
        case (
            cst.Integer()
            | cst.Float()
            | cst.Imaginary()
            | cst.SimpleString()
            | cst.Name()
            | cst.Ellipsis()
        ):
            return True
        case cst.ConcatenatedString(left=left, right=right):
            return _inert(left) and _inert(right)
        case cst.Attribute(value=value):
            return _inert(value)
        case cst.UnaryOperation(expression=operand):
            return _inert(operand)
        case cst.BinaryOperation(left=left, right=right):
            return _inert(left) and _inert(right)
        case (
            cst.List(elements=elements)
            | cst.Tuple(elements=elements)
            | cst.Set(elements=elements)
        ):
            return all(_inert(e.value) for e in elements)
        case cst.Dict(elements=elements):
            return all(
                isinstance(e, cst.DictElement) and _inert(e.key) and _inert(e.value)
                for e in elements
            )
    return False
