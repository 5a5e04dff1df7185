"""Render the plan into the package's files: jinja2 templates, then black."""

from __future__ import annotations

import json
import logging
import stat
import sys
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path, PurePosixPath
from typing import Any

import jinja2
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import ImmutableSandboxedEnvironment

from nb2pkg.cache import Store
from nb2pkg.errors import (
    EquivalenceError,
    Finding,
    InputError,
    Severity,
    TemplateError,
    finding,
)
from nb2pkg.model import ModulePlan, Plan, RenderedFile, TestKind
from nb2pkg.options import Options
from nb2pkg.render.extract import docstring_text, is_async, module_code, pipeline_code
from nb2pkg.render.formatting import format_files, protected
from nb2pkg.render.safety import check_files

log = logging.getLogger(__name__)


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


def _environment(options: Options) -> jinja2.Environment:
    """Return the sandboxed jinja2 environment of the templates.

    User templates may change text, never run code: the sandbox refuses
    attributes such as ``__globals__`` and calls that change objects, so a
    template that tries is a ``TemplateError``. Compiled templates are not
    cached: jinja2 keeps them as marshalled Python code, which would run from
    a folder others may write.
    """
    folders = [builtin_templates()]
    if options.template_dir is not None:
        folders.insert(0, template_folder(options.template_dir))
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


def render_plan(
    plan: Plan, *, options: Options, cache: Store | None = None
) -> tuple[tuple[RenderedFile, ...], tuple[Finding, ...]]:
    """Return the package's files and any finding made while rendering them.

    ``cache`` holds what was rendered before: the code of pipeline steps, by
    what made it, and black's output, by the text it formatted.
    """
    env = _environment(options)
    files: list[RenderedFile] = []
    # A name two modules export comes from the last, as NBP607 reports.
    owner = {name: m.name for m in plan.modules for name in m.exports}
    exports = list(owner)
    init_imports = [
        (m.name, [n for n in m.exports if owner[n] == m.name]) for m in plan.modules
    ]
    base: dict[str, Any] = {
        "plan": plan,
        "exports": exports,
        "init_imports": [(m, names) for m, names in init_imports if names],
        "package_dir": "src/" + plan.package
        if options.layout == "src"
        else plan.package,
    }
    sources = ", ".join(plan.notebooks)
    many = "s" if len(plan.notebooks) > 1 else ""
    description = plan.summary or f"Code from the notebook{many} {sources}."
    root = f"src/{plan.package}" if options.layout == "src" else plan.package

    def add(path: str, template: str, **extra: Any) -> None:
        text = _render(env, template, {**base, **extra})
        files.append(RenderedFile(PurePosixPath(path), text))

    add("pyproject.toml", "pyproject.toml.j2", description=description.split("\n")[0])
    add("README.md", "README.md.j2")
    add(".gitignore", "gitignore.j2")
    add(f"{root}/__init__.py", "__init__.py.j2")
    for folder in _subpackages(plan):
        add(f"{root}/{folder}/__init__.py", "subpackage.py.j2", folder=folder)
    for module in plan.modules:
        add(
            f"{root}/{module.path}",
            "module.py.j2",
            module=module,
            code=module_code(module),
        )
        if options.tests:
            add(
                f"tests/test_{module.name.replace('.', '_')}.py",
                "test_module.py.j2",
                **_test_context(plan, module),
            )
    for pipeline in plan.pipelines:
        add(
            f"{root}/{pipeline.path}",
            "pipeline.py.j2",
            code=pipeline_code(pipeline, cache=cache),
        )
        if options.tests:
            parent, _, leaf = f"{plan.package}.{pipeline.module}".rpartition(".")
            add(
                f"tests/test_{pipeline.module.replace('.', '_')}.py",
                "test_pipeline.py.j2",
                pipeline=pipeline,
                parent=parent,
                leaf=leaf,
            )
    if plan.pipelines:
        add(f"{root}/__main__.py", "__main__.py.j2", **_main_context(plan))
    try:
        return _format_and_check(files, plan, options, cache or Store(None))
    except EquivalenceError as exc:
        if options.template_dir is None:
            raise
        # The user's templates wrote the files: theirs to fix, not nb2pkg's bug.
        raise TemplateError(
            f"the templates in {options.template_dir} wrote broken files: "
            f"{str(exc).split('; this is a bug')[0]}; fix the templates"
        ) from None


def _main_context(plan: Plan) -> dict[str, Any]:
    """Return what ``__main__.py`` needs: imports and calls of each ``run()``.

    ``missing`` says which ``run()`` needs arguments no cell gave it; then
    ``python -m`` cannot run the code, and says so.
    """
    single = len(plan.pipelines) == 1
    imports: list[str] = []
    calls: list[str] = []
    missing: list[str] = []
    run_is_async = False
    for pipeline in plan.pipelines:
        parent, _, leaf = f"{plan.package}.{pipeline.module}".rpartition(".")
        if single:
            imports.append(f"from {plan.package}.{pipeline.module} import run")
            call = "run()"
        else:
            imports.append(f"from {parent} import {leaf}")
            call = f"{leaf}.run()"
        awaits = is_async(pipeline)
        run_is_async = run_is_async or awaits
        calls.append(f"asyncio.run({call})" if awaits else call)
        needs = pipeline.required
        if needs:
            args = ", ".join(f"{n}=..." for n in needs)
            missing.append(
                f"run() needs {', '.join(needs)}, which no earlier cell defined: "
                f"call {plan.package}.{pipeline.module}.run({args})"
            )
    return {
        "imports": sorted(set(imports)),
        "calls": calls,
        "run_is_async": run_is_async,
        "missing": "; ".join(missing),
    }


def _subpackages(plan: Plan) -> list[str]:
    """Return the folders dotted module names need (``data`` for ``data.load``)."""
    folders: list[str] = []
    names = [m.name for m in plan.modules] + [p.module for p in plan.pipelines]
    for name in names:
        parts = name.split(".")[:-1]
        for i in range(1, len(parts) + 1):
            folder = "/".join(parts[:i])
            if folder not in folders:
                folders.append(folder)
    return folders


def _test_context(plan: Plan, module: ModulePlan) -> dict[str, Any]:
    tests = [t for t in plan.tests if t.module == module.name]
    by_module: dict[str, set[str]] = {}
    for test in tests:
        for owner, name in test.names:
            by_module.setdefault(owner, set()).add(name)
    package_imports = [
        f"from {plan.package}.{owner} import {', '.join(sorted(names))}"
        for owner, names in sorted(by_module.items())
    ]
    setup: list[str] = []
    for test in tests:
        setup.extend(line for line in test.setup if line not in setup)
    kinds = {t.kind for t in tests}
    plain = {TestKind.EQUAL, TestKind.ALLCLOSE, TestKind.REPR, TestKind.CODE}
    if kinds - plain - {TestKind.PANDAS} and "import pytest" not in setup:
        setup.append("import pytest")
    parent, _, leaf = f"{plan.package}.{module.name}".rpartition(".")
    module_import, alias = f"from {parent} import {leaf}", leaf
    # A module may share its name with a function (report.report): the test
    # imports that name, or the package's __init__ shadows the module with it.
    if any(leaf in names for names in by_module.values()) or any(
        leaf in m.exports for m in plan.modules
    ):
        alias = f"{leaf}_module"
        module_import = f'{alias} = importlib.import_module("{parent}.{leaf}")'
        setup.append("import importlib")
    # Standard library first, then third party, as isort would have them.
    stdlib = sorted(line for line in setup if _root(line) in sys.stdlib_module_names)
    others = sorted(line for line in setup if line not in stdlib)
    setup = [*stdlib, *([""] if stdlib and others else []), *others]
    return {
        "module": module,
        "tests": tests,
        "setup": setup,
        "package_imports": package_imports,
        "module_import": module_import,
        "leaf": leaf,
        "alias": alias,
    }


def _root(import_line: str) -> str:
    """Return the top-level module an import line imports (``os`` for os.path)."""
    words = import_line.split()
    return words[1].split(".")[0] if len(words) > 1 else ""


def _render(env: jinja2.Environment, name: str, context: dict[str, Any]) -> str:
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


def _format_and_check(
    files: list[RenderedFile], plan: Plan, options: Options, cache: Store
) -> tuple[tuple[RenderedFile, ...], tuple[Finding, ...]]:
    """Format the Python files, then prove they still mean what the notebook meant.

    black reindents docstrings; where that changes a definition's AST, black is
    told to leave that definition as it is (``# fmt: off``), or, if that fails
    too, the whole file is kept as LibCST wrote it rather than changed in meaning.
    """
    findings: list[Finding] = []
    formatted = files
    if options.format:
        formatted, findings = format_files(
            files,
            requires_python=plan.requires_python,
            jobs=options.jobs,
            cache=cache,
        )
    bad = check_files(formatted, plan, cache=cache)
    if bad and options.format:
        raw = {f.path: f for f in files}
        kept, _ = format_files(
            [protected(raw[path], names) for path, names in sorted(bad.items())],
            requires_python=plan.requires_python,
            jobs=1,
            cache=cache,
        )
        again = {f.path: f for f in kept}
        formatted = [again.get(f.path, f) for f in formatted]
        still = check_files(formatted, plan, cache=cache)
        formatted = [raw[f.path] if f.path in still else f for f in formatted]
        for path, names in sorted(bad.items()):
            listed = ", ".join(f"`{n}`" for n in sorted(names))
            if path in still:
                note = f"{path}: black would change {listed}; file left unformatted"
            else:
                note = (
                    f"{path}: black would change {listed} (a docstring's "
                    "indentation); left as written, marked `# fmt: off`"
                )
            findings.append(finding("NBP501", note, severity=Severity.INFO))
    if bad:
        check_files(formatted, plan, strict=True)
    return tuple(formatted), tuple(findings)
