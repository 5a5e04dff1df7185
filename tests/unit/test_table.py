"""`nb2pkg plan`: a row per cell saying what it defines, reads, and where it goes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nb2pkg.api import convert, describe
from nb2pkg.cli import app
from nb2pkg.model import Plan
from nb2pkg.options import Options
from tests.conftest import MakeNotebook, cell, markdown


def test_rows_say_where_each_cell_goes(make_nb: MakeNotebook) -> None:
    nb = make_nb(
        markdown("# Title"),
        "import os\nimport sys",
        "def add(a, b):\n    return a + b",
        cell("add(2, 3)", result="5", count=3),
        "total = add(1, 2)\nprint(os.getcwd())",
        "%matplotlib inline",
        "x = (",
    )
    plan, rows = describe(nb)
    goes = {row.cell: row.goes_to for row in rows}
    assert goes == {
        1: (),
        2: ("pipeline.py", "left out"),  # os is used by run(); sys by nothing
        3: ("core.py",),
        4: (
            "run()",
            "test_core.py",
        ),  # run() shows it, as the notebook did; a test pins it
        5: ("run()",),
        6: ("left out",),
        7: ("left out",),
    }
    third = rows[2]
    assert (third.kind, third.first_line, third.defines, third.reads) == (
        "code",
        "def add(a, b):",
        ("add",),
        (),
    )
    assert rows[4].reads == ("add", "os")
    assert plan.package == "experiment"


def test_plan_command_json_and_table(make_nb: MakeNotebook) -> None:
    nb = make_nb("def f():\n    return 1", "print(f())")
    runner = CliRunner()
    as_json = runner.invoke(app, ["plan", str(nb), "--json"])
    assert as_json.exit_code == 0
    data = json.loads(as_json.stdout)
    assert [c["goes_to"] for c in data["cells"]] == [["core.py"], ["run()"]]
    text = runner.invoke(app, ["plan", str(nb)], env={"COLUMNS": "120"})
    assert text.exit_code == 0
    assert "goes to" in text.output and "core.py" in text.output


def test_several_notebooks_are_planned_as_convert_plans_them() -> None:
    from tests.conftest import example_source

    folder = example_source("shop")
    plan, rows = describe([folder])
    converted = convert([folder], options=Options(dry_run=True))

    def layout(p: Plan) -> list[tuple[str, list[str]]]:
        return [(m.name, [s.code for s in m.body]) for m in p.modules]

    assert layout(plan) == layout(converted.plan)
    by_notebook = {(row.notebook, row.cell): row.goes_to for row in rows}
    assert {nb for nb, _ in by_notebook} == {
        "cart.ipynb",
        "prices.ipynb",
        "report.ipynb",
    }
    # Each notebook's cells go to its own modules and tests, never another's.
    assert by_notebook["prices.ipynb", 3] == ("prices.py",)
    assert by_notebook["prices.ipynb", 4] == ("test_prices.py",)
    assert by_notebook["report.ipynb", 3] == ("report.py",)
    assert by_notebook["report.ipynb", 2] == ("report.py", "pipelines/report.py")
    assert by_notebook["cart.ipynb", 5] == ("pipelines/cart.py", "test_cart.py")


def test_plan_command_takes_a_folder(tmp_path: Path) -> None:
    from tests.conftest import example_source

    runner = CliRunner()
    folder = str(example_source("shop"))
    as_json = runner.invoke(app, ["plan", folder, "--json"])
    assert as_json.exit_code == 0, as_json.output
    data = json.loads(as_json.stdout)
    assert {c["notebook"] for c in data["cells"]} == {
        "cart.ipynb",
        "prices.ipynb",
        "report.ipynb",
    }
    text = runner.invoke(app, ["plan", folder], env={"COLUMNS": "160"})
    assert text.exit_code == 0
    assert "notebook" in text.output and "prices.ipynb" in text.output
