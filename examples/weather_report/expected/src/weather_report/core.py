"""Functions, classes and constants extracted from the notebook."""

MISSING = -99.0
THRESHOLD = 25.0
