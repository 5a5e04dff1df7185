"""The testgen stage."""
