"""Work out which distributions the generated package needs from its imports."""

from __future__ import annotations

import functools
import importlib.metadata
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from nb2pkg.analyse.installs import read_requirement_lines
from nb2pkg.analyse.names import imported_modules
from nb2pkg.errors import Finding, Severity, finding
from nb2pkg.model import Install, Statement


@functools.cache
def import_name_table() -> dict[str, str]:
    """Return the shipped import-name -> distribution table (``import_names.tsv``)."""
    text = resources.files("nb2pkg").joinpath("import_names.tsv").read_text("utf-8")
    table: dict[str, str] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            name, dist = line.split("\t")
            table[name.strip()] = dist.strip()
    return table


@functools.cache
def _installed() -> dict[str, list[str]]:
    return dict(importlib.metadata.packages_distributions())


def distribution_for(module: str) -> str | None:
    """Return the distribution that provides ``module``, or None if none is known."""
    table = import_name_table()
    parts = module.split(".")
    for i in range(len(parts), 0, -1):  # most specific first: google.protobuf
        dotted = ".".join(parts[:i])
        if dotted in table:
            return table[dotted]
    dists = _installed().get(parts[0])
    return sorted(dists)[0] if dists else None


PLOT_EXTRA = "plot"
# Libraries for plotting and display: used only by run(), they go to the plot extra.
PLOT_ROOTS = frozenset(
    {
        "IPython", "altair", "bokeh", "folium", "graphviz", "holoviews", "hvplot",
        "ipywidgets", "matplotlib", "mpl_toolkits", "plotly", "plotnine", "pydot",
        "pylab", "seaborn", "wordcloud",
    }
)  # fmt: skip


# Modules a hosted notebook service provides, which no installer can: reported.
RUNTIME_ONLY = frozenset(
    {"google.colab", "kaggle_secrets", "kaggle_datasets", "js", "pyodide"}
)


def runtime_only(module: str) -> bool:
    """Return True for modules only a hosted notebook service provides (Colab...)."""
    return any(module == r or module.startswith(r + ".") for r in RUNTIME_ONLY)


@dataclass(frozen=True, slots=True)
class Dependencies:
    """The requirements of the package: core, and per extra."""

    core: tuple[str, ...]
    extras: tuple[tuple[str, tuple[str, ...]], ...]
    findings: tuple[Finding, ...]


def find_dependencies(
    package_code: Iterable[Statement],
    *,
    package: str,
    notebook_dir: Path,
    pipeline_code: Iterable[Statement] = (),
    installs: Iterable[Install] = (),
    pin: bool = False,
    recorded: Mapping[str, str] | None = None,
) -> Dependencies:
    """Return the requirements of the generated code, reconciled with the installs.

    Every import counts, at top level or inside a function. What the package's
    modules import is a dependency; what only run() imports for plotting goes to
    the plot extra. A requirement the notebook installed with a version
    (``%pip install pandas==2.1``) wins over the bare name inferred from
    ``import pandas``. ``recorded``: canonical name -> the version the notebook
    ran with (it showed ``pd.__version__``), a lower bound for a bare name.
    """
    findings: list[Finding] = []
    modules = [(m, s) for s in package_code for m in imported_modules(s, names=True)]
    plotting: list[tuple[str, Statement]] = []
    for s in pipeline_code:
        for m in imported_modules(s, names=True):
            (plotting if m.split(".")[0] in PLOT_ROOTS else modules).append((m, s))
    core = _inferred(modules, package, notebook_dir, findings)
    plot = {
        k: v
        for k, v in _inferred(plotting, package, notebook_dir, findings).items()
        if k not in core
    }
    for install in _explicit(installs, notebook_dir, findings):
        key = canonicalize_name(Requirement(install.text).name)
        if install.kind == "plot":
            if key not in core:
                plot.setdefault(key, install.text)
        elif key in core:
            core[key] = install.text
        elif key in plot:
            plot[key] = install.text
        else:
            core[key] = install.text
            note = (
                f"`{install.text}` is installed by the notebook but not imported by "
                "the package; kept as a dependency"
            )
            findings.append(
                finding(
                    "NBP404",
                    note,
                    cell=install.cell,
                    line=install.line,
                    severity=Severity.INFO,
                )
            )
    # run() draws what the notebook drew: its plotting libraries are needed by
    # ``python -m``, so they are dependencies, not an extra.
    core.update({k: v for k, v in plot.items() if k not in core})
    core = _bounded(core, pin=pin, recorded=recorded or {}, findings=findings)
    return Dependencies(_sorted(core), (), tuple(findings))


def _sorted(requirements: dict[str, str]) -> tuple[str, ...]:
    return tuple(requirements[k] for k in sorted(requirements))


def _inferred(
    modules: Iterable[tuple[str, Statement]],
    package: str,
    notebook_dir: Path,
    findings: list[Finding],
) -> dict[str, str]:
    """Return {canonical name: distribution} for ``(module, statement)`` pairs."""
    found: dict[str, str] = {}
    by_root: dict[str, list[tuple[str, Statement]]] = {}
    reported: set[str] = set()
    for module, statement in modules:
        root = module.split(".")[0]
        if runtime_only(module):
            service = ".".join(module.split(".")[:2]) if root == "google" else root
            if service not in reported:
                reported.add(service)
                note = (
                    f"`{service}` exists only on its notebook service, so no "
                    "dependency can provide it; guard its use"
                )
                findings.append(finding("NBP406", note, cell=statement.cell))
        elif root != package and root not in sys.stdlib_module_names:
            by_root.setdefault(root, []).append((module, statement))
    for root, uses in by_root.items():
        cell = uses[0][1].cell
        if (notebook_dir / f"{root}.py").is_file() or (notebook_dir / root).is_dir():
            note = (
                f"`{root}` is a local module beside the notebook: copy it into the "
                "package or publish it"
            )
            findings.append(finding("NBP401", note, cell=cell))
            continue
        dists = {d for m, _ in uses if (d := distribution_for(m)) is not None}
        if not dists:
            guess = root.replace("_", "-")
            note = f"no installed distribution provides `{root}`; assumed `{guess}`"
            findings.append(finding("NBP402", note, cell=cell, severity=Severity.INFO))
            dists = {guess}
        found.update((canonicalize_name(d), d) for d in dists)
    return found


def _explicit(
    installs: Iterable[Install], notebook_dir: Path, findings: list[Finding]
) -> list[Install]:
    """Return the installs as requirements, reading ``-r`` files beside the notebook."""
    out: list[Install] = []
    for install in installs:
        if install.kind != "file":
            out.append(install)
            continue
        path = notebook_dir / install.text
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            note = f"requirements file `{install.text}` not found beside the notebook"
            findings.append(
                finding("NBP403", note, cell=install.cell, line=install.line)
            )
            continue
        out.extend(
            Install(req, install.cell, install.line)
            for req in read_requirement_lines(text)
        )
    return out


def _bounded(
    core: dict[str, str],
    *,
    pin: bool,
    recorded: Mapping[str, str],
    findings: list[Finding],
) -> dict[str, str]:
    """Return the requirements pinned (``--pin``), else at least the versions
    the notebook ran with; one with a version stays as the author wrote it."""
    if pin:
        core = {k: _pinned(v, findings) for k, v in core.items()}
    return {k: _at_least(v, recorded.get(k)) for k, v in core.items()}


def _at_least(requirement: str, version: str | None) -> str:
    """Return a bare requirement with the version the notebook ran with as its
    lower bound; one with a version or a URL as it is."""
    parsed = Requirement(requirement)
    if version is None or parsed.specifier or parsed.url or parsed.marker:
        return requirement
    return f"{requirement}>={version}"


def _pinned(requirement: str, findings: list[Finding]) -> str:
    parsed = Requirement(requirement)
    if parsed.specifier or parsed.url:
        return requirement
    try:
        version = importlib.metadata.version(parsed.name)
    except importlib.metadata.PackageNotFoundError:
        note = f"`{parsed.name}` is not installed here, so it is not pinned"
        findings.append(finding("NBP405", note))
        return requirement
    extras = f"[{','.join(sorted(parsed.extras))}]" if parsed.extras else ""
    marker = f"; {parsed.marker}" if parsed.marker else ""
    return f"{parsed.name}{extras}=={version}{marker}"
