"""The notebook's own code, in notebook order: ``python -m sales_analysis`` runs it.

Nothing runs on import; call ``run()``.
"""

from .core import add_revenue, fastest_growing, load_sales, monthly_totals


def run() -> None:
    """Run the notebook's code in order."""

    # Cell 6
    sales = load_sales()
    sales.head()

    # Cell 9
    sales = add_revenue(sales)
    totals = monthly_totals(sales)
    print(totals)

    # Cell 14
    best = fastest_growing(sales)
    print("fastest growing:", ", ".join(best))

    # Cell 15
    sales.plot.bar(x="product", y="revenue")
