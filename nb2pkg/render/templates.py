"""The templates: found in nb2pkg's folder or the user's, filled in a sandbox."""

from __future__ import annotations

import json
import stat
from collections.abc import Callable, Mapping, Sequence
from importlib import resources
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from nb2pkg.errors import InputError, TemplateError
from nb2pkg.render.extract import docstring_text


def builtin_templates() -> Path:
    """Return the directory of the templates shipped with nb2pkg.

    Installed, they are inside the package; in a source checkout (an editable
    install imports from there) they are in the top-level ``templates/``.
    """
    shipped = Path(str(resources.files("nb2pkg"))) / "templates"
    if shipped.is_dir():
        return shipped
    return Path(__file__).resolve().parents[2] / "templates"


class ConfinedLoader(jinja2.BaseLoader):
    """Load templates from folders, never from outside them.

    A template folder may come with a notebook (``template-dir`` in a cloned
    repository's pyproject.toml), so it is untrusted: a name with ``..``, a
    link leading out of the folder, or anything that is not a regular file
    (a FIFO would block) is not a template.
    """

    def __init__(self, folders: Sequence[Path]) -> None:
        self.folders = [folder.resolve() for folder in folders]

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        """Return the text of ``template`` from the first folder that has it."""
        pieces = split_template_path(template)  # refuses ".." itself
        for folder in self.folders:
            path = folder.joinpath(*pieces)
            try:
                real = path.resolve()
                if not real.is_relative_to(folder) or not stat.S_ISREG(
                    real.stat().st_mode
                ):
                    continue
                text = real.read_text(encoding="utf-8")
            except (OSError, RuntimeError, ValueError):
                continue  # absent, a link loop, unreadable: not a template here
            return text, str(real), lambda: True  # one environment per conversion
        raise jinja2.TemplateNotFound(template)


def environment(template_dir: Path | None) -> jinja2.Environment:
    """Return the sandboxed jinja2 environment of the templates.

    User templates may change text, never run code: the sandbox refuses
    attributes such as ``__globals__`` and calls that change objects, so a
    template that tries is a ``TemplateError``. Compiled templates are not
    cached: jinja2 keeps them as marshalled Python code, which would run from
    a folder others may write.
    """
    folders = [builtin_templates()]
    if template_dir is not None:
        folders.insert(0, template_folder(template_dir))
    env = ImmutableSandboxedEnvironment(  # noqa: S701 - renders code and TOML, not HTML
        loader=ConfinedLoader(folders),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        autoescape=False,
    )
    env.filters["toml"] = toml_string
    env.filters["pystr"] = lambda s: json.dumps(str(s), ensure_ascii=False)
    env.filters["docstring"] = docstring_text
    return env


def template_folder(folder: Path) -> Path:
    """Return ``folder`` if it is a folder of templates.

    Raises:
        InputError: it is not a folder (a typo would silently use the built-in
            templates).
    """
    if not folder.is_dir():
        raise InputError(
            f"the template folder {folder} does not exist; fix template-dir "
            "(or --template-dir), or remove it to use the built-in templates"
        )
    return folder


def toml_string(value: object) -> str:
    """Return ``value`` as a TOML basic string.

    TOML forbids control characters (U+0000-U+001F, U+007F) in strings, which
    ``json.dumps`` leaves raw for U+007F: every one is escaped as ``\\uXXXX``.
    """
    out = []
    for ch in str(value):
        if ch in ('"', "\\"):
            out.append("\\" + ch)
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def fill(env: jinja2.Environment, name: str, context: Mapping[str, object]) -> str:
    """Return template ``name`` filled with ``context``; its faults are the user's."""
    try:
        return env.get_template(name).render(context)
    except jinja2.TemplateSyntaxError as exc:
        raise TemplateError(
            f"template {exc.name or name}, line {exc.lineno}: {exc.message}"
        ) from None
    except SecurityError as exc:
        raise TemplateError(
            f"template {name} tried something templates may not do ({exc}); "
            "templates fill in text and cannot run code: fix or remove it"
        ) from None
    except jinja2.TemplateError as exc:
        raise TemplateError(f"template {name}: {exc}") from None
