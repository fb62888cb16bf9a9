"""Aggregate reports for commissioners: never a person, small counts suppressed."""
