"""Time nb2pkg against nbconvert, jupytext and black on generated notebooks.

Generates notebooks of 20, 200 and 2,000 code cells (a realistic mix of imports,
functions, classes, constants, loose code, magics and stored outputs), then runs each
tool as a whole process, several times, and prints the median wall time, the ratio to
``jupyter nbconvert --to script``, and the peak memory (max RSS) of each run.

    python benchmarks/bench.py [--sizes 20,200,2000] [--repeat 3]

Tools that are not installed are skipped with a note. This is a measurement, never
a test: nothing here asserts a time.
"""

from __future__ import annotations

import argparse
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
        "nb2pkg convert": [PYTHON, "-m", "nb2pkg", "convert", str(notebook), "-q",
                           "--force", "-o", str(work / "pkg")],
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


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="20,200,2000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(
        f"python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.repeat} runs each"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for size in sizes:
            notebook = work / f"bench_{size}.ipynb"
            make_notebook(size, notebook)
            commands = tools(notebook, work)
            print(
                f"\n{size} code cells ({notebook.stat().st_size / 1e6:.2f} MB notebook)"
            )
            base = None
            for name, command in commands.items():
                times, peaks = [], []
                for _ in range(args.repeat):
                    if name.startswith("black"):
                        script_for_black(notebook, work)
                    seconds, peak = run(command)
                    times.append(seconds)
                    peaks.append(peak)
                median = statistics.median(times)
                if name.startswith("nbconvert"):
                    base = median
                ratio = f"{median / base:5.2f}x" if base else "   - "
                print(
                    f"  {name:28s} {median:7.2f} s  {ratio} nbconvert  peak {max(peaks):6.0f} MB"
                )
            missing = {"nbconvert --to script", "jupytext --to py:percent"} - set(
                commands
            )
            for name in sorted(missing):
                print(f"  {name:28s} not installed: skipped")
    return 0


if __name__ == "__main__":
    sys.exit(main())
