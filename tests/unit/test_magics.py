"""IPython syntax: each line translated or left out, with a finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg.analyse.magic_rules import CELL_MAGICS, LINE_MAGICS, Action
from nb2pkg.analyse.magics import translate_ipython
from nb2pkg.errors import Severity

SUBPROCESS_LS = (
    "import subprocess; x = subprocess.run('ls', shell=True, capture_output=True, "
    "text=True, check=False).stdout.splitlines()"
)
PYLAB = "from pylab import *; import numpy as np; import matplotlib.pyplot as plt"


@pytest.mark.parametrize(
    ("source", "expected", "codes"),
    [
        ("%matplotlib inline\nimport os", "\nimport os", ["NBP202"]),
        ("%time total = f(x)", "total = f(x)", ["NBP201"]),
        ("%timeit -n 10 -r 3 f(x)", "f(x)", ["NBP201"]),
        ("y = %time g(2)", "y = g(2)", ["NBP201"]),
        ("x = %sx ls", SUBPROCESS_LS, ["NBP201"]),
        ("!ls", "", ["NBP203"]),
        ("!pip install numpy", "", ["NBP202"]),
        ("%run other.py", "", ["NBP202"]),
        ("%env DEBUG=1", "import os; os.environ['DEBUG'] = '1'", ["NBP201"]),
        ("%cd data", "import os; os.chdir(os.path.expanduser('data'))", ["NBP201"]),
        ("%pylab inline", PYLAB, ["NBP201"]),
        ("get_ipython().run_line_magic('time', 'f(x)')", "f(x)", ["NBP201"]),
        ("get_ipython().system('ls')", "", ["NBP203"]),
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


@pytest.mark.parametrize(("name", "rule"), sorted(LINE_MAGICS.items()))
def test_every_line_magic_in_the_table_does_what_it_says(
    name: str, rule: object
) -> None:
    """Row by row: the table's action is what happens to ``%name args``."""
    args = {
        "time": "f(x)",
        "timeit": "f(x)",
        "prun": "f(x)",
        "pip": "install six",
        "conda": "install six",
        "mamba": "install six",
        "env": "A=1",
        "set_env": "A=1",
        "cd": "data",
        "sx": "ls",
        "system": "ls",
    }.get(name, "x")
    result = translate_ipython(f"%{name} {args}", cell=1)
    (note,) = result.findings
    action = LINE_MAGICS[name].action
    if action in (Action.RUN, Action.ENV, Action.CD, Action.PYLAB):
        assert note.code == "NBP201"
        compile(result.source, "<cell>", "exec")
        assert result.source
    elif action is Action.INSTALL:
        assert [i.text for i in result.installs] == ["six"]
        assert result.source == ""
    else:
        assert note.code in ("NBP202", "NBP203")
        assert result.source == ""
    assert note.severity == LINE_MAGICS[name].severity or action is Action.SHELL


@pytest.mark.parametrize("name", sorted(CELL_MAGICS))
def test_every_cell_magic_in_the_table_does_what_it_says(name: str) -> None:
    result = translate_ipython(f"%%{name}\nx = 1", cell=1)
    if CELL_MAGICS[name].action is Action.BODY:
        assert result.source.strip() == "x = 1"
    else:
        assert result.source == ""
        assert result.findings[0].code == "NBP206"


def test_unknown_magics_are_left_out_loudly() -> None:
    (note,) = translate_ipython("%nosuchmagic 1", cell=1).findings
    assert note.severity is Severity.WARNING
    (note,) = translate_ipython("%%nosuchmagic\nbody", cell=1).findings
    assert note.severity is Severity.WARNING


def test_harmless_magics_are_only_info() -> None:
    (note,) = translate_ipython("%matplotlib inline", cell=1).findings
    assert note.severity is Severity.INFO


def test_shell_command_interpolation_becomes_an_f_string() -> None:
    result = translate_ipython("out = !ls {folder} $name", cell=1)
    assert "f'ls {folder} {name}'" in result.source


def test_install_lines_give_requirements_with_their_location() -> None:
    source = "import sys\nif 'google.colab' in sys.modules:\n"
    source += "    %pip install -q 'pandas==2.1'"
    result = translate_ipython(source, cell=4)
    assert [(i.text, i.cell, i.line) for i in result.installs] == [
        ("pandas==2.1", 4, 3)
    ]
    compile(result.source, "<cell>", "exec")


def test_bash_cell_installs_are_read() -> None:
    result = translate_ipython("%%bash\npip install -U scikit-learn\necho done", cell=1)
    assert [i.text for i in result.installs] == ["scikit-learn"]


def test_readme_documents_every_magic() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [f"%{n}" for n in LINE_MAGICS if f"`%{n}`" not in readme]
    missing += [f"%%{n}" for n in CELL_MAGICS if f"`%%{n}`" not in readme]
    assert missing == []
