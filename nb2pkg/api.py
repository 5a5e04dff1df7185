"""The library API: compose the stages read -> analyse -> plan -> render -> write."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from nb2pkg._version import __version__ as TOOL_VERSION
from nb2pkg.analyse.cells import analyse_notebook, new_facts
from nb2pkg.cache import Store
from nb2pkg.checks.pitfalls import check_notebook, selected
from nb2pkg.checks.verify import CellOutput
from nb2pkg.errors import (
    CODES,
    Finding,
    InputError,
    Severity,
    finding,
)
from nb2pkg.model import CellAnalysis, Notebook, Plan, RenderedFile
from nb2pkg.options import Options
from nb2pkg.parallel import default_jobs, pool_map
from nb2pkg.plan.merge import plan_notebooks
from nb2pkg.plan.table import CellRow, cell_rows
from nb2pkg.read.notebook import notebook_paths, read_notebook
from nb2pkg.render.files import render_plan
from nb2pkg.write.manifest import (
    MANIFEST,
    TESTS,
    Changes,
    apply_changes,
    generated_package,
    manifest_file,
    plan_changes,
    recorded_files,
)
from nb2pkg.write.package import write_package
from nb2pkg.write.tree import check_target

# The pitfalls convert also reports (the registry says which); the others repeat
# what the plan reports or do not concern a package (stored outputs).
CONVERT_CHECKS = frozenset(
    code for code, kind in CODES.items() if kind.stage == "checks" and kind.convert
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
        from nb2pkg.checks.execute import execute_and_compare

        compared, _ = execute_and_compare(Path(path), timeout=options.timeout)
        ran = tuple(f for f in compared if selected(f.code, options))
        findings = tuple(sorted(findings + ran, key=Finding.order))
    return CheckResult(Path(path), findings)


def describe(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    options: Options | None = None,
) -> tuple[Plan, tuple[CellRow, ...]]:
    """Return the plan for the notebook at ``path``, and a row per cell.

    ``path`` may be several notebooks or folders, as for ``convert``: the plan is
    the one ``convert`` would follow, and each row names its notebook.
    """
    planned = _plan(path, options or Options(), _no_progress)
    several = len(planned.linked) > 1
    rows = [
        row
        for notebook, analyses in planned.linked
        for row in cell_rows(
            notebook,
            analyses,
            planned.plan,
            notebook_name=notebook.path.name if several else "",
        )
    ]
    return planned.plan, tuple(rows)


@dataclass(frozen=True, slots=True)
class Result:
    """What a conversion produced: the plan, the files, the findings, where.

    ``changes`` is set when an existing generated package was (or, with
    ``check_only``, would be) updated in place.
    """

    plan: Plan
    files: tuple[RenderedFile, ...]
    findings: tuple[Finding, ...]
    output: Path
    written: bool
    changes: Changes | None = None


# Told (stage, done, total) as a conversion goes: "analysing" once per notebook,
# then "planning" and "formatting"; "large" (characters of code, code cells) once,
# before a notebook with LARGE_CODE characters of code or more is analysed.
Progress = Callable[[str, int, int], None]
LARGE_CODE = 1_000_000


def convert(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    options: Options | None = None,
    progress: Progress | None = None,
) -> Result:
    """Convert the notebook at ``path`` into a package.

    ``path`` may also be several notebooks, or folders of them: they become one
    package, a module per notebook (see ``nb2pkg.link``). Writes the package to
    ``options.output`` (default ``./<package name>``) unless ``options.dry_run``
    or ``options.check_only``. A package nb2pkg generated before is updated in
    place, never overwriting a file the user edited. ``progress`` is told how
    the conversion goes.

    Raises:
        Nb2PkgError: the notebook or the options need the user's attention.
    """
    options = options or Options()
    report = progress or _no_progress
    planned = _plan(path, options, report)
    plan = planned.plan
    output = options.output if options.output is not None else Path(plan.package)
    check_target(output, force=options.force, keep=planned.paths)
    count = len(planned.paths)
    report("formatting", count, count)
    files, findings = planned.render(options)
    if options.execute:
        from nb2pkg.checks.verify import verify_package

        findings += verify_package(
            planned.plan,
            planned.fresh,
            files,
            cwd=planned.paths[0].parent,
            timeout=options.timeout,
        )
    record = manifest_file(files, sources=planned.sources, version=TOOL_VERSION)
    files = (*files, record)
    changes = write_package(
        files,
        output,
        keep=planned.paths,
        force=options.force,
        check_only=options.check_only,
        dry_run=options.dry_run,
    )
    return _result(plan, files, findings, output, changes, options)


def regenerate_tests(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    *,
    package: str | os.PathLike[str],
    options: Options | None = None,
) -> Result:
    """Regenerate only the tests of ``package``, which nb2pkg converted before.

    The package's name and layout are read from its manifest (``options.name``
    wins). Test files are updated as ``convert`` updates a package: a test file
    the user edited is kept, with nb2pkg's version beside it as ``.new``; every
    other file of the package is left as it is.

    Raises:
        Nb2PkgError: ``package`` is not a package nb2pkg generated, or the
            notebook needs the user's attention.
    """
    options = options or Options()
    target = Path(package)
    found = generated_package(target)
    if found is None:
        raise InputError(
            f"{target} is not a package nb2pkg generated (no readable {MANIFEST} "
            "naming its package); convert the notebook into it first"
        )
    name, layout = found
    options = replace(
        options, name=options.name or name, layout=layout, tests=True, output=target
    )
    planned = _plan(path, options, _no_progress)
    files, findings = planned.render(options)
    tests = tuple(f for f in files if f.path.parts[0] == TESTS)
    record = manifest_file(
        tests,
        sources=planned.sources,
        version=TOOL_VERSION,
        keep=recorded_files(target, outside=TESTS),
    )
    files = (*tests, record)
    changes = plan_changes(files, target, scope=TESTS)
    if not (options.dry_run or options.check_only):
        apply_changes(changes, target)
    return _result(planned.plan, files, findings, target, changes, options)


@dataclass(frozen=True, slots=True)
class _Planned:
    """The notebooks read, analysed and planned; not yet rendered."""

    paths: tuple[Path, ...]
    plan: Plan
    sources: tuple[tuple[str, str], ...]  # (notebook file name, sha256)
    pitfalls: tuple[Finding, ...]
    fresh: tuple[CellOutput, ...]  # --verify: what each cell printed in a fresh run
    # Each notebook with its analyses as planned (linked to the other notebooks).
    linked: tuple[tuple[Notebook, tuple[CellAnalysis, ...]], ...]

    def render(
        self, options: Options
    ) -> tuple[tuple[RenderedFile, ...], tuple[Finding, ...]]:
        """Return the package's files, and every finding of the conversion."""
        rendered = Store.open("render", self.paths, enabled=options.cache)
        files, render_findings = render_plan(self.plan, options=options, cache=rendered)
        rendered.save()
        findings = (
            self.plan.findings + self.pitfalls + render_findings + _ignored(rendered)
        )
        return files, tuple(sorted(findings, key=Finding.order))


def _result(
    plan: Plan,
    files: tuple[RenderedFile, ...],
    findings: tuple[Finding, ...],
    output: Path,
    changes: Changes | None,
    options: Options,
) -> Result:
    return Result(
        plan=plan,
        files=files,
        findings=findings,
        output=output,
        written=not (options.dry_run or options.check_only),
        changes=changes,
    )


def _ignored(store: Store) -> tuple[Finding, ...]:
    """Return the warning that a cache file was not used, if it was not."""
    if not store.problem:
        return ()
    return (finding("NBP003", f"{store.problem}; this conversion ran without it"),)


def _no_progress(stage: str, done: int, total: int) -> None:
    """Ignore how a conversion goes."""


def _plan(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    options: Options,
    progress: Progress,
) -> _Planned:
    """Read, analyse and plan the notebooks at ``path``."""
    given = [path] if isinstance(path, str | os.PathLike) else list(path)
    paths = notebook_paths([Path(p) for p in given])
    facts = Store.open("facts", paths, enabled=options.cache)
    known = facts if options.cache else None
    notebooks, analyses = _analyse_all(paths, known, options.jobs, progress)
    progress("planning", len(paths), len(paths))
    plan, linked_all = plan_notebooks(notebooks, analyses, options=options)
    planned = tuple(zip(notebooks, linked_all, strict=True))
    several = len(notebooks) > 1
    found = [_pitfalls(nb, linked, options) for nb, linked in planned]
    pitfalls = tuple(
        replace(f, notebook=nb.path.name) if several else f
        for (nb, _), (notebook_pitfalls, _) in zip(planned, found, strict=True)
        for f in notebook_pitfalls
    )
    facts.save()
    return _Planned(
        paths=tuple(paths),
        plan=plan,
        sources=tuple((nb.path.name, nb.sha256) for nb in notebooks),
        pitfalls=pitfalls + _ignored(facts),
        fresh=tuple(cell for _, outputs in found for cell in outputs),
        linked=planned,
    )


# Notebooks smaller than this together are read and analysed in this process.
_WORTH_BYTES = 400_000


def _analyse_all(
    paths: Sequence[Path], known: Store | None, jobs: int | None, progress: Progress
) -> tuple[list[Notebook], list[tuple[CellAnalysis, ...]]]:
    """Return the notebooks at ``paths`` and their analyses, putting the facts
    of their new cells into ``known`` (the cache's facts, None without one).

    With enough work, worker processes read the notebooks and find the facts
    of their new cells; each notebook's analysis is rebuilt from them here as
    it comes back, while the workers go on.
    """
    notebooks: list[Notebook] = []
    analyses: list[tuple[CellAnalysis, ...]] = []
    size = sum(p.stat().st_size for p in paths if p.is_file())
    workers = min(jobs or default_jobs(), len(paths)) > 1 and size > _WORTH_BYTES
    # Without a cache, what the workers send is kept only to rebuild from.
    facts = known if known is not None else Store(None)
    rebuild_from = facts if known is not None or workers else None

    def analysed(notebook: Notebook, found: Mapping[str, object]) -> None:
        for name, value in found.items():
            facts.put(name, value)
        notebooks.append(notebook)
        code = sum(len(c.source) for c in notebook.code_cells)
        if code >= LARGE_CODE:
            progress("large", code, len(notebook.code_cells))
        # A notebook analysed here may spread its own cells over the cores.
        here = 1 if workers else jobs
        analyses.append(analyse_notebook(notebook, jobs=here, known=rebuild_from))
        progress("analysing", len(analyses), len(paths))

    if not workers:
        for path in paths:
            analysed(read_notebook(path), {})
    else:
        pool_map(
            functools.partial(_load, known=frozenset(known.old if known else ())),
            paths,
            jobs=jobs,
            worth=True,
            done=lambda loaded: analysed(*loaded),
        )
    return notebooks, analyses


def _load(path: Path, *, known: frozenset[str]) -> tuple[Notebook, dict[str, object]]:
    """Return a notebook and the facts of its cells not ``known`` (work for a
    worker; see ``analyse.new_facts``)."""
    notebook = read_notebook(path)
    return notebook, new_facts(notebook.code_cells, known)


def _pitfalls(
    notebook: Notebook, analyses: tuple[CellAnalysis, ...], options: Options
) -> tuple[tuple[Finding, ...], tuple[CellOutput, ...]]:
    """Return the hidden-state findings convert reports, and with --verify what
    each cell printed in a fresh kernel; raise on the findings with --strict."""
    pitfalls = tuple(
        f
        for f in check_notebook(notebook, analyses, options=options)
        if f.code in CONVERT_CHECKS
    )
    fresh: tuple[CellOutput, ...] = ()
    if options.execute:
        from nb2pkg.checks.execute import execute_and_compare

        ran, fresh = execute_and_compare(notebook.path, timeout=options.timeout)
        pitfalls += ran
    warnings = [f for f in pitfalls if f.severity >= Severity.WARNING]
    if options.strict and warnings:
        first = warnings[0]
        raise InputError(
            f"{len(warnings)} notebook problems (--strict), first: "
            f"{first.location()}: {first.message} ({first.code}); "
            "run `nb2pkg check` for all of them",
            path=notebook.path,
        )
    return pitfalls, fresh
