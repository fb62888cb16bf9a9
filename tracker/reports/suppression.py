"""Primary and secondary suppression of a table of counts, so that nobody can be recognised.

PURE: standard library only.

A table is a set of cells (any hashable key) holding counts, and the additive relations between them,
each `whole = part + part + ...`: rows add up to the total, quarters to their year, and a numerator and
its complement (the hidden "did not") to their denominator. Primary suppression hides every count under
THRESHOLD (is_small: zero too when it is "none of the 12 released from X", which tells on each of the 12).
Secondary suppression then hides more, until no relation has exactly one hidden cell (it could be
worked out by subtraction) or hidden parts that add up to nothing (each would be zero). Each extra
cell hidden is the smallest positive one allowed, to lose as little as possible.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

THRESHOLD = 5
# A rate (or any statistic over a group) is shown only over a denominator at least this large.
MIN_DENOMINATOR = 10

Cell = Hashable


@dataclass(frozen=True)
class Relation:
    """`whole` = sum of `parts`."""

    whole: Cell
    parts: tuple[Cell, ...]


@dataclass(frozen=True)
class Protected:
    """The cells to hide, and any relation that could not be protected with the cells allowed."""

    hidden: frozenset[Cell]
    unprotected: tuple[Relation, ...]


def is_small(value: int, of: int | None = None) -> bool:
    """A count that could single someone out: 1 to 4, or none of a group that has people in it.

    An empty group (0 released) tells nothing about anyone; "0 of 12 started" tells on all 12.
    """
    return 0 < value < THRESHOLD or (value == 0 and of is not None and of > 0)


def protect(
    values: Mapping[Cell, int],
    relations: Sequence[Relation],
    *,
    primary: Iterable[Cell] = (),
    may_hide: Callable[[Cell], bool] = lambda cell: True,
) -> Protected:
    """Hide the `primary` cells, then enough others that none of them can be worked out."""
    hidden = set(primary)
    touching: dict[Cell, list[int]] = {}
    for n, relation in enumerate(relations):
        for cell in (relation.whole, *relation.parts):
            touching.setdefault(cell, []).append(n)
    # Work through the relations; hiding a cell puts back every relation it is in, until none is exposed.
    waiting, queued = deque(range(len(relations))), set(range(len(relations)))
    unprotected: dict[Relation, None] = {}
    while waiting:
        n = waiting.popleft()
        queued.discard(n)
        relation = relations[n]
        if not _exposed(relation, values, hidden):
            continue
        cells = (relation.whole, *relation.parts)
        candidates = [c for c in cells if c not in hidden and may_hide(c)]
        if not candidates:
            unprotected[relation] = None
            continue
        # The smallest positive cell; on a tie a part rather than the whole (a quarter, not the year).
        chosen = min(candidates, key=lambda c: (values[c] == 0, values[c], c == relation.whole, repr(c)))
        hidden.add(chosen)
        for again in touching[chosen]:
            if again not in queued:
                waiting.append(again)
                queued.add(again)
    still = tuple(r for r in unprotected if _exposed(r, values, hidden))
    return Protected(frozenset(hidden), still)


def _exposed(relation: Relation, values: Mapping[Cell, int], hidden: set[Cell]) -> bool:
    hidden_parts = [p for p in relation.parts if p in hidden]
    whole_hidden = relation.whole in hidden
    count = len(hidden_parts) + whole_hidden
    if count == 0:
        return False
    if count == 1:
        return True
    # Hidden parts beside a shown whole add up to what the shown cells leave: if that is nothing, each is 0.
    return not whole_hidden and sum(values[p] for p in hidden_parts) == 0


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """The share as a percentage to one decimal place, only over a shown denominator of at least 10."""
    if numerator is None or denominator is None or denominator < MIN_DENOMINATOR:
        return None
    return round(100 * numerator / denominator, 1)
