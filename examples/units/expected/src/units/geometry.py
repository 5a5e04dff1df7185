"""Functions, classes and constants extracted from the notebook."""

import math


def hypotenuse(a: float, b: float) -> float:
    "Return the hypotenuse of a right triangle with sides a and b."
    return math.hypot(a, b)
