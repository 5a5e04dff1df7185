"""Reconverting: never overwrite an edit; remove only what nb2pkg made; --check."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nb2pkg import Options, convert
from nb2pkg.cli import app
from tests.conftest import MakeNotebook, cell

runner = CliRunner()


def tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def convert_cli(nb: Path, out: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["convert", str(nb), "-o", str(out), *args])
    return result.exit_code, result.output


def test_manifest_records_sources_and_files(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("def f():\n    return 1")
    convert(nb, options=Options(output=tmp_path / "pkg"))
    record = json.loads((tmp_path / "pkg" / ".nb2pkg.json").read_text())
    assert record["sources"][0]["notebook"] == "experiment.ipynb"
    assert len(record["sources"][0]["sha256"]) == 64
    assert "src/experiment/core.py" in record["files"]
    assert record["version"]


def test_second_conversion_writes_nothing(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    nb = make_nb("def f():\n    return 1", "print(f())")
    out = tmp_path / "pkg"
    convert(nb, options=Options(output=out))
    before = tree(out)
    again = convert(nb, options=Options(output=out))
    assert again.changes is not None
    assert again.changes.write == ()
    assert tree(out) == before


def test_edit_survives_and_new_version_goes_beside_it(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    nb = make_nb("def f():\n    return 1")
    convert(nb, options=Options(output=out))
    core = out / "src" / "experiment" / "core.py"
    core.write_text(core.read_text() + "\n# my note\n")
    nb = make_nb("def f():\n    return 2")  # the notebook changes
    code, output = convert_cli(nb, out)
    assert code == 1
    assert "kept your edits to src/experiment/core.py" in output
    assert core.read_text().endswith("# my note\n")
    assert "return 2" in core.with_name("core.py.new").read_text()
    # Converting again leaves the edit alone, and the conflict is still one.
    code, output = convert_cli(nb, out)
    assert code == 1 and "kept your edits to src/experiment/core.py" in output
    assert core.read_text().endswith("# my note\n")


def test_edit_is_kept_when_nb2pkg_output_did_not_change(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    nb = make_nb("def f():\n    return 1")
    convert(nb, options=Options(output=out))
    readme = out / "README.md"
    readme.write_text("My own README\n")
    code, _ = convert_cli(nb, out)
    assert code == 0
    assert readme.read_text() == "My own README\n"
    assert not readme.with_name("README.md.new").exists()


def test_diff_shows_what_nb2pkg_would_write(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    convert(make_nb("def f():\n    return 1"), options=Options(output=out))
    core = out / "src" / "experiment" / "core.py"
    core.write_text(core.read_text().replace("return 1", "return 100"))
    result = runner.invoke(
        app,
        ["convert", str(make_nb("def f():\n    return 2")), "-o", str(out), "--diff"],
    )
    assert result.exit_code == 1
    assert "-    return 100" in result.stdout and "+    return 2" in result.stdout


def test_stale_generated_files_are_removed_unless_edited(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    convert(
        make_nb("def f():\n    return 1", "print(f())"), options=Options(output=out)
    )
    pipeline = out / "src" / "experiment" / "pipeline.py"
    test = out / "tests" / "test_pipeline.py"
    assert pipeline.exists() and test.exists()
    test.write_text(test.read_text() + "# mine\n")
    (out / "NOTES.txt").write_text("not nb2pkg's")
    code, output = convert_cli(
        make_nb("def f():\n    return 1"), out
    )  # no loose code now
    assert code == 0
    assert not pipeline.exists()
    assert test.exists() and "kept tests/test_pipeline.py" in output
    # python -m still works: it says there is nothing to run.
    assert (out / "src" / "experiment" / "__main__.py").exists()
    assert (out / "NOTES.txt").read_text() == "not nb2pkg's"


def test_check_reports_out_of_date_and_writes_nothing(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    nb = make_nb("def f():\n    return 1")
    assert convert_cli(nb, out, "--check")[0] == 1  # nothing there yet
    assert not out.exists()
    convert(nb, options=Options(output=out))
    code, output = convert_cli(nb, out, "--check")
    assert code == 0 and "up to date" in output
    before = tree(out)
    code, output = convert_cli(make_nb("def f():\n    return 2"), out, "--check")
    assert code == 1 and "out of date" in output
    assert tree(out) == before


def test_unreadable_manifest_is_a_clear_error(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    nb = make_nb("x = 1")
    convert(nb, options=Options(output=out))
    (out / ".nb2pkg.json").write_text("{broken")
    code, output = convert_cli(nb, out)
    assert code == 2 and "is unreadable" in output and "--force" in output
    # --force overwrites nb2pkg's files, as the folder holds nothing else.
    code, output = convert_cli(nb, out, "--force")
    assert code == 0, output
    assert json.loads((out / ".nb2pkg.json").read_text())["generator"] == "nb2pkg"


ADD = "def add(a, b):\n    return a + b"


def regen_cli(nb: Path, package: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["tests", str(nb), "--package", str(package), *args])
    return result.exit_code, result.output


def test_tests_command_rewrites_only_the_tests(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    assert convert_cli(make_nb(ADD, cell("add(2, 3)", result="5")), out)[0] == 0
    (out / "tests/test_mine.py").write_text("def test_mine():\n    pass\n")
    before = tree(out)
    # The notebook changed: its code (a docstring) and its evidence (a new cell).
    changed = make_nb(
        'def add(a, b):\n    """Sum."""\n    return a + b',
        cell("add(2, 3)", result="5"),
        cell("add(1, 1)", result="2"),
    )
    code, output = regen_cli(changed, out)
    assert code == 0, output
    after = tree(out)
    assert "Updated the tests of" in output and "1 files written" in output
    assert "assert add(1, 1) == 2" in after["tests/test_core.py"].decode()
    # Everything but the generated test changed nothing: code, README, my test.
    assert {k for k in after if after[k] != before.get(k)} == {
        "tests/test_core.py",
        ".nb2pkg.json",
    }
    record = json.loads(after[".nb2pkg.json"])["files"]
    old = json.loads(before[".nb2pkg.json"])["files"]
    assert record["src/experiment/core.py"] == old["src/experiment/core.py"]
    assert "tests/test_mine.py" not in record
    # The code nb2pkg did not rewrite still counts as its own: no conflict later.
    assert convert_cli(changed, out)[0] == 0
    assert '"""Sum."""' in (out / "src/experiment/core.py").read_text()


def test_tests_command_keeps_an_edited_test_and_checks(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    assert convert_cli(make_nb(ADD, cell("add(2, 3)", result="5")), out)[0] == 0
    changed = make_nb(ADD, cell("add(2, 3)", result="5"), cell("add(1, 1)", result="2"))
    before = tree(out)
    code, output = regen_cli(changed, out, "--check")
    assert code == 1
    assert output.endswith(f"{out} is out of date: 2 files would change\n")
    assert tree(out) == before
    mine = out / "tests/test_core.py"
    mine.write_text(mine.read_text() + "\n# my note\n")
    code, output = regen_cli(changed, out, "--diff")
    assert code == 1
    assert "kept your edits to tests/test_core.py" in output
    assert "+    assert add(1, 1) == 2" in output
    assert mine.read_text().endswith("# my note\n")
    assert "assert add(1, 1) == 2" in (out / "tests/test_core.py.new").read_text()


def test_tests_command_finds_a_flat_package(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    nb = make_nb(ADD, cell("add(2, 3)", result="5"))
    assert convert_cli(nb, out, "--layout", "flat", "--name", "adder")[0] == 0
    assert regen_cli(nb, out)[0] == 0
    assert "from adder.core import add" in (out / "tests/test_core.py").read_text()


def test_tests_command_refuses_a_folder_nb2pkg_did_not_generate(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    (tmp_path / "mine").mkdir()
    code, output = regen_cli(make_nb(ADD), tmp_path / "mine")
    assert code == 2
    assert output.count("\n") == 1
    assert "is not a package nb2pkg generated" in output


def test_a_conflict_stays_one_until_the_user_resolves_it(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    convert(make_nb("def f():\n    return 1"), options=Options(output=out))
    core = out / "src" / "experiment" / "core.py"
    core.write_text(core.read_text().replace("return 1", "return 100"))
    changed = make_nb("def f():\n    return 2")
    first = convert_cli(changed, out)
    assert first[0] == 1 and "core.py.new" not in first[1]
    # Converting again, or checking, must not forget the unmerged edit.
    for args in ((), ("--check",)):
        code, output = convert_cli(changed, out, *args)
        assert code == 1, output
        assert "src/experiment/core.py" in output
    assert "return 100" in core.read_text()
    # Resolved: the user takes nb2pkg's version and deletes the .new file.
    new = core.with_name("core.py.new")
    core.write_text(new.read_text())
    new.unlink()
    assert convert_cli(changed, out)[0] == 0
    assert convert_cli(changed, out, "--check")[0] == 0


def test_check_names_the_files_that_would_change_and_diff_shows_them(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    out = tmp_path / "pkg"
    convert(make_nb("def f():\n    return 1"), options=Options(output=out))
    changed = make_nb("def f():\n    return 2")
    code, output = convert_cli(changed, out, "--check")
    assert code == 1 and "would write src/experiment/core.py" in output
    result = CliRunner().invoke(
        app, ["convert", str(changed), "-o", str(out), "--check", "--diff"]
    )
    assert result.exit_code == 1
    assert "-    return 1" in result.stdout and "+    return 2" in result.stdout
