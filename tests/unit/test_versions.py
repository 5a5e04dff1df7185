"""Versions a notebook recorded become its dependencies' lower bounds (#22)."""

from __future__ import annotations

from pathlib import Path

from nb2pkg.analyse.cells import analyse_notebook
from nb2pkg.model import Cell, Notebook, Output
from nb2pkg.options import Generation
from nb2pkg.plan.notebook import make_plan
from nb2pkg.plan.versions import recorded_versions

DISTRIBUTIONS = {"numpy": "numpy", "pandas": "pandas", "sklearn": "scikit-learn"}


def versions(*cells: tuple[str, tuple[Output, ...]]) -> dict[str, str]:
    notebook = Notebook(
        path=Path("nb.ipynb"),
        cells=tuple(
            Cell(i, "code", source, outputs=outputs, execution_count=i + 1)
            for i, (source, outputs) in enumerate(cells)
        ),
    )
    return recorded_versions(analyse_notebook(notebook), DISTRIBUTIONS.get)


def printed(text: str) -> Output:
    return Output("stream", text, name="stdout")


def test_a_shown_or_printed_version_is_recorded_by_its_module() -> None:
    found = versions(
        ("import numpy as np\nimport pandas as pd\nimport sklearn", ()),
        ("print(np.__version__, pd.__version__)", (printed("1.26.4 2.1.0\n"),)),
        ("sklearn.__version__", (Output("execute_result", "'1.3.2'"),)),
    )
    assert found == {"numpy": "1.26.4", "pandas": "2.1.0", "scikit-learn": "1.3.2"}


def test_versions_that_do_not_match_their_reads_are_not_guessed() -> None:
    found = versions(
        ("import numpy as np", ()),
        ("print(np.__version__)", (printed("numpy 1.26.4, built with 3.11.2\n"),)),
        ("print(np.__version__)", (printed("unknown\n"),)),
    )
    assert found == {}


def test_pip_freeze_and_pip_list_record_every_version() -> None:
    found = versions(
        ("!pip freeze", (printed("numpy==1.24.0\nPyYAML==6.0\n-e git+x#egg=y\n"),)),
        (
            "!pip list",
            (printed("Package    Version\n---------- -------\nrich 13.7.0\n"),),
        ),
    )
    assert found == {"numpy": "1.24.0", "pyyaml": "6.0", "rich": "13.7.0"}


def test_a_bare_dependency_takes_the_recorded_version_as_its_lower_bound() -> None:
    notebook = Notebook(
        path=Path("nb.ipynb"),
        cells=(
            Cell(
                0,
                "code",
                "%pip install pandas==2.0.0\nimport numpy as np\nimport pandas as pd",
            ),
            Cell(
                1,
                "code",
                "print(np.__version__, pd.__version__)",
                outputs=(printed("1.26.4 2.1.0\n"),),
                execution_count=2,
            ),
            Cell(2, "code", "def f():\n    return np.ones(2), pd.Series()"),
        ),
    )
    plan = make_plan(notebook, analyse_notebook(notebook), generation=Generation())
    assert "numpy>=1.26.4" in plan.dependencies
    assert "pandas==2.0.0" in plan.dependencies  # what the author installed wins
