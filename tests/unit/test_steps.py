"""Step functions: inputs come from earlier steps, outputs go to later ones."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.model import Cell, Notebook, PipelinePlan, Plan, Step
from nb2pkg.options import Generation
from nb2pkg.plan.notebook import make_plan


def pipeline_of(*cells: str) -> PipelinePlan:
    """Cells starting with '#' are markdown headings; the others are code."""
    notebook = Notebook(
        path=Path("nb.ipynb"),
        cells=tuple(
            Cell(i, "markdown" if c.startswith("#") else "code", c)
            for i, c in enumerate(cells)
        ),
    )
    plan = make_plan(notebook, analyse_notebook(notebook), generation=Generation())
    assert plan.pipeline is not None
    return plan.pipeline


def steps_of(*cells: str) -> tuple[Step, ...]:
    """Cells starting with '#' are markdown headings; the others are code."""
    return pipeline_of(*cells).functions


def plan_of(*sources: str) -> Plan:
    """Return the plan of a notebook of the given code cells."""
    notebook = Notebook(
        path=Path("nb.ipynb"),
        cells=tuple(Cell(i, "code", c) for i, c in enumerate(sources)),
    )
    return make_plan(notebook, analyse_notebook(notebook), generation=Generation())


def shape(
    steps: tuple[Step, ...],
) -> list[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    return [(s.name, s.params, s.returns) for s in steps]


def test_headings_split_steps_with_params_and_returns() -> None:
    steps = steps_of(
        "## Load data", "data = [3, 1, 2]\nlimit = 2",
        "## Filter", "small = [x for x in data if x <= limit]",
        "## Report", "print(len(small), limit)",
    )  # fmt: skip
    assert shape(steps) == [
        ("load_data", (), ("data", "limit")),
        ("filter", ("data", "limit"), ("small",)),
        ("report", ("limit", "small"), ()),
    ]


def test_augmented_assignment_is_a_read_and_a_write() -> None:
    steps = steps_of("total = 0", "## Add", "total += 5", "## Show", "print(total)")
    assert shape(steps) == [
        ("step_1", (), ("total",)),
        ("add", ("total",), ("total",)),
        ("show", ("total",), ()),
    ]


def test_mutation_passes_the_object_without_returning_it() -> None:
    steps = steps_of("df = {}", "## Fill", 'df["x"] = 1', "## Show", "print(df)")
    assert shape(steps)[1] == ("fill", ("df",), ())


def test_for_target_is_not_an_input() -> None:
    steps = steps_of("names = ['a']", "## Loop", "for name in names:\n    print(name)")
    assert shape(steps)[1] == ("loop", ("names",), ())


def test_function_reading_a_later_name_keeps_its_closure() -> None:
    steps = steps_of(
        "## Define", "def predict(x):\n    return model(x)",
        "## Train", "model = make()",
        "## Use", "print(predict(1))",
    )  # fmt: skip
    # make() is defined by no cell: the step gets it from run(), which asks for it.
    assert shape(steps) == [
        ("define", ("make",), ("predict",)),
        ("use", ("predict",), ()),
    ]
    assert [s.code.split("(")[0] for s in steps[0].statements] == [
        "def predict",
        "model = make",
    ]


def test_module_names_are_not_passed() -> None:
    steps = steps_of(
        "import math", "def area(r):\n    return math.pi * r * r", "print(area(2))"
    )
    assert shape(steps) == [("step_1", (), ())]


def test_names_that_clash_take_a_verb_and_keywords_are_avoided() -> None:
    steps = steps_of("## Report", "report = 1", "## Import", "print(report)")
    assert [s.name for s in steps] == ["compute_report", "show_import"]


def test_top_level_await_makes_the_step_async() -> None:
    from nb2pkg.plan.notebook import make_plan as plan_notebook
    from nb2pkg.render.extract import pipeline_code

    notebook = Notebook(
        path=Path("nb.ipynb"),
        cells=(
            Cell(0, "code", "import asyncio"),
            Cell(1, "code", "await asyncio.sleep(0)"),
        ),
    )
    plan = plan_notebook(notebook, analyse_notebook(notebook), generation=Generation())
    assert plan.pipeline is not None
    code = pipeline_code(plan.pipeline)
    assert "async def step_1():" in code and "await step_1()" in code


def test_except_as_names_are_neither_inputs_nor_outputs() -> None:
    steps = steps_of(
        "try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print(e)",
        "## Again",
        "try:\n    {}['k']\nexcept KeyError as e:\n    print(e)",
    )
    assert shape(steps) == [("step_1", (), ()), ("again", (), ())]


def test_step_docstrings_drop_control_characters_and_quotes() -> None:
    from nb2pkg.render.extract import pipeline_code

    notebook = Notebook(
        path=Path("nb.ipynb"),
        cells=(Cell(0, "markdown", '## Load\x00 "raw" data'), Cell(1, "code", "x = 1")),
    )
    plan = make_plan(notebook, analyse_notebook(notebook), generation=Generation())
    assert plan.pipeline is not None
    code = pipeline_code(plan.pipeline)
    compile(code, "pipeline.py", "exec")
    assert '"""Load \'raw\' data."""' in code


def test_a_name_no_cell_defines_becomes_a_required_input_of_run() -> None:
    plan = plan_of("rows = context.load('users')", "print(len(rows))")
    assert plan.pipeline is not None and plan.pipeline.required == ("context",)
    assert shape(plan.pipeline.functions)[0][1] == ("context",)
    note = next(f for f in plan.findings if f.code == "NBP305")
    assert "required keyword argument" in note.message


def test_a_name_read_before_the_cell_that_binds_it_is_an_input() -> None:
    # Hidden state: cell 1 ran after cell 3 in the kernel.
    steps = steps_of("print(sc)", "## Setup", "sc = connect()", "## Use", "print(sc)")
    assert shape(steps)[0] == ("step_1", ("sc",), ())


def test_a_name_bound_inside_a_loop_before_it_is_read_is_not_an_input() -> None:
    steps = steps_of(
        "data = {'a': [1]}",
        "## Totals",
        "for key in data:\n    vals = data[key]\n    print(sum(vals))",
    )
    assert shape(steps)[1] == ("totals", ("data",), ())


def test_a_function_reading_a_never_defined_name_stays_in_run() -> None:
    plan = plan_of("def clean(x):\n    return x.fillna(nan)")
    assert plan.modules == ()
    assert plan.pipeline is not None and plan.pipeline.required == ("nan",)
    assert "NBP304" in {f.code for f in plan.findings}


def test_a_missing_standard_library_import_is_added() -> None:
    plan = plan_of("def warn(m):\n    warnings.warn(m)")
    (core,) = plan.modules
    assert [i.code.strip() for i in core.imports] == ["import warnings"]
    assert "NBP311" in {f.code for f in plan.findings}


def test_a_plotting_import_made_inside_a_step_is_no_input() -> None:
    plan = plan_of("import matplotlib.pyplot as plt\nplt.plot([1, 2])")
    assert plan.pipeline is not None and plan.pipeline.required == ()


def test_step_code_comes_from_the_cache_by_what_made_it() -> None:
    from nb2pkg.cache import Memo
    from nb2pkg.render.extract import pipeline_code

    def code(last: str) -> str:
        return pipeline_code(
            pipeline_of("## Load", "x = 1", "## Show", last), memo=store
        )

    store = Memo()
    fresh = code("print(x)")
    written = {k: v for k, v in store.entries.items() if k.startswith("step ")}
    assert sorted(c.split("(")[0] for c in written.values()) == ["def load", "def show"]
    # What is kept is what is used: mark the kept code of both steps.
    store = Memo({k: f"# kept\n{v}" for k, v in written.items()})
    assert code("print(x)") == fresh.replace("def ", "# kept\ndef ", 2)
    # An edited cell changes its step's key: only that step is written again.
    edited = code("print(x + 1)")
    assert edited.count("# kept") == 1 and "print(x + 1)" in edited


def docs_of(*cells: str, comments: bool = True) -> tuple[list[str], str]:
    """Return the step docstrings of a notebook's pipeline, and its code."""
    from nb2pkg.options import Generation
    from nb2pkg.plan.notebook import make_plan
    from nb2pkg.render.extract import pipeline_code

    built = tuple(
        Cell(i, "markdown" if c.startswith("#") else "code", c)
        for i, c in enumerate(cells)
    )
    notebook = Notebook(path=Path("nb.ipynb"), cells=built)
    plan = make_plan(
        notebook,
        analyse_notebook(notebook),
        generation=Generation(cell_comments=comments),
    )
    (pipeline,) = plan.pipelines
    return [f.doc for f in pipeline.functions], pipeline_code(pipeline)


def test_a_step_s_docstring_is_the_markdown_under_its_heading() -> None:
    long = " ".join(["Word"] * 60) + ". Then more."
    docs, code = docs_of(
        "## Load\n\nRead the *raw* [readings](http://x.org), as stored.",
        "x = 1",
        "## Clean\n\n<img src='a.png'>\n\nDrop the bad ones.\nKeep the rest.",
        "y = x + 1",
        "## Plot",
        "print(y)",
        f"## Long\n\n{long}",
        "z = y",
    )
    assert (
        docs
        == [
            "Read the raw readings, as stored.",  # links and emphasis as plain text
            "Drop the bad ones. Keep the rest.",  # an image is no prose; lines joined
            "Plot.",  # no prose: the heading
            long[:240].rsplit(" ", 1)[0]
            + "...",  # cut at a word, within 240 characters
        ]
    )
    assert '"""Read the raw readings, as stored."""' in code
    assert "(cell" not in code  # cell references only in the comments
    assert "# Cell 2" in code


def test_cell_comments_can_be_switched_off() -> None:
    _, code = docs_of("## Load", "x = 1\nprint(x)", comments=False)
    assert "# Cell" not in code and "x = 1" in code


@pytest.mark.parametrize(
    ("title", "name"),
    [
        ("Load the data", "load_the_data"),  # short: every word kept
        (
            "Model validation the right way: Holdout sets",
            "model_validation_right_way",  # fillers out, cut at a whole word
        ),
        ("Über Größe", "uber_grosse"),
        ("1. Setup", ""),  # no name starts with a number: step_N then
        ("", ""),
    ],
)
def test_step_names_are_short_whole_words(title: str, name: str) -> None:
    from nb2pkg.plan.steps import short_name

    assert short_name(title) == name


def marked_plan(*sources: str) -> Plan:
    """Return the plan of a notebook whose cells starting with # are markdown."""
    cells = tuple(
        Cell(i, "markdown" if c.startswith("#") else "code", c)
        for i, c in enumerate(sources)
    )
    notebook = Notebook(path=Path("nb.ipynb"), cells=cells)
    return make_plan(notebook, analyse_notebook(notebook), generation=Generation())


def test_a_taken_name_takes_the_parent_heading_or_a_verb_never_a_suffix() -> None:
    names = [
        f.name
        for f in marked_plan(
            "# Pandas tour",
            "## Series",
            "### Alignment",
            "s = [1, 2]",
            "## Frames",
            "### Alignment",
            "t = s + [3]",
            "## Report",
            "report = len(t)\nprint(report)",
        )
        .pipelines[0]
        .functions
    ]
    # The second Alignment is named after its section; the notebook's title is
    # no section; "report" is a variable: the step that prints it shows it.
    assert names == ["alignment", "frames_alignment", "show_report"]


def test_an_import_inside_a_block_names_its_names_as_isort_does() -> None:
    _, code = docs_of(
        "## S",
        "import sys\nif sys.argv:\n"
        "    from os.path import join, basename as b, Sep, ALL\n"
        "    print(join, b, Sep, ALL)",
    )
    assert "from os.path import ALL, Sep, join\n" in code
    assert "from os.path import basename as b\n" in code


def test_a_definition_s_imports_stay_as_written() -> None:
    _, code = docs_of(
        "## S",
        "for x in range(2):\n    pass\ndef f():  # reads x: stays in the step\n"
        "    from os.path import join, basename\n    return x\nprint(f())",
    )
    assert "from os.path import join, basename" in code


def test_a_step_with_many_inputs_is_reported_with_where_to_split_it() -> None:
    made = "\n".join(f"v{i} = len('{'x' * i}')" for i in range(8))
    notebook = Notebook(
        path=Path("nb.ipynb"),
        cells=(
            Cell(0, "markdown", "## Make"),
            Cell(1, "code", made),
            Cell(2, "markdown", "## Use"),
            Cell(3, "code", "print(v0 + v1 + v2 + v3)"),
            Cell(4, "code", "print(v4 + v5 + v6 + v7)"),
        ),
    )
    plan = make_plan(notebook, analyse_notebook(notebook), generation=Generation())
    notes = [f.message for f in plan.findings if f.code == "NBP317"]
    assert notes == [
        "step `use` takes 8 inputs (v0, v1, v2, v3, v4, v5, v6, v7); a markdown "
        "heading above cell 5 would split it into steps of 4 and 4"
    ]
    assert "NBP317" not in [
        f.code for f in plan_of("a = len('x')", "print(a)").findings
    ]


def test_a_big_statement_is_put_into_its_step_as_libcst_would_write_it() -> None:
    import libcst as cst

    from nb2pkg.render import extract

    big = "[" + ", ".join(str(i) for i in range(20_000)) + "]"
    pipeline = pipeline_of(
        "## Load", f"n = 0\n# the readings\ndata = {big}  # pasted\nprint(len(data), n)"
    )
    step = pipeline.functions[0]
    slow = cst.Module(body=[extract._step_function(step, False, True, {})]).code
    from nb2pkg.cache import Memo

    assert extract._step_code(step, False, Memo({}), comments=True) == slow
