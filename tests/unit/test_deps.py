"""Dependencies: import names mapped to distributions."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg.analyse import analyse_cell
from nb2pkg.deps import distribution_for, find_dependencies, import_name_table
from nb2pkg.model import Cell, Statement


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
    deps, findings = find_dependencies(
        imports("import os\nimport sklearn\nfrom not_a_real_dist_xyz import thing"),
        package="pkg",
        notebook_dir=tmp_path,
    )
    assert deps == ("not-a-real-dist-xyz", "scikit-learn")
    assert [f.code for f in findings] == ["NBP402"]


def test_local_module_beside_the_notebook_is_reported(tmp_path: Path) -> None:
    (tmp_path / "helpers.py").write_text("x = 1\n")
    deps, findings = find_dependencies(
        imports("import helpers"), package="pkg", notebook_dir=tmp_path
    )
    assert deps == ()
    assert findings[0].code == "NBP401"
