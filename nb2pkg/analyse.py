"""Analyse each code cell: parse it with libcst and find what it binds and reads.

What each statement binds and reads comes from ``nb2pkg.scopes``, per statement.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

import libcst as cst

from nb2pkg.cache import key
from nb2pkg.errors import Finding, finding
from nb2pkg.magics import Translated, translate_ipython
from nb2pkg.model import (
    Cell,
    CellAnalysis,
    Install,
    Kind,
    Notebook,
    Statement,
    StatementNode,
    remember_code,
    statement_code,
)
from nb2pkg.parallel import default_jobs, pool_map, split
from nb2pkg.scopes import scan

# Calls that only build a value, allowed in a module-level constant.
PURE_CALLS = frozenset(
    {
        "Path", "PurePath", "PurePosixPath", "namedtuple", "TypeVar", "NewType",
        "frozenset", "tuple", "dict", "list", "set", "range", "int", "float", "str",
        "bool", "bytes", "complex", "compile", "getLogger", "timedelta", "Decimal",
        "Fraction",
    }
)  # fmt: skip
_PY2 = re.compile(
    r"^\s*(print\s+[^\s(=.,)\]]|exec\s+['\"]|except\s+[\w.]+\s*,\s*\w+\s*:)"
)
_COMPILE_FLAGS = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT


# Below this many code cells, starting processes costs more than it saves.
_PARALLEL_CELLS = 600


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A code cell after IPython syntax handling and parsing, before name analysis."""

    cell: Cell
    module: cst.Module | None  # None: the cell does not parse
    lines: list[int]
    findings: tuple[Finding, ...]
    installs: tuple[Install, ...]


def analyse_notebook(
    notebook: Notebook, *, jobs: int | None = 1, known: Known | None = None
) -> tuple[CellAnalysis, ...]:
    """Return the analysis of every code cell, in document order.

    A large notebook's cells are analysed by up to ``jobs`` processes (None:
    every core), each taking a run of cells. ``known`` are facts found before
    (see ``cell_facts``), by cell source: those cells skip the name analysis.
    """
    cells = notebook.code_cells
    jobs = jobs or default_jobs()
    # Cells known before only need parsing: too little work to send elsewhere.
    todo = [c for c in cells if not known or cell_key(c) not in known]
    if jobs == 1 or len(todo) < _PARALLEL_CELLS:
        return analyse_cells(cells, known=known)
    parts = pool_map(
        functools.partial(_analyse_in_worker, known=known),
        split(cells, jobs),
        jobs=jobs,
        worth=True,
    )
    return tuple(a for part, codes in parts for a in keep_codes(part, codes))


def _analyse_in_worker(
    cells: Sequence[Cell], *, known: Known | None
) -> tuple[tuple[CellAnalysis, ...], list[str]]:
    """Return ``analyse_cells(cells)`` and its statements' code, for the caller."""
    analyses = analyse_cells(cells, known=known)
    return analyses, statement_codes(analyses)


def statement_codes(analyses: Iterable[CellAnalysis]) -> list[str]:
    """Return the code of every statement of ``analyses``, in order.

    A worker process sends it with the analyses it made: the code it wrote
    while analysing is kept by node (``model.statement_code``), which a process
    pool does not copy, and writing it again costs more than sending it.
    """
    return [s.code for a in analyses for s in a.statements]


def keep_codes(
    analyses: tuple[CellAnalysis, ...], codes: list[str]
) -> tuple[CellAnalysis, ...]:
    """Return ``analyses``, each statement's code kept as ``codes`` (in order) say."""
    statements = [s for a in analyses for s in a.statements]
    for statement, code in zip(statements, codes, strict=True):
        remember_code(statement.node, code)
    return analyses


# Facts found before, by the cell's source key: whether the cell is plain Python
# (no IPython syntax to translate), and per statement [binds, reads, reads when
# run, changes in place, kind, line, code], the first four lists of names (the
# code is kept so it need not be written again).
Known = Mapping[str, object]


def cell_facts(analysis: CellAnalysis) -> dict[str, object]:
    """Return what was found about the cell and its statements, for ``known``."""
    return {
        # Translating IPython syntax always says what it did: no finding, no
        # install, nothing translated; next time the cell is parsed as it is.
        "plain": not analysis.findings and not analysis.installs,
        "statements": [
            [
                sorted(s.defines),
                sorted(s.uses),
                sorted(s.eager_uses),
                sorted(s.mutates),
                s.kind.value,
                s.line,
                s.code,
            ]
            for s in analysis.statements
        ],
    }


def analyse_cell(cell: Cell) -> CellAnalysis:
    """Return the statements of one code cell with the names each binds and reads."""
    return analyse_cells([cell])[0]


def analyse_cells(
    cells: Iterable[Cell], *, known: Known | None = None
) -> tuple[CellAnalysis, ...]:
    """Return the analysis of each cell, in order.

    Each cell is parsed on its own. Which names a statement binds and reads does
    not depend on the statements around it (a read is global unless a function
    or class binds the name), so each statement is analysed alone, except in
    cells whose facts are ``known``: those are only parsed, not even compiled.
    """
    facts: dict[int, _Facts] = {}
    parsed: list[_Parsed] = []
    for cell in cells:
        plain, found = _known_facts(known, cell)
        lines = None if found is None else [f[5] for f in found]
        p = _parse(cell, lines=lines, plain=plain)
        body = p.module.body if p.module is not None else ()
        if found is not None and len(found) != len(body):
            p = _parse(cell)  # the cache does not fit the cell: start afresh
            found = None
        parsed.append(p)
        if found is not None:
            facts.update((id(stmt), f) for stmt, f in zip(body, found, strict=True))
    return tuple(_analysis(p, facts) for p in parsed)


# What the analysis found about one statement: the names it binds, reads, reads
# when run and changes in place, its kind, its line in the cell and its code.
_Facts = tuple[
    frozenset[str], frozenset[str], frozenset[str], frozenset[str], Kind, int, str
]


def _known_facts(known: Known | None, cell: Cell) -> tuple[bool, list[_Facts] | None]:
    """Return whether the cell is plain Python and its statements' cached facts.

    (False, None) unless the cache has a well-formed entry for the cell.
    """
    entry = known.get(cell_key(cell)) if known else None
    if not isinstance(entry, dict):
        return False, None
    statements = entry.get("statements")
    if not isinstance(statements, list) or not statements:
        return False, None
    try:
        facts = [
            (frozenset(d), frozenset(u), frozenset(e), frozenset(m), Kind(k), int(n), c)
            for d, u, e, m, k, n, c in statements
        ]
    except (TypeError, ValueError):
        return False, None
    if not all(isinstance(f[6], str) for f in facts):
        return False, None
    return entry.get("plain") is True, facts


def cell_key(cell: Cell) -> str:
    """Return the cache key of what the analysis finds in a cell: its source."""
    return key(cell.source)


def _parse(
    cell: Cell, *, lines: list[int] | None = None, plain: bool = False
) -> _Parsed:
    """Parse a cell; ``lines`` (its statements' lines) when it compiled before,
    ``plain`` when it was found to hold no IPython syntax."""
    if plain:
        translated = Translated(cell.source, ())
    else:
        translated = translate_ipython(cell.source, cell=cell.number)
    findings = list(translated.findings)
    source = translated.source
    if lines is None:
        lines = _check_syntax(source, cell, findings)
    installs = translated.installs
    module = None
    if lines is not None:
        try:
            module = _one_statement_per_line(cst.parse_module(source))
        except (cst.ParserSyntaxError, RecursionError) as exc:
            message = str(exc).splitlines()[0]
            findings.append(_syntax_finding(source, cell, message, None))
    return _Parsed(cell, module, lines or [], tuple(findings), tuple(installs))


def _analysis(parsed: _Parsed, facts: dict[int, _Facts]) -> CellAnalysis:
    cell, module = parsed.cell, parsed.module
    if module is None:
        return CellAnalysis(cell, (), False, parsed.findings, parsed.installs)
    statements = []
    for i, stmt in enumerate(module.body):
        line = parsed.lines[i] if i < len(parsed.lines) else 1
        known = facts.get(id(stmt))
        if known is not None:
            statements.append(_known_statement(stmt, cell.number, line, known))
            continue
        (defines, uses, eager), _, mutated = scan(statement_code(stmt))
        statement = _make_statement(stmt, cell.number, line, defines, uses, eager)
        statements.append(replace(statement, mutates=frozenset(mutated)))
    return CellAnalysis(cell, tuple(statements), True, parsed.findings, parsed.installs)


def _check_syntax(source: str, cell: Cell, findings: list[Finding]) -> list[int] | None:
    """Compile ``source``; return each top-level statement's line, or None."""
    try:
        tree = compile(source, f"<cell {cell.number}>", "exec", _COMPILE_FLAGS, True)
        compile(
            tree, f"<cell {cell.number}>", "exec", ast.PyCF_ALLOW_TOP_LEVEL_AWAIT, True
        )
    except SyntaxError as exc:
        findings.append(_syntax_finding(source, cell, exc.msg, exc.lineno))
        return None
    except (ValueError, RecursionError, MemoryError) as exc:
        findings.append(
            _syntax_finding(source, cell, str(exc) or type(exc).__name__, None)
        )
        return None
    return [node.lineno for node in tree.body]


def _syntax_finding(source: str, cell: Cell, message: str, line: int | None) -> Finding:
    for number, text in enumerate(source.split("\n"), start=1):
        if _PY2.match(text):
            note = "cell left out: Python 2 syntax; port it to Python 3"
            return finding("NBP302", note, cell=cell.number, line=number)
    note = f"cell left out: cannot parse it ({message}); fix it or tag the cell 'skip'"
    return finding("NBP301", note, cell=cell.number, line=line)


def _one_statement_per_line(module: cst.Module) -> cst.Module:
    """Split ``a; b`` lines and move the cell's leading comments onto its first line."""
    body: list[StatementNode] = []
    for stmt in module.body:
        if isinstance(stmt, cst.SimpleStatementLine) and len(stmt.body) > 1:
            for i, small in enumerate(stmt.body):
                body.append(
                    cst.SimpleStatementLine(
                        body=[small.with_changes(semicolon=cst.MaybeSentinel.DEFAULT)],
                        leading_lines=stmt.leading_lines if i == 0 else (),
                        trailing_whitespace=stmt.trailing_whitespace,
                    )
                )
        else:
            body.append(stmt)
    header = list(module.header)
    while header and header[0].comment is None:
        header.pop(0)
    if body and header:
        body[0] = body[0].with_changes(leading_lines=[*header, *body[0].leading_lines])
    return module.with_changes(body=body, header=())


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


def _known_statement(
    stmt: StatementNode, number: int, line: int, facts: _Facts
) -> Statement:
    defines, uses, eager, mutates, kind, _, code = facts
    remember_code(stmt, code)
    name = stmt.name.value if isinstance(stmt, cst.FunctionDef | cst.ClassDef) else ""
    return Statement(
        cell=number,
        kind=kind,
        node=stmt,
        defines=defines,
        uses=uses,
        eager_uses=eager,
        name=name,
        line=line,
        mutates=mutates,
    )


def _make_statement(
    stmt: StatementNode,
    number: int,
    line: int,
    defines: set[str],
    uses: set[str],
    eager: set[str],
) -> Statement:
    kind = _classify(stmt, uses)
    name = ""
    if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
        name = stmt.name.value
    return Statement(
        cell=number,
        kind=kind,
        node=stmt,
        defines=frozenset(defines),
        uses=frozenset(uses),
        eager_uses=frozenset(eager),
        name=name,
        line=line,
    )


def _classify(stmt: StatementNode, uses: set[str]) -> Kind:  # noqa: PLR0911
    if isinstance(stmt, cst.FunctionDef):
        return Kind.DEF
    if isinstance(stmt, cst.ClassDef):
        return Kind.CLASS
    if isinstance(stmt, cst.Try) and _is_guarded_import(stmt):
        return Kind.IMPORT
    if not isinstance(stmt, cst.SimpleStatementLine):
        return Kind.LOOSE
    small = stmt.body[0]
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
    has_import = False
    for block in blocks:
        if not isinstance(block, cst.IndentedBlock):
            return False
        for line in block.body:
            if not isinstance(line, cst.SimpleStatementLine):
                return False
            for small in line.body:
                if isinstance(small, cst.Import | cst.ImportFrom):
                    has_import = True
                elif isinstance(small, cst.Assign | cst.AnnAssign):
                    if not _is_constant_like(small):
                        return False
                elif not isinstance(small, cst.Pass):
                    return False
    return has_import and node.finalbody is None


class _Impure(cst.CSTVisitor):
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
