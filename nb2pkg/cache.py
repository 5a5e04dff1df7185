"""Work nb2pkg did in an earlier conversion, kept in the user's cache directory.

The steps that cost most of a conversion and depend only on text are kept:
each cell's statements as LibCST parsed them, with the names each binds and
reads (the ``facts`` store, keyed by the cell's source; ``nb2pkg.trees`` says
how trees are kept), the code LibCST writes for each pipeline step and black's
output for each piece of a file (the ``render`` store, keyed by what made them).
Converting a notebook again after editing one cell reuses them for everything
else. jinja2's compiled templates are kept in ``templates/`` beside them.

A store is one JSON file per conversion (named after its notebooks' paths, the
tool's version, black's, LibCST's and Python's). Each run rewrites it whole,
atomically, with only the entries that run used, so it never holds more than
one package's worth. A file that cannot be read is ignored; one that cannot
be written is skipped.
``NB2PKG_CACHE_DIR`` overrides the directory.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nb2pkg import __version__

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Return the directory of nb2pkg's cache."""
    given = os.environ.get("NB2PKG_CACHE_DIR")
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_cache_dir("nb2pkg", appauthor=False))


@functools.cache
def _version(distribution: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(distribution)
    except PackageNotFoundError:
        return ""


def key(text: str) -> str:
    """Return the cache key of ``text``."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(slots=True)
class Store:
    """One conversion's cached values of one kind; ``path`` None when disabled."""

    path: Path | None
    old: dict[str, object] = field(default_factory=dict)
    new: dict[str, object] = field(default_factory=dict)

    @classmethod
    def open(cls, kind: str, sources: Sequence[Path], *, enabled: bool) -> Store:
        """Return the store of ``kind`` for converting ``sources``."""
        if not enabled:
            return cls(None)
        # Which code parses, and how, depends on Python's version too; the
        # trees kept are LibCST's.
        python = ".".join(map(str, sys.version_info[:2]))
        versions = [__version__, _version("black"), _version("libcst"), python]
        scope = "\n".join([*versions, *sorted(str(p.resolve()) for p in sources)])
        path = cache_dir() / f"{kind}-{key(scope)[:24]}.json"
        try:
            old = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            old = {}
        return cls(path, old if isinstance(old, dict) else {})

    def get(self, name: str) -> object | None:
        """Return the value stored under ``name``, keeping it for the next run."""
        value = self.new.get(name, self.old.get(name))
        if value is not None:
            self.new[name] = value
        return value

    def put(self, name: str, value: object) -> None:
        """Store ``value`` under ``name``."""
        self.new[name] = value

    def save(self) -> None:
        """Write the entries this run used; skip quietly if that is not possible."""
        if self.path is None or self.new == self.old:
            return
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(json.dumps(self.new), encoding="utf-8")
            temporary.replace(self.path)
        except OSError as exc:
            log.debug("cannot write the cache %s: %r", self.path, exc)
            with contextlib.suppress(OSError):  # not there, or no folder to be in
                temporary.unlink()
