"""black piece by piece: the same text as black on the whole file, from a cache."""

from __future__ import annotations

import ast
import textwrap
from pathlib import Path, PurePosixPath

import black
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nb2pkg.cache import Memo
from nb2pkg.model import RenderedFile
from nb2pkg.render import formatting
from nb2pkg.render.formatting import black_targets, format_files, pieces_of
from tests.conftest import CORPUS

MODE = black.Mode(target_versions=black_targets(">=3.10"))

# Module parts whose formatting depends on their neighbours, or does not.
PARTS = [
    "import os\nfrom typing import overload",
    "def f(x,y):\n  return {'a':x,\n 'b':y}",
    "async def g():\n    await  h()",
    "@overload\ndef o(x: int) -> int: ...",
    "@overload\ndef o(x: str) -> str: ...",
    "def o(x): return x",
    "def stub(): ...",
    "def after_stub(): return 1",
    "# a comment that belongs to what follows\ndef commented(): pass",
    "class K :\n  def m(self): return  1",
    "X = 1",
    "def kwargs(**flds):\n    return dict(\n        a=1,\n        b=2,\n"
    "        **flds\n    )",
    "if __name__ == '__main__':\n    f(1, 2)",
    'def doc():\n    """Docstring."""\n\n\n\n    return 2',
]


def _whole(text: str) -> str:
    return black.format_str(text, mode=MODE)


def _joined(text: str, size: int) -> str:
    return "\n\n".join(black.format_str(p, mode=MODE) for p in pieces_of(text, size))


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.sampled_from(PARTS), min_size=1, max_size=12),
    gaps=st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n", "\n\n\n\n\n"]), min_size=12),
    size=st.integers(min_value=1, max_value=200),
)
def test_pieces_format_to_what_black_makes_of_the_whole(
    parts: list[str], gaps: list[str], size: int
) -> None:
    text = "".join(part + gap for part, gap in zip(parts, gaps, strict=False))
    assert "".join(pieces_of(text, size)) == text
    assert _joined(text, size) == _whole(text)


def test_a_long_module_is_cut_between_functions_only() -> None:
    functions = [f"def f{i}(x):\n    return x + {i}\n" for i in range(50)]
    text = "import math\n\n\n" + "\n\n".join(functions)
    pieces = pieces_of(text, 200)
    assert len(pieces) > 5
    assert pieces[0].startswith("import math")
    assert all(p.lstrip("\n").startswith("def f") for p in pieces[1:])
    assert _joined(text, 200) == _whole(text)


def test_no_cut_before_a_decorated_function_after_a_stub_or_a_comment() -> None:
    text = textwrap.dedent("""\
        def stub(): ...
        def after(): return 1

        # about g
        def g(): return 2

        @decorated
        def h(): return 3
        """)
    assert pieces_of(text, 1) == [text]


def test_short_or_unparsable_text_is_one_piece() -> None:
    assert pieces_of("def f(): pass\n", 1000) == ["def f(): pass\n"]
    broken = "def f(:\n" * 100
    assert pieces_of(broken, 10) == [broken]


def test_black_targets_follow_requires_python() -> None:
    targets = black_targets(">=3.10")
    assert {v.value for v in targets} >= {10, 11, 12}
    assert all(v.value >= 10 for v in targets)
    assert black_targets("not a specifier") == set()


def _files(*texts: str) -> list[RenderedFile]:
    return [RenderedFile(PurePosixPath(f"m{i}.py"), t) for i, t in enumerate(texts)]


def _long_module(edited: int | None = None) -> str:
    return "\n\n".join(
        f"def f{i}(x):\n  return x+{i if i != edited else 1000}\n" for i in range(40)
    )


def test_an_edited_function_is_the_only_piece_formatted_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(formatting, "PIECE_CHARS", 100)
    calls: list[str] = []
    real = formatting._black

    def counting(text: str, *, requires_python: str) -> tuple[str, str]:
        calls.append(text)
        return real(text, requires_python=requires_python)

    monkeypatch.setattr(formatting, "_black", counting)
    memo = Memo()
    first, _ = format_files(
        _files(_long_module()), requires_python=">=3.10", jobs=1, memo=memo
    )
    assert len(calls) > 5
    calls.clear()
    second, _ = format_files(
        _files(_long_module(edited=7)), requires_python=">=3.10", jobs=1, memo=memo
    )
    assert len(calls) == 1
    assert "f7" in calls[0]
    assert second[0].text == _whole(_long_module(edited=7))
    assert first[0].text == _whole(_long_module())


def test_a_file_black_cannot_format_is_kept_and_reported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def failing(text: str, *, requires_python: str) -> tuple[str, str]:
        return text, "InvalidInput" if "bad" in text else ""

    monkeypatch.setattr(formatting, "_black", failing)
    files = _files("x = 1\n", "bad = 2\n", "y = 3\n")
    out, findings = format_files(files, requires_python=">=3.10", jobs=1, memo=Memo())
    assert out[1] == files[1]
    assert [f.code for f in findings] == ["NBP501"]
    assert "m1.py" in findings[0].message
    assert "InvalidInput" in findings[0].message


@pytest.mark.corpus
def test_corpus_packages_format_the_same_piece_by_piece() -> None:
    from nb2pkg import api
    from nb2pkg.errors import Nb2PkgError
    from nb2pkg.options import Options

    if not CORPUS.is_dir():
        pytest.skip("the shared corpus is not beside the project")
    raw = Options(format=False, cache=False, jobs=1)
    checked = 0
    for notebook in sorted(Path(CORPUS).glob("*.ipynb")):
        try:
            files, _ = api._plan(notebook, raw, lambda *_: None).render(raw)
        except Nb2PkgError:
            continue
        for file in files:
            if file.path.suffix != ".py":
                continue
            try:
                whole = _whole(file.text)
            except black.InvalidInput:
                continue
            assert _joined(file.text, 1) == whole, (notebook.name, file.path)
            checked += 1
    assert checked > 100


def test_protected_marks_the_named_definitions_at_top_level_and_in_a_step() -> None:
    text = textwrap.dedent("""\
        @decorator
        def odd():
            pass


        def step():
            def odd():
                pass
            x = 1


        def other():
            pass
        """)
    (file,) = _files(text)
    marked = formatting.protected(file, {"odd"}).text
    assert marked.startswith(
        "# fmt: off\n@decorator\ndef odd():\n    pass\n# fmt: on\n"
    )
    assert (
        "    # fmt: off\n    def odd():\n        pass\n    # fmt: on\n    x = 1"
        in marked
    )
    assert marked.count("fmt: off") == 2
    assert ast.dump(ast.parse(marked)) == ast.dump(ast.parse(text))


def test_a_long_data_line_is_left_as_black_would_leave_it_skipped() -> None:
    import black

    from nb2pkg.render.formatting import LONG_LINE, _black

    numbers = ", ".join(str(i) for i in range(LONG_LINE // 4))
    text = (
        "import math\n"
        f"data = [{numbers}]\n"
        "def run():\n"
        f"    rows=[{numbers}]\n"
        f"    note = '''\n{numbers}\n'''\n"  # inside a string: no statement
        f"    other = '{'x' * LONG_LINE}'  # a comment: black's to place\n"
        "    return math.fsum(rows)\n"
    )
    # No versions black knows: it guesses them, as black.Mode() does.
    formatted, error = _black(text, requires_python="not a specifier")
    assert error == ""
    assert f"data = [{numbers}]  # fmt: skip\n" in formatted
    assert f"    rows = [{numbers}]  # fmt: skip\n" not in formatted  # as written
    assert f"    rows=[{numbers}]  # fmt: skip\n" in formatted
    assert f'"""\n{numbers}\n"""' in formatted  # the string's text is untouched
    long_string = "x" * LONG_LINE
    assert f'    other = "{long_string}"  # a comment: black' in formatted
    # What a user's black --check sees: nothing to change.
    assert black.format_str(formatted, mode=black.Mode()) == formatted
