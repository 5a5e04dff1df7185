"""Functions, classes and constants extracted from the notebook."""

from dataclasses import dataclass


def to_celsius(fahrenheit: float) -> float:
    "Convert degrees Fahrenheit to degrees Celsius."
    return (fahrenheit - 32) * 5 / 9


_FACTORS = {"m": 1.0, "km": 1000.0, "mi": 1609.344}


@dataclass
class Length:
    "A length, kept in metres."

    metres: float

    def to(self, unit: str) -> float:
        "Return the length in `unit` (m, km or mi)."
        return self.metres / _FACTORS[unit]


def parse_length(text: str) -> Length:
    "Parse '3 km' into a Length."
    amount, unit = text.split()
    if unit not in _FACTORS:
        raise ValueError(f"unknown unit: {unit}")
    return Length(float(amount) * _FACTORS[unit])
