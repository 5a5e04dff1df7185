"""nb2pkg: turn Jupyter notebooks into installable, tested Python packages.

The public API is ``convert``, ``Options``, ``Result``, ``Finding``, ``Severity`` and
``Nb2PkgError``; they are imported on first use, so ``nb2pkg --help`` stays fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from nb2pkg._version import __version__

if TYPE_CHECKING:
    from nb2pkg.api import CheckResult, Result, check, convert
    from nb2pkg.errors import Finding, Nb2PkgError, Severity
    from nb2pkg.options import Options

__all__ = [
    "CheckResult",
    "Finding",
    "Nb2PkgError",
    "Options",
    "Result",
    "Severity",
    "__version__",
    "check",
    "convert",
]

_LAZY = {
    "convert": "nb2pkg.api",
    "check": "nb2pkg.api",
    "CheckResult": "nb2pkg.api",
    "Result": "nb2pkg.api",
    "Finding": "nb2pkg.errors",
    "Nb2PkgError": "nb2pkg.errors",
    "Severity": "nb2pkg.errors",
    "Options": "nb2pkg.options",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'nb2pkg' has no attribute {name!r}")
