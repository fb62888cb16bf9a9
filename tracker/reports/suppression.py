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

import gc
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, cast

THRESHOLD = 5
# A rate (or any statistic over a group) is shown only over a denominator at least this large.
MIN_DENOMINATOR = 10
INFINITY = float("inf")
# Rounds of hiding more for cells pinned by bounds, and how many times over the relations the attacker's
# bounds are tightened in each, before what is still pinned has its columns hidden in every row.
ROUNDS, PASSES = 2, 5

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


@contextmanager
def uncollected() -> Iterator[None]:
    """Run a suppression without the cyclic garbage collector.

    Suppressing a table of 120 rows makes hundreds of thousands of small tuples, lists and dicts, none of
    them in a cycle (reference counting frees each); each few hundred made set off a collection that
    walks the whole application's heap, hundreds of them for nothing: a third of the time."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


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
    """Hide the `primary` cells, then enough others that none of them can be worked out, by subtraction
    or by bounds (every count is 0 or more, so a part can pin a whole that another relation caps)."""
    # Work on numbers, not the caller's keys: cell n is the n-th in the order of their repr (the order
    # ties are broken in), and looking up a number costs a fraction of hashing a tuple, thousands of times.
    cells = sorted({*values, *(c for r in relations for c in (r.whole, *r.parts))}, key=repr)
    number = {cell: n for n, cell in enumerate(cells)}
    numbered = [Relation(number[r.whole], tuple(number[p] for p in r.parts)) for r in relations]
    allowed: dict[Cell, bool] = {n: may_hide(cell) for n, cell in enumerate(cells)}
    found = _protect(
        {n: values[cell] for n, cell in enumerate(cells) if cell in values},
        numbered,
        {number[cell] for cell in primary},
        allowed.__getitem__,
    )
    original = dict(zip(numbered, relations, strict=True))
    return Protected(
        frozenset(cells[cast(int, n)] for n in found.hidden), tuple(original[r] for r in found.unprotected)
    )


def _protect(
    values: Mapping[Cell, int],
    relations: Sequence[Relation],
    primary: set[Cell],
    may_hide: Callable[[Cell], bool],
) -> Protected:
    """protect() on numbered cells."""
    hidden = set(primary)
    touching: dict[Cell, list[int]] = {}
    for n, relation in enumerate(relations):
        for cell in (relation.whole, *relation.parts):
            touching.setdefault(cell, []).append(n)
    unprotected: dict[Relation, None] = {}
    waiting = list(range(len(relations)))
    for round_ in range(ROUNDS + 1):
        _close(values, relations, hidden, may_hide, touching, waiting, unprotected)
        waiting = []
        for cell in pinned(values, relations, hidden, touching, order=_number):
            if round_ == ROUNDS:  # still pinned after every round: give up on its relations (the caller
                unprotected.update({relations[n]: None for n in touching[cell]})  # hides their columns)
                continue
            usable = _widest(cell, values, relations, hidden, may_hide, touching)
            if usable is None:
                unprotected.update({relations[n]: None for n in touching[cell]})
                continue
            chosen = _smallest(usable, values, hidden, may_hide)
            if chosen not in hidden:
                hidden.add(chosen)
                waiting += touching[chosen]
        if not waiting:
            break
    still = tuple(r for r in unprotected if _exposed(r, values, hidden))
    still += tuple(r for r in unprotected if r not in still)  # gave up on by bounds: hide their columns
    return Protected(frozenset(hidden), still)


def _close(
    values: Mapping[Cell, int],
    relations: Sequence[Relation],
    hidden: set[Cell],
    may_hide: Callable[[Cell], bool],
    touching: Mapping[Cell, list[int]],
    start: list[int],
    unprotected: dict[Relation, None],
) -> None:
    """Hide cells until no relation has one hidden cell alone, or hidden parts adding up to nothing."""
    waiting, queued = deque(start), set(start)
    while waiting:
        n = waiting.popleft()
        queued.discard(n)
        relation = relations[n]
        if not _exposed(relation, values, hidden):
            continue
        chosen = _smallest(relation, values, hidden, may_hide)
        if chosen is None:
            unprotected[relation] = None
            continue
        hidden.add(chosen)
        for again in touching[chosen]:
            if again not in queued:
                waiting.append(again)
                queued.add(again)


def _smallest(
    relation: Relation, values: Mapping[Cell, int], hidden: set[Cell], may_hide: Callable[[Cell], bool]
) -> Cell | None:
    # The smallest positive cell; on a tie a part rather than the whole (a quarter, not the year).
    candidates = [c for c in (relation.whole, *relation.parts) if c not in hidden and may_hide(c)]
    if not candidates:
        return None
    return min(candidates, key=lambda c: (values[c] == 0, values[c], c == relation.whole, _number(c)))


def _number(cell: Cell) -> int:
    """A numbered cell's number (protect numbers the caller's cells in the order ties are broken in)."""
    return cast(int, cell)


def _widest(
    cell: Cell,
    values: Mapping[Cell, int],
    relations: Sequence[Relation],
    hidden: set[Cell],
    may_hide: Callable[[Cell], bool],
    touching: Mapping[Cell, list[int]],
) -> Relation | None:
    """A relation of the pinned cell with a shown cell that may be hidden."""
    usable = [relations[n] for n in touching[cell] if _smallest(relations[n], values, hidden, may_hide)]
    return usable[0] if usable else None


def pinned(
    values: Mapping[Cell, int],
    relations: Sequence[Relation],
    hidden: set[Cell] | frozenset[Cell],
    touching: Mapping[Cell, list[int]] | None = None,
    order: Callable[[Cell], Any] = repr,
) -> list[Cell]:
    """The hidden cells whose value an attacker can pin from the shown ones with bounds alone: each
    count is at least 0, a whole is at least its shown parts, a part at most its whole less the rest."""
    if touching is None:
        index: dict[Cell, list[int]] = {}
        for n, relation in enumerate(relations):
            for cell in (relation.whole, *relation.parts):
                index.setdefault(cell, []).append(n)
        touching = index
    low: dict[Cell, float] = dict.fromkeys(hidden, 0)
    high: dict[Cell, float] = dict.fromkeys(hidden, INFINITY)
    # Each relation's shown parts add up to a constant, so a pass over it costs its hidden parts only:
    # a total over 120 groups with 3 hidden is 3 steps, not 120, however often it is tightened.
    shown_sum = [sum(values[p] for p in r.parts if p not in hidden) for r in relations]
    hidden_parts = [[p for p in r.parts if p in hidden] for r in relations]
    wholes = [r.whole for r in relations]
    whole_hidden = [r.whole in hidden for r in relations]
    waiting, queued = deque(range(len(relations))), set(range(len(relations)))
    budget = PASSES * len(relations)
    while waiting:
        budget -= 1
        if budget < 0:  # tightening by ones around a cycle: whatever is still moving counts as pinned
            moving = {c for n in waiting for c in (relations[n].whole, *relations[n].parts)}
            return sorted({c for c in hidden if low[c] == high[c] or c in moving}, key=order)
        n = waiting.popleft()
        queued.discard(n)
        parts = hidden_parts[n]
        if not parts and not whole_hidden[n]:
            continue
        # One pass of the bounds over whole = shown parts + hidden parts, written out in the loop: it runs
        # tens of thousands of times on a table of 120 rows with most cells hidden.
        changed = []
        lows = [low[p] for p in parts]
        highs = [high[p] for p in parts]
        parts_low: float = shown_sum[n]
        finite_high: float = shown_sum[n]
        endless = 0
        for lo, hi in zip(lows, highs, strict=True):
            parts_low += lo
            if hi == INFINITY:
                endless += 1
            else:
                finite_high += hi
        whole = wholes[n]
        if whole_hidden[n]:
            whole_low, whole_high = low[whole], high[whole]
            new_low = max(whole_low, parts_low)
            new_high = min(whole_high, INFINITY if endless else finite_high)
            if new_low != whole_low or new_high != whole_high:
                low[whole], high[whole] = whole_low, whole_high = new_low, new_high
                changed.append(whole)
        else:
            whole_low = whole_high = values[whole]
        for part, lo, hi in zip(parts, lows, highs, strict=True):
            if hi == INFINITY:
                others_high = INFINITY if endless > 1 else finite_high
            else:
                others_high = INFINITY if endless else finite_high - hi
            new_lo = max(lo, whole_low - others_high)
            new_hi = min(hi, whole_high - (parts_low - lo))
            if new_lo != lo or new_hi != hi:
                low[part], high[part] = new_lo, new_hi
                changed.append(part)
        for cell in changed:
            for again in touching[cell]:
                # One pass over a sum is as tight as it gets: only the cells' other relations can move.
                if again not in queued and again != n:
                    waiting.append(again)
                    queued.add(again)
    return sorted((c for c in hidden if low[c] == high[c]), key=order)


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
