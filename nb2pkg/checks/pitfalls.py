"""Find the notebook's pitfalls: hidden state, stale outputs, secrets, randomness.

Static and fast: no kernel runs. Each check is a small function over the notebook
and its cell analyses that returns findings; ``check_notebook`` runs them all and
applies ``--select``/``--ignore`` and ``# nb2pkg: noqa`` comments.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence

from nb2pkg.analyse.names import (
    BUILTIN_NAMES,
    DEFINITIONS,
    IPYTHON_NAMES,
    has_star_import,
)
from nb2pkg.analyse.randomness import RANDOM_USE, SEED
from nb2pkg.checks.verify import CellOutput
from nb2pkg.credentials import find_credential
from nb2pkg.errors import CODES, Finding, InputError, Severity, finding
from nb2pkg.model import CellAnalysis, Notebook
from nb2pkg.options import Checking

_NOQA = re.compile(r"#\s*nb2pkg:\s*noqa(?::\s*(?P<codes>[A-Z0-9, ]+))?", re.IGNORECASE)

Check = Callable[[Notebook, Sequence[CellAnalysis], Checking], Iterable[Finding]]
# Every check, in the order they run: a function decorated with ``@registered``
# (its codes are declared in ``nb2pkg.errors.CODES``).
CHECKS: list[Check] = []


def registered(check: Check) -> Check:
    """Add ``check`` to the checks ``check_notebook`` runs."""
    CHECKS.append(check)
    return check


def check_notebook(
    notebook: Notebook, analyses: Sequence[CellAnalysis], *, checking: Checking
) -> tuple[Finding, ...]:
    """Return the pitfalls found in ``notebook``, filtered as ``checking`` says."""
    found: list[Finding] = [*notebook.findings]
    for analysis in analyses:
        found.extend(f for f in analysis.findings if f.severity >= Severity.WARNING)
    for check in CHECKS:
        found.extend(check(notebook, analyses, checking))
    kept = [
        f for f in found if selected(f.code, checking) and not _silenced(f, notebook)
    ]
    return tuple(sorted(kept, key=Finding.order))


def selected(code: str, checking: Checking) -> bool:
    """Return True if --select and --ignore let a finding with ``code`` through."""

    def matches(prefixes: frozenset[str]) -> bool:
        return any(code.startswith(p) for p in prefixes)

    if checking.select and not matches(checking.select):
        return False
    return not matches(checking.ignore)


def _silenced(f: Finding, notebook: Notebook) -> bool:
    """Return True if the finding's line (or its cell's first line) says noqa."""
    if f.cell is None or not 0 < f.cell <= len(notebook.cells):
        return False
    lines = notebook.cells[f.cell - 1].source.split("\n")
    index = (f.line or 1) - 1
    if not 0 <= index < len(lines):
        return False
    match = _NOQA.search(lines[index])
    if match is None:
        return False
    codes = match.group("codes")
    return codes is None or f.code in {c.strip().upper() for c in codes.split(",")}


@registered
def names_used_before_defined(
    notebook: Notebook, analyses: Sequence[CellAnalysis], checking: Checking
) -> Iterable[Finding]:
    """NBP101: a cell reads a name that only a later cell defines."""
    defined: set[str] = set()
    later: dict[str, int] = {}
    for analysis in analyses:
        for s in analysis.statements:
            for name in s.defines:
                later.setdefault(name, s.cell)
    for analysis in analyses:
        for s in analysis.statements:
            for name in sorted(s.eager_uses - defined - BUILTIN_NAMES):
                first = later.get(name)
                if first is not None and first > s.cell:
                    note = (
                        f"`{name}` is read here but first defined in cell {first}: "
                        "this works only because cells ran out of order"
                    )
                    yield finding("NBP101", note, cell=s.cell, line=s.line)
            defined |= s.defines


@registered
def names_never_defined(
    notebook: Notebook, analyses: Sequence[CellAnalysis], checking: Checking
) -> Iterable[Finding]:
    """NBP102: a name is read but no cell defines it (a deleted cell, or a typo)."""
    statements = [s for a in analyses for s in a.statements]
    defined = {n for s in statements for n in s.defines}
    if has_star_import(statements):
        return
    unparsed = [a.cell for a in analyses if not a.parsed]
    reported: set[str] = set()
    for s in statements:
        for name in sorted(s.uses - defined - BUILTIN_NAMES - IPYTHON_NAMES - reported):
            reported.add(name)
            word = re.compile(rf"\b{re.escape(name)}\b")
            left_out = next((c.number for c in unparsed if word.search(c.source)), None)
            if left_out is None:
                note = f"`{name}` is read but no cell defines it (deleted, or a typo?)"
            else:
                note = (
                    f"`{name}` appears only in cell {left_out}, which cannot be parsed"
                )
            yield finding("NBP102", note, cell=s.cell, line=s.line)


@registered
def execution_order(
    notebook: Notebook, analyses: Sequence[CellAnalysis], checking: Checking
) -> Iterable[Finding]:
    """NBP103-NBP105: cells that ran out of order, or not at all, or lost counts."""
    highest: tuple[int, int] | None = None  # (count, cell)
    unexecuted: int | None = None
    for cell in notebook.code_cells:
        count = cell.execution_count
        if count is None:
            if cell.outputs:
                note = "has outputs but no execution count (counts were cleared?)"
                yield finding("NBP104", note, cell=cell.number, severity=Severity.INFO)
            elif cell.source.strip() and unexecuted is None:
                unexecuted = cell.number
            continue
        if unexecuted is not None:
            note = f"ran, but cell {unexecuted} above it never did"
            yield finding("NBP105", note, cell=cell.number)
            unexecuted = None
        if highest is not None and count < highest[0]:
            note = (
                f"ran before cell {highest[1]} above it (execution count {count} < "
                f"{highest[0]}): the notebook was not run top to bottom"
            )
            yield finding("NBP103", note, cell=cell.number)
        if highest is None or count > highest[0]:
            highest = (count, cell.number)


@registered
def stale_outputs(
    notebook: Notebook, analyses: Sequence[CellAnalysis], checking: Checking
) -> Iterable[Finding]:
    """NBP106: a stored output came from a definition made later in the notebook."""
    counts = {a.cell.number: a.cell.execution_count for a in analyses}
    definitions: dict[str, list[int]] = {}
    for a in analyses:
        for s in a.statements:
            for name in s.defines:
                definitions.setdefault(name, []).append(s.cell)
    for a in analyses:
        ran = a.cell.execution_count
        if ran is None or not a.cell.outputs:
            continue
        for name in sorted(_reads_from_outside(a)):
            for cell in definitions.get(name, []):
                redefined = counts.get(cell)
                if cell > a.cell.number and redefined is not None and redefined < ran:
                    note = (
                        f"its stored output used `{name}` as redefined in cell {cell}, "
                        "which ran first: a fresh run gives another result"
                    )
                    yield finding("NBP106", note, cell=a.cell.number)
                    break


def _reads_from_outside(analysis: CellAnalysis) -> set[str]:
    """Return the names a cell reads at top level before it binds them itself."""
    bound: set[str] = set()
    reads: set[str] = set()
    for s in analysis.statements:
        reads |= s.eager_uses - bound
        bound |= s.defines
    return reads


@registered
def stored_outputs(
    notebook: Notebook, analyses: Sequence[CellAnalysis], checking: Checking
) -> Iterable[Finding]:
    """NBP107-NBP109: outputs in version control, large outputs, secrets in outputs."""
    with_outputs = [c for c in notebook.code_cells if c.outputs]
    if with_outputs:
        severity = Severity.ERROR if checking.no_outputs else Severity.INFO
        note = f"{len(with_outputs)} cells keep their outputs; clear them to commit"
        yield finding("NBP107", note, cell=with_outputs[0].number, severity=severity)
    for cell in with_outputs:
        size = sum(len(o.text) + len(o.value) for o in cell.outputs)
        if size > checking.max_output_bytes:
            limit = checking.max_output_bytes
            note = f"stores {size:,} characters of output (over {limit:,})"
            yield finding("NBP108", note, cell=cell.number)
        text = "\n".join(o.text + o.value + o.html for o in cell.outputs)
        kind = find_credential(text)
        if kind is not None:
            note = f"an output looks like it holds {kind}: clear it, and revoke it"
            yield finding("NBP109", note, cell=cell.number, severity=Severity.ERROR)


@registered
def secrets_in_code(
    notebook: Notebook, analyses: Sequence[CellAnalysis], checking: Checking
) -> Iterable[Finding]:
    """NBP109: a cell's code holds a credential, which the package would copy."""
    for cell in notebook.code_cells:
        kind = find_credential(cell.source, code=True)
        if kind is not None:
            note = (
                f"the code looks like it holds {kind}, which the package would "
                "copy: read it from an environment variable or a file, and revoke it"
            )
            yield finding("NBP109", note, cell=cell.number, severity=Severity.ERROR)


@registered
def unseeded_randomness(
    notebook: Notebook, analyses: Sequence[CellAnalysis], checking: Checking
) -> Iterable[Finding]:
    """NBP111: random numbers drawn before any seed is set: outputs not reproducible.

    Only top-level code counts: a function draws when it is called, not defined.
    """
    seeded = False
    for s in (s for a in analyses for s in a.statements):
        if s.kind in DEFINITIONS:
            continue
        code = "\n".join(line.split("#")[0] for line in s.code.split("\n"))
        use = RANDOM_USE.search(code)
        if use and not seeded and not SEED.search(code[: use.start()]):
            line = s.line + code[: use.start()].count("\n") - _lines_above(s.code)
            note = (
                f"`{use.group(0).rstrip('(').strip()}` draws random numbers before "
                "any seed is set: its outputs cannot be reproduced"
            )
            yield finding("NBP111", note, cell=s.cell, line=line)
            return
        if SEED.search(code):
            seeded = True


def _lines_above(code: str) -> int:
    """Return the number of comment or blank lines above a statement's code."""
    for count, line in enumerate(code.split("\n")):
        if line.strip() and not line.lstrip().startswith("#"):
            return count
    return 0


# The pitfalls convert also reports; the rest repeat the plan or are not the package's.
CONVERT_CHECKS = frozenset(
    code for code, kind in CODES.items() if kind.stage == "checks" and kind.convert
)


def convert_pitfalls(
    notebook: Notebook, analyses: tuple[CellAnalysis, ...], checking: Checking
) -> tuple[tuple[Finding, ...], tuple[CellOutput, ...]]:
    """Return the hidden-state findings convert reports, and with --verify what
    each cell printed in a fresh kernel; raise on the findings with --strict."""
    pitfalls = tuple(
        f
        for f in check_notebook(notebook, analyses, checking=checking)
        if f.code in CONVERT_CHECKS
    )
    fresh: tuple[CellOutput, ...] = ()
    if checking.execute:
        from nb2pkg.checks.execute import execute_and_compare

        ran, fresh = execute_and_compare(notebook, timeout=checking.timeout)
        pitfalls += ran
    warnings = [f for f in pitfalls if f.severity >= Severity.WARNING]
    if checking.strict and warnings:
        first = warnings[0]
        raise InputError(
            f"{len(warnings)} notebook problems (--strict), first: "
            f"{first.location()}: {first.message} ({first.code}); "
            "run `nb2pkg check` for all of them",
            path=notebook.path,
        )
    return pitfalls, fresh
