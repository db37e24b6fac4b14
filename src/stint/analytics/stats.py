"""Small statistics, written here rather than pulled from scipy: distribution summaries
and the Mann–Whitney U rank test (exact for small samples without ties, else the normal
approximation with tie and continuity corrections)."""

from __future__ import annotations

import itertools
import math
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from functools import lru_cache
from itertools import chain, compress, islice, repeat
from operator import eq
from typing import Any

EXACT_LIMIT = 20
"""Both samples at most this size and no ties: the exact distribution of U is used."""


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    """numerator / denominator, or None when that is undefined (no denominator)."""
    if numerator is None or not denominator:
        return None
    return numerator / denominator


def _is_sorted(values: Sequence[float]) -> bool:
    return all(x <= y for x, y in itertools.pairwise(values))


def summary(values: Sequence[float]) -> dict[str, Any]:
    """n, mean, median and quartiles (linear interpolation between order statistics, the
    'inclusive' method); figures are None for an empty sample."""
    data = sorted(values)  # timsort: linear on the cohorts' already sorted columns
    n = len(data)
    if n == 0:
        return {
            "n": 0,
            "mean": None,
            "median": None,
            "q1": None,
            "q3": None,
            "min": None,
            "max": None,
        }
    q1, median, q3 = _quartiles(data)
    return {
        "n": n,
        "mean": math.fsum(data) / n,  # statistics.fmean, to the last bit
        "median": median,
        "q1": q1,
        "q3": q3,
        "min": data[0],
        "max": data[-1],
    }


def _quartiles(data: Sequence[float]) -> tuple[float, float, float]:
    """The cut points statistics.quantiles(data, n=4, method="inclusive") gives for
    sorted `data` (its very arithmetic; the single value thrice for one): without the
    module, which imports `random`, `fractions` and `decimal` and sorts its input again."""
    last = len(data) - 1
    if last == 0:
        return data[0], data[0], data[0]
    cuts = []
    for i in (1, 2, 3):
        j, delta = divmod(i * last, 4)
        cuts.append((data[j] * (4 - delta) + data[j + 1] * delta) / 4)
    return cuts[0], cuts[1], cuts[2]


def _u_and_ties(a_sorted: Sequence[float], b_sorted: Sequence[float]) -> tuple[float, list[int]]:
    """The U of sample a (pairs (x in a, y in b) with x > y, ties counting half) and the
    sizes of the groups of equal values in both samples together.

    Pairs with x > y: `_pairs_below`. Equal values sit next to each other in the merged
    sorted list (timsort merges two sorted runs in linear time); each value that repeats
    there adds its a × b pairs, half each, and its group size."""
    below = _pairs_below(a_sorted, b_sorted)
    merged = sorted([*a_sorted, *b_sorted])
    repeated = set(compress(islice(merged, 1, None), map(eq, islice(merged, 1, None), merged)))
    if not repeated:
        return float(below), []
    equal_pairs, ties = 0, []
    for value in repeated:
        size = bisect_right(merged, value) - bisect_left(merged, value)
        in_a = bisect_right(a_sorted, value) - bisect_left(a_sorted, value)
        equal_pairs += in_a * (size - in_a)
        ties.append(size)
    return (2 * below + equal_pairs) / 2, ties


_BLOCK = 16
"""`_pairs_below` bisects every this many values of a in all of b, the rest between."""


def _pairs_below(a_sorted: Sequence[float], b_sorted: Sequence[float]) -> int:
    """How many pairs (x in a, y in b) have x > y: the sum of bisect_left(b, x), the loop
    kept in C by map.

    Each bisection compares through the generic rich comparison, the cost of a cohort
    test. As a is sorted, bisect_left(b, x) only grows with x: every _BLOCK-th value of
    a is bisected in all of b first, and each value between two of those only between
    their places in b, a few comparisons instead of log2(len(b)) (none where a value
    repeats over a whole block, as the few distinct task completion rates do)."""
    n1 = len(a_sorted)
    marks = list(map(bisect_left, repeat(b_sorted), islice(a_sorted, 0, None, _BLOCK)))
    marks.append(len(b_sorted))
    lows = chain.from_iterable(map(repeat, marks, repeat(_BLOCK)))
    highs = chain.from_iterable(map(repeat, islice(marks, 1, None), repeat(_BLOCK)))
    return sum(map(bisect_left, repeat(b_sorted, n1), a_sorted, lows, highs))


@lru_cache(maxsize=4096)
def _arrangements(n1: int, n2: int, u: int) -> int:
    """How many orderings of n1 a's and n2 b's have exactly u (a, b) pairs with a > b."""
    if u < 0 or u > n1 * n2:
        return 0
    if n1 == 0 or n2 == 0:
        return 1 if u == 0 else 0
    # The largest value is an a (it beats all n2 b's) or a b (it beats nothing).
    return _arrangements(n1 - 1, n2, u - n2) + _arrangements(n1, n2 - 1, u)


def mann_whitney(a: Sequence[float], b: Sequence[float]) -> dict[str, Any]:
    """Two-sided Mann–Whitney U test of `a` against `b`.

    Returns u_a (pairs where a wins, ties counting half), u (the smaller U), p, the method
    used, and prob_a_greater = u_a / (n1 n2), the chance a random a beats a random b.
    p is None when either sample is empty.
    """
    n1, n2 = len(a), len(b)
    result: dict[str, Any] = {
        "n_a": n1,
        "n_b": n2,
        "u_a": None,
        "u": None,
        "p": None,
        "method": None,
        "prob_a_greater": None,
    }
    if n1 == 0 or n2 == 0:
        return result
    u_a, ties = _u_and_ties(sorted(a), sorted(b))  # timsort: linear on sorted input
    u_b = n1 * n2 - u_a
    u = min(u_a, u_b)
    result.update(u_a=u_a, u=u, prob_a_greater=u_a / (n1 * n2))
    if not ties and n1 <= EXACT_LIMIT and n2 <= EXACT_LIMIT:
        total = math.comb(n1 + n2, n1)
        tail = sum(_arrangements(n1, n2, k) for k in range(int(u) + 1))
        result.update(p=min(1.0, 2 * tail / total), method="exact")
        return result
    n = n1 + n2
    tie_term = sum(t**3 - t for t in ties) / (n * (n - 1))
    variance = n1 * n2 / 12 * ((n + 1) - tie_term)
    if variance <= 0:  # every value equal: no evidence of any difference
        result.update(p=1.0, method="normal")
        return result
    mean = n1 * n2 / 2
    z = max(0.0, abs(u_a - mean) - 0.5) / math.sqrt(variance)
    result.update(p=min(1.0, math.erfc(z / math.sqrt(2))), method="normal", z=z)
    return result
