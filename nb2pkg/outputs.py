"""What a cell's stored outputs say ``python -m PKG`` prints for it.

One rule, shared by the show decision (``plan.show``), the pipeline's tests
(``testgen.recorded``, ``testgen.cases``) and the fresh-kernel comparison
(``checks.execute``, ``--verify``).
"""

from __future__ import annotations

from collections.abc import Iterable

from nb2pkg.model import Output


def printed_text(outputs: Iterable[Output]) -> str:
    """Return what a cell printed: its stdout streams, joined."""
    return "".join(
        o.text for o in outputs if o.output_type == "stream" and o.name == "stdout"
    )


def run_text(outputs: Iterable[Output]) -> str:
    """Return what ``python -m PKG`` prints for a cell with these outputs: what
    it printed, and then the text of its shown result (``shown_text``)."""
    return "".join(
        shown_text(o.text) if o.output_type == "execute_result" else printed_text([o])
        for o in outputs
    )


def shown_text(text: str) -> str:
    """Return what ``python -m PKG`` prints for a result the notebook showed as
    ``text``: the text and a line break; nothing for no text or an object repr
    (``<Figure ...>``, ``[<Line2D ...>]``), as the pipeline's ``_show`` does."""
    text = text.rstrip("\n")
    return "" if not text or text.lstrip("[(").startswith("<") else text + "\n"
