"""The command line: flags to Options, results to ``report``, errors to exit codes.

With ``report``, the only module that prints; the only one that exits. Exit
codes: 0 done, 1 out of date or edits kept, 2 the user must act (bad input,
existing output), 3 internal error (details in a file), 130 Ctrl-C.
"""

from __future__ import annotations

import enum
import gc
import os
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer

from nb2pkg import flags, report
from nb2pkg._version import __version__
from nb2pkg.report import data

if TYPE_CHECKING:
    from nb2pkg.options import Options

T = TypeVar("T")

app = typer.Typer(
    name="nb2pkg",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=True,
    help="Turn Jupyter notebooks into installable, tested Python packages.",
)


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
    notebooks: flags.Notebooks,
    output: flags.OutputOption = None,
    name: flags.NameOption = None,
    force: flags.ForceOption = False,
    dry_run: flags.DryRunOption = False,
    tests: flags.TestsOption = True,
    pin: flags.PinOption = False,
    template_dir: flags.TemplateDirOption = None,
    execute: flags.VerifyOption = False,
    strict: flags.StrictOption = False,
    check_only: flags.CheckOption = False,
    diff: flags.DiffOption = False,
    quiet: flags.QuietOption = False,
    verbose: flags.VerboseOption = False,
    mode: flags.ModeOption = None,
    layout: flags.LayoutOption = flags.LayoutChoice.src,
    jobs: flags.JobsOption = None,
    cache: flags.CacheOption = True,
    debug: flags.DebugOption = False,
) -> None:
    """Convert a notebook into a package with tests.

    Settings in [tool.nb2pkg] of the nearest pyproject.toml apply; options given
    here win.

    Examples:

        nb2pkg convert experiment.ipynb --output experiment --name my_experiment

        nb2pkg convert notebooks/ --name mylib
    """
    from nb2pkg.api import convert as run_convert

    options = _options(ctx)
    options = _configured(ctx, options, notebooks, debug=debug)
    bar = report.Bar(enabled=not quiet)
    try:
        result = _run_guarded(
            lambda: run_convert(notebooks, options=options, progress=bar.update),
            debug=debug,
        )
    finally:
        bar.stop()
    if dry_run:
        report.file_list(result)
    if not quiet:
        report.convert_report(result, verbose=verbose)
    outcome = report.changes_outcome(result, check_only=check_only, diff=diff)
    raise typer.Exit(max(outcome, report.verify_outcome(result)))


@app.command("plan")
def plan_command(
    ctx: typer.Context,
    notebooks: flags.Notebooks,
    name: flags.NameOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print JSON on stdout.")
    ] = False,
    mode: flags.ModeOption = None,
    debug: flags.DebugOption = False,
) -> None:
    """Show, cell by cell, what convert would do; write nothing.

    Examples:

        nb2pkg plan experiment.ipynb --json

        nb2pkg plan notebooks/
    """
    from nb2pkg.api import describe

    options = _configured(ctx, _options(ctx), notebooks, debug=debug)
    plan, rows = _run_guarded(lambda: describe(notebooks, options=options), debug=debug)
    if as_json:
        typer.echo(data.plan_json(plan, rows))
    else:
        report.plan_table(plan, rows)


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
    diff: flags.DiffOption = False,
    quiet: flags.QuietOption = False,
    debug: flags.DebugOption = False,
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

    options = Options(name=name, check_only=check_only)
    options = _configured(ctx, options, notebooks, debug=debug)
    result = _run_guarded(
        lambda: regenerate_tests(notebooks, package=package, options=options),
        debug=debug,
    )
    if not quiet:
        report.tests_report(result)
    raise typer.Exit(report.changes_outcome(result, check_only=check_only, diff=diff))


def _options(ctx: typer.Context) -> Options:
    """Return the Options the command's parameters set (each is named after one)."""
    import dataclasses

    from nb2pkg.options import Options

    fields = {field.name for field in dataclasses.fields(Options)}
    # A choice (``--mode tagged``) is given as its plain string.
    params: dict[str, Any] = {
        k: v.value if isinstance(v, enum.Enum) else v
        for k, v in ctx.params.items()
        if k in fields
    }
    params.update(_folders())
    return Options(**params)


def _folders() -> dict[str, Path]:
    """Return the cache and config folders the environment chooses, if any."""
    chosen = {"cache_dir": "NB2PKG_CACHE_DIR", "config_dir": "NB2PKG_CONFIG_DIR"}
    return {k: Path(os.environ[v]) for k, v in chosen.items() if os.environ.get(v)}


def _configured(
    ctx: typer.Context, options: Options, notebooks: list[Path], *, debug: bool
) -> Options:
    """Return ``options`` with the config's settings for what the flags left unset."""
    from nb2pkg.read.config import with_config

    given = _given(ctx)
    return _run_guarded(
        lambda: with_config(options, notebooks[0], given=given), debug=debug
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
    notebooks: flags.CheckedNotebooks,
    output_format: flags.FormatOption = flags.FormatChoice.text,
    select: flags.SelectOption = None,
    ignore: flags.IgnoreOption = None,
    no_outputs: flags.NoOutputsOption = False,
    max_output_size: flags.MaxOutputOption = 100_000,
    execute: flags.ExecuteOption = False,
    timeout: flags.TimeoutOption = 60,
    quiet: flags.QuietOption = False,
    debug: flags.DebugOption = False,
) -> None:
    """Find hidden state and other pitfalls, without running the notebook.

    Exit code 0 when clean, 1 when a warning or error is found, 2 on bad input.
    Silence a line with `# nb2pkg: noqa` or `# nb2pkg: noqa: NBP101`.

    Notebooks and folders of them, as for convert.

    Example: nb2pkg check analysis.ipynb --ignore NBP107 --format json
    """
    import functools

    from nb2pkg.api import CheckResult
    from nb2pkg.api import check as run_check
    from nb2pkg.options import Options
    from nb2pkg.read.search import notebook_paths

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
    # A folder gives its notebooks; a file is checked as given (its error is its own).
    found: list[Path] = []
    for given in notebooks:
        inside = functools.partial(notebook_paths, [given])
        found += _run_guarded(inside, debug=debug) if given.is_dir() else [given]
    for path in found:
        try:
            action = functools.partial(run_check, path, options=options)
            results.append(_run_guarded(action, debug=debug))
        except typer.Exit as stop:
            if stop.exit_code != 2:
                raise
            errors.append(str(path))
    if output_format is flags.FormatChoice.json:
        typer.echo(data.check_json(results, errors))
    elif results:  # the errors said it all otherwise
        report.check_text(results, summary=not quiet)
    raise typer.Exit(report.check_outcome(results, errors))


def _run_guarded(action: Callable[[], T], *, debug: bool) -> T:
    """Run ``action``, turning every exception into a message and an exit code."""
    from nb2pkg.errors import Nb2PkgError

    try:
        return action()
    except Nb2PkgError as exc:
        if debug:
            raise
        report.say(f"nb2pkg: error: {exc}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        report.say("nb2pkg: interrupted; nothing was written")
        raise typer.Exit(130) from None
    except Exception as exc:
        if debug:
            raise
        with tempfile.NamedTemporaryFile(
            "w", prefix="nb2pkg-error-", suffix=".log", delete=False
        ) as handle:
            traceback.print_exc(file=handle)
        report.say(
            f"nb2pkg: internal error: {type(exc).__name__}: {exc}. This is a bug; "
            f"please report it with {handle.name}"
        )
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
