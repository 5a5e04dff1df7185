"""Work spread over processes gives exactly what one process gives."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import BrokenExecutor
from dataclasses import replace
from pathlib import Path, PurePosixPath
from typing import Any

import libcst as cst
import pytest

from nb2pkg.analyse import batch
from nb2pkg.analyse import cells as analyse
from nb2pkg.analyse.cells import analyse_notebook, cell_key
from nb2pkg.api import convert
from nb2pkg.cache import Memo
from nb2pkg.errors import NotebookError
from nb2pkg.model import Cell, Kind, Notebook, RenderedFile, Statement
from nb2pkg.options import Options
from nb2pkg.parallel import helper, later, pool_map, split
from nb2pkg.read.notebook import read_notebook, schema_findings
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


def _black_imported() -> bool:
    import sys

    return "black" in sys.modules


def _cannot_start() -> None:
    raise RuntimeError("no black here")


def test_a_helper_is_ready_before_its_first_piece_and_stopped_after() -> None:
    import multiprocessing

    with helper(1, formatting._import_black) as none:
        assert none is None  # one core: no helper, the work is done here
    with helper(2, formatting._import_black) as worker:
        assert worker is not None
        assert worker.submit(_black_imported).result(timeout=120)
        pids = set(getattr(worker, "_processes", None) or {})
    assert pids
    for _ in range(100):
        if not pids & {p.pid for p in multiprocessing.active_children()}:
            break
        time.sleep(0.05)
    assert not pids & {p.pid for p in multiprocessing.active_children()}


def test_formatting_goes_on_here_when_the_helper_cannot_start() -> None:
    files = [RenderedFile(PurePosixPath("m.py"), "def f(x,y):\n  return {'a':x}\n")]
    with helper(2, _cannot_start) as worker:
        out, findings = formatting.format_files(
            files, requires_python=">=3.10", jobs=2, memo=Memo(), worker=worker
        )
    assert findings == []
    assert out[0].text == 'def f(x, y):\n    return {"a": x}\n'


def test_a_small_conversion_leaves_black_to_the_helper(
    make_nb: MakeNotebook, tmp_path: Path
) -> None:
    """Cold or from the cache, a conversion with little to format does not
    import black: the helper formats and says which versions black targets."""
    path = make_nb("def f(x):\n  return x", "y = f( 2 )\nprint(y)")
    script = """
import sys
from pathlib import Path
from nb2pkg.api import convert
from nb2pkg.options import Options
options = Options(output=Path(sys.argv[2]), force=True, jobs=2, cache=True,
                  cache_dir=Path(sys.argv[3]), config_dir=Path(sys.argv[3]))
convert(sys.argv[1], options=options)
print("black" in sys.modules)
"""
    args = [str(path), str(tmp_path / "out"), str(tmp_path / "cache")]
    run = [sys.executable, "-c", script, *args]
    cold = subprocess.run(run, capture_output=True, text=True, check=True)
    text = path.read_text().replace("print(y)", "print( y+1 )")  # for black
    path.write_text(text)
    warm = subprocess.run(run, capture_output=True, text=True, check=True)
    assert (cold.stdout, warm.stdout) == ("False\n", "False\n")
    pipeline = next((tmp_path / "out").rglob("pipeline.py")).read_text()
    assert "print(y + 1)" in pipeline


def _off_schema(path: Path, body: str) -> Path:
    """Write a readable notebook nbformat's schema refuses (a cell's extra key)."""
    cell = {"cell_type": "code", "id": "a", "metadata": {}, "source": body}
    cell |= {"outputs": [], "execution_count": 1, "surprise": True}
    kernel = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook = {"nbformat": 4, "nbformat_minor": 5, "cells": [cell]}
    path.write_text(json.dumps(notebook | {"metadata": {"kernelspec": kernel}}))
    return path


@pytest.mark.parametrize("several", [False, True])
def test_the_schema_checked_by_the_helper_is_reported_as_when_read_here(
    tmp_path: Path, several: bool
) -> None:
    paths = [_off_schema(tmp_path / "odd.ipynb", "def f(x):\n    return x")]
    if several:
        paths.append(_off_schema(tmp_path / "two.ipynb", "def g(x):\n    return x"))
    options = Options(dry_run=True, name="p")
    here = convert(paths, options=replace(options, jobs=1))
    helped = convert(paths, options=replace(options, jobs=2))
    schema = [f for f in here.findings if "nbformat schema" in f.message]
    assert len(schema) == len(paths)
    assert [f.notebook for f in schema] == (
        ["odd.ipynb", "two.ipynb"] if several else [""]
    )
    assert helped.findings == here.findings


def test_work_for_a_helper_that_could_not_start_is_done_here(tmp_path: Path) -> None:
    path = _off_schema(tmp_path / "odd.ipynb", "x = 1")
    with helper(2, _cannot_start) as worker:
        assert worker is not None
        for _ in range(100):  # until the pool knows its worker failed
            try:
                worker.submit(int).result(timeout=10)
            except BrokenExecutor:
                break
        found = later(worker, schema_findings, path)()
    assert [f.code for f in found] == ["NBP001"]


_CTRL_C_DURING_FORK = """
import os, signal, sys
from nb2pkg.parallel import helper, pool_map
# Ctrl-C pressed while the workers are forked: it arrives in an at-fork handler.
os.register_at_fork(after_in_parent=lambda: os.kill(os.getpid(), signal.SIGINT))
try:
    if sys.argv[1] == "pool":
        pool_map(abs, list(range(8)), jobs=2, worth=True)
    else:
        with helper(2, int) as worker:
            worker.submit(int).result()
except KeyboardInterrupt:
    print("interrupted")
else:
    print("went on")
"""


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux")
@pytest.mark.parametrize("workers", ["pool", "helper"])
def test_ctrl_c_while_workers_are_forked_stops_the_work(workers: str) -> None:
    run = subprocess.run(
        [sys.executable, "-c", _CTRL_C_DURING_FORK, workers],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.stdout == "interrupted\n", run.stderr
    assert "Exception ignored" not in run.stderr


def _inverse(x: int) -> float:
    return 1 / x


def _pool_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if "ExecutorManager" in type(t).__name__]


def test_stopped_workers_leave_no_thread_behind() -> None:
    """When a pool is stopped (an error, Ctrl-C, the helper's end), its thread has
    ended: one left running may write to a closed pipe as Python exits."""
    assert not _pool_threads()
    with pytest.raises(ZeroDivisionError):
        pool_map(_inverse, [1, 0, 2, 3], jobs=2, worth=True)
    assert not _pool_threads()
    with helper(2, int) as worker:
        assert worker is not None and worker.submit(int).result(timeout=60) == 0
        assert _pool_threads()
    assert not _pool_threads()
