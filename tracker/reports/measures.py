"""What a report's columns are: counts (suppressed), rates between two counts, statistics over a group."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Count:
    """A count of events; `of` names the count it is a subset of, so its complement is protected too."""

    name: str
    label: str
    of: str | None = None


@dataclass(frozen=True)
class Rate:
    """numerator / denominator as a percentage, shown only when both are and the denominator is 10+."""

    name: str
    label: str
    numerator: str
    denominator: str


@dataclass(frozen=True)
class Statistic:
    """A figure over a group (a median, a 90th percentile) shown only when its group count `over` is 10+."""

    name: str
    label: str
    over: str


@dataclass(frozen=True)
class Reference:
    """A labelled reference line on a trend chart (the England figure, the ambition)."""

    label: str
    value: float
