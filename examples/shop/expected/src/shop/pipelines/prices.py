"""The notebook's own code, in notebook order: ``python -m shop`` runs it.

Nothing runs on import; call ``run()``.
"""

from ..prices import format_price, net_price


def _show(value: object) -> None:
    """Print a result as the notebook showed it; None and object reprs show nothing."""
    if isinstance(value, type):  # IPython shows a class by its dotted name
        name, module = value.__qualname__, value.__module__
        print(name if module == "builtins" else f"{module}.{name}")
    elif value is not None:
        text = repr(value)
        if not text.lstrip("[(").startswith("<"):
            print(text)


def prices():
    """Prices."""
    # Cell 4
    _show(net_price(10))

    # Cell 6
    _show(format_price(3.5))


def run() -> None:
    """Run the notebook's steps in order."""
    prices()
