"""Plan the package's files: each one's path, template and what it fills in.

Every choice a file needs is made here: where the package's folder is, which
module exports a name two modules define (the last, as NBP607 says), how a test
file imports the module it tests and what it must import for its tests, how
``__main__`` calls each ``run()``. Templates only fill in what is given.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import PurePosixPath

from nb2pkg.analyse.names import imported_modules, isort_key
from nb2pkg.analyse.visitors import awaits
from nb2pkg.model import (
    ModulePlan,
    PipelinePlan,
    Plan,
    PlannedFile,
    StepRecord,
    TestCase,
    TestKind,
)
from nb2pkg.plan.imports import draws
from nb2pkg.plan.metadata import cell_span
from nb2pkg.testgen.drift import (
    SHORT_FLOATS,
    Drift,
    array_style,
    drift,
    legacy_step,
    notebook_drift,
    recorded_drifts,
    value_drift,
)
from nb2pkg.testgen.recorded import run_needs, value_check


def plan_files(plan: Plan, *, layout: str, tests: bool) -> tuple[PlannedFile, ...]:
    """Return the files of the package ``plan`` describes, in the order written.

    ``layout`` puts the package in ``src/<name>/`` or ``<name>/``; ``tests``
    says whether test files are written.
    """
    root = f"src/{plan.package}" if layout == "src" else plan.package
    # Every template may use these: a user's templates may show them anywhere.
    shared = {**_exports(plan.modules), "package_dir": root}
    files = _Files(shared)
    sources = ", ".join(plan.notebooks)
    many = "s" if len(plan.notebooks) > 1 else ""
    description = plan.summary or f"Code from the notebook{many} {sources}."
    first_line = description.split("\n")[0]
    slow = tests and any(run_needs(p).slow and p.recorded for p in plan.pipelines)
    files.add(
        "pyproject.toml",
        "pyproject.toml.j2",
        {"description": first_line, "slow_marker": slow},
    )
    files.add("README.md", "README.md.j2", {"figures": _figures(plan) is not None})
    files.add(".gitignore", "gitignore.j2")
    files.add(f"{root}/__init__.py", "__init__.py.j2")
    files.add(f"{root}/py.typed", "py.typed.j2")  # PEP 561: the package is typed
    for folder in _subpackages(plan):
        files.add(
            f"{root}/{folder}/__init__.py", "subpackage.py.j2", {"folder": folder}
        )
    for module in plan.modules:
        files.add(f"{root}/{module.path}", "module.py.j2", {"module": module}, module)
        if tests:
            test_path = f"tests/test_{module.name.replace('.', '_')}.py"
            files.add(test_path, "test_module.py.j2", _test_context(plan, module))
    for pipeline in plan.pipelines:
        files.add(f"{root}/{pipeline.path}", "pipeline.py.j2", {}, pipeline)
        if tests:
            files.add(
                f"tests/test_{pipeline.module.replace('.', '_')}.py",
                "test_pipeline.py.j2",
                _pipeline_test_context(plan, pipeline),
            )
    # Always: ``python -m`` works even when the notebook left nothing to run.
    files.add(f"{root}/__main__.py", "__main__.py.j2", _main_context(plan))
    return tuple(files.planned)


class _Files:
    """The files planned so far, each with the shared context and its own."""

    def __init__(self, shared: Mapping[str, object]) -> None:
        self.shared = shared
        self.planned: list[PlannedFile] = []

    def add(
        self,
        path: str,
        template: str,
        context: Mapping[str, object] | None = None,
        code: ModulePlan | PipelinePlan | None = None,
    ) -> None:
        self.planned.append(
            PlannedFile(
                PurePosixPath(path), template, {**self.shared, **(context or {})}, code
            )
        )


def _exports(modules: Sequence[ModulePlan]) -> dict[str, object]:
    """Return the package's public names, and which module ``__init__`` takes
    each from: a name two modules export comes from the last (NBP607). Both
    sorted as isort and ruff sort them (constants, classes, then the rest)."""
    owner = {name: m.name for m in modules for name in m.exports}
    init_imports = [
        (m.name, sorted({n for n in m.exports if owner[n] == m.name}, key=isort_key))
        for m in sorted(modules, key=lambda m: m.name)
    ]
    return {
        "exports": sorted(owner, key=isort_key),
        "init_imports": [(m, names) for m, names in init_imports if names],
    }


def _main_context(plan: Plan) -> dict[str, object]:
    """Return what ``__main__.py`` needs: imports and calls of each ``run()``.

    ``missing`` says which ``run()`` needs arguments no cell gave it; then
    ``python -m`` cannot run the code, and says so.
    """
    single = len(plan.pipelines) == 1
    imports: list[str] = []
    leaves: dict[str, list[str]] = {}  # the pipelines' modules, by package
    calls: list[str] = []
    missing: list[str] = []
    run_is_async = False
    figures = _figures(plan)
    for pipeline in plan.pipelines:
        parent, _, leaf = f"{plan.package}.{pipeline.module}".rpartition(".")
        if single and figures is None:
            imports.append(f"from {plan.package}.{pipeline.module} import run")
            call = "run()"
        else:
            leaves.setdefault(parent, []).append(leaf)
            call = f"{leaf}.run()"
        is_async = awaits(pipeline.steps)
        run_is_async = run_is_async or is_async
        calls.append(f"asyncio.run({call})" if is_async else call)
        needs = pipeline.required
        if needs:
            args = ", ".join(f"{n}=..." for n in needs)
            missing.append(
                f"run() needs {', '.join(needs)}, which no earlier cell defined: "
                f"call {plan.package}.{pipeline.module}.run({args})"
            )
    imports += [
        f"from {parent} import {', '.join(sorted(names, key=isort_key))}"
        for parent, names in leaves.items()
    ]
    return {
        "imports": sorted(set(imports)),
        "calls": calls,
        "run_is_async": run_is_async,
        "missing": "; ".join(missing),
        "tables": _uses_pandas(plan),
        "figures": figures,
    }


def _figures(plan: Plan) -> dict[str, object] | None:
    """Return, when the notebook drew, what ``python -m PKG --figures DIR`` saves:
    the pipeline module and its steps, each one's figures named after it."""
    if len(plan.pipelines) != 1 or not draws(plan.pipelines[0]):
        return None
    pipeline = plan.pipelines[0]
    return {
        "module": pipeline.module.rpartition(".")[2],
        "steps": [f.name for f in pipeline.functions],
    }


def _pipeline_test_context(plan: Plan, pipeline: PipelinePlan) -> dict[str, object]:
    """Return what a pipeline's test file needs: its step checks and setup."""
    parent, _, leaf = f"{plan.package}.{pipeline.module}".rpartition(".")
    legacy = {r.step for r in pipeline.recorded if legacy_step(t for _, t in r.cells)}
    checks = _step_checks(pipeline, legacy)
    recorded_with = recorded_drifts(pipeline.recorded)
    return {
        "pipeline": pipeline,
        "parent": parent,
        "leaf": leaf,
        "checks": checks,
        "drifted": bool(recorded_with) or any("skipif" in c for c in checks),
        "recorded_with": recorded_with,
        "legacy_steps": [r.step for r in pipeline.recorded if r.step in legacy],
        "sharing": _sharing(pipeline),
        "values": any(c["values"] for c in checks),
        "shown": any(c["shown"] for c in checks),
        "allclose": any(
            case.kind is TestKind.ALLCLOSE
            for r in pipeline.recorded
            for _, case in r.shown
        ),
        "show": pipeline.show,
        "tables": _uses_pandas(plan),
        "needs": run_needs(pipeline),
    }


def _sharing(pipeline: PipelinePlan) -> list[str]:
    """Return the steps that bind or read the names steps declare ``global``."""
    shared = {n for f in pipeline.functions for n in f.global_names}
    return [
        f.name
        for f in pipeline.functions
        if any(shared & (s.uses | s.defines) for s in f.statements)
    ]


def _uses_pandas(plan: Plan) -> bool:
    """Return True if the package's code imports pandas.

    Its tables then print as a notebook shows them: a Jupyter kernel shows up to
    20 columns (wrapped), a terminal as many as fit.
    """
    statements = [
        *(s for m in plan.modules for s in m.imports),
        *(s for p in plan.pipelines for s in (*p.imports, *p.lazy_imports)),
    ]
    return any(
        m.split(".")[0] == "pandas" for s in statements for m in imported_modules(s)
    )


def _step_checks(pipeline: PipelinePlan, legacy: set[str]) -> list[dict[str, object]]:
    """Return a test per step whose cells printed or showed something: its name,
    docstring, and per cell the expected text as Python string literals (one
    when it fits on a line, else one a line of the text). A printed output an
    older library printed differently (``testgen.drift``) has a test of its own,
    skipped where the library is newer, unless its step is one of ``legacy``,
    run printing arrays as numpy < 1.14 did."""
    checks: list[dict[str, object]] = []
    older = notebook_drift(text for r in pipeline.recorded for _, text in r.cells)
    for record in pipeline.recorded:
        printed_legacy = record.step in legacy
        made = [
            (c, _drift(t, older, legacy=printed_legacy), _cell_check(c, t))
            for c, t in record.cells
        ]
        made += [
            (c, value_drift(v.expected), _shown_check(c, v)) for c, v in record.shown
        ]
        made.sort(key=lambda m: m[0])
        cells = [check for _, found, check in made if found is None]
        if cells:
            checks.append(_step_check(record, f"test_{record.step}", cells))
        for cell, found, check in made:
            if found is not None:
                alone = _step_check(record, f"test_{record.step}_cell_{cell}", [check])
                alone["skipif"] = {
                    "distribution": found.distribution,
                    "version": found.version,
                    "reason": found.reason,
                }
                checks.append(alone)
    return checks


def _drift(text: str, older: tuple[Drift, ...], *, legacy: bool) -> Drift | None:
    """Return how a printed output drifted, if its test cannot print it so: a
    step whose outputs show arrays as numpy < 1.14 did runs printing them so."""
    found = drift(text, older)
    if found is SHORT_FLOATS:  # numpy < 1.14 printed its floats so too
        return None if legacy else found
    if found is None or found not in older:
        return found
    return None if array_style(text) == ("legacy" if legacy else "new") else found


def _step_check(
    record: StepRecord, name: str, cells: list[dict[str, object]]
) -> dict[str, object]:
    span = cell_span([int(str(c["cell"])) for c in cells])
    title = f"{record.title} ({span})" if record.title else span.capitalize()
    return {
        "name": name,
        "step": record.step,
        "doc": f"{title}: what the notebook printed and showed.",
        "cells": cells,
        "values": any("value" in c for c in cells),
        "shown": any("shown" in c for c in cells),
    }


def _shown_check(cell: int, case: TestCase) -> dict[str, object]:
    """Return the assertion on a value run() showed, as the notebook showed it."""
    if case.kind is TestKind.ALLCLOSE:
        tolerance = f", {case.match}" if case.match else ""
        line = f"assert_allclose({case.expression}, {case.expected}{tolerance})"
    elif case.kind is TestKind.APPROX:
        line = f"assert {case.expression} == pytest.approx({case.expected})"
    elif case.kind is TestKind.PANDAS:  # a table: its shape, labels and values
        line = f"result = {case.expression}\n{case.body}"
    else:
        line = f"assert {case.expression} == {case.expected}"
    return {"cell": cell, "shown": line}


def _cell_check(cell: int, text: str) -> dict[str, object]:
    """Return what one cell's check compares: a value, or its text's lines."""
    value = value_check(text)
    if value is None:
        return {"cell": cell, "lines": _literals(text)}
    literal, approx = value
    return {"cell": cell, "value": f"pytest.approx({literal})" if approx else literal}


def _literals(text: str) -> list[str]:
    """Return ``text`` as Python string literals: JSON's escapes are Python's."""
    whole = json.dumps(text, ensure_ascii=False)
    if len(whole) <= 64:
        return [whole]
    return [json.dumps(line, ensure_ascii=False) for line in text.splitlines(True)]


def _literal(text: str) -> str:
    """Return ``text`` as a Python string literal (JSON's escapes are Python's)."""
    return json.dumps(text, ensure_ascii=False)


def _subpackages(plan: Plan) -> list[str]:
    """Return the folders dotted module names need (``data`` for ``data.load``)."""
    folders: list[str] = []
    names = [m.name for m in plan.modules] + [p.module for p in plan.pipelines]
    for name in names:
        parts = name.split(".")[:-1]
        for i in range(1, len(parts) + 1):
            folder = "/".join(parts[:i])
            if folder not in folders:
                folders.append(folder)
    return folders


def _test_context(plan: Plan, module: ModulePlan) -> dict[str, object]:
    """Return what a module's test file needs: its tests, imports and setup."""
    tests = [t for t in plan.tests if t.module == module.name]
    by_module: dict[str, set[str]] = {}
    for test in tests:
        for owner, name in test.names:
            by_module.setdefault(owner, set()).add(name)
    package_imports = [
        f"from {plan.package}.{owner} import {', '.join(sorted(names))}"
        for owner, names in sorted(by_module.items())
    ]
    # The smoke test imports the module in a fresh interpreter.
    setup = [*_setup(tests), "import os", "import subprocess", "import sys"]
    return {
        "module": module,
        "tests": tests,
        "cases": [(test, test.kind.fixture) for test in tests],
        "setup": _sorted_imports(list(dict.fromkeys(setup))),
        "package_imports": package_imports,
        "leaf": module.name.rpartition(".")[2],
        "import_name": f"{plan.package}.{module.name}",
    }


def _setup(tests: Sequence[TestCase]) -> list[str]:
    """Return the import lines the tests need, each once."""
    setup: list[str] = []
    for test in tests:
        setup.extend(line for line in test.setup if line not in setup)
    if any(t.kind.needs_pytest for t in tests) and "import pytest" not in setup:
        setup.append("import pytest")
    return setup


def _sorted_imports(lines: Sequence[str]) -> list[str]:
    """Return import lines standard library first, then third party, as isort
    would have them (a blank line between)."""

    # As isort sorts a section: ``import x`` lines first, then ``from x import``.
    def key(line: str) -> tuple[bool, str, str]:
        return line.startswith("from "), _root(line).lower(), line

    stdlib = sorted(
        (line for line in lines if _root(line) in sys.stdlib_module_names), key=key
    )
    others = sorted((line for line in lines if line not in stdlib), key=key)
    return [*stdlib, *([""] if stdlib and others else []), *others]


def _root(import_line: str) -> str:
    """Return the top-level module an import line imports (``os`` for os.path)."""
    words = import_line.split()
    return words[1].split(".")[0] if len(words) > 1 else ""
