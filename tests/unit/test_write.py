"""Writing: all or nothing, never over user data without --force."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

import pytest

from nb2pkg.errors import OutputExistsError
from nb2pkg.model import RenderedFile
from nb2pkg.write.tree import write_tree

FILES = [
    RenderedFile(PurePosixPath("a/b.txt"), "hello\n"),
    RenderedFile(PurePosixPath("c.txt"), "x"),
]


def test_writes_the_tree(tmp_path: Path) -> None:
    target = tmp_path / "deep" / "pkg"
    write_tree(FILES, target)
    assert (target / "a" / "b.txt").read_text() == "hello\n"
    assert sorted(p.name for p in tmp_path.joinpath("deep").iterdir()) == ["pkg"]


def test_never_replaces_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "mine.txt").write_text("precious")
    with pytest.raises(OutputExistsError, match="not empty"):
        write_tree(FILES, tmp_path)
    assert (tmp_path / "mine.txt").read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["mine.txt"]  # no staging left


def test_writes_into_an_empty_directory(tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    target.mkdir()
    write_tree(FILES, target)
    assert sorted(p.name for p in target.iterdir()) == ["a", "c.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["pkg"]  # no staging left behind


def test_refuses_a_file_as_target(tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(OutputExistsError, match="is a file"):
        write_tree(FILES, target)


def test_never_writes_over_the_notebook_even_with_force(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.ipynb"
    notebook.write_text("{}")
    with pytest.raises(OutputExistsError, match="holds the notebook"):
        write_tree(FILES, tmp_path, keep=[notebook])
    assert notebook.read_text() == "{}"


def test_failure_midway_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "pkg"
    calls = {"n": 0}
    real_open = Path.open

    def failing_open(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", failing_open)
    with pytest.raises(KeyboardInterrupt):
        write_tree(FILES, target)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_parent_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(OutputExistsError, match="cannot write"):
        write_tree(FILES, blocker / "pkg")
