"""Code health in one line for people (`stint show`, the end summary, the dashboard):
pure formatting of a stored health summary, so read paths need no analyser or store."""

from __future__ import annotations

from typing import Any


def summary_line(summary: dict[str, Any] | None) -> str | None:
    """One line for people: "complexity −3 over 4 files; 1 new function over 15"."""
    if not summary:
        return None
    if summary["status"] != "measured":
        return f"health not measured: {summary['reason']}"
    delta = summary["ccn_delta"]
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    files = summary["files_measured"]
    parts = [f"complexity {sign}{abs(delta)} over {files} file{'s' if files != 1 else ''}"]
    before, after = summary["mean_ccn_before"], summary["mean_ccn_after"]
    if before is not None or after is not None:
        shown = [f"{v:.1f}" if v is not None else "—" for v in (before, after)]
        parts[0] += f" (mean per function {shown[0]} → {shown[1]})"
    added, removed = summary["complex_added"], summary["complex_removed"]
    over = summary["threshold"]
    if added:
        parts.append(f"{added} new function{'s' if added != 1 else ''} over {over}")
    if removed:
        parts.append(f"{removed} function{'s' if removed != 1 else ''} over {over} gone")
    if summary["files_skipped"]:
        parts.append(f"{summary['files_skipped']} skipped")
    return "; ".join(parts)
