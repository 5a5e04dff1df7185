"""The notebook's own code, in notebook order: ``python -m shop`` runs it.

Nothing runs on import; call ``run()``.
"""

from ..cart import Item, cart_total
from ..prices import format_price


def _show(value: object) -> None:
    """Print a result as the notebook showed it; None and object reprs show nothing."""
    if isinstance(value, type):  # IPython shows a class by its dotted name
        name, module = value.__qualname__, value.__module__
        print(name if module == "builtins" else f"{module}.{name}")
    elif value is not None:
        text = repr(value)
        if not text.lstrip("[(").startswith("<"):
            print(text)


def cart():
    """Cart."""
    # Cell 5
    _show(cart_total([Item("tea", 2.5, 2), Item("cake", 4.0)]))

    # Cell 6
    _show(cart_total([]))


def a_sample_cart():
    """A sample cart."""
    # Cell 8
    basket = [Item("tea", 2.5, 2), Item("cake", 4.0)]
    print(format_price(cart_total(basket)))


def run() -> None:
    """Run the notebook's steps in order."""
    cart()
    a_sample_cart()
