"""Import-time work in definitions: decorators, defaults, class bodies (NBP313)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.checks.importtime import import_time_calls
from nb2pkg.model import Cell, Notebook
from nb2pkg.options import Generation
from nb2pkg.plan.notebook import make_plan


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("def f(x, y=os.system('ls')):\n    pass", [(0, "os.system('ls')")]),
        ("def f(*, y=load()):\n    pass", [(0, "load()")]),
        ("@app.route('/x')\ndef f():\n    pass", [(-1, "app.route('/x')")]),
        ("@register\ndef f():\n    pass", []),  # a bare name: no call to see
        ("class A(make_base()):\n    pass", [(0, "make_base()")]),
        ("class A(metaclass=meta()):\n    pass", [(0, "meta()")]),
        ("class A:\n    n = compute()\n", [(1, "compute()")]),
        ("class A:\n    def m(self, k=make()):\n        pass", [(1, "make()")]),
        ("class A:\n    class B:\n        x = deep()", [(2, "deep()")]),
        ("class A:\n    xs = [f(i) for i in range(3)]", [(1, "f(i)")]),
        (
            "@lru_cache(maxsize=os.cpu_count())\ndef f():\n    pass",
            [(-1, "os.cpu_count()")],
        ),
    ],
)
def test_calls_made_when_the_definition_runs(
    code: str, expected: list[tuple[int, str]]
) -> None:
    assert import_time_calls(code) == expected


@pytest.mark.parametrize(
    "code",
    [
        "def f(x=1, y=(1, 2)):\n    return os.system('ls')",  # the body runs later
        "def f(x=lambda: os.system('ls')):\n    pass",
        "@dataclass\nclass P:\n    xs: list = field(default_factory=list)",
        "@functools.lru_cache(maxsize=None)\ndef f():\n    pass",
        "class Color(Enum):\n    RED = auto()",
        "class A:\n    def m(self):\n        return load()",
        "def broken(:\n",
    ],
)
def test_harmless_definitions_report_nothing(code: str) -> None:
    assert import_time_calls(code) == []


def test_the_plan_reports_module_definitions_with_cell_and_line() -> None:
    sources = [
        "import os",
        "# set up\n\n@app.get('/')\ndef home(x=os.getcwd()):\n    return x",
        "app = None",
        "for i in range(2):\n    def step(k=print(i)):\n        pass",  # loose code
    ]
    notebook = Notebook(
        path=Path("demo.ipynb"),
        cells=tuple(
            Cell(index=i, kind="code", source=textwrap.dedent(s))
            for i, s in enumerate(sources)
        ),
    )
    plan = make_plan(notebook, analyse_notebook(notebook), generation=Generation())
    found = [(f.cell, f.line, f.message) for f in plan.findings if f.code == "NBP313"]
    assert [(cell, line) for cell, line, _ in found] == [(2, 3), (2, 4)]
    assert "`home` runs `app.get('/')` when core is imported" in found[0][2]
    assert "`os.getcwd()`" in found[1][2]
