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
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from nb2pkg import Options, convert


def shown_text(text: str | None) -> str:
    """Return what showing a value of repr ``text`` prints (the README's rule)."""
    if text is None or text.lstrip("[(").startswith("<"):
        return ""
    return text + "\n"


@dataclass
class Ran:
    """What each code cell printed and showed when run as a kernel runs it."""

    printed: list[str] = field(default_factory=list)
    # What each cell's value showed, as its repr at the time; None: no value.
    shown: list[str | None] = field(default_factory=list)

    @property
    def transcript(self) -> str:
        return "".join(
            printed + shown_text(text)
            for printed, text in zip(self.printed, self.shown, strict=True)
        )


def run_cells(cells: list[str]) -> Ran:
    """Run the code cells as a kernel does: one namespace, ``__name__`` is
    ``"__main__"``, a cell's last expression shown and kept as ``_`` and ``_N``.

    Raises what a cell raises: the caller decides whether such a notebook counts.
    """
    namespace: dict[str, object] = {"__name__": "__main__"}
    ran = Ran()
    number = 0
    for source in cells:
        if source.startswith("## "):
            continue  # a markdown cell
        number += 1
        tree = ast.parse(source)
        last = tree.body[-1] if tree.body else None
        value = None
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            if isinstance(last, ast.Expr) and not source.rstrip().endswith(";"):
                tree.body.pop()
                exec(compile(tree, f"<cell {number}>", "exec"), namespace)  # noqa: S102
                value = eval(  # noqa: S307 - the test's own generated code
                    compile(ast.Expression(last.value), f"<cell {number}>", "eval"),
                    namespace,
                )
            else:
                exec(compile(tree, f"<cell {number}>", "exec"), namespace)  # noqa: S102
        if value is not None:
            namespace["_"] = value
            namespace[f"_{number}"] = value
        ran.printed.append(out.getvalue())
        ran.shown.append(None if value is None else _shown_as(value))
    return ran


def _shown_as(value: object) -> str:
    """Return the text IPython shows for ``value``: a class by its dotted name."""
    if isinstance(value, type):
        name, module = value.__qualname__, value.__module__
        return name if module == "builtins" else f"{module}.{name}"
    return repr(value)


def run_as_kernel(cells: list[str]) -> str:
    """Return what the code cells print and show, run as a kernel runs them."""
    return run_cells(cells).transcript


def notebook_of(cells: list[str], path: Path, ran: Ran | None = None) -> Path:
    """Write the cells as a notebook (``## `` cells are markdown); with ``ran``,
    each code cell has the outputs and execution count that run gave it."""
    nb = new_notebook()
    count = 0
    for source in cells:
        if source.startswith("## "):
            nb.cells.append(new_markdown_cell(source))
            continue
        code = new_code_cell(source)
        if ran is not None:
            printed, text = ran.printed[count], ran.shown[count]
            code.execution_count = count + 1
            if printed:
                code.outputs.append(new_output("stream", name="stdout", text=printed))
            if text is not None:
                code.outputs.append(
                    new_output(
                        "execute_result",
                        data={"text/plain": text},
                        execution_count=count + 1,
                    )
                )
        count += 1
        nb.cells.append(code)
    kernel = {"name": "python3", "display_name": "P", "language": "python"}
    nb.metadata["kernelspec"] = kernel
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def run_as_package(cells: list[str], folder: Path, name: str = "prog") -> str:
    """Return what ``python -m PKG`` prints after converting the cells."""
    notebook = notebook_of(cells, folder / f"{name}.ipynb", run_cells(cells))
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
