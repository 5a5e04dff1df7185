"""The bad-input matrix: each row gets one clear line and exit code 2, or a conversion.

Never a traceback. Each row is one test, run through the command line as a user would.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nb2pkg.cli import app

runner = CliRunner()


def nb_json(cells: list[dict[str, object]], minor: int = 4, **meta: object) -> str:
    return json.dumps(
        {"nbformat": 4, "nbformat_minor": minor, "metadata": meta, "cells": cells}
    )


def code(source: object, **extra: object) -> dict[str, object]:
    return {"cell_type": "code", "source": source, "metadata": {}, "outputs": [],
            "execution_count": None, **extra}  # fmt: skip


def run(path: Path, tmp_path: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(
        app, ["convert", str(path), "-o", str(tmp_path / "out"), *args]
    )
    assert "Traceback" not in result.output
    return result.exit_code, result.output


def assert_refused(outcome: tuple[int, str], message: str) -> None:
    code_, output = outcome
    assert code_ == 2, output
    assert output.startswith("nb2pkg: error: ") and output.count("\n") == 1
    assert message in output


def assert_converted(outcome: tuple[int, str], tmp_path: Path) -> Path:
    code_, output = outcome
    assert code_ == 0, output
    package = next((tmp_path / "out" / "src").iterdir())
    for file in package.rglob("*.py"):
        compile(file.read_text(encoding="utf-8"), str(file), "exec")
    return package


def write(tmp_path: Path, text: str | bytes, name: str = "nb.ipynb") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def test_invalid_json(tmp_path: Path) -> None:
    assert_refused(run(write(tmp_path, "{'cells': }"), tmp_path), "invalid JSON")


def test_truncated_file(tmp_path: Path) -> None:
    text = nb_json([code("x = 1")])
    assert_refused(
        run(write(tmp_path, text[: len(text) // 2]), tmp_path), "invalid JSON"
    )


def test_binary_file(tmp_path: Path) -> None:
    path = write(tmp_path, bytes(range(256)) * 4)
    assert_refused(run(path, tmp_path), "not UTF-8")


def test_empty_file(tmp_path: Path) -> None:
    assert_refused(run(write(tmp_path, ""), tmp_path), "invalid JSON")


def test_empty_notebook(tmp_path: Path) -> None:
    code_, output = run(write(tmp_path, nb_json([])), tmp_path)
    assert code_ == 0 and "no code" in output


def test_notebook_without_code_cells(tmp_path: Path) -> None:
    md = {"cell_type": "markdown", "metadata": {}, "source": "# Only words"}
    code_, output = run(write(tmp_path, nb_json([md])), tmp_path)
    assert code_ == 0 and "no code" in output


@pytest.mark.parametrize(
    "source", ["def f():\n    return 1\n", ["def f():\n", "    return 1\n"]]
)
def test_source_as_list_or_string(tmp_path: Path, source: object) -> None:
    package = assert_converted(
        run(write(tmp_path, nb_json([code(source)])), tmp_path), tmp_path
    )
    assert "def f():" in (package / "core.py").read_text()


def test_missing_outputs_and_metadata_keys(tmp_path: Path) -> None:
    cell = {"cell_type": "code", "source": "def f():\n    return 1"}
    outcome = run(write(tmp_path, nb_json([cell])), tmp_path, "-v")
    assert_converted(outcome, tmp_path)
    assert "cell without metadata; added" in outcome[1]


def test_duplicate_cell_ids(tmp_path: Path) -> None:
    cells = [code("x = 1", id="a"), code("def f():\n    return x", id="a")]
    code_, output = run(write(tmp_path, nb_json(cells, minor=5)), tmp_path, "-v")
    assert code_ == 0 and "duplicate cell id" in output


def test_nbformat_3(tmp_path: Path) -> None:
    old = {"cell_type": "code", "input": "def f():\n    return 3", "language": "python"}
    old |= {"outputs": [], "metadata": {}}
    sheets = [{"cells": [old]}]
    text = json.dumps(
        {"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": sheets}
    )
    assert_converted(run(write(tmp_path, text), tmp_path), tmp_path)


@pytest.mark.parametrize("minor", [0, 1, 2, 3, 4, 5])
def test_nbformat_4_minor_versions(tmp_path: Path, minor: int) -> None:
    cell = code("def f():\n    return 1")
    if minor >= 5:
        cell["id"] = "c1"
    assert_converted(
        run(write(tmp_path, nb_json([cell], minor=minor)), tmp_path), tmp_path
    )


@pytest.mark.slow
def test_enormous_cell(tmp_path: Path) -> None:
    big = "\n".join(f"V{i} = {i}" for i in range(20_000)) + "\ndef f():\n    return V1"
    package = assert_converted(
        run(write(tmp_path, nb_json([code(big)])), tmp_path), tmp_path
    )
    assert "V19999 = 19999" in (package / "core.py").read_text()


def test_non_utf8_bytes(tmp_path: Path) -> None:
    raw = (
        nb_json([code("s = 'caf\u00e9'")]).encode("utf-8").replace(b"\\u00e9", b"\xe9")
    )
    assert_refused(run(write(tmp_path, raw), tmp_path), "not UTF-8")


def test_windows_line_endings(tmp_path: Path) -> None:
    cell = code("def f():\r\n    return 1\r\n")
    package = assert_converted(
        run(write(tmp_path, nb_json([cell])), tmp_path), tmp_path
    )
    assert "\r" not in (package / "core.py").read_text()


def test_tab_indentation(tmp_path: Path) -> None:
    cell = code("def f():\n\tif True:\n\t\treturn 1")
    assert_converted(run(write(tmp_path, nb_json([cell])), tmp_path), tmp_path)


def test_byte_order_mark(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbf" + nb_json([code("def f():\n    return 1")]).encode()
    assert_converted(run(write(tmp_path, raw), tmp_path), tmp_path)


def test_non_python_kernel(tmp_path: Path) -> None:
    text = nb_json([code("x <- 1")], kernelspec={"language": "R", "name": "ir"})
    assert_refused(run(write(tmp_path, text), tmp_path), "is an R notebook")


def test_keyword_name(tmp_path: Path) -> None:
    path = write(tmp_path, nb_json([code("x = 1")]), name="class.ipynb")
    assert_refused(run(path, tmp_path), "is a Python keyword")


@pytest.mark.parametrize("stem", ["test", "json"])
def test_notebook_named_like_the_standard_library(tmp_path: Path, stem: str) -> None:
    path = write(tmp_path, nb_json([code("x = 1")]), name=f"{stem}.ipynb")
    assert_refused(run(path, tmp_path), "shadow the standard library")


def test_notebook_named_like_what_it_imports(tmp_path: Path) -> None:
    path = write(tmp_path, nb_json([code("import numpy")]), name="numpy.ipynb")
    assert_refused(run(path, tmp_path), "would shadow the 'numpy' the notebook imports")


def test_output_is_a_file(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("mine")
    assert_refused(
        run(write(tmp_path, nb_json([code("x = 1")])), tmp_path), "is a file"
    )
    assert (tmp_path / "out").read_text() == "mine"


def test_output_not_writable(tmp_path: Path) -> None:
    """A directory no one may write in; as root (CI), a path under a regular file."""
    path = write(tmp_path, nb_json([code("x = 1")]))
    locked = tmp_path / "locked"
    if sys.platform != "win32" and os.geteuid() != 0:
        locked.mkdir()
        locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
    else:
        locked.write_text("a file, so nothing can be created under it")
    result = runner.invoke(app, ["convert", str(path), "-o", str(locked / "pkg")])
    if locked.is_dir():
        locked.chmod(stat.S_IRWXU)
    assert result.exit_code == 2
    assert "cannot write" in result.output
    assert result.output.count("\n") == 1


def test_ctrl_c_leaves_nothing_half_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nb2pkg.write.tree

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(nb2pkg.write.tree, "_move_in", interrupted)
    result = runner.invoke(
        app,
        [
            "convert",
            str(write(tmp_path, nb_json([code("x = 1")]))),
            "-o",
            str(tmp_path / "out"),
        ],
    )
    assert result.exit_code == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["nb.ipynb"]


def test_equivalence_failure_aborts_and_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nb2pkg.render.files

    real = nb2pkg.render.files.module_code

    def corrupt(module: object) -> str:
        return real(module).replace("return 1", "return 2")  # type: ignore[arg-type]

    monkeypatch.setattr(nb2pkg.render.files, "module_code", corrupt)
    path = write(tmp_path, nb_json([code("def f():\n    return 1")]))
    result = runner.invoke(app, ["convert", str(path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 3
    assert "`f` (cell 1) is not the same in the generated code" in result.output
    assert not (tmp_path / "out").exists()
    Path(result.output.strip().split(" ")[-1]).unlink()


# Malformed fields that once crashed (exit 3): each is repaired or refused.

BASE_CELLS = [
    {"cell_type": "markdown", "metadata": {}, "source": "# Title", "id": "a"},
    {**code("def f():\n    return 1"), "id": "b"},
]


def malformed(change: str) -> dict[str, object]:
    notebook: dict[str, object] = json.loads(nb_json(BASE_CELLS, minor=5))
    cells = notebook["cells"]
    assert isinstance(cells, list)
    edits: dict[str, tuple[object, str, object]] = {
        "minor a string": (notebook, "nbformat_minor", "5"),
        "minor a dict": (notebook, "nbformat_minor", {}),
        "minor a list": (notebook, "nbformat_minor", [5]),
        "cell type a list": (cells[1], "cell_type", []),
        "cell type a dict": (cells[1], "cell_type", {"code": 1}),
        "nbformat 1": (notebook, "nbformat", 1),
        "nbformat true": (notebook, "nbformat", True),
        "metadata a list": (notebook, "metadata", []),
        "surrogate in a title": (cells[0], "source", "# Broken \ud83d emoji"),
        "surrogate in code": (cells[1], "source", "x = '\ud83d'"),
    }
    target, key, value = edits[change]
    assert isinstance(target, dict)
    target[key] = value
    return notebook


@pytest.mark.parametrize(
    "change",
    [
        "minor a string",
        "minor a dict",
        "minor a list",
        "cell type a list",
        "cell type a dict",
        "nbformat 1",
        "nbformat true",
        "metadata a list",
        "surrogate in a title",
        "surrogate in code",
    ],
)
def test_malformed_fields_are_repaired_with_a_warning(
    change: str, tmp_path: Path
) -> None:
    path = write(tmp_path, json.dumps(malformed(change)))
    code_, output = run(path, tmp_path)
    assert code_ == 0, output
    assert "(NBP001)" in output
    assert "internal error" not in output
    assert_converted((code_, output), tmp_path)


def test_a_lone_surrogate_is_replaced_not_written(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(malformed("surrogate in a title")))
    package = assert_converted(run(path, tmp_path), tmp_path)
    assert "Broken \ufffd emoji" in (package / "__init__.py").read_text()


def test_old_version_laid_out_wrong_says_what_to_do(tmp_path: Path) -> None:
    notebook = {"nbformat": 3, "nbformat_minor": 0, "cells": None, "worksheets": [
        {"cells": [{"cell_type": "code", "input": "x = 1", "outputs": []}]}
    ]}  # fmt: skip
    outcome = run(write(tmp_path, json.dumps(notebook)), tmp_path)
    assert_refused(outcome, "open and save it in Jupyter")
    assert "Error:" not in outcome[1]  # no exception class names


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_is_refused_not_read(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    os.mkfifo(path)
    assert_refused(run(path, tmp_path), "is not a regular file")


def test_a_symlink_loop_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "nb.ipynb"
    path.symlink_to(path)
    assert_refused(run(path, tmp_path), "cannot read the file")


@pytest.mark.parametrize(
    ("language", "said"), [("R", "an R notebook"), ("julia", "a julia notebook")]
)
def test_other_languages_are_named_with_the_right_article(
    language: str, said: str, tmp_path: Path
) -> None:
    text = nb_json([code("x <- 1")], kernelspec={"language": language})
    assert_refused(run(write(tmp_path, text), tmp_path), said)


def test_fullwidth_names_are_the_names_python_reads(tmp_path: Path) -> None:
    text = nb_json([code("import ｏｓ\nprint(ｏｓ.sep)")])
    code_, output = run(write(tmp_path, text), tmp_path)
    assert code_ == 0, output
    pyproject = (tmp_path / "out" / "pyproject.toml").read_text()
    assert "dependencies = []" in pyproject  # ｏｓ is os, in the standard library


def test_accented_file_names_keep_their_letters(tmp_path: Path) -> None:
    path = write(tmp_path, nb_json([code("x = 1")]), name="ünïcödé.ipynb")
    assert_converted(run(path, tmp_path), tmp_path)
    assert [p.name for p in (tmp_path / "out" / "src").iterdir()] == ["unicode"]


def test_a_name_with_no_ascii_letters_asks_for_name(tmp_path: Path) -> None:
    path = write(tmp_path, nb_json([code("x = 1")]), name="日本語.ipynb")
    assert_refused(run(path, tmp_path), "give one with --name")
    assert_converted(run(path, tmp_path, "--name", "nihongo"), tmp_path)
