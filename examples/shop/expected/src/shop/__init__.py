"""shop."""

from .cart import Item, cart_total
from .prices import net_price, format_price
from .report import receipt

__all__ = ["Item", "cart_total", "net_price", "format_price", "receipt"]
__version__ = "0.1.0"
