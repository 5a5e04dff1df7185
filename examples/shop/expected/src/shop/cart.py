"""Functions, classes and constants extracted from the notebook."""

from dataclasses import dataclass

from .prices import net_price


@dataclass
class Item:
    name: str
    price: float
    quantity: int = 1


def cart_total(items):
    """Return the total price of the items, tax included."""
    return round(sum(net_price(i.price) * i.quantity for i in items), 2)
