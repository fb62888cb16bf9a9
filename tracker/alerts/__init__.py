"""Alerts at every checkpoint of the pathway, raised by a sweep over state."""
