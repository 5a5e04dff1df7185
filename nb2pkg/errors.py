"""Errors raised to the user and findings reported to them."""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class Severity(enum.IntEnum):
    """How much a finding matters; ordered so that thresholds compare."""

    INFO = 10
    WARNING = 20
    ERROR = 30


@dataclass(frozen=True, slots=True)
class Code:
    """A kind of finding: what it means, which stage finds it, how much it matters.

    ``severity`` is the finding's unless the stage says otherwise for one case.
    ``convert``: whether ``convert`` reports it too (a ``check`` finding that is
    about the notebook alone, such as stored outputs, is left to ``check``).
    """

    meaning: str
    stage: str  # read, analyse, checks, testgen, plan, render, cache
    severity: Severity = Severity.WARNING
    convert: bool = True


INFO, ERROR = Severity.INFO, Severity.ERROR
# Stable finding codes: the one registry of them. The prefix is ours: other notebook
# linters use NB1xx. 0xx reading, 1xx the notebook's pitfalls (checks), 2xx IPython
# syntax, 3xx analysis and plan, 4xx dependencies, 5xx rendering, 6xx the author's
# marks (tags, directives) and modules. A new code is one line here.
CODES: dict[str, Code] = {
    "NBP001": Code("notebook repaired", "read"),
    "NBP002": Code("notebook has no code", "read"),
    "NBP003": Code("cache file ignored", "cache"),
    "NBP101": Code("name used before the cell that defines it", "checks"),
    "NBP102": Code("name read but never defined", "checks", convert=False),
    "NBP103": Code("cells ran out of order", "checks"),
    "NBP104": Code("outputs without execution count", "checks", INFO, convert=False),
    "NBP105": Code("cell ran after one that never ran", "checks"),
    "NBP106": Code("stored output from a later redefinition", "checks"),
    "NBP107": Code("outputs stored in the notebook", "checks", INFO, convert=False),
    "NBP108": Code("large output", "checks"),
    "NBP109": Code("secret in an output or in code", "checks", ERROR),
    "NBP110": Code("test withheld: its output holds a secret", "testgen"),
    "NBP115": Code("no outputs stored: no tests from them", "testgen"),
    "NBP111": Code("unseeded randomness", "checks"),
    "NBP112": Code("output differs in a fresh kernel", "checks"),
    "NBP113": Code("cell fails in a fresh kernel", "checks", ERROR),
    "NBP114": Code("python -m PKG does not reproduce the notebook", "checks"),
    "NBP201": Code("IPython syntax translated", "analyse", INFO),
    "NBP202": Code("magic left out", "analyse"),
    "NBP203": Code("shell command left out", "analyse"),
    "NBP204": Code("help syntax left out", "analyse"),
    "NBP205": Code("get_ipython() call left out", "analyse"),
    "NBP206": Code("cell magic: cell left out", "analyse"),
    "NBP301": Code("cell left out: syntax error", "analyse"),
    "NBP302": Code("cell left out: Python 2 syntax", "analyse"),
    "NBP303": Code("definition replaced by a later one", "plan", INFO),
    "NBP304": Code("definition kept in the pipeline", "plan"),
    "NBP305": Code("name never defined", "plan"),
    "NBP306": Code("display expression left out", "plan", INFO),
    "NBP307": Code("star import", "plan"),
    "NBP308": Code("unused import left out", "plan", INFO),
    "NBP309": Code("pipeline rebinds a module name", "plan", INFO),
    "NBP311": Code("missing standard-library import added", "plan", INFO),
    "NBP312": Code("top-level global statement left out", "plan", INFO),
    "NBP313": Code("definition runs code on import", "plan"),
    "NBP314": Code("__main__ block run as in the kernel", "analyse", INFO),
    "NBP315": Code("function redefined after a call: each version kept", "plan", INFO),
    "NBP316": Code("value never read: its name dropped", "plan", INFO),
    "NBP317": Code("step with many inputs", "plan", INFO),
    "NBP401": Code("local module imported", "plan"),
    "NBP402": Code("distribution name guessed", "plan", INFO),
    "NBP403": Code("requirements file not found", "plan"),
    "NBP404": Code("installed but not imported", "plan"),
    "NBP405": Code("dependency not pinned", "plan"),
    "NBP406": Code("module of a notebook service", "plan"),
    "NBP501": Code("code left unformatted", "render"),
    "NBP601": Code("unknown directive or tag", "read"),
    "NBP602": Code("not a module name", "read"),
    "NBP603": Code("cell left out by its marks", "plan", INFO),
    "NBP604": Code("exported code reads a name loose code makes", "plan"),
    "NBP605": Code("contradicting marks", "read"),
    "NBP606": Code("conversion mode", "plan", INFO),
    "NBP607": Code("one public name in two modules", "plan"),
    "NBP609": Code("parameters cell holds more than assignments", "plan"),
    "NBP610": Code("modules import each other", "plan"),
    "NBP611": Code("imported name not at another notebook's module level", "analyse"),
    "NBP612": Code("notebook run with %run converted too", "read", INFO),
}


@dataclass(frozen=True, slots=True)
class Finding:
    """One thing the user should know about the conversion.

    Findings are data, never exceptions: stages return them and the CLI prints them.
    ``cell`` is counted from 1, as users see cells in Jupyter.
    """

    code: str
    severity: Severity
    message: str
    cell: int | None = None
    line: int | None = None
    notebook: str = ""  # set when several notebooks make one package

    def order(self) -> tuple[str, int, int, str]:
        """Return the key that sorts findings in reading order: cell, line, code."""
        return (self.notebook, self.cell or 0, self.line or 0, self.code)

    def location(self) -> str:
        """Return "cell 4, line 2" (or less), after "a.ipynb: " if it is known."""
        parts = []
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        where = ", ".join(parts)
        if not self.notebook:
            return where
        return f"{self.notebook}: {where}" if where else self.notebook


def finding(
    code: str,
    message: str,
    *,
    cell: int | None = None,
    line: int | None = None,
    severity: Severity | None = None,
    notebook: str = "",
) -> Finding:
    """Return a finding of a registered code, of its severity unless given."""
    registered = CODES[code]
    chosen = registered.severity if severity is None else severity
    return Finding(code, chosen, message, cell, line, notebook)


class Nb2PkgError(Exception):
    """An error the user can fix; ``str()`` is one line saying what, where and how."""

    def __init__(
        self,
        message: str,
        *,
        path: Path | None = None,
        cell: int | None = None,
        line: int | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.cell = cell
        self.line = line

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        """Pickle with the location, so errors from worker processes keep it."""
        rebuild = functools.partial(
            type(self), path=self.path, cell=self.cell, line=self.line
        )
        return rebuild, (self.message,)

    def __str__(self) -> str:
        where = []
        if self.path is not None:
            where.append(str(self.path))
        if self.cell is not None:
            where.append(
                f"cell {self.cell}" + (f", line {self.line}" if self.line else "")
            )
        return ": ".join([*where, self.message])


class NotebookError(Nb2PkgError):
    """The input is not a notebook nb2pkg can convert (unreadable, not Python)."""


class InputError(Nb2PkgError):
    """The user must change the input or the options (bad package name, ...)."""


class OutputExistsError(Nb2PkgError):
    """The output exists and ``force`` was not given, or it cannot be written."""


class TemplateError(Nb2PkgError):
    """A template failed to render; names the template and line."""


class EquivalenceError(Exception):
    """Internal: generated code does not mean what the notebook meant. Please report."""


def by_ctrl_c(error: BaseException) -> bool:
    """Return whether ``error`` is, or was raised because of, a KeyboardInterrupt.

    Python before 3.12 wraps what a class's ``__set_name__`` raises in a
    RuntimeError: a Ctrl-C while a module defines a dataclass arrives as one.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, KeyboardInterrupt):
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False
