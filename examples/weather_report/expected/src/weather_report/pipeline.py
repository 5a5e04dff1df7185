"""The notebook's own code, in notebook order: ``python -m weather_report`` runs it.

Nothing runs on import; call ``run()``.
"""

import statistics
from collections import defaultdict

from .core import MISSING, THRESHOLD


def _show(value: object) -> None:
    """Print a result as the notebook showed it; None and object reprs show nothing."""
    if isinstance(value, type):  # IPython shows a class by its dotted name
        name, module = value.__qualname__, value.__module__
        print(name if module == "builtins" else f"{module}.{name}")
    elif value is not None:
        text = repr(value)
        if not text.lstrip("[(").startswith("<"):
            print(text)


def load_the_readings():
    """Load the readings."""
    # Cell 4
    raw = [
        ("north", "2024-07-01", 21.5),
        ("north", "2024-07-02", None),
        ("north", "2024-07-03", 24.0),
        ("south", "2024-07-01", 28.0),
        ("south", "2024-07-02", 31.5),
        ("south", "2024-07-03", -99.0),
        ("coast", "2024-07-01", 19.0),
        ("coast", "2024-07-02", 20.5),
        ("coast", "2024-07-03", 22.0),
    ]
    print(len(raw), "readings")

    # Cell 5
    stations = sorted({station for station, _, _ in raw})
    _show(stations)
    return raw, stations


def clean(raw):
    """A missing reading is None, and the sensors write -99.0 when they fail:
    drop both before any average. The count of dropped readings is worth a
    look.
    """
    # Cell 7
    valid = [(s, d, t) for s, d, t in raw if t is not None and t != MISSING]
    dropped = len(raw) - len(valid)
    print("dropped", dropped, "bad readings")

    # Cell 8
    by_station = defaultdict(list)
    for station, day, temp in valid:
        by_station[station].append(temp)

    # Cell 9
    _show(by_station["north"])
    return by_station, valid


def summarise(by_station, stations, valid):
    """Summarise."""
    # Cell 11
    summary = {}
    for station in stations:
        temps = by_station[station]
        summary[station] = round(statistics.mean(temps), 2)
    print(summary)

    # Cell 12
    warmest = max(summary, key=summary.get)
    print("warmest station:", warmest)

    # Cell 13
    overall = statistics.mean(t for _, _, t in valid)
    overall = round(overall, 2)
    print("overall mean:", overall)
    return summary, warmest


def show_heat_days(by_station, stations, summary, valid):
    """A heat day is a reading at or above the threshold of 25 degrees."""
    # Cell 15
    heat_days = [(s, d) for s, d, t in valid if t >= THRESHOLD]
    count = 0
    for _ in heat_days:
        count += 1
    print(count, "heat days")

    # Cell 16
    def describe(station):
        return (
            f"{station}: mean {summary[station]}, {len(by_station[station])} readings"
        )

    # Cell 17
    for station in stations:
        print(describe(station))
    return count


def show_report(count, stations, warmest):
    """Report."""
    # Cell 19
    report = "\n".join(
        [f"Stations: {len(stations)}", f"Warmest: {warmest}", f"Heat days: {count}"]
    )
    print(report)


def run() -> None:
    """Run the notebook's steps in order."""
    raw, stations = load_the_readings()
    by_station, valid = clean(raw)
    summary, warmest = summarise(by_station, stations, valid)
    count = show_heat_days(by_station, stations, summary, valid)
    show_report(count, stations, warmest)
