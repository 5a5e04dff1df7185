"""The floor under nb2pkg convert: read, parse every cell with libcst, run black.

Nothing else: no analysis, no plan, no templates. Run with the same number of
processes as nb2pkg (``--jobs``) so that the difference between the two is the
pipeline's own overhead.

    python benchmarks/floor.py NOTEBOOK_OR_FOLDER... [--jobs N]
"""

from __future__ import annotations

import argparse
import os
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import black
import libcst as cst
import nbformat


def cells_of(path: Path) -> list[str]:
    """Return the notebook's code cells, IPython lines dropped, each parsed."""
    notebook = nbformat.read(path, as_version=4)
    sources = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        lines = [ln for ln in cell.source.split("\n") if ln.lstrip()[:1] not in "%!"]
        source = "\n".join(lines) + "\n"
        cst.parse_module(source)
        sources.append(source)
    return sources


def black_length(code: str) -> int:
    return len(black.format_str(code, mode=black.Mode()))


def formatted(path: Path) -> int:
    return black_length("\n\n".join(cells_of(path)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("inputs", nargs="+", type=Path)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    paths = [
        p
        for given in args.inputs
        for p in (sorted(given.glob("*.ipynb")) if given.is_dir() else [given])
    ]
    if args.jobs > 1 and len(paths) > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            total = sum(pool.map(formatted, paths))
    elif args.jobs > 1:
        # One notebook: black on runs of its cells, as nb2pkg formats files apart.
        cells = cells_of(paths[0])
        step = -(-len(cells) // args.jobs)
        parts = ["\n\n".join(cells[i : i + step]) for i in range(0, len(cells), step)]
        with ProcessPoolExecutor(args.jobs) as pool:
            total = sum(pool.map(black_length, parts))
    else:
        total = sum(formatted(p) for p in paths)
    print(total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
