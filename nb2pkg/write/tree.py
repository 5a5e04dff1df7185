"""Write the rendered package atomically: all of it, or nothing."""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Sequence
from pathlib import Path

from nb2pkg.errors import OutputExistsError
from nb2pkg.model import RenderedFile
from nb2pkg.write.manifest import has_manifest


def check_target(target: Path, *, force: bool, keep: Sequence[Path] = ()) -> None:
    """Raise ``OutputExistsError`` unless the package may be written at ``target``.

    Args:
        target: the package directory.
        force: allow writing into a non-empty directory that is not a package
            nb2pkg generated (only if it holds nothing but nb2pkg's files, which
            is known once they are rendered).
        keep: files that must survive (the notebooks): never inside ``target``.
    """
    if target.exists() and not target.is_dir():
        raise OutputExistsError(
            f"{target} is a file, not a directory; choose another --output"
        )
    resolved = target.resolve()
    for path in keep:
        if resolved in path.resolve().parents:
            raise OutputExistsError(
                f"{target} holds the notebook {path.name}; writing there would "
                "replace it, "
                "so choose another --output"
            )
    generated = has_manifest(target)  # updated in place, edits kept
    if target.is_dir() and not force and not generated and any(target.iterdir()):
        raise OutputExistsError(
            f"{target} exists, is not empty and is not a package nb2pkg generated; "
            "choose another --output (--force writes into it only if it holds "
            "nothing but the files nb2pkg writes)"
        )


def write_tree(
    files: Sequence[RenderedFile],
    target: Path,
    *,
    keep: Sequence[Path] = (),
) -> None:
    """Write ``files`` as the new folder ``target`` (absent, or empty), whole.

    The tree is built in a hidden directory beside ``target`` and renamed into
    place, so an error or Ctrl-C leaves either nothing or the whole package.
    A folder with anything in it is never replaced: it is updated file by file
    (``nb2pkg.manifest``).
    """
    check_target(target, force=False, keep=keep)
    if target.is_dir() and any(target.iterdir()):
        raise OutputExistsError(f"{target} is not empty; nothing was written")
    target = target.resolve()  # ``-o .``: the folder has a name and a parent
    parent = target.parent
    token = f"{os.getpid()}-{secrets.token_hex(4)}"
    staging = parent / f".{target.name}.nb2pkg-{token}.tmp"
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir()
        for file in files:
            path = staging.joinpath(*file.path.parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("w", encoding="utf-8", newline="\n") as handle:
                handle.write(file.text)
        _move_in(staging, target)
    except OSError as exc:
        raise OutputExistsError(
            f"cannot write {target} ({exc.strerror or exc}); "
            "check the path and permissions"
        ) from None
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)


def _move_in(staging: Path, target: Path) -> None:
    """Make the staged tree ``target``: renamed whole, or into an empty folder."""
    if not target.exists():
        staging.rename(target)
        return
    # An empty folder that exists stays (it may be the shell's current folder):
    # what was staged moves into it, entry by entry.
    for entry in sorted(staging.iterdir()):
        entry.rename(target / entry.name)
