"""The expected side of a test: a stored output turned into something to compare.

A result becomes ``==`` (``pytest.approx`` for floats), a frame or series check,
``assert_allclose`` for an array, a repr for an object of a package class; an
error becomes ``pytest.raises``. What cannot be compared honestly gives no test.
"""

from __future__ import annotations

import ast
import builtins
import re
from dataclasses import replace

from nb2pkg.model import Output, TestCase, TestKind
from nb2pkg.testgen.frames import frame_assertions, series_assertions

_EXCEPTIONS = frozenset(
    n
    for n in dir(builtins)
    if isinstance(getattr(builtins, n), type)
    and issubclass(getattr(builtins, n), BaseException)
)
# Text that differs between runs: memory addresses, elided reprs.
UNSTABLE_TEXT = re.compile(r"0x[0-9a-fA-F]{6,}|\.\.\.|…")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_ARRAY = re.compile(r"^array\((?P<values>.*?)(?:,\s*dtype=[\w.]+)?\)$", re.DOTALL)
# Longer outputs are not copied into a test.
MAX_OUTPUT = 10_000


def result_case(
    output: Output,
    expression: str,
    base: TestCase,
    *,
    classes: frozenset[str],
    numpy: bool,
    pandas: bool,
) -> TestCase | None:
    """Return the test of a stored result, if it can be compared."""
    text = output.text.strip()
    if not text or len(text) > MAX_OUTPUT:
        return None
    approx = approx_kind(text)
    if approx is not None:
        kind = TestKind.APPROX if approx else TestKind.EQUAL
        return replace(base, kind=kind, expression=expression, expected=text)
    if pandas:
        checks = (
            frame_assertions(output.html) if output.html else series_assertions(text)
        )
        if checks:
            uses_pytest = any("pytest." in line for line in checks)
            return replace(
                base,
                kind=TestKind.PANDAS,
                expression=expression,
                body="\n".join(checks),
                setup=(*base.setup, "import pytest") if uses_pytest else base.setup,
            )
    if UNSTABLE_TEXT.search(text):
        return None
    array = _ARRAY.match(text)
    if array and numpy:
        values = " ".join(array.group("values").split())
        if _numbers(values):
            setup = (*base.setup, "from numpy.testing import assert_allclose")
            return replace(
                base,
                kind=TestKind.ALLCLOSE,
                expression=expression,
                expected=values,
                match=printed_tolerance(values),
                setup=setup,
            )
        return None
    head = re.match(r"^([A-Za-z_]\w*)\(", text)
    if head and head.group(1) in classes and "\n" not in text:
        return replace(
            base, kind=TestKind.REPR, expression=expression, expected=repr(text)
        )
    return None


def raises_case(
    error: Output,
    expression: str,
    base: TestCase,
    *,
    classes: frozenset[str],
    owner: dict[str, str],
) -> TestCase | None:
    """Return ``pytest.raises`` for a stored error, if its class can be named."""
    name = _ANSI.sub("", error.name).strip()
    names = base.names
    if name in classes:
        names = tuple(sorted({*names, (owner[name], name)}))
    elif name not in _EXCEPTIONS:
        return None
    message = _ANSI.sub("", error.value).strip().split("\n")[0][:200]
    match = repr(escape(message)) if message else ""
    return replace(
        base,
        kind=TestKind.RAISES,
        expression=expression,
        expected=name,
        match=match,
        names=names,
    )


def escape(text: str) -> str:
    """Return ``text`` as a regular expression that matches it literally.

    Unlike ``re.escape``, only the characters that mean something are escaped,
    so the generated ``match=`` stays readable.
    """
    return re.sub(r"([.^$*+?{}\[\]\\|()])", r"\\\1", text)


def unescaped(match: str) -> str:
    """Return the message a ``match=`` literal stands for (see ``escape``)."""
    try:
        pattern = ast.literal_eval(match) if match else ""
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return match
    return re.sub(r"\\(.)", r"\1", pattern) if isinstance(pattern, str) else match


def approx_kind(text: str) -> bool | None:
    """Return whether the literal needs pytest.approx; None if it is not usable."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    if not _has_float(value):
        return False
    if isinstance(value, float | complex):
        return True
    if isinstance(value, list | tuple) and all(_is_number(v) for v in value):
        return True
    if isinstance(value, dict) and all(_is_number(v) for v in value.values()):
        return True
    return None  # floats nested in containers: pytest.approx cannot compare them


# The decimals numpy prints at most (its default ``precision``).
_NUMPY_DECIMALS = 8
# A float as numpy prints it: 0.02272727, -1.11022302e-16, 1.5e+03.
_FLOAT = re.compile(r"-?\d+\.(\d*)(e[-+]?\d+)?", re.IGNORECASE)


def printed_tolerance(values: str) -> str:
    """Return ``assert_allclose``'s tolerance for numbers printed as ``values``.

    numpy prints as many decimals as the values need, up to 8: with 8, the
    recorded numbers are rounded, off by up to one unit in the 8th decimal
    (``atol``); in e-notation, in their last significant digit (``rtol``). A
    value printed as ``1e-16`` next to ``1.0`` is rounding noise of the
    computation, which differs from one machine to another: ``atol`` also
    allows a millionth of a millionth of the largest.
    """
    floats = _FLOAT.findall(values)
    if not floats:
        return ""
    decimals = max((len(d) for d, exponent in floats if not exponent), default=0)
    significant = max((len(d) for d, exponent in floats if exponent), default=0)
    numbers = [abs(float(m.group())) for m in _FLOAT.finditer(values)]
    largest = max(numbers)
    noisy = any(n < largest * 1e-8 for n in numbers)  # zero or noise beside it
    rounded = 10.0**-decimals if decimals >= _NUMPY_DECIMALS else 0.0
    atol = max(rounded, largest * 1e-12 if noisy else 0.0)
    rtol = 10.0**-significant if significant > _NUMPY_DECIMALS - 1 else 1e-7
    parts = [f"rtol={rtol:.0e}"] if rtol > 1e-7 else []  # noqa: PLR2004
    return ", ".join([*parts, f"atol={atol:.0e}"] if atol else parts)


def _numbers(text: str) -> bool:
    """Return True if ``text`` is a literal number or (nested) list of numbers:
    what ``assert_allclose`` compares, at any depth."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False

    def numeric(v: object) -> bool:
        if isinstance(v, list | tuple):
            return all(numeric(x) for x in v)
        return isinstance(v, int | float) and not isinstance(v, bool)

    return numeric(value)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | complex)


def _has_float(value: object) -> bool:
    if isinstance(value, float | complex):
        return True
    if isinstance(value, list | tuple | set | frozenset):
        return any(_has_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_float(v) for v in [*value.keys(), *value.values()])
    return False
