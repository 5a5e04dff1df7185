"""Monthly sales analysis."""

from .core import load_sales, add_revenue, monthly_totals, growth_rate, fastest_growing

__all__ = [
    "load_sales",
    "add_revenue",
    "monthly_totals",
    "growth_rate",
    "fastest_growing",
]
__version__ = "0.1.0"
