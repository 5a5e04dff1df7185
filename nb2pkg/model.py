"""The data model shared by every stage: immutable values, nothing else."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import libcst as cst

from nb2pkg.errors import Finding


@dataclass(frozen=True, slots=True)
class Output:
    """One stored output of a code cell, reduced to what nb2pkg uses."""

    output_type: str  # execute_result, stream, error, display_data
    text: str = ""  # text/plain, or the stream's text
    name: str = ""  # stream name, or the exception class for errors
    value: str = ""  # the exception message for errors


@dataclass(frozen=True, slots=True)
class Cell:
    """One notebook cell; ``index`` counts from 0, ``number`` from 1."""

    index: int
    kind: str  # code, markdown, raw
    source: str
    tags: tuple[str, ...] = ()
    outputs: tuple[Output, ...] = ()
    execution_count: int | None = None

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


# What a notebook cell's module body holds: one line of small statements, or a block.
StatementNode = cst.SimpleStatementLine | cst.BaseCompoundStatement


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
    """One top-level statement of a cell, with the names it binds and reads.

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

    @property
    def code(self) -> str:
        """Return the statement's source, comments included."""
        return cst.Module(body=[self.node]).code


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


@dataclass(frozen=True, slots=True)
class PipelinePlan:
    """The notebook's loose code, run in order by ``run()``."""

    future: tuple[Statement, ...]
    imports: tuple[Statement, ...]
    from_package: tuple[tuple[str, tuple[str, ...]], ...]  # (module, names)
    lazy_imports: tuple[Statement, ...]  # plotting imports, made inside run()
    global_names: tuple[str, ...]
    steps: tuple[Statement, ...]
    functions: tuple[Step, ...] = ()  # the steps grouped into functions


@dataclass(frozen=True, slots=True)
class TestCase:
    """A test made from a stored output: ``assert <expression> == <expected>``."""

    __test__ = False  # a value, not a pytest test class

    module: str
    name: str
    cell: int
    setup: tuple[str, ...]  # import lines the test needs (not the package's own)
    names: tuple[str, ...]  # the package names it uses, from ``module``
    expression: str
    expected: str
    approx: bool


@dataclass(frozen=True, slots=True)
class Plan:
    """Every decision about the package; rendering only follows it."""

    package: str
    distribution: str
    title: str
    summary: str
    notebook: str
    requires_python: str
    modules: tuple[ModulePlan, ...]
    pipeline: PipelinePlan | None
    tests: tuple[TestCase, ...]
    dependencies: tuple[str, ...]
    extras: tuple[tuple[str, tuple[str, ...]], ...]  # (extra, requirements)
    findings: tuple[Finding, ...]


@dataclass(frozen=True, slots=True)
class RenderedFile:
    """One file of the package, relative to its root."""

    path: PurePosixPath
    text: str
