"""Outputs an older library printed, which today's prints differently.

A notebook's outputs were recorded with the libraries it ran with. Some of what
those libraries print has changed since, in a known release: pandas 2.0 removed
``Int64Index``, pandas 2.2 renamed the frequency aliases (``H`` is ``h``),
pandas 3.0 gives strings their own dtype, numpy 1.14 changed how arrays print.
A printed output with such a mark is checked only where the library is older
than that release; elsewhere its test is skipped, saying why. A value the
notebook showed is compared as a value, so its repr does not matter.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nb2pkg.model import StepRecord


@dataclass(frozen=True, slots=True)
class Drift:
    """A library release after which an output prints differently."""

    distribution: str
    version: tuple[int, int]
    why: str

    @property
    def reason(self) -> str:
        """Return the skip's reason."""
        major, minor = self.version
        return f"recorded with {self.distribution} < {major}.{minor}: {self.why}"


_NUMPY_1_14 = Drift("numpy", (1, 14), "arrays print otherwise")
SHORT_FLOATS = Drift("Python", (3, 0), "floats print all their digits")
_PANDAS_3 = Drift("pandas", (3, 0), "strings have the dtype str, time zones zoneinfo")
_MARKS = (
    (
        re.compile(r"\b(?:Int64|UInt64|Float64)Index\("),
        Drift("pandas", (2, 0), "Int64Index is gone"),
    ),
    (
        re.compile(
            r"(?:freq='|Freq: )\d*(?:H|T|S|L|U|N|BH)\b"
            r"|(?:freq='|Freq: |period\[)\d*A-[A-Z]{3}\b"
        ),
        Drift("pandas", (2, 2), "H, T, A-DEC are now h, min, Y-DEC"),
    ),
    (
        # Strings in an Index, a Series (its last line) or a frame's info().
        re.compile(
            r"Index\(\[(?:'[^'\n]*',\s*)*'[^'\n]*'\],\s*dtype='object'"
            r"|dtype: object\s*$|^dtypes: .*\bobject\(\d+\)",
            re.MULTILINE,
        ),
        _PANDAS_3,
    ),
    (re.compile(r"\bpytz\.exceptions\."), _PANDAS_3),
    (re.compile(r"\bdtype=bool\)"), _NUMPY_1_14),
)
# Text numpy printed: an array's repr, a printed array (numbers with no commas
# between them: ``[ 1.  2.]``), or a message about arrays.
_NUMPY_PRINT = re.compile(
    r"\barray\b|\[\s*-?[\d.]+(?:e[-+]?\d+)?(?:[-+][\d.]+j)?\s+-?\d"
)


def notebook_drift(texts: Iterable[str]) -> tuple[Drift, ...]:
    """Return the drifts that concern every output of a notebook, given all of
    its printed outputs: an array printed as numpy < 1.14 did means that numpy
    printed each of its arrays so."""
    legacy = any(_NUMPY_1_14 is drift(t) or array_style(t) == "legacy" for t in texts)
    return (_NUMPY_1_14,) if legacy else ()


# numpy < 1.14 kept a place for a sign before every float (``[ 1.5  2.5]``);
# numpy >= 1.14 only where a number is negative (``[1.5 2.5]``).
_PADDED = re.compile(r"\[ +\d")
_UNPADDED_FLOAT = re.compile(r"\[\d+\.")


def array_style(text: str) -> str | None:
    """Return how a printed output shows its float arrays: "legacy" as numpy
    < 1.14 did, "new" as numpy >= 1.14 does, None if it does not tell."""
    if not _NUMPY_PRINT.search(text):
        return None
    if "dtype=bool)" in text or (_PADDED.search(text) and "-" not in text):
        return "legacy"
    return "new" if _UNPADDED_FLOAT.search(text) else None


def legacy_step(texts: Iterable[str]) -> bool:
    """Return True if a step's printed outputs show arrays mostly as numpy
    < 1.14 did: numpy prints so again under ``np.printoptions(legacy="1.13")``,
    and the tests run that step so, to check those outputs as they are."""
    styles = [array_style(t) for t in texts]
    return styles.count("legacy") > styles.count("new")


def drift(text: str, notebook: Iterable[Drift] = ()) -> Drift | None:
    """Return how a printed output drifted, if it bears an older library's mark
    (``notebook``: the drifts of the whole notebook, from ``notebook_drift``)."""
    for pattern, found in _MARKS:
        if pattern.search(text):
            return found
    if _NUMPY_1_14 in tuple(notebook) and _NUMPY_PRINT.search(text):
        return _NUMPY_1_14
    if any(_python_2_float(f) for f in _FLOAT.findall(text)):
        return SHORT_FLOATS
    return None


# A float as print() writes it.
_FLOAT = re.compile(r"(?<![\w.])\d+\.\d+(?![\w.])")
# The significant digits of a float's str in Python 2 (``5.08483584352``);
# Python 3 writes all it takes to read it back (``5.084835843520128``).
_PYTHON_2_DIGITS = 12


def _python_2_float(text: str) -> bool:
    digits = text.replace(".", "").lstrip("0")
    return len(digits) == _PYTHON_2_DIGITS and not digits.endswith("0")


# Bytes Python 2 showed as a str: ``'\\x01\\x00'`` (Python 3 shows b'...').
_BINARY_STR = re.compile(r"^u?['\"].*\\x[0-9a-f]{2}", re.DOTALL)
_PYTHON_2_BYTES = Drift("Python", (3, 0), "binary data is bytes, not str")


def value_drift(expected: str) -> Drift | None:
    """Return how a shown value's recorded literal drifted: binary data that
    Python 2 showed as a str is bytes now."""
    return _PYTHON_2_BYTES if _BINARY_STR.match(expected) else None


def recorded_drifts(records: Iterable[StepRecord]) -> tuple[Drift, ...]:
    """Return the older releases the notebook's recorded outputs show it ran
    with, one per library and release, in the order first seen."""
    records = tuple(records)
    older = notebook_drift(text for r in records for _, text in r.cells)
    found = [drift(text, older) for r in records for _, text in r.cells]
    found += [value_drift(case.expected) for r in records for _, case in r.shown]
    unique: dict[tuple[str, tuple[int, int]], Drift] = {}
    for d in found:
        # A float of 12 digits may be one by chance: too weak a sign to expect
        # every difference to be the library's.
        if d is not None and d is not SHORT_FLOATS:
            unique.setdefault((d.distribution, d.version), d)
    return tuple(unique.values())
