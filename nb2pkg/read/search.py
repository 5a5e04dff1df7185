"""Find the notebooks that paths name: files as given, folders searched.

A folder is searched as black searches one: hidden folders, Jupyter's
checkpoints, what git ignores (every ``.gitignore`` from the repository's root
down, as git reads them) and what ``--exclude`` / ``extend-exclude`` match are
left out. A file named on the command line is always taken.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from nb2pkg.errors import InputError

if TYPE_CHECKING:
    from pathspec import GitIgnoreSpec

_SUFFIX = ".ipynb"


def notebook_paths(inputs: Sequence[Path], *, exclude: str = "") -> list[Path]:
    """Return the notebooks the inputs name: files as given, folders searched.

    Args:
        inputs: notebooks and folders.
        exclude: a regular expression; a notebook or folder found in a folder
            whose path (from that folder, ``/`` first and between parts, a
            folder's ending in ``/``) it matches anywhere is left out.

    Raises:
        InputError: an input does not exist, a folder holds no notebook, or
            ``exclude`` is not a regular expression.
    """
    pattern = compiled(exclude)
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            inside = sorted(_search(path, pattern))
            if not inside:
                raise InputError(
                    "the folder holds no notebook (.ipynb) that is not excluded",
                    path=path,
                )
            found.extend(inside)
        else:
            found.append(path)
    unique = {_real(p): p for p in reversed(found)}
    return [p for p in found if unique[_real(p)] is p]


def compiled(exclude: str) -> re.Pattern[str] | None:
    """Return ``exclude`` compiled, None if empty.

    Raises:
        InputError: it is not a regular expression.
    """
    if not exclude:
        return None
    try:
        return re.compile(exclude)
    except re.error as exc:
        raise InputError(
            f"--exclude {exclude!r} is not a regular expression ({exc})"
        ) from None


def _search(folder: Path, exclude: re.Pattern[str] | None) -> list[Path]:
    """Return the notebooks below ``folder`` that nothing leaves out."""
    ignored = GitIgnored(folder)
    found: list[Path] = []
    for here, dirs, files in os.walk(folder):
        base = Path(here)
        relative = base.relative_to(folder).as_posix()
        prefix = "/" if relative == "." else f"/{relative}/"
        dirs[:] = sorted(
            d
            for d in dirs
            if not d.startswith(".")
            and not _matches(exclude, f"{prefix}{d}/")
            and not ignored(base / d, folder=True)
        )
        found.extend(
            base / f
            for f in files
            if f.endswith(_SUFFIX)
            and not _matches(exclude, f"{prefix}{f}")
            and not ignored(base / f, folder=False)
        )
    return found


def _matches(pattern: re.Pattern[str] | None, path: str) -> bool:
    return pattern is not None and pattern.search(path) is not None


class GitIgnored:
    """Whether git ignores a path below ``top``, by the ``.gitignore`` files of
    its repository (or of ``top`` and below, outside a repository)."""

    def __init__(self, top: Path) -> None:
        self._root = _repository_root(top) or top.absolute()
        self._specs: dict[Path, GitIgnoreSpec | None] = {}

    def __call__(self, path: Path, *, folder: bool) -> bool:
        """Return True if git ignores ``path`` (a folder if ``folder``)."""
        path = path.absolute()
        verdict: bool | None = None
        for directory in (self._root, *_between(self._root, path.parent)):
            spec = self._spec(directory)
            if spec is None:
                continue
            relative = path.relative_to(directory).as_posix() + ("/" if folder else "")
            include = spec.check_file(relative).include
            if include is not None:
                verdict = include  # a deeper file has the last word
        return bool(verdict)

    def _spec(self, directory: Path) -> GitIgnoreSpec | None:
        if directory not in self._specs:
            self._specs[directory] = _read_spec(directory / ".gitignore")
        return self._specs[directory]


def _read_spec(path: Path) -> GitIgnoreSpec | None:
    """Return the patterns of a ``.gitignore`` file, None if there is none."""
    import pathspec

    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:  # none, or a folder, or unreadable: git would not read it
        return None
    return pathspec.GitIgnoreSpec.from_lines(lines)


def _between(root: Path, folder: Path) -> list[Path]:
    """Return the folders from below ``root`` down to ``folder``, in order."""
    try:
        parts = folder.relative_to(root).parts
    except ValueError:
        return []
    return [root.joinpath(*parts[: i + 1]) for i in range(len(parts))]


def _repository_root(folder: Path) -> Path | None:
    """Return the top of the git working tree ``folder`` is in, if any."""
    absolute = folder.absolute()
    for candidate in (absolute, *absolute.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def _real(path: Path) -> Path:
    """Return ``path`` with its links resolved, as far as they resolve (a loop)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link loop: RuntimeError before Python 3.13
        return path.absolute()
