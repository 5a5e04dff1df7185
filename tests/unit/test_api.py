"""The library API alone: convert, describe, check and regenerate_tests compose
the stages and say what they did, without the command line."""

from __future__ import annotations

from pathlib import Path

import pytest

from nb2pkg import Options, check, convert
from nb2pkg.api import describe, regenerate_tests
from nb2pkg.errors import OutputExistsError
from tests.conftest import MakeNotebook, cell

SOURCES = ("import math", "def area(r):\n    return math.pi * r * r", "print(area(1))")


def files_under(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_convert_writes_exactly_the_files_it_returns(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    result = convert(make_nb(*SOURCES), options=Options(output=out))
    assert result.written and result.output == out and result.changes is None
    assert files_under(out) == {str(f.path) for f in result.files}
    assert result.plan.package == "experiment"
    assert [m.exports for m in result.plan.modules] == [("area",)]


def test_a_dry_run_and_a_check_write_nothing(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    dry = convert(make_nb(*SOURCES), options=Options(output=out, dry_run=True))
    assert not dry.written and not out.exists() and dry.files
    check_only = convert(
        make_nb(*SOURCES), options=Options(output=out, check_only=True)
    )
    assert not out.exists()
    assert check_only.changes is not None and not check_only.changes.up_to_date


def test_converting_again_is_up_to_date_and_an_edit_is_kept(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    path = make_nb(*SOURCES)
    convert(path, options=Options(output=out))
    again = convert(path, options=Options(output=out, check_only=True))
    assert again.changes is not None and again.changes.up_to_date
    core = out / "src" / "experiment" / "core.py"
    core.write_text(core.read_text() + "# mine\n")
    make_nb(*SOURCES[:2], "print(area(2))")
    updated = convert(path, options=Options(output=out))
    assert updated.changes is not None and updated.changes.conflicts == ()
    assert core.read_text().endswith("# mine\n")


def test_a_folder_holding_other_files_is_refused(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(OutputExistsError):
        convert(make_nb(*SOURCES), options=Options(output=out))
    assert files_under(out) == {"notes.txt"}


def test_describe_has_a_row_per_cell_saying_where_it_goes(
    make_nb: MakeNotebook,
) -> None:
    plan, rows = describe(make_nb(*SOURCES))
    assert [r.cell for r in rows] == [1, 2, 3]
    assert rows[1].defines == ("area",)
    assert rows[1].goes_to == ("core.py",)
    assert rows[2].goes_to == ("run()",)
    assert plan.package == "experiment"


def test_check_reports_hidden_state_by_cell(make_nb: MakeNotebook) -> None:
    result = check(make_nb("print(later)", "later = 1"))
    assert [(f.code, f.cell) for f in result.findings if f.code == "NBP101"] == [
        ("NBP101", 1)
    ]
    assert result.failed()


def test_regenerate_tests_touches_only_the_tests(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    path = make_nb(*SOURCES)
    convert(path, options=Options(output=out))
    before = {
        name: (out / name).read_bytes()
        for name in files_under(out)
        if not name.startswith("tests/")
    }
    make_nb(*SOURCES, cell("area(2)", result="12.566370614359172", count=4))
    result = regenerate_tests(path, package=out)
    assert result.written
    assert {str(f.path) for f in result.changes.written} <= {  # type: ignore[union-attr]
        "tests/test_core.py",
        ".nb2pkg.json",
    }
    assert (
        "area(2) == pytest.approx(12.566370614359172)"
        in (out / "tests" / "test_core.py").read_text()
    )
    for name, data in before.items():
        if name != ".nb2pkg.json":
            assert (out / name).read_bytes() == data, name
