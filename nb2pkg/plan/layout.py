"""Decide, from the author's marks and the mode, which cells are converted and how.

In ``auto`` mode every cell is converted and analysis classifies the unmarked
ones; in ``tagged`` mode (nbdev's way) only marked cells are. A notebook that
names its module with nbdev's ``default_exp`` is converted in ``tagged`` mode unless
the user asks for ``auto``. A cell's module is its own ``module:`` mark, else the
notebook's default (``default_exp``, or a ``module:`` cell without code, from that
cell on), else ``core``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.model import CellAnalysis, Kind, Notebook, Statement
from nb2pkg.read.directives import left_out_note

CORE_MODULE = "core"


@dataclass(frozen=True, slots=True)
class Layout:
    """The cells to convert, with the author's decisions about each."""

    mode: str
    converted: tuple[CellAnalysis, ...]  # cells whose code goes into the package
    tests: tuple[CellAnalysis, ...]  # cells marked test
    module_of: dict[int, str]  # cell number -> module of its definitions
    exported: frozenset[int]  # ids of statements exported as they are
    run: frozenset[int]  # ids of statements put in the pipeline
    parameters: tuple[Statement, ...]  # assignments of papermill's parameters cell
    internal: frozenset[str]  # names exported but not public (nbdev's exporti)
    extra_imports: tuple[Statement, ...]  # imports of cells left out (tagged mode)
    step_starts: dict[int, str]  # cell number -> step title, from pipeline marks
    findings: tuple[Finding, ...]


def choose_mode(notebook: Notebook, asked: str | None) -> tuple[str, list[Finding]]:
    """Return the mode to convert ``notebook`` in, and a note when it was inferred."""
    if asked is not None:
        return asked, []
    if any(c.marks.nbdev and c.marks.default_module for c in notebook.cells):
        note = (
            "an nbdev notebook (default_exp): only exported cells are converted, as "
            "nbdev does; --mode auto converts every cell"
        )
        return "tagged", [finding("NBP606", note, severity=Severity.INFO)]
    return "auto", []


def lay_out(
    notebook: Notebook,
    analyses: Sequence[CellAnalysis],
    *,
    mode: str | None,
    module: str = CORE_MODULE,
) -> Layout:
    """Return the layout of the conversion of ``notebook``.

    ``module`` is where unmarked definitions go unless ``default_exp`` says.
    """
    chosen, findings = choose_mode(notebook, mode)
    defaults = _default_modules(notebook, analyses, module)
    converted: list[CellAnalysis] = []
    tests: list[CellAnalysis] = []
    module_of: dict[int, str] = {}
    exported: set[int] = set()
    run: set[int] = set()
    parameters: list[Statement] = []
    internal: set[str] = set()
    extra: list[Statement] = []
    starts: dict[int, str] = {}
    unmarked = 0
    for analysis in analyses:
        cell = analysis.cell
        marks = cell.marks
        module_of[cell.number] = marks.module or defaults[cell.number]
        if marks.skip:
            findings.append(left_out_note(cell))
            continue
        if marks.test:
            tests.append(analysis)
            continue
        if marks.no_run and not marks.marked:
            note = "cell left out (nbdev's eval: false: the notebook does not run it)"
            findings.append(
                finding("NBP603", note, cell=cell.number, severity=Severity.INFO)
            )
            continue
        if chosen == "tagged" and not marks.marked:
            if analysis.statements:
                unmarked += 1
            # Their named imports may still serve exported code (nbdev users often
            # import in an unexported cell); star imports would hide what they bring.
            extra.extend(
                s for s in analysis.statements if s.kind is Kind.IMPORT and s.defines
            )
            continue
        converted.append(analysis)
        _take(analysis, chosen, exported, run, parameters, internal, starts, findings)
    if unmarked:
        note = (
            f"{unmarked} cells without an export mark left out (--mode tagged); "
            "`nb2pkg plan` lists them"
        )
        findings.append(finding("NBP603", note, severity=Severity.INFO))
    return Layout(
        mode=chosen,
        converted=tuple(converted),
        tests=tuple(tests),
        module_of=module_of,
        exported=frozenset(exported),
        run=frozenset(run),
        parameters=tuple(parameters),
        internal=frozenset(internal),
        extra_imports=tuple(extra),
        step_starts=starts,
        findings=tuple(findings),
    )


def _take(
    analysis: CellAnalysis,
    mode: str,
    exported: set[int],
    run: set[int],
    parameters: list[Statement],
    internal: set[str],
    starts: dict[int, str],
    findings: list[Finding],
) -> None:
    """Record what the marks of a converted cell say about its statements."""
    marks = analysis.cell.marks
    code = [s for s in analysis.statements if s.kind is not Kind.IMPORT]
    if marks.export or (marks.module and mode == "tagged"):
        exported.update(id(s) for s in code)
        if marks.internal:
            internal.update(n for s in code for n in s.defines)
    elif marks.pipeline:
        run.update(id(s) for s in code)
        starts[analysis.cell.number] = marks.step
    elif marks.parameters:
        for s in code:
            if s.kind is Kind.ASSIGN:
                exported.add(id(s))
                parameters.append(s)
                continue
            run.add(id(s))
            note = (
                "the parameters cell should hold only assignments of values; "
                "this statement runs in run() instead"
            )
            findings.append(finding("NBP609", note, cell=s.cell, line=s.line))


def _default_modules(
    notebook: Notebook, analyses: Sequence[CellAnalysis], module: str
) -> dict[int, str]:
    """Return cell number -> the default module in force at that cell.

    nbdev's ``default_exp`` names the module of the whole notebook, wherever it
    is; a ``module:`` mark on a cell without code changes it from that cell on.
    """
    notebook_default = next(
        (c.marks.default_module for c in notebook.cells if c.marks.default_module),
        module,
    )
    has_code = {a.cell.number: bool(a.statements) for a in analyses}
    current = notebook_default
    out: dict[int, str] = {}
    for cell in notebook.code_cells:
        if cell.marks.module and not has_code.get(cell.number, False):
            current = cell.marks.module
        out[cell.number] = current
    return out
