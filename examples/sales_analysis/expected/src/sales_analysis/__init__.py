"""Monthly sales analysis."""

from .core import add_revenue, fastest_growing, growth_rate, load_sales, monthly_totals

__all__ = [
    "add_revenue",
    "fastest_growing",
    "growth_rate",
    "load_sales",
    "monthly_totals",
]
__version__ = "0.1.0"
