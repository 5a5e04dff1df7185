"""Analysis: what each top-level statement binds and reads, and what kind it is."""

from __future__ import annotations

import textwrap

import pytest

from nb2pkg.analyse.cells import analyse_cell
from nb2pkg.model import Cell, Kind, Statement


def statements(source: str) -> tuple[Statement, ...]:
    analysis = analyse_cell(Cell(index=0, kind="code", source=textwrap.dedent(source)))
    assert analysis.parsed, analysis.findings
    return analysis.statements


@pytest.mark.parametrize(
    ("source", "kind"),
    [
        ("import os", Kind.IMPORT),
        ("from __future__ import annotations", Kind.FUTURE),
        ("def f(): pass", Kind.DEF),
        ("class C: pass", Kind.CLASS),
        ("N = 10", Kind.ASSIGN),
        ("DATA = Path('data') / 'x.csv'", Kind.ASSIGN),
        ("a, b = 1, 2", Kind.ASSIGN),
        ("x = load()", Kind.LOOSE),
        ("df['x'] = 1", Kind.LOOSE),
        ("x += 1", Kind.LOOSE),
        ("df.head", Kind.DISPLAY),
        ("df", Kind.DISPLAY),
        ("df.head()", Kind.LOOSE),
        ("get_ipython().run_cell_magic('time', '', 'x')", Kind.IPYTHON),
        (
            "try:\n    import ujson as json\nexcept ImportError:\n    json = None",
            Kind.IMPORT,
        ),
        ("for i in range(3):\n    print(i)", Kind.LOOSE),
    ],
)
def test_kind(source: str, kind: Kind) -> None:
    (statement,) = statements(source)
    assert statement.kind is kind


def test_names_defined_and_read() -> None:
    imp, const, func, call = statements(
        """
        import numpy as np
        N = 10
        @deco
        def f(a, b=N):
            local = a + helper(b)
            return local + np.pi + [i for i in range(a)][0]
        y = f(1)
        """
    )
    assert imp.defines == {"np"}
    assert const.defines == {"N"}
    assert func.defines == {"f"}
    assert func.uses == {"N", "deco", "helper", "np", "range"}
    assert func.eager_uses == {"N", "deco"}  # decorators and defaults run at definition
    assert call.defines == {"y"}
    assert call.uses == {"f"}


def test_class_body_reads_eagerly_methods_lazily() -> None:
    (cls,) = statements(
        """
        class C(Base):
            k = X
            def m(self):
                return self.k + Y
        """
    )
    assert cls.eager_uses == {"Base", "X"}
    assert cls.uses == {"Base", "X", "Y"}


def test_global_statement_binds_at_module_level() -> None:
    (func,) = statements(
        """
        def bump():
            global counter
            counter = 1
        """
    )
    assert func.defines == {"bump", "counter"}


def test_semicolons_split_and_header_comments_kept() -> None:
    first, second = statements("# load the data\nimport os; x = os.getcwd()")
    assert first.kind is Kind.IMPORT
    assert first.code.startswith("# load the data\n")
    assert second.defines == {"x"}
    assert second.uses == {"os"}


def test_statement_lines_count_from_one() -> None:
    lines = [s.line for s in statements("a = 1\n\n\ndef f():\n    pass\nb = 2")]
    assert lines == [1, 4, 6]


def test_syntax_error_leaves_the_cell_out_with_its_line() -> None:
    analysis = analyse_cell(Cell(index=3, kind="code", source="x = 1\ny = (\n"))
    assert not analysis.parsed
    (note,) = analysis.findings
    assert (note.code, note.cell) == ("NBP301", 4)
    assert "tag the cell 'skip'" in note.message


def test_python2_is_named() -> None:
    analysis = analyse_cell(Cell(index=0, kind="code", source="x = 1\nprint x"))
    assert [(f.code, f.line) for f in analysis.findings] == [("NBP302", 2)]


def test_compile_time_errors_are_caught() -> None:
    analysis = analyse_cell(Cell(index=0, kind="code", source="return 5"))
    assert not analysis.parsed
    assert analysis.findings[0].code == "NBP301"


def test_top_level_await_is_accepted() -> None:
    (statement,) = statements("result = await fetch()")
    assert statement.kind is Kind.LOOSE


def test_magics_do_not_break_parsing() -> None:
    analysis = analyse_cell(
        Cell(index=0, kind="code", source="%matplotlib inline\nimport numpy as np\n!ls")
    )
    assert analysis.parsed
    assert [s.kind for s in analysis.statements] == [Kind.IMPORT]
    assert [f.code for f in analysis.findings] == ["NBP202", "NBP203"]


def test_augmented_assignment_reads_its_target() -> None:
    (loop,) = statements("for i in range(3):\n    total += i")
    assert "total" in loop.uses and "total" in loop.eager_uses
    (func,) = statements("def f():\n    local = 0\n    local += 1")
    assert "local" not in func.uses


def test_del_reads_and_unbinds_its_target() -> None:
    (stmt,) = statements("del cache")
    assert "cache" in stmt.uses
    assert stmt.kind is Kind.LOOSE


def test_attribute_and_item_mutation_is_a_use_and_a_redefinition() -> None:
    item, attr, nested, deleted = statements(
        "df['x'] = 1\nmodel.coef_ = None\ncfg['a']['b'] += 1\ndel cache['k']"
    )
    assert ("df" in item.uses, item.mutates) == (True, {"df"})
    assert ("model" in attr.uses, attr.mutates) == (True, {"model"})
    assert ("cfg" in nested.uses, nested.mutates) == (True, {"cfg"})
    assert ("cache" in deleted.uses, deleted.mutates) == (True, {"cache"})
    # Changing an object in place binds no new name: steps pass it, not return it.
    assert item.defines == frozenset()


@pytest.mark.parametrize(
    ("source", "local"),
    [
        ("squares = [n * n for n in range(3)]", "n"),
        ("pairs = {k: v for k, v in items}", "k"),
        ("key = lambda row: row[0]", "row"),
        ("total = sum(x for x in data)", "x"),
    ],
)
def test_comprehension_and_lambda_names_stay_inside(source: str, local: str) -> None:
    (stmt,) = statements(source)
    assert local not in stmt.uses and local not in stmt.defines


def test_star_import_binds_no_name_it_can_see() -> None:
    (stmt,) = statements("from os.path import *")
    assert stmt.kind is Kind.IMPORT and stmt.defines == frozenset()


@pytest.mark.parametrize(
    "template",
    [
        "# a comment\n\nx = {big}\ny = 2\n",
        "import math\n\n\n# above\n# more\ndata = {big}  # trailing\nprint(len(data))",
        "a = 1; b = {big}\nc = 3\n",  # split: LibCST writes it
        "if __name__ == '__main__':\n    z = {big}\n",  # opened: LibCST writes it
        "x = {big}",
        "def f():\n    return 1\n\n\nvals = (\n    {big}\n)\n\n# footer comment\n",
    ],
)
def test_a_big_statement_s_code_is_the_cell_s_text_as_libcst_writes_it(
    template: str,
) -> None:
    import libcst as cst

    from nb2pkg.analyse import cells

    big = "[" + ", ".join(str(i) for i in range(20_000)) + "]"
    parsed = cells._parse(Cell(0, "code", template.format(big=big)))
    assert parsed.module is not None
    for i, stmt in enumerate(parsed.module.body):
        fast = cells._source_of(stmt, i, parsed)
        assert not fast or fast == cst.Module(body=[stmt]).code
