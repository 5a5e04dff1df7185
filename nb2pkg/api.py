"""The library API: compose the stages read -> analyse -> plan -> render -> write."""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from pathlib import Path

from nb2pkg._version import __version__ as TOOL_VERSION
from nb2pkg.analyse.batch import Progress, analyse_paths, followed_runs
from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.cache import Store, cache_dir
from nb2pkg.checks.pitfalls import check_notebook, convert_pitfalls, selected
from nb2pkg.checks.verify import CellOutput
from nb2pkg.errors import (
    Finding,
    InputError,
    Nb2PkgError,
    Severity,
    finding,
)
from nb2pkg.model import CellAnalysis, Notebook, Plan, RenderedFile
from nb2pkg.options import Options, Running, normalise_name
from nb2pkg.parallel import later
from nb2pkg.plan.merge import plan_notebooks
from nb2pkg.plan.table import CellRow, cell_rows
from nb2pkg.read.notebook import read_notebook, schema_findings
from nb2pkg.read.search import notebook_paths
from nb2pkg.render.files import render_plan
from nb2pkg.render.formatting import black_worker
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
    findings = check_notebook(notebook, analyses, checking=options.checking)
    if options.execute:
        from nb2pkg.checks.execute import execute_and_compare

        compared, _ = execute_and_compare(notebook, timeout=options.timeout)
        ran = tuple(f for f in compared if selected(f.code, options.checking))
        findings = tuple(sorted(findings + ran, key=Finding.order))
    return CheckResult(Path(path), findings)


def check_all(
    paths: Sequence[str | os.PathLike[str]],
    *,
    options: Options | None = None,
    progress: Progress | None = None,
) -> tuple[tuple[CheckResult, ...], tuple[tuple[Path, str], ...]]:
    """Return the pitfalls of every notebook ``paths`` name, and the errors.

    A folder gives its notebooks, as for ``convert``; a notebook that cannot
    be read is an error, (its path, what is wrong), and the others are still
    checked. ``progress`` is told ("checking", done, total).
    """
    options = options or Options()
    tell = progress or _no_progress
    found: list[Path] = []
    errors: list[tuple[Path, str]] = []
    for given in map(Path, paths):
        try:
            found += notebook_paths([given], exclude=options.exclude)
        except Nb2PkgError as exc:
            errors.append((given, str(exc)))
    results = []
    for done, path in enumerate(found, start=1):
        try:
            results.append(check(path, options=options))
        except Nb2PkgError as exc:
            errors.append((path, str(exc)))
        tell("checking", done, len(found))
    return tuple(results), tuple(errors)


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
    with black_worker(options.jobs) as worker:  # black imports as the plan is made
        planned = _plan(path, options, report, worker)
        plan = planned.plan
        output = options.output if options.output is not None else Path(plan.package)
        check_target(output, force=options.force, keep=planned.paths)
        report("formatting", len(planned.paths), len(planned.paths))
        files, findings = planned.render(options, worker)
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
        self, options: Options, worker: Executor | None = None
    ) -> tuple[tuple[RenderedFile, ...], tuple[Finding, ...]]:
        """Return the package's files, and every finding of the conversion."""
        store = _store("render", self.paths, options.running)
        rendered = render_plan(
            self.plan,
            generation=options.generation,
            jobs=options.jobs,
            known=store.entries,
            worker=worker,
        )
        store.save(rendered.cache)
        findings = (
            self.plan.findings + self.pitfalls + rendered.findings + _ignored(store)
        )
        return rendered.files, tuple(sorted(findings, key=Finding.order))


def _store(kind: str, paths: Sequence[Path], running: Running) -> Store:
    """Open the cache store of ``kind`` for ``paths``, disabled without --cache."""
    folder = (running.cache_dir or cache_dir()) if running.cache else None
    return Store.open(kind, paths, folder=folder, keys=running.config_dir)


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


def _followed(path: Path, followed: Sequence[Path]) -> tuple[Finding, ...]:
    """Return a note per notebook converted because ``path`` runs it."""
    return tuple(
        finding(
            "NBP612",
            f"`%run {os.path.relpath(other, path.parent)}` followed: that notebook "
            "is converted with this one, as the kernel ran it",
        )
        for other in followed
    )


def _no_progress(stage: str, done: int, total: int) -> None:
    """Ignore how a conversion goes."""


def _plan(
    path: str | os.PathLike[str] | Sequence[str | os.PathLike[str]],
    options: Options,
    progress: Progress,
    worker: Executor | None = None,
) -> _Planned:
    """Read, analyse and plan the notebooks at ``path``; ``worker`` checks their
    nbformat schema meanwhile."""
    given = [path] if isinstance(path, str | os.PathLike) else list(path)
    paths = notebook_paths([Path(p) for p in given], exclude=options.exclude)
    facts = _store("facts", paths, options.running)
    known = facts.entries if options.cache else None
    schema = [later(worker, schema_findings, p) for p in paths] if worker else []
    notebooks, analyses, entries = analyse_paths(
        paths, known=known, jobs=options.jobs, progress=progress, schema=not worker
    )
    followed = followed_runs(notebooks[0]) if len(given) == len(paths) == 1 else []
    if followed:  # converted alone, it brings the notebooks it %runs, by its name
        options = replace(options, name=options.name or normalise_name(paths[0].stem))
        schema += (
            [later(worker, schema_findings, p) for p in followed] if worker else []
        )
        more = analyse_paths(
            followed,
            known=known,
            jobs=options.jobs,
            progress=progress,
            schema=not worker,
        )
        notebooks, analyses = [*notebooks, *more[0]], [*analyses, *more[1]]
        entries.update(more[2])
        paths = [*paths, *followed]
    progress("planning", len(paths), len(paths))
    plan, linked_all = plan_notebooks(
        notebooks, analyses, generation=options.generation
    )
    planned = tuple(zip(notebooks, linked_all, strict=True))
    several = len(notebooks) > 1
    found = [convert_pitfalls(nb, linked, options.checking) for nb, linked in planned]
    # What the worker found wrong with each notebook's schema (else found on reading).
    checked = [result() for result in schema] if worker else [() for _ in planned]
    pitfalls = tuple(
        replace(f, notebook=nb.path.name) if several else f
        for (nb, _), (own, _), by_schema in zip(planned, found, checked, strict=True)
        for f in (*by_schema, *own)
    )
    facts.save(entries)
    return _Planned(
        paths=tuple(paths),
        plan=plan,
        sources=tuple((nb.path.name, nb.sha256) for nb in notebooks),
        pitfalls=pitfalls + _ignored(facts) + _followed(paths[0], followed),
        fresh=tuple(cell for _, outputs in found for cell in outputs),
        linked=planned,
    )
