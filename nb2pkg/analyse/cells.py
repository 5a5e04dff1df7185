"""Analyse each code cell: parse it with libcst and find what it binds and reads.

What each statement binds and reads comes from ``nb2pkg.scopes``, per statement.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import libcst as cst

from nb2pkg.analyse.guards import is_main_guard, main_guards_opened
from nb2pkg.analyse.kinds import classify
from nb2pkg.analyse.magics import translate_ipython
from nb2pkg.analyse.scopes import scan
from nb2pkg.analyse.trees import dump_nodes, load_nodes
from nb2pkg.cache import Memo, key
from nb2pkg.errors import Finding, finding
from nb2pkg.model import (
    Cell,
    CellAnalysis,
    Install,
    Kind,
    Notebook,
    Statement,
    StatementNode,
    identifier,
)
from nb2pkg.parallel import default_jobs, pool_map, split

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
    lines: list[int]  # each top-level statement's first line
    findings: tuple[Finding, ...]
    installs: tuple[Install, ...]
    ends: list[int] = field(default_factory=list)  # and its last line
    source: str = ""  # what was parsed


def analyse_notebook(
    notebook: Notebook, *, jobs: int | None = 1
) -> tuple[CellAnalysis, ...]:
    """Return the analysis of every code cell, in document order.

    A large notebook's cells are analysed by up to ``jobs`` processes (None:
    every core), each taking a run of cells and sending back their facts.
    """
    return _analyse(notebook, jobs, None)


def analyse_notebook_cached(
    notebook: Notebook, *, jobs: int | None = 1, known: Mapping[str, object]
) -> tuple[tuple[CellAnalysis, ...], dict[str, object]]:
    """Return the analyses (as ``analyse_notebook``) and the facts of every cell.

    ``known`` are facts found before, by cell key (``cell_facts``): those cells
    are neither parsed nor analysed again. ``known`` is left as it is; the facts
    of every cell, known or new, come back by key for the next run.
    """
    memo = Memo(known)
    return _analyse(notebook, jobs, memo), memo.entries


def _analyse(
    notebook: Notebook, jobs: int | None, memo: Memo | None
) -> tuple[CellAnalysis, ...]:
    cells = notebook.code_cells
    jobs = jobs or default_jobs()
    todo = [c for c in cells if memo is None or memo.get(cell_key(c)) is None]
    if jobs > 1 and len(todo) >= _PARALLEL_CELLS:
        memo = memo if memo is not None else Memo()  # to rebuild from
        for found in pool_map(new_facts, split(todo, jobs), jobs=jobs, worth=True):
            for name, facts in found.items():
                memo.put(name, facts)
    return analyse_cells(cells, memo=memo)


def new_facts(
    cells: Sequence[Cell], known: Container[str] = frozenset()
) -> dict[str, object]:
    """Return the facts of each cell whose key is not in ``known``, by key.

    This is what a worker process sends back: the facts (code and trees
    included) rebuild the analyses at the cost of loading them, where the
    analyses themselves would cost as much to send and then be written out
    again for the cache.
    """
    found = Memo()
    analyse_cells([c for c in cells if cell_key(c) not in known], memo=found)
    return found.entries


# Facts found before, by the cell's source key: whether the cell is plain Python
# (no IPython syntax to translate), its statements' trees (``trees.dump_nodes``)
# and per statement [binds, reads, reads when run, changes in place, kind, line,
# code], the first four lists of names.


def cell_facts(analysis: CellAnalysis) -> dict[str, object]:
    """Return what was found about a parsed cell and its statements, for ``known``."""
    return {
        # Translating IPython syntax always says what it did: no finding, no
        # install, nothing translated; next time it need not be done again.
        "plain": not analysis.findings and not analysis.installs,
        "tree": dump_nodes(s.node for s in analysis.statements),
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
    cells: Iterable[Cell], *, memo: Memo | None = None
) -> tuple[CellAnalysis, ...]:
    """Return the analysis of each cell, in order.

    Each cell is parsed on its own. Which names a statement binds and reads does
    not depend on the statements around it (a read is global unless a function
    or class binds the name), so each statement is analysed alone. A cell whose
    facts are in ``memo`` is rebuilt from them; the facts of the others are put
    into ``memo``.
    """
    analyses = []
    for cell in cells:
        name = cell_key(cell)
        analysis = _reuse(cell, memo.get(name)) if memo is not None else None
        if analysis is None:
            analysis = _analysis(_parse(cell))
            if memo is not None and analysis.parsed:
                memo.put(name, cell_facts(analysis))
        analyses.append(analysis)
    return tuple(analyses)


# What the analysis found about one statement: the names it binds, reads, reads
# when run and changes in place, its kind, its line in the cell and its code.
_Facts = tuple[
    frozenset[str], frozenset[str], frozenset[str], frozenset[str], Kind, int, str
]


def _reuse(cell: Cell, entry: object) -> CellAnalysis | None:
    """Return the analysis ``entry`` (from ``cell_facts``) keeps, or None if it
    is not a well-formed entry for as many statements as its tree holds."""
    if not isinstance(entry, dict):
        return None
    facts = _statement_facts(entry.get("statements"))
    nodes = load_nodes(entry.get("tree")) if facts is not None else None
    if facts is None or nodes is None or len(nodes) != len(facts):
        return None
    findings: tuple[Finding, ...] = ()
    installs: tuple[Install, ...] = ()
    if entry.get("plain") is not True:
        translated = translate_ipython(cell.source, cell=cell.number)
        findings, installs = translated.findings, translated.installs
    statements = tuple(
        _known_statement(node, cell.number, f)
        for node, f in zip(nodes, facts, strict=True)
    )
    return CellAnalysis(cell, statements, True, findings, installs)


def _statement_facts(statements: object) -> list[_Facts] | None:
    """Return the statements' facts of a cache entry, or None if malformed."""
    if not isinstance(statements, list):
        return None
    try:
        facts = [
            (frozenset(d), frozenset(u), frozenset(e), frozenset(m), Kind(k), int(n), c)
            for d, u, e, m, k, n, c in statements
        ]
    except (TypeError, ValueError):
        return None
    if not all(isinstance(f[6], str) for f in facts):
        return None
    return facts


# Changed whenever what the analysis finds in a cell changes: the cache of an
# earlier nb2pkg of the same version then holds nothing for it.
_FACTS_FORMAT = "2"  # 2: if __name__ == "__main__" blocks opened


def cell_key(cell: Cell) -> str:
    """Return the cache key of what the analysis finds in a cell: its source."""
    return key(f"facts {_FACTS_FORMAT}\n{cell.source}")


def _parse(cell: Cell) -> _Parsed:
    """Translate a cell's IPython syntax, then parse it."""
    translated = translate_ipython(cell.source, cell=cell.number)
    findings = list(translated.findings)
    source = translated.source
    nodes = _check_syntax(source, cell, findings)
    lines = [n.lineno for n in nodes] if nodes is not None else None
    installs = translated.installs
    module = None
    if lines is not None:
        try:
            module = _one_statement_per_line(cst.parse_module(source))
            module = main_guards_opened(module, cell, findings)
        except (cst.ParserSyntaxError, RecursionError) as exc:
            message = str(exc).splitlines()[0]
            findings.append(_syntax_finding(source, cell, message, None))
    ends = [n.end_lineno or n.lineno for n in nodes or []]
    return _Parsed(
        cell, module, lines or [], tuple(findings), tuple(installs), ends, source
    )


def _analysis(parsed: _Parsed) -> CellAnalysis:
    cell, module = parsed.cell, parsed.module
    if module is None:
        return CellAnalysis(cell, (), False, parsed.findings, parsed.installs)
    statements = []
    for i, stmt in enumerate(module.body):
        line = parsed.lines[i] if i < len(parsed.lines) else 1
        code = _source_of(stmt, i, parsed) or cst.Module(body=[stmt]).code
        (defines, uses, eager), _, mutated = scan(code)
        statement = _make_statement(stmt, cell.number, line, defines, uses, eager)
        written = (stmt, code)
        statements.append(
            replace(statement, mutates=frozenset(mutated), written=written)
        )
    return CellAnalysis(cell, tuple(statements), True, parsed.findings, parsed.installs)


# A statement longer than this (data pasted into a cell) is read from the cell's
# source rather than written again by LibCST: the same text, without a minute's work.
BIG_STATEMENT = 50_000


def _source_of(stmt: StatementNode, index: int, parsed: _Parsed) -> str:
    """Return a big one-line-statement's code as the cell has it (its comments
    above it included, as LibCST writes it); "" when LibCST must write it."""
    if len(parsed.source) < BIG_STATEMENT or index >= len(parsed.ends):
        return ""
    if not isinstance(stmt, cst.SimpleStatementLine) or len(stmt.body) != 1:
        return ""
    lines = parsed.source.splitlines(keepends=True)
    first, last = parsed.lines[index], parsed.ends[index]
    shared = (index and parsed.ends[index - 1] == first) or (
        index + 1 < len(parsed.lines) and parsed.lines[index + 1] == last
    )
    if shared or lines[first - 1][:1] in (" ", "\t"):
        return ""  # ``a; b`` split, or a __main__ block's body: LibCST's own text
    start = first - 1 - len(stmt.leading_lines)
    above = lines[max(start, 0) : first - 1]
    if start < 0 or any(t.strip() and not t.lstrip().startswith("#") for t in above):
        return ""  # what LibCST put above it is not what the cell has: let it write
    code = "".join(lines[start:last])
    if len(code) < BIG_STATEMENT:
        return ""
    return code if code.endswith("\n") else code + "\n"


def _check_syntax(
    source: str, cell: Cell, findings: list[Finding]
) -> list[ast.stmt] | None:
    """Compile ``source``; return its top-level statements, or None."""
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
    nodes: list[ast.stmt] = []
    for node in tree.body:
        opened = isinstance(node, ast.If) and is_main_guard(node)
        nodes.extend(node.body if opened else [node])
    return nodes


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


def _known_statement(stmt: StatementNode, number: int, facts: _Facts) -> Statement:
    defines, uses, eager, mutates, kind, line, code = facts
    name = (
        identifier(stmt.name.value)
        if isinstance(stmt, cst.FunctionDef | cst.ClassDef)
        else ""
    )
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
        written=(stmt, code),
    )


def _make_statement(
    stmt: StatementNode,
    number: int,
    line: int,
    defines: set[str],
    uses: set[str],
    eager: set[str],
) -> Statement:
    kind = classify(stmt, uses)
    name = ""
    if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
        name = identifier(stmt.name.value)
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
