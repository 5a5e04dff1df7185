"""Assertions from stored pandas outputs hold on the object shown, and only on it."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from nb2pkg.testgen.frames import frame_assertions, series_assertions

PEOPLE = pd.DataFrame(
    {
        "weight": [68, 83, 112],
        "birth year": [1985, 1984, 1992],
        "children": [np.nan, 3.0, 0.0],
        "hobby": ["Biking", "Dancing", None],
    },
    index=["alice", "bob", "charles"],
)
FRAMES = {
    "labels and NaN": PEOPLE,
    "truncated": pd.DataFrame(np.arange(300 * 30).reshape(300, 30) / 7.0),
    "dates and booleans": pd.DataFrame(
        {
            "day": pd.to_datetime(["2016-10-29", "2016-10-30"]),
            "at": pd.to_datetime(["2016-10-29 16:00", "2016-10-30 01:30"]),
            "ok": [True, False],
        }
    ),
    "row MultiIndex": pd.DataFrame(
        {"a": [1, 2, 3]},
        index=pd.MultiIndex.from_tuples([("P", "x"), ("P", "y"), ("L", "z")]),
    ),
    "named index": pd.DataFrame(
        {"a": [1.5, 2.25]}, index=pd.Index([10, 20], name="id")
    ),
    "column MultiIndex": pd.DataFrame(
        [[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])
    ),
    "scientific": pd.DataFrame({"v": [1e-10, 12345678.9, 0.5]}),
    "float index": pd.DataFrame({"v": [1, 2]}, index=[0.5, 1.5]),
    "elided text": pd.DataFrame({"s": ["x" * 80, "y"]}),
    "categorical": pd.DataFrame({"c": pd.Categorical(["a", "b"])}),
}
SERIES = {
    "named": pd.Series([68, 83, 112], index=["alice", "bob", "charles"], name="weight"),
    "NaN": pd.Series([0.1, 0.25, np.nan]),
    "truncated": pd.Series(np.arange(1000) / 3),
    "time index": pd.Series(
        [4.4, 5.1], index=pd.date_range("2016-10-29 16:00", periods=2, freq="2h")
    ),
    "text": pd.Series(["a b", "c"], name=0),
    "booleans": pd.Series([True, False]),
}


def failures(lines: tuple[str, ...], result: object) -> list[str]:
    """Return the assertions that do not hold for ``result``."""
    failed = []
    for line in lines:
        try:
            exec(line, {"result": result, "pytest": pytest})  # noqa: S102 - our own output
        except (AssertionError, ValueError):  # a value that is no number fails too
            failed.append(line)
    return failed


@pytest.mark.parametrize("name", FRAMES)
def test_assertions_hold_on_the_dataframe_shown(name: str) -> None:
    frame = FRAMES[name]
    lines = frame_assertions(frame._repr_html_())  # what Jupyter stores as text/html
    assert lines
    assert failures(lines, frame) == []


@pytest.mark.parametrize("name", SERIES)
def test_assertions_hold_on_the_series_shown(name: str) -> None:
    series = SERIES[name]
    lines = series_assertions(repr(series))
    assert lines
    assert failures(lines, series) == []


def test_a_dataframe_is_checked_for_shape_labels_and_values() -> None:
    lines = frame_assertions(PEOPLE._repr_html_())
    assert lines[:3] == (
        "assert result.shape == (3, 4)",
        "assert result.columns.astype(str).tolist() == "
        "['weight', 'birth year', 'children', 'hobby']",
        "assert result.index.astype(str).tolist() == ['alice', 'bob', 'charles']",
    )
    assert 'assert result.iloc[:, 0].astype("int64").tolist() == [68, 83, 112]' in lines
    assert (
        "assert result.iloc[:, 2].astype(float).tolist() == "
        'pytest.approx([float("nan"), 3.0, 0.0], abs=0.05, nan_ok=True)'
    ) in lines
    # A missing value in a text column is shown as pandas likes: not compared.
    assert not any("Biking" in line for line in lines)


@pytest.mark.parametrize(
    "change",
    [
        lambda f: f.assign(weight=[68, 83, 113]),
        lambda f: f.assign(children=[np.nan, 3.2, 0.0]),
        lambda f: f.rename(columns={"hobby": "hobbies"}),
        lambda f: f.rename(index={"bob": "robert"}),
        lambda f: f.iloc[:2],
        lambda f: f.drop(columns="hobby"),
        lambda f: f.astype({"weight": str}).assign(weight=["68", "83", "x"]),
    ],
)
def test_a_different_dataframe_fails_the_assertions(change: object) -> None:
    lines = frame_assertions(PEOPLE._repr_html_())
    assert callable(change)
    assert failures(lines, change(PEOPLE.copy()))


def test_a_truncated_dataframe_checks_only_the_rows_and_columns_shown() -> None:
    frame = FRAMES["truncated"]
    with pd.option_context("display.max_rows", 10, "display.max_columns", 6):
        html = frame._repr_html_()
    lines = frame_assertions(html)
    assert lines[0] == "assert result.shape == (300, 30)"
    assert "assert result.columns[:3].astype(str).tolist() == ['0', '1', '2']" in lines
    assert (
        "assert result.columns[-3:].astype(str).tolist() == ['27', '28', '29']" in lines
    )
    assert any(line.startswith("assert result.iloc[-5:, -1]") for line in lines)
    assert failures(lines, frame) == []
    # A row that was not shown may change; a row that was shown may not.
    hidden, visible = frame.copy(), frame.copy()
    hidden.iloc[100, 0] = -1.0
    visible.iloc[299, 29] = -1.0
    assert failures(lines, hidden) == []
    assert failures(lines, visible)


def test_values_compare_within_the_precision_shown() -> None:
    frame = pd.DataFrame({"v": [0.123456, 2.5]})
    with pd.option_context("display.precision", 2):
        lines = frame_assertions(frame._repr_html_())
    assert "pytest.approx([0.12, 2.5], abs=0.005)" in lines[-1]
    assert failures(lines, frame) == []
    assert failures(lines, pd.DataFrame({"v": [0.13, 2.5]}))


def test_a_series_is_checked_for_length_name_dtype_and_values() -> None:
    lines = series_assertions(repr(SERIES["named"]))
    assert lines == (
        "assert len(result) == 3",
        "assert str(result.name) == 'weight'",
        "assert str(result.dtype) == 'int64'",
        "assert result.index.astype(str).tolist() == ['alice', 'bob', 'charles']",
        'assert result.astype("int64").tolist() == [68, 83, 112]',
    )
    assert failures(lines, SERIES["named"].astype("float64"))


def test_a_truncated_series_checks_its_first_and_last_values() -> None:
    series = SERIES["truncated"]
    lines = series_assertions(repr(series))
    assert "assert len(result) == 1000" in lines
    assert any(
        line.startswith("assert result.iloc[:5].astype(float)") for line in lines
    )
    assert any(
        line.startswith("assert result.iloc[-5:].astype(float)") for line in lines
    )


@pytest.mark.parametrize(
    "text",
    [
        "",
        "5",
        "array([1, 2, 3])",
        "<div>not a table</div>",
        '<table class="dataframe"><thead><tr><th>a</th></tr></thead></table>',
        "dtype: int64",
        "a    1\n  b  2\ndtype: int64",  # a MultiIndex Series
        "0    a\n...\n...\ndtype: object",
    ],
)
def test_other_outputs_give_no_assertions(text: str) -> None:
    assert frame_assertions(text) == ()
    assert series_assertions(text) == ()


@pytest.mark.parametrize(("levels", "shown"), [("xyz", 6), ("vwxyz", 10)])
def test_a_truncated_table_with_column_levels_checks_the_right_columns(
    levels: str, shown: int
) -> None:
    # The top header row spans columns: the cut is found, and counted, in the values.
    columns = pd.MultiIndex.from_product([["a", "b", "c", "d"], list(levels)])
    frame = pd.DataFrame(
        np.arange(100 * len(columns)).reshape(100, len(columns)), columns=columns
    )
    with pd.option_context("display.max_rows", 10, "display.max_columns", shown):
        lines = frame_assertions(frame._repr_html_())
    assert lines[0] == f"assert result.shape == (100, {len(columns)})"
    assert any(line.startswith("assert result.iloc[:5, -") for line in lines)
    assert failures(lines, frame) == []
