"""Record what nb2pkg wrote, and update a package without losing the user's edits.

The manifest (``.nb2pkg.json`` in the package) holds the source notebook's name and
SHA-256, the tool version, and the SHA-256 of every file nb2pkg generated. Converting
again into that package rewrites a file only if nb2pkg's output changed and the file
on disk is still what nb2pkg wrote; a file the user edited is kept, and the new
version is written beside it as ``<name>.new``. Generated files that no longer have a
source are removed unless edited; files nb2pkg did not generate are never touched.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from nb2pkg.errors import OutputExistsError
from nb2pkg.model import RenderedFile
from nb2pkg.options import PackageLayout

MANIFEST = PurePosixPath(".nb2pkg.json")
TESTS = "tests"  # the folder of generated tests, which ``nb2pkg tests`` rewrites


def sha256(data: str | bytes) -> str:
    """Return the hex SHA-256 of ``data`` (text is encoded as UTF-8)."""
    return hashlib.sha256(
        data.encode("utf-8") if isinstance(data, str) else data
    ).hexdigest()


def manifest_file(
    files: Sequence[RenderedFile],
    *,
    sources: Sequence[tuple[str, str]],
    version: str,
    keep: dict[str, str] | None = None,
) -> RenderedFile:
    """Return the manifest recording ``files`` as generated from ``sources``.

    ``sources`` are the notebooks' file names and the sha256 of their bytes;
    ``keep`` are records of files generated before, kept as they were.
    """
    recorded = dict(keep or {})
    recorded.update((str(f.path), sha256(f.text)) for f in files if f.path != MANIFEST)
    record = {
        "generator": "nb2pkg",
        "version": version,
        "sources": [{"notebook": name, "sha256": sha} for name, sha in sources],
        "files": dict(sorted(recorded.items())),
    }
    return RenderedFile(MANIFEST, json.dumps(record, indent=2, sort_keys=True) + "\n")


def has_manifest(target: Path) -> bool:
    """Return True if ``target`` is a package nb2pkg generated."""
    return (target / MANIFEST).is_file()


def generated_package(target: Path) -> tuple[str, PackageLayout] | None:
    """Return the (import name, layout) of the package nb2pkg generated at ``target``.

    None if ``target`` has no manifest, or it names no package ``__init__.py``.
    """
    if not has_manifest(target):
        return None
    for name in sorted(read_record(target).files, key=lambda n: n.count("/")):
        parts = PurePosixPath(name).parts
        if parts[-1] != "__init__.py" or _in_folder(name, TESTS):
            continue
        if len(parts) == 3 and parts[0] == "src":
            return parts[1], "src"
        if len(parts) == 2:
            return parts[0], "flat"
    return None


def recorded_files(target: Path, *, outside: str) -> dict[str, str]:
    """Return the manifest's records of the files not in folder ``outside``."""
    return {
        name: digest
        for name, digest in read_record(target).files.items()
        if not _in_folder(name, outside)
    }


def _in_folder(name: str, folder: str) -> bool:
    """Return True if the recorded file ``name`` is in the top-level ``folder``."""
    return PurePosixPath(name).parts[0] == folder


@dataclass(frozen=True, slots=True)
class Record:
    """What a package's manifest says nb2pkg wrote.

    The manifest sits in a folder others may have written (a cloned repository),
    so its paths are untrusted: ``refused`` are those that do not name a file
    inside the package (absolute, with ``..``, through a link), which nb2pkg
    neither reads, rewrites nor removes.
    """

    files: dict[str, str]  # relative path -> sha256
    refused: tuple[str, ...] = ()


def read_record(target: Path) -> Record:
    """Return the manifest of the package at ``target``, its unsafe paths refused.

    Raises:
        OutputExistsError: the manifest cannot be read.
    """
    try:
        record = json.loads((target / MANIFEST).read_text(encoding="utf-8"))
        files = record["files"]
        if not isinstance(files, dict):
            raise TypeError(type(files).__name__)
    except (OSError, ValueError, KeyError, TypeError):
        raise OutputExistsError(
            f"{target / MANIFEST} is unreadable, so nb2pkg cannot tell your edits from "
            "its own files; fix or delete it (--force then overwrites only the files "
            "nb2pkg writes)"
        ) from None
    kept: dict[str, str] = {}
    refused: list[str] = []
    for name, digest in files.items():
        if isinstance(digest, str) and inside(target, name):
            kept[str(PurePosixPath(name))] = digest
        else:
            refused.append(str(name))
    return Record(kept, tuple(refused))


def inside(target: Path, name: object) -> bool:
    """Return True if ``name`` is a relative path to a file place inside ``target``.

    No absolute path, no ``..``, no backslash or NUL, and no link on the way
    (below ``target``): a link may lead anywhere.
    """
    if not isinstance(name, str) or not name or "\\" in name or "\0" in name:
        return False
    path = PurePosixPath(name)
    if path.is_absolute() or any(part in ("..", ".") for part in name.split("/")):
        return False
    if ":" in path.parts[0]:  # a drive, on Windows
        return False
    here = target
    for part in path.parts:
        here = here / part
        if here.is_symlink():
            return False
    return True


@dataclass(frozen=True, slots=True)
class Changes:
    """What updating a generated package would do."""

    write: tuple[RenderedFile, ...]  # new, or changed and not edited by the user
    conflicts: tuple[RenderedFile, ...]  # changed, but the user edited the file
    remove: tuple[PurePosixPath, ...]  # generated before, no source now, not edited
    kept: tuple[PurePosixPath, ...]  # generated before, no source now, edited
    unchanged: tuple[PurePosixPath, ...]
    overwritten: tuple[PurePosixPath, ...] = ()  # edited, replaced with --force
    refused: tuple[str, ...] = ()  # manifest paths not inside the package

    @property
    def up_to_date(self) -> bool:
        """Return True if the package already matches the notebook."""
        return not (self.write or self.conflicts or self.remove)

    @property
    def written(self) -> tuple[RenderedFile, ...]:
        """Return the package files written (the manifest aside)."""
        return tuple(f for f in self.write if f.path != MANIFEST)


def plan_changes(
    files: Sequence[RenderedFile],
    target: Path,
    *,
    scope: str = "",
    force: bool = False,
    record: Record | None = None,
) -> Changes:
    """Return what updating the package at ``target`` to ``files`` would do.

    With ``scope`` (a folder), only the files generated in it are considered:
    the others are neither rewritten nor removed. With ``force``, a file the
    user edited is overwritten (and named) instead of kept. ``record`` is the
    package's manifest (read from ``target`` if not given).

    Raises:
        OutputExistsError: the manifest is unreadable, or a file nb2pkg writes
            is reached through a link.
    """
    record = record if record is not None else read_record(target)
    recorded = record.files
    if scope:
        recorded = {n: d for n, d in recorded.items() if _in_folder(n, scope)}
    write: list[RenderedFile] = []
    conflicts: list[RenderedFile] = []
    overwritten: list[PurePosixPath] = []
    unchanged: list[PurePosixPath] = []
    manifest: list[RenderedFile] = []
    for file in files:
        path = _writable(target, file)
        new = sha256(file.text)
        on_disk = sha256(path.read_bytes()) if path.is_file() else None
        before = recorded.get(str(file.path))
        if file.path == MANIFEST:
            manifest.extend([file] if on_disk != new else [])
        elif on_disk == new:
            unchanged.append(file.path)
        elif on_disk is None or on_disk == before:
            write.append(file)  # new, deleted, or still as nb2pkg wrote it
        elif force:
            write.append(file)
            overwritten.append(file.path)
        elif _pending(path):
            conflicts.append(file)  # the .new of an earlier run is not merged yet
        elif new == before:
            unchanged.append(file.path)  # the user's edit stands; nb2pkg's is the same
        else:
            conflicts.append(file)
    remove, kept = _no_longer_generated(recorded, files, target)
    # The manifest is nb2pkg's own record: rewritten, last, whenever it changes.
    return Changes(
        (*write, *manifest),
        tuple(conflicts),
        tuple(remove),
        tuple(kept),
        tuple(unchanged),
        tuple(overwritten),
        record.refused,
    )


def _pending(path: Path) -> bool:
    """Return True while the ``.new`` of an unresolved conflict is beside ``path``."""
    return path.with_name(path.name + ".new").is_file()


def _writable(target: Path, file: RenderedFile) -> Path:
    """Return where ``file`` goes below ``target``; refuse a path through a link."""
    if not inside(target, str(file.path)):
        raise OutputExistsError(
            f"{target / file.path} is reached through a link; nb2pkg writes only "
            "inside the package folder: remove the link"
        )
    return target.joinpath(*file.path.parts)


def _no_longer_generated(
    recorded: dict[str, str], files: Sequence[RenderedFile], target: Path
) -> tuple[list[PurePosixPath], list[PurePosixPath]]:
    """Return the recorded files no longer generated: to remove, and edited (kept)."""
    current = {str(f.path) for f in files}
    remove: list[PurePosixPath] = []
    kept: list[PurePosixPath] = []
    for name, digest in sorted(recorded.items()):
        path = target / name
        if name in current or not path.is_file():
            continue
        (remove if sha256(path.read_bytes()) == digest else kept).append(
            PurePosixPath(name)
        )
    return remove, kept


def foreign_files(target: Path, files: Sequence[RenderedFile]) -> list[str]:
    """Return what ``target`` holds besides the ``files`` nb2pkg would write there.

    Folders count as a whole (``.git/``); the ``.new`` files of a conflict are
    the user's to resolve, so they count too.
    """
    ours = {str(f.path) for f in files}
    folders = {str(parent) for f in files for parent in f.path.parents}
    found: list[str] = []
    pending = [target]
    while pending:
        folder = pending.pop()
        for entry in sorted(folder.iterdir()):
            name = entry.relative_to(target).as_posix()
            if entry.is_dir() and not entry.is_symlink() and name in folders:
                pending.append(entry)
            elif name not in ours or entry.is_symlink():
                found.append(name + ("/" if entry.is_dir() else ""))
    return sorted(found)


def apply_changes(changes: Changes, target: Path) -> None:
    """Write the changes: each file atomically, the user's edits never overwritten."""
    try:
        for file in changes.write:
            _write_atomic(target.joinpath(*file.path.parts), file.text)
        for file in changes.conflicts:
            mine = target.joinpath(*file.path.parts)
            _write_atomic(mine.with_name(mine.name + ".new"), file.text)
        for stale in changes.remove:
            target.joinpath(*stale.parts).unlink()
    except OSError as exc:
        raise OutputExistsError(
            f"cannot update {target} ({exc.strerror or exc}); check the permissions"
        ) from None


def conflict_diffs(
    changes: Changes, target: Path, *, every: bool = False
) -> tuple[str, ...]:
    """Return a unified diff, per conflict, from the user's file to nb2pkg's;
    with ``every``, for each file an update would write too (the manifest aside)."""
    diffs = []
    files = [*changes.conflicts, *(changes.written if every else ())]
    for file in files:
        path = target.joinpath(*file.path.parts)
        if not path.is_file():
            mine: list[str] = []
        else:
            mine = path.read_text(encoding="utf-8", errors="replace").splitlines(True)
        theirs = file.text.splitlines(True)
        name = str(file.path)
        diffs.append(
            "".join(difflib.unified_diff(mine, theirs, f"{name} (yours)", name))
        )
    return tuple(diffs)


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.nb2pkg-{os.getpid()}.tmp")
    try:
        with temporary.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
        temporary.replace(path)
    finally:
        if temporary.exists():
            temporary.unlink()
