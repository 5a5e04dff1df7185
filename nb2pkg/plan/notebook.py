"""Make the plan: the package's modules, pipeline, tests, dependencies and metadata.

Every decision is made here (and in ``place.py``), from the analysis alone;
rendering only follows the plan.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace

import libcst as cst

from nb2pkg.analyse.names import (
    BUILTIN_NAMES,
    DEFINITIONS,
    IPYTHON_NAMES,
    bound_name,
    has_star_import,
    imported_modules,
    is_relative_import,
    undefined_names,
)
from nb2pkg.checks.importtime import import_time_calls
from nb2pkg.errors import Finding, InputError, Severity, finding
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
from nb2pkg.plan.deps import PLOT_ROOTS, find_dependencies
from nb2pkg.plan.layout import CORE_MODULE, Layout, lay_out
from nb2pkg.plan.place import (
    Placement,
    dependency_order,
    display_as_print,
    drop_shown_results,
    first_line,
    place_statements,
)
from nb2pkg.plan.steps import make_steps
from nb2pkg.testgen.cases import make_tests, withhold_credentials


def make_plan(
    notebook: Notebook,
    analyses: Sequence[CellAnalysis],
    *,
    options: Options,
    module: str = CORE_MODULE,
    pipeline_module: str = "pipeline",
    provided: Sequence[ModulePlan] = (),
) -> Plan:
    """Return the plan for converting ``notebook``, given its cell analyses.

    Args:
        module: where unmarked definitions go.
        pipeline_module: where the loose code's ``run()`` goes.
        provided: modules of other notebooks this one imports (``%run``), whose
            names its tests may call.
    """
    findings: list[Finding] = [*notebook.findings]
    layout = lay_out(notebook, analyses, mode=options.mode, module=module)
    findings.extend(layout.findings)
    for analysis in (*layout.converted, *layout.tests):
        findings.extend(analysis.findings)
    statements = [s for a in layout.converted for s in a.statements]
    statements = [*_missing_imports(statements, findings), *statements]
    imports_all = [s for s in statements if s.kind is Kind.IMPORT]
    package = _package_name(notebook, imports_all, options)
    if not any(a.cell.source.strip() for a in analyses):
        findings.append(
            finding("NBP002", "the notebook has no code; the package is empty")
        )
    placement = place_statements(statements, exported=layout.exported, run=layout.run)
    placement = replace(placement, imports=placement.imports + layout.extra_imports)
    findings.extend(placement.findings)
    modules = _module_plans(placement, layout, module, findings)
    owner = {n: m.name for m in modules for s in m.body for n in s.defines}
    package_code = [s for m in (*provided, *modules) for s in m.body]
    if package_code:
        placement = drop_shown_results(placement, layout.converted, package_code)
    placement = display_as_print(placement, statements)
    parameters = frozenset(n for s in layout.parameters for n in s.defines)
    headings = _headings(notebook)
    pipeline = _pipeline_plan(
        placement,
        owner,
        {**headings, **_step_starts(headings, layout)},
        parameters,
    )
    if pipeline is not None:
        pipeline = replace(
            pipeline, module=pipeline_module, notebook=notebook.path.name
        )
    used_imports = [*(i for m in modules for i in m.imports)]
    if pipeline is not None:
        used_imports.extend(pipeline.imports)
        used_imports.extend(pipeline.lazy_imports)
    findings.extend(_unused_imports(imports_all, used_imports))
    findings.extend(_star_and_global_notes(imports_all, pipeline))
    findings.extend(_undefined_names(placement, pipeline))
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
    evidence = [a for a in analyses if not a.cell.marks.skip]
    # Imports of other notebooks' modules are relative: tests import them by name.
    test_imports = [s for s in placement.imports if not is_relative_import(s)]
    tests = (
        make_tests(evidence, modules, imports=test_imports, provided=provided)
        if options.tests and (modules or provided)
        else ()
    )
    tests, withheld = withhold_credentials(tests)
    findings.extend(withheld)
    title, summary = _title_and_summary(notebook)
    return Plan(
        package=package,
        distribution=package.replace("_", "-"),
        title=title,
        summary=summary,
        notebooks=(notebook.path.name,),
        requires_python=_requires_python(notebook.language_version),
        modules=modules,
        pipelines=(pipeline,) if pipeline is not None else (),
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
    if not name:
        raise InputError(
            f"cannot make a package name from the file name {notebook.path.name!r} "
            "(a package name is ASCII letters, digits and _); give one with --name"
        )
    return check_package_name(name, imported=roots)


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
    aliases = [a for a in small.names if bound_name(a) in names]
    if len(aliases) == len(small.names) or not aliases:
        return s
    aliases[-1] = aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    small = small.with_changes(names=aliases)
    return replace(
        s,
        node=node.with_changes(body=[small]),
        defines=frozenset(bound_name(a) for a in aliases),
    )


def _module_plans(
    placement: Placement, layout: Layout, default: str, findings: list[Finding]
) -> tuple[ModulePlan, ...]:
    """Return a plan per module, in the order the notebook first fills them."""
    by_module: dict[str, list[Statement]] = {}
    first: dict[str, int] = {}
    for s in placement.module:
        name = layout.module_of.get(s.cell, default)
        by_module.setdefault(name, []).append(s)
        first[name] = min(first.get(name, s.cell), s.cell)
    owner = {n: m for m, body in by_module.items() for s in body for n in s.defines}
    import_names = {n for s in placement.imports for n in s.defines}
    plans: list[ModulePlan] = []
    for name in sorted(by_module, key=lambda m: first[m]):
        body = by_module[name]
        uses = {n for s in body for n in s.uses}
        defined = {n for s in body for n in s.defines}
        others: dict[str, list[str]] = {}
        for n in sorted(uses - defined - import_names):
            if n in owner:
                others.setdefault(owner[n], []).append(n)
        known = defined | import_names | set(owner)
        unresolved = bool(uses - known - BUILTIN_NAMES)
        exports = tuple(
            dict.fromkeys(
                s.name
                for s in body
                if s.kind in DEFINITIONS
                and not s.name.startswith("_")
                and s.name not in layout.internal
            )
        )
        plans.append(
            ModulePlan(
                name=name,
                docstring="Functions, classes and constants extracted from the "
                "notebook.",
                future=placement.future,
                imports=_imports_for(uses, placement.imports, unresolved),
                body=dependency_order(body),
                exports=exports,
                from_package=tuple((m, tuple(ns)) for m, ns in others.items()),
            )
        )
    findings.extend(_module_problems(plans))
    findings.extend(_import_time_work(plans))
    return tuple(plans)


def _import_time_work(plans: Sequence[ModulePlan]) -> list[Finding]:
    """Report each call a module's definitions run when the module is imported."""
    out = []
    for plan in plans:
        for s in plan.body:
            if s.kind not in DEFINITIONS:
                continue
            for line, call in import_time_calls(s.code):
                note = (
                    f"`{s.name}` runs `{call}` when {plan.name} is imported (a "
                    "decorator, default value or class body): importing the package "
                    "does this work"
                )
                where = s.line + line  # s.line is the def or class line
                out.append(finding("NBP313", note, cell=s.cell, line=where))
    return out


def _module_problems(plans: Sequence[ModulePlan]) -> list[Finding]:
    """Report a public name two modules export, and modules that import each other."""
    out: list[Finding] = []
    seen: dict[str, str] = {}
    for plan in plans:
        for name in plan.exports:
            if name in seen:
                note = (
                    f"`{name}` is defined in module {seen[name]} and in module "
                    f"{plan.name}; the package exports the one in {plan.name}"
                )
                out.append(finding("NBP607", note))
            seen[name] = plan.name
    needs = {p.name: {m for m, _ in p.from_package} for p in plans}
    for plan in plans:
        for other in sorted(needs[plan.name]):
            if plan.name in needs.get(other, set()) and plan.name < other:
                note = (
                    f"modules {plan.name} and {other} import each other; Python "
                    "cannot import them: move the shared code into one module"
                )
                out.append(finding("NBP610", note))
    return out


def _pipeline_plan(
    placement: Placement,
    owner: dict[str, str],
    headings: dict[int, str],
    parameters: frozenset[str],
) -> PipelinePlan | None:
    steps = placement.pipeline
    if not steps:
        return None
    package_names = frozenset(owner)
    uses = {n for s in steps for n in s.uses}
    local = {n for s in steps for n in s.defines}
    import_names = {n for s in placement.imports for n in s.defines}
    unresolved = bool(uses - local - package_names - import_names - BUILTIN_NAMES)
    read = sorted((uses | parameters) & package_names)
    from_package: dict[str, list[str]] = {}
    for name in read:
        from_package.setdefault(owner[name], []).append(name)
    # A nested def's ``global x`` must reach the same x that run() assigns.
    declared_global = {
        n for s in steps if s.kind in DEFINITIONS for n in s.defines - {s.name}
    }
    rebinds = ((local & (package_names | import_names)) | declared_global) - parameters
    imports = _imports_for(uses | rebinds, placement.imports, unresolved)
    # Plotting libraries are an extra: import them only when run() runs.
    lazy = tuple(s for s in imports if _is_plot_import(s) and not s.defines & rebinds)
    eager = tuple(s for s in imports if s not in lazy)
    star = has_star_import(placement.imports)
    functions, required = make_steps(
        steps,
        headings=headings,
        module_names=package_names | {n for s in eager for n in s.defines},
        global_names=frozenset(rebinds),
        lazy_imports=lazy,
        parameters=parameters & uses,
        unknown=frozenset(uses) if star else IPYTHON_NAMES,
    )
    return PipelinePlan(
        future=placement.future,
        imports=eager,
        from_package=tuple(sorted((m, tuple(ns)) for m, ns in from_package.items())),
        lazy_imports=lazy,
        global_names=tuple(sorted(rebinds)),
        steps=steps,
        functions=functions,
        parameters=tuple(sorted(parameters & uses)),
        required=required,
    )


def _step_starts(headings: dict[int, str], layout: Layout) -> dict[int, str]:
    """Return cell number -> step title for cells marked pipeline.

    A mark without a name takes the title of the heading above it, if any.
    """
    out: dict[int, str] = {}
    for number, title in layout.step_starts.items():
        above = [t for c, t in sorted(headings.items()) if c < number]
        out[number] = title or (above[-1] if above else "")
    return out


def _headings(notebook: Notebook) -> dict[int, str]:
    """Return cell number -> heading text for markdown cells that start with one."""
    found: dict[int, str] = {}
    for cell in notebook.cells:
        first = cell.source.strip().split("\n")[0] if cell.kind == "markdown" else ""
        match = _HEADING.match(first)
        if match:
            found[cell.number] = _plain(match.group(1))
    return found


def _is_plot_import(s: Statement) -> bool:
    modules = imported_modules(s)
    return (
        bool(s.defines)  # ``import *`` is allowed at module level only
        and isinstance(s.node, cst.SimpleStatementLine)
        and bool(modules)
        and all(m.split(".")[0] in PLOT_ROOTS for m in modules)
    )


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
                f"`{first_line(s)}` hides which names it brings; it is kept in each "
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


def _undefined_names(
    placement: Placement, pipeline: PipelinePlan | None
) -> list[Finding]:
    kept = [*placement.module, *placement.pipeline]
    defined = {n for s in [*kept, *placement.imports] for n in s.defines}
    if has_star_import(placement.imports):
        return []
    required = set(pipeline.required) if pipeline else set()
    out: list[Finding] = []
    reported: set[str] = set()
    for s in kept:
        for name in sorted(s.uses - defined - BUILTIN_NAMES - reported):
            reported.add(name)
            if name in IPYTHON_NAMES:
                note = f"`{name}` exists only inside IPython; replace it (e.g. print)"
            elif name in required:
                note = (
                    f"`{name}` is used but no kept cell defines it; run() takes it "
                    "as a required keyword argument"
                )
            else:
                note = f"`{name}` is used but no kept cell defines it"
            out.append(finding("NBP305", note, cell=s.cell, line=s.line))
    return out


# Standard-library names too likely to be a variable the notebook forgot to define.
_NOT_MODULES = frozenset(
    {"antigravity", "array", "code", "site", "test", "this", "token", "types"}
)


def _missing_imports(
    statements: Sequence[Statement], findings: list[Finding]
) -> list[Statement]:
    """Return ``import x`` for each standard-library module read but never imported.

    The kernel may have had it (another cell, a star import, a startup file);
    the package must import it itself.
    """
    if has_star_import(statements):
        return []
    missing = sorted(
        n
        for n in undefined_names(statements)
        if n in sys.stdlib_module_names and n not in _NOT_MODULES
    )
    added: list[Statement] = []
    for name in missing:
        first = next(s for s in statements if name in s.uses)
        node = cst.parse_statement(f"import {name}")
        added.append(
            Statement(
                cell=first.cell,
                kind=Kind.IMPORT,
                node=node,
                defines=frozenset({name}),
                line=first.line,
            )
        )
        note = f"`{name}` is used but never imported; `import {name}` added"
        findings.append(
            finding(
                "NBP311", note, cell=first.cell, line=first.line, severity=Severity.INFO
            )
        )
    return added


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
