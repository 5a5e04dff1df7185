"""The notebook's own code, in notebook order: ``python -m shop`` runs it.

Nothing runs on import; call ``run()``.
"""

from ..cart import Item
from ..report import receipt


def report():
    """Report."""
    # Cell 4
    print(receipt([Item("tea", 2.5, 2)]))


def today_s_orders():
    """Today's orders."""
    # Cell 6
    orders = [[Item("tea", 2.5)], [Item("cake", 4.0, 3), Item("jam", 3.2)]]
    for order in orders:
        print(receipt(order))
        print()


def run() -> None:
    """Run the notebook's steps in order."""
    report()
    today_s_orders()
