"""``convert --verify``: run the package as ``python -m PKG`` and compare what it
prints with what the notebook printed and showed in a fresh kernel.

The fresh run gives, per code cell, its printed lines and its shown result (a
value's text, unless it is an object repr: the package's show rule). The
package is written to a temporary folder and run; its output is matched cell
by cell, in order. Each cell whose output the package does not reproduce is a
finding (NBP114), and so is a package that fails to run.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nb2pkg.errors import Finding, finding
from nb2pkg.model import Plan, RenderedFile

_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{4,}\b")
# Lines the kernel's magics print (%%time, %timeit): not the cell's own output.
_TIMING_LINE = re.compile(
    r"^(CPU times|Wall time|\d+(\.\d+)? ?[nµu]?s ± .*per loop).*\n?", re.MULTILINE
)


@dataclass(frozen=True, slots=True)
class CellOutput:
    """What one code cell printed and showed in the fresh run."""

    notebook: str
    cell: int
    text: str


def comparable(text: str) -> str:
    """Return output text without what changes from run to run (addresses)."""
    return _ADDRESS.sub("0x…", _TIMING_LINE.sub("", text))


def verify_package(
    plan: Plan,
    fresh: Sequence[CellOutput],
    files: Sequence[RenderedFile],
    *,
    cwd: Path,
    timeout: int,
) -> tuple[Finding, ...]:
    """Run the package made of ``files`` in folder ``cwd`` (the notebook's: the
    files it reads are relative to it); report the cells of ``fresh`` (what each
    cell printed in a fresh kernel) whose output it does not print, in the order
    its ``run()`` functions run. ``timeout`` is in seconds per cell."""
    order = [p.notebook for p in plan.pipelines]
    expected = sorted(
        (c for c in fresh if c.notebook in order),
        key=lambda c: (order.index(c.notebook), c.cell),
    )
    package = plan.package
    timeout *= max(1, len(expected))
    with tempfile.TemporaryDirectory(prefix="nb2pkg-verify-") as folder:
        root = Path(folder)
        for file in files:
            path = root.joinpath(*file.path.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(file.text, encoding="utf-8")
        source = root / "src" if (root / "src" / package).is_dir() else root
        env = {**os.environ, "PYTHONPATH": str(source), "PYTHONDONTWRITEBYTECODE": "1"}
        env.pop("PYTHONSTARTUP", None)
        try:
            proc = subprocess.run(
                [sys.executable, "-m", package],
                cwd=cwd,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            note = f"python -m {package} did not end within {timeout} s"
            return (finding("NBP114", note),)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        note = f"python -m {package} failed: {last[:160]}"
        return (finding("NBP114", note),)
    return tuple(_unmatched(expected, comparable(proc.stdout), package))


def _unmatched(
    expected: Sequence[CellOutput], output: str, package: str
) -> list[Finding]:
    """Match each cell's output, in order, in what the package printed."""
    found: list[Finding] = []
    position = 0
    for cell in expected:
        want = comparable(cell.text)
        if not want:
            continue
        at = output.find(want, position)
        if at < 0:
            first = want.strip().split("\n")[0][:60]
            note = (
                f"python -m {package} does not print what this cell did ({first!r}...)"
            )
            found.append(
                finding("NBP114", note, cell=cell.cell, notebook=cell.notebook)
            )
            continue
        position = at + len(want)
    return found
