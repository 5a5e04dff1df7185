"""Run a notebook as a kernel does and as its package does, and say what each showed.

A kernel runs the cells in order in one namespace, with ``__name__`` set to
``"__main__"``; the value of a cell's last expression (unless it ends with ``;``)
is shown and kept as ``_`` and ``_N``. The package runs ``python -m PKG``. What
each printed and showed is a transcript; a faithful conversion gives the same.
"""

from __future__ import annotations

import ast
import contextlib
import io
import subprocess
import sys
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from nb2pkg import Options, convert


def shown(value: object) -> str:
    """Return what showing ``value`` prints (the package's rule, see the README)."""
    if value is None:
        return ""
    text = repr(value)
    return "" if text.lstrip("[(").startswith("<") else text + "\n"


def run_as_kernel(cells: list[str]) -> str:
    """Return what the code cells print and show, run as a kernel runs them.

    Raises what a cell raises: the caller decides whether such a notebook counts.
    """
    namespace: dict[str, object] = {"__name__": "__main__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        for number, source in enumerate(cells, start=1):
            if source.startswith("## "):
                continue  # a markdown cell
            tree = ast.parse(source)
            last = tree.body[-1] if tree.body else None
            quiet = source.rstrip().endswith(";")
            if isinstance(last, ast.Expr) and not quiet:
                tree.body.pop()
                exec(compile(tree, f"<cell {number}>", "exec"), namespace)  # noqa: S102
                value = eval(  # noqa: S307 - the test's own generated code
                    compile(ast.Expression(last.value), f"<cell {number}>", "eval"),
                    namespace,
                )
                out.write(shown(value))
                if value is not None:
                    namespace["_"] = value
                    namespace[f"_{number}"] = value
            else:
                exec(compile(tree, f"<cell {number}>", "exec"), namespace)  # noqa: S102
    return out.getvalue()


def notebook_of(cells: list[str], path: Path) -> Path:
    """Write the cells as a notebook (``## `` cells are markdown), numbered in order."""
    nb = new_notebook()
    count = 0
    for source in cells:
        if source.startswith("## "):
            nb.cells.append(new_markdown_cell(source))
            continue
        count += 1
        code = new_code_cell(source)
        code.execution_count = count
        nb.cells.append(code)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "P", "language": "python"}
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def run_as_package(cells: list[str], folder: Path, name: str = "prog") -> str:
    """Return what ``python -m PKG`` prints after converting the cells."""
    notebook = notebook_of(cells, folder / f"{name}.ipynb")
    out = folder / "pkg"
    convert(
        notebook,
        options=Options(output=out, name=name, layout="flat", tests=False, cache=False),
    )
    proc = subprocess.run(
        [sys.executable, "-m", name],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
        env={"PATH": "", "PYTHONDONTWRITEBYTECODE": "1"},
        timeout=60,
    )
    if proc.returncode != 0:
        return proc.stdout + f"\n[exit {proc.returncode}]\n{proc.stderr}"
    return proc.stdout
