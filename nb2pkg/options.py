"""Options for a conversion, and the rules for package names."""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from nb2pkg.errors import InputError

# How cells are chosen (see ``Options.mode``), and where the package sits
# (``Options.layout``): closed choices, checked where the user gives them.
Mode = Literal["auto", "tagged"]
PackageLayout = Literal["src", "flat"]
MODES: tuple[str, ...] = get_args(Mode)
LAYOUTS: tuple[str, ...] = get_args(PackageLayout)


@dataclass(frozen=True, slots=True)
class Options:
    """What the user asked for; passed keyword-only to every stage.

    Attributes:
        output: the package directory; default ``./<package name>``.
        name: the import name of the package; default from the notebook's name.
        force: replace an existing, non-empty output directory.
        dry_run: plan and render, but write nothing.
        tests: generate tests from the notebook's stored outputs.
        format: format generated code with black.
        template_dir: a directory whose templates override the built-in ones.
        pin: pin each dependency to the version installed where nb2pkg runs.
        select: finding codes (or prefixes) to report; empty means all.
        ignore: finding codes (or prefixes) never to report.
        no_outputs: stored outputs are an error (for notebooks kept in git).
        max_output_bytes: a cell's outputs above this size are reported.
        strict: convert refuses a notebook with hidden-state warnings.
        execute: also run the notebook in a fresh kernel and compare its outputs.
        timeout: seconds each cell may run when executing.
        check_only: write nothing; report whether the package is up to date.
        mode: ``auto`` converts every cell, ``tagged`` only the marked ones; None
            chooses ``tagged`` for nbdev notebooks, else ``auto``.
        layout: ``src`` (``src/<package>/``) or ``flat`` (``<package>/``).
        jobs: processes for analysing and formatting; None means every core.
        modules: (notebook file name, module) pairs: the module a notebook's
            unmarked definitions go to, instead of its own name (or ``core``).
        cache: reuse, and keep, the work of earlier conversions in the user's
            cache directory (``nb2pkg.cache``).
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
