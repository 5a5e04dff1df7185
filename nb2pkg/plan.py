"""Decide what goes where: module-level definitions, the pipeline, tests, metadata.

Every decision is made here, from the analysis alone; rendering only follows the plan.
"""

from __future__ import annotations

import builtins
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import libcst as cst

from nb2pkg.deps import PLOT_ROOTS, find_dependencies, imported_modules
from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.extract import display_to_print
from nb2pkg.model import (
    CellAnalysis,
    Kind,
    ModulePlan,
    Notebook,
    PipelinePlan,
    Plan,
    Statement,
)
from nb2pkg.options import Options, check_package_name, normalise_name
from nb2pkg.testgen import called_names, make_tests, sound_names

CORE_MODULE = "core"
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__"}
IPYTHON_NAMES = frozenset({"display", "get_ipython", "In", "Out", "_", "__", "___"})
_DEFINITIONS = (Kind.DEF, Kind.CLASS)


@dataclass(frozen=True, slots=True)
class Placement:
    """Which statements live at module level, and which run in the pipeline."""

    module: tuple[Statement, ...]  # definitions and constants, in dependency order
    imports: tuple[Statement, ...]
    future: tuple[Statement, ...]
    pipeline: tuple[Statement, ...]
    findings: tuple[Finding, ...]


def make_plan(
    notebook: Notebook, analyses: Sequence[CellAnalysis], *, options: Options
) -> Plan:
    """Return the plan for converting ``notebook``, given its cell analyses."""
    findings: list[Finding] = [*notebook.findings]
    for analysis in analyses:
        findings.extend(analysis.findings)
    statements = [s for a in analyses for s in a.statements]
    imports_all = [s for s in statements if s.kind is Kind.IMPORT]
    package = _package_name(notebook, imports_all, options)
    if not any(a.cell.source.strip() for a in analyses):
        findings.append(
            finding("NBP002", "the notebook has no code; the package is empty")
        )
    placement = place_statements(statements)
    findings.extend(placement.findings)
    modules: list[ModulePlan] = []
    core_names: frozenset[str] = frozenset()
    if placement.module:
        core = _module_plan(placement)
        modules.append(core)
        core_names = frozenset(n for s in core.body for n in s.defines)
    if modules:
        placement = _drop_shown_results(placement, analyses, modules[0])
    placement = _display_as_print(placement, statements)
    pipeline = _pipeline_plan(placement, core_names)
    used_imports = [*(i for m in modules for i in m.imports)]
    if pipeline is not None:
        used_imports.extend(pipeline.imports)
        used_imports.extend(pipeline.lazy_imports)
    findings.extend(_unused_imports(imports_all, used_imports))
    findings.extend(_star_and_global_notes(imports_all, pipeline))
    findings.extend(_undefined_names(placement))
    # What any module imports when it is imported is a core dependency; only what
    # run() itself imports may be the plot extra.
    dependencies = find_dependencies(
        [
            *(s for m in modules for s in (*m.imports, *m.body)),
            *(pipeline.imports if pipeline else ()),
        ],
        package=package,
        notebook_dir=notebook.path.parent,
        pipeline_code=[*pipeline.lazy_imports, *pipeline.steps] if pipeline else (),
        installs=[i for a in analyses for i in a.installs],
        pin=options.pin,
    )
    findings.extend(dependencies.findings)
    tests = (
        make_tests(analyses, modules[0], imports=placement.imports)
        if options.tests and modules
        else ()
    )
    title, summary = _title_and_summary(notebook)
    return Plan(
        package=package,
        distribution=package.replace("_", "-"),
        title=title,
        summary=summary,
        notebook=notebook.path.name,
        requires_python=_requires_python(notebook.language_version),
        modules=tuple(modules),
        pipeline=pipeline,
        tests=tests,
        dependencies=dependencies.core,
        extras=dependencies.extras,
        findings=tuple(sorted(findings, key=Finding.order)),
    )


def _package_name(
    notebook: Notebook, imports: Iterable[Statement], options: Options
) -> str:
    roots = frozenset(m.split(".")[0] for s in imports for m in imported_modules(s))
    name = options.name or normalise_name(notebook.path.stem)
    return check_package_name(name, imported=roots)


def place_statements(statements: Sequence[Statement]) -> Placement:
    """Return where each statement goes.

    Definitions and side-effect-free constants live at module level unless they
    read a name that only the notebook's loose code defines: those stay in the
    pipeline, where that name exists. At module level the last definition of a
    name wins, as in the kernel; in the pipeline every version stays, in order.
    """
    findings: list[Finding] = []
    kept = _drop_display(statements, findings)
    last = {s.name: s for s in kept if s.kind in _DEFINITIONS}
    bindings = Counter(n for s in kept for n in s.defines)
    imports = [s for s in kept if s.kind is Kind.IMPORT]
    candidates = [
        s
        for s in kept
        if (s.kind in _DEFINITIONS and last[s.name] is s)
        or (s.kind is Kind.ASSIGN and all(bindings[n] == 1 for n in s.defines))
    ]
    module = _needed_constants(_settle(candidates, kept, imports, findings))
    module_ids = {id(s) for s in module}
    pipeline: list[Statement] = []
    for s in kept:
        if id(s) in module_ids or s.kind in (Kind.IMPORT, Kind.FUTURE):
            continue
        if s.kind in _DEFINITIONS and id(last[s.name]) in module_ids:
            winner = last[s.name]
            note = (
                f"`{s.name}` is defined again in cell {winner.cell}; that one is kept"
            )
            findings.append(
                finding(
                    "NBP303", note, cell=s.cell, line=s.line, severity=Severity.INFO
                )
            )
            continue
        pipeline.append(s)
    return Placement(
        module=_dependency_order(module),
        imports=tuple(imports),
        future=tuple(s for s in kept if s.kind is Kind.FUTURE),
        pipeline=tuple(pipeline),
        findings=tuple(findings),
    )


def _drop_display(
    statements: Sequence[Statement], findings: list[Finding]
) -> list[Statement]:
    """Return the statements that do something, reporting those left out."""
    kept: list[Statement] = []
    for s in statements:
        if s.kind is Kind.DISPLAY:
            if s.code.strip() != "pass":
                note = f"display-only expression `{_first_line(s)}` left out"
                findings.append(
                    finding(
                        "NBP306", note, cell=s.cell, line=s.line, severity=Severity.INFO
                    )
                )
        elif s.kind is Kind.IPYTHON:
            note = f"`{_first_line(s)}` left out (IPython only)"
            findings.append(finding("NBP205", note, cell=s.cell, line=s.line))
        else:
            kept.append(s)
    return kept


# Builtins with no side effects, allowed in a shown result that is left out.
PURE_BUILTINS = frozenset(
    {
        "abs", "all", "any", "bool", "dict", "enumerate", "filter", "float", "int",
        "isinstance", "len", "list", "map", "max", "min", "range", "repr", "reversed",
        "round", "set", "sorted", "str", "sum", "tuple", "type", "zip",
    }
)  # fmt: skip


def _drop_shown_results(
    placement: Placement, analyses: Sequence[CellAnalysis], core: ModulePlan
) -> Placement:
    """Leave out of run() a cell's last expression whose only effect was its result.

    That is an expression statement ending a cell with a stored result, calling only
    package functions that depend on package code alone, and pure builtins. Its
    stored result is evidence for the tests, not a step of the pipeline.
    """
    imports = {n for s in placement.imports for n in s.defines}
    sound = sound_names(core.body, imports)
    shown = {
        id(a.statements[-1])
        for a in analyses
        if a.statements
        and any(o.output_type == "execute_result" for o in a.cell.outputs)
    }
    findings = list(placement.findings)
    steps: list[Statement] = []
    for s in placement.pipeline:
        node = s.node
        expr = node.body[0] if isinstance(node, cst.SimpleStatementLine) else None
        if (
            id(s) in shown
            and isinstance(expr, cst.Expr)
            and called_names(expr.value)
            and called_names(expr.value) <= sound | PURE_BUILTINS
            and s.uses <= sound | BUILTIN_NAMES
        ):
            note = f"`{_first_line(s)}` only shows a result; left out of run()"
            findings.append(
                finding(
                    "NBP306", note, cell=s.cell, line=s.line, severity=Severity.INFO
                )
            )
            continue
        steps.append(s)
    return replace(placement, pipeline=tuple(steps), findings=tuple(findings))


def _settle(
    candidates: list[Statement],
    kept: list[Statement],
    imports: list[Statement],
    findings: list[Finding],
) -> list[Statement]:
    """Return the candidates that can live at module level (a fixpoint)."""
    module = list(candidates)
    while True:
        ids = {id(s) for s in module}
        module_names = {n for s in [*module, *imports] for n in s.defines}
        loose_names = {n for s in kept if id(s) not in ids for n in s.defines}
        loose_only = loose_names - module_names
        moved = [s for s in module if s.uses & loose_only]
        if not moved:
            return module
        for s in moved:
            module.remove(s)
            if s.kind in _DEFINITIONS:
                names = ", ".join(f"`{n}`" for n in sorted(s.uses & loose_only))
                note = (
                    f"`{s.name}` reads {names}, made by loose code, so it stays in "
                    "run(); pass them as parameters to export it"
                )
                findings.append(finding("NBP304", note, cell=s.cell, line=s.line))


def _needed_constants(module: list[Statement]) -> list[Statement]:
    """Keep at module level the constants that definitions need, or named as constants.

    A lowercase value that only the loose code reads stays in run(), where the
    reader of the notebook expects it.
    """
    needed = {n for s in module if s.kind in _DEFINITIONS for n in s.uses}
    keep = {
        id(s)
        for s in module
        if s.kind in _DEFINITIONS or any(n.isupper() or n in needed for n in s.defines)
    }
    while True:
        more = {n for s in module if id(s) in keep for n in s.uses}
        grown = {id(s) for s in module if s.defines & more} | keep
        if grown == keep:
            return [s for s in module if id(s) in keep]
        keep = grown


def _dependency_order(module: list[Statement]) -> tuple[Statement, ...]:
    """Order module statements so that each comes after what it needs at import."""
    definer = {n: s for s in module for n in s.defines}
    placed: list[Statement] = []
    done: set[int] = set()
    visiting: set[int] = set()

    def place(s: Statement) -> None:
        if id(s) in done or id(s) in visiting:
            return
        visiting.add(id(s))
        for name in sorted(s.eager_uses):
            need = definer.get(name)
            if need is not None and need is not s:
                place(need)
        visiting.discard(id(s))
        done.add(id(s))
        placed.append(s)

    for s in module:
        place(s)
    return tuple(placed)


def _imports_for(
    names: set[str], imports: Iterable[Statement], unresolved: bool
) -> tuple[Statement, ...]:
    """Return the import statements binding any of ``names``, trimmed and deduplicated.

    ``from x import a, b`` keeps only the names used; a star import is kept when
    some name is not resolved otherwise (``unresolved``).
    """
    chosen: dict[str, Statement] = {}
    for s in imports:
        if not s.defines:
            if unresolved:
                chosen.setdefault(s.code.strip(), s)
            continue
        if not s.defines & names:
            continue
        trimmed = _trim_import(s, names)
        chosen.setdefault(trimmed.code.strip(), trimmed)
    return tuple(chosen.values())


def _trim_import(s: Statement, names: set[str]) -> Statement:
    node = s.node
    if not isinstance(node, cst.SimpleStatementLine):
        return s  # a guarded try/except import block: kept whole
    small = node.body[0]
    if not isinstance(small, cst.Import | cst.ImportFrom) or isinstance(
        small.names, cst.ImportStar
    ):
        return s
    aliases = [a for a in small.names if _bound_name(a) in names]
    if len(aliases) == len(small.names):
        return s
    aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    small = small.with_changes(names=aliases)
    return replace(
        s,
        node=node.with_changes(body=[small]),
        defines=frozenset(_bound_name(a) for a in aliases),
    )


def _bound_name(alias: cst.ImportAlias) -> str:
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    name: cst.BaseExpression = alias.name
    while isinstance(name, cst.Attribute):
        name = name.value  # ``import a.b`` binds ``a``
    return name.value if isinstance(name, cst.Name) else ""


def _module_plan(placement: Placement) -> ModulePlan:
    body = placement.module
    uses = {n for s in body for n in s.uses}
    defined = {n for s in [*body, *placement.imports] for n in s.defines}
    unresolved = bool(uses - defined - BUILTIN_NAMES)
    exports = tuple(
        s.name for s in body if s.kind in _DEFINITIONS and not s.name.startswith("_")
    )
    return ModulePlan(
        name=CORE_MODULE,
        docstring="Functions, classes and constants extracted from the notebook.",
        future=placement.future,
        imports=_imports_for(uses, placement.imports, unresolved),
        body=body,
        exports=exports,
    )


def _pipeline_plan(
    placement: Placement, core_names: frozenset[str]
) -> PipelinePlan | None:
    steps = placement.pipeline
    if not steps:
        return None
    uses = {n for s in steps for n in s.uses}
    local = {n for s in steps for n in s.defines}
    import_names = {n for s in placement.imports for n in s.defines}
    unresolved = bool(uses - local - core_names - import_names - BUILTIN_NAMES)
    from_core = tuple(sorted(uses & core_names))
    # A nested def's ``global x`` must reach the same x that run() assigns.
    declared_global = {
        n for s in steps if s.kind in _DEFINITIONS for n in s.defines - {s.name}
    }
    rebinds = (local & (core_names | import_names)) | declared_global
    imports = _imports_for(uses | rebinds, placement.imports, unresolved)
    # Plotting libraries are an extra: import them only when run() runs.
    lazy = tuple(s for s in imports if _is_plot_import(s) and not s.defines & rebinds)
    return PipelinePlan(
        future=placement.future,
        imports=tuple(s for s in imports if s not in lazy),
        from_package=((CORE_MODULE, from_core),) if from_core else (),
        lazy_imports=lazy,
        global_names=tuple(sorted(rebinds)),
        steps=steps,
    )


def _is_plot_import(s: Statement) -> bool:
    modules = imported_modules(s)
    return (
        bool(s.defines)  # ``import *`` is allowed at module level only
        and isinstance(s.node, cst.SimpleStatementLine)
        and bool(modules)
        and all(m.split(".")[0] in PLOT_ROOTS for m in modules)
    )


def _display_as_print(
    placement: Placement, statements: Sequence[Statement]
) -> Placement:
    """Make IPython's ``display(x)`` a ``print(x)`` in run(), unless defined."""
    if any("display" in s.defines for s in statements):
        return placement
    findings = list(placement.findings)
    steps: list[Statement] = []
    for s in placement.pipeline:
        if "display" in s.uses and s.kind is Kind.LOOSE:
            s = replace(
                s,
                node=display_to_print(s.node),
                uses=(s.uses - {"display"}) | {"print"},
                eager_uses=(s.eager_uses - {"display"}) | {"print"},
            )
            note = "IPython's display(...) becomes print(...)"
            findings.append(
                finding(
                    "NBP201", note, cell=s.cell, line=s.line, severity=Severity.INFO
                )
            )
        steps.append(s)
    return replace(placement, pipeline=tuple(steps), findings=tuple(findings))


def _unused_imports(
    imports: Iterable[Statement], used: Iterable[Statement]
) -> list[Finding]:
    """Report the imported names no generated module uses (they are left out)."""
    used_names = {n for s in used for n in s.defines}
    out: list[Finding] = []
    reported: set[str] = set()
    for s in imports:
        unused = sorted(s.defines - used_names - reported)
        if not unused:
            continue
        reported.update(unused)
        names = ", ".join(f"`{n}`" for n in unused)
        note = f"{names} imported but not used by the package; left out"
        out.append(
            finding("NBP308", note, cell=s.cell, line=s.line, severity=Severity.INFO)
        )
    return out


def _star_and_global_notes(
    imports: Iterable[Statement], pipeline: PipelinePlan | None
) -> list[Finding]:
    out: list[Finding] = []
    for s in imports:
        if not s.defines and isinstance(s.node, cst.SimpleStatementLine):
            note = (
                f"`{_first_line(s)}` hides which names it brings; it is kept in each "
                "module that may need it: import the names instead"
            )
            out.append(finding("NBP307", note, cell=s.cell, line=s.line))
    if pipeline is not None and pipeline.global_names:
        names = ", ".join(f"`{n}`" for n in pipeline.global_names)
        note = (
            f"the loose code rebinds {names}, defined at module level; run() declares "
            "them global so the notebook's order of events is kept"
        )
        out.append(finding("NBP309", note, severity=Severity.INFO))
    return out


def _undefined_names(placement: Placement) -> list[Finding]:
    kept = [*placement.module, *placement.pipeline]
    defined = {n for s in [*kept, *placement.imports] for n in s.defines}
    if any(not s.defines for s in placement.imports):
        return []  # a star import may define anything
    out: list[Finding] = []
    reported: set[str] = set()
    for s in kept:
        for name in sorted(s.uses - defined - BUILTIN_NAMES - reported):
            reported.add(name)
            if name in IPYTHON_NAMES:
                note = f"`{name}` exists only inside IPython; replace it (e.g. print)"
            else:
                note = f"`{name}` is used but no kept cell defines it"
            out.append(finding("NBP305", note, cell=s.cell, line=s.line))
    return out


def _first_line(s: Statement) -> str:
    lines = [
        ln for ln in s.code.strip().splitlines() if not ln.lstrip().startswith("#")
    ]
    text = lines[0].strip() if lines else ""
    return text if len(text) <= 60 else text[:57] + "..."


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")


def _title_and_summary(notebook: Notebook) -> tuple[str, str]:
    """Return the notebook's first heading and the first paragraph after it."""
    title, summary = "", ""
    for cell in notebook.cells:
        if cell.kind != "markdown":
            if title or summary:
                break
            continue
        for paragraph in re.split(r"\n\s*\n", cell.source):
            text = paragraph.strip()
            heading = _HEADING.match(text.splitlines()[0]) if text else None
            if heading and not title:
                title = _plain(heading.group(1))
            elif (
                text
                and not heading
                and not summary
                and not text.startswith(("<", "!", "|"))
            ):
                summary = _plain(" ".join(text.split()))
        if title and summary:
            break
    stem = notebook.path.stem
    return title or stem, summary[:300]


def _plain(text: str) -> str:
    """Return markdown inline text without links' targets and emphasis marks."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return re.sub(r"[*_`]{1,3}", "", text).strip()


def _requires_python(version: str | None) -> str:
    match = re.match(r"(\d+)\.(\d+)", version or "")
    return f">={match.group(1)}.{match.group(2)}" if match else ">=3.10"
