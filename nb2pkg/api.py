"""The library API: compose the stages read -> analyse -> plan -> render -> write."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from nb2pkg.analyse import analyse_notebook
from nb2pkg.errors import Finding
from nb2pkg.model import Plan, RenderedFile
from nb2pkg.options import Options
from nb2pkg.plan import make_plan
from nb2pkg.read import read_notebook
from nb2pkg.render import render_plan
from nb2pkg.write import check_target, write_tree


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
    plan = make_plan(notebook, analyse_notebook(notebook), options=options)
    output = options.output if options.output is not None else Path(plan.package)
    check_target(output, force=options.force, keep=[source])
    files, render_findings = render_plan(plan, options=options)
    if not options.dry_run:
        write_tree(files, output, force=options.force, keep=[source])
    return Result(
        plan=plan,
        files=files,
        findings=plan.findings + render_findings,
        output=output,
        written=not options.dry_run,
    )
