"""Options for a conversion, and the rules for package names."""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Literal, TypeVar, get_args

from nb2pkg.errors import InputError

# How cells are chosen (see ``Options.mode``), and where the package sits
# (``Options.layout``): closed choices, checked where the user gives them.
Mode = Literal["auto", "tagged"]
PackageLayout = Literal["src", "flat"]
MODES: tuple[str, ...] = get_args(Mode)
_P = TypeVar("_P", "Reading", "Generation", "Checking", "Writing", "Running")
LAYOUTS: tuple[str, ...] = get_args(PackageLayout)


@dataclass(frozen=True, slots=True)
class Generation:
    """What to generate: the part of ``Options`` that planning and rendering read.

    Attributes:
        name: the import name of the package; default from the notebook's name.
        tests: generate tests from the notebook's stored outputs.
        format: format generated code with black.
        template_dir: a directory whose templates override the built-in ones.
        pin: pin each dependency to the version installed where nb2pkg runs.
        mode: ``auto`` converts every cell, ``tagged`` only the marked ones; None
            chooses ``tagged`` for nbdev notebooks, else ``auto``.
        layout: ``src`` (``src/<package>/``) or ``flat`` (``<package>/``).
        modules: (notebook file name, module) pairs: the module a notebook's
            unmarked definitions go to, instead of its own name (or ``core``).
        cell_comments: a ``# Cell N`` comment before each cell's code in the
            pipeline's steps, naming where it came from.
    """

    name: str | None = None
    tests: bool = True
    format: bool = True
    template_dir: Path | None = None
    pin: bool = False
    mode: Mode | None = None
    layout: PackageLayout = "src"
    modules: tuple[tuple[str, str], ...] = ()
    cell_comments: bool = True


@dataclass(frozen=True, slots=True)
class Checking:
    """What to check: the part of ``Options`` the checks read.

    Attributes:
        select: finding codes (or prefixes) to report; empty means all.
        ignore: finding codes (or prefixes) never to report.
        no_outputs: stored outputs are an error (for notebooks kept in git).
        max_output_bytes: a cell's outputs above this size are reported.
        strict: convert refuses a notebook with hidden-state warnings.
        execute: also run the notebook in a fresh kernel and compare its outputs.
        timeout: seconds each cell may run when executing.
    """

    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    no_outputs: bool = False
    max_output_bytes: int = 100_000
    strict: bool = False
    execute: bool = False
    timeout: int = 60


@dataclass(frozen=True, slots=True)
class Writing:
    """How to write: the part of ``Options`` that the writing stage reads.

    Attributes:
        output: the package directory; default ``./<package name>``.
        force: replace an existing, non-empty output directory.
        dry_run: plan and render, but write nothing.
        check_only: write nothing; report whether the package is up to date.
    """

    output: Path | None = None
    force: bool = False
    dry_run: bool = False
    check_only: bool = False


@dataclass(frozen=True, slots=True)
class Running:
    """How to run: processes and the cache.

    Attributes:
        jobs: processes for analysing and formatting; None means every core.
        cache: reuse, and keep, the work of earlier conversions (``nb2pkg.cache``).
        cache_dir: where the cache is kept; None: the user's cache directory.
        config_dir: where the cache's signing key is kept; None: the user's
            config directory.
    """

    jobs: int | None = None
    cache: bool = False
    cache_dir: Path | None = None
    config_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class Reading:
    """What to read: which notebooks a folder gives.

    Attributes:
        exclude: a regular expression; notebooks and folders found in a folder
            whose path it matches are left out (as ``.gitignore`` leaves out).
    """

    exclude: str = ""


@dataclass(frozen=True, slots=True)
class Options:
    """Everything the user asked for, as one flat set of settings.

    The command line, ``[tool.nb2pkg]`` and library callers set these by name;
    ``nb2pkg.api`` hands each stage only its part, keyword-only:
    ``reading`` (which notebooks), ``generation`` (plan, render), ``checking``
    (checks), ``writing`` (write), ``running`` (processes, cache). Each field
    belongs to exactly one part and is documented there.
    """

    output: Path | None = None
    name: str | None = None
    force: bool = False
    dry_run: bool = False
    tests: bool = True
    format: bool = True
    template_dir: Path | None = None
    pin: bool = False
    select: frozenset[str] = frozenset()
    ignore: frozenset[str] = frozenset()
    no_outputs: bool = False
    max_output_bytes: int = 100_000
    strict: bool = False
    execute: bool = False
    timeout: int = 60
    check_only: bool = False
    mode: Mode | None = None
    layout: PackageLayout = "src"
    jobs: int | None = None
    modules: tuple[tuple[str, str], ...] = ()
    cache: bool = False
    cache_dir: Path | None = None
    config_dir: Path | None = None
    exclude: str = ""
    cell_comments: bool = True

    @property
    def reading(self) -> Reading:
        """What to read."""
        return _part(Reading, self)

    @property
    def generation(self) -> Generation:
        """What to generate."""
        return _part(Generation, self)

    @property
    def checking(self) -> Checking:
        """What to check."""
        return _part(Checking, self)

    @property
    def writing(self) -> Writing:
        """How to write."""
        return _part(Writing, self)

    @property
    def running(self) -> Running:
        """How to run."""
        return _part(Running, self)


def _part(kind: type[_P], options: Options) -> _P:
    return kind(**{f.name: getattr(options, f.name) for f in fields(kind)})


# Letters NFKD does not take apart, spelled as their languages spell them in ASCII.
_LIGATURES = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE",
     "đ": "d", "Đ": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH"}
)  # fmt: skip


def normalise_name(stem: str) -> str:
    """Return a module name made from a file stem.

    >>> normalise_name("My Experiment (v2)")
    'my_experiment_v2'
    >>> normalise_name("Übersicht: Größe")
    'ubersicht_grosse'

    Accented letters lose their accents (a package name is ASCII, for PyPI);
    letters of other scripts have no ASCII spelling, and are dropped.
    """
    decomposed = unicodedata.normalize("NFKD", stem.translate(_LIGATURES))
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    name = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_only).strip("_").lower()
    if name and name[0].isdigit():
        name = f"nb_{name}"
    return name


# Not in sys.stdlib_module_names, but taken: CPython's own test package, and the
# folder names test runners treat as tests.
_RESERVED = frozenset({"test", "tests"})


def check_package_name(name: str, *, imported: frozenset[str] = frozenset()) -> str:
    """Return ``name`` if it can be a package name, else raise ``InputError``.

    Args:
        name: the candidate import name.
        imported: top-level modules the notebook imports; the package must not
            shadow them.
    """
    hint = "choose another with --name"
    if not name or not name.isidentifier() or not name.isascii():
        raise InputError(f"{name!r} is not a valid Python package name; {hint}")
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        raise InputError(f"package name {name!r} is a Python keyword; {hint}")
    if name in sys.stdlib_module_names or name in _RESERVED:
        raise InputError(
            f"package name {name!r} would shadow the standard library module; {hint}"
        )
    if name in imported:
        raise InputError(
            f"package name {name!r} would shadow the {name!r} the notebook imports; "
            f"{hint}"
        )
    return name
