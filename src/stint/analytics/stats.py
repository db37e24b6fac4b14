"""Small statistics, written here rather than pulled from scipy: distribution summaries
and the Mann–Whitney U rank test (exact for small samples without ties, else the normal
approximation with tie and continuity corrections)."""

from __future__ import annotations

import itertools
import math
import statistics
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import repeat
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
    data = sorted(values)
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
    if n == 1:
        q1 = median = q3 = data[0]
    else:
        q1, median, q3 = statistics.quantiles(data, n=4, method="inclusive")
    return {
        "n": n,
        "mean": statistics.fmean(data),
        "median": median,
        "q1": q1,
        "q3": q3,
        "min": data[0],
        "max": data[-1],
    }


def _u_statistic(a: Sequence[float], b_sorted: Sequence[float], tied: bool) -> float:
    """Pairs (x in a, y in b) with x > y, ties counting half: the U of sample a.
    below + equal/2 = (bisect_left + bisect_right) / 2 for each x; map keeps the loop in C.
    Without ties bisect_left alone is the count below."""
    left = sum(map(bisect_left, repeat(b_sorted, len(a)), a))
    if not tied:
        return float(left)
    right = sum(map(bisect_right, repeat(b_sorted, len(a)), a))
    return (left + right) / 2


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
    combined = [*a, *b]
    tied = len(set(combined)) < len(combined)
    ties = [t for t in Counter(combined).values() if t > 1] if tied else []
    u_a = _u_statistic(a, sorted(b), tied)  # timsort: linear when b is already sorted
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
