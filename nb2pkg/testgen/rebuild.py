"""Rebuild, inside a generated test, the notebook globals a recorded call read.

``add(x, 3)`` stored ``5``; ``x`` came from a loose cell, so the package has no
``x``. When the cell that last bound ``x`` is cheap and pure (``x = 2``,
``point = Point(1, 2)``, ``a = np.array([1, 2])``), the test repeats it. Anything
else (a file read, a random draw, a model trained, a value changed in place
afterwards) is not rebuilt, and the call is no evidence.
"""

from __future__ import annotations

import ast
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

import libcst as cst

from nb2pkg.analyse.cells import BIG_STATEMENT
from nb2pkg.analyse.names import bound_name, changes_in_place
from nb2pkg.model import CellAnalysis, Statement

# Builtins that build or convert values and read nothing else.
_PURE_BUILTINS = frozenset(
    [
        "abs",
        "bool",
        "bytes",
        "complex",
        "dict",
        "enumerate",
        "float",
        "frozenset",
        "int",
        "len",
        "list",
        "max",
        "min",
        "range",
        "reversed",
        "round",
        "set",
        "sorted",
        "str",
        "sum",
        "tuple",
        "zip",
    ]
)
# Constructors of the libraries notebooks use, that read nothing but arguments.
_PURE_CALLS = frozenset(
    [
        "collections.Counter",
        "collections.OrderedDict",
        "collections.defaultdict",
        "collections.deque",
        "datetime.date",
        "datetime.datetime",
        "datetime.time",
        "datetime.timedelta",
        "decimal.Decimal",
        "fractions.Fraction",
        "numpy.arange",
        "numpy.array",
        "numpy.asarray",
        "numpy.eye",
        "numpy.full",
        "numpy.linspace",
        "numpy.ones",
        "numpy.zeros",
        "pandas.DataFrame",
        "pandas.Index",
        "pandas.Series",
        "pandas.Timedelta",
        "pandas.Timestamp",
        "pandas.date_range",
        "pathlib.Path",
        "pathlib.PurePosixPath",
    ]
)
# Methods that change their object in place (lists, dicts, sets, arrays).
# A rebuilt value longer than this is data, not a test argument.
_MAX_CODE = 4_000
_MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """The assignments a test repeats, and the names they read."""

    lines: tuple[str, ...]
    uses: frozenset[str]  # package, import and builtin names


def loose_bindings(analyses: Sequence[CellAnalysis]) -> dict[str, list[Statement]]:
    """Return, per name, the statements that bind, change or read it, in order."""
    found: dict[str, list[Statement]] = {}
    for analysis in analyses:
        for s in analysis.statements:
            for name in s.defines | s.mutates | s.uses:
                found.setdefault(name, []).append(s)
    return found


def import_origins(imports: Sequence[Statement]) -> dict[str, str]:
    """Return what imported names are: ``np`` is numpy, ``date`` datetime.date."""
    code = cst.Module([]).code_for_node
    origins: dict[str, str] = {}
    for s in imports:
        node = s.node
        if not isinstance(node, cst.SimpleStatementLine):
            continue
        for small in node.body:
            if isinstance(small, cst.Import):
                for alias in small.names:
                    name = bound_name(alias)
                    full = code(alias.name)
                    origins[name] = full if alias.asname else full.split(".")[0]
            elif (
                isinstance(small, cst.ImportFrom)
                and not small.relative
                and small.module is not None
                and not isinstance(small.names, cst.ImportStar)
            ):
                module = code(small.module)
                for alias in small.names:
                    origins[bound_name(alias)] = f"{module}.{code(alias.name)}"
    return origins


def rebuild(
    names: Collection[str],
    *,
    cell: int,
    ran: int | None,
    bindings: Mapping[str, Sequence[Statement]],
    runs: Mapping[int, int | None],
    known: Collection[str],
    classes: Collection[str],
    origins: Mapping[str, str],
) -> Rebuilt | None:
    """Return the assignments that rebuild ``names`` as cell ``cell`` saw them.

    ``ran`` is that cell's execution count. ``known`` are the names a test has
    anyway (sound package code, imports, builtins); ``classes`` the package
    classes whose constructors may be called; ``origins`` what imported names are.
    Returns None when a name cannot be rebuilt honestly.
    """
    lines: list[str] = []
    uses: set[str] = set()
    done: set[str] = set()

    def visit(name: str, depth: int) -> bool:
        if name in done:
            return True
        if depth > _MAX_DEPTH:
            return False
        last = _last_binding(
            name, bindings.get(name, ()), cell=cell, ran=ran, runs=runs
        )
        if last is None:
            return False
        value = _assigned_value(last, name)
        if value is None:
            return False
        read = _pure_reads(value, known=known, classes=classes, origins=origins)
        if read is None:
            return False
        for n in sorted(read - set(known)):
            if not visit(n, depth + 1):
                return False
        uses.update(read & set(known))
        done.add(name)
        lines.append(last.code.strip())
        return True

    if all(visit(n, 0) for n in sorted(names)):
        return Rebuilt(tuple(lines), frozenset(uses))
    return None


def _last_binding(
    name: str,
    bindings: Sequence[Statement],
    *,
    cell: int,
    ran: int | None,
    runs: Mapping[int, int | None],
) -> Statement | None:
    """Return the statement that last bound ``name`` before cell ``cell``, if the
    value it bound is the one the cell saw."""
    earlier = [s for s in bindings if s.cell < cell]
    bound = [i for i, s in enumerate(earlier) if name in s.defines | s.mutates]
    if not bound:
        return None
    last = earlier[bound[-1]]
    later = earlier[bound[-1] + 1 :]
    # Only a statement that names it can change it (a text search first: the
    # walk costs more, and runs for every name of every test).
    if any(name in s.code and changes_in_place(s.node, name) for s in later):
        return None  # changed in place after it was bound
    last_ran = runs.get(last.cell)
    if ran is not None and last_ran is not None and last_ran > ran:
        return None  # run again after the cell: its value then is unknown
    return last


def _assigned_value(statement: Statement, name: str) -> str | None:
    """Return the source of the value if the statement is just ``name = value``."""
    if len(statement.code) > BIG_STATEMENT:
        return None  # data pasted into the cell: longer than _MAX_CODE, unwritten
    node = statement.node
    if not isinstance(node, cst.SimpleStatementLine) or len(node.body) != 1:
        return None
    small = node.body[0]
    if isinstance(small, cst.Assign):
        if len(small.targets) != 1:
            return None
        target, value = small.targets[0].target, small.value
    elif isinstance(small, cst.AnnAssign) and small.value is not None:
        target, value = small.target, small.value
    else:
        return None
    if not (isinstance(target, cst.Name) and target.value == name):
        return None
    code = cst.Module([]).code_for_node(value)
    return code if len(code) <= _MAX_CODE else None


def _pure_reads(
    code: str,
    *,
    known: Collection[str],
    classes: Collection[str],
    origins: Mapping[str, str],
) -> set[str] | None:
    """Return the names a cheap, pure expression reads; None if it is not one."""
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    read: set[str] = set()

    def pure(node: ast.expr) -> bool:
        parts = _literal_parts(node)
        if parts is not None:
            return all(pure(p) for p in parts)
        if isinstance(node, ast.Name):
            read.add(node.id)
            return True
        if isinstance(node, ast.Call):
            func = _callable(node.func, known=known, classes=classes, origins=origins)
            if func is None:
                return False
            read.add(func)
            return all(
                pure(a.value if isinstance(a, ast.Starred) else a) for a in node.args
            ) and all(pure(k.value) for k in node.keywords)
        return False

    return read if pure(tree.body) else None


def _literal_parts(node: ast.expr) -> list[ast.expr] | None:
    """Return the parts of a literal or an operation on some; None for other code."""
    if isinstance(node, ast.Constant):
        return []
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return list(node.elts)
    if isinstance(node, ast.Dict):
        return [*(k for k in node.keys if k is not None), *node.values]
    if isinstance(node, ast.UnaryOp):
        return [node.operand]
    if isinstance(node, ast.BinOp):
        return [node.left, node.right]
    return None


def _callable(
    func: ast.expr,
    *,
    known: Collection[str],
    classes: Collection[str],
    origins: Mapping[str, str],
) -> str | None:
    """Return the name a pure call reads (``np`` for ``np.array``), or None."""
    dotted: list[str] = []
    while isinstance(func, ast.Attribute):
        dotted.insert(0, func.attr)
        func = func.value
    if not isinstance(func, ast.Name):
        return None
    name = func.id
    if not dotted and name in classes and name in known:
        return name
    if not dotted and name in _PURE_BUILTINS and name not in origins:
        return name
    origin = origins.get(name)
    if origin is not None and ".".join([origin, *dotted]) in _PURE_CALLS:
        return name
    return None
