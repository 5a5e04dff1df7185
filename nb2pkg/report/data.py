"""Results as JSON, on stdout: ``--format json`` of every command."""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nb2pkg.api import CheckResult, Result
    from nb2pkg.errors import Finding
    from nb2pkg.model import Plan
    from nb2pkg.plan.table import CellRow


def convert_json(result: Result) -> str:
    """Return ``nb2pkg convert --format json``: package, files, changes, findings."""
    changes = result.changes
    data = {
        "package": result.plan.package,
        "output": str(result.output),
        "written": result.written,
        "files": [str(f.path) for f in result.files],
        "changes": None
        if changes is None
        else {
            "write": [str(f.path) for f in changes.write],
            "conflicts": [str(f.path) for f in changes.conflicts],
            "remove": [str(p) for p in changes.remove],
            "unchanged": [str(p) for p in changes.unchanged],
            "up_to_date": changes.up_to_date,
        },
        "findings": [finding_json(f) for f in result.findings],
    }
    return json.dumps(data, indent=2)


def plan_json(plan: Plan, rows: Sequence[CellRow]) -> str:
    """Return ``nb2pkg plan --format json``: the package, its cells and the findings."""
    data = {
        "package": plan.package,
        "cells": [dataclasses.asdict(row) for row in rows],
        "findings": [finding_json(f) for f in plan.findings],
    }
    return json.dumps(data, indent=2)


def check_json(results: Sequence[CheckResult], errors: Sequence[str]) -> str:
    """Return ``nb2pkg check --format json``: findings by notebook, and counts."""
    counts: Counter[str] = Counter(f.code for r in results for f in r.findings)
    data = {
        "notebooks": [
            {"path": str(r.path), "findings": [finding_json(f) for f in r.findings]}
            for r in results
        ],
        "errors": errors,
        "counts": dict(sorted(counts.items())),
    }
    return json.dumps(data, indent=2)


def finding_json(f: Finding) -> dict[str, object]:
    """Return one finding as JSON: where (its notebook, when several), what."""
    return {
        "code": f.code,
        "severity": f.severity.name.lower(),
        "message": f.message,
        "notebook": f.notebook or None,
        "cell": f.cell,
        "line": f.line,
    }
