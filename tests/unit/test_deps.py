"""Dependencies: import names mapped to distributions."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg.analyse.cells import analyse_cell
from nb2pkg.model import Cell, Install, Statement
from nb2pkg.plan.deps import distribution_for, find_dependencies, import_name_table


@pytest.mark.parametrize(
    ("module", "dist"),
    [
        ("sklearn.linear_model", "scikit-learn"),
        ("cv2", "opencv-python"),
        ("PIL.Image", "Pillow"),
        ("yaml", "PyYAML"),
        ("bs4", "beautifulsoup4"),
        ("google.protobuf.message", "protobuf"),
        ("dateutil.parser", "python-dateutil"),
        ("libcst", "libcst"),  # from installed metadata
    ],
)
def test_distribution_for(module: str, dist: str) -> None:
    assert distribution_for(module) == dist


def test_table_is_well_formed_and_sorted() -> None:
    table = import_name_table()
    assert len(table) >= 20
    assert list(table) == sorted(table, key=str.lower) or list(table) == sorted(table)
    assert all(name and dist and " " not in dist for name, dist in table.items())


def imports(source: str) -> list[Statement]:
    return list(analyse_cell(Cell(index=0, kind="code", source=source)).statements)


def test_find_dependencies_skips_stdlib_and_reports_guesses(tmp_path: Path) -> None:
    deps = find_dependencies(
        imports("import os\nimport sklearn\nfrom not_a_real_dist_xyz import thing"),
        package="pkg",
        notebook_dir=tmp_path,
    )
    assert deps.core == ("not-a-real-dist-xyz", "scikit-learn")
    assert [f.code for f in deps.findings] == ["NBP402"]


def test_local_module_beside_the_notebook_is_reported(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("x = 1\n")
    deps = find_dependencies(
        imports("import helpers"), package="pkg", notebook_dir=tmp_path
    )
    assert deps.core == ()
    assert deps.findings[0].code == "NBP401"


def test_explicit_specifier_wins_and_unimported_installs_are_kept(
    tmp_path: Path,
) -> None:
    deps = find_dependencies(
        imports("import pandas\nimport sklearn"),
        package="pkg",
        notebook_dir=tmp_path,
        installs=[Install("pandas==2.1", 1, 1), Install("openpyxl>=3", 1, 1)],
    )
    assert deps.core == ("openpyxl>=3", "pandas==2.1", "scikit-learn")
    assert [f.code for f in deps.findings if f.code != "NBP402"] == ["NBP404"]


def test_requirements_file_beside_the_notebook(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("pandas>=2\n# comment\n")
    deps = find_dependencies(
        imports("import pandas"),
        package="pkg",
        notebook_dir=tmp_path,
        installs=[
            Install("requirements.txt", 1, 1, "file"),
            Install("gone.txt", 2, 1, "file"),
        ],
    )
    assert deps.core == ("pandas>=2",)
    assert [f.code for f in deps.findings if f.code != "NBP402"] == ["NBP403"]


def test_pin_uses_installed_versions(tmp_path: Path) -> None:
    deps = find_dependencies(
        imports("import libcst\nimport not_installed_xyz"),
        package="pkg",
        notebook_dir=tmp_path,
        pin=True,
    )
    libcst_req, other = deps.core
    assert libcst_req.startswith("libcst==") and other == "not-installed-xyz"
    assert "NBP405" in [f.code for f in deps.findings]


def test_plotting_imports_of_the_pipeline_are_dependencies(tmp_path: Path) -> None:
    """run() draws what the notebook drew: python -m needs its plotting libraries."""
    deps = find_dependencies(
        imports("import numpy"),
        package="pkg",
        notebook_dir=tmp_path,
        pipeline_code=imports("import seaborn as sns"),
        installs=[Install("matplotlib", 1, 1, "plot")],
    )
    assert deps.core == ("matplotlib", "numpy", "seaborn")
    assert deps.extras == ()


def test_notebook_service_modules_are_reported_not_declared(tmp_path: Path) -> None:
    deps = find_dependencies(
        imports("from google.colab import auth\nimport kaggle_secrets\nimport numpy"),
        package="pkg",
        notebook_dir=tmp_path,
    )
    assert deps.core == ("numpy",)
    assert [f.code for f in deps.findings if f.code != "NBP402"] == ["NBP406", "NBP406"]
