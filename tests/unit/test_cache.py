"""The conversion cache: reused work gives the same package as work done afresh."""

from __future__ import annotations

import base64
import json
import pickle
from pathlib import Path

import libcst as cst
import pytest
from typer.testing import CliRunner

from nb2pkg import api
from nb2pkg.analyse import trees
from nb2pkg.analyse.cells import (
    analyse_notebook,
    analyse_notebook_cached,
    cell_facts,
    cell_key,
)
from nb2pkg.cache import Memo, Store
from nb2pkg.cli import app
from nb2pkg.model import CellAnalysis
from nb2pkg.options import Options
from nb2pkg.read.notebook import read_notebook
from tests.conftest import MakeNotebook, cell, example_source, markdown

runner = CliRunner()


def facts(path: Path, known: dict[str, object] | None) -> list[tuple[object, ...]]:
    """Return what analysing ``path`` finds, given the cache entries ``known``."""
    return [
        (
            s.cell,
            s.kind,
            s.defines,
            s.uses,
            s.eager_uses,
            s.mutates,
            s.name,
            s.line,
            s.code,
        )
        for a in analyse(path, known)
        for s in a.statements
    ] + [(a.cell.number, a.findings, a.installs) for a in analyse(path, known)]


def analyse(path: Path, known: dict[str, object] | None) -> list[CellAnalysis]:
    notebook = read_notebook(path)
    if known is None:
        return list(analyse_notebook(notebook))
    return list(analyse_notebook_cached(notebook, known=dict(known))[0])


def entries(path: Path) -> dict[str, object]:
    """Return the cache entries of ``path``'s cells, round-tripped through JSON
    as the cache file stores them."""
    _, found = analyse_notebook_cached(read_notebook(path), known={})
    return dict(json.loads(json.dumps(found)))


@pytest.mark.parametrize("case", ["text_stats", "weather_report", "units"])
def test_cached_facts_are_the_facts_found_afresh(case: str) -> None:
    path = example_source(case)
    known = entries(path)
    assert len(known) == len({a.cell.source for a in analyse(path, None) if a.parsed})
    assert facts(path, known) == facts(path, None)


def test_cached_facts_of_cells_with_ipython_syntax_keep_its_findings(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb(
        "%matplotlib inline\nimport math",
        "files = !ls\nprint(files)",
        "%pip install pandas==2.1",
        "x = math.pi  # 100%!",
        "def f(y):\n    return y * x",
    )
    known = entries(path)
    plain = [v["plain"] for v in known.values()]  # type: ignore[index]
    assert plain == [False, False, False, True, True]
    assert facts(path, known) == facts(path, None)


def test_a_cached_cell_is_not_parsed_again(
    make_nb: MakeNotebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_nb("import math", "x = math.pi  # 100%!", "files = !ls")
    known = entries(path)
    fresh = facts(path, None)
    monkeypatch.setattr(cst, "parse_module", None)  # would fail if called
    assert facts(path, known) == fresh


def test_a_malformed_entry_is_ignored(make_nb: MakeNotebook) -> None:
    path = make_nb("x = 1\ny = x", "def f():\n    return y")
    (first, _) = analyse_notebook(read_notebook(path))
    good = cell_facts(first)
    for bad in [
        {"statements": [["x"], 5]},
        {**good, "tree": None},
        {**good, "tree": "not base64 !"},
        {**good, "tree": base64.b64encode(b"not a pickle").decode()},
        {**good, "tree": trees.dump_nodes([first.statements[0].node])},
    ]:
        known: dict[str, object] = {cell_key(first.cell): bad}
        assert facts(path, known) == facts(path, None)


class _Boom:
    def __reduce__(self) -> tuple[object, ...]:
        return (Path("boom").touch, ())


def test_a_tree_that_is_not_libcst_nodes_is_refused_unrun(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = make_nb("x = 1")
    (only,) = analyse_notebook(read_notebook(path))
    for hostile in [(_Boom(),), (only.statements[0].node, _Boom()), [1], (1,)]:
        text = base64.b64encode(pickle.dumps(hostile)).decode()
        assert trees.load_nodes(text) is None
        entry = {**cell_facts(only), "tree": text}
        assert facts(path, {cell_key(only.cell): entry}) == facts(path, None)
    assert not (tmp_path / "boom").exists()
    good = cell_facts(only)["tree"]
    assert [cst.Module(list(trees.load_nodes(good) or ())).code] == ["x = 1\n"]


def test_an_entry_for_fewer_statements_than_the_cell_has_is_ignored(
    make_nb: MakeNotebook,
) -> None:
    path = make_nb("x = 1\n\ny = x\nz = 3", "def f():\n    return y")
    (first, second) = analyse_notebook(read_notebook(path))
    # Well formed, but facts for one statement beside the tree of three: its
    # line numbers must not be taken for the three statements.
    wrong = cell_facts(first)
    wrong["statements"] = wrong["statements"][:1]  # type: ignore[index]
    bad: dict[str, object] = {cell_key(first.cell): json.loads(json.dumps(wrong))}
    assert facts(path, bad) == facts(path, None)
    assert [s.line for s in first.statements] == [1, 3, 4]


def tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def convert(nb: Path, out: Path, *args: str) -> None:
    result = runner.invoke(app, ["convert", str(nb), "-o", str(out), *args])
    assert result.exit_code == 0, result.output


def test_converting_again_with_an_edited_cell_matches_a_fresh_conversion(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("NB2PKG_CACHE_DIR", str(cache))
    cells = [
        "import math",
        "def area(r):\n    return math.pi * r * r",
        cell("area(1)", result="3.141592653589793"),
        markdown("# Load"),
        "radius = 2\nprint(area(radius))",
        markdown("# Report"),
    ]
    nb = make_nb(*cells, "print(area(radius + 1))")
    convert(nb, tmp_path / "first")
    assert sorted(p.name.split("-")[0] for p in cache.iterdir()) == [
        "facts",
        "render",
    ]
    # The edit changes the second step only, and what run() passes it.
    edited = make_nb(*cells, "radius = radius * 2\nprint(area(radius + 2))")
    convert(edited, tmp_path / "cached")
    convert(edited, tmp_path / "fresh", "--no-cache")
    assert tree(tmp_path / "cached") == tree(tmp_path / "fresh")
    pipeline = tree(tmp_path / "cached")["src/experiment/pipeline.py"]
    assert "def load():" in pipeline
    assert "def report(radius):" in pipeline
    assert "area(radius + 2)" in pipeline


def test_no_cache_writes_none_and_a_broken_cache_is_ignored(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("NB2PKG_CACHE_DIR", str(cache))
    nb = make_nb("def f():\n    return 1", "print(f())")
    convert(nb, tmp_path / "a", "--no-cache")
    assert not cache.exists()
    convert(nb, tmp_path / "b")
    stored = [p for p in cache.rglob("*") if p.is_file()]
    assert stored
    for path in stored:
        path.write_text("{not json")
    convert(nb, tmp_path / "c")
    assert tree(tmp_path / "c") == tree(tmp_path / "a")


def test_a_store_keeps_only_what_the_run_used(tmp_path: Path) -> None:
    sources = [tmp_path / "nb.ipynb"]
    where = {"folder": tmp_path / "cache", "keys": tmp_path / "keys"}
    store = Store.open("facts", sources, **where)
    first = Memo(store.entries)
    first.put("a", 1)
    first.put("b", 2)
    store.save(first.entries)
    again = Store.open("facts", sources, **where)
    assert again.entries == {"a": 1, "b": 2}
    memo = Memo(again.entries)
    assert memo.get("a") == 1
    memo.put("c", 3)
    again.save(memo.entries)
    assert again.entries == {"a": 1, "b": 2}  # what was read is never changed
    assert Store.open("facts", sources, **where).entries == {"a": 1, "c": 3}
    disabled = Store.open("facts", sources, folder=None, keys=where["keys"])
    assert disabled.path is None and disabled.entries == {}


def test_the_library_reads_no_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, make_nb: MakeNotebook
) -> None:
    """The cache folders come from the options (the CLI reads the environment)."""
    monkeypatch.setenv("NB2PKG_CACHE_DIR", str(tmp_path / "env-cache"))
    monkeypatch.setenv("NB2PKG_CONFIG_DIR", str(tmp_path / "env-config"))
    nb = make_nb("def f():\n    return 1", "print(f())")
    options = Options(
        dry_run=True,
        cache=True,
        cache_dir=tmp_path / "cache",
        config_dir=tmp_path / "config",
    )
    api.convert(nb, options=options)
    kinds = sorted(p.name.split("-")[0] for p in (tmp_path / "cache").iterdir())
    assert kinds == ["facts", "render"]
    assert (tmp_path / "config" / "cache.key").is_file()
    assert not (tmp_path / "env-cache").exists()
    assert not (tmp_path / "env-config").exists()


def test_a_cache_directory_that_cannot_be_made_is_skipped(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv("NB2PKG_CACHE_DIR", str(blocker / "cache"))
    nb = make_nb("def f():\n    return 1", cell("f()", result="1"), "print(f())")
    convert(nb, tmp_path / "cached")
    convert(nb, tmp_path / "fresh", "--no-cache")
    assert tree(tmp_path / "cached") == tree(tmp_path / "fresh")
    assert blocker.read_text() == "not a directory"
