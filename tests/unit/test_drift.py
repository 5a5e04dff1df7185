"""Outputs an older library printed are checked only where it still prints them
so; outputs made from unseeded random draws pin nothing (#21)."""

from __future__ import annotations

import pytest

from nb2pkg.api import convert
from nb2pkg.options import Options
from nb2pkg.testgen.drift import drift, notebook_drift, value_drift
from tests.conftest import MakeNotebook, cell


@pytest.mark.parametrize(
    ("text", "distribution", "version"),
    [
        ("Int64Index([0, 1, 2], dtype='int64')", "pandas", (2, 0)),
        ("DatetimeIndex([...], dtype='datetime64[ns]', freq='H')", "pandas", (2, 2)),
        ("2016-10-29    4.4\nFreq: 15T, dtype: float64", "pandas", (2, 2)),
        ("PeriodIndex(['2016'], dtype='period[A-DEC]')", "pandas", (2, 2)),
        ("Index(['alice', 'bob'], dtype='object')", "pandas", (3, 0)),
        ("0    a\n1    b\ndtype: object", "pandas", (3, 0)),
        ("<class 'pytz.exceptions.AmbiguousTimeError'>", "pandas", (3, 0)),
        ("array([ True, False], dtype=bool)", "numpy", (1, 14)),
        ("std = 5.08483584352", "Python", (3, 0)),
    ],
)
def test_an_older_library_s_mark_is_recognised(
    text: str, distribution: str, version: tuple[int, int]
) -> None:
    found = drift(text)
    assert found is not None
    assert (found.distribution, found.version) == (distribution, version)


@pytest.mark.parametrize(
    "text",
    [
        "Index(['alice', 'bob'], dtype='str')",  # pandas 3 prints this
        "0    1\n1    2\ndtype: int64",
        "DatetimeIndex([...], dtype='datetime64[ns]', freq='h')",
        "x = 5.084835843520128",  # Python 3's float
        "[1. 2. 3.]",  # numpy today, in a notebook with no old mark
        "total: 6.00 EUR",
    ],
)
def test_what_prints_so_today_has_no_mark(text: str) -> None:
    assert drift(text) is None


def test_numpy_s_old_print_marks_the_notebook_s_arrays() -> None:
    older = notebook_drift(["array([ True], dtype=bool)", "plain text"])
    assert drift("float64 [ 1.  2.  3.]", older) is not None
    assert drift("complex64 [ 1.+0.j  2.+0.j]", older) is not None
    assert drift("total: 3", older) is None
    assert drift("float64 [ 1.  2.  3.]") is None  # no old mark in the notebook


def test_binary_data_shown_as_a_str_is_python_2() -> None:
    assert value_drift(repr("\x01\x00\x00\x00")) is not None
    assert value_drift("b'\\x01\\x00'") is None
    assert value_drift("'abc'") is None


def _ran(source: str, count: int, text: str) -> dict[str, object]:
    made = cell(source)
    made.execution_count = count
    made.outputs = [{"output_type": "stream", "name": "stdout", "text": text}]
    return made


def test_a_drifted_output_has_a_test_skipped_where_the_library_is_newer(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb(
        _ran("print('total', 2 + 1)", 1, "total 3\n"),
        _ran(
            "print('Int64Index([0, 1], dtype=\\'int64\\')')",
            2,
            "Int64Index([0, 1], dtype='int64')\n",
        ),
        name="old",
    )
    files = {
        str(f.path): f.text for f in convert(path, options=Options(dry_run=True)).files
    }
    tests = files["tests/test_pipeline.py"]
    assert "def test_step_1(" in tests and '"total 3\\n" in printed' in tests
    assert '@pytest.mark.skipif(\n    installed("pandas") >= (2, 0),' in tests
    assert "def test_step_1_cell_2(" in tests


def test_an_output_made_from_an_unseeded_draw_pins_nothing(
    make_nb: MakeNotebook,
) -> None:
    def tests_of(*cells: dict[str, object]) -> str:
        path = make_nb(*cells, name="draws")
        result = convert(path, options=Options(dry_run=True))
        return {str(f.path): f.text for f in result.files}.get(
            "tests/test_pipeline.py", ""
        )

    unseeded = tests_of(
        _ran("import random\nx = random.random()", 1, ""),
        _ran("y = round(x * 0)\nprint(y + 1)", 2, "1\n"),
    )
    assert "assert 1 in values" not in unseeded
    seeded = tests_of(
        _ran("import random\nrandom.seed(0)\nx = random.random()", 1, ""),
        _ran("y = round(x * 0)\nprint(y + 1)", 2, "1\n"),
    )
    assert "assert 1 in values" in seeded


def test_the_libraries_a_notebook_ran_with_are_read_from_its_outputs() -> None:
    from nb2pkg.model import StepRecord
    from nb2pkg.testgen.drift import recorded_drifts

    records = [
        StepRecord("load", "Load", ((1, "Int64Index([1], dtype='int64')\n"),)),
        StepRecord("fit", "Fit", ((2, "[ 1.5  2.5]\n"), (3, "Int64Index([2])\n"))),
        StepRecord("plain", "Plain", ((4, "5\n"),)),
    ]
    found = [(d.distribution, d.version) for d in recorded_drifts(records)]
    assert found == [("pandas", (2, 0)), ("numpy", (1, 14))]  # once each, in order
    assert recorded_drifts([StepRecord("plain", "Plain", ((4, "5\n"),))]) == ()


def test_a_float_of_twelve_digits_alone_tells_no_library() -> None:
    from nb2pkg.model import StepRecord
    from nb2pkg.testgen.drift import recorded_drifts

    assert drift("std = 5.08483584352") is not None  # its own test is skipped
    record = StepRecord("s", "S", ((1, "std = 5.08483584352\n"),))
    assert recorded_drifts([record]) == ()
