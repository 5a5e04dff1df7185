"""The library API: compose the stages read -> analyse -> plan -> render -> write."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nb2pkg.analyse import analyse_notebook
from nb2pkg.checks import check_notebook, selected
from nb2pkg.errors import Finding, InputError, Severity
from nb2pkg.model import Plan, RenderedFile
from nb2pkg.options import Options
from nb2pkg.plan import make_plan
from nb2pkg.read import read_notebook
from nb2pkg.render import render_plan
from nb2pkg.write import check_target, write_tree

# The hidden-state checks convert also runs; the others repeat what the plan
# reports (undefined names, magics) or do not concern a package (stored outputs).
CONVERT_CHECKS = frozenset(
    {"NBP101", "NBP103", "NBP105", "NBP106", "NBP108", "NBP109", "NBP111"}
)


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The pitfalls found in one notebook."""

    path: Path
    findings: tuple[Finding, ...]

    def failed(self) -> bool:
        """Return True if a finding is a warning or worse (exit code 1)."""
        return any(f.severity >= Severity.WARNING for f in self.findings)


def check(
    path: str | os.PathLike[str], *, options: Options | None = None
) -> CheckResult:
    """Return the pitfalls of the notebook at ``path``; nothing is written.

    Raises:
        Nb2PkgError: the file is not a Python notebook nb2pkg can read.
    """
    options = options or Options()
    notebook = read_notebook(Path(path))
    analyses = analyse_notebook(notebook)
    findings = check_notebook(notebook, analyses, options=options)
    if options.execute:
        from nb2pkg.execute import execute_and_compare

        ran = tuple(
            f
            for f in execute_and_compare(Path(path), timeout=options.timeout)
            if selected(f.code, options)
        )
        findings = tuple(
            sorted(findings + ran, key=lambda f: (f.cell or 0, f.line or 0))
        )
    return CheckResult(Path(path), findings)


@dataclass(frozen=True, slots=True)
class Result:
    """What a conversion produced: the plan, the files, the findings, where."""

    plan: Plan
    files: tuple[RenderedFile, ...]
    findings: tuple[Finding, ...]
    output: Path
    written: bool


def convert(path: str | os.PathLike[str], *, options: Options | None = None) -> Result:
    """Convert the notebook at ``path`` into a package.

    Writes the package to ``options.output`` (default ``./<package name>``) unless
    ``options.dry_run``.

    Raises:
        Nb2PkgError: the notebook or the options need the user's attention.
    """
    options = options or Options()
    source = Path(path)
    notebook = read_notebook(source)
    analyses = analyse_notebook(notebook)
    plan = make_plan(notebook, analyses, options=options)
    pitfalls = tuple(
        f
        for f in check_notebook(notebook, analyses, options=options)
        if f.code in CONVERT_CHECKS
    )
    if options.execute:
        from nb2pkg.execute import execute_and_compare

        pitfalls += execute_and_compare(source, timeout=options.timeout)
    if options.strict and any(f.severity >= Severity.WARNING for f in pitfalls):
        first = next(f for f in pitfalls if f.severity >= Severity.WARNING)
        raise InputError(
            f"{len(pitfalls)} notebook problems (--strict), first: "
            f"{first.location()}: {first.message} ({first.code}); "
            "run `nb2pkg check` for all of them",
            path=source,
        )
    output = options.output if options.output is not None else Path(plan.package)
    check_target(output, force=options.force, keep=[source])
    files, render_findings = render_plan(plan, options=options)
    if not options.dry_run:
        write_tree(files, output, force=options.force, keep=[source])
    return Result(
        plan=plan,
        files=files,
        findings=tuple(
            sorted(
                plan.findings + pitfalls + render_findings,
                key=lambda f: (f.cell or 0, f.line or 0, f.code),
            )
        ),
        output=output,
        written=not options.dry_run,
    )
