"""One writer per package: a second conversion into the same folder refuses.

The lock is a file in the user's runtime directory (``platformdirs``), named
after the package folder (nothing is left beside the package, and nothing in
the cache), held with ``flock`` while files are
written; the system frees it when the process ends, however it ends. Where
``flock`` does not exist (Windows), writing is not locked.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

from nb2pkg.errors import OutputExistsError


@contextlib.contextmanager
def output_lock(target: Path) -> Iterator[None]:
    """Hold the lock of the package folder ``target`` while the block runs.

    Raises:
        OutputExistsError: another nb2pkg is writing that folder now.
    """
    if sys.platform == "win32":  # pragma: no cover - no flock there
        yield
        return
    import fcntl

    name = hashlib.sha256(str(target.resolve()).encode("utf-8", "replace")).hexdigest()
    import platformdirs

    with warnings.catch_warnings():  # no XDG_RUNTIME_DIR: it falls back, says so
        warnings.simplefilter("ignore")
        folder = Path(platformdirs.user_runtime_dir("nb2pkg", appauthor=False))
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(
            folder / f"{name[:24]}.lock", os.O_RDWR | os.O_CREAT, 0o600
        )
    except OSError:
        yield  # no runtime folder to lock in: write unlocked, as before
        return
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise OutputExistsError(
                f"another nb2pkg is writing {target} now; let it finish, then run "
                "this again"
            ) from None
        yield
    finally:
        os.close(descriptor)  # closing releases the lock
