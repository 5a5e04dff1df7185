"""The data model shared by every stage: immutable values.

A statement keeps its source once written (``Statement.code``), with the node it
was written from; nothing else is kept between calls.
"""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from nb2pkg.errors import Finding

if TYPE_CHECKING:
    import libcst as cst


def identifier(text: str) -> str:
    """Return the name Python reads ``text`` as: NFKC-normalised (``ｏｓ`` is ``os``).

    Python's parser normalises identifiers (PEP 3131) and so does ``ast``;
    LibCST keeps them as written, so names taken from its nodes go through this.
    """
    return text if text.isascii() else unicodedata.normalize("NFKC", text)


@dataclass(frozen=True, slots=True)
class Output:
    """One stored output of a code cell, reduced to what nb2pkg uses."""

    output_type: str  # execute_result, stream, error, display_data
    text: str = ""  # text/plain, or the stream's text
    name: str = ""  # stream name, or the exception class for errors
    value: str = ""  # the exception message for errors
    html: str = ""  # text/html, kept only for a pandas DataFrame's table


@dataclass(frozen=True, slots=True)
class Marks:
    """What the author said about a cell with tags or directive comments."""

    export: bool = False  # put the cell's code into the package as it is
    internal: bool = False  # nbdev's exporti: exported, but not public
    module: str = ""  # the module this cell's code goes to
    default_module: str = ""  # the module of the cells that follow (default_exp)
    skip: bool = False  # leave the cell out
    why: str = ""  # why it is left out, when another tool's tag says so
    test: bool = False  # the cell is a test
    parameters: bool = False  # papermill's parameters cell
    pipeline: bool = False  # loose code for run(), starting a step
    step: str = ""  # the step's name, if the directive gives one
    no_run: bool = False  # nbdev's eval: false / notest: the notebook skips it
    hide: bool = False  # nbdev's hide: left out of docs, nothing more
    nbdev: bool = False  # written in nbdev's spelling

    def describe(self) -> str:
        """Return the marks as the user would write them: ``export, module: io``."""
        words = [
            word
            for word, on in (
                ("skip", self.skip),
                ("export", self.export and not self.internal),
                ("exporti", self.internal),
                ("test", self.test),
                ("parameters", self.parameters),
                ("pipeline" + (f": {self.step}" if self.step else ""), self.pipeline),
                (f"module: {self.module}", bool(self.module)),
                (f"default_exp {self.default_module}", bool(self.default_module)),
                ("eval: false", self.no_run),
                ("hide", self.hide),
            )
            if on
        ]
        return ", ".join(words)

    @property
    def marked(self) -> bool:
        """Return True if the cell says where its code goes."""
        return bool(
            self.export or self.module or self.test or self.parameters or self.pipeline
        )


@dataclass(frozen=True, slots=True)
class Cell:
    """One notebook cell; ``index`` counts from 0, ``number`` from 1."""

    index: int
    kind: str  # code, markdown, raw
    source: str
    tags: tuple[str, ...] = ()
    outputs: tuple[Output, ...] = ()
    execution_count: int | None = None
    marks: Marks = Marks()

    @property
    def number(self) -> int:
        """Return the cell's position as users see it (from 1)."""
        return self.index + 1


@dataclass(frozen=True, slots=True)
class Install:
    """A requirement the notebook installed itself (``%pip install pandas==2.1``).

    ``kind`` is ``requirement`` (PEP 508 text), ``file`` (a requirements file
    named by ``-r``, relative to the notebook) or ``plot`` (a requirement the
    notebook's plotting implies, as ``%matplotlib`` implies matplotlib).
    """

    text: str
    cell: int
    line: int
    kind: str = "requirement"


@dataclass(frozen=True, slots=True)
class Notebook:
    """A notebook read and repaired, with no nbformat objects left in it."""

    path: Path
    cells: tuple[Cell, ...]
    language_version: str | None = None
    findings: tuple[Finding, ...] = ()
    sha256: str = ""  # of the file's bytes, for the manifest

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        """Return the code cells in document order."""
        return tuple(c for c in self.cells if c.kind == "code")


if TYPE_CHECKING:
    # What a cell body holds: one line of small statements, or a block.
    StatementNode = cst.SimpleStatementLine | cst.BaseCompoundStatement


def __getattr__(name: str) -> Any:
    """Build ``StatementNode`` when first asked for: LibCST is imported only by
    the stages that parse, so ``nb2pkg --help`` starts without it."""
    if name == "StatementNode":
        import libcst

        return libcst.SimpleStatementLine | libcst.BaseCompoundStatement
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Kind(enum.Enum):
    """What a top-level statement of a cell is, for placing it."""

    FUTURE = "future import"
    IMPORT = "import"
    DEF = "function"
    CLASS = "class"
    ASSIGN = "assignment"  # a side-effect-free value bound to plain names
    LOOSE = "loose code"
    DISPLAY = "display"  # a bare expression with no calls, shown by Jupyter
    IPYTHON = "IPython call"


@dataclass(frozen=True, slots=True)
class Statement:
    """One top-level statement of a cell, with the names it binds, reads and changes.

    ``uses`` are the names it reads from outside itself whenever it runs (function
    bodies included); ``eager_uses`` are those read when the statement itself runs
    at top level (decorators, defaults, base classes, class bodies, plain code).
    """

    cell: int  # cell number, from 1
    kind: Kind
    node: StatementNode
    defines: frozenset[str] = frozenset()
    uses: frozenset[str] = frozenset()
    eager_uses: frozenset[str] = frozenset()
    name: str = ""  # the defined name for DEF and CLASS
    line: int = 1
    # Names whose object it changes in place (``df["x"] = 1``): a use and a
    # redefinition of df, though no new binding.
    mutates: frozenset[str] = frozenset()

    # The source as written, with the node it was written from: a copy of the
    # statement for another node (``replace(s, node=...)``) writes its own.
    written: tuple[StatementNode, str] | None = field(
        default=None, compare=False, repr=False
    )

    @property
    def code(self) -> str:
        """Return the statement's source, comments included.

        Every stage reads statements' code, and LibCST writes it anew each time:
        it is written once per statement and node, and kept with the statement.
        """
        written = self.written
        if written is not None and written[0] is self.node:
            return written[1]
        import libcst

        text = libcst.Module(body=[self.node]).code
        object.__setattr__(self, "written", (self.node, text))  # a cache, not state
        return text


@dataclass(frozen=True, slots=True)
class CellAnalysis:
    """A code cell after IPython syntax handling and parsing."""

    cell: Cell
    statements: tuple[Statement, ...]
    parsed: bool
    findings: tuple[Finding, ...] = ()
    installs: tuple[Install, ...] = ()


@dataclass(frozen=True, slots=True)
class ModulePlan:
    """A module of the package: its imports and definitions in order."""

    name: str
    docstring: str
    future: tuple[Statement, ...]
    imports: tuple[Statement, ...]
    body: tuple[Statement, ...]
    exports: tuple[str, ...]
    from_package: tuple[tuple[str, tuple[str, ...]], ...] = ()  # (module, names)

    @property
    def path(self) -> str:
        """Return the module's file, relative to the package (``data/load.py``)."""
        return self.name.replace(".", "/") + ".py"


@dataclass(frozen=True, slots=True)
class Step:
    """A step function of the pipeline: a group of loose cells under one heading."""

    name: str
    title: str
    params: tuple[str, ...]  # names it reads that earlier steps made
    returns: tuple[str, ...]  # names it makes that later steps read
    global_names: tuple[str, ...]
    imports: tuple[Statement, ...]  # plotting imports made inside it
    statements: tuple[Statement, ...]
    doc: str = ""  # its docstring: the markdown under its heading, or the heading


@dataclass(frozen=True, slots=True)
class StepRecord:
    """What a step's cells printed and showed in the notebook: run() must too."""

    step: str  # the step function's name
    title: str
    cells: tuple[tuple[int, str], ...]  # (cell number, printed and shown text)
    # (cell number, its shown result compared as a value: ``shown[i]``, the
    # i-th value its step showed); that cell's text above is then what it printed.
    shown: tuple[tuple[int, TestCase], ...] = ()


@dataclass(frozen=True, slots=True)
class PipelinePlan:
    """A notebook's loose code, run in order by ``run()`` in module ``module``."""

    future: tuple[Statement, ...]
    imports: tuple[Statement, ...]
    from_package: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names)
    lazy_imports: tuple[Statement, ...]  # plotting imports, made inside run()
    global_names: tuple[str, ...]
    steps: tuple[Statement, ...]
    functions: tuple[Step, ...] = ()  # the steps grouped into functions
    parameters: tuple[str, ...] = ()  # run()'s keyword arguments (papermill)
    required: tuple[str, ...] = ()  # read before any cell defines them: run() asks
    module: str = "pipeline"  # its module in the package (``pipelines.train``)
    notebook: str = ""  # the notebook's file name
    show: str = ""  # the helper that shows results (``plan.show``), if a step does
    recorded: tuple[StepRecord, ...] = ()  # evidence for the pipeline's tests
    cell_comments: bool = True  # a ``# Cell N`` comment before each cell's code

    @property
    def path(self) -> str:
        """Return the module's file, relative to the package."""
        return self.module.replace(".", "/") + ".py"


class TestKind(enum.Enum):
    """What a generated test checks."""

    __test__ = False  # a value, not a pytest test class

    EQUAL = "equal"  # assert call == literal
    APPROX = "approx"  # assert call == pytest.approx(literal)
    ALLCLOSE = "allclose"  # numpy.testing.assert_allclose(call, values)
    REPR = "repr"  # assert repr(call) == text, for the package's own classes
    PANDAS = "pandas"  # result = call; shape, labels and the values shown
    RAISES = "raises"  # with pytest.raises(Error, match=message): call
    STDOUT = "stdout"  # call; assert capsys.readouterr().out == text
    CODE = "code"  # the cell's own asserts (a test cell)
    STUB = "stub"  # no evidence: pytest.skip with a TODO

    @property
    def needs_pytest(self) -> bool:
        """Return True if the test calls pytest (approx, raises, skip, a fixture)."""
        return self in _PYTEST_KINDS

    @property
    def fixture(self) -> str:
        """Return the test function's parameter: the pytest fixture it takes."""
        return _FIXTURES.get(self, "")


# What each kind of test needs besides its own setup lines; its body is the
# template ``templates/tests/<kind>.py.j2``. A kind's setup adds what only some
# of its tests need (``import pytest`` for a frame check with approx).
_PYTEST_KINDS = frozenset(
    {TestKind.APPROX, TestKind.RAISES, TestKind.STDOUT, TestKind.STUB}
)
_FIXTURES = {TestKind.STDOUT: "capsys: pytest.CaptureFixture[str]"}


@dataclass(frozen=True, slots=True)
class TestCase:
    """A test made from a notebook cell and what it stored.

    ``expression`` is the call under test; ``expected`` the recorded value (a
    Python expression), the exception class for RAISES, or the printed text for
    STDOUT; ``match`` the exception message's pattern for RAISES, the tolerance
    (``rtol=..., atol=...``) for ALLCLOSE; ``body`` the cell's code for
    CODE and STUB tests; ``reason`` why a STUB checks nothing.
    """

    __test__ = False  # a value, not a pytest test class

    module: str
    name: str
    cell: int
    kind: TestKind
    setup: tuple[str, ...] = ()  # import lines the test needs (not the package's own)
    names: tuple[tuple[str, str], ...] = ()  # (module, name) it uses from the package
    expression: str = ""
    expected: str = ""
    match: str = ""
    body: str = ""
    reason: str = ""
    notebook: str = ""  # its notebook, when several make the package
    given: tuple[str, ...] = ()  # assignments rebuilding notebook globals it reads


@dataclass(frozen=True, slots=True)
class Plan:
    """Every decision about the package; rendering only follows it."""

    package: str
    distribution: str
    title: str
    summary: str
    notebooks: tuple[str, ...]  # file names
    requires_python: str
    modules: tuple[ModulePlan, ...]
    pipelines: tuple[PipelinePlan, ...]  # one per notebook with loose code
    tests: tuple[TestCase, ...]
    dependencies: tuple[str, ...]
    extras: tuple[tuple[str, tuple[str, ...]], ...]  # (extra, requirements)
    findings: tuple[Finding, ...]
    files: tuple[PlannedFile, ...] = ()  # what to render, in order

    @property
    def pipeline(self) -> PipelinePlan | None:
        """Return the first pipeline (the only one of a one-notebook plan)."""
        return self.pipelines[0] if self.pipelines else None


@dataclass(frozen=True, slots=True)
class PlannedFile:
    """A file of the package as planned: the template that writes it, and what
    the template fills in.

    ``context`` holds values ready to print (the template also sees ``plan``);
    ``code`` is the module or pipeline whose code rendering writes as ``code``.
    """

    path: PurePosixPath
    template: str
    context: Mapping[str, object]
    code: ModulePlan | PipelinePlan | None = None


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """One file of the package, relative to its root."""

    path: PurePosixPath
    text: str
