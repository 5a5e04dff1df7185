"""Layout: modes, modules, and what each mark does to the plan and the package."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg.api import convert
from nb2pkg.model import Plan
from nb2pkg.options import Options
from tests.conftest import MakeNotebook, cell, markdown


def plan_and_files(path: Path, **options: object) -> tuple[Plan, dict[str, str]]:
    result = convert(path, options=Options(dry_run=True, **options))  # type: ignore[arg-type]
    return result.plan, {str(f.path): f.text for f in result.files}


def codes(plan: Plan) -> list[str]:
    return [f.code for f in plan.findings]


def test_module_marks_split_the_package_and_modules_import_each_other(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb(
        cell("def load(path):\n    return path.upper()", tags=("module:data",)),
        "# nb2pkg: module: model\ndef fit(path):\n    return len(load(path))",
        "def helper():\n    return 1",
    )
    plan, files = plan_and_files(path)
    assert [m.name for m in plan.modules] == ["data", "model", "core"]
    assert "from .data import load" in files["src/experiment/model.py"]
    assert "def helper" in files["src/experiment/core.py"]
    assert "from .model import fit" in files["src/experiment/__init__.py"]


def test_a_module_mark_without_code_sets_the_default_for_what_follows(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb(
        "def a():\n    return 1",
        "# nb2pkg: module: extra",
        "def b():\n    return 2",
        "def c():\n    return 3",
    )
    plan, _ = plan_and_files(path)
    assert {m.name: [s.name for s in m.body] for m in plan.modules} == {
        "core": ["a"],
        "extra": ["b", "c"],
    }


def test_dotted_module_names_make_subpackages(make_nb: MakeNotebook) -> None:
    path = make_nb(
        "#| default_exp data.io\n",
        "#| export\ndef read(x):\n    return x",
        "#| export\nimport os\n\ndef here():\n    return os.getcwd()",
    )
    plan, files = plan_and_files(path)
    assert [m.name for m in plan.modules] == ["data.io"]
    assert "src/experiment/data/io.py" in files
    assert "src/experiment/data/__init__.py" in files
    assert "import experiment.data.io" in files["tests/test_data_io.py"]


def test_nbdev_notebook_converts_only_exported_cells(make_nb: MakeNotebook) -> None:
    path = make_nb(
        "#| default_exp tools",
        "#| hide\nfrom nbdev.showdoc import *",
        "#| export\nimport json\n\ndef dump(x):\n    return json.dumps(x)",
        "dump({'a': 1})",
        "#| exporti\ndef _private():\n    return 2\n\n"
        "def internal_helper():\n    return 3",
        "print('exploring')",
    )
    plan, files = plan_and_files(path)
    assert "NBP606" in codes(plan)
    assert [m.name for m in plan.modules] == ["tools"]
    assert plan.pipeline is None
    assert plan.modules[0].exports == ("dump",)  # exporti is not public
    assert "from nbdev" not in files["src/experiment/tools.py"]
    assert "import json" in files["src/experiment/tools.py"]


def test_auto_mode_can_be_asked_for_an_nbdev_notebook(make_nb: MakeNotebook) -> None:
    path = make_nb(
        "#| default_exp tools",
        "#| export\ndef dump(x):\n    return x",
        "print('exploring')",
    )
    plan, _ = plan_and_files(path, mode="auto")
    assert "NBP606" not in codes(plan)
    assert plan.pipeline is not None


def test_tagged_mode_takes_named_imports_from_unmarked_cells_not_star_imports(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb(
        "import math\nfrom os.path import *",
        "# nb2pkg: export\ndef area(r):\n    return math.pi * r * r",
        "area(2)",
    )
    plan, files = plan_and_files(path, mode="tagged")
    core = files["src/experiment/core.py"]
    assert "import math" in core and "os.path" not in core
    assert plan.pipeline is None


def test_export_keeps_loose_code_at_module_level_as_written(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb("# nb2pkg: export\nREGISTRY = {}\nREGISTRY['a'] = 1")
    plan, files = plan_and_files(path)
    assert "REGISTRY['a'] = 1" in files["src/experiment/core.py"].replace('"', "'")
    assert plan.pipeline is None


def test_exported_code_reading_loose_names_is_reported(make_nb: MakeNotebook) -> None:
    path = make_nb(
        "data = load()", "# nb2pkg: export\ndef first():\n    return data[0]"
    )
    plan, _ = plan_and_files(path)
    assert "NBP604" in codes(plan)


def test_skip_and_eval_false_leave_cells_out(make_nb: MakeNotebook) -> None:
    path = make_nb(
        "def keep():\n    return 1",
        cell("print('slow')", tags=("skip",)),
        "#| eval: false\nprint('never run')",
        cell("print('only in jupyter')", tags=("active-ipynb",)),
    )
    plan, files = plan_and_files(path)
    assert plan.pipeline is None
    assert codes(plan).count("NBP603") == 3


def test_parameters_become_constants_and_run_keywords(make_nb: MakeNotebook) -> None:
    path = make_nb(
        cell("alpha = 0.5\nepochs = 3", tags=("parameters",)),
        "result = [alpha * i for i in range(epochs)]\nprint(result)",
    )
    plan, files = plan_and_files(path)
    assert "alpha = 0.5" in files["src/experiment/core.py"]
    assert plan.pipeline is not None and plan.pipeline.parameters == ("alpha", "epochs")
    assert (
        "def run(*, alpha=alpha, epochs=epochs) -> None:"
        in files["src/experiment/pipeline.py"]
    )


def test_a_parameters_cell_with_code_keeps_the_code_in_run(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb(cell("n = 3\nprint(n)", tags=("parameters",)))
    plan, _ = plan_and_files(path)
    assert "NBP609" in codes(plan)


def test_pipeline_marks_split_steps_and_name_them(make_nb: MakeNotebook) -> None:
    path = make_nb(
        markdown("# Work"),
        "a = 1",
        "# nb2pkg: pipeline: make b\nb = a + 1",
        "# nb2pkg: main\nprint(b)",
    )
    plan, _ = plan_and_files(path)
    assert plan.pipeline is not None
    steps = [(s.name, s.params, s.returns) for s in plan.pipeline.functions]
    assert steps == [
        ("work", (), ("a",)),
        ("make_b", ("a",), ("b",)),
        ("show_work", ("b",), ()),  # "work" is taken: it prints, so it shows
    ]


def test_a_pipeline_mark_keeps_a_definition_in_run(make_nb: MakeNotebook) -> None:
    path = make_nb("# nb2pkg: pipeline\ndef local():\n    return 1\nprint(local())")
    plan, _ = plan_and_files(path)
    assert plan.modules == ()


def test_one_public_name_in_two_modules_is_reported(make_nb: MakeNotebook) -> None:
    path = make_nb(
        "# nb2pkg: export, module: a\ndef f():\n    return 1",
        "# nb2pkg: export, module: b\ndef f():\n    return 2",
    )
    plan, _ = plan_and_files(path)
    assert "NBP607" in codes(plan)


def test_modules_that_import_each_other_are_reported(make_nb: MakeNotebook) -> None:
    path = make_nb(
        "# nb2pkg: module: a\ndef f():\n    return g()",
        "# nb2pkg: module: b\ndef g():\n    return 1\n\ndef h():\n    return f()",
    )
    plan, _ = plan_and_files(path)
    assert "NBP610" in codes(plan)


@pytest.mark.parametrize("layout", ["src", "flat"])
def test_layouts(make_nb: MakeNotebook, layout: str) -> None:
    path = make_nb("def f():\n    return 1")
    _, files = plan_and_files(path, layout=layout)
    root = "src/experiment" if layout == "src" else "experiment"
    assert f"{root}/core.py" in files
    assert f'packages = ["{root}"]' in files["pyproject.toml"]


def test_an_exported_definition_defined_again_is_kept_once(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb(
        "#| default_exp core",
        "#| export\ndef f():\n    return 1",
        "#| export\ndef g():\n    return f()",  # reads f when called: the last
        "#| export\ndef f():\n    return 2",
    )
    plan, _ = plan_and_files(path)
    (module,) = plan.modules
    assert [s.code.strip() for s in module.body if s.name == "f"] == [
        "def f():\n    return 2"
    ]
    assert "NBP303" in codes(plan)


def test_a_definition_run_before_it_is_defined_again_stays() -> None:
    from nb2pkg.analyse.cells import analyse_notebook
    from nb2pkg.errors import Finding
    from nb2pkg.model import Cell, Notebook
    from nb2pkg.plan.place import without_replaced

    sources = ["def f():\n    return 1", "ONE = f()", "def f():\n    return 2"]
    notebook = Notebook(
        path=Path("nb.ipynb"),
        cells=tuple(Cell(i, "code", c) for i, c in enumerate(sources)),
    )
    body = [s for a in analyse_notebook(notebook) for s in a.statements]
    findings: list[Finding] = []
    assert without_replaced(body, findings) == body  # ONE ran the first f
    assert findings == []
    assert without_replaced([body[0], body[2]], findings) == [body[2]]


def test_an_import_that_rebinds_a_defined_name_stays_where_it_was(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb(
        "def total(n):\n    return n",
        "print(total(1))",
        "from statistics import mean as total",
        "print(total([1, 3]))",
    )
    plan, files = plan_and_files(path)
    assert plan.pipeline is not None
    code = next(v for k, v in files.items() if k.endswith("pipeline.py"))
    assert (
        code.index("print(total(1))")
        < code.index("from statistics import mean as total")
        < code.index("print(total([1, 3]))")
    )
    assert "global total" in code  # the module's name, rebound as in the kernel
