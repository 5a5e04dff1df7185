"""The pipelines modules of shop."""
