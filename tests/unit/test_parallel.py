"""Work spread over processes gives exactly what one process gives."""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import libcst as cst
import pytest

from nb2pkg.analyse import batch
from nb2pkg.analyse import cells as analyse
from nb2pkg.analyse.cells import analyse_notebook, cell_key
from nb2pkg.api import convert
from nb2pkg.errors import NotebookError
from nb2pkg.model import Cell, Kind, Notebook, Statement
from nb2pkg.options import Options
from nb2pkg.parallel import pool_map, split
from nb2pkg.read.notebook import read_notebook
from nb2pkg.render import formatting
from tests.conftest import MakeNotebook


def test_split_keeps_order_and_sizes_even() -> None:
    parts = split(list(range(10)), 3)
    assert [list(p) for p in parts] == [[0, 1, 2, 3], [4, 5, 6], [7, 8, 9]]
    assert [list(p) for p in split([1], 4)] == [[1]]


def test_pool_map_matches_a_loop_with_and_without_workers() -> None:
    items = list(range(20))
    assert pool_map(abs, items, jobs=2, worth=True) == [abs(i) for i in items]
    assert pool_map(abs, items, jobs=2, worth=False) == [abs(i) for i in items]


def test_errors_keep_their_location_across_processes() -> None:
    error = NotebookError("cannot read", path=Path("a.ipynb"), cell=3, line=2)
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is NotebookError and str(back) == str(error)


def _facts(notebook: Notebook, jobs: int) -> list[tuple[object, ...]]:
    return [
        (s.cell, s.kind, s.defines, s.uses, s.eager_uses, s.mutates, s.code)
        for a in analyse_notebook(notebook, jobs=jobs)
        for s in a.statements
    ]


def test_a_large_notebook_analysed_by_two_processes_matches_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(analyse, "_PARALLEL_CELLS", 10)
    sources = [
        "import math\nx = 1",
        "def f(a):\n    return math.sqrt(a) + x",
        "for i in range(3):\n    x += i",
        "class C:\n    k = x\n    def m(self):\n        return f(self.k)",
        "%time y = f(2)\ndf = {}\ndf['a'] = y",
        "print(x, y, [z for z in range(x)])",
    ] * 5
    cells = tuple(
        Cell(index=i, kind="code", source=src) for i, src in enumerate(sources)
    )
    notebook = Notebook(path=Path("big.ipynb"), cells=cells)
    assert _facts(notebook, jobs=2) == _facts(notebook, jobs=1)
    # The code the workers wrote came back with their analyses: kept, it is
    # not written again here.
    statements = [s for a in analyse_notebook(notebook, jobs=2) for s in a.statements]
    assert all(s.written is not None and s.written[0] is s.node for s in statements)


def test_formatting_in_workers_writes_the_same_package(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = make_nb(
        "def f(x):\n  return {'a':x}", "y=f( 2 )\nprint( y )", "class K :\n  pass"
    )
    serial = convert(path, options=Options(dry_run=True, jobs=1))
    monkeypatch.setattr(formatting, "_WORTH_CHARS", 0)
    monkeypatch.setattr(formatting, "PIECE_CHARS", 1)  # every piece to a worker
    parallel = convert(path, options=Options(dry_run=True, jobs=2))
    assert [(f.path, f.text) for f in parallel.files] == [
        (f.path, f.text) for f in serial.files
    ]


def test_notebooks_read_by_workers_make_the_same_package(
    make_nb: MakeNotebook, monkeypatch: pytest.MonkeyPatch
) -> None:
    a = make_nb("def double(x):\n    return 2 * x", name="a")
    b = make_nb("%run a.ipynb", "def quad(x):\n    return double(double(x))", name="b")
    serial = convert([a, b], options=Options(dry_run=True, jobs=1, name="p"))
    monkeypatch.setattr(batch, "WORTH_BYTES", 0)
    parallel = convert([a, b], options=Options(dry_run=True, jobs=2, name="p"))
    assert [(f.path, f.text) for f in parallel.files] == [
        (f.path, f.text) for f in serial.files
    ]
    assert parallel.findings == serial.findings


def test_a_statement_keeps_its_code_for_its_own_node_only() -> None:
    node = cst.parse_statement("x = 1  # n1\n")
    statement = Statement(cell=1, kind=Kind.ASSIGN, node=node)
    assert statement.written is None
    assert statement.code == "x = 1  # n1\n"
    assert statement.written == (node, "x = 1  # n1\n")
    # Code sent by a worker comes with its node: taken as written there.
    sent = pickle.loads(pickle.dumps(replace(statement, written=(node, "sent\n"))))
    assert sent.code == "sent\n"
    # A copy for another node writes that node's code, not the kept text.
    other = replace(statement, node=cst.parse_statement("y = 2\n"))
    assert other.code == "y = 2\n"
    assert statement.code == "x = 1  # n1\n"


def test_workers_find_facts_only_for_cells_the_cache_does_not_know(
    make_nb: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(batch, "WORTH_BYTES", 0)
    a = make_nb("def double(x):\n    return 2 * x", "%time y = double(2)", name="a")
    cells = ["import math", "def quad(x):\n    return double(double(x))"]
    b = make_nb(*cells, "print(quad(3))", name="b")
    options = Options(
        dry_run=True,
        jobs=2,
        name="p",
        cache=True,
        cache_dir=tmp_path / "cache",
        config_dir=tmp_path / "config",
    )
    convert([a, b], options=options)
    b = make_nb(*cells, "print(quad(4))", name="b")
    sent: list[str] = []
    real_map = batch.pool_map

    def spy(*args: Any, done: Callable[[Any], None], **kwargs: Any) -> Any:
        def seen(loaded: tuple[Notebook, dict[str, object]]) -> None:
            sent.extend(loaded[1])
            done(loaded)

        return real_map(*args, done=seen, **kwargs)

    monkeypatch.setattr(batch, "pool_map", spy)
    cached = convert([a, b], options=options)
    # Sent by the worker that read b: the edited cell's facts, and nothing else.
    assert sent == [cell_key(read_notebook(b).code_cells[-1])]
    fresh = convert([a, b], options=replace(options, cache=False, jobs=1))
    assert [(f.path, f.text) for f in cached.files] == [
        (f.path, f.text) for f in fresh.files
    ]
    assert cached.findings == fresh.findings


_CTRL_C_DURING_FORK = """
import os, signal
from nb2pkg.parallel import pool_map
# Ctrl-C pressed while the workers are forked: it arrives in an at-fork handler.
os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGINT))
try:
    pool_map(abs, list(range(8)), jobs=2, worth=True)
except KeyboardInterrupt:
    print("interrupted")
else:
    print("went on")
"""


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")
def test_ctrl_c_while_workers_are_forked_stops_the_work() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _CTRL_C_DURING_FORK],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout == "interrupted\n", run.stderr
    assert "Exception ignored" not in run.stderr
