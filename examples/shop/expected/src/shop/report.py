"""Functions, classes and constants extracted from the notebook."""

from .cart import cart_total
from .prices import format_price


def receipt(items):
    """Return the receipt of one order, a line per item and the total."""
    lines = [f"{i.quantity} x {i.name}" for i in items]
    lines.append("total: " + format_price(cart_total(items)))
    return "\n".join(lines)
