"""The notebook's own code, in notebook order: ``python -m sales_analysis`` runs it.

Nothing runs on import; call ``run()``.
"""

from .core import add_revenue, fastest_growing, growth_rate, load_sales, monthly_totals


def _show(value: object) -> None:
    """Print a result as the notebook showed it; None and object reprs show nothing."""
    if isinstance(value, type):  # IPython shows a class by its dotted name
        name, module = value.__qualname__, value.__module__
        print(name if module == "builtins" else f"{module}.{name}")
    elif value is not None:
        text = repr(value)
        if not text.lstrip("[(").startswith("<"):
            print(text)


def the_data():
    """The data."""
    # Cell 6
    sales = load_sales()
    _show(sales.head())
    return sales


def revenue(sales):
    """Revenue."""
    # Cell 9
    sales = add_revenue(sales)
    totals = monthly_totals(sales)
    print(totals)
    return sales


def growth(sales):
    """Growth."""
    # Cell 12
    _show(growth_rate(100, 120))

    # Cell 14
    best = fastest_growing(sales)
    print("fastest growing:", ", ".join(best))

    # Cell 15
    sales.plot.bar(x="product", y="revenue")


def run() -> None:
    """Run the notebook's steps in order."""
    sales = the_data()
    sales = revenue(sales)
    growth(sales)
