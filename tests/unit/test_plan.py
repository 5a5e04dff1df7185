"""Plan: where every statement goes, and what is reported."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.errors import InputError
from nb2pkg.model import Cell, Notebook, Output, Plan
from nb2pkg.options import Generation
from nb2pkg.plan.merge import plan_notebooks
from nb2pkg.plan.notebook import make_plan
from nb2pkg.render.files import render_plan


def plan_of(
    *sources: str, name: str = "experiment", outputs: dict[int, str] | None = None
) -> Plan:
    outputs = outputs or {}
    cells = tuple(
        Cell(
            index=i,
            kind="code",
            source=s,
            outputs=(Output("execute_result", text=outputs[i]),)
            if i in outputs
            else (),
            execution_count=i + 1,
        )
        for i, s in enumerate(sources)
    )
    notebook = Notebook(path=Path(f"{name}.ipynb"), cells=cells)
    plan, _ = plan_notebooks(
        [notebook], [analyse_notebook(notebook)], generation=Generation()
    )
    return plan


def module_code(plan: Plan) -> list[str]:
    return [s.code.strip() for s in plan.modules[0].body] if plan.modules else []


def step_code(plan: Plan) -> list[str]:
    return [s.code.strip() for s in plan.pipeline.steps] if plan.pipeline else []


def codes(plan: Plan) -> list[str]:
    return [f.code for f in plan.findings]


def test_definitions_go_to_the_module_and_loose_code_to_run() -> None:
    plan = plan_of(
        "import math", "def area(r):\n    return math.pi * r ** 2", "print(area(2))"
    )
    assert module_code(plan) == ["def area(r):\n    return math.pi * r ** 2"]
    assert [s.code.strip() for s in plan.modules[0].imports] == ["import math"]
    assert step_code(plan) == ["print(area(2))"]
    assert plan.pipeline is not None
    assert plan.pipeline.from_package == (("core", ("area",)),)
    assert plan.modules[0].exports == ("area",)


def test_last_definition_wins_and_is_reported() -> None:
    plan = plan_of("def f():\n    return 1", "def f():\n    return 2")
    assert module_code(plan) == ["def f():\n    return 2"]
    assert "NBP303" in codes(plan)


def test_function_reading_loose_globals_stays_in_run() -> None:
    plan = plan_of(
        "model = train()", "def predict(x):\n    return model(x)", "predict(1)"
    )
    assert plan.modules == ()
    assert step_code(plan) == [
        "model = train()",
        "def predict(x):\n    return model(x)",
        "predict(1)",
    ]
    (note,) = [f for f in plan.findings if f.code == "NBP304"]
    assert "`model`" in note.message and note.cell == 2


def test_dependence_on_moved_definitions_is_transitive() -> None:
    plan = plan_of(
        "data = load()", "def a():\n    return data", "def b():\n    return a()"
    )
    assert plan.modules == ()
    assert codes(plan).count("NBP304") == 2


def test_redefinitions_in_run_are_all_kept_in_order() -> None:
    plan = plan_of(
        "x = load()",
        "def step():\n    return x + 1",
        "step()",
        "def step():\n    return x + 2",
        "step()",
    )
    assert [s.name for s in plan.pipeline.steps if s.name] == ["step", "step"]  # type: ignore[union-attr]


def test_constants_bound_once_are_module_level_rebound_ones_are_not() -> None:
    plan = plan_of("RATE = 0.1", "N = 5", "N = N + 1", "def f():\n    return RATE * N")
    # f reads N, which loose code rebinds, so f stays in run(); RATE is a constant
    assert module_code(plan) == ["RATE = 0.1"]
    assert "def f():\n    return RATE * N" in step_code(plan)
    plan = plan_of("RATE = 0.1", "def f():\n    return RATE")
    assert module_code(plan) == ["RATE = 0.1", "def f():\n    return RATE"]


def test_lowercase_value_used_only_by_loose_code_stays_in_run() -> None:
    plan = plan_of("h = 0.25", "print(h)")
    assert plan.modules == ()
    assert step_code(plan) == ["h = 0.25", "print(h)"]


def test_definition_order_follows_import_time_needs() -> None:
    plan = plan_of("class A:\n    pass", "class B(A):\n    pass", "class A:\n    x = 1")
    assert [s.name for s in plan.modules[0].body] == ["A", "B"]


def test_imports_are_trimmed_to_what_each_module_uses() -> None:
    plan = plan_of(
        "from os.path import join, exists, basename",
        "def f(p):\n    return join(p, 'x')",
        "print(exists('y'))",
    )
    assert [s.code.strip() for s in plan.modules[0].imports] == [
        "from os.path import join"
    ]
    assert plan.pipeline is not None
    assert [s.code.strip() for s in plan.pipeline.imports] == [
        "from os.path import exists"
    ]
    assert [f.message for f in plan.findings if f.code == "NBP308"] == [
        "`basename` imported but not used by the package; left out"
    ]


def test_unused_import_is_reported() -> None:
    plan = plan_of("import os", "from os.path import join, exists", "print(join('a'))")
    notes = [f.message for f in plan.findings if f.code == "NBP308"]
    assert notes == [
        "`os` imported but not used by the package; left out",
        "`exists` imported but not used by the package; left out",
    ]


def test_pipeline_rebinding_a_module_name_declares_it_global() -> None:
    plan = plan_of("import numpy as np", "def f():\n    return np.pi", "f = wrap(f)")
    assert plan.pipeline is not None
    assert plan.pipeline.global_names == ("f",)
    assert "NBP309" in codes(plan)


def test_star_import_is_reported_and_kept_where_names_are_unresolved() -> None:
    plan = plan_of("from math import *", "def f(x):\n    return sqrt(x)")
    assert "NBP307" in codes(plan)
    assert "NBP305" not in codes(plan)  # sqrt may come from the star import
    assert [s.code.strip() for s in plan.modules[0].imports] == ["from math import *"]


def test_undefined_and_ipython_names_are_reported() -> None:
    plan = plan_of("def f():\n    return missing_name", "def g():\n    display(f())")
    messages = [f.message for f in plan.findings if f.code == "NBP305"]
    assert any("`missing_name`" in m for m in messages)
    assert any("`display` exists only inside IPython" in m for m in messages)


def test_display_only_expressions_are_left_out() -> None:
    plan = plan_of("df = load()", "df.shape")
    assert step_code(plan) == ["df = load()"]
    assert "NBP306" in codes(plan)


def test_a_shown_result_stays_in_run_and_becomes_a_test() -> None:
    plan = plan_of("def add(a, b):\n    return a + b", "add(2, 3)", outputs={1: "5"})
    assert plan.pipeline is not None and plan.pipeline.show == "_show"
    assert step_code(plan) == ["_show(add(2, 3))"]
    assert [t.expression for t in plan.tests] == ["add(2, 3)"]


def test_package_name_from_notebook_and_refusals() -> None:
    assert plan_of("x = 1", name="My Experiment (v2)").package == "my_experiment_v2"
    with pytest.raises(InputError, match="shadow"):
        plan_of("import numpy", name="numpy")


def test_empty_notebook_is_reported() -> None:
    plan = plan_of()
    assert plan.modules == () and plan.pipeline is None
    assert "NBP002" in codes(plan)


def test_requires_python_and_title() -> None:
    notebook = Notebook(
        path=Path("x.ipynb"),
        cells=(
            Cell(0, "markdown", "# Churn model\n\nPredict which *customers* leave.\n"),
            Cell(1, "code", "import pandas as pd"),
        ),
        language_version="3.9.7",
    )
    plan = make_plan(notebook, analyse_notebook(notebook), generation=Generation())
    assert (plan.title, plan.summary) == (
        "Churn model",
        "Predict which customers leave.",
    )
    assert plan.requires_python == ">=3.9"


def test_plotting_imports_are_imported_once_and_are_dependencies() -> None:
    plan = plan_of(
        "import numpy as np\nimport matplotlib.pyplot as plt",
        "def f():\n    return np.ones(2)",
        "plt.plot(f())",
    )
    assert plan.pipeline is not None
    assert plan.pipeline.lazy_imports == ()
    assert [s.code.strip() for s in plan.pipeline.imports] == [
        "import matplotlib.pyplot as plt"
    ]
    assert plan.dependencies == ("matplotlib", "numpy")
    assert plan.extras == ()


def test_pandas_plotting_makes_matplotlib_a_dependency() -> None:
    plan = plan_of(
        "import pandas as pd", "df = pd.DataFrame({'a': [1]})", "df.plot.bar()"
    )
    assert plan.dependencies == ("matplotlib", "pandas")


def test_pip_lines_become_dependencies_with_their_versions() -> None:
    plan = plan_of(
        "%pip install -q 'pandas==2.1'", "import pandas as pd", "pd.DataFrame()"
    )
    assert plan.dependencies == ("pandas==2.1",)


def test_display_becomes_print_in_run() -> None:
    plan = plan_of("x = 1", "display(x)")
    assert step_code(plan) == ["x = 1", "print(x)"]
    assert "NBP305" not in codes(plan)


def test_future_imports_are_hoisted_into_every_module() -> None:
    plan = plan_of(
        "def f(x: int) -> int:\n    return x",
        "from __future__ import annotations",
        "print(f(1))",
    )
    assert plan.pipeline is not None
    assert [s.code.strip() for s in plan.modules[0].future] == [
        "from __future__ import annotations"
    ]
    assert [s.code.strip() for s in plan.pipeline.future] == [
        "from __future__ import annotations"
    ]


def test_plotting_star_import_of_the_pipeline_is_a_core_dependency() -> None:
    # ``from pylab import *`` cannot move into run(), so importing the pipeline
    # needs matplotlib: it must not be only an optional extra.
    plan = plan_of("%pylab inline", "plot(rand(3))")
    assert plan.pipeline is not None
    assert [s.code.strip() for s in plan.pipeline.imports] == ["from pylab import *"]
    assert plan.dependencies == ("matplotlib",)
    assert plan.extras == ()


def test_a_top_level_global_statement_is_left_out_not_moved_into_a_step() -> None:
    # Found by hypothesis: in a step, `global x` beside the parameter x made
    # pipeline.py uncompilable ("name 'x' is parameter and global").
    plan = plan_of("", "global x\ndel x")
    assert "NBP312" in codes(plan)
    assert plan.pipeline is not None
    kept = [s.code.strip() for s in plan.pipeline.steps]
    assert kept == ["del x"]
    files = render_plan(plan, generation=Generation()).files
    for file in files:
        if file.path.suffix == ".py":
            compile(file.text, str(file.path), "exec")


def test_a_notebook_without_outputs_is_told_where_tests_come_from() -> None:
    stripped = plan_of("def add(a, b):\n    return a + b", "add(2, 3)")
    assert "NBP115" in codes(stripped)
    run = plan_of("def add(a, b):\n    return a + b", "add(2, 3)", outputs={1: "5"})
    assert "NBP115" not in codes(run)


def test_ipython_display_helpers_stay_inside_run() -> None:
    """IPython's API changes from version to version (``IPython.html`` is gone):
    an old import of it must not stop the package from importing."""
    plan = plan_of(
        "from IPython.html.widgets import interact\nimport matplotlib.pyplot as plt",
        "interact(print, x=1)\nplt.plot([1])",
    )
    assert plan.pipeline is not None
    assert [s.code.strip() for s in plan.pipeline.lazy_imports] == [
        "from IPython.html.widgets import interact"
    ]
    assert [s.code.strip() for s in plan.pipeline.imports] == [
        "import matplotlib.pyplot as plt"
    ]
