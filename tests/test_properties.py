"""Property tests: no input crashes the converter; conversions are sound and stable."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import libcst as cst
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nb2pkg import Nb2PkgError, Options, check, convert
from nb2pkg.analyse.cells import analyse_cells
from nb2pkg.analyse.magics import translate_ipython
from nb2pkg.cache import Memo
from nb2pkg.errors import CODES
from nb2pkg.model import Cell, CellAnalysis
from nb2pkg.read.notebook import reads_notebook
from nb2pkg.testgen.frames import frame_assertions, series_assertions

settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("NB2PKG_HYPOTHESIS_EXAMPLES", "60")),
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile("ci")

LINES = st.sampled_from(
    [
        "import os",
        "import numpy as np",
        "import pandas as pd",
        "from collections import Counter",
        "x = 1",
        "X = [1, 2.5, 'a']",
        "y = x + 1",
        "def f(a, b=1):\n    return a + b + x",
        "def g():\n    '''doc\n    string'''\n    return f(1)",
        "class C(object):\n    k = 1\n    def m(self):\n        return self.k",
        "print(f(2))",
        "f(2)",
        "df.head()",
        "%matplotlib inline",
        "%time z = f(3)",
        "!pip install thing",
        "np.array?",
        "%%time",
        "%%bash",
        "if x:\n    %pip install q",
        "for i in range(3):\n    x += i",
        "x = (",
        "print x",
        "global x",
        "del x",
        "await thing()",
        "s = '''\n%not magic\n'''",
        "\t\tindented = 1",
        "# just a comment",
        "",
    ]
)
CELL = st.lists(LINES, max_size=6).map("\n".join) | st.text(max_size=80)


OUTPUTS = st.sampled_from(
    [
        [],
        [{"output_type": "stream", "name": "stdout", "text": "1\n"}],
        [{"output_type": "execute_result", "data": {"text/plain": "5"}, "metadata": {},
          "execution_count": 1}],
        [{"output_type": "execute_result", "data": {"text/plain": "[0.1, 2]"},
          "metadata": {}, "execution_count": 2}],
        [{"output_type": "error", "ename": "ValueError", "evalue": "x",
          "traceback": []}],
        [{"output_type": "stream", "text": "no name\n"}],
        [{"output_type": "execute_result", "metadata": {}, "execution_count": 3,
          "data": {"text/plain": "   a\n0  1", "text/html":
          '<table class="dataframe"><thead><tr><th></th><th>a</th></tr></thead>'
          "<tbody><tr><th>0</th><td>1</td></tr></tbody></table>"}}],
        [{"output_type": "execute_result", "metadata": {}, "execution_count": 4,
          "data": {"text/plain": "0    1.5\nName: x, dtype: float64"}}],
    ]
)  # fmt: skip
# Keys real notebooks sometimes lack.
DROPPABLE = st.sets(
    st.sampled_from(["metadata", "outputs", "execution_count", "source"])
)


@st.composite
def raw_cell(draw: st.DrawFn) -> dict[str, object]:
    kind = draw(st.sampled_from(["code", "code", "markdown"]))
    cell: dict[str, object] = {"cell_type": kind, "source": draw(CELL), "metadata": {}}
    if kind == "code":
        cell["outputs"] = draw(OUTPUTS)
        cell["execution_count"] = draw(st.none() | st.integers(1, 50))
    for key in draw(DROPPABLE):
        cell.pop(key, None)
    return cell


def notebook_json(cells: list[dict[str, object]]) -> str:
    return json.dumps(
        {"nbformat": 4, "nbformat_minor": 4, "metadata": {}, "cells": cells}
    )


@given(st.lists(raw_cell(), max_size=8))
def test_convert_never_crashes_and_is_deterministic(
    cells: list[dict[str, object]],
) -> None:
    """Any mix gives a Result or an Nb2PkgError; a Result compiles and is stable.

    convert() also runs the equivalence guard: a changed definition would raise.
    """
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prop.ipynb"
        path.write_text(notebook_json(cells), encoding="utf-8")
        try:
            first = convert(path, options=Options(dry_run=True))
        except Nb2PkgError:
            return
        second = convert(path, options=Options(dry_run=True))
        assert first.files == second.files
        for file in first.files:
            if file.path.suffix == ".py":
                compile(file.text, str(file.path), "exec")


@given(st.lists(raw_cell(), max_size=6))
def test_check_never_crashes(cells: list[dict[str, object]]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "prop.ipynb"
        path.write_text(notebook_json(cells), encoding="utf-8")
        try:
            result = check(path)
        except Nb2PkgError:
            return
        assert all(f.code in CODES for f in result.findings)


@given(st.text(max_size=200))
def test_magic_translation_keeps_line_numbers(source: str) -> None:
    result = translate_ipython(source, cell=1)
    if not source.lstrip().startswith("%%"):
        assert result.source.count("\n") == source.count("\n")


@given(CELL)
def test_magic_translation_says_whenever_it_changed_the_cell(source: str) -> None:
    # The conversion cache relies on it: a cell with no finding and no install
    # is rebuilt from the cache next time without translating it.
    result = translate_ipython(source, cell=1)
    if result.source != source:
        assert result.findings or result.installs


def _found(analyses: tuple[CellAnalysis, ...]) -> list[object]:
    return [(a.cell.number, a.parsed, a.findings, a.installs) for a in analyses] + [
        (s.cell, s.kind, s.defines, s.uses, s.eager_uses, s.mutates, s.name, s.line)
        + (s.code, cst.Module(body=[s.node]).code)
        for a in analyses
        for s in a.statements
    ]


class _Kept(Memo):
    """Cache entries read back, recording the cells analysed afresh."""

    def __init__(self, entries: dict[str, object]) -> None:
        super().__init__(entries)
        self.afresh: list[str] = []

    def put(self, name: str, value: object) -> None:
        self.afresh.append(name)


@given(st.lists(CELL, max_size=6))
def test_cells_rebuilt_from_the_cache_are_the_cells_analysed_afresh(
    sources: list[str],
) -> None:
    cells = [Cell(index=i, kind="code", source=s) for i, s in enumerate(sources)]
    found = Memo()
    fresh = analyse_cells(cells, memo=found)
    # Through JSON, as the cache file keeps the entries.
    kept = _Kept(json.loads(json.dumps(found.entries)))
    rebuilt = analyse_cells(cells, memo=kept)
    assert kept.afresh == []  # every cell that parsed came from its entry
    assert _found(rebuilt) == _found(fresh)
    for again, first in zip(rebuilt, fresh, strict=True):
        for s, t in zip(again.statements, first.statements, strict=True):
            assert s.node is not t.node and s.node.deep_equals(t.node)


@given(st.binary(max_size=200) | st.text(max_size=200))
def test_reading_garbage_is_a_clear_error(raw: bytes | str) -> None:
    try:
        notebook = reads_notebook(raw, path=Path("x.ipynb"))
    except Nb2PkgError as exc:
        assert str(exc) and "\n" not in str(exc)
        return
    # Read without a word only if it is JSON laid out as a notebook.
    data = json.loads(raw)
    assert isinstance(data, dict)
    assert isinstance(data.get("cells"), list) or isinstance(
        data.get("worksheets"), list
    )
    assert isinstance(notebook.cells, tuple)


TABLE_PARTS = st.sampled_from(
    [
        '<table border="1" class="dataframe">', "<table>", "</table>", "<thead>",
        "</thead>", "<tbody>", "</tbody>", "<tr>", "</tr>", "<th>", "</th>", "<td>",
        "</td>", '<th rowspan="2">', "a", "b c", "1", "1.5", "-2e-3", "...", "NaN",
        "'", '"', "\\", "<p>3 rows × 2 columns</p>", "&lt;", "\n",
    ]
)  # fmt: skip
SERIES_LINES = st.sampled_from(
    [
        "0    1", "b    2.5", "x y    a b", "...", "  z    1", "Name: x, dtype: int64",
        "dtype: float64", "Freq: D, Name: 'q', Length: 9, dtype: object", "0  '",
    ]
)  # fmt: skip


@given(
    st.lists(TABLE_PARTS, max_size=40).map("".join)
    | st.lists(SERIES_LINES, max_size=8).map("\n".join)
    | st.text(max_size=200)
)
def test_pandas_reprs_give_valid_assertions_or_none(text: str) -> None:
    for line in (*frame_assertions(text), *series_assertions(text)):
        compile(line, "<assertion>", "exec")
        assert line.startswith("assert ")
