"""Tests from stored outputs: only honest evidence becomes an assertion."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.model import Cell, Notebook, Output, TestCase, TestKind
from nb2pkg.options import Generation
from nb2pkg.plan.notebook import make_plan
from nb2pkg.read.directives import mark_cells

ADD = "def add(a, b):\n    return a + b"


def all_tests(
    *cells: tuple[str, str | None | Output],
    counts: list[int | None] | None = None,
    tags: dict[int, tuple[str, ...]] | None = None,
) -> tuple[TestCase, ...]:
    """Return every test planned for the cells (source, stored result or output)."""
    counts = counts or [i + 1 for i in range(len(cells))]
    tags = tags or {}
    built = []
    for i, (src, out) in enumerate(cells):
        if isinstance(out, str):
            out = Output("execute_result", text=out)
        built.append(
            Cell(
                index=i,
                kind="code",
                source=src,
                outputs=(out,) if out is not None else (),
                execution_count=counts[i],
                tags=tags.get(i + 1, ()),
            )
        )
    notebook = Notebook(path=Path("t.ipynb"), cells=mark_cells(tuple(built))[0])
    return make_plan(
        notebook, analyse_notebook(notebook), generation=Generation()
    ).tests


def generated(
    *cells: tuple[str, str | None | Output],
    counts: list[int | None] | None = None,
    tags: dict[int, tuple[str, ...]] | None = None,
) -> tuple[TestCase, ...]:
    """Return the tests that check something (stubs aside)."""
    tests = all_tests(*cells, counts=counts, tags=tags)
    return tuple(t for t in tests if t.kind is not TestKind.STUB)


def test_literal_result_becomes_an_assertion() -> None:
    (case,) = generated((ADD, None), ("add(2, 3)", "5"))
    assert (case.name, case.cell, case.expression, case.expected) == (
        "test_add_1",
        2,
        "add(2, 3)",
        "5",
    )
    assert case.kind is TestKind.EQUAL and case.names == (("core", "add"),)


@pytest.mark.parametrize(
    ("result", "approx"),
    [
        ("0.30000000000000004", True),
        ("[0.1, 2]", True),
        ("{'a': 0.5}", True),
        ("'x'", False),
        ("(1, 'a')", False),
    ],
)
def test_floats_compare_approximately(result: str, approx: bool) -> None:
    (case,) = generated((ADD, None), ("add(0.1, 0.2)", result))
    assert case.kind is (TestKind.APPROX if approx else TestKind.EQUAL)


@pytest.mark.parametrize(
    "cells",
    [
        [(ADD, None), ("add(2, 3)", "array([5])")],  # not a Python literal
        [(ADD, None), ("add(2, 3)", None)],  # no stored result
        [(ADD, None), ("add(x, 3)", "5")],  # reads a loose global
        [(ADD, None), ("y = 1\nadd(2, 3)", "5")],  # setup code in the cell
        [("add(2, 3)", "5"), (ADD, None)],  # ran before the definition
        [(ADD, None), ("add([0.1], [[0.2]])", "[0.1, [0.2]]")],  # nested floats
        [
            ("import random\ndef roll():\n    return random.randint(1, 6)", None),
            ("roll()", "4"),
        ],
    ],
)
def test_no_test_without_honest_evidence(cells: list[tuple[str, str | None]]) -> None:
    assert generated(*cells) == ()


def test_output_of_an_older_definition_is_not_evidence() -> None:
    # The definition cell ran (count 5) after the call cell (count 3).
    assert generated((ADD, None), ("add(2, 3)", "5"), counts=[5, 3]) == ()


def test_names_count_per_function() -> None:
    cases = generated((ADD, None), ("add(1, 1)", "2"), ("add(2, 2)", "4"))
    assert [c.name for c in cases] == ["test_add_1", "test_add_2"]


def test_imports_the_test_needs_are_listed() -> None:
    (case,) = generated(
        ("import math\ndef area(r):\n    return math.pi * r * r", None),
        ("area(math.sqrt(1))", "3.141592653589793"),
    )
    assert case.setup == ("import math",)


DIV = "def div(a, b):\n    return a / b"


def test_error_output_becomes_pytest_raises_without_ansi_codes() -> None:
    error = Output("error", name="ZeroDivisionError", value="\x1b[31mdivision by zero")
    (case,) = generated((DIV, None), ("div(1, 0)", error))
    assert (case.kind, case.expression, case.expected) == (
        TestKind.RAISES,
        "div(1, 0)",
        "ZeroDivisionError",
    )
    assert case.match == "'division by zero'"


def test_error_message_is_matched_literally() -> None:
    error = Output("error", name="ValueError", value="bad value (x) [1]\nmore")
    (case,) = generated(
        ("def check(x):\n    raise ValueError(f'bad value ({x}) [1]')", None),
        ("check('x')", error),
    )
    assert case.match == repr(r"bad value \(x\) \[1\]")


def test_error_of_an_unknown_class_makes_no_test() -> None:
    error = Output("error", name="LinAlgError", value="Singular matrix")
    assert generated((DIV, None), ("div(1, 0)", error)) == ()


def test_error_of_a_package_exception_imports_it() -> None:
    source = (
        "class Invalid(Exception):\n    pass\n\ndef check(x):\n    raise Invalid(x)"
    )
    error = Output("error", name="Invalid", value="3")
    (case,) = generated((source, None), ("check(3)", error))
    assert case.kind is TestKind.RAISES
    assert ("core", "Invalid") in case.names


def test_printed_output_becomes_a_capsys_test() -> None:
    greet = "def greet(name):\n    print('hello', name)"
    printed = Output("stream", name="stdout", text="hello ada\n")
    (case,) = generated((greet, None), ("greet('ada')", printed))
    assert (case.kind, case.expression, case.expected) == (
        TestKind.STDOUT,
        "greet('ada')",
        "hello ada\n",
    )


def test_stderr_and_addresses_are_not_evidence() -> None:
    greet = "def greet(name):\n    print(object())"
    warning = Output("stream", name="stderr", text="careful\n")
    address = Output("stream", name="stdout", text="<object at 0x7f3a2b1c9d00>\n")
    assert generated((greet, None), ("greet('a')", warning)) == ()
    assert generated((greet, None), ("greet('a')", address)) == ()


@pytest.mark.parametrize(
    ("shown", "values"),
    [
        ("array([1., 2.])", "[1., 2.]"),
        ("array([[1, 2],\n       [3, 4]])", "[[1, 2], [3, 4]]"),
        ("array([0.5, 0.25], dtype=float32)", "[0.5, 0.25]"),
    ],
)
def test_numpy_arrays_compare_with_assert_allclose(shown: str, values: str) -> None:
    source = "import numpy as np\n\ndef halves(x):\n    return np.asarray(x) / 2"
    (case,) = generated((source, None), ("halves([2, 4])", shown))
    assert (case.kind, case.expected) == (TestKind.ALLCLOSE, values)
    assert "from numpy.testing import assert_allclose" in case.setup


def test_truncated_arrays_are_not_evidence() -> None:
    source = "import numpy as np\n\ndef ones(n):\n    return np.ones(n)"
    assert generated((source, None), ("ones(2000)", "array([1., 1., ..., 1.])")) == ()


def test_repr_of_a_package_class_is_compared() -> None:
    source = (
        "from dataclasses import dataclass\n\n@dataclass\nclass Point:\n"
        "    x: int\n    y: int"
    )
    (case,) = generated((source, None), ("Point(1, 2)", "Point(x=1, y=2)"))
    assert (case.kind, case.expected) == (TestKind.REPR, "'Point(x=1, y=2)'")


def test_a_cell_of_asserts_on_package_code_is_a_test() -> None:
    (case,) = generated(
        (ADD, None), ("assert add(1, 2) == 3\nassert add(0, 0) == 0", None)
    )
    assert case.kind is TestKind.CODE
    assert case.body == "assert add(1, 2) == 3\nassert add(0, 0) == 0"


def test_a_cell_tagged_test_is_a_test_and_keeps_its_imports() -> None:
    cell = "import math\nresult = add(1, 2)\nassert math.isclose(result, 3)"
    (case,) = generated((ADD, None), (cell, None), tags={2: ("test",)})
    assert case.kind is TestKind.CODE
    assert "import math" in case.setup
    assert "assert math.isclose(result, 3)" in case.body


def test_a_test_cell_that_needs_loose_state_is_a_stub() -> None:
    (case, *_) = all_tests(
        (ADD, None),
        ("data = open('numbers.json').read()", None),
        ("# nb2pkg: test\nassert add(*data) == 3", None),
    )
    assert case.kind is TestKind.STUB
    assert "needs data" in case.reason
    assert "# assert add(*data) == 3" in case.body


def test_a_test_cell_rebuilds_cheap_loose_state_first() -> None:
    (case, *_) = all_tests(
        (ADD, None),
        ("data = [1, 2]", None),
        ("# nb2pkg: test\nassert add(*data) == 3", None),
    )
    assert case.kind is TestKind.CODE
    assert case.body == "data = [1, 2]\nassert add(*data) == 3"


POINT = (
    "import numpy as np\nfrom datetime import date\n\n"
    "class Point:\n    def __init__(self, x, y):\n        self.x, self.y = x, y\n\n"
    "    def norm(self):\n        return (self.x ** 2 + self.y ** 2) ** 0.5"
)


@pytest.mark.parametrize(
    ("cells", "given"),
    [
        ([("x = 2", None), ("add(x, 3)", "5")], ("x = 2",)),
        (
            [("x = 2", None), ("y = x + 1", None), ("add(x, y)", "5")],
            ("x = 2", "y = x + 1"),
        ),
        ([("x: int = -2", None), ("add(x, 7)", "5")], ("x: int = -2",)),
        (
            [("a = np.array([1, 2])", None), ("add(a, 1)", "array([2, 3])")],
            ("a = np.array([1, 2])",),
        ),
        (
            [("d = date(2024, 1, 2)", None), ("add(d.day, 3)", "5")],
            ("d = date(2024, 1, 2)",),
        ),
        ([("xs = sorted({3, 1})", None), ("add(*xs)", "4")], ("xs = sorted({3, 1})",)),
        ([("p = Point(3, 4)", None), ("add(p.x, p.y)", "7")], ("p = Point(3, 4)",)),
        # Read, not changed, in between.
        ([("x = [2]", None), ("x.copy()", None), ("add(*x, 3)", "5")], ("x = [2]",)),
        # The value the cell saw: the binding before it, not a later one.
        ([("x = 2", None), ("add(x, 3)", "5"), ("x = 10", None)], ("x = 2",)),
    ],
)
def test_cheap_pure_globals_are_rebuilt_in_the_test(
    cells: list[tuple[str, str]], given: tuple[str, ...]
) -> None:
    (case,) = generated((POINT, None), (ADD, None), *cells)
    assert case.given == given
    assert case.names[-1] == ("core", "add")


def test_a_method_of_a_rebuilt_instance_tests_its_class() -> None:
    (case,) = generated((POINT, None), ("p = Point(3, 4)", None), ("p.norm()", "5.0"))
    assert (case.name, case.kind, case.given) == (
        "test_point_1",
        TestKind.APPROX,
        ("p = Point(3, 4)",),
    )
    assert case.names == (("core", "Point"),)


@pytest.mark.parametrize(
    ("cells", "counts"),
    [
        ([("x = open('n.txt').read()", None)], None),  # a file
        ([("x = np.random.rand()", None)], None),  # randomness
        ([("x = int(input())", None)], None),  # the user
        ([("x = add(1, 1)", None)], None),  # package code, not a constructor
        ([("x = 2", None), ("x += 0", None)], None),  # changed after binding
        ([("x = [2]", None), ("x.append(1)", None)], None),  # changed in place
        ([("x = [2]", None), ("x.dropna(inplace=True)", None)], None),
        ([("x = y = 2", None)], None),  # more than one name
        ([("x, w = 2, 3", None)], None),
        ([("x = [i for i in range(3)][2]", None)], None),  # code, not a value
        ([("x = 2", None)], [1, 2, 9, 3]),  # run again after the cell
    ],
)
def test_globals_that_are_not_cheap_and_pure_make_no_test(
    cells: list[tuple[str, str | None]], counts: list[int | None] | None
) -> None:
    assert not generated(
        (POINT, None), (ADD, None), *cells, ("add(x, 3)", "5"), counts=counts
    )


def test_each_function_without_evidence_gets_a_stub_with_its_signature() -> None:
    tests = all_tests(
        (ADD, None),
        ("def scale(x, *, by=2):\n    return x * by", None),
        ("add(1, 2)", "3"),
    )
    stubs = [t for t in tests if t.kind is TestKind.STUB]
    assert [(t.name, t.expression) for t in stubs] == [
        ("test_scale_todo", "scale(x, *, by=2)")
    ]


FRAME_HTML = (
    '<table border="1" class="dataframe"><thead><tr><th></th><th>n</th></tr>'
    "</thead><tbody><tr><th>0</th><td>1</td></tr><tr><th>1</th><td>2</td></tr>"
    "</tbody></table>"
)
TABLE = (
    "import pandas as pd\n\ndef table(k):\n"
    "    return pd.DataFrame({'n': range(1, k + 1)})"
)


def test_a_dataframe_result_checks_what_the_table_showed() -> None:
    shown = Output("execute_result", text="   n\n0  1\n1  2", html=FRAME_HTML)
    (case,) = generated((TABLE, None), ("table(2)", shown))
    assert (case.name, case.kind, case.expression) == (
        "test_table_1",
        TestKind.PANDAS,
        "table(2)",
    )
    assert case.body.split("\n") == [
        "assert result.shape == (2, 1)",
        "assert result.columns.astype(str).tolist() == ['n']",
        "assert result.index.astype(str).tolist() == ['0', '1']",
        'assert result.iloc[:, 0].astype("int64").tolist() == [1, 2]',
    ]


def test_a_series_result_checks_its_text() -> None:
    shown = Output("execute_result", text="0    1.5\nName: n, dtype: float64")
    source = (
        "import pandas as pd\n\ndef half(k):\n    return pd.Series([k / 2], name='n')"
    )
    (case,) = generated((source, None), ("half(3)", shown))
    assert case.kind is TestKind.PANDAS
    assert "import pytest" in case.setup
    assert "assert str(result.dtype) == 'float64'" in case.body


def test_a_table_is_no_evidence_when_pandas_is_not_imported() -> None:
    shown = Output("execute_result", text="   n\n0  1\n1  2", html=FRAME_HTML)
    source = "def table(k):\n    return k"
    assert not generated((source, None), ("table(2)", shown))


def test_bytes_results_compare_equal() -> None:
    (case,) = generated((ADD, None), ("add(b'a', b'b')", "b'ab'"))
    assert (case.kind, case.expected) == (TestKind.EQUAL, "b'ab'")


def test_printed_text_and_a_result_of_one_cell_make_two_tests() -> None:
    source = "def loud(x):\n    print('got', x)\n    return x * 2"
    outputs = (
        Output("stream", name="stdout", text="got 2\n"),
        Output("execute_result", text="4"),
    )
    cells = (
        Cell(index=0, kind="code", source=source, execution_count=1),
        Cell(
            index=1, kind="code", source="loud(2)", outputs=outputs, execution_count=2
        ),
    )
    notebook = Notebook(path=Path("t.ipynb"), cells=cells)
    tests = make_plan(
        notebook, analyse_notebook(notebook), generation=Generation()
    ).tests
    assert [(t.kind, t.expected) for t in tests] == [
        (TestKind.EQUAL, "4"),
        (TestKind.STDOUT, "got 2\n"),
    ]


def test_a_shown_tuple_is_compared_as_one_tuple(tmp_path: Path) -> None:
    """``f(0), f(1)`` gives ``assert (f(0), f(1)) == (0, 2)``, which can fail."""
    from nb2pkg import Options, convert
    from tests.conftest import run_package_tests
    from tests.differential import notebook_of, run_cells

    cells = ["def f(x):\n    return x * 2", "f(0), f(1)"]
    notebook = notebook_of(cells, tmp_path / "pairs.ipynb", run_cells(cells))
    result = convert(notebook, options=Options(output=tmp_path / "pkg"))
    (tests,) = [f.text for f in result.files if f.path.name == "test_core.py"]
    assert "assert (f(0), f(1)) == (0, 2)" in tests
    assert run_package_tests(tmp_path / "pkg").returncode == 0


def test_a_result_shown_through_a_name_is_a_test(tmp_path: Path) -> None:
    """``r = f(3)`` then ``r``: the cell showed f(3)'s value."""
    from nb2pkg import Options, convert
    from tests.conftest import run_package_tests
    from tests.differential import notebook_of, run_cells

    cells = ["def f(x):\n    return x * 2", "r = f(3)\nr"]
    notebook = notebook_of(cells, tmp_path / "named.ipynb", run_cells(cells))
    result = convert(notebook, options=Options(output=tmp_path / "pkg"))
    (tests,) = [f.text for f in result.files if f.path.name == "test_core.py"]
    assert "assert f(3) == 6" in tests
    assert run_package_tests(tmp_path / "pkg").returncode == 0


def test_a_stub_shows_the_call_the_notebook_made_and_what_it_returned() -> None:
    counts_def = "def counts(words):\n    return {w: words.count(w) for w in words}"
    cells = (
        (counts_def, None),
        ("import random\nwords = random.sample(['a', 'b'], 2)", None),
        ("result = counts(words)\nresult", "{'a': 1, 'b': 1}"),
        ("def unused(x):\n    return x", None),
    )
    stubs = {t.name: t for t in all_tests(*cells) if t.kind is TestKind.STUB}
    assert stubs["test_counts_todo"].body == (
        "# The notebook called it in cell 3:\n"
        "#     result = counts(words)\n"
        "# and, through `result`, showed a dict: {'a': 1, 'b': 1}\n"
        "# Repeat the call with inputs you build here, and assert on it."
    )
    assert stubs["test_unused_todo"].body == ""  # never called: nothing to show


def test_a_stub_never_copies_a_credential_the_notebook_showed() -> None:
    token = "ghp_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    cells = (
        ("def token(env):\n    return env['T']", None),
        ("import os\ntoken(os.environ)", repr(token)),
    )
    (stub,) = [t for t in all_tests(*cells) if t.kind is TestKind.STUB]
    assert "token(os.environ)" in stub.body and token not in stub.body
