"""IPython syntax: each line translated or left out, with a finding."""

from __future__ import annotations

import pytest

from nb2pkg.magics import translate_ipython


@pytest.mark.parametrize(
    ("source", "expected", "codes"),
    [
        ("%matplotlib inline\nimport os", "\nimport os", ["NBP202"]),
        ("%time total = f(x)", "total = f(x)", ["NBP201"]),
        ("%timeit -n 10 -r 3 f(x)", "f(x)", ["NBP201"]),
        ("y = %time g(2)", "y = g(2)", ["NBP201"]),
        ("x = !ls", "", ["NBP203"]),
        ("x = %sx ls", "", ["NBP202"]),
        ("!pip install numpy", "", ["NBP203"]),
        ("np.array?", "", ["NBP204"]),
        ("??np.array", "", ["NBP204"]),
        ("pip install torch", "", ["NBP202"]),
        ("%%bash\necho hi\n", "", ["NBP206"]),
        ("%%html\n<b>x</b>", "", ["NBP206"]),
        ("%%time\na = 1\nb = 2", "\na = 1\nb = 2", ["NBP201"]),
        ("%%timeit -n 3 setup()\nrun()", "setup()\nrun()", ["NBP201"]),
        ("%%capture out\nx = 1", "\nx = 1", ["NBP201"]),
        ("x = 1  # why?", "x = 1  # why?", []),
        ("s = 'what?'", "s = 'what?'", []),
        ("a = 5 % 3", "a = 5 % 3", []),
        ("print(a != b)", "print(a != b)", []),
    ],
)
def test_line_is_translated_or_left_out(
    source: str, expected: str, codes: list[str]
) -> None:
    result = translate_ipython(source, cell=1)
    assert result.source == expected
    assert [f.code for f in result.findings] == codes


def test_indented_magic_leaves_a_valid_block() -> None:
    source = (
        "import sys\nif 'google.colab' in sys.modules:\n    %pip install foo\nprint(1)"
    )
    result = translate_ipython(source, cell=3)
    compile(result.source, "<cell>", "exec")
    assert "    pass" in result.source
    (note,) = result.findings
    assert (note.cell, note.line) == (3, 3)


def test_magic_like_lines_inside_strings_are_kept() -> None:
    source = 's = """\n%not_a_magic\n!nor_a_shell\n"""\n!ls'
    result = translate_ipython(source, cell=1)
    assert result.source == 's = """\n%not_a_magic\n!nor_a_shell\n"""\n'
    assert [f.line for f in result.findings] == [5]


def test_magic_lines_inside_brackets_are_kept_for_the_parser() -> None:
    source = "f(1,\n  %x)"
    assert translate_ipython(source, cell=1).source == source


def test_continued_shell_line_is_left_out_whole() -> None:
    result = translate_ipython("!pip install a \\\n   b\nprint(2)", cell=1)
    assert result.source == "\n\nprint(2)"
    compile(result.source, "<cell>", "exec")


def test_capture_reports_the_lost_variable() -> None:
    (note,) = translate_ipython("%%capture out\nx = 1", cell=1).findings
    assert "'out' is not kept" in note.message


def test_line_numbers_are_preserved() -> None:
    source = "a = 1\n%matplotlib inline\nb = 2"
    assert translate_ipython(source, cell=1).source.split("\n")[2] == "b = 2"
