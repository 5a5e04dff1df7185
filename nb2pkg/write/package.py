"""Write a package: a new one whole, or an existing one file by file."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from nb2pkg.errors import OutputExistsError
from nb2pkg.model import RenderedFile
from nb2pkg.write.lock import output_lock
from nb2pkg.write.manifest import (
    Changes,
    Record,
    apply_changes,
    foreign_files,
    has_manifest,
    plan_changes,
    read_record,
)
from nb2pkg.write.tree import write_tree


def write_package(
    files: tuple[RenderedFile, ...],
    output: Path,
    *,
    keep: Sequence[Path],
    force: bool,
    check_only: bool,
    dry_run: bool,
) -> Changes | None:
    """Write a new package whole, or update one file by file.

    A folder that exists and holds something is updated in place: a package
    nb2pkg generated (its manifest says which files are nb2pkg's), or, with
    ``force``, a folder that holds nothing but files nb2pkg would write. No
    file nb2pkg did not write is ever removed or overwritten. Files in ``keep``
    (the notebooks) are never written over. Return the changes of an update
    (None for a new package, or a dry run). While it writes, it holds the
    folder's lock: a second conversion into it at the same time refuses.
    """
    write = functools.partial(
        _write, files, output, keep=keep, force=force, check_only=check_only
    )
    if check_only or dry_run:
        return write(dry_run=dry_run)
    with output_lock(output):
        return write(dry_run=False)


def _write(
    files: tuple[RenderedFile, ...],
    output: Path,
    *,
    keep: Sequence[Path],
    force: bool,
    check_only: bool,
    dry_run: bool,
) -> Changes | None:
    if not output.exists():
        if check_only:
            return Changes(write=files, conflicts=(), remove=(), kept=(), unchanged=())
        if not dry_run:
            write_tree(files, output, keep=keep)
        return None
    try:
        record = read_record(output) if has_manifest(output) else None
    except OutputExistsError:
        if not force:
            raise
        record = None  # unreadable: nothing is known to be nb2pkg's
    if record is None:
        foreign = foreign_files(output, files)
        if foreign:
            shown = ", ".join(foreign[:5]) + (", ..." if len(foreign) > 5 else "")
            raise OutputExistsError(
                f"{output} is not a package nb2pkg generated and holds files it did "
                f"not write ({shown}); nb2pkg never removes or replaces those, even "
                "with --force: choose another --output, or move them away"
            )
    changes = plan_changes(files, output, record=record or Record({}), force=force)
    if not (check_only or dry_run):
        apply_changes(changes, output)
    return None if dry_run else changes
