"""Build the code of each generated module from the plan, with LibCST.

Statements are moved as CST nodes, so comments and the text of strings are kept
exactly; indenting the notebook's loose code into ``run()`` is done by LibCST's
code generator, which never touches the inside of a multi-line string.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

import libcst as cst

from nb2pkg.analyse import TopLevelVisitor
from nb2pkg.deps import imported_modules
from nb2pkg.model import ModulePlan, PipelinePlan, Statement, StatementNode, Step


def module_code(module: ModulePlan) -> str:
    """Return the source of a definitions module (docstring excluded)."""
    dots = "." * (module.name.count(".") + 1)
    own = "\n".join(
        f"from {dots}{other} import {', '.join(names)}"
        for other, names in module.from_package
    )
    parts = [
        _code(module.future),
        import_block(module.imports),
        own,
        _code(module.body),
    ]
    return "\n\n".join(p for p in parts if p.strip())


def pipeline_code(pipeline: PipelinePlan) -> str:
    """Return the source of the pipeline module: imports and ``run()``."""
    own = "\n".join(
        f"from .{module} import {', '.join(names)}"
        for module, names in pipeline.from_package
    )
    functions = [_step_function(step) for step in pipeline.functions]
    run = cst.Module(body=[*functions, _run_function(pipeline)]).code
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
    return _awaits(pipeline.steps)


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


def docstring_text(text: str) -> str:
    """Return ``text`` as a one-sentence docstring body, ending with a period.

    Control characters are dropped (a NUL would make the file uncompilable),
    backslashes escaped and double quotes made single, so no text can end the
    docstring early.
    """
    printable = "".join(c for c in str(text) if ord(c) >= 0x20 and ord(c) != 0x7F)
    one_line = " ".join(printable.split()).replace("\\", "\\\\").replace('"', "'")
    return one_line.rstrip(". ") + "."


def _docstring_line(text: str) -> StatementNode:
    body = docstring_text(text)
    return cst.SimpleStatementLine([cst.Expr(cst.SimpleString(f'"""{body}"""'))])


def _awaits(statements: Sequence[Statement]) -> bool:
    finder = _TopLevelAwait()
    for statement in statements:
        statement.node.visit(finder)
    return finder.found


def _names(names: Sequence[str]) -> cst.Name | cst.Tuple:
    if len(names) == 1:
        return cst.Name(names[0])
    return cst.Tuple([cst.Element(cst.Name(n)) for n in names], lpar=[], rpar=[])


def _step_function(step: Step) -> cst.FunctionDef:
    cells = sorted({s.cell for s in step.statements})
    span = f"cell {cells[0]}" if len(cells) == 1 else f"cells {cells[0]}-{cells[-1]}"
    doc = f"{step.title} ({span})." if step.title else f"Run {span} of the notebook."
    body: list[StatementNode] = [_docstring_line(doc)]
    if step.global_names:
        names = [cst.NameItem(cst.Name(n)) for n in step.global_names]
        body.append(cst.SimpleStatementLine([cst.Global(names=names)]))
    body.extend(s.node.with_changes(leading_lines=()) for s in step.imports)
    cell = None
    for statement in step.statements:
        node = statement.node
        if statement.cell != cell:
            gap: list[cst.EmptyLine] = [cst.EmptyLine()] if cell is not None else []
            cell = statement.cell
            marker = cst.EmptyLine(comment=cst.Comment(f"# Cell {cell}"))
            node = node.with_changes(leading_lines=[*gap, marker, *node.leading_lines])
        body.append(node)
    if step.returns:
        body.append(cst.SimpleStatementLine([cst.Return(_names(step.returns))]))
    return cst.FunctionDef(
        name=cst.Name(step.name),
        params=cst.Parameters(params=[cst.Param(cst.Name(p)) for p in step.params]),
        body=cst.IndentedBlock(body=body),
        asynchronous=cst.Asynchronous() if _awaits(step.statements) else None,
    )


def _run_function(pipeline: PipelinePlan) -> cst.FunctionDef:
    body: list[StatementNode] = [_docstring_line("Run the notebook's steps in order.")]
    for step in pipeline.functions:
        call: cst.BaseExpression = cst.Call(
            cst.Name(step.name), args=[cst.Arg(cst.Name(p)) for p in step.params]
        )
        if _awaits(step.statements):
            call = cst.Await(call)
        if step.returns:
            target = cst.AssignTarget(_names(step.returns))
            body.append(cst.SimpleStatementLine([cst.Assign([target], call)]))
        else:
            body.append(cst.SimpleStatementLine([cst.Expr(call)]))
    # papermill's parameters: keyword arguments whose defaults are the notebook's.
    keywords = [
        cst.Param(cst.Name(name), default=cst.Name(name))
        for name in pipeline.parameters
    ]
    # Names no earlier cell defined: the notebook got them elsewhere; so must run().
    keywords += [cst.Param(cst.Name(name)) for name in pipeline.required]
    return cst.FunctionDef(
        name=cst.Name("run"),
        params=cst.Parameters(
            kwonly_params=keywords,
            star_arg=cst.ParamStar() if keywords else cst.MaybeSentinel.DEFAULT,
        ),
        body=cst.IndentedBlock(body=body),
        returns=cst.Annotation(cst.Name("None")),
        asynchronous=cst.Asynchronous() if is_async(pipeline) else None,
    )


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
