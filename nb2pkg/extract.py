"""Build the code of each generated module from the plan, with LibCST.

Statements are moved as CST nodes, so comments and the text of strings are kept
exactly; indenting the notebook's loose code into ``run()`` is done by LibCST's
code generator, which never touches the inside of a multi-line string.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

import libcst as cst

from nb2pkg.deps import imported_modules
from nb2pkg.model import ModulePlan, PipelinePlan, Statement, StatementNode


def module_code(module: ModulePlan) -> str:
    """Return the source of a definitions module (docstring excluded)."""
    parts = [_code(module.future), import_block(module.imports), _code(module.body)]
    return "\n\n".join(p for p in parts if p.strip())


def pipeline_code(pipeline: PipelinePlan) -> str:
    """Return the source of the pipeline module: imports and ``run()``."""
    own = "\n".join(
        f"from .{module} import {', '.join(names)}"
        for module, names in pipeline.from_package
    )
    run = cst.Module(body=[_run_function(pipeline)]).code
    parts = [_code(pipeline.future), import_block(pipeline.imports), own, run]
    return "\n\n".join(p for p in parts if p.strip())


class _DisplayToPrint(cst.CSTTransformer):
    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        func = updated_node.func
        if isinstance(func, cst.Name) and func.value == "display":
            return updated_node.with_changes(func=cst.Name("print"))
        return updated_node


def display_to_print(node: StatementNode) -> StatementNode:
    """Return ``node`` with every ``display(...)`` call made ``print(...)``."""
    changed = node.visit(_DisplayToPrint())
    if not isinstance(changed, cst.SimpleStatementLine | cst.BaseCompoundStatement):
        return node
    return changed


def is_async(pipeline: PipelinePlan) -> bool:
    """Return True if the loose code awaits at top level, so ``run()`` is async."""
    finder = _TopLevelAwait()
    for step in pipeline.steps:
        step.node.visit(finder)
    return finder.found


def import_block(imports: Sequence[Statement]) -> str:
    """Return the imports grouped standard library / third party / local, sorted."""
    groups: dict[int, list[tuple[str, str]]] = {0: [], 1: [], 2: [], 3: []}
    for statement in imports:
        # The comments above an import describe its cell, not the import.
        node = statement.node.with_changes(leading_lines=())
        code = cst.Module(body=[node]).code.strip()
        modules = imported_modules(statement)
        if isinstance(node, cst.Try):
            group = 3
        elif not modules:
            group = 2  # relative
        elif modules[0].split(".")[0] in sys.stdlib_module_names:
            group = 0
        else:
            group = 1
        is_from = isinstance(node, cst.SimpleStatementLine) and isinstance(
            node.body[0], cst.ImportFrom
        )
        key = f"{int(is_from)}{(modules[0] if modules else '').lower()}"
        groups[group].append((key, code))
    blocks = ["\n".join(code for _, code in sorted(g)) for g in groups.values() if g]
    return "\n\n".join(blocks)


def _code(statements: Iterable[Statement]) -> str:
    body = [s.node for s in statements]
    return cst.Module(body=body).code if body else ""


def _run_function(pipeline: PipelinePlan) -> cst.FunctionDef:
    body: list[StatementNode] = [
        cst.SimpleStatementLine(
            [cst.Expr(cst.SimpleString('"""Run the notebook\'s code in order."""'))]
        )
    ]
    if pipeline.global_names:
        names = [cst.NameItem(cst.Name(n)) for n in pipeline.global_names]
        body.append(cst.SimpleStatementLine([cst.Global(names=names)]))
    for statement in pipeline.lazy_imports:
        body.append(statement.node.with_changes(leading_lines=()))
    cell = None
    for step in pipeline.steps:
        node = step.node
        if step.cell != cell:
            cell = step.cell
            marker = cst.EmptyLine(comment=cst.Comment(f"# Cell {cell}"))
            lead = [cst.EmptyLine(), marker, *node.leading_lines]
            node = node.with_changes(leading_lines=lead)
        body.append(node)
    return cst.FunctionDef(
        name=cst.Name("run"),
        params=cst.Parameters(),
        body=cst.IndentedBlock(body=body),
        returns=cst.Annotation(cst.Name("None")),
        asynchronous=cst.Asynchronous() if is_async(pipeline) else None,
    )


class _TopLevelAwait(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Await(self, node: cst.Await) -> None:
        self.found = True

    def visit_CompFor(self, node: cst.CompFor) -> None:
        if node.asynchronous is not None:
            self.found = True

    def visit_For(self, node: cst.For) -> None:
        if node.asynchronous is not None:
            self.found = True

    def visit_With(self, node: cst.With) -> None:
        if node.asynchronous is not None:
            self.found = True
