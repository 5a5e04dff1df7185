"""Results to words: the text, tables and JSON the commands print, and exit codes.

Everything a person or a program reads after a command ran is made here, so the
command line only maps flags to options. Text goes to stderr (the console),
JSON and diffs to stdout. Notebook text is always printed as text, never as
rich markup: a bracket in a cell is a bracket on the screen.
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from nb2pkg.errors import CODES, Severity, by_ctrl_c
from nb2pkg.model import Kind, TestKind

if TYPE_CHECKING:
    from rich.console import Console
    from rich.progress import Progress, TaskID
    from rich.table import Table

    from nb2pkg.api import CheckResult, Result
    from nb2pkg.model import Plan
    from nb2pkg.plan.table import CellRow
    from nb2pkg.write.manifest import Changes

T = TypeVar("T")


# --color/--no-color, when given: beats NO_COLOR and the terminal test.
_COLOUR: list[bool | None] = [None]


def colour(choice: bool | None) -> None:
    """Colour the text (True), never (False), or on a terminal unless NO_COLOR."""
    _COLOUR[0] = choice


def console(*, data: bool = False) -> Console:
    """Return the console on stderr (``data``: on stdout, for what a command
    outputs), without colour when NO_COLOR is set or --no-color given.

    What goes to a pipe or a file is never cut to a terminal's width; on a
    terminal, text wraps between words.
    """
    from rich.console import Console

    stream = sys.stdout if data else sys.stderr
    terminal = stream.isatty()
    options: dict[str, object] = {"highlight": False, "soft_wrap": not terminal}
    if not terminal:
        options["width"] = 10_000  # a pipe or a file: nothing cut to a width
    if data:
        options["file"] = sys.stdout
    else:
        options["stderr"] = True
    choice = _COLOUR[0]
    # NO_COLOR (no-color.org): rich drops colours but keeps bold and dim; no
    # colour system drops every escape sequence.
    if choice is False or (choice is None and os.environ.get("NO_COLOR")):
        options["color_system"] = None
    elif choice:
        options["force_terminal"] = True
    return Console(**options)  # type: ignore[arg-type]


def guarded(action: Callable[[], T], *, debug: bool) -> T:
    """Run ``action``, turning every exception into a message and an exit code:
    2 the user must act, 130 Ctrl-C, 3 a bug (the traceback in a file)."""
    import typer

    from nb2pkg.errors import Nb2PkgError

    try:
        return action()
    except Nb2PkgError as exc:
        if debug:
            raise
        say(f"nb2pkg: error: {exc}")
        raise typer.Exit(2) from None
    except (KeyboardInterrupt, Exception) as exc:
        if by_ctrl_c(exc):  # or a Ctrl-C that Python wrapped (see by_ctrl_c)
            interrupted("; nothing was written")
            raise typer.Exit(130) from None
        if debug:
            raise
        with tempfile.NamedTemporaryFile(
            "w", prefix="nb2pkg-error-", suffix=".log", delete=False
        ) as handle:
            traceback.print_exc(file=handle)
        say(
            f"nb2pkg: internal error: {type(exc).__name__}: {exc}. This is a bug; "
            f"please report it with {handle.name}"
        )
        raise typer.Exit(3) from None


# Whether Ctrl-C was reported: typer turns one it catches into a silent exit 130.
_INTERRUPTED: list[bool] = [False]


def interrupted(detail: str = "") -> None:
    """Say, once per process, that Ctrl-C stopped the command."""
    if not _INTERRUPTED[0]:
        _INTERRUPTED[0] = True
        say(f"nb2pkg: interrupted{detail}")


def say(text: str) -> None:
    """Print a line of plain text (never markup) on stderr."""
    console().print(text, markup=False)


def count(number: int, word: str) -> str:
    """Return ``1 class``, ``2 classes``, ``3 functions``."""
    if number == 1:
        return f"1 {word}"
    return f"{number} {word}es" if word.endswith("s") else f"{number} {word}s"


class Bar:
    """Progress on a terminal: a bar over several notebooks, a spinner naming the
    stage for one (a large notebook takes a while), a bar over notebooks checked."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.progress: Progress | None = None
        self.task: TaskID | None = None

    def update(self, stage: str, done: int, total: int) -> None:
        if stage == "large":
            if self.enabled:  # not --quiet; said even off a terminal: it is slow
                say(
                    f"nb2pkg: {done / 1e6:.1f} MB of code in "
                    f"{count(total, 'code cell')}: converting it takes a while "
                    "(about 15 s a MB)"
                )
            return
        if not self.enabled:
            return
        if self.progress is None:
            # Decided at the first report: no terminal, no progress.
            if not sys.stderr.isatty():
                self.enabled = False
                return
            from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn

            columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn())
            self.progress = Progress(*columns, console=console(), transient=True)
            self.progress.start()
            self.task = self.progress.add_task(stage, total=None)
        assert self.task is not None
        if total > 1:
            what = f"{stage} {done}/{total} notebooks"
            self.progress.update(
                self.task, completed=done, total=total, description=what
            )
        else:  # one notebook: the stage it is in
            self.progress.update(self.task, total=None, description=f"{stage}...")

    def stop(self) -> None:
        if self.progress is not None:
            self.progress.stop()


def file_list(result: Result) -> None:
    """Print on stdout, one a line, the files a conversion would write."""
    for file in result.files:
        sys.stdout.write(f"{result.output / Path(*file.path.parts)}\n")
    sys.stdout.flush()


def changes_outcome(result: Result, *, check_only: bool, diff: bool) -> int:
    """Report an in-place update; return 1 when out of date (--check) or edits kept."""
    from nb2pkg.write.manifest import conflict_diffs

    changes = result.changes
    if changes is None:
        return 0
    if diff:
        for text in conflict_diffs(changes, result.output, every=check_only):
            sys.stdout.write(text)
        sys.stdout.flush()
    if check_only:
        return _check_lines(result, changes)
    _update_lines(changes)
    if not changes.conflicts:
        return 0
    names = ", ".join(str(f.path) for f in changes.conflicts)
    say(
        f"nb2pkg: kept your edits to {names}; the new versions are beside them as "
        "*.new: merge them, then delete the .new files"
    )
    return 1


def _check_lines(result: Result, changes: Changes) -> int:
    """Say whether the package is up to date, and name what would change."""
    if changes.up_to_date:
        say(f"{result.output} is up to date")
        return 0
    for file in changes.written:
        say(f"  would write {file.path}")
    for path in changes.remove:
        say(f"  would remove {path} (no longer generated)")
    for file in changes.conflicts:
        say(f"  {file.path}: your edits and nb2pkg's version differ: merge them")
    changed = len(changes.write) + len(changes.conflicts) + len(changes.remove)
    say(f"{result.output} is out of date: {changed} files would change")
    return 1


def _update_lines(changes: Changes) -> None:
    """Say what an update did besides writing: removed, kept, overwritten, ignored."""
    for path in changes.remove:
        say(f"  removed {path} (no longer generated)")
    for path in changes.kept:
        say(f"  kept {path}: no longer generated, but you edited it")
    for path in changes.overwritten:
        say(f"  overwrote {path}: your edits were replaced (--force)")
    for name in changes.refused:
        say(f"  ignored {name!r} in .nb2pkg.json: not a file inside the package")


def verify_outcome(result: Result) -> int:
    """Return 1 when ``--verify`` found output the package does not reproduce."""
    return 1 if any(f.code == "NBP114" for f in result.findings) else 0


def convert_report(result: Result, *, verbose: bool) -> None:
    """Print the findings of a conversion, its modules, and what was written."""
    from rich.markup import escape

    screen = console()
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
        screen.print(f"[{style}]{label}[/] {text} [dim]({f.code})[/]")
    for code, number in sorted(quiet_codes.items()):
        screen.print(
            f"[dim]{number} x {CODES[code].meaning} ({code}); --verbose lists them[/]"
        )
    screen.print(summary_table(result.plan))
    changes = result.changes
    if changes is not None and result.written:
        say(
            f"Updated {result.output}: {len(changes.written)} files written, "
            f"{len(changes.unchanged)} unchanged"
        )
    elif result.written:
        say(f"Wrote {len(result.files)} files to {result.output}")
    elif not changes:
        say(f"Would write {len(result.files)} files to {result.output}")


def summary_table(plan: Plan) -> Table:
    """Return a table of the package's modules: what each holds, and its tests."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("module")
    table.add_column("holds")
    table.add_column("tests", justify="right")
    table.add_column("stubs", justify="right")
    words = ((Kind.DEF, "function"), (Kind.CLASS, "class"), (Kind.ASSIGN, "constant"))
    for module in plan.modules:
        kinds = Counter(s.kind for s in module.body)
        holds = ", ".join(count(kinds[k], word) for k, word in words if kinds[k])
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
        steps = count(len(pipeline.functions), "step")
        table.add_row(
            escape(f"{plan.package}/{pipeline.path}"),
            f"run(): {steps}, {count(cells, 'loose cell')}",
            "",
            "",
        )
    return table


def regenerated_report(result: Result, *, verbose: bool = False) -> None:
    """Print what ``nb2pkg tests`` generated and wrote (``verbose``: each test)."""
    tests = result.plan.tests
    for test in tests if verbose else ():
        say(f"  {test.module}: {test.name} ({test.kind.value})")
    stubs = sum(t.kind is TestKind.STUB for t in tests)
    say(f"  tests: {len(tests) - stubs} from stored outputs, {stubs} stubs to fill in")
    changes = result.changes
    if changes is not None and result.written:
        say(
            f"Updated the tests of {result.output}: {len(changes.written)} files "
            f"written, {len(changes.remove)} removed, {len(changes.unchanged)} "
            "unchanged"
        )


# Below this many columns the plan's table is stacked, a block per cell.
NARROW = 100


def plan_table(
    plan: Plan, rows: Sequence[CellRow], *, findings: bool = True, verbose: bool = False
) -> None:
    """Print the cell-by-cell plan on stdout (a table, or stacked blocks on a
    narrow terminal: no name is ever cut) and its findings on stderr."""
    from rich.markup import escape
    from rich.table import Table

    screen = console(data=True)
    several = any(row.notebook for row in rows)
    columns = ["cell", "kind", "marks", "first line", "defines", "reads", "goes to"]
    if several:
        columns.insert(0, "notebook")
    table = Table(*columns)
    for column in table.columns:
        column.overflow = "fold"  # a long name folds onto the next line, never cut
    for row in rows:
        cells = (
            *([row.notebook] if several else []),
            str(row.cell),
            row.kind,
            row.marks,
            row.first_line,
            ", ".join(row.defines),
            ", ".join(row.reads),
            ", ".join(row.goes_to),
        )
        if screen.width < NARROW:
            _stacked(screen, dict(zip(columns, cells, strict=True)))
        else:
            table.add_row(*(escape(text) for text in cells))
    if screen.width >= NARROW:
        screen.print(table)
    for f in plan.findings if findings else ():
        if f.severity >= Severity.WARNING or verbose:
            where = f.location()
            say(f"{where + ': ' if where else ''}{f.message} ({f.code})")


def _stacked(screen: Console, fields: dict[str, str]) -> None:
    """Print one cell of the plan as a block: a heading, then a line a field."""
    where = f"{fields.pop('notebook')} " if "notebook" in fields else ""
    screen.print(
        f"{where}cell {fields.pop('cell')}: {fields.pop('kind')}", markup=False
    )
    for key, value in fields.items():
        if value:
            screen.print(f"  {key}: {value}", markup=False)


def check_text(
    results: Sequence[CheckResult], *, summary: bool = True, verbose: bool = False
) -> None:
    """Print the findings of ``nb2pkg check``, one line each, and their count
    (``verbose``: each notebook checked, found clean or not)."""
    for result in results:
        for f in result.findings:
            where = f.location()
            say(
                f"{result.path}:{' ' + where + ':' if where else ''} {f.code} "
                f"[{f.severity.name.lower()}] {f.message}"
            )
        if verbose:
            say(f"{result.path}: {count(len(result.findings), 'finding')}")
    if summary:
        total = sum(len(r.findings) for r in results)
        say(f"{total} findings in {len(results)} notebooks")


def check_outcome(results: Sequence[CheckResult], errors: Sequence[object]) -> int:
    """Return the exit code of ``nb2pkg check``: 2 bad input, 1 found, 0 clean."""
    if errors:
        return 2
    return 1 if any(r.failed() for r in results) else 0
