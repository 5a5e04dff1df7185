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


# Stable finding codes. The prefix is ours: other notebook linters use NB1xx.
# 0xx reading, 2xx IPython syntax, 3xx analysis and plan, 4xx dependencies,
# 5xx rendering, 6xx the author's marks (tags, directives) and modules.
CODES: dict[str, str] = {
    "NBP001": "notebook repaired",
    "NBP002": "notebook has no code",
    "NBP003": "cache file ignored",
    "NBP101": "name used before the cell that defines it",
    "NBP102": "name read but never defined",
    "NBP103": "cells ran out of order",
    "NBP104": "outputs without execution count",
    "NBP105": "cell ran after one that never ran",
    "NBP106": "stored output from a later redefinition",
    "NBP107": "outputs stored in the notebook",
    "NBP108": "large output",
    "NBP109": "secret in an output or in code",
    "NBP110": "test withheld: its output holds a secret",
    "NBP111": "unseeded randomness",
    "NBP112": "output differs in a fresh kernel",
    "NBP113": "cell fails in a fresh kernel",
    "NBP201": "IPython syntax translated",
    "NBP202": "magic left out",
    "NBP203": "shell command left out",
    "NBP204": "help syntax left out",
    "NBP205": "get_ipython() call left out",
    "NBP206": "cell magic: cell left out",
    "NBP301": "cell left out: syntax error",
    "NBP302": "cell left out: Python 2 syntax",
    "NBP303": "definition replaced by a later one",
    "NBP304": "definition kept in the pipeline",
    "NBP305": "name never defined",
    "NBP306": "display expression left out",
    "NBP307": "star import",
    "NBP308": "unused import left out",
    "NBP309": "pipeline rebinds a module name",
    "NBP311": "missing standard-library import added",
    "NBP312": "top-level global statement left out",
    "NBP313": "definition runs code on import",
    "NBP401": "local module imported",
    "NBP402": "distribution name guessed",
    "NBP403": "requirements file not found",
    "NBP404": "installed but not imported",
    "NBP405": "dependency not pinned",
    "NBP406": "module of a notebook service",
    "NBP501": "code left unformatted",
    "NBP601": "unknown directive or tag",
    "NBP602": "not a module name",
    "NBP603": "cell left out by its marks",
    "NBP604": "exported code reads a name loose code makes",
    "NBP605": "contradicting marks",
    "NBP606": "conversion mode",
    "NBP607": "one public name in two modules",
    "NBP609": "parameters cell holds more than assignments",
    "NBP610": "modules import each other",
    "NBP611": "imported name not at another notebook's module level",
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
    severity: Severity = Severity.WARNING,
    notebook: str = "",
) -> Finding:
    """Return a finding, checking that its code is registered."""
    if code not in CODES:
        raise KeyError(code)
    return Finding(code, severity, message, cell, line, notebook)


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
