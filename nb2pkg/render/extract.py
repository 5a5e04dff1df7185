"""Build the code of each generated module from the plan, with LibCST.

Statements are moved as CST nodes, so comments and the text of strings are kept
exactly; indenting the notebook's loose code into ``run()`` is done by LibCST's
code generator, which never touches the inside of a multi-line string.
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from collections.abc import Iterable, Sequence
from dataclasses import replace

import libcst as cst

from nb2pkg.analyse.cells import BIG_STATEMENT
from nb2pkg.analyse.names import bound_name, imported_modules, isort_key
from nb2pkg.analyse.visitors import awaits as top_level_awaits
from nb2pkg.cache import Memo, key
from nb2pkg.model import ModulePlan, PipelinePlan, Statement, StatementNode, Step
from nb2pkg.plan.show import SHOW_HELPER
from nb2pkg.render.isort import sorted_import_names


def module_code(module: ModulePlan) -> str:
    """Return the source of a definitions module (docstring excluded)."""
    depth = module.name.count(".")
    imports = import_block(
        module.imports, depth=depth, own=_own_imports(module.from_package, depth)
    )
    parts = [_after_future(module.future, imports), _code(module.body)]
    return "\n\n".join(p for p in parts if p.strip())


def pipeline_code(pipeline: PipelinePlan, *, memo: Memo | None = None) -> str:
    """Return the source of the pipeline module: imports and ``run()``.

    ``memo`` holds the code of step functions written before, by what made it.
    """
    depth = pipeline.module.count(".")
    asyncs = [top_level_awaits(step.statements) for step in pipeline.functions]
    store = memo or Memo()
    functions = [
        _step_code(step, awaits, store, comments=pipeline.cell_comments)
        for step, awaits in zip(pipeline.functions, asyncs, strict=True)
    ]
    run = "".join(functions) + cst.Module(body=[_run_function(pipeline, asyncs)]).code
    aliases = _rebound_imports(pipeline)
    from_package = [
        (module, [f"{n} as {aliases[n]}" if n in aliases else n for n in names])
        for module, names in pipeline.from_package
    ]
    imports = import_block(
        [_aliased(s, aliases) for s in pipeline.imports],
        depth=depth,
        own=_own_imports(from_package, depth),
    )
    rebound = ""
    if aliases:
        rebound = "# run() rebinds these names, as the notebook did.\n" + "\n".join(
            f"{name} = {alias}" for name, alias in sorted(aliases.items())
        )
    helper = SHOW_HELPER.format(name=pipeline.show) if pipeline.show else ""
    parts = [_after_future(pipeline.future, imports), rebound, helper, run]
    return "\n\n".join(p for p in parts if p.strip())


def _rebound_imports(pipeline: PipelinePlan) -> dict[str, str]:
    """Return a private alias for each import a step both reads and rebinds.

    Such a step declares the name global. pyflakes does not count a read in a
    function that declares the name global as a use of the module's import, and
    would call the import unused: the import is made under the alias, and the
    name bound to it at module level.
    """
    imported = {n for _, names in pipeline.from_package for n in names}
    imported |= {n for s in pipeline.imports if _renamable(s) for n in s.defines}
    taken = {n for s in pipeline.steps for n in s.defines | s.uses} | imported
    aliases: dict[str, str] = {}
    for step in pipeline.functions:
        reads = {n for s in step.statements for n in s.uses}
        for name in sorted(set(step.global_names) & reads & imported):
            alias = f"_{name}"
            while alias in taken:
                alias += "_"
            taken.add(alias)
            aliases.setdefault(name, alias)
    return aliases


def _renamable(statement: Statement) -> bool:
    """Return True for ``import a as b`` and ``from a import b``: not ``import a.b``."""
    node = statement.node
    if not isinstance(node, cst.SimpleStatementLine):
        return False
    small = node.body[0]
    if isinstance(small, cst.ImportFrom):
        return not isinstance(small.names, cst.ImportStar)
    if isinstance(small, cst.Import):
        return all(
            a.asname is not None or isinstance(a.name, cst.Name) for a in small.names
        )
    return False


def _aliased(statement: Statement, aliases: dict[str, str]) -> Statement:
    """Return the import with each name in ``aliases`` imported as its alias."""
    if not statement.defines & aliases.keys() or not _renamable(statement):
        return statement
    node = statement.node
    assert isinstance(node, cst.SimpleStatementLine)  # noqa: S101 - _renamable
    small = node.body[0]
    assert isinstance(small, cst.Import | cst.ImportFrom)  # noqa: S101
    assert not isinstance(small.names, cst.ImportStar)  # noqa: S101
    names = [
        a.with_changes(asname=cst.AsName(name=cst.Name(aliases[bound_name(a)])))
        if bound_name(a) in aliases
        else a
        for a in small.names
    ]
    new = node.with_changes(body=[small.with_changes(names=names)])
    return replace(statement, node=new)


def _own_imports(
    from_package: Sequence[tuple[str, Sequence[str]]], depth: int
) -> list[str]:
    """Return ``from .module import a, b`` lines for a module ``depth`` folders down."""
    dots = "." * (depth + 1)
    lines = []
    for module, names in from_package:
        # As isort writes them: plain names on one line, each ``a as b`` on its own.
        plain = [n for n in names if " as " not in n]
        if plain:
            lines.append(f"from {dots}{module} import {', '.join(plain)}")
        lines += [f"from {dots}{module} import {n}" for n in names if " as " in n]
    return lines


def import_block(
    imports: Sequence[Statement], *, depth: int = 0, own: Sequence[str] = ()
) -> str:
    """Return the imports grouped standard library / third party / local, sorted.

    A relative import (of another notebook's module) is relative to the package's
    root, so a module ``depth`` folders down gets that many more dots. ``own``
    are the package's own imports, already written for that depth.
    """
    groups: dict[int, list[tuple[str, str]]] = {0: [], 1: [], 2: [], 3: []}
    groups[2] = [(f"1{line.split()[1].lstrip('.')}", line) for line in own]
    for statement in imports:
        # The comments above an import describe its cell, not the import.
        node = _from_root(statement.node.with_changes(leading_lines=()), depth)
        code = cst.Module(body=[node]).code.strip()
        modules = imported_modules(statement)
        if _MANY.fullmatch(code):  # ``import a, b``: a line each, as isort writes it
            for module in (m.strip() for m in code[len("import ") :].split(",")):
                stdlib = module.split(".")[0] in sys.stdlib_module_names
                groups[0 if stdlib else 1].append(
                    (f"0{module.lower()}", f"import {module}")
                )
            continue
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
        name = modules[0] if modules else code.split()[1].lstrip(".")
        key = f"{int(is_from)}{name.lower()}"
        groups[group].append((key, code))
    blocks = ["\n".join(_merged(sorted(set(g)))) for g in groups.values() if g]
    return "\n\n".join(blocks)


# ``import a, b`` with plain names, and nothing else on the line.
_MANY = re.compile(r"import [\w.]+(\s*,\s*[\w.]+)+")
# ``from module import a, b`` with plain names, and nothing else on the line.
_PLAIN_FROM = re.compile(r"from ([\w.]+) import \(?\s*([\w,\s]+?),?\s*\)?\s*")


def _after_future(future: Sequence[Statement], imports: str) -> str:
    """Return the ``from __future__`` imports, made one line with their names
    sorted, then one blank line and the imports (as isort writes them)."""
    names: set[str] = set()
    for s in future:
        plain = _PLAIN_FROM.fullmatch(s.code.strip())
        if plain is None:  # a comment in it: kept as written
            return "\n\n".join(p for p in (_code(future), imports) if p.strip())
        names.update(n.strip() for n in plain.group(2).split(",") if n.strip())
    if not names:
        return imports
    line = f"from __future__ import {', '.join(sorted(names))}\n"
    return f"{line}\n{imports}" if imports.strip() else line


def _merged(lines: Sequence[tuple[str, str]]) -> list[str]:
    """Return the import lines with each module's plain ``from`` imports made one,
    its names sorted, as isort writes them (several cells imported from it)."""
    names: dict[str, set[str]] = {}
    for _, code in lines:
        plain = _PLAIN_FROM.fullmatch(code)
        if plain and " as " not in code:
            names.setdefault(plain.group(1), set()).update(
                n.strip() for n in plain.group(2).split(",") if n.strip()
            )
    out: list[str] = []
    for _, code in lines:
        plain = _PLAIN_FROM.fullmatch(code)
        if not plain or " as " in code:
            out.append(code)
        elif plain.group(1) in names:
            module = plain.group(1)
            joined = ", ".join(sorted(names.pop(module), key=isort_key))
            out.append(f"from {module} import {joined}")
    return out


def _from_root(node: StatementNode, depth: int) -> StatementNode:
    """Return ``from .x import y`` with ``depth`` more dots (``from ..x import y``)."""
    if not depth or not isinstance(node, cst.SimpleStatementLine):
        return node
    small = node.body[0]
    if not isinstance(small, cst.ImportFrom) or not small.relative:
        return node
    dots = [cst.Dot() for _ in range(len(small.relative) + depth)]
    return node.with_changes(body=[small.with_changes(relative=dots)])


def _code(statements: Iterable[Statement]) -> str:
    # A module's code is its statements' code, each kept once written.
    return "".join(s.code for s in statements)


def docstring_text(text: str) -> str:
    """Return ``text`` as a one-sentence docstring body, ending with a period.

    Line breaks and tabs become spaces; other control characters are dropped
    (a NUL would make the file uncompilable),
    backslashes escaped and double quotes made single, so no text can end the
    docstring early.
    """
    printable = "".join(
        c for c in str(text) if c.isspace() or (ord(c) >= 0x20 and ord(c) != 0x7F)
    )
    one_line = " ".join(printable.split()).replace("\\", "\\\\").replace('"', "'")
    return one_line.rstrip(". ") + "."


def _docstring_line(text: str, *, indent: str = "    ") -> StatementNode:
    """Return a docstring statement of ``text``: one line when it fits, else a
    summary sentence, a blank line and the rest, wrapped at 72 characters."""
    body = docstring_text(text)
    if len(body) > _DOC_WIDTH:
        summary, _, rest = body.partition(". ")
        if rest and len(summary) < _DOC_WIDTH:
            parts = [summary + ".", "", *textwrap.wrap(rest, _DOC_WIDTH)]
        else:
            parts = textwrap.wrap(body, _DOC_WIDTH)
        body = f"\n{indent}".join(parts) + f"\n{indent}"
    return cst.SimpleStatementLine([cst.Expr(cst.SimpleString(f'"""{body}"""'))])


# Docstring lines are wrapped at this width (PEP 8's 72 for comments and docs).
_DOC_WIDTH = 72


def _names(names: Sequence[str]) -> cst.Name | cst.Tuple:
    if len(names) == 1:
        return cst.Name(names[0])
    return cst.Tuple([cst.Element(cst.Name(n)) for n in names], lpar=[], rpar=[])


def _step_code(step: Step, awaits: bool, memo: Memo, *, comments: bool) -> str:
    """Return a step function's code, from ``memo`` if it was written before.

    The code depends only on what is in the key: after one cell is edited, only
    its step is written again (LibCST writes a function a few times slower than
    it parses one).
    """
    made_of = [
        step.name,
        step.title,
        step.doc,
        comments,
        step.params,
        step.returns,
        step.global_names,
        [s.code for s in step.imports],
        [(s.cell, s.code) for s in step.statements],
        awaits,
    ]
    name = "step " + key(json.dumps(made_of))
    kept = memo.get(name)
    if isinstance(kept, str):
        return kept
    # A big one-line statement is put into its step as text: LibCST would take
    # seconds to write a list of a million numbers again.
    big = {
        id(s): f"_nb2pkg_statement_{i}"
        for i, s in enumerate(step.statements)
        if len(s.code) > BIG_STATEMENT and _one_code_line(s.code)
    }
    code = cst.Module(body=[_step_function(step, awaits, comments, big)]).code
    for s in step.statements:  # written as the cell has them, indented
        if id(s) in big:
            code = code.replace(
                f"    {big[id(s)]}\n", textwrap.indent(s.code, "    "), 1
            )
    memo.put(name, code)
    return code


def _one_code_line(code: str) -> bool:
    """Return True if ``code`` is one line of code, with only comments above."""
    lines = [t for t in code.splitlines() if t.strip()]
    return bool(lines) and all(t.lstrip().startswith("#") for t in lines[:-1])


def _step_function(
    step: Step, awaits: bool, comments: bool, big: dict[int, str]
) -> cst.FunctionDef:
    """Return a step's function; the statements in ``big`` stand there as a
    placeholder name, each on a line of its own (``_step_code`` writes them)."""
    body: list[StatementNode] = [_docstring_line(step.doc)]
    if step.global_names:
        names = [cst.NameItem(cst.Name(n)) for n in step.global_names]
        body.append(cst.SimpleStatementLine([cst.Global(names=names)]))
    body.extend(s.node.with_changes(leading_lines=()) for s in step.imports)
    cell = None
    for statement in step.statements:
        node = statement.node
        own = len(node.leading_lines)  # its comments, part of its code
        if "import" in statement.code:  # an import inside a block: names sorted
            node = sorted_import_names(node)
        if statement.cell != cell:
            gap: list[cst.EmptyLine] = [cst.EmptyLine()] if cell is not None else []
            cell = statement.cell
            marker = [cst.EmptyLine(comment=cst.Comment(f"# Cell {cell}"))]
            lines = [*gap, *(marker if comments else []), *node.leading_lines]
            node = node.with_changes(leading_lines=lines)
        if id(statement) in big:
            added = node.leading_lines[: len(node.leading_lines) - own]
            name = cst.Expr(cst.Name(big[id(statement)]))
            node = cst.SimpleStatementLine([name], leading_lines=added)
        body.append(node)
    if step.returns:
        body.append(cst.SimpleStatementLine([cst.Return(_names(step.returns))]))
    return cst.FunctionDef(
        name=cst.Name(step.name),
        params=cst.Parameters(params=[cst.Param(cst.Name(p)) for p in step.params]),
        body=cst.IndentedBlock(body=body),
        asynchronous=cst.Asynchronous() if awaits else None,
    )


def _run_function(pipeline: PipelinePlan, asyncs: Sequence[bool]) -> cst.FunctionDef:
    body: list[StatementNode] = [_docstring_line("Run the notebook's steps in order.")]
    for step, awaits in zip(pipeline.functions, asyncs, strict=True):
        call: cst.BaseExpression = cst.Call(
            cst.Name(step.name), args=[cst.Arg(cst.Name(p)) for p in step.params]
        )
        if awaits:
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
        asynchronous=cst.Asynchronous() if any(asyncs) else None,
    )
