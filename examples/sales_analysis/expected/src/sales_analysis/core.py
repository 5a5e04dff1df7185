"""Functions, classes and constants extracted from the notebook."""

import pandas as pd

# Prices in euros, fixed for the quarter
PRICES = {"apple": 0.5, "bread": 2.0, "cheese": 7.5}
MONTHS = ["2024-01", "2024-02", "2024-03"]


def load_sales():
    """Return the quarter's sales, one row per product and month."""
    units = {
        "apple": [120, 135, 160],
        "bread": [80, 78, 90],
        "cheese": [12, 15, 11],
    }
    rows = [
        {"month": month, "product": product, "units": count}
        for product, counts in units.items()
        for month, count in zip(MONTHS, counts)
    ]
    return pd.DataFrame(rows)


def add_revenue(df):
    """Return a copy of ``df`` with a ``revenue`` column (units times price)."""
    out = df.copy()
    out["revenue"] = out["units"] * out["product"].map(PRICES)
    return out


def monthly_totals(df):
    """Return total revenue per month, as a dict."""
    totals = df.groupby("month")["revenue"].sum()
    return {month: float(total) for month, total in totals.items()}


def growth_rate(before, after):
    """Return the relative change from ``before`` to ``after``."""
    if before == 0:
        raise ValueError("no sales before: growth is undefined")
    return (after - before) / before


def fastest_growing(df, n=2):
    """Return the ``n`` products whose units grew most from first to last month."""
    first = df[df["month"] == MONTHS[0]].set_index("product")["units"]
    last = df[df["month"] == MONTHS[-1]].set_index("product")["units"]
    rates = {p: growth_rate(first[p], last[p]) for p in first.index}
    return sorted(rates, key=rates.get, reverse=True)[:n]
