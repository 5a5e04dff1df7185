"""shop."""

from .cart import Item, cart_total
from .prices import format_price, net_price
from .report import receipt

__all__ = ["Item", "cart_total", "format_price", "net_price", "receipt"]
__version__ = "0.1.0"
