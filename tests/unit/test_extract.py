"""render.extract alone: the code of modules and of the pipeline, from their plans."""

from __future__ import annotations

import ast

import pytest

from nb2pkg.analyse.cells import analyse_cell
from nb2pkg.model import Cell, ModulePlan, PipelinePlan, Statement, Step
from nb2pkg.render.extract import (
    docstring_text,
    import_block,
    module_code,
    pipeline_code,
)


def statements(source: str, cell: int = 1) -> tuple[Statement, ...]:
    return analyse_cell(Cell(index=cell - 1, kind="code", source=source)).statements


def test_a_module_is_its_imports_grouped_then_its_code_verbatim() -> None:
    imports = statements("import numpy as np\nimport os\nfrom .other import g")
    body = statements("def f(x):  # keep me\n    return np.sqrt(x)")
    module = ModulePlan("core", "", (), imports, body, ("f",))
    code = module_code(module)
    assert code == (
        "import os\n\nimport numpy as np\n\nfrom .other import g\n\n"
        "def f(x):  # keep me\n    return np.sqrt(x)\n"
    )


def test_imports_one_folder_down_gain_a_dot() -> None:
    imports = statements("from .other import g")
    assert import_block(imports, depth=1) == "from ..other import g"


def test_the_pipeline_is_steps_with_inputs_and_outputs_and_a_run() -> None:
    first = statements("x = 2", cell=1)
    second = statements("print(x * 3)", cell=2)
    steps = (
        Step("make_x", "Make x", (), ("x",), (), (), first),
        Step("show", "Show", ("x",), (), (), (), second),
    )
    pipeline = PipelinePlan((), (), (), (), (), (*first, *second), functions=steps)
    code = pipeline_code(pipeline)
    tree = ast.parse(code)
    names = [n.name for n in tree.body if isinstance(n, ast.FunctionDef)]
    assert names == ["make_x", "show", "run"]
    namespace: dict[str, object] = {}
    exec(compile(tree, "pipeline.py", "exec"), namespace)  # noqa: S102 - our own code
    assert "x = make_x()" in code and "show(x)" in code
    assert callable(namespace["run"])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Revenue", "Revenue."),
        ('He said """hi"""', "He said '''hi'''."),
        ("a\\b\x00c\n\nd", "a\\\\bc d."),
    ],
)
def test_docstring_text_cannot_end_the_docstring(text: str, expected: str) -> None:
    assert docstring_text(text) == expected
    ast.parse(f'"""{docstring_text(text)}"""')


def test_imports_from_one_module_in_several_cells_become_one_line() -> None:
    imports = (
        *statements("from sklearn.base import TransformerMixin, clone", cell=1),
        *statements("from sklearn.base import BaseEstimator", cell=2),
        *statements("from sklearn.base import clone", cell=3),
        *statements("from sklearn.base import clone as copy  # kept apart", cell=4),
    )
    assert import_block(imports).split("\n") == [
        "from sklearn.base import BaseEstimator, TransformerMixin, clone",
        "from sklearn.base import clone as copy  # kept apart",
    ]


def test_a_parenthesised_import_merges_with_another_of_its_module() -> None:
    imports = (
        *statements("from transformers import (\n    set_seed,\n    AdamW,\n)", cell=1),
        *statements("from transformers import AutoTokenizer", cell=2),
    )
    assert import_block(imports).split("\n") == [
        "from transformers import AdamW, AutoTokenizer, set_seed",
    ]


def test_future_imports_are_one_sorted_line_then_one_blank_line() -> None:
    future = statements(
        "from __future__ import print_function, division\n"
        "from __future__ import annotations"
    )
    module = ModulePlan("core", "", future, statements("import os"), (), ())
    assert module_code(module) == (
        "from __future__ import annotations, division, print_function\n\nimport os"
    )


def test_several_modules_imported_on_one_line_get_a_line_each() -> None:
    imports = statements("import typing, ast, numpy")
    assert import_block(imports) == "import ast\nimport typing\n\nimport numpy"
