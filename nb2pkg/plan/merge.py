"""Plan a package of one notebook or several: each planned after those it uses,
linked to them, then the plans merged into one.

One notebook is a package of one: it is linked (a ``%run`` it cannot follow is
reported) and planned as every other, and its plan is the package's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from nb2pkg.analyse.links import (
    PIPELINES,
    Provided,
    Source,
    link,
    mapped_module,
    module_names,
    planning_order,
    provides,
    used_sources,
)
from nb2pkg.errors import Finding, InputError, finding
from nb2pkg.model import CellAnalysis, ModulePlan, Notebook, Plan, TestCase, TestKind
from nb2pkg.options import Generation, normalise_name
from nb2pkg.plan.files import plan_files
from nb2pkg.plan.layout import CORE_MODULE
from nb2pkg.plan.notebook import make_plan

# Folder names that say what is in them, not which project it is.
_NOTEBOOK_FOLDERS = frozenset({"notebooks", "notebook", "nbs", "nb", "ipynb"})


def merge_plans(plans: Sequence[Plan], *, package: str) -> Plan:
    """Return one package's plan made of the plans of its notebooks.

    A module two notebooks fill is one module; a public name two modules define
    is reported (NBP607); each finding names its notebook.
    """
    modules: dict[str, ModulePlan] = {}
    owner: dict[str, str] = {}
    findings: list[Finding] = []
    for plan in plans:
        name = plan.notebooks[0]
        findings.extend(replace(f, notebook=name) for f in plan.findings)
        for module in plan.modules:
            for export in module.exports:
                where = owner.setdefault(export, module.name)
                if where != module.name:
                    note = (
                        f"`{export}` is defined in module {where} and in module "
                        f"{module.name} ({name}); the package exports the one in "
                        f"{module.name}"
                    )
                    findings.append(finding("NBP607", note, notebook=name))
            same = modules.get(module.name)
            modules[module.name] = module if same is None else _joined(same, module)
    extras: dict[str, list[str]] = {}
    for plan in plans:
        for extra, requirements in plan.extras:
            extras.setdefault(extra, []).extend(requirements)
    return Plan(
        package=package,
        distribution=package.replace("_", "-"),
        title=package,
        summary="",
        notebooks=tuple(n for p in plans for n in p.notebooks),
        requires_python=max((p.requires_python for p in plans), key=_version_key),
        modules=tuple(modules.values()),
        pipelines=tuple(p for plan in plans for p in plan.pipelines),
        tests=_unique_names(
            [replace(t, notebook=p.notebooks[0]) for p in plans for t in p.tests]
        ),
        dependencies=tuple(sorted({d for p in plans for d in p.dependencies})),
        extras=tuple((e, tuple(dict.fromkeys(r))) for e, r in sorted(extras.items())),
        findings=tuple(sorted(findings, key=Finding.order)),
    )


def _joined(first: ModulePlan, second: ModulePlan) -> ModulePlan:
    """Return one module holding both notebooks' code for it."""
    imports = {s.code.strip(): s for s in (*first.imports, *second.imports)}
    future = {s.code.strip(): s for s in (*first.future, *second.future)}
    own: dict[str, list[str]] = {}
    for module, names in (*first.from_package, *second.from_package):
        own.setdefault(module, [])
        own[module] += [n for n in names if n not in own[module]]
    return replace(
        first,
        future=tuple(future.values()),
        imports=tuple(imports.values()),
        body=(*first.body, *second.body),
        exports=tuple(dict.fromkeys((*first.exports, *second.exports))),
        from_package=tuple((m, tuple(ns)) for m, ns in own.items()),
    )


def _unique_names(tests: Sequence[TestCase]) -> tuple[TestCase, ...]:
    """Return the tests, renumbered where two notebooks gave one test file a name.

    A function's stub is dropped when another notebook's cells gave it a test.
    """
    tested = {
        (t.module, t.name.rpartition("_")[0])
        for t in tests
        if t.kind is not TestKind.STUB
    }
    seen: set[tuple[str, str]] = set()
    out: list[TestCase] = []
    for test in tests:
        if (test.module, test.name.removesuffix("_todo")) in tested:
            continue
        name = test.name
        stem, _, count = name.rpartition("_")
        n = int(count) if count.isdigit() else 1
        while (test.module, name) in seen:
            n += 1
            name = f"{stem}_{n}" if count.isdigit() else f"{test.name}_{n}"
        seen.add((test.module, name))
        out.append(replace(test, name=name) if name != test.name else test)
    return tuple(out)


def _version_key(requires: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", requires))


def plan_notebooks(
    notebooks: Sequence[Notebook],
    analyses: Sequence[Sequence[CellAnalysis]],
    *,
    generation: Generation,
) -> tuple[Plan, tuple[tuple[CellAnalysis, ...], ...]]:
    """Return the plan of the package the notebooks make, and each notebook's
    analyses as linked to the others (what the plan's statements are).

    Each notebook is planned after the ones it uses. Alone, a notebook's
    definitions go to ``core`` (or the module ``generation.modules`` gives it) and
    its loose code to ``pipeline``; among several, each has a module named after
    it and ``pipelines.<notebook>``, and the plans are merged.
    """
    sources, package = _sources(notebooks, analyses, generation)
    if package:
        generation = replace(generation, name=package)
    order, cycles = planning_order(sources)
    provided: dict[Path, Provided] = {}
    plans: dict[Path, Plan] = {}
    reach: dict[Path, set[Path]] = {}  # the notebooks each one uses, at any depth
    linked_by: dict[Path, tuple[CellAnalysis, ...]] = {}
    for source in order:
        used = [o.key for o in used_sources(source, sources) if o.key in plans]
        reach[source.key] = set(used).union(*(reach[u] for u in used))
        inherited = Provided()
        for key in used:
            inherited.modules.update(provided[key].modules)
            inherited.imports.update(provided[key].imports)
        linked = link(source, sources, provided)
        linked_by[source.key] = linked
        plans[source.key] = make_plan(
            source.notebook,
            linked,
            generation=generation,
            module=source.module,
            pipeline_module=source.pipeline,
            # Only what it can reach: all notebooks would make planning quadratic.
            provided=[m for u in sorted(reach[source.key]) for m in plans[u].modules],
        )
        provided[source.key] = provides(plans[source.key], linked, inherited)
    linked_all = tuple(linked_by[s.key] for s in sources)
    if len(sources) == 1:
        plan = plans[sources[0].key]
    else:
        merged = merge_plans([plans[s.key] for s in sources], package=package)
        findings = tuple(sorted((*merged.findings, *cycles), key=Finding.order))
        plan = replace(merged, findings=findings)
    files = plan_files(plan, layout=generation.layout, tests=generation.tests)
    return replace(plan, files=files), linked_all


def _sources(
    notebooks: Sequence[Notebook],
    analyses: Sequence[Sequence[CellAnalysis]],
    generation: Generation,
) -> tuple[list[Source], str]:
    """Return each notebook as a source with its modules, and the package name
    several notebooks share ("" for one notebook: its plan names it).

    Raises:
        InputError: several notebooks, and no name for their package.
    """
    mapping = dict(generation.modules)
    if len(notebooks) == 1:
        notebook = notebooks[0]
        module = mapped_module(notebook.path, mapping) or CORE_MODULE
        return [Source(notebook, tuple(analyses[0]), module, "pipeline")], ""
    paths = [nb.path for nb in notebooks]
    names = module_names(paths, mapping)
    own = module_names(paths)  # unique: each notebook's run() has its own module
    sources = [
        Source(nb, tuple(a), names[nb.path], f"{PIPELINES}.{own[nb.path]}")
        for nb, a in zip(notebooks, analyses, strict=True)
    ]
    folder = _common_folder(notebooks)
    if folder.name.lower() in _NOTEBOOK_FOLDERS:
        folder = folder.parent  # project/notebooks/*.ipynb: the project's name
    package = generation.name or normalise_name(folder.name)
    if not package:
        raise InputError("cannot name the package from the folder; pass --name")
    return sources, package


def _common_folder(notebooks: Sequence[Notebook]) -> Path:
    folders = [nb.path.resolve().parent for nb in notebooks]
    common = folders[0]
    while not all(f == common or common in f.parents for f in folders):
        common = common.parent
    return common
