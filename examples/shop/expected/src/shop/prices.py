"""Functions, classes and constants extracted from the notebook."""

TAX_RATE = 0.2
CURRENCY = "EUR"


def net_price(price, tax=TAX_RATE):
    """Return the price with tax, rounded to cents."""
    return round(price * (1 + tax), 2)


def format_price(amount):
    """Return the amount as the shop shows it."""
    return f"{amount:.2f} {CURRENCY}"
