"""The deterministic goal evaluator: outcome achieved / partial / not_achieved from the
structured indicators and the session's evidence, with the reasons listed. It never calls
out, so it works offline; `stint.goals.llm_eval` builds on it for free-text indicators."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from stint.goals.indicators import Facts, progress
from stint.model.timeparse import utcnow
from stint.model.units import plural


def evidence(facts: Facts) -> tuple[dict[str, Any], list[str], list[str]]:
    """The session's evidence as figures, plus what speaks for and against the goal."""
    row = facts.row
    runs, passed = facts.tests()
    ok, failed, last_ok = facts.results()
    figures = {
        "commits_made": row["commits_made"],
        "tasks_created": row["tasks_created"],
        "tasks_completed": row["tasks_completed"],
        "tests_run": runs,
        "tests_passed": passed,
        "results_ok": ok,
        "results_failed": failed,
        "status": row["status"],
    }
    good: list[str] = []
    bad: list[str] = []
    created, completed = int(row["tasks_created"]), int(row["tasks_completed"])
    if created:
        if completed >= created:
            good.append(f"all {created} tasks completed")
        elif completed == 0:
            bad.append(f"none of {created} tasks completed")
    if runs:
        if passed is True:
            good.append(f"tests run {runs}x, the last run passed")
        elif passed is False:
            bad.append(f"tests run {runs}x, the last run failed")
    if row["commits_made"]:
        good.append(f"{plural(row['commits_made'], 'commit')} made")
    if last_ok is False:
        bad.append(f"the last command result failed ({failed} failed, {ok} ok)")
    if row["status"] in ("failed", "cancelled", "timeout"):
        bad.append(f"the session {'timed out' if row['status'] == 'timeout' else row['status']}")
    return figures, good, bad


def decide(
    indicators: Sequence[Mapping[str, Any]], good: Sequence[str], bad: Sequence[str]
) -> tuple[str | None, list[str], int | None]:
    """Outcome, reasons and completion percentage from judged indicators and evidence:
    all judged indicators met → achieved (partial if evidence speaks against it); some →
    partial; none → not_achieved. Without judged indicators, the evidence decides."""
    reasons: list[str] = []
    judged = [i for i in indicators if i["met"] is not None]
    for item in indicators:
        label = item["indicator"]
        if item["met"] is None:
            reasons.append(f"not judged: {label} ({item['detail']})")
        else:
            verdict = "met" if item["met"] else "not met"
            reasons.append(f"{verdict}: {label} ({item['detail']})")
    reasons += [f"evidence: {text}" for text in good]
    reasons += [f"against: {text}" for text in bad]
    if judged:
        met = sum(1 for i in judged if i["met"])
        percentage = round(100 * met / len(judged))
        if met == len(judged):
            outcome = "partial" if bad else "achieved"
        else:
            outcome = "not_achieved" if met == 0 else "partial"
        return outcome, reasons, percentage
    if good or bad:
        outcome = "achieved" if not bad else ("not_achieved" if not good else "partial")
        return outcome, reasons, None
    reasons.append("nothing to judge: no structured indicators and no evidence")
    return None, reasons, None


def evaluate(facts: Facts) -> dict[str, Any]:
    """The deterministic evaluation of a session (never calls out; works offline)."""
    report = progress(facts, use_llm_judgments=False)
    indicators = report["success_indicators"] + report["completion_indicators"]
    figures, good, bad = evidence(facts)
    outcome, reasons, percentage = decide(indicators, good, bad)
    return {
        "evaluator": "deterministic",
        "outcome": outcome,
        "reasons": reasons,
        "completion_percentage": percentage,
        "success_indicators": report["success_indicators"],
        "completion_indicators": report["completion_indicators"],
        "can_complete": report["can_complete"],
        "evidence": figures,
        "evaluated_at": utcnow().isoformat(),
    }
