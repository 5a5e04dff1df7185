"""Read ``[tool.nb2pkg]`` from the nearest pyproject.toml; the command line wins.

The nearest pyproject.toml is the first one found from the notebook's folder
upwards. Its keys are the long option names (``name``, ``mode``, ``layout``,
``template-dir``, ``tests``, ``pin``, ``output``, ``exclude``, and for ``check``
``select``, ``ignore``, ``no-outputs``, ``max-output-size``), plus
``extend-exclude`` (added to ``exclude``), ``modules`` and ``notebooks`` (the
package's notebooks, for a pre-commit hook given only the changed ones); paths
in it are relative to its folder. An unknown key or a value of the wrong type
is a one-line error.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from nb2pkg.errors import InputError
from nb2pkg.options import LAYOUTS, MODES, Options
from nb2pkg.read.directives import is_module_name

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

# key -> (Options field, expected type)
_KEYS: dict[str, tuple[str, type]] = {
    "name": ("name", str),
    "mode": ("mode", str),
    "layout": ("layout", str),
    "template-dir": ("template_dir", str),
    "tests": ("tests", bool),
    "pin": ("pin", bool),
    "cell-comments": ("cell_comments", bool),
    "modules": ("modules", dict),
    "output": ("output", str),
    "exclude": ("exclude", str),
    "extend-exclude": ("exclude", str),
    "select": ("select", list),
    "ignore": ("ignore", list),
    "no-outputs": ("no_outputs", bool),
    "max-output-size": ("max_output_bytes", int),
    "notebooks": ("", list),  # not an option: the inputs (``configured_notebooks``)
}
_PATHS = frozenset({"template_dir", "output"})


def find_config(start: Path) -> tuple[Path | None, dict[str, Any]]:
    """Return the nearest pyproject.toml from ``start`` up and its ``[tool.nb2pkg]``.

    Raises:
        InputError: that pyproject.toml is not valid TOML.
    """
    folder = start.resolve()
    for candidate in (
        folder / "pyproject.toml",
        *(p / "pyproject.toml" for p in folder.parents),
    ):
        if not candidate.is_file():
            continue
        try:
            data = tomllib.loads(candidate.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise InputError(
                f"cannot read its settings ({exc})", path=candidate
            ) from None
        tool = data.get("tool", {})
        table = tool.get("nb2pkg", {}) if isinstance(tool, dict) else {}
        return candidate, table if isinstance(table, dict) else {}
    return None, {}


def with_config(
    options: Options, notebook: Path, *, given: frozenset[str] = frozenset()
) -> Options:
    """Return ``options`` with the settings of the nearest ``[tool.nb2pkg]`` applied.

    Args:
        options: what the caller chose.
        notebook: the notebook (or folder) converted; the search starts in its
            folder (or in it).
        given: the Options fields the user set on the command line: they win.

    Raises:
        InputError: a key is unknown or a value has the wrong type.
    """
    path, table = find_config(notebook if notebook.is_dir() else notebook.parent)
    if path is None:
        return check_choices(options)
    changes: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            known = ", ".join(_KEYS)
            raise InputError(
                f"[tool.nb2pkg] has an unknown key {key!r}; known keys: {known}",
                path=path,
            )
        field, kind = _KEYS[key]
        if not isinstance(value, kind):
            raise InputError(
                f"[tool.nb2pkg] {key} must be a {kind.__name__}, not {value!r}",
                path=path,
            )
        if not field or field in given:
            continue
        changes[field] = _value(key, field, value, path, changes)
    return check_choices(replace(options, **changes), source=path)


def _value(
    key: str, field: str, value: Any, path: Path, changes: dict[str, Any]
) -> Any:
    """Return the Options value of one ``[tool.nb2pkg]`` setting."""
    if field == "modules":
        return _module_mapping(value, path)
    if field in _PATHS:
        return path.parent / str(value)
    if field in ("select", "ignore"):
        if not all(isinstance(code, str) for code in value):
            raise InputError(f"[tool.nb2pkg] {key} must list codes", path=path)
        return frozenset(code.strip().upper() for code in value)
    if key == "extend-exclude" and changes.get("exclude"):
        return f"(?:{changes['exclude']})|(?:{value})"
    if key == "exclude" and changes.get("exclude"):  # extend-exclude came first
        return f"(?:{value})|(?:{changes['exclude']})"
    return value


def configured_notebooks(start: Path) -> list[Path] | None:
    """Return the notebooks ``[tool.nb2pkg] notebooks`` names, if it does.

    Raises:
        InputError: the key is not a list of paths.
    """
    path, table = find_config(start)
    listed = table.get("notebooks")
    if path is None or listed is None:
        return None
    if not isinstance(listed, list) or not all(isinstance(p, str) for p in listed):
        raise InputError("[tool.nb2pkg] notebooks must list paths", path=path)
    return [path.parent / p for p in listed]


def _module_mapping(table: object, path: Path) -> tuple[tuple[str, str], ...]:
    """Return ``{"a.ipynb": "data.load"}`` as pairs, checking each module name."""
    assert isinstance(table, dict)  # checked against _KEYS
    pairs = []
    for notebook, module in table.items():
        if not isinstance(module, str) or not is_module_name(module):
            raise InputError(
                f"[tool.nb2pkg.modules] {notebook!r} = {module!r} is not a module "
                "name nb2pkg may write",
                path=path,
            )
        pairs.append((notebook, module))
    return tuple(pairs)


def check_choices(options: Options, *, source: Path | None = None) -> Options:
    """Return ``options`` if its mode and layout are known values.

    Raises:
        InputError: they are not.
    """
    if options.mode is not None and options.mode not in MODES:
        raise InputError(
            f"mode must be one of {', '.join(MODES)}, not {options.mode!r}", path=source
        )
    if options.template_dir is not None and not options.template_dir.is_dir():
        raise InputError(
            f"the template folder {options.template_dir} does not exist; fix "
            "template-dir (or --template-dir), or remove it to use the built-in "
            "templates",
            path=source,
        )
    if options.layout not in LAYOUTS:
        raise InputError(
            f"layout must be one of {', '.join(LAYOUTS)}, not {options.layout!r}",
            path=source,
        )
    return options


def package_inputs(given: list[Path], *, start: Path) -> tuple[list[Path], list[Path]]:
    """Return the notebooks to work on, and those given that are left out.

    Without ``[tool.nb2pkg] notebooks`` they are the notebooks given. With it,
    nothing given means the notebooks it names, and so does any one of them
    given: a pre-commit hook passes only the changed notebooks, and the whole
    package is checked. Others given with them are left out. The config is
    looked for from the first notebook given, else from ``start``.

    Raises:
        InputError: nothing given, and no config names notebooks.
    """
    first = given[0] if given else start
    listed = configured_notebooks(first if first.is_dir() else first.parent)
    if listed is None:
        if not given:
            raise InputError(
                "no notebook given: name notebooks or folders, or list them in "
                "[tool.nb2pkg] notebooks of pyproject.toml"
            )
        return given, []
    if not given:
        return listed, []
    package = [p.resolve() for p in listed]

    def ours(path: Path) -> bool:
        real = path.resolve()
        return any(real == p or p in real.parents for p in package)

    if not any(ours(p) for p in given):
        return given, []
    return listed, [p for p in given if not ours(p)]
