"""The command line: flags to Options, findings to the terminal, errors to exit codes.

The only module that prints or exits. Exit codes: 0 done, 2 the user must act
(bad input, existing output), 3 internal error (details in a file), 130 Ctrl-C.
"""

from __future__ import annotations

import gc
import os
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from nb2pkg._version import __version__
from nb2pkg.errors import Finding, Severity

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from nb2pkg.api import CheckResult, Result
    from nb2pkg.model import Plan

T = TypeVar("T")

app = typer.Typer(
    name="nb2pkg",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
    help="Turn Jupyter notebooks into installable, tested Python packages.",
)


def _console() -> Console:
    from rich.console import Console

    # NO_COLOR (no-color.org): rich drops colours but keeps bold and dim; no
    # colour system drops every escape sequence.
    if os.environ.get("NO_COLOR"):
        return Console(stderr=True, highlight=False, soft_wrap=True, color_system=None)
    return Console(stderr=True, highlight=False, soft_wrap=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"nb2pkg {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Show the version."
        ),
    ] = False,
) -> None:
    """Turn Jupyter notebooks into installable, tested Python packages.

    Example: nb2pkg convert experiment.ipynb -o experiment
    """


@app.command()
def convert(
    ctx: typer.Context,
    notebooks: Annotated[
        list[Path],
        typer.Argument(
            help="The notebook (.ipynb) to convert; several notebooks or folders "
            "make one package, a module per notebook."
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Package directory [default: ./<name>]."),
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Import name of the package.")
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Overwrite the files nb2pkg writes, even ones you edited; never "
            "anything else.",
        ),
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List the files; write nothing.")
    ] = False,
    tests: Annotated[
        bool, typer.Option("--tests/--no-tests", help="Generate tests from outputs.")
    ] = True,
    pin: Annotated[
        bool, typer.Option("--pin", help="Pin dependencies to the installed versions.")
    ] = False,
    template_dir: Annotated[
        Path | None,
        typer.Option(
            "--template-dir", help="Templates that override the built-in ones."
        ),
    ] = None,
    verify: Annotated[
        bool,
        typer.Option("--verify", help="Run the notebook in a fresh kernel first."),
    ] = False,
    strict: Annotated[
        bool,
        typer.Option("--strict", help="Refuse notebooks with hidden-state warnings."),
    ] = False,
    check_only: Annotated[
        bool,
        typer.Option(
            "--check", help="Write nothing; exit 1 if the package is out of date."
        ),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff", help="Show how nb2pkg's version of an edited file differs."
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print errors only.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every finding.")
    ] = False,
    mode: Annotated[
        str | None,
        typer.Option(
            "--mode",
            help="auto: analysis places unmarked cells; tagged: only marked cells "
            "[default: tagged for nbdev notebooks, else auto].",
        ),
    ] = None,
    layout: Annotated[
        str,
        typer.Option("--layout", help="src: src/<name>/; flat: <name>/."),
    ] = "src",
    jobs: Annotated[
        int | None,
        typer.Option(
            "--jobs",
            "-j",
            min=1,
            help="Processes for analysing and formatting [default: every core].",
        ),
    ] = None,
    cache: Annotated[
        bool,
        typer.Option(
            "--cache/--no-cache",
            help="Reuse the analysis and formatting of cells and files that did not "
            "change since the last conversion (kept in the user's cache directory).",
        ),
    ] = True,
    debug: Annotated[bool, typer.Option("--debug", hidden=True)] = False,
) -> None:
    """Convert a notebook into a package with tests.

    Settings in [tool.nb2pkg] of the nearest pyproject.toml apply; options given
    here win.

    Examples:

        nb2pkg convert experiment.ipynb --output experiment --name my_experiment

        nb2pkg convert notebooks/ --name mylib
    """
    from nb2pkg.api import convert as run_convert
    from nb2pkg.options import Options
    from nb2pkg.read.config import with_config

    options = Options(
        output=output,
        name=name,
        force=force,
        dry_run=dry_run,
        tests=tests,
        template_dir=template_dir,
        pin=pin,
        strict=strict,
        execute=verify,
        check_only=check_only,
        mode=mode,
        layout=layout,
        jobs=jobs,
        cache=cache,
    )
    given = _given(ctx)
    bar = _Bar(enabled=not quiet)
    try:
        result = _run_guarded(
            lambda: run_convert(
                notebooks,
                options=with_config(options, notebooks[0], given=given),
                progress=bar.update,
            ),
            debug=debug,
        )
    finally:
        bar.stop()
    if dry_run:
        for file in result.files:
            typer.echo(str(result.output / Path(*file.path.parts)))
    if not quiet:
        _report(result, verbose=verbose)
    raise typer.Exit(_changes_outcome(result, check_only=check_only, diff=diff))


class _Bar:
    """A progress bar on a terminal, shown once several notebooks are converted."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def update(self, stage: str, done: int, total: int) -> None:
        if stage == "large":
            if self.enabled:  # not --quiet; said even off a terminal: it is slow
                cells = _count(total, "code cell")
                _console().print(
                    f"nb2pkg: {done / 1e6:.1f} MB of code in {cells}: converting it "
                    "takes a while (about 15 s a MB)",
                    markup=False,
                )
            return
        if not self.enabled:
            return
        if self.progress is None:
            # Decided at the first report: one notebook, or no terminal, no bar.
            console = _console()
            if total <= 1 or not console.is_terminal:
                self.enabled = False
                return
            from rich.progress import Progress

            self.progress = Progress(console=console, transient=True)
            self.progress.start()
            self.task = self.progress.add_task(stage, total=total)
        assert self.task is not None
        self.progress.update(
            self.task, completed=done, description=f"{stage} {done}/{total} notebooks"
        )

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def _changes_outcome(result: Result, *, check_only: bool, diff: bool) -> int:
    """Report an in-place update; return 1 when out of date (--check) or edits kept."""
    from nb2pkg.write.manifest import conflict_diffs

    changes = result.changes
    if changes is None:
        return 0
    console = _console()
    if check_only:
        if changes.up_to_date:
            console.print(f"{result.output} is up to date", markup=False)
            return 0
        count = len(changes.write) + len(changes.conflicts) + len(changes.remove)
        console.print(
            f"{result.output} is out of date: {count} files would change", markup=False
        )
        return 1
    for path in changes.remove:
        console.print(f"  removed {path} (no longer generated)", markup=False)
    for path in changes.kept:
        console.print(
            f"  kept {path}: no longer generated, but you edited it", markup=False
        )
    for path in changes.overwritten:
        console.print(
            f"  overwrote {path}: your edits were replaced (--force)", markup=False
        )
    for name in changes.refused:
        console.print(
            f"  ignored {name!r} in .nb2pkg.json: not a file inside the package",
            markup=False,
        )
    if not changes.conflicts:
        return 0
    if diff:
        for text in conflict_diffs(changes, result.output):
            typer.echo(text, nl=False)
    names = ", ".join(str(f.path) for f in changes.conflicts)
    console.print(
        f"nb2pkg: kept your edits to {names}; the new versions are beside them as "
        "*.new: merge them, then delete the .new files",
        markup=False,
    )
    return 1


@app.command("plan")
def plan_command(
    ctx: typer.Context,
    notebooks: Annotated[
        list[Path],
        typer.Argument(
            help="The notebook (.ipynb) to plan; several notebooks or folders, as "
            "for convert."
        ),
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="Import name of the package.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON on stdout.")
    ] = False,
    mode: Annotated[
        str | None, typer.Option("--mode", help="auto or tagged, as for convert.")
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", hidden=True)] = False,
) -> None:
    """Show, cell by cell, what convert would do; write nothing.

    Examples:

        nb2pkg plan experiment.ipynb --json

        nb2pkg plan notebooks/
    """
    import dataclasses
    import json

    from nb2pkg.api import describe
    from nb2pkg.options import Options
    from nb2pkg.read.config import with_config

    options = Options(name=name, mode=mode)
    given = _given(ctx)
    plan, rows = _run_guarded(
        lambda: describe(
            notebooks, options=with_config(options, notebooks[0], given=given)
        ),
        debug=debug,
    )
    if as_json:
        data = {
            "package": plan.package,
            "cells": [dataclasses.asdict(row) for row in rows],
            "findings": [_finding_json(f) for f in plan.findings],
        }
        typer.echo(json.dumps(data, indent=2))
        return
    from rich.markup import escape
    from rich.table import Table

    several = any(row.notebook for row in rows)
    columns = ["cell", "kind", "marks", "first line", "defines", "reads", "goes to"]
    table = Table(*(["notebook"] if several else []), *columns)
    for row in rows:
        table.add_row(
            *(
                escape(text)
                for text in (
                    *([row.notebook] if several else []),
                    str(row.cell),
                    row.kind,
                    row.marks,
                    row.first_line,
                    ", ".join(row.defines),
                    ", ".join(row.reads),
                    ", ".join(row.goes_to),
                )
            )
        )
    console = _console()
    console.print(table)
    for f in plan.findings:
        if f.severity >= Severity.WARNING:
            where = f.location()
            console.print(
                f"{where + ': ' if where else ''}{f.message} ({f.code})", markup=False
            )


@app.command("tests")
def regenerate_command(
    ctx: typer.Context,
    notebooks: Annotated[
        list[Path],
        typer.Argument(help="The notebook(s) the package was converted from."),
    ],
    package: Annotated[
        Path,
        typer.Option("--package", "-p", help="The package nb2pkg converted them into."),
    ],
    name: Annotated[
        str | None,
        typer.Option("--name", help="Import name [default: the package's own]."),
    ] = None,
    check_only: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 if tests are out of date."),
    ] = False,
    diff: Annotated[
        bool,
        typer.Option(
            "--diff", help="Show how nb2pkg's version of an edited test differs."
        ),
    ] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Print errors only.")
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", hidden=True)] = False,
) -> None:
    """Regenerate only the tests of a package converted before.

    Run it after re-running the notebook: the tests follow its new outputs. The
    package's other files are not touched; a test file you edited is kept, and
    nb2pkg's version is written beside it as .new.

    Example:

        nb2pkg tests experiment.ipynb --package experiment
    """
    from nb2pkg.api import regenerate_tests
    from nb2pkg.options import Options
    from nb2pkg.read.config import with_config

    options = Options(name=name, check_only=check_only)
    given = _given(ctx)
    result = _run_guarded(
        lambda: regenerate_tests(
            notebooks,
            package=package,
            options=with_config(options, notebooks[0], given=given),
        ),
        debug=debug,
    )
    if not quiet:
        _tests_report(result)
    raise typer.Exit(_changes_outcome(result, check_only=check_only, diff=diff))


def _tests_report(result: Result) -> None:
    from nb2pkg.model import TestKind

    tests = result.plan.tests
    stubs = sum(t.kind is TestKind.STUB for t in tests)
    console = _console()
    console.print(
        f"  tests: {len(tests) - stubs} from stored outputs, {stubs} stubs to fill in",
        markup=False,
    )
    changes = result.changes
    if changes is not None and result.written:
        console.print(
            f"Updated the tests of {result.output}: {len(changes.written)} files "
            f"written, {len(changes.remove)} removed, {len(changes.unchanged)} "
            "unchanged",
            markup=False,
        )


def _given(ctx: typer.Context) -> frozenset[str]:
    """Return the Options fields set on the command line (they beat the config)."""
    # Each of these parameters has the name of the Options field it sets.
    fields = ("name", "mode", "layout", "template_dir", "tests", "pin")
    return frozenset(
        field
        for field in fields
        if field in ctx.params
        and getattr(ctx.get_parameter_source(field), "name", "") == "COMMANDLINE"
    )


def _codes(value: str | None) -> frozenset[str]:
    return frozenset(c.strip().upper() for c in (value or "").split(",") if c.strip())


@app.command()
def check(
    notebooks: Annotated[
        list[Path], typer.Argument(help="Notebooks (.ipynb) to check.")
    ],
    output_format: Annotated[
        str, typer.Option("--format", help="text (on stderr) or json (on stdout).")
    ] = "text",
    select: Annotated[
        str | None,
        typer.Option("--select", help="Only these codes or prefixes (NBP1)."),
    ] = None,
    ignore: Annotated[
        str | None, typer.Option("--ignore", help="Never these codes or prefixes.")
    ] = None,
    no_outputs: Annotated[
        bool, typer.Option("--no-outputs", help="Stored outputs are an error.")
    ] = False,
    max_output_size: Annotated[
        int, typer.Option("--max-output-size", help="Characters of output per cell.")
    ] = 100_000,
    execute: Annotated[
        bool,
        typer.Option("--execute", help="Run in a fresh kernel; compare the outputs."),
    ] = False,
    timeout: Annotated[
        int, typer.Option("--timeout", help="Seconds per cell with --execute.")
    ] = 60,
    debug: Annotated[bool, typer.Option("--debug", hidden=True)] = False,
) -> None:
    """Find hidden state and other pitfalls, without running the notebook.

    Exit code 0 when clean, 1 when a warning or error is found, 2 on bad input.
    Silence a line with `# nb2pkg: noqa` or `# nb2pkg: noqa: NBP101`.

    Example: nb2pkg check analysis.ipynb --ignore NBP107 --format json
    """
    import functools
    import json

    from nb2pkg.api import check as run_check
    from nb2pkg.options import Options

    if output_format not in ("text", "json"):
        raise typer.BadParameter("use text or json", param_hint="--format")
    options = Options(
        select=_codes(select),
        ignore=_codes(ignore),
        no_outputs=no_outputs,
        max_output_bytes=max_output_size,
        execute=execute,
        timeout=timeout,
    )
    results: list[CheckResult] = []
    errors: list[str] = []
    console = _console()
    for path in notebooks:
        try:
            action = functools.partial(run_check, path, options=options)
            results.append(_run_guarded(action, debug=debug))
        except typer.Exit as stop:
            if stop.exit_code != 2:
                raise
            errors.append(str(path))
    if output_format == "json":
        typer.echo(json.dumps(_check_json(results, errors), indent=2))
    else:
        for result in results:
            for f in result.findings:
                where = f.location()
                console.print(
                    f"{result.path}:{' ' + where + ':' if where else ''} {f.code} "
                    f"[{f.severity.name.lower()}] {f.message}",
                    markup=False,
                )
        total = sum(len(r.findings) for r in results)
        console.print(f"{total} findings in {len(results)} notebooks", markup=False)
    if errors:
        raise typer.Exit(2)
    raise typer.Exit(1 if any(r.failed() for r in results) else 0)


def _finding_json(f: Finding) -> dict[str, object]:
    return {
        "code": f.code,
        "severity": f.severity.name.lower(),
        "message": f.message,
        "cell": f.cell,
        "line": f.line,
    }


def _check_json(results: list[CheckResult], errors: list[str]) -> dict[str, object]:
    counts: Counter[str] = Counter(f.code for r in results for f in r.findings)
    return {
        "notebooks": [
            {
                "path": str(r.path),
                "findings": [_finding_json(f) for f in r.findings],
            }
            for r in results
        ],
        "errors": errors,
        "counts": dict(sorted(counts.items())),
    }


def _run_guarded(action: Callable[[], T], *, debug: bool) -> T:
    """Run ``action``, turning every exception into a message and an exit code."""
    from nb2pkg.errors import Nb2PkgError

    try:
        return action()
    except Nb2PkgError as exc:
        if debug:
            raise
        _console().print(f"nb2pkg: error: {exc}", markup=False)
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        _console().print("nb2pkg: interrupted; nothing was written", markup=False)
        raise typer.Exit(130) from None
    except Exception as exc:
        if debug:
            raise
        with tempfile.NamedTemporaryFile(
            "w", prefix="nb2pkg-error-", suffix=".log", delete=False
        ) as handle:
            traceback.print_exc(file=handle)
        message = (
            f"nb2pkg: internal error: {type(exc).__name__}: {exc}. This is a bug; "
            f"please report it with {handle.name}"
        )
        _console().print(message, markup=False)
        raise typer.Exit(3) from None


def _tune_gc() -> None:
    """Make Python's cycle collector run rarely, for this short-lived process.

    A conversion builds millions of small objects (syntax trees) that live until
    it ends, and few cycles: with the default thresholds the collector walks
    them again and again, a tenth of a conversion's time. Only ``main`` does
    this, as it owns the process: the library, and the tests that call the
    commands in their own process, leave the collector as it was.
    """
    gc.freeze()
    gc.set_threshold(_GC_YOUNG, *gc.get_threshold()[1:])


# Allocations between two collections of the youngest generation (Python: 700).
_GC_YOUNG = 50_000


def _report(result: Result, *, verbose: bool) -> None:
    from rich.markup import escape

    from nb2pkg.errors import CODES, Severity

    console = _console()
    plan = result.plan
    quiet_codes: Counter[str] = Counter()
    for f in result.findings:
        if f.severity < Severity.WARNING and not verbose:
            quiet_codes[f.code] += 1
            continue
        where = f.location()
        prefix = f"{where}: " if where else ""
        style = "red" if f.severity >= Severity.ERROR else "yellow"
        label = f.severity.name.lower()
        # Messages quote the notebook: its brackets are text, never rich markup.
        text = escape(f"{prefix}{f.message}")
        console.print(f"[{style}]{label}[/] {text} [dim]({f.code})[/]")
    for code, count in sorted(quiet_codes.items()):
        console.print(
            f"[dim]{count} x {CODES[code].meaning} ({code}); --verbose lists them[/]"
        )
    console.print(_summary_table(plan))
    changes = result.changes
    if changes is not None and result.written:
        console.print(
            f"Updated {result.output}: {len(changes.written)} files written, "
            f"{len(changes.unchanged)} unchanged",
            markup=False,
        )
    elif result.written:
        console.print(
            f"Wrote {len(result.files)} files to {result.output}", markup=False
        )
    elif not changes:
        console.print(
            f"Would write {len(result.files)} files to {result.output}", markup=False
        )


def _summary_table(plan: Plan) -> Table:
    """Return a table of the package's modules: what each holds, and its tests."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    from nb2pkg.model import Kind, TestKind

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("module")
    table.add_column("holds")
    table.add_column("tests", justify="right")
    table.add_column("stubs", justify="right")
    for module in plan.modules:
        kinds = Counter(s.kind for s in module.body)
        holds = ", ".join(
            _count(kinds[kind], word)
            for kind, word in (
                (Kind.DEF, "function"),
                (Kind.CLASS, "class"),
                (Kind.ASSIGN, "constant"),
            )
            if kinds[kind]
        )
        tests = Counter(
            t.kind is TestKind.STUB for t in plan.tests if t.module == module.name
        )
        table.add_row(
            escape(f"{plan.package}/{module.path}"),
            holds or "imports only",
            str(tests[False]),
            str(tests[True]),
        )
    for pipeline in plan.pipelines:
        cells = len({s.cell for s in pipeline.steps})
        steps = _count(len(pipeline.functions), "step")
        table.add_row(
            escape(f"{plan.package}/{pipeline.path}"),
            f"run(): {steps}, {_count(cells, 'loose cell')}",
            "",
            "",
        )
    return table


def _count(number: int, word: str) -> str:
    """Return ``1 class``, ``2 classes``, ``3 functions``."""
    if number == 1:
        return f"1 {word}"
    return f"{number} {word}es" if word.endswith("s") else f"{number} {word}s"


def main() -> None:
    """Run the nb2pkg command line."""
    _tune_gc()
    try:
        app(prog_name="nb2pkg")
    finally:
        # Python walks every object once more as it exits; what the command made
        # is freed anyway.
        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
