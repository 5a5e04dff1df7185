"""Turn the notebook's stored outputs into pytest test cases."""

from __future__ import annotations

import ast
import builtins
import re
from collections import Counter
from collections.abc import Sequence

import libcst as cst

from nb2pkg.model import CellAnalysis, Kind, ModulePlan, Statement, TestCase

_BUILTINS = frozenset(dir(builtins))
# Code whose result can change from run to run: its stored output is no evidence.
_UNSTABLE = re.compile(
    r"\b(random|rand|randn|randint|shuffle|uuid\d?|time|now|today|perf_counter|"
    r"open|input|urlopen|requests|getenv|environ|listdir|glob|read_csv|load)\b"
)
_MAX_OUTPUT = 10_000


def make_tests(
    analyses: Sequence[CellAnalysis],
    core: ModulePlan,
    *,
    imports: Sequence[Statement],
) -> tuple[TestCase, ...]:
    """Return a test for each cell whose stored result is a literal of a package call.

    A cell qualifies when it is a single expression (imports aside) calling the
    package's functions with literals or package names, it ran after the functions
    it calls were (last) defined, and its ``text/plain`` result is a Python literal.
    """
    by_name = {n: s for s in core.body for n in s.defines}
    import_names = {n for s in imports for n in s.defines}
    sound = sound_names(core.body, import_names)
    runs = {a.cell.number: a.cell.execution_count for a in analyses}
    counts: Counter[str] = Counter()
    tests: list[TestCase] = []
    for analysis in analyses:
        case = _test_for_cell(analysis, by_name, sound, import_names, imports, runs)
        if case is None:
            continue
        func, expression, expected, approx, setup = case
        own = tuple(sorted(n for n in analysis.statements[-1].uses if n in by_name))
        counts[func] += 1
        tests.append(
            TestCase(
                module=core.name,
                name=f"test_{func.lower()}_{counts[func]}",
                cell=analysis.cell.number,
                setup=setup,
                names=own,
                expression=expression,
                expected=expected,
                approx=approx,
            )
        )
    return tuple(tests)


def sound_names(body: Sequence[Statement], import_names: set[str]) -> set[str]:
    """Return the package names whose code needs only package code and is stable."""
    known = {n for s in body for n in s.defines} | import_names | _BUILTINS
    sound = {
        id(s): s for s in body if not (s.uses - known) and not _UNSTABLE.search(s.code)
    }
    while True:
        names = {n for s in sound.values() for n in s.defines}
        own = {n for s in body for n in s.defines}
        broken = [k for k, s in sound.items() if (s.uses & own) - names]
        if not broken:
            return names
        for k in broken:
            del sound[k]


def _test_for_cell(
    analysis: CellAnalysis,
    by_name: dict[str, Statement],
    sound: set[str],
    import_names: set[str],
    imports: Sequence[Statement],
    runs: dict[int, int | None],
) -> tuple[str, str, str, bool, tuple[str, ...]] | None:
    statements = analysis.statements
    if not statements or any(s.kind is not Kind.IMPORT for s in statements[:-1]):
        return None
    last = statements[-1]
    node = last.node
    if last.kind is not Kind.LOOSE or not isinstance(node, cst.SimpleStatementLine):
        return None
    expr = node.body[0]
    if not isinstance(expr, cst.Expr):
        return None
    order = _called_order(expr.value)
    called = set(order) & set(by_name)
    if not called or not last.uses <= (sound | import_names | _BUILTINS):
        return None
    if not _fresh(analysis, [by_name[n] for n in last.uses if n in by_name], runs):
        return None
    result = next(
        (o for o in analysis.cell.outputs if o.output_type == "execute_result"), None
    )
    if result is None or not result.text.strip() or len(result.text) > _MAX_OUTPUT:
        return None
    expected = result.text.strip()
    approx = _approx_kind(expected)
    if approx is None:
        return None
    setup = _setup(last.uses, imports)
    func = next(n for n in order if n in called)
    expression = cst.Module([]).code_for_node(expr.value).strip()
    return func, expression, expected, approx, setup


def _fresh(
    analysis: CellAnalysis, definitions: list[Statement], runs: dict[int, int | None]
) -> bool:
    """Return True if the cell comes, and ran, after each definition it uses.

    A definition run again after the cell (a higher execution count) may differ
    from the one that produced the stored output.
    """
    cell = analysis.cell
    for d in definitions:
        if d.cell >= cell.number:
            return False
        ran = runs.get(d.cell)
        if (
            ran is not None
            and cell.execution_count is not None
            and ran > cell.execution_count
        ):
            return False
    return True


def _approx_kind(text: str) -> bool | None:
    """Return whether the literal needs pytest.approx; None if it is not usable."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not _has_float(value):
        return False
    if isinstance(value, float | complex):
        return True
    if isinstance(value, list | tuple) and all(_is_number(v) for v in value):
        return True
    if isinstance(value, dict) and all(_is_number(v) for v in value.values()):
        return True
    return None  # floats nested in containers: pytest.approx cannot compare them


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | complex)


def _has_float(value: object) -> bool:
    if isinstance(value, float | complex):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_float(v) for v in [*value.keys(), *value.values()])
    return False


def _setup(uses: frozenset[str], imports: Sequence[Statement]) -> tuple[str, ...]:
    lines: list[str] = []
    for s in imports:
        code = s.code.strip()
        if s.defines & uses and code not in lines:
            lines.append(code)
    return tuple(lines)


class _Calls(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: list[str] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.names.append(node.func.value)


def _called_order(expr: cst.BaseExpression) -> list[str]:
    visitor = _Calls()
    expr.visit(visitor)
    return visitor.names


def called_names(expr: cst.BaseExpression) -> set[str]:
    """Return the plain names called in ``expr`` (``f`` in ``f(x)``, not ``o.f``)."""
    return set(_called_order(expr))
