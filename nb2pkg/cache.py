"""Work nb2pkg did in an earlier conversion, kept in the user's cache directory.

The steps that cost most of a conversion and depend only on text are kept:
each cell's statements as LibCST parsed them, with the names each binds and
reads (the ``facts`` store, keyed by the cell's source; ``nb2pkg.trees`` says
how trees are kept), the code LibCST writes for each pipeline step and black's
output for each piece of a file (the ``render`` store, keyed by what made them).
Converting a notebook again after editing one cell reuses them for everything
else.

A store is one JSON file per conversion (named after its notebooks' paths, the
tool's version, black's, LibCST's and Python's). Each run rewrites it whole,
atomically, with only the entries that run used, so it never holds more than
one package's worth. One that cannot be written is skipped.

What the cache holds becomes the package's code, and a cache folder can be
shared, restored from a CI cache or written by others: it is untrusted. Each
store is signed (HMAC-SHA256) with a key kept apart from it, in nb2pkg's
config directory, readable by its owner only; a store whose signature does
not match, or that cannot be read, is ignored (``problem`` says why) and the
conversion runs cold. Without a usable key nothing is cached.

Caching is explicit: ``nb2pkg.api`` opens the stores and saves them; a stage
is given the entries of the last run as a read-only mapping and hands back the
entries of this one (what it used and what it found) as data, working with a
``Memo`` of its own meanwhile. The library reads no environment: the command
line passes ``NB2PKG_CACHE_DIR`` and ``NB2PKG_CONFIG_DIR`` in as the folders.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import json
import logging
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nb2pkg._version import __version__

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Return the user's directory for nb2pkg's cache."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("nb2pkg", appauthor=False))


def config_dir() -> Path:
    """Return the user's directory for nb2pkg's own settings (the cache's key)."""
    import platformdirs

    return Path(platformdirs.user_config_dir("nb2pkg", appauthor=False))


_KEY_FILE = "cache.key"
_HEADER = b"nb2pkg-cache-v1 "  # then the signature in hex, a newline, the JSON


def signing_key(folder: Path | None = None) -> bytes | None:
    """Return the key that signs the cache, made on first use; None if unusable.

    The key is 32 random bytes in ``folder`` (nb2pkg's config directory), a
    file only its owner may read or write. A key file someone else owns, or
    others may write, is not used.
    """
    path = (folder or config_dir()) / _KEY_FILE
    try:
        if not path.exists():
            _make_key(path)
        info = path.stat()
        if hasattr(os, "getuid") and (
            info.st_uid != os.getuid() or info.st_mode & 0o022
        ):
            log.debug("the cache key %s is not the user's own; no cache", path)
            return None
        key_bytes = bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError) as exc:
        log.debug("no cache key at %s: %r", path, exc)
        return None
    return key_bytes if len(key_bytes) == 32 else None


def _make_key(path: Path) -> None:
    """Write a new key at ``path``, unless another process just did."""
    import secrets

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)  # never replaces a key another run made
    finally:
        temporary.unlink()


def _signature(key_bytes: bytes, payload: bytes) -> str:
    return hmac.new(key_bytes, payload, hashlib.sha256).hexdigest()


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


class Memo:
    """What one stage works out as it goes, by key: the entries of the last
    run (read-only, never changed) and, in ``entries``, those of this run.

    A stage makes its own and returns ``entries``: every entry it used, old or
    new, which is what the next run's store should hold.
    """

    __slots__ = ("_known", "entries")

    def __init__(self, known: Mapping[str, object] | None = None) -> None:
        self._known: Mapping[str, object] = known or {}
        self.entries: dict[str, object] = {}

    def get(self, name: str) -> object | None:
        """Return the value kept under ``name``, keeping it for the next run."""
        value = self.entries.get(name, self._known.get(name))
        if value is not None:
            self.entries[name] = value
        return value

    def put(self, name: str, value: object) -> None:
        """Keep ``value`` under ``name``."""
        self.entries[name] = value


@dataclass(frozen=True, slots=True)
class Store:
    """The cache file of one kind for one conversion; ``path`` None when disabled.

    ``entries`` are what the last run saved. ``problem`` says why the file on
    disk was not used (its signature did not match, it was unreadable), or is
    empty.
    """

    path: Path | None
    entries: Mapping[str, object] = field(default_factory=dict)
    signing: bytes = b""
    problem: str = ""

    @classmethod
    def open(
        cls,
        kind: str,
        sources: Sequence[Path],
        *,
        folder: Path | None,
        keys: Path | None = None,
        signing: bytes | None = None,
    ) -> Store:
        """Return the store of ``kind`` for converting ``sources``.

        Args:
            kind: what the store keeps (``facts``, ``render``).
            sources: the notebooks converted.
            folder: the cache directory; None disables the store.
            keys: the folder of the signing key (default: ``config_dir()``).
            signing: the key itself (default: read from ``keys``); without
                one the store is disabled.
        """
        if folder is not None and signing is None:
            signing = signing_key(keys)
        if folder is None or not signing:
            return cls(None)
        # Which code parses, and how, depends on Python's version too; the
        # trees kept are LibCST's.
        python = ".".join(map(str, sys.version_info[:2]))
        versions = [__version__, _version("black"), _version("libcst"), python]
        scope = "\n".join([*versions, *sorted(os.path.realpath(p) for p in sources)])
        path = folder / f"{kind}-{key(scope)[:24]}.json"
        try:
            raw = path.read_bytes()
        except OSError:
            return cls(path, signing=signing)  # none yet, or unreadable: afresh
        old, problem = _verified(raw, signing)
        if problem:
            problem = f"the cache file {path} {problem}; it was ignored"
        return cls(path, old, signing=signing, problem=problem)

    def save(self, entries: Mapping[str, object]) -> None:
        """Write ``entries`` (this run's), signed; skip quietly if that fails."""
        if self.path is None or (entries == self.entries and not self.problem):
            return
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        payload = json.dumps(dict(entries)).encode("utf-8", "surrogatepass")
        header = _HEADER + _signature(self.signing, payload).encode("ascii") + b"\n"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(header + payload)
            temporary.replace(self.path)
        except OSError as exc:
            log.debug("cannot write the cache %s: %r", self.path, exc)
            with contextlib.suppress(OSError):  # not there, or no folder to be in
                temporary.unlink()


def _verified(raw: bytes, key_bytes: bytes) -> tuple[dict[str, object], str]:
    """Return the entries of a signed store, or ({}, what is wrong with it)."""
    header, _, payload = raw.partition(b"\n")
    if not header.startswith(_HEADER):
        return {}, "is not one nb2pkg signed"
    signature = header[len(_HEADER) :].decode("ascii", "replace")
    if not hmac.compare_digest(signature, _signature(key_bytes, payload)):
        return {}, "does not match its signature (changed since nb2pkg wrote it)"
    try:
        entries = json.loads(payload.decode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError):
        return {}, "cannot be read"
    if not isinstance(entries, dict):
        return {}, "cannot be read"
    return entries, ""
