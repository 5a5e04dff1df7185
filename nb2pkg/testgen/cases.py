"""Turn the notebook's stored outputs, and its test cells, into pytest test cases.

A stored output is evidence only when the cell is a call of package code that is
stable (no randomness, time, files or network), made after the definitions it calls
last ran. Each kind of output makes its own kind of test (``TestKind``); a public
function with no evidence gets a stub that says so and skips.
"""

from __future__ import annotations

import builtins
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

import libcst as cst

from nb2pkg.analyse.names import called_in_order, imported_modules
from nb2pkg.model import (
    CellAnalysis,
    Kind,
    ModulePlan,
    Statement,
    TestCase,
    TestKind,
)
from nb2pkg.outputs import printed_text
from nb2pkg.testgen.evidence import fresh, shown_through_a_name
from nb2pkg.testgen.expected import (
    MAX_OUTPUT,
    UNSTABLE_TEXT,
    raises_case,
    result_case,
)
from nb2pkg.testgen.rebuild import import_origins, loose_bindings, rebuild
from nb2pkg.testgen.stubs import stub

_BUILTINS = frozenset(dir(builtins))
# Code whose result can change from run to run: its stored output is no evidence.
_UNSTABLE = re.compile(
    r"\b(random|rand|randn|randint|shuffle|uuid\d?|time|now|today|perf_counter|"
    r"open|input|urlopen|requests|getenv|environ|listdir|glob|read_csv|load)\b"
)


@dataclass(frozen=True, slots=True)
class _Package:
    """What the tests may use: the package's code and the notebook's imports."""

    owner: dict[str, str]  # name -> module
    by_name: dict[str, Statement]
    local: frozenset[str]  # the names this notebook defines (not other notebooks)
    sound: set[str]
    import_names: set[str]
    imports: Sequence[Statement]
    classes: frozenset[str]
    numpy: bool
    pandas: bool
    default_module: str
    bindings: dict[str, list[Statement]]  # the notebook's own, for rebuilding
    origins: dict[str, str]  # imported name -> what it is
    runs: dict[int, int | None]  # cell number -> execution count
    # What a test has without rebuilding: sound names, imports, builtins.
    known: frozenset[str]


def make_tests(
    analyses: Sequence[CellAnalysis],
    modules: Sequence[ModulePlan],
    *,
    imports: Sequence[Statement],
    provided: Sequence[ModulePlan] = (),
) -> tuple[TestCase, ...]:
    """Return the tests the notebook's cells give evidence for, then the stubs.

    A cell marked ``test``, or made only of asserts on package code, becomes a test
    as it is. A cell that calls package code (imports aside) and stored a result,
    printed text or raised an error becomes a test of that. Each public function
    without any test gets a stub that skips, saying what is missing. ``provided``
    are other notebooks' modules, whose code this notebook's cells may call.
    """
    package = _package(analyses, modules, imports, provided)
    counts: Counter[str] = Counter()
    tests: list[TestCase] = []

    def add(func: str, case: TestCase) -> None:
        counts[func] += 1
        module = package.owner.get(func, package.default_module)
        name = f"test_{func.lower()}_{counts[func]}"
        tests.append(replace(case, module=module, name=name))

    for analysis in analyses:
        if analysis.cell.marks.test or _assert_cell(analysis, package):
            func, case = _code_test(analysis, package)
            add(func, case)
            continue
        for func, case in _output_tests(analysis, package):
            add(func, case)
    for module in modules:
        for name in module.exports:
            s = package.by_name[name]
            if s.kind is Kind.DEF and not counts[name]:
                tests.append(stub(module.name, s, analyses))
    return tuple(tests)


def _package(
    analyses: Sequence[CellAnalysis],
    modules: Sequence[ModulePlan],
    imports: Sequence[Statement],
    provided: Sequence[ModulePlan],
) -> _Package:
    """Return what the tests may use, from the plan's modules and the imports."""
    body = [s for m in (*provided, *modules) for s in m.body]
    libraries = {m.split(".")[0] for s in imports for m in imported_modules(s)}
    import_names = {n for s in imports for n in s.defines}
    # Another notebook's module imports what its own code needs.
    sound = sound_names(
        body, import_names | {n for m in provided for i in m.imports for n in i.defines}
    )
    return _Package(
        owner={
            n: m.name for m in (*provided, *modules) for s in m.body for n in s.defines
        },
        by_name={n: s for s in body for n in s.defines},
        local=frozenset(n for m in modules for s in m.body for n in s.defines),
        sound=sound,
        import_names=import_names,
        imports=imports,
        classes=frozenset(s.name for s in body if s.kind is Kind.CLASS),
        numpy="numpy" in libraries,
        pandas="pandas" in libraries,
        default_module=modules[0].name if modules else "",
        bindings=loose_bindings(analyses),
        origins=import_origins(imports),
        runs={a.cell.number: a.cell.execution_count for a in analyses},
        known=frozenset(sound | import_names | _BUILTINS),
    )


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


def _call_cell(
    analysis: CellAnalysis, package: _Package
) -> tuple[str, str, bool, TestCase] | None:
    """Return (function, expression, shown, base case) for a sound package call.

    That is: imports, then one expression (``shown``: its value is the cell's
    result) or an assignment of one, calling package code that needs nothing but
    package code, imports and builtins.
    """
    statements, through = shown_through_a_name(analysis.statements)
    if not statements or any(s.kind is not Kind.IMPORT for s in statements[:-1]):
        return None
    last = statements[-1]
    node = last.node
    if not isinstance(node, cst.SimpleStatementLine):
        return None
    small = node.body[0]
    if not isinstance(small, cst.Expr | cst.Assign):
        return None
    value = small.value
    if isinstance(value, cst.Tuple) and not value.lpar:
        # ``f(0), f(1)`` is one tuple: bare, ``assert f(0), f(1) == ...`` would
        # check only f(0), with the rest as the assertion's message.
        value = value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    given = _given(last.uses, analysis, package)
    if given is None:
        return None
    lines, uses = given
    # The package code called: in the expression, else the classes rebuilt
    # (``p.norm()`` after ``p = Point(3, 4)`` tests Point).
    called = [n for n in called_in_order(value) if n in package.by_name] or sorted(
        uses & package.classes - last.uses
    )
    own = [package.by_name[n] for n in uses & package.local]
    if not called or not fresh(analysis, own, package.runs):
        return None
    expression = cst.Module([]).code_for_node(value).strip()
    if _UNSTABLE.search(expression):
        return None
    case = TestCase(
        module="",
        name="",
        cell=analysis.cell.number,
        kind=TestKind.STUB,
        setup=_setup(uses, package.imports),
        names=_package_names(uses, package),
        given=lines,
    )
    return called[0], expression, isinstance(small, cst.Expr) or through, case


def _given(
    uses: frozenset[str], analysis: CellAnalysis, package: _Package
) -> tuple[tuple[str, ...], frozenset[str]] | None:
    """Return the lines rebuilding the notebook globals in ``uses``, and all it uses.

    None if a global cannot be rebuilt honestly (see ``nb2pkg.rebuild``).
    """
    known = package.known
    missing = uses - known
    if not missing:
        return (), uses
    rebuilt = rebuild(
        missing,
        cell=analysis.cell.number,
        ran=analysis.cell.execution_count,
        bindings=package.bindings,
        runs=package.runs,
        known=known,
        classes=package.classes,
        origins=package.origins,
    )
    if rebuilt is None:
        return None
    return rebuilt.lines, (uses - missing) | rebuilt.uses


def _output_tests(
    analysis: CellAnalysis, package: _Package
) -> list[tuple[str, TestCase]]:
    found = _call_cell(analysis, package)
    if found is None:
        return []
    func, expression, shown, base = found
    outputs = analysis.cell.outputs
    out: list[tuple[str, TestCase]] = []
    error = next((o for o in outputs if o.output_type == "error"), None)
    if error is not None:
        case = raises_case(
            error, expression, base, classes=package.classes, owner=package.owner
        )
        return [(func, case)] if case else []
    result = next((o for o in outputs if o.output_type == "execute_result"), None)
    if result is not None and shown:
        case = result_case(
            result,
            expression,
            base,
            classes=package.classes,
            numpy=package.numpy,
            pandas=package.pandas,
        )
        if case is not None:
            out.append((func, case))
    printed = printed_text(outputs)
    if printed and len(printed) <= MAX_OUTPUT and not UNSTABLE_TEXT.search(printed):
        out.append(
            (
                func,
                replace(
                    base, kind=TestKind.STDOUT, expression=expression, expected=printed
                ),
            )
        )
    return out


def _assert_cell(analysis: CellAnalysis, package: _Package) -> bool:
    """Return True if the cell is only asserts (and imports) on sound package code."""
    code = [s for s in analysis.statements if s.kind is not Kind.IMPORT]
    if not code:
        return False
    asserts = all(
        isinstance(s.node, cst.SimpleStatementLine)
        and isinstance(s.node.body[0], cst.Assert)
        for s in code
    )
    uses = {n for s in code for n in s.uses}
    given = _given(frozenset(uses), analysis, package) if asserts else None
    if given is None:
        return False
    own = [package.by_name[n] for n in given[1] & package.local]
    return any(n in package.by_name for n in given[1]) and fresh(
        analysis, own, package.runs
    )


def _code_test(analysis: CellAnalysis, package: _Package) -> tuple[str, TestCase]:
    """Return a test of the cell's own code; a stub if it needs notebook state."""
    statements = analysis.statements
    code = [s for s in statements if s.kind is not Kind.IMPORT]
    local = {n for s in statements for n in s.defines}
    uses = {n for s in code for n in s.uses}
    lines: tuple[str, ...] = ()
    given = _given(frozenset(uses - local), analysis, package)
    if given is not None:
        lines, uses = given[0], set(given[1])
    missing = sorted(
        uses - local - set(package.by_name) - package.import_names - _BUILTINS
    )
    own_imports = [s.code.strip() for s in statements if s.kind is Kind.IMPORT]
    calls = [n for s in code for n in called_in_order(s.node) if n in package.by_name]
    func = calls[0] if calls else f"cell_{analysis.cell.number}"
    body = "\n".join([*lines, "".join(s.code for s in code).strip("\n")]).strip("\n")
    base = TestCase(
        module="",
        name="",
        cell=analysis.cell.number,
        kind=TestKind.CODE,
        setup=(*_setup(frozenset(uses), package.imports), *own_imports),
        names=_package_names(frozenset(uses), package),
        body=body or "pass",
    )
    if missing or not analysis.parsed:
        why = (
            f"needs {', '.join(missing)} from the notebook's loose code"
            if missing
            else "the cell could not be parsed"
        )
        commented = "\n".join(f"# {line}" for line in body.split("\n"))
        return func, replace(
            base,
            kind=TestKind.STUB,
            reason=f"test cell {analysis.cell.number} {why}",
            body=f"# Build what it needs, then:\n{commented}",
            setup=(),
            names=(),
        )
    return func, base


def _package_names(
    uses: frozenset[str], package: _Package
) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((package.owner[n], n) for n in uses if n in package.owner))


def _setup(uses: frozenset[str], imports: Sequence[Statement]) -> tuple[str, ...]:
    lines: list[str] = []
    for s in imports:
        if not s.defines & uses:
            continue  # rendering the code is slow: only for the imports used
        code = s.code.strip()
        if code not in lines:
            lines.append(code)
    return tuple(lines)
