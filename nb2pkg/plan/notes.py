"""Findings about the plan: what the package leaves out, adds, or cannot do.

Each function looks at a part of the plan and returns findings; none changes it
(``missing_imports`` also returns the imports the package must add).
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

import libcst as cst

from nb2pkg.analyse.names import (
    BUILTIN_NAMES,
    DEFINITIONS,
    IPYTHON_NAMES,
    has_star_import,
    undefined_names,
)
from nb2pkg.checks.importtime import import_time_calls
from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.model import Kind, ModulePlan, PipelinePlan, Statement, Step
from nb2pkg.plan.place import Placement, first_line


def import_time_work(plans: Sequence[ModulePlan]) -> list[Finding]:
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


def module_problems(plans: Sequence[ModulePlan]) -> list[Finding]:
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


def unused_imports(
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


def star_and_global_notes(
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


def undefined_name_notes(
    placement: Placement, pipeline: PipelinePlan | None, *, helpers: frozenset[str]
) -> list[Finding]:
    """Return NBP305 for each name the kept code reads and nothing defines;
    ``helpers`` are the names nb2pkg defines itself (the show helper)."""
    kept = [*placement.module, *placement.pipeline]
    defined = {n for s in [*kept, *placement.imports] for n in s.defines} | helpers
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


def missing_imports(
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


# A step taking more inputs than this is hard to read and to test.
MAX_STEP_INPUTS = 6


def long_input_notes(steps: Sequence[Step]) -> list[Finding]:
    """Report each step with more than ``MAX_STEP_INPUTS`` parameters, and the
    cell above which a markdown heading would split it into smaller steps."""
    out = []
    for step in steps:
        if len(step.params) <= MAX_STEP_INPUTS:
            continue
        note = (
            f"step `{step.name}` takes {len(step.params)} inputs "
            f"({', '.join(step.params)})"
        )
        split = _best_split(step)
        if split is not None:
            cell, first, second = split
            note += (
                f"; a markdown heading above cell {cell} would split it into "
                f"steps of {first} and {second}"
            )
        out.append(finding("NBP317", note, cell=step.statements[0].cell))
    return out


def _best_split(step: Step) -> tuple[int, int, int] | None:
    """Return (cell, inputs before, inputs after) for the cell boundary that
    leaves the larger half with the fewest inputs, if that is fewer than now."""
    params = set(step.params)
    cells = sorted({s.cell for s in step.statements})
    best: tuple[int, int, int] | None = None
    for cell in cells[1:]:
        before = [s for s in step.statements if s.cell < cell]
        after = [s for s in step.statements if s.cell >= cell]
        read_before = {n for s in before for n in s.uses} & params
        made_before = {n for s in before for n in s.defines}
        read_after = {n for s in after for n in s.uses}
        first = len(read_before)
        second = len((read_after & params) | (read_after & made_before))
        if max(first, second) < len(params) and (
            best is None or max(first, second) < max(best[1], best[2])
        ):
            best = (cell, first, second)
    return best
