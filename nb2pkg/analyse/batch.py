"""Read and analyse the notebooks of one conversion, over the cores if worth it."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from nb2pkg.analyse.cells import analyse_notebook, analyse_notebook_cached, new_facts
from nb2pkg.analyse.links import notebooks_run
from nb2pkg.errors import Nb2PkgError
from nb2pkg.model import CellAnalysis, Notebook
from nb2pkg.parallel import default_jobs, pool_map
from nb2pkg.read.notebook import read_notebook

# Told (stage, done, total) as a conversion goes: "analysing" once per notebook,
# then "planning" and "formatting"; "large" (characters of code, code cells) once,
# before a notebook with LARGE_CODE characters of code or more is analysed.
Progress = Callable[[str, int, int], None]
LARGE_CODE = 1_000_000


# A notebook converted alone brings at most this many notebooks it ``%run``s.
MAX_FOLLOWED = 50
# Notebooks smaller than this together are read and analysed in this process.
WORTH_BYTES = 400_000


def analyse_paths(
    paths: Sequence[Path],
    *,
    known: Mapping[str, object] | None,
    jobs: int | None,
    progress: Progress,
    schema: bool = True,
) -> tuple[list[Notebook], list[tuple[CellAnalysis, ...]], dict[str, object]]:
    """Return the notebooks at ``paths``, their analyses and their cells' facts.

    Without ``schema``, the notebooks are read without nbformat's schema check
    (``read.notebook.schema_findings`` makes it apart).

    ``known`` are the cache's facts (None without a cache); the facts returned
    are those of every cell, for the next run. With enough work, worker
    processes read the notebooks and find the facts of their new cells; each
    notebook's analysis is rebuilt from them here as it comes back, while the
    workers go on.
    """
    notebooks: list[Notebook] = []
    analyses: list[tuple[CellAnalysis, ...]] = []
    entries: dict[str, object] = {}
    size = sum(p.stat().st_size for p in paths if p.is_file())
    workers = min(jobs or default_jobs(), len(paths)) > 1 and size > WORTH_BYTES

    def analysed(notebook: Notebook, found: Mapping[str, object]) -> None:
        notebooks.append(notebook)
        code = sum(len(c.source) for c in notebook.code_cells)
        if code >= LARGE_CODE:
            progress("large", code, len(notebook.code_cells))
        # A notebook analysed here may spread its own cells over the cores.
        here = 1 if workers else jobs
        if known is None and not found:
            analyses.append(analyse_notebook(notebook, jobs=here))
        else:
            # What the workers found is rebuilt from, and kept with the cache.
            facts = {**known, **found} if known and found else found or known or {}
            analysis, used = analyse_notebook_cached(notebook, jobs=here, known=facts)
            analyses.append(analysis)
            entries.update(used)
        progress("analysing", len(analyses), len(paths))

    if not workers:
        for path in paths:
            analysed(read_notebook(path, schema=schema), {})
    else:
        pool_map(
            functools.partial(_load, known=frozenset(known or ()), schema=schema),
            paths,
            jobs=jobs,
            worth=True,
            done=lambda loaded: analysed(*loaded),
        )
    return notebooks, analyses, entries


def _load(
    path: Path, *, known: frozenset[str], schema: bool
) -> tuple[Notebook, dict[str, object]]:
    """Return a notebook and the facts of its cells not ``known`` (work for a
    worker; see ``analyse.new_facts``)."""
    notebook = read_notebook(path, schema=schema)
    return notebook, new_facts(notebook.code_cells, known)


def followed_runs(first: Notebook) -> list[Path]:
    """Return the notebooks ``first`` runs with ``%run`` or imports, and those
    they use, in the order found: converted alone, a notebook needs them as its
    kernel did.

    Only notebooks inside the folder of ``first`` are followed (a notebook is
    untrusted: ``%run ../../x.ipynb`` must not bring code from elsewhere), and
    only those that can be read.
    """
    try:
        folder, seen = first.path.parent.resolve(), {first.path.resolve()}
    except (OSError, RuntimeError):  # a symlink loop: reading it says so
        return []
    queue: list[Notebook | Path] = [first]
    found: list[Path] = []
    while queue and len(found) < MAX_FOLLOWED:
        current = queue.pop(0)
        try:
            notebook = (
                current if isinstance(current, Notebook) else read_notebook(current)
            )
        except Nb2PkgError:
            continue
        for cell in notebook.code_cells:
            for target in notebooks_run(cell.source):
                candidate = Path(os.path.normpath(notebook.path.parent / target))
                try:
                    resolved = candidate.resolve()
                except (OSError, RuntimeError):
                    continue
                if (
                    resolved in seen
                    or not resolved.is_relative_to(folder)
                    or not resolved.is_file()
                ):
                    continue
                seen.add(resolved)
                found.append(candidate)
                queue.append(candidate)
    return found[:MAX_FOLLOWED]
