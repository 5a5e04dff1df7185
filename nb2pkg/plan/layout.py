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
from dataclasses import dataclass, field

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
    draft = _Draft(chosen, findings)
    module_of: dict[int, str] = {}
    for analysis in analyses:
        cell = analysis.cell
        module_of[cell.number] = cell.marks.module or defaults[cell.number]
        draft.sort(analysis)
    if draft.unmarked:
        note = (
            f"{draft.unmarked} cells without an export mark left out (--mode "
            "tagged); `nb2pkg plan` lists them"
        )
        draft.findings.append(finding("NBP603", note, severity=Severity.INFO))
    return Layout(
        mode=chosen,
        converted=tuple(draft.converted),
        tests=tuple(draft.tests),
        module_of=module_of,
        exported=frozenset(draft.exported),
        run=frozenset(draft.run),
        parameters=tuple(draft.parameters),
        internal=frozenset(draft.internal),
        extra_imports=tuple(draft.extra),
        step_starts=draft.starts,
        findings=tuple(draft.findings),
    )


@dataclass(slots=True)
class _Draft:
    """The layout as the cells are sorted, one by one."""

    mode: str
    findings: list[Finding]
    converted: list[CellAnalysis] = field(default_factory=list)
    tests: list[CellAnalysis] = field(default_factory=list)
    exported: set[int] = field(default_factory=set)
    run: set[int] = field(default_factory=set)
    parameters: list[Statement] = field(default_factory=list)
    internal: set[str] = field(default_factory=set)
    extra: list[Statement] = field(default_factory=list)
    starts: dict[int, str] = field(default_factory=dict)
    unmarked: int = 0

    def sort(self, analysis: CellAnalysis) -> None:
        """Leave the cell out, make it a test, or convert it, as its marks say."""
        cell = analysis.cell
        marks = cell.marks
        if marks.skip:
            self.findings.append(left_out_note(cell))
        elif marks.test:
            self.tests.append(analysis)
        elif marks.no_run and not marks.marked:
            note = "cell left out (nbdev's eval: false: the notebook does not run it)"
            self.findings.append(
                finding("NBP603", note, cell=cell.number, severity=Severity.INFO)
            )
        elif self.mode == "tagged" and not marks.marked:
            if analysis.statements:
                self.unmarked += 1
            # Their named imports may still serve exported code (nbdev users often
            # import in an unexported cell); star imports would hide what they bring.
            self.extra.extend(
                s for s in analysis.statements if s.kind is Kind.IMPORT and s.defines
            )
        else:
            self.converted.append(analysis)
            self.take(analysis)

    def take(self, analysis: CellAnalysis) -> None:
        """Record what the marks of a converted cell say about its statements."""
        marks = analysis.cell.marks
        code = [s for s in analysis.statements if s.kind is not Kind.IMPORT]
        if marks.export or (marks.module and self.mode == "tagged"):
            self.exported.update(id(s) for s in code)
            if marks.internal:
                self.internal.update(n for s in code for n in s.defines)
        elif marks.pipeline:
            self.run.update(id(s) for s in code)
            self.starts[analysis.cell.number] = marks.step
        elif marks.parameters:
            for s in code:
                if s.kind is Kind.ASSIGN:
                    self.exported.add(id(s))
                    self.parameters.append(s)
                    continue
                self.run.add(id(s))
                note = (
                    "the parameters cell should hold only assignments of values; "
                    "this statement runs in run() instead"
                )
                self.findings.append(finding("NBP609", note, cell=s.cell, line=s.line))


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
