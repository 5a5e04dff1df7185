"""Time nb2pkg against nbconvert, jupytext and black on generated notebooks.

Generates notebooks of 20, 200 and 2,000 code cells and a folder of 100 notebooks
of 200 cells (a realistic mix of imports, functions, classes, constants, loose
code, magics and stored outputs), then runs each tool as a whole process, several
times, and prints the median wall time, the ratio to ``jupyter nbconvert --to
script`` and the peak memory (max RSS, of the process and the workers it waited
for). nb2pkg's cold runs start from an empty cache (in the work folder, not
the user's), as a first conversion does. ``floor`` is benchmarks/floor.py:
read, libcst parse, black, nothing else, with the same number of processes. Last, ``nb2pkg --help`` and ``--version``
against a bare typer app's ``--help``.

    python benchmarks/bench.py [--sizes 20,200,2000] [--repeat 3] [--folder 100]

Tools that are not installed are skipped with a note. This is a measurement, never
a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import compileall
import functools
import importlib.util
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
FLOOR = Path(__file__).resolve().parent / "floor.py"
JOBS = os.cpu_count() or 1
BARE_TYPER = """import typer
app = typer.Typer()
@app.command()
def convert(path: str) -> None:
    \"\"\"Convert.\"\"\"
app()
"""


def cell_sources(index: int) -> tuple[str, list[dict[str, object]]]:
    """Return the source and outputs of the ``index``-th generated code cell."""
    kind = index % 10
    if kind == 0:
        return (
            f"import math\nimport json\nfrom collections import Counter as C{index}",
            [],
        )
    if kind == 1:
        body = f'def f{index}(x, y=2):\n    """Scale x."""\n    return math.sqrt(x) * y + {index}'
        return body, []
    if kind == 2:
        return f"f{index - 1}(4)", [
            {"output_type": "execute_result", "execution_count": index,
             "data": {"text/plain": f"{4 + index}.0"}, "metadata": {}}
        ]  # fmt: skip
    if kind == 3:
        return (
            f"class Model{index}:\n    def __init__(self, k={index}):\n        self.k = k\n"
            f"    def predict(self, x):\n        return [v * self.k for v in x]",
            [],
        )
    if kind == 4:
        return f"RATE_{index} = 0.{index % 9 + 1}\nNAMES_{index} = ['a', 'b', 'c']", []
    if kind == 5:
        return f"data_{index} = [i * RATE_{index - 1} for i in range(100)]\nprint(len(data_{index}))", [
            {"output_type": "stream", "name": "stdout", "text": "100\n"}
        ]  # fmt: skip
    if kind == 6:
        return "%matplotlib inline\n!echo hello", []
    if kind == 7:
        return f"m{index} = Model{index - 4}()\nm{index}.predict([1, 2, 3])", [
            {"output_type": "execute_result", "execution_count": index,
             "data": {"text/plain": "[1, 2, 3]"}, "metadata": {}}
        ]  # fmt: skip
    if kind == 8:
        return f"%time total_{index} = sum(data_{index - 3})", []
    return (
        f"counts_{index} = C{index - 9}(NAMES_{index - 5})\ncounts_{index}.most_common(1)",
        [],
    )


def make_notebook(cells: int, path: Path) -> None:
    nb_cells = []
    for i in range(cells):
        if i % 5 == 0:
            nb_cells.append(
                {"cell_type": "markdown", "metadata": {}, "source": f"## Step {i}"}
            )
        source, outputs = cell_sources(i)
        nb_cells.append(
            {"cell_type": "code", "metadata": {}, "source": source, "outputs": outputs,
             "execution_count": i + 1}
        )  # fmt: skip
    notebook = {
        "nbformat": 4,
        "nbformat_minor": 4,
        "metadata": {"kernelspec": {"name": "python3", "language": "python",
                                    "display_name": "Python 3"}},
        "cells": nb_cells,
    }  # fmt: skip
    path.write_text(json.dumps(notebook), encoding="utf-8")


def run(command: list[str]) -> tuple[float, float]:
    """Run ``command``; return (wall seconds, peak memory in MB) of that process."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"failed: {' '.join(command)}")
    return elapsed, usage.ru_maxrss / 1024


def tools(notebook: Path, work: Path) -> dict[str, list[str]]:
    """Return the command of each available tool for ``notebook``."""
    bin_dir = Path(PYTHON).parent
    commands: dict[str, list[str]] = {
        "nbconvert --to script": [str(bin_dir / "jupyter"), "nbconvert", "--to", "script",
                                  "--output-dir", str(work / "nbconvert"), str(notebook)],
        "jupytext --to py:percent": [str(bin_dir / "jupytext"), "--to", "py:percent",
                                     "--output", str(work / "jt.py"), str(notebook)],
        "black (on the script)": [PYTHON, "-m", "black", "-q", str(work / "script.py")],
        "floor (read, parse, black)": [PYTHON, str(FLOOR), str(notebook), "--jobs",
                                       str(JOBS)],
        "nb2pkg convert": [PYTHON, "-m", "nb2pkg", "convert", str(notebook), "-q",
                           "--force", "-o", str(work / "pkg"), "--jobs", str(JOBS)],
    }  # fmt: skip
    return {
        name: cmd
        for name, cmd in commands.items()
        if shutil.which(cmd[0]) or Path(cmd[0]).exists()
    }


def script_for_black(notebook: Path, work: Path) -> None:
    """Write the notebook's code as one script, for the black-alone baseline."""
    cells = json.loads(notebook.read_text())["cells"]
    code = [c["source"] for c in cells if c["cell_type"] == "code"]
    text = "\n\n".join(
        "\n".join(
            ln for ln in src.split("\n") if not ln.lstrip().startswith(("%", "!"))
        )
        for src in code
    )
    (work / "script.py").write_text(text + "\n")


def measure(
    name: str, command: list[str], repeat: int, base: float | None, before=None
) -> float:
    """Run ``command`` ``repeat`` times; print and return its median time."""
    times, peaks = [], []
    for _ in range(repeat):
        if before is not None:
            before()
        seconds, peak = run(command)
        times.append(seconds)
        peaks.append(peak)
    report(name, list(zip(times, peaks, strict=True)), base)
    return statistics.median(times)


def sizes_section(
    sizes: list[int], repeat: int, work: Path, nbconvert: dict[int, float]
) -> dict[int, float]:
    """Time every tool on one notebook of each size; return nb2pkg's times.

    ``nbconvert`` is given nbconvert's time per size.
    """
    ours: dict[int, float] = {}
    for size in sizes:
        notebook = work / f"bench_{size}.ipynb"
        make_notebook(size, notebook)
        commands = tools(notebook, work)
        print(f"\n{size} code cells ({notebook.stat().st_size / 1e6:.2f} MB notebook)")
        base = None
        timed: dict[str, float] = {}
        for name, command in commands.items():
            before = None
            if name.startswith("black"):
                before = functools.partial(script_for_black, notebook, work)
            elif name.startswith("nb2pkg"):
                before = empty_cache
            timed[name] = measure(name, command, repeat, base, before)
            if name.startswith("nbconvert"):
                base = nbconvert[size] = timed[name]
        if "floor (read, parse, black)" in timed and "nb2pkg convert" in timed:
            floor = timed["floor (read, parse, black)"]
            print(f"  nb2pkg / floor: {timed['nb2pkg convert'] / floor:.2f}x")
            ours[size] = timed["nb2pkg convert"]
        for name in sorted(
            {"nbconvert --to script", "jupytext --to py:percent"} - set(commands)
        ):
            print(f"  {name:28s} not installed: skipped")
    return ours


def empty_cache() -> None:
    """Empty nb2pkg's cache (``NB2PKG_CACHE_DIR``, set by ``main``): a cold run
    is a first conversion, which also fills the cache."""
    shutil.rmtree(os.environ["NB2PKG_CACHE_DIR"], ignore_errors=True)


def reconversion_section(size: int, repeat: int, work: Path) -> None:
    """Time converting again, from the cache, after editing one cell each time.

    nbconvert runs on the same edited notebook right after each conversion, so
    that the ratio compares runs made under the same load.
    """
    notebook = work / f"bench_{size}.ipynb"
    make_notebook(size, notebook)
    command = [PYTHON, "-m", "nb2pkg", "convert", str(notebook), "-q", "--force",
               "-o", str(work / "pkg_cached"), "--jobs", str(JOBS)]  # fmt: skip
    empty_cache()
    subprocess.run(command, check=True)  # fill the cache
    baseline = tools(notebook, work).get("nbconvert --to script")
    edits = iter(range(1, 1000))
    cells = json.loads(notebook.read_text())["cells"]
    edited = next(
        i for i, c in enumerate(cells) if "print(len(data_" in "".join(c["source"])
    )

    def edit_one_cell() -> None:
        nb = json.loads(notebook.read_text())
        nb["cells"][edited]["source"] = f"print({next(edits)})"  # the same cell
        notebook.write_text(json.dumps(nb))

    print(f"\nreconversion of the {size}-cell notebook after editing one cell (cache)")
    ours: list[tuple[float, float]] = []
    theirs: list[tuple[float, float]] = []
    for _ in range(repeat):
        edit_one_cell()
        ours.append(run(command))
        if baseline:
            theirs.append(run(baseline))
    base = statistics.median(t for t, _ in theirs) if theirs else None
    if base:
        report("nbconvert --to script", theirs, base)
    report("nb2pkg convert (cached)", ours, base)


def report(name: str, runs: list[tuple[float, float]], base: float | None) -> None:
    """Print the median time of ``runs`` (seconds, peak MB), its ratio to ``base``
    and the peak memory."""
    median = statistics.median(t for t, _ in runs)
    ratio = f"{median / base:5.2f}x" if base else "   - "
    peak = max(p for _, p in runs)
    print(f"  {name:28s} {median:7.2f} s  {ratio} nbconvert  peak {peak:6.0f} MB")


def folder_section(count: int, work: Path) -> None:
    """Time converting a folder of ``count`` notebooks of 200 cells, once each."""
    folder = work / "folder"
    folder.mkdir()
    for i in range(count):
        make_notebook(200, folder / f"nb_{i:03d}.ipynb")
    notebooks = sorted(str(p) for p in folder.glob("*.ipynb"))
    print(f"\n{count} notebooks of 200 code cells, one process each tool ({JOBS} jobs)")
    bin_dir = Path(PYTHON).parent
    base = None
    nbconvert = bin_dir / "jupyter"
    if nbconvert.exists():
        command = [str(nbconvert), "nbconvert", "--to", "script", "--output-dir",
                   str(work / "folder_nbconvert"), *notebooks]  # fmt: skip
        base = measure("nbconvert --to script", command, 1, None)
    scripts = work / "folder_scripts"
    scripts.mkdir()

    def write_scripts() -> None:
        for path in folder.glob("*.ipynb"):
            script_for_black(path, work)
            (work / "script.py").replace(scripts / f"{path.stem}.py")

    black_all = [PYTHON, "-m", "black", "-q", "--workers", str(JOBS), str(scripts)]
    measure("black (on the scripts)", black_all, 1, base, write_scripts)
    floor = measure(
        "floor (read, parse, black)",
        [PYTHON, str(FLOOR), str(folder), "--jobs", str(JOBS)],
        1,
        base,
    )
    ours = measure(
        "nb2pkg convert (one package)",
        [PYTHON, "-m", "nb2pkg", "convert", str(folder), "-q", "--force", "-o",
         str(work / "folder_pkg"), "--name", "bench", "--jobs", str(JOBS)],
        1,
        base,
        empty_cache,
    )  # fmt: skip
    print(f"  nb2pkg / floor: {ours / floor:.2f}x")


def large_cell_notebook(megabytes: float, path: Path) -> None:
    """Write a notebook whose one large cell is ``megabytes`` of data pasted
    into code (a one-line list of numbers), between two ordinary cells."""
    numbers, size, i = [], 0, 0
    while size < megabytes * 1e6:
        number = f"{(i * 7919) % 100003 / 7.0:.6f}"
        numbers.append(number)
        size += len(number) + 2
        i += 1
    cells = [
        "import math",
        "data = [" + ", ".join(numbers) + "]",
        "def mean(values):\n    return sum(values) / len(values)",
        "print(round(mean(data), 3))",
    ]
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"c{k}",
             "metadata": {}, "outputs": [], "source": source}
            for k, source in enumerate(cells)
        ],
        "metadata": {"language_info": {"name": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }  # fmt: skip
    path.write_text(json.dumps(nb))


def large_cell_section(sizes: list[float], repeat: int, work: Path) -> None:
    """Time one notebook per size with one cell of that many megabytes."""
    for megabytes in sizes:
        notebook = work / f"large_{megabytes:g}mb.ipynb"
        large_cell_notebook(megabytes, notebook)
        print(f"\none cell of {megabytes:g} MB (a pasted list of numbers)")
        commands = tools(notebook, work)
        base = None
        if "nbconvert --to script" in commands:
            command = commands["nbconvert --to script"]
            base = measure("nbconvert --to script", command, repeat, None)
        measure("nb2pkg convert", commands["nb2pkg convert"], repeat, base, empty_cache)


def startup_section(repeat: int, work: Path) -> None:
    """Time nb2pkg --help and --version against a bare typer app's --help."""
    bare = work / "bare.py"
    bare.write_text(BARE_TYPER)
    print("\nstart-up (ratio to a bare typer app's --help)")
    base = None
    for name, command in (
        ("bare typer app --help", [PYTHON, str(bare), "--help"]),
        ("nb2pkg --help", [PYTHON, "-m", "nb2pkg", "--help"]),
        ("nb2pkg --version", [PYTHON, "-m", "nb2pkg", "--version"]),
    ):
        times = [run(command)[0] for _ in range(max(repeat, 5))]
        median = statistics.median(times)
        base = base or median
        print(f"  {name:28s} {median:7.3f} s  {median / base:5.2f}x")


def compiled_as_installed() -> None:
    """Write nb2pkg's bytecode, as ``pip install`` does for the other tools.

    An editable install compiles its modules on first import, unless
    ``PYTHONDONTWRITEBYTECODE`` is set (as on some CI machines): then every run
    would compile nb2pkg from source while nbconvert and black load theirs
    compiled at install, and the comparison would not be like for like.
    """
    spec = importlib.util.find_spec("nb2pkg")
    if spec is not None and spec.origin is not None:
        compileall.compile_dir(Path(spec.origin).parent, quiet=1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20,200,2000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=int, default=100, help="0 skips it")
    parser.add_argument(
        "--large", default="1,5", help="MB of the one-large-cell notebooks; '' skips"
    )
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    compiled_as_installed()
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.repeat} runs each"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        os.environ["NB2PKG_CACHE_DIR"] = str(work / "cache")  # not the user's
        nbconvert: dict[int, float] = {}
        ours = sizes_section(sizes, args.repeat, work, nbconvert)
        pairs = [
            (a, b)
            for a, b in zip(sizes, sizes[1:], strict=False)
            if a in ours and b in ours
        ]
        for small, large in pairs:
            growth = ours[large] / ours[small]
            print(f"\ngrowth {small} -> {large} cells: {growth:.2f}x the time for "
                  f"{large / small:.0f}x the cells")  # fmt: skip
        if args.folder:
            folder_section(args.folder, work)
        if args.large:
            large = [float(m) for m in args.large.split(",")]
            large_cell_section(large, args.repeat, work)
        startup_section(args.repeat, work)
        largest = max(sizes)
        reconversion_section(largest, args.repeat, work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
