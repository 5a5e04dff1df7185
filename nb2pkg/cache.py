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
``NB2PKG_CACHE_DIR`` and ``NB2PKG_CONFIG_DIR`` override the directories.
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
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from nb2pkg._version import __version__

log = logging.getLogger(__name__)


def cache_dir() -> Path:
    """Return the directory of nb2pkg's cache."""
    given = os.environ.get("NB2PKG_CACHE_DIR")
    if given:
        return Path(given)
    import platformdirs

    return Path(platformdirs.user_cache_dir("nb2pkg", appauthor=False))


def config_dir() -> Path:
    """Return the directory of nb2pkg's own settings (the cache's key)."""
    given = os.environ.get("NB2PKG_CONFIG_DIR")
    if given:
        return Path(given)
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


@dataclass(slots=True)
class Store:
    """One conversion's cached values of one kind; ``path`` None when disabled.

    ``problem`` says why the store on disk was not used (its signature did not
    match, it was unreadable), or is empty.
    """

    path: Path | None
    old: dict[str, object] = field(default_factory=dict)
    new: dict[str, object] = field(default_factory=dict)
    signing: bytes = b""
    problem: str = ""

    @classmethod
    def open(
        cls,
        kind: str,
        sources: Sequence[Path],
        *,
        enabled: bool,
        signing: bytes | None = None,
    ) -> Store:
        """Return the store of ``kind`` for converting ``sources``.

        ``signing`` is the key that signs the store (default: ``signing_key()``);
        without one the store is disabled.
        """
        if enabled and signing is None:
            signing = signing_key()
        if not enabled or not signing:
            return cls(None)
        # Which code parses, and how, depends on Python's version too; the
        # trees kept are LibCST's.
        python = ".".join(map(str, sys.version_info[:2]))
        versions = [__version__, _version("black"), _version("libcst"), python]
        scope = "\n".join([*versions, *sorted(os.path.realpath(p) for p in sources)])
        path = cache_dir() / f"{kind}-{key(scope)[:24]}.json"
        try:
            raw = path.read_bytes()
        except OSError:
            return cls(path, signing=signing)  # none yet, or unreadable: afresh
        old, problem = _verified(raw, signing)
        if problem:
            problem = f"the cache file {path} {problem}; it was ignored"
        return cls(path, old, signing=signing, problem=problem)

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
        """Write the entries this run used, signed; skip quietly if that fails."""
        if self.path is None or (self.new == self.old and not self.problem):
            return
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        payload = json.dumps(self.new).encode("utf-8", "surrogatepass")
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
