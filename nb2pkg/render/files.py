"""Render the plan into the package's files: jinja2 templates, then black."""

from __future__ import annotations

from nb2pkg.cache import Store
from nb2pkg.errors import EquivalenceError, Finding, Severity, TemplateError, finding
from nb2pkg.model import ModulePlan, PipelinePlan, Plan, PlannedFile, RenderedFile
from nb2pkg.options import Options
from nb2pkg.render.extract import module_code, pipeline_code
from nb2pkg.render.formatting import format_files, protected
from nb2pkg.render.safety import check_files
from nb2pkg.render.templates import environment, fill


def render_plan(
    plan: Plan, *, options: Options, cache: Store | None = None
) -> tuple[tuple[RenderedFile, ...], tuple[Finding, ...]]:
    """Return the package's files and any finding made while rendering them.

    Each of ``plan.files`` is its template filled with its context and ``plan``;
    a module's or pipeline's code is written from its plan. ``cache`` holds what
    was rendered before: the code of pipeline steps, by what made it, and
    black's output, by the text it formatted.
    """
    env = environment(options.template_dir)
    files = [
        RenderedFile(
            planned.path,
            fill(env, planned.template, _context(planned, plan, cache)),
        )
        for planned in plan.files
    ]
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


def _context(
    planned: PlannedFile, plan: Plan, cache: Store | None
) -> dict[str, object]:
    """Return what a file's template fills in: its context, the plan, its code."""
    context = {"plan": plan, **planned.context}
    if isinstance(planned.code, ModulePlan):
        context["code"] = module_code(planned.code)
    elif isinstance(planned.code, PipelinePlan):
        context["code"] = pipeline_code(planned.code, cache=cache)
    return context


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
