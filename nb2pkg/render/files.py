"""Render the plan into the package's files: jinja2 templates, then black."""

from __future__ import annotations

from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field

from nb2pkg.cache import Memo
from nb2pkg.errors import EquivalenceError, Finding, Severity, TemplateError, finding
from nb2pkg.model import ModulePlan, PipelinePlan, Plan, PlannedFile, RenderedFile
from nb2pkg.options import Generation
from nb2pkg.render.extract import module_code, pipeline_code
from nb2pkg.render.formatting import format_files, protected
from nb2pkg.render.safety import check_files
from nb2pkg.render.templates import environment, fill


@dataclass(frozen=True, slots=True)
class Rendered:
    """The package's files, what rendering found, and the cache entries it used."""

    files: tuple[RenderedFile, ...]
    findings: tuple[Finding, ...]
    cache: Mapping[str, object] = field(default_factory=dict)


def render_plan(
    plan: Plan,
    *,
    generation: Generation,
    jobs: int | None = None,
    known: Mapping[str, object] | None = None,
    worker: Executor | None = None,
) -> Rendered:
    """Return the package's files and any finding made while rendering them.

    Each of ``plan.files`` is its template filled with its context and ``plan``;
    a module's or pipeline's code is written from its plan; black formats the
    Python with up to ``jobs`` processes. ``known`` is what was rendered
    before (the ``render`` cache): the code of pipeline steps, by what made it,
    and black's output, by the text it formatted; it is not changed, and what
    this rendering used and made comes back as ``Rendered.cache``. ``worker``
    (``formatting.black_worker``) formats what changed since.
    """
    memo = Memo(known)
    env = environment(generation.template_dir)
    files = [
        RenderedFile(
            planned.path,
            fill(env, planned.template, _context(planned, plan, memo)),
        )
        for planned in plan.files
    ]
    try:
        formatted, findings = _format_and_check(
            files, plan, fmt=generation.format, jobs=jobs, memo=memo, worker=worker
        )
    except EquivalenceError as exc:
        if generation.template_dir is None:
            raise
        # The user's templates wrote the files: theirs to fix, not nb2pkg's bug.
        raise TemplateError(
            f"the templates in {generation.template_dir} wrote broken files: "
            f"{str(exc).split('; this is a bug')[0]}; fix the templates"
        ) from None
    return Rendered(formatted, findings, memo.entries)


def _context(planned: PlannedFile, plan: Plan, memo: Memo) -> dict[str, object]:
    """Return what a file's template fills in: its context, the plan, its code."""
    context = {"plan": plan, **planned.context}
    if isinstance(planned.code, ModulePlan):
        context["code"] = module_code(planned.code)
    elif isinstance(planned.code, PipelinePlan):
        context["code"] = pipeline_code(planned.code, memo=memo)
    return context


def _format_and_check(
    files: list[RenderedFile],
    plan: Plan,
    *,
    fmt: bool,
    jobs: int | None,
    memo: Memo,
    worker: Executor | None,
) -> tuple[tuple[RenderedFile, ...], tuple[Finding, ...]]:
    """Format the Python files, then prove they still mean what the notebook meant.

    black reindents docstrings; where that changes a definition's AST, black is
    told to leave that definition as it is (``# fmt: off``), or, if that fails
    too, the whole file is kept as LibCST wrote it rather than changed in meaning.
    """
    findings: list[Finding] = []
    formatted = files
    if fmt:
        formatted, findings = format_files(
            files,
            requires_python=plan.requires_python,
            jobs=jobs,
            memo=memo,
            worker=worker,
        )
    bad = check_files(formatted, plan, memo=memo)
    if bad and fmt:
        raw = {f.path: f for f in files}
        kept, _ = format_files(
            [protected(raw[path], names) for path, names in sorted(bad.items())],
            requires_python=plan.requires_python,
            jobs=1,
            memo=memo,
        )
        again = {f.path: f for f in kept}
        formatted = [again.get(f.path, f) for f in formatted]
        still = check_files(formatted, plan, memo=memo)
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
