"""Run the notebooks' code: ``python -m shop``."""

from shop.pipelines import cart, prices, report

if __name__ == "__main__":
    cart.run()
    prices.run()
    report.run()
