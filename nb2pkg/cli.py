"""The command line: flags to Options, results to ``report``, errors to exit codes.

With ``report``, the only module that prints; the only one that exits. Exit
codes: 0 done, 1 out of date or edits kept, 2 the user must act (bad input,
existing output), 3 internal error (details in a file), 130 Ctrl-C.
"""

from __future__ import annotations

import enum
import gc
import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from nb2pkg import flags
from nb2pkg._version import __version__

if TYPE_CHECKING:
    from nb2pkg.options import Options

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
    notebooks: flags.Notebooks = None,
    output: flags.OutputOption = None,
    name: flags.NameOption = None,
    force: flags.ForceOption = False,
    dry_run: flags.DryRunOption = False,
    tests: flags.TestsOption = True,
    pin: flags.PinOption = False,
    cell_comments: flags.CellCommentsOption = True,
    template_dir: flags.TemplateDirOption = None,
    execute: flags.VerifyOption = False,
    strict: flags.StrictOption = False,
    check_only: flags.CheckOption = False,
    diff: flags.DiffOption = False,
    mode: flags.ModeOption = None,
    layout: flags.LayoutOption = flags.LayoutChoice.src,
    exclude: flags.ExcludeOption = None,
    jobs: flags.JobsOption = None,
    cache: flags.CacheOption = True,
    output_format: flags.FormatOption = flags.FormatChoice.text,
    quiet: flags.QuietOption = False,
    verbose: flags.VerboseOption = False,
    color: flags.ColorOption = None,
    debug: flags.DebugOption = False,
) -> None:
    """Convert a notebook into a package with tests.

    Settings in [tool.nb2pkg] of the nearest pyproject.toml apply; options given
    here win.

    Examples:

        nb2pkg convert experiment.ipynb --output experiment --name my_experiment

        nb2pkg convert notebooks/ --name mylib
    """
    from nb2pkg import report
    from nb2pkg.api import convert as run_convert
    from nb2pkg.report import data

    inputs, options = _setting_up(ctx, notebooks, color=color, debug=debug)
    as_json = output_format is flags.FormatChoice.json
    bar = report.Bar(enabled=not (quiet or as_json))
    try:
        result = report.guarded(
            lambda: run_convert(inputs, options=options, progress=bar.update),
            debug=debug,
        )
    finally:
        bar.stop()
    if as_json:
        typer.echo(data.convert_json(result))
    elif dry_run:
        report.file_list(result)
    if not (quiet or as_json):
        report.convert_report(result, verbose=verbose)
    outcome = report.changes_outcome(result, check_only=check_only, diff=diff)
    raise typer.Exit(max(outcome, report.verify_outcome(result)))


@app.command("plan")
def plan_command(
    ctx: typer.Context,
    notebooks: flags.Notebooks = None,
    name: flags.NameOption = None,
    mode: flags.ModeOption = None,
    exclude: flags.ExcludeOption = None,
    output_format: flags.FormatOption = flags.FormatChoice.text,
    as_json: Annotated[bool, typer.Option("--json", hidden=True)] = False,
    quiet: flags.QuietOption = False,
    verbose: flags.VerboseOption = False,
    color: flags.ColorOption = None,
    debug: flags.DebugOption = False,
) -> None:
    """Show, cell by cell, what convert would do; write nothing.

    The table goes to stdout, the findings to stderr.

    Examples:

        nb2pkg plan experiment.ipynb --format json

        nb2pkg plan notebooks/
    """
    from nb2pkg import report
    from nb2pkg.api import describe
    from nb2pkg.report import data

    inputs, options = _setting_up(ctx, notebooks, color=color, debug=debug)
    plan, rows = report.guarded(lambda: describe(inputs, options=options), debug=debug)
    if as_json or output_format is flags.FormatChoice.json:
        typer.echo(data.plan_json(plan, rows))
    else:
        report.plan_table(plan, rows, findings=not quiet, verbose=verbose)


@app.command("tests")
def regenerate_command(
    ctx: typer.Context,
    notebooks: Annotated[
        list[Path],
        typer.Argument(
            metavar="NOTEBOOK...",
            help="The notebook(s) the package was converted from.",
        ),
    ],
    package: Annotated[
        Path,
        typer.Option(
            "--package",
            "-p",
            metavar="DIR",
            help="The package nb2pkg converted them into.",
        ),
    ],
    name: Annotated[
        str | None,
        typer.Option(
            "--name", metavar="NAME", help="Import name [default: the package's own]."
        ),
    ] = None,
    check_only: Annotated[
        bool,
        typer.Option("--check", help="Write nothing; exit 1 if tests are out of date."),
    ] = False,
    diff: flags.DiffOption = False,
    output_format: flags.FormatOption = flags.FormatChoice.text,
    quiet: flags.QuietOption = False,
    verbose: flags.VerboseOption = False,
    color: flags.ColorOption = None,
    debug: flags.DebugOption = False,
) -> None:
    """Regenerate only the tests of a package converted before.

    Run it after re-running the notebook: the tests follow its new outputs. The
    package's other files are not touched; a test file you edited is kept, and
    nb2pkg's version is written beside it as .new.

    Example:

        nb2pkg tests experiment.ipynb --package experiment
    """
    from nb2pkg import report
    from nb2pkg.api import regenerate_tests
    from nb2pkg.report import data

    inputs, options = _setting_up(ctx, notebooks, color=color, debug=debug)
    result = report.guarded(
        lambda: regenerate_tests(inputs, package=package, options=options),
        debug=debug,
    )
    if output_format is flags.FormatChoice.json:
        typer.echo(data.convert_json(result))
    elif not quiet:
        report.regenerated_report(result, verbose=verbose)
    raise typer.Exit(report.changes_outcome(result, check_only=check_only, diff=diff))


@app.command()
def check(
    ctx: typer.Context,
    notebooks: flags.CheckedNotebooks = None,
    select: flags.SelectOption = None,
    ignore: flags.IgnoreOption = None,
    no_outputs: flags.NoOutputsOption = False,
    max_output_bytes: flags.MaxOutputOption = 100_000,
    execute: flags.ExecuteOption = False,
    timeout: flags.TimeoutOption = 60,
    exclude: flags.ExcludeOption = None,
    output_format: flags.FormatOption = flags.FormatChoice.text,
    quiet: flags.QuietOption = False,
    verbose: flags.VerboseOption = False,
    color: flags.ColorOption = None,
    debug: flags.DebugOption = False,
) -> None:
    """Find hidden state and other pitfalls, without running the notebook.

    Exit code 0 when clean, 1 when a warning or error is found, 2 on bad input.
    Silence a line with `# nb2pkg: noqa` or `# nb2pkg: noqa: NBP101`.
    Settings in [tool.nb2pkg] apply, as for convert.

    Example: nb2pkg check analysis.ipynb --ignore NBP107 --format json
    """
    from nb2pkg import report
    from nb2pkg.api import check_all
    from nb2pkg.report import data

    inputs, options = _setting_up(ctx, notebooks, color=color, debug=debug)
    bar = report.Bar(enabled=not quiet and output_format is flags.FormatChoice.text)
    try:
        results, errors = report.guarded(
            lambda: check_all(inputs, options=options, progress=bar.update),
            debug=debug,
        )
    finally:
        bar.stop()
    for _, message in errors:
        report.say(f"nb2pkg: error: {message}")
    if output_format is flags.FormatChoice.json:
        typer.echo(data.check_json(results, [str(p) for p, _ in errors]))
    elif results:  # the errors said it all otherwise
        report.check_text(results, summary=not quiet, verbose=verbose)
    raise typer.Exit(report.check_outcome(results, errors))


def _setting_up(
    ctx: typer.Context, notebooks: list[Path] | None, *, color: bool | None, debug: bool
) -> tuple[list[Path], Options]:
    """Return the notebooks to work on and the options, config applied."""
    from nb2pkg import report
    from nb2pkg.read.config import with_config

    report.colour(color)
    inputs = report.guarded(lambda: _inputs(notebooks or []), debug=debug)
    options = _options(ctx)
    given = _given(ctx)
    start = inputs[0] if inputs else Path.cwd()
    configured = report.guarded(
        lambda: with_config(options, start, given=given), debug=debug
    )
    return inputs, configured


def _inputs(given: list[Path]) -> list[Path]:
    """Return the notebooks to work on (``config.package_inputs``), saying
    which of those given are left out."""
    from nb2pkg import report
    from nb2pkg.read.config import package_inputs

    inputs, left_out = package_inputs(given, start=Path.cwd())
    for path in left_out:
        report.say(
            f"nb2pkg: {path} is not one of the notebooks [tool.nb2pkg] names; left out"
        )
    return inputs


def _options(ctx: typer.Context) -> Options:
    """Return the Options the command's parameters set (each is named after one)."""
    import dataclasses

    from nb2pkg.options import Options

    fields = {field.name for field in dataclasses.fields(Options)}
    params: dict[str, Any] = {}
    for key, value in ctx.params.items():
        if key not in fields or value is None:
            continue
        # A choice (``--mode tagged``) is given as its plain string; codes as a set.
        if isinstance(value, enum.Enum):
            value = value.value
        params[key] = _codes(value) if key in ("select", "ignore") else value
    params.update(_folders())
    return Options(**params)


def _folders() -> dict[str, Path]:
    """Return the cache and config folders the environment chooses, if any."""
    chosen = {"cache_dir": "NB2PKG_CACHE_DIR", "config_dir": "NB2PKG_CONFIG_DIR"}
    return {k: Path(os.environ[v]) for k, v in chosen.items() if os.environ.get(v)}


def _given(ctx: typer.Context) -> frozenset[str]:
    """Return the parameters set on the command line (they beat the config)."""
    return frozenset(
        key
        for key in ctx.params
        if getattr(ctx.get_parameter_source(key), "name", "") == "COMMANDLINE"
    )


def _codes(value: str) -> frozenset[str]:
    return frozenset(c.strip().upper() for c in value.split(",") if c.strip())


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
    """Run the nb2pkg command line. Ctrl-C at any moment prints one line and
    exits 130, however far the command had come."""
    _tune_gc()
    try:
        app(prog_name="nb2pkg")
    except (KeyboardInterrupt, RuntimeError) as exc:  # out of typer: see by_ctrl_c
        from nb2pkg.errors import by_ctrl_c

        if by_ctrl_c(exc):
            _interrupted()
        raise
    except SystemExit as stop:
        if stop.code == 130:  # typer's silent exit for Ctrl-C in a command
            _interrupted()
        raise
    finally:
        # Python walks every object once more as it exits; what the command made
        # is freed anyway.
        gc.freeze()


def _interrupted() -> None:
    from nb2pkg import report

    report.interrupted()  # unless the command already said so
    raise SystemExit(130)


if __name__ == "__main__":  # pragma: no cover
    main()
