"""Pure analytics functions: periods, time-zone segments, summaries, Mann–Whitney U.
Expected values are worked out by hand in the comments."""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stint.analytics.compare import CohortSpec
from stint.analytics.periods import local_zone, offset_segments, parse_period
from stint.analytics.report import cost_per_outcome
from stint.analytics.stats import _pairs_below, mann_whitney, ratio, summary
from stint.cli.render_stats import sparkline
from stint.model.types import StintError

NY = ZoneInfo("America/New_York")


def test_week_is_the_calendar_week_from_monday_midnight_local() -> None:
    # Wednesday 2026-03-11 15:00 UTC = 11:00 EDT; that week's Monday is 2026-03-09,
    # whose local midnight is 04:00 UTC (EDT, UTC-4).
    now = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)
    week = parse_period("week", NY, now)
    assert week.start == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)
    assert week.end == now
    # Monday 00:30 local is already in the new week.
    early = datetime(2026, 3, 9, 4, 30, tzinfo=UTC)
    assert parse_period("week", NY, early).start == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)


def test_month_today_days_and_inclusive_ranges() -> None:
    now = datetime(2026, 3, 11, 15, 0, tzinfo=UTC)
    # 1 March is still EST (UTC-5): midnight is 05:00 UTC.
    assert parse_period("month", NY, now).start == datetime(2026, 3, 1, 5, 0, tzinfo=UTC)
    assert parse_period("today", NY, now).start == datetime(2026, 3, 11, 4, 0, tzinfo=UTC)
    assert parse_period("7d", NY, now).start == datetime(2026, 3, 5, 5, 0, tzinfo=UTC)
    span = parse_period("2026-03-07..2026-03-08", NY, now)
    # Both days included: to midnight starting 9 March (EDT by then).
    assert span.start == datetime(2026, 3, 7, 5, 0, tzinfo=UTC)
    assert span.end == datetime(2026, 3, 9, 4, 0, tzinfo=UTC)
    assert parse_period("all", NY, now).start is None
    for bad in ("fortnight", "2026-03-09..2026-03-01", "2026-13-01"):
        with pytest.raises(StintError):
            parse_period(bad, NY, now)


def test_offset_segments_find_the_dst_change_to_the_second() -> None:
    # US DST began 2026-03-08 at 02:00 EST = 07:00 UTC; it ended 2026-11-01 06:00 UTC.
    segments = offset_segments(
        NY, datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    )
    assert segments == [
        (None, -5 * 3600),
        (datetime(2026, 3, 8, 7, 0, tzinfo=UTC), -4 * 3600),
        (datetime(2026, 11, 1, 6, 0, tzinfo=UTC), -5 * 3600),
    ]
    assert offset_segments(UTC, None, None) == [(None, 0)]


def test_unknown_zone_is_a_clear_error() -> None:
    with pytest.raises(StintError, match="unknown time zone"):
        local_zone("Mars/Olympus")
    assert local_zone("Europe/Paris") == ZoneInfo("Europe/Paris")


def test_ratio_and_cost_per_outcome_never_divide_by_zero() -> None:
    assert ratio(3, 0) is None and ratio(None, 2) is None and ratio(3, 4) == 0.75
    assert cost_per_outcome(2.0, 4, 0, -30, 1) == {
        "per_completed_task": 0.5,
        "per_commit": None,
        "per_100_net_lines": None,  # net lines went down: no "per line added" figure
        "per_achieved_goal": 2.0,
    }
    assert cost_per_outcome(3.0, 0, 2, 300, 0)["per_100_net_lines"] == 1.0


def test_summary_quartiles_by_hand() -> None:
    # Inclusive method: positions 1 + (n-1)·q; for 1..5 that is 2, 3, 4.
    assert summary([5, 1, 4, 2, 3]) == {
        "n": 5,
        "mean": 3.0,
        "median": 3.0,
        "q1": 2.0,
        "q3": 4.0,
        "min": 1,
        "max": 5,
    }
    # For 1..4: positions 1.75, 2.5, 3.25 -> 1.75, 2.5, 3.25.
    four = summary([1, 2, 3, 4])
    assert (four["q1"], four["median"], four["q3"]) == (1.75, 2.5, 3.25)
    assert summary([])["median"] is None
    assert summary([7])["q1"] == 7


# Whole numbers (ints and floats mixed), repeats and values that rarely repeat; any size.
sample = st.lists(
    st.integers(min_value=-50, max_value=50)
    | st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
    min_size=1,
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(sample)
def test_summary_matches_the_statistics_module_to_the_last_bit(values: list[float]) -> None:
    # summary works the quartiles and the mean out without the statistics module (it
    # loads random, fractions and decimal): they must be statistics' own, exactly.
    import statistics

    found = summary(values)
    data = sorted(values)
    quartiles = (
        statistics.quantiles(data, n=4, method="inclusive") if len(data) > 1 else [data[0]] * 3
    )
    assert [found["q1"], found["median"], found["q3"]] == quartiles
    assert [type(v) for v in (found["q1"], found["median"], found["q3"])] == [
        type(v) for v in quartiles
    ]
    assert found["mean"] == statistics.fmean(data)
    assert (found["n"], found["min"], found["max"]) == (len(data), data[0], data[-1])


def test_mann_whitney_exact_small_samples() -> None:
    # A entirely below B: U_A = 0; of C(6,3) = 20 orderings only one has U = 0,
    # so the two-sided p is 2/20.
    low = mann_whitney([1, 2, 3], [4, 5, 6])
    assert low["u_a"] == 0 and low["u"] == 0 and low["method"] == "exact"
    assert low["p"] == pytest.approx(0.1)
    # Interleaved: ranks of A are 1, 3, 5 -> R = 9, U_A = 9 - 6 = 3. The null counts of
    # U = 0..9 for n = 3, 3 are 1 1 2 3 3 3 3 2 1 1, so P(U <= 3) = 7/20 and p = 0.7.
    mixed = mann_whitney([1, 3, 5], [2, 4, 6])
    assert mixed["u_a"] == 3 and mixed["p"] == pytest.approx(0.7)
    assert mixed["prob_a_greater"] == pytest.approx(3 / 9)


def test_mann_whitney_normal_approximation_with_ties_by_hand() -> None:
    # Combined: 1A 2A 2A 2B 3A 3B 4B 5B. Ranks: 1; the three 2s share 3; the two 3s
    # share 5.5; 7; 8. R_A = 1 + 3 + 3 + 5.5 = 12.5, U_A = 12.5 - 4·5/2 = 2.5.
    # Mean 8; tie term (3³-3 + 2³-2) / (8·7) = 30/56; variance 16/12 · (9 - 30/56).
    # z = (|2.5 - 8| - 0.5) / sqrt(variance).
    result = mann_whitney([1, 2, 2, 3], [2, 3, 4, 5])
    variance = 16 / 12 * (9 - 30 / 56)
    z = 5 / math.sqrt(variance)
    assert result["method"] == "normal" and result["u_a"] == 2.5
    assert result["z"] == pytest.approx(z)
    assert result["p"] == pytest.approx(math.erfc(z / math.sqrt(2)))
    assert 0.13 < result["p"] < 0.14


def test_mann_whitney_large_samples_and_degenerate_cases() -> None:
    shifted = mann_whitney(list(range(30)), [x + 20.5 for x in range(30)])
    assert shifted["method"] == "normal" and shifted["p"] < 0.001
    same = mann_whitney([x + 0.1 for x in range(0, 60, 2)], [x + 0.1 for x in range(1, 60, 2)])
    assert same["p"] > 0.5
    assert mann_whitney([], [1.0])["p"] is None
    assert mann_whitney([2, 2, 2], [2, 2])["p"] == 1.0


def test_cohort_spec_parsing() -> None:
    assert CohortSpec.parse("model=claude-opus-4-6") == CohortSpec("model", "claude-opus-4-6")
    assert CohortSpec.parse("agent=").value == ""
    with pytest.raises(StintError):
        CohortSpec.parse("colour=blue")
    with pytest.raises(StintError):
        CohortSpec.parse("model")


def test_sparkline_scales_to_the_top() -> None:
    assert sparkline([0, 4, 8]) == "▁▅█"
    assert sparkline([None, 50.0, 100.0], 100.0) == " ▅█"
    assert sparkline([0, 0]) == "▁▁"


def test_a_store_at_0001_is_migrated_to_the_latest_indexes(stint_home: Path) -> None:
    from sqlalchemy import inspect

    from stint.store.engine import SCHEMA_REVISION, current_revision, make_engine, upgrade
    from stint.tracker import Tracker

    url = f"sqlite:///{stint_home / 'old.db'}"
    engine = make_engine(url)
    upgrade(engine, "0001")
    assert current_revision(engine) == "0001"
    assert "ix_sessions_analytics" not in {
        i["name"] for i in inspect(engine).get_indexes("sessions")
    }
    tracker = Tracker.open(url)
    assert current_revision(engine) == SCHEMA_REVISION
    indexes = {i["name"] for i in inspect(engine).get_indexes("sessions")}
    assert {"ix_sessions_analytics", "ix_sessions_org_id", "ix_sessions_cohorts"} <= indexes
    tracker.close()
    engine.dispose()


small = st.lists(st.integers(min_value=0, max_value=6), min_size=1, max_size=7)


@settings(max_examples=150, deadline=None)
@given(small, small)
def test_u_matches_counting_pairs_and_exact_p_matches_enumeration(
    a: list[int], b: list[int]
) -> None:
    result = mann_whitney(a, b)
    pairs = sum((x > y) + 0.5 * (x == y) for x in a for y in b)
    assert result["u_a"] == pairs
    assert 0.0 <= result["p"] <= 1.0
    if result["method"] == "exact":
        # Every way to split the pooled values into groups of len(a) and len(b).
        pooled = [*a, *b]
        extreme = 0
        total = 0
        for chosen in combinations(range(len(pooled)), len(a)):
            left = [pooled[i] for i in chosen]
            right = [pooled[i] for i in range(len(pooled)) if i not in chosen]
            u = sum((x > y) + 0.5 * (x == y) for x in left for y in right)
            extreme += min(u, len(a) * len(b) - u) <= result["u"]
            total += 1
        assert result["p"] == pytest.approx(min(1.0, extreme / total))


# Samples past the exact limit, drawn so that many values repeat within and across them
# (whole and half numbers, ints equal to floats) next to values that rarely do.
tied = st.lists(
    st.sampled_from([0, 0.5, 1, 1.0, 2, 2.5, 3, 100.0])
    | st.floats(min_value=0, max_value=100, allow_nan=False),
    min_size=1,
    max_size=60,
)


@settings(max_examples=200, deadline=None)
@given(tied, tied)
def test_u_and_tie_groups_from_the_merged_samples_match_counting_pairs_and_values(
    a: list[float], b: list[float]
) -> None:
    # U and the tie correction are found on the merged sorted samples; here every pair is
    # counted and every value's repeats are tallied, then the normal approximation is
    # worked out again: the results must match to the last bit.
    result = mann_whitney(a, b)
    n1, n2 = len(a), len(b)
    pairs = sum((x > y) + 0.5 * (x == y) for x in a for y in b)
    assert result["u_a"] == pairs
    assert result["u"] == min(pairs, n1 * n2 - pairs)
    if result["method"] == "exact":
        assert len(set(a + b)) == n1 + n2
        return
    n = n1 + n2
    tie_term = sum(t**3 - t for t in Counter([*a, *b]).values()) / (n * (n - 1))
    variance = n1 * n2 / 12 * ((n + 1) - tie_term)
    if variance <= 0:
        assert result["p"] == 1.0
        return
    z = max(0.0, abs(pairs - n1 * n2 / 2) - 0.5) / math.sqrt(variance)
    assert result["z"] == z
    assert result["p"] == min(1.0, math.erfc(z / math.sqrt(2)))


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=40) | st.floats(0, 40), max_size=300),
    st.lists(st.integers(min_value=0, max_value=40) | st.floats(0, 40), max_size=300),
)
def test_pairs_below_by_blocks_match_one_bisect_per_value(a: list[float], b: list[float]) -> None:
    # The blocks' bounds narrow each bisection; the count must be the plain one's, over
    # many blocks, repeats across a block's edge and samples shorter than one block.
    a_sorted, b_sorted = sorted(a), sorted(b)
    plain = sum(bisect_left(b_sorted, x) for x in a_sorted)
    assert _pairs_below(a_sorted, b_sorted) == plain
