"""The notebook's own code, in notebook order: ``python -m shop`` runs it.

Nothing runs on import; call ``run()``.
"""

from ..cart import Item
from ..report import receipt


def _show(value: object) -> None:
    """Print a result as the notebook showed it; None and object reprs show nothing."""
    if value is not None:
        text = repr(value)
        if not text.lstrip("[(").startswith("<"):
            print(text)


def report():
    """Report (cell 4)."""
    # Cell 4
    _show(print(receipt([Item("tea", 2.5, 2)])))


def today_s_orders():
    """Today's orders (cell 6)."""
    # Cell 6
    orders = [[Item("tea", 2.5)], [Item("cake", 4.0, 3), Item("jam", 3.2)]]
    for order in orders:
        print(receipt(order))
        print()


def run() -> None:
    """Run the notebook's steps in order."""
    report()
    today_s_orders()
