"""The notebook's own code, in notebook order: ``python -m shop`` runs it.

Nothing runs on import; call ``run()``.
"""

from ..cart import Item, cart_total
from ..prices import format_price


def a_sample_cart():
    """A sample cart (cell 8)."""
    # Cell 8
    basket = [Item("tea", 2.5, 2), Item("cake", 4.0)]
    print(format_price(cart_total(basket)))


def run() -> None:
    """Run the notebook's steps in order."""
    a_sample_cart()
