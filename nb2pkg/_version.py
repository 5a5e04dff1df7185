"""The version of nb2pkg, kept apart so that no stage imports the package back."""

__version__ = "0.1.0"
