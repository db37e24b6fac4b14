"""Side by side: two sessions (every figure, the difference, which is better, what
differed) and cohorts of sessions (distributions and a rank test of each figure)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from stint.analytics.report import cost_per_outcome
from stint.analytics.stats import mann_whitney, ratio, summary
from stint.model.timeparse import human_duration
from stint.model.types import Session, StintError
from stint.store.cohorts import COHORT_FIGURES

# (name, how to read it off a session, which way is better: +1 higher, -1 lower, 0 neither)
_FIGURES: tuple[tuple[str, int], ...] = (
    ("score", +1),
    ("duration_seconds", 0),
    ("active_seconds", 0),
    ("tasks_created", 0),
    ("tasks_completed", +1),
    ("task_completion_rate", +1),
    ("decisions", 0),
    ("context_items", 0),
    ("loc_added", 0),
    ("loc_removed", 0),
    ("loc_net", 0),
    ("churn", -1),
    ("files_modified", 0),
    ("commits", +1),
    ("messages", 0),
    ("tool_calls", 0),
    ("tool_failures", -1),
    ("tokens", 0),
    ("cost_usd", -1),
    ("cost_per_completed_task", -1),
    ("cost_per_commit", -1),
    ("cost_per_100_net_lines", -1),
    ("cost_per_achieved_goal", -1),
)
COHORT_KEYS = ("model", "tag", "agent", "project", "kind", "branch", "environment")
# Which way is better for the cohort figures.
_COHORT_BETTER = {"score": 1, "active_seconds": 0, "cost_usd": -1, "lines": 0, "task_completion": 1}
SIGNIFICANCE = 0.05


def session_figures(session: Session) -> dict[str, Any]:
    row = session.row
    added, removed = int(row["loc_added"]), int(row["loc_removed"])
    cost = float(row["cost_usd"] or 0.0)
    per = cost_per_outcome(
        cost,
        int(row["tasks_completed"]),
        int(row["commits_made"]),
        added - removed,
        1 if row["outcome"] == "achieved" else 0,
    )
    return {
        "score": session.score,
        "duration_seconds": round(session.duration_seconds, 1),
        "active_seconds": round(session.active_seconds, 1),
        "tasks_created": int(row["tasks_created"]),
        "tasks_completed": int(row["tasks_completed"]),
        "task_completion_rate": ratio(row["tasks_completed"], row["tasks_created"]),
        "decisions": int(row["decisions_made"]),
        "context_items": int(row["context_items_added"]),
        "loc_added": added,
        "loc_removed": removed,
        "loc_net": added - removed,
        # Lines removed per line added: rewriting what was just written shows up here.
        "churn": ratio(removed, added),
        "files_modified": int(row["files_modified"]),
        "commits": int(row["commits_made"]),
        "messages": int(row["message_count"]),
        "tool_calls": int(row["tool_call_count"]),
        "tool_failures": int(row["tool_failures"]),
        "tokens": int(row["input_tokens"]) + int(row["output_tokens"]),
        "cost_usd": cost,
        "cost_per_completed_task": per["per_completed_task"],
        "cost_per_commit": per["per_commit"],
        "cost_per_100_net_lines": per["per_100_net_lines"],
        "cost_per_achieved_goal": per["per_achieved_goal"],
    }


def _better(a: Any, b: Any, direction: int) -> str | None:
    if direction == 0 or a is None or b is None or a == b:
        return None
    return "a" if (a > b) == (direction > 0) else "b"


def _tidy(value: Any) -> Any:
    """Floats to micro precision: JSON readers get 0.333333 and -58.2, not the binary
    noise of 0.3333333333333333 or -58.199999999999996 (costs keep micro-dollars)."""
    return round(value, 6) if isinstance(value, float) else value


def compare_sessions(a: Session, b: Session) -> dict[str, Any]:
    """Every figure of A and B with B − A and which is better (None: neither or no view)."""
    fa, fb = session_figures(a), session_figures(b)
    rows = []
    for name, direction in _FIGURES:
        va, vb = _tidy(fa[name]), _tidy(fb[name])
        diff = None if va is None or vb is None else _tidy(vb - va)
        rows.append(
            {
                "figure": name,
                "a": va,
                "b": vb,
                "difference": diff,
                "better": _better(va, vb, direction),
            }
        )
    return {
        "a": {
            "id": a.id,
            "number": a.number,
            "ref": a.ref,
            "goal": a.goal,
            "model": a.ai_model,
            "tags": a.tags,
            "outcome": a.outcome,
        },
        "b": {
            "id": b.id,
            "number": b.number,
            "ref": b.ref,
            "goal": b.goal,
            "model": b.ai_model,
            "tags": b.tags,
            "outcome": b.outcome,
        },
        "figures": rows,
        "differed": _what_differed(a, b, fa, fb),
    }


def _what_differed(a: Session, b: Session, fa: dict[str, Any], fb: dict[str, Any]) -> list[str]:
    notes = []
    da, db = fa["active_seconds"], fb["active_seconds"]
    if max(da, db) > 0 and abs(da - db) >= 0.2 * max(da, db):
        longer = "B" if db > da else "A"
        notes.append(f"{longer} was longer: active {human_duration(da)} vs {human_duration(db)}")
    ra, rb = fa["task_completion_rate"], fb["task_completion_rate"]
    if ra != rb:

        def pct(r: float | None) -> str:
            return "no tasks" if r is None else f"{r:.0%}"

        notes.append(f"task completion {pct(ra)} vs {pct(rb)}")
    ca, cb = fa["churn"], fb["churn"]
    if ca is not None and cb is not None and abs(ca - cb) >= 0.1:
        notes.append(f"churn (removed per added line) {ca:.2f} vs {cb:.2f}")
    if fa["files_modified"] != fb["files_modified"]:
        notes.append(f"files modified {fa['files_modified']} vs {fb['files_modified']}")
    if (a.ai_model or None) != (b.ai_model or None):
        notes.append(f"model {a.ai_model or '—'} vs {b.ai_model or '—'}")
    if sorted(a.tags) != sorted(b.tags):
        only_a = sorted(set(a.tags) - set(b.tags))
        only_b = sorted(set(b.tags) - set(a.tags))
        notes.append(
            "tags: only A " + (", ".join(only_a) or "—") + "; only B " + (", ".join(only_b) or "—")
        )
    return notes


@dataclass(frozen=True)
class CohortSpec:
    """`key=value` (value "" means "not set"), e.g. model=claude-opus-4-6, tag=refactor."""

    key: str
    value: str

    @classmethod
    def parse(cls, text: str) -> CohortSpec:
        key, sep, value = text.partition("=")
        key = key.strip().lower()
        if not sep or key not in COHORT_KEYS:
            raise StintError(
                f"cohort {text!r}: write KEY=VALUE with KEY one of {', '.join(COHORT_KEYS)}"
            )
        return cls(key, value.strip())

    @property
    def label(self) -> str:
        return f"{self.key}={self.value}"


def compare_cohorts(
    specs: Sequence[CohortSpec], samples: Sequence[Iterable[Sequence[tuple[Any, ...]]]]
) -> dict[str, Any]:
    """Distributions of each figure per cohort and, for each later cohort against the
    first, a Mann–Whitney test: `significant` is true when p < 0.05. `samples` are the
    batches of per-session tuples `stint.store.analytics.cohort_values` yields, one
    iterable per spec."""
    columns: list[dict[str, list[float]]] = []
    for sample in samples:
        values: dict[str, list[float]] = {name: [] for name in COHORT_FIGURES}
        for batch in sample:
            # One pass per figure, dropping the NULLs (cheaper than transposing the batch
            # with zip(*batch), which makes an iterator per row). `* 1` copies each value
            # (ints stay ints, -0.0 stays -0.0) so that a figure's values lie side by side
            # in memory: sorting and ranking them then stay in the CPU cache, where the
            # values read in the rows, strewn among the other figures', miss it each time.
            for index, name in enumerate(COHORT_FIGURES):
                values[name].extend([row[index] * 1 for row in batch if row[index] is not None])
        for figure_values in values.values():
            figure_values.sort()
        columns.append(values)
    cohorts = [
        {
            "cohort": spec.label,
            "sessions": max(len(v) for v in col.values()),
            "figures": {name: summary(col[name]) for name in COHORT_FIGURES},
        }
        for spec, col in zip(specs, columns, strict=True)
    ]
    tests = []
    for index in range(1, len(specs)):
        for name in COHORT_FIGURES:
            test = mann_whitney(columns[0][name], columns[index][name])
            p = test["p"]
            significant = p is not None and p < SIGNIFICANCE
            better = None
            if significant and _COHORT_BETTER[name]:
                a_higher = test["prob_a_greater"] > 0.5
                better = (
                    specs[0].label
                    if a_higher == (_COHORT_BETTER[name] > 0)
                    else (specs[index].label)
                )
            tests.append(
                {
                    "a": specs[0].label,
                    "b": specs[index].label,
                    "figure": name,
                    **test,
                    "significant": significant,
                    "better": better,
                }
            )
    return {"cohorts": cohorts, "tests": tests, "alpha": SIGNIFICANCE}
