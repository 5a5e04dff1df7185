"""Make the plan: the package's modules, pipeline, tests, dependencies and metadata.

Every decision is made here (and in ``place.py``), from the analysis alone;
rendering only follows the plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from nb2pkg.analyse.names import (
    BUILTIN_NAMES,
    DEFINITIONS,
    IPYTHON_NAMES,
    has_star_import,
    is_relative_import,
)
from nb2pkg.errors import Finding, finding
from nb2pkg.model import (
    CellAnalysis,
    Install,
    Kind,
    ModulePlan,
    Notebook,
    PipelinePlan,
    Plan,
    Statement,
    Step,
    TestCase,
)
from nb2pkg.options import Generation
from nb2pkg.plan.dead import drop_dead_names
from nb2pkg.plan.deps import Dependencies, distribution_for, find_dependencies
from nb2pkg.plan.imports import draws, imports_for, pandas_drawing, session_only
from nb2pkg.plan.layout import CORE_MODULE, Layout, lay_out
from nb2pkg.plan.metadata import (
    cell_span,
    headings,
    package_name,
    parent_headings,
    requires_python,
    step_doc,
    title_and_summary,
)
from nb2pkg.plan.notes import (
    import_time_work,
    long_input_notes,
    missing_imports,
    module_problems,
    star_and_global_notes,
    undefined_name_notes,
    unused_imports,
)
from nb2pkg.plan.place import (
    Placement,
    dependency_order,
    display_as_print,
    place_statements,
    without_replaced,
)
from nb2pkg.plan.show import (
    results_shown,
    show_name,
    show_results,
)
from nb2pkg.plan.steps import make_steps
from nb2pkg.plan.versions import recorded_versions
from nb2pkg.testgen.cases import make_tests
from nb2pkg.testgen.recorded import recorded_steps
from nb2pkg.testgen.withhold import withhold_credentials


def make_plan(
    notebook: Notebook,
    analyses: Sequence[CellAnalysis],
    *,
    generation: Generation,
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
    layout = lay_out(notebook, analyses, mode=generation.mode, module=module)
    findings = _read_and_analysed(notebook, layout)
    statements = [s for a in layout.converted for s in a.statements]
    statements = [*missing_imports(statements, findings), *statements]
    imports_all = [s for s in statements if s.kind is Kind.IMPORT]
    package = package_name(notebook, imports_all, generation)
    statements, shown = results_shown(statements, layout.converted)
    placement = place_statements(
        statements, exported=layout.exported, run=layout.run, shown=shown
    )
    placement = replace(placement, imports=placement.imports + layout.extra_imports)
    findings.extend(placement.findings)
    modules = _module_plans(placement, layout, module, findings)
    show = show_name(statements)
    placement = _shown_and_displayed(placement, shown, show, statements)
    pipeline = _pipeline_for(notebook, placement, modules, layout, show, generation)
    pipeline = pipeline and _named_and_recorded(
        pipeline, pipeline_module, analyses, generation, findings
    )
    findings.extend(_import_notes(imports_all, modules, pipeline))
    helpers = frozenset({show})
    findings.extend(undefined_name_notes(placement, pipeline, helpers=helpers))
    dependencies = _dependencies(
        notebook, analyses, modules, pipeline, package, generation
    )
    findings.extend(dependencies.findings)
    tests = _tests(analyses, placement, modules, provided, generation, findings)
    title, summary = title_and_summary(notebook)
    return Plan(
        package=package,
        distribution=package.replace("_", "-"),
        title=title,
        summary=summary,
        notebooks=(notebook.path.name,),
        requires_python=requires_python(notebook.language_version),
        modules=modules,
        pipelines=(pipeline,) if pipeline is not None else (),
        tests=tests,
        dependencies=dependencies.core,
        extras=dependencies.extras,
        findings=tuple(sorted(findings, key=Finding.order)),
    )


def _shown_and_displayed(
    placement: Placement, shown: frozenset[int], show: str, statements: list[Statement]
) -> Placement:
    """Return run()'s code showing what the notebook showed, display() printed."""
    steps = show_results(placement.pipeline, shown, show)
    return display_as_print(replace(placement, pipeline=steps), statements)


def _named_and_recorded(
    pipeline: PipelinePlan,
    module: str,
    analyses: Sequence[CellAnalysis],
    generation: Generation,
    findings: list[Finding],
) -> PipelinePlan:
    """Return the pipeline in its module, its steps without the names nothing
    reads, with what its steps' cells recorded (a credential in an output is
    withheld, with a finding)."""
    functions, unread = drop_dead_names(pipeline.functions)
    pipeline = replace(pipeline, functions=functions)
    findings.extend([*unread, *long_input_notes(functions)])
    recorded, withheld = (
        recorded_steps(pipeline, analyses) if generation.tests else ((), ())
    )
    findings.extend(withheld)
    return replace(pipeline, module=module, recorded=recorded)


def _read_and_analysed(notebook: Notebook, layout: Layout) -> list[Finding]:
    """Return what reading found, the layout's notes, and the converted cells'."""
    cells = (*layout.converted, *layout.tests)
    found = [
        *notebook.findings,
        *layout.findings,
        *(f for a in cells for f in a.findings),
    ]
    if not any(c.source.strip() for c in notebook.code_cells):
        note = "the notebook has no code; the package is empty"
        found.append(finding("NBP002", note))
    return found


def _pipeline_for(
    notebook: Notebook,
    placement: Placement,
    modules: Sequence[ModulePlan],
    layout: Layout,
    show: str,
    generation: Generation,
) -> PipelinePlan | None:
    """Return the plan of the loose code's module, or None when there is none.

    ``show`` is the name of the helper that shows results, if a step calls it;
    ``generation.cell_comments`` puts ``# Cell N`` before each cell's code.
    """
    owner = {n: m.name for m in modules for s in m.body for n in s.defines}
    parameters = frozenset(n for s in layout.parameters for n in s.defines)
    found = headings(notebook)
    titles = {**found, **_step_starts(found, layout)}
    parents = parent_headings(notebook)
    pipeline = _pipeline_plan(placement, owner, (titles, parents), parameters, show)
    if pipeline is None:
        return None
    functions = tuple(replace(f, doc=_doc(notebook, f)) for f in pipeline.functions)
    return replace(
        pipeline,
        notebook=notebook.path.name,
        functions=functions,
        cell_comments=generation.cell_comments,
    )


def _doc(notebook: Notebook, step: Step) -> str:
    """Return a step's docstring: its markdown, its heading, or its cells."""
    cells = sorted({s.cell for s in step.statements})
    found = step_doc(notebook, cells[0], step.title)
    return found or f"Run {cell_span(cells)} of the notebook."


def _import_notes(
    imports: Sequence[Statement],
    modules: Sequence[ModulePlan],
    pipeline: PipelinePlan | None,
) -> list[Finding]:
    """Report the imports the package leaves out, star imports and rebound globals."""
    used = [i for m in modules for i in m.imports]
    if pipeline is not None:
        used.extend(pipeline.imports)
        used.extend(pipeline.lazy_imports)
    return [*unused_imports(imports, used), *star_and_global_notes(imports, pipeline)]


def _dependencies(
    notebook: Notebook,
    analyses: Sequence[CellAnalysis],
    modules: Sequence[ModulePlan],
    pipeline: PipelinePlan | None,
    package: str,
    generation: Generation,
) -> Dependencies:
    """Return the package's dependencies: what its modules import, and installs;
    matplotlib too when run() draws (``python -m`` draws off-screen with it)."""
    installs = [i for a in analyses for i in a.installs]
    if pipeline and pipeline.steps and draws(pipeline):  # python -m draws with it
        drawing = pandas_drawing(pipeline) or pipeline.steps[0]
        installs.append(Install("matplotlib", drawing.cell, drawing.line, "plot"))
    return find_dependencies(
        [
            *(s for m in modules for s in (*m.imports, *m.body)),
            *(pipeline.imports if pipeline else ()),
        ],
        package=package,
        notebook_dir=notebook.path.parent,
        pipeline_code=[*pipeline.lazy_imports, *pipeline.steps] if pipeline else (),
        installs=installs,
        pin=generation.pin,
        recorded=recorded_versions(analyses, distribution_for),
    )


def _tests(
    analyses: Sequence[CellAnalysis],
    placement: Placement,
    modules: Sequence[ModulePlan],
    provided: Sequence[ModulePlan],
    generation: Generation,
    findings: list[Finding],
) -> tuple[TestCase, ...]:
    """Return the tests the stored outputs give, without any that holds a secret."""
    if not (generation.tests and (modules or provided)):
        return ()
    evidence = [a for a in analyses if not a.cell.marks.skip]
    # Imports of other notebooks' modules are relative: tests import them by name.
    test_imports = [s for s in placement.imports if not is_relative_import(s)]
    tests = make_tests(evidence, modules, imports=test_imports, provided=provided)
    tests, withheld = withhold_credentials(tests)
    findings.extend(withheld)
    if not any(a.cell.outputs for a in analyses):
        note = (
            "the notebook stores no outputs (was it stripped, or never run?): "
            "tests come from outputs; run it, then `nb2pkg tests NOTEBOOK "
            "--package DIR` writes them"
        )
        findings.append(finding("NBP115", note))
    return tests


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
        body = without_replaced(by_module[name], findings)
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
                imports=imports_for(uses, placement.imports, unresolved),
                body=dependency_order(body),
                exports=exports,
                from_package=tuple((m, tuple(ns)) for m, ns in others.items()),
            )
        )
    findings.extend(module_problems(plans))
    findings.extend(import_time_work(plans))
    return tuple(plans)


def _pipeline_plan(
    placement: Placement,
    owner: dict[str, str],
    sections: tuple[dict[int, str], dict[int, str]],
    parameters: frozenset[str],
    show: str,
) -> PipelinePlan | None:
    """Return the pipeline of the loose code; ``sections`` are the headings
    and the parent headings (``metadata.parent_headings``) that name its steps."""
    steps = placement.pipeline
    if not steps:
        return None
    package_names = frozenset(owner)
    uses = {n for s in steps for n in s.uses}
    show = show if show in uses else ""
    uses.discard(show)
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
    imports = imports_for(uses | rebinds, placement.imports, unresolved)
    # Plotting libraries are dependencies like any other: imported once, at the
    # top of the pipeline's module (run() draws what the notebook drew). IPython's
    # and its widgets' display helpers change from version to version: imported
    # where run() uses them, an old one never stops the package from importing.
    lazy = tuple(s for s in imports if session_only(s) and not s.defines & rebinds)
    eager = tuple(s for s in imports if s not in lazy)
    star = has_star_import(placement.imports)
    functions, required = make_steps(
        steps,
        headings=sections[0],
        parents=sections[1],
        module_names=package_names | {n for s in eager for n in s.defines} | {show},
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
        show=show,
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
