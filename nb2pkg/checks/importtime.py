"""Find the code a definition runs when its module is imported.

nb2pkg keeps definitions verbatim, and a definition is not only a body: Python
evaluates decorators, default values, base classes and the whole body of a class
when the ``def`` or ``class`` statement runs, that is, on ``import``. Each call
there is import-time work the user should know about (``def f(x=os.system(...))``
runs a command on import). Calls that only build values or declare things
(``field(default_factory=list)``, ``@lru_cache(maxsize=None)``) are left out.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator

# Callables that are harmless at definition time: they build values, or wrap or
# declare what they decorate, and touch nothing outside.
HARMLESS_CALLS = frozenset(
    {
        "abstractmethod", "auto", "bool", "bytes", "cache", "cached_property",
        "classmethod", "complex", "compile", "contextmanager", "dataclass", "dict",
        "field", "Field", "field_validator", "final", "float", "frozenset", "int",
        "list", "lru_cache", "model_validator", "namedtuple", "NamedTuple", "NewType",
        "object", "overload", "ParamSpec", "partial", "property", "range",
        "root_validator", "set", "singledispatch", "staticmethod", "str",
        "total_ordering", "tuple", "TypedDict", "TypeVar", "validator", "wraps",
    }
)  # fmt: skip

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def import_time_calls(code: str) -> list[tuple[int, str]]:
    """Return (line, call) for each call a definition's code runs when executed.

    ``code`` is one ``def`` or ``class`` statement. A line is counted from the
    ``def`` or ``class`` line (0; a decorator above it is -1). Harmless calls
    (``HARMLESS_CALLS``) are left out.
    """
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    found = []
    for node in tree.body:
        for expression in _evaluated(node):
            for call in _calls(expression):
                name = _called_name(call.func)
                if name.rsplit(".", 1)[-1] not in HARMLESS_CALLS:
                    line = call.lineno - node.lineno
                    found.append((line, _short(ast.unparse(call))))
    return found


def _evaluated(node: ast.stmt) -> Iterator[ast.AST]:
    """Yield the parts of a statement Python evaluates when the statement runs."""
    if isinstance(node, _FUNCTIONS):
        yield from node.decorator_list
        yield from node.args.defaults
        yield from (d for d in node.args.kw_defaults if d is not None)
    elif isinstance(node, ast.ClassDef):
        yield from node.decorator_list
        yield from node.bases
        yield from (k.value for k in node.keywords)
        for inner in node.body:
            yield from _evaluated(inner)  # a class body runs as it is defined
    else:
        yield node


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    """Yield the calls in ``node`` that run with it (not those inside a lambda
    or a nested function's body)."""
    todo = [node]
    while todo:
        current = todo.pop()
        if isinstance(current, ast.Lambda):
            todo.extend(current.args.defaults)
            continue
        if isinstance(current, (*_FUNCTIONS, ast.ClassDef)):
            todo.extend(_evaluated(current))
            continue
        if isinstance(current, ast.Call):
            yield current
        todo.extend(ast.iter_child_nodes(current))


def _called_name(func: ast.expr) -> str:
    """Return the dotted name called (``functools.lru_cache``), or ""."""
    parts = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Call):  # ``@make()()``: what the inner call returns
        return ""
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
