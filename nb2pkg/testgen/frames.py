"""Read what a stored pandas DataFrame or Series output shows, as test assertions.

A DataFrame's result is read from its ``text/html`` table (the column labels are
unambiguous there); a Series' from its ``text/plain`` text and footer. A truncated
repr (``...``) shows the first and last rows and columns: only those are checked.
The assertions are lines of code about a variable ``result``.

Values are compared as the repr shows them: numbers approximately, within the
precision shown (a notebook may have set ``display.precision``); everything else
by ``astype(str)``, which formats as the repr does. Columns whose text cannot be
compared honestly (missing values shown as text, elided strings) are left out.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

_NUMBER = re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$")
_INT = re.compile(r"^[-+]?\d+$")
# Whole numbers shown with more digits than an int64 holds are compared as text.
_INT_DIGITS = 19
_MISSING = frozenset({"NaN", "nan", "None", "NaT", "<NA>"})
_INFINITE = {"inf": math.inf, "-inf": -math.inf}
_DIMENSIONS = re.compile(r"(\d+)\s+rows\s*[×x]\s*(\d+)\s+columns")
_SERIES_FOOTER = re.compile(
    r"^(?:Freq: [^,]+, )?(?:Name: (?P<name>.*?), )?(?:Length: (?P<length>\d+), )?"
    r"dtype: (?P<dtype>\S+)$"
)
_NUMERIC_DTYPE = re.compile(r"^(?:u?int|float)\d*$|^bool$")
_MAX_CELLS = 2_000  # a bigger table is data, not a readable test
_MAX_COLUMNS = 8  # the values of the first columns shown are checked, no more


@dataclass(slots=True)
class Shown:
    """The labels and values a repr shows, split where it was truncated."""

    shape: tuple[int, ...] | None = None  # None: the repr does not say
    columns: list[list[str]] = field(default_factory=list)  # [head, tail] labels
    index: list[list[str]] = field(default_factory=list)  # [head, tail] labels
    values: list[list[list[str]]] = field(default_factory=list)  # [head, tail] rows
    name: str | None = None  # a Series' name
    dtype: str = ""  # a Series' dtype
    labels_ok: bool = True  # one header row, one index level
    head_width: int | None = None  # columns before a column cut; None: no cut


def frame_assertions(html: str) -> tuple[str, ...]:
    """Return assertions about ``result`` from a DataFrame's HTML, or ()."""
    shown = _parse_html(html)
    return _assertions(shown) if shown is not None else ()


def series_assertions(text: str) -> tuple[str, ...]:
    """Return assertions about ``result`` from a Series' text repr, or ()."""
    shown = _parse_series(text)
    return _assertions(shown) if shown is not None else ()


class _Table(HTMLParser):
    """Collect the first ``dataframe`` table: header rows, body rows, dimensions."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.header: list[list[str]] = []
        self.body: list[list[tuple[str, str]]] = []
        self.after = ""
        self._in = ""  # thead or tbody
        self._cell: list[str] | None = None
        self._tag = ""
        self._done = False
        self._table = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._done:
            return
        if tag == "table":
            self._table = "dataframe" in (dict(attrs).get("class") or "")
        elif tag in ("thead", "tbody") and self._table:
            self._in = tag
        elif tag == "tr" and self._in == "thead":
            self.header.append([])
        elif tag == "tr" and self._in == "tbody":
            self.body.append([])
        elif tag in ("th", "td") and self._in:
            self._cell, self._tag = [], tag

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            if self._in == "thead" and self.header:
                self.header[-1].append(text)
            elif self._in == "tbody" and self.body:
                self.body[-1].append((self._tag, text))
            self._cell = None
        elif tag in ("thead", "tbody"):
            self._in = ""
        elif tag == "table" and self._table:
            self._done, self._table = True, False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._done:
            self.after += data


def _parse_html(html: str) -> Shown | None:
    table = _Table()
    try:
        table.feed(html)
        table.close()
    except (ValueError, AssertionError):
        return None
    if not table.header or not table.body:
        return None
    levels = {sum(1 for tag, _ in row if tag == "th") for row in table.body}
    values = [[text for tag, text in row if tag == "td"] for row in table.body]
    widths = {len(row) for row in values}
    if len(widths) != 1:
        return None  # ragged: not a table nb2pkg can read
    shown = Shown()
    labels = table.header[0][max(levels) :]
    # A second header row that names the index only: still one column level.
    named_index = len(table.header) == 2 and not any(table.header[1][1:])
    shown.labels_ok = levels == {1} and (len(table.header) == 1 or named_index)
    index = [row[0][1] for row in table.body]
    cut = next((i for i, row in enumerate(values) if row and set(row) == {"..."}), None)
    head_rows, tail_rows = (
        (values, []) if cut is None else (values[:cut], values[cut + 1 :])
    )
    head_index, tail_index = (
        (index, []) if cut is None else (index[:cut], index[cut + 1 :])
    )
    column_cut = next((i for i, label in enumerate(labels) if label == "..."), None)
    if not shown.labels_ok:  # labels span columns: find the cut in the values
        rows = [row for row in values if set(row) != {"..."}]
        column_cut = next(
            (
                j
                for j in range(len(values[0]))
                if rows and all(r[j] == "..." for r in rows)
            ),
            None,
        )
    width = widths.pop()
    if shown.labels_ok and len(labels) != width:
        return None
    split = column_cut if column_cut is not None else width
    shown.columns = [labels[:split], labels[split + 1 :]]
    shown.head_width = column_cut
    shown.index = [head_index, tail_index]
    shown.values = [
        [row[:split] + row[split + 1 :] for row in head_rows],
        [row[:split] + row[split + 1 :] for row in tail_rows],
    ]
    dimensions = _DIMENSIONS.search(table.after)
    if dimensions:
        shown.shape = (int(dimensions.group(1)), int(dimensions.group(2)))
    elif cut is None and column_cut is None:
        shown.shape = (len(values), width)
    return shown


def _parse_series(text: str) -> Shown | None:
    lines = text.rstrip("\n").split("\n")
    footer = _SERIES_FOOTER.match(lines[-1].strip()) if lines else None
    if footer is None or len(lines) < 2:
        return None
    head: list[tuple[str, str]] = []
    tail: list[tuple[str, str]] = []
    rows = head
    for line in lines[:-1]:
        if line.strip() == "...":
            if rows is tail:
                return None
            rows = tail
            continue
        if not line or line[0].isspace():
            return None  # a MultiIndex, or a value broken over lines
        parts = re.match(r"^(\S(?:.*?\S)?)\s{2,}(\S(?:.*\S)?)$", line)
        if parts is None:
            return None
        rows.append((parts.group(1), parts.group(2)))
    length = footer.group("length")
    shown = Shown(name=footer.group("name"), dtype=footer.group("dtype"))
    if length is not None:
        shown.shape = (int(length),)
    elif rows is head:
        shown.shape = (len(head),)
    shown.index = [[label for label, _ in head], [label for label, _ in tail]]
    if _NUMERIC_DTYPE.match(shown.dtype) or shown.dtype == "object":
        shown.values = [[[v] for _, v in head], [[v] for _, v in tail]]
    return shown


def _assertions(shown: Shown) -> tuple[str, ...]:
    cells = sum(len(row) for part in shown.values for row in part)
    if cells > _MAX_CELLS:
        return ()
    return (*_header_checks(shown), *_value_checks(shown))


def _header_checks(shown: Shown) -> list[str]:
    """Return the checks of shape, name, dtype and the labels shown."""
    series = bool(shown.dtype)
    lines: list[str] = []
    if shown.shape is not None:
        if series:
            lines.append(f"assert len(result) == {shown.shape[0]}")
        else:
            lines.append(f"assert result.shape == {shown.shape!r}")
    if series:
        if shown.name is not None:
            lines.append(f"assert str(result.name) == {shown.name!r}")
        if shown.dtype == "object":  # strings: dtype str since pandas 3
            lines.append('assert str(result.dtype) in ("object", "str")')
        else:
            lines.append(f"assert str(result.dtype) == {shown.dtype!r}")
    if shown.labels_ok and not series:
        lines.extend(_labels("result.columns", shown.columns))
    if shown.labels_ok and not any(_number_like(x) for p in shown.index for x in p):
        lines.extend(_labels("result.index", shown.index))
    return lines


def _value_checks(shown: Shown) -> list[str]:
    """Return a check per column (of the first few) and per part shown."""
    series = bool(shown.dtype)
    shown_rows = len(shown.index[0]) + len(shown.index[1])
    if not shown.values or not shown_rows:
        return []
    width = len((shown.values[0] or shown.values[1])[0])
    head_columns = width if shown.head_width is None else shown.head_width
    lines: list[str] = []
    for j in range(min(width, _MAX_COLUMNS)):
        position = j if j < head_columns else j - width
        for part, rows in (("head", shown.values[0]), ("tail", shown.values[1])):
            if not rows:
                continue
            rows_slice = _slice(part, len(rows), shown_rows)
            if not series:
                target = f"result.iloc[{rows_slice}, {position}]"
            elif rows_slice == ":":
                target = "result"
            else:
                target = f"result.iloc[{rows_slice}]"
            check = _column_check(target, [row[j] for row in rows])
            lines.extend([check] if check else [])
    return lines


def _slice(part: str, count: int, shown_rows: int) -> str:
    """Return the rows' slice: all of them, the first ``count``, or the last."""
    if part == "head":
        return ":" if count == shown_rows else f":{count}"
    return f"-{count}:"


def _labels(target: str, parts: list[list[str]]) -> list[str]:
    head, tail = parts
    if not tail:
        return [f"assert {target}.astype(str).tolist() == {head!r}"]
    lines = [f"assert {target}[:{len(head)}].astype(str).tolist() == {head!r}"]
    lines.append(f"assert {target}[-{len(tail)}:].astype(str).tolist() == {tail!r}")
    return lines


def _column_check(target: str, texts: list[str]) -> str:
    """Return the assertion that ``target`` holds the values ``texts`` show."""
    if all(_NUMBER.match(t) or t in _MISSING or t in _INFINITE for t in texts) and any(
        not _INT.match(t) for t in texts
    ):
        if not any(_NUMBER.match(t) for t in texts):
            return ""
        values = ", ".join(_float_literal(t) for t in texts)
        tolerance = max(_tolerance(t) for t in texts if _NUMBER.match(t))
        nan = ", nan_ok=True" if any(t in _MISSING for t in texts) else ""
        return (
            f"assert {target}.astype(float).tolist() == "
            f"pytest.approx([{values}], abs={tolerance!r}{nan})"
        )
    if any(t in _MISSING or "..." in t or "…" in t for t in texts):
        return ""  # pandas shows missing values and elided text as it likes
    if all(_INT.match(t) and len(t) < _INT_DIGITS for t in texts):  # whole numbers
        numbers = ", ".join(str(int(t)) for t in texts)
        return f'assert {target}.astype("int64").tolist() == [{numbers}]'
    return f"assert {target}.astype(str).tolist() == {texts!r}"


def _float_literal(text: str) -> str:
    if text in _MISSING:
        return 'float("nan")'
    if text in _INFINITE:
        return f'float("{text}")'
    return repr(float(text))


def _tolerance(text: str) -> float:
    """Return half a unit of the last digit shown: how far the value may be."""
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.partition(".")[2])
    scale = int(exponent) if exponent else 0
    return float(f"5e{scale - decimals - 1}")


def _number_like(label: str) -> bool:
    """Return True for a float-like label, whose repr pandas may pad or round."""
    return bool(_NUMBER.match(label)) and not _INT.match(label)
