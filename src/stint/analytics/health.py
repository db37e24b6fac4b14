"""Code health in the analytics (issue 15): the mean complexity delta per group of
`stats --by`, two sessions' health side by side, and each cohort's distribution of
complexity deltas with a Mann–Whitney test: which agent leaves code simpler?"""

from __future__ import annotations

from typing import Any

from stint.analytics.stats import mann_whitney, summary
from stint.store import analytics as sa
from stint.store import health_groups as store_health

# Lower is better for both: less complexity added, fewer functions over the threshold.
_FIGURES = ("ccn_delta", "complex_added")


def add_to_groups(
    conn: Any, org_id: str, scope: sa.Scope, by: str, rows: list[dict[str, Any]]
) -> None:
    """Each group row of `stats --by model|tag|agent|…` gains `health_sessions` (how many
    were measured), `mean_ccn_delta` and `complex_added`; other groupings are left as is."""
    deltas = store_health.deltas_by(conn, org_id, scope, by)
    if not deltas and by not in sa.COLUMN_GROUPS and by != "tag":
        return
    for row in rows:
        found = deltas.get(row["key"], {})
        mean = found.get("mean_ccn_delta")
        row["health_sessions"] = int(found.get("health_sessions") or 0)
        row["mean_ccn_delta"] = round(float(mean), 3) if mean is not None else None
        row["complex_added"] = int(found.get("complex_added") or 0)


def add_to_comparison(
    result: dict[str, Any], a: dict[str, Any] | None, b: dict[str, Any] | None
) -> None:
    """Two sessions' health rows in `compare` (None where a side was not measured)."""

    def value(side: dict[str, Any] | None, name: str) -> Any:
        return side[name] if side and side["status"] == "measured" else None

    for name in _FIGURES:
        va, vb = value(a, name), value(b, name)
        better = None
        if va is not None and vb is not None and va != vb:
            better = "a" if va < vb else "b"
        result["figures"].append(
            {
                "figure": name,
                "a": va,
                "b": vb,
                "difference": None if va is None or vb is None else vb - va,
                "better": better,
            }
        )


def cohort_health(
    conn: Any, org_id: str, scopes: list[sa.Scope], labels: list[str]
) -> dict[str, Any]:
    """Per cohort the distribution of complexity deltas, and each later cohort tested
    against the first (`better`: the cohort that adds less complexity, when p < 0.05)."""
    samples = [sorted(store_health.cohort_deltas(conn, org_id, s)) for s in scopes]
    tests = []
    for index in range(1, len(samples)):
        test = mann_whitney([float(v) for v in samples[0]], [float(v) for v in samples[index]])
        significant = test["p"] is not None and test["p"] < 0.05
        better = None
        if significant:
            better = labels[0] if test["prob_a_greater"] < 0.5 else labels[index]
        tests.append(
            {
                "a": labels[0],
                "b": labels[index],
                **test,
                "significant": significant,
                "better": better,
            }
        )
    return {
        "cohorts": [
            {"cohort": label, "ccn_delta": summary([float(v) for v in sample])}
            for label, sample in zip(labels, samples, strict=True)
        ],
        "tests": tests,
    }
