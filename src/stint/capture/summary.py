"""What an import reports (`ImportSummary`) and when stat alone says a file is as it was
read (`unchanged`): kept apart from the importer so that a re-import with nothing new
(`stint.capture.quick_import`) answers without loading the store's SQLAlchemy side."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stint.model.units import money, plural

TYPE_CHECKING = False
if TYPE_CHECKING:  # the re-import's quick path does not load the model's types
    from stint.model.types import EventIn

PROBLEMS_KEPT = 10  # bad lines named one by one; the rest are only counted


@dataclass
class ImportSummary:
    files_read: int = 0
    files_skipped: int = 0
    files_replaced: int = 0  # rewritten since the last import: read again from the start
    bytes_read: int = 0
    new_lines: int = 0
    bad_lines: int = 0  # not JSON
    wrong_shape_lines: int = 0  # JSON, but not a line of the agent's format
    # the first PROBLEMS_KEPT of both: {"path", "line", "problem"}
    problems: list[dict[str, Any]] = field(default_factory=list)
    sessions_created: int = 0
    sessions_updated: int = 0
    events_stored: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cache_creation_tokens: int = 0
    cache_read_tokens: int = 0
    cost_usd: float = 0.0
    unknown_models: set[str] = field(default_factory=set)
    warnings: list[str] = field(default_factory=list)
    touched: set[int] = field(default_factory=set)
    # (agent, agent session id) → its stint session's `imports.KNOWN_COLUMNS` as last
    # seen by this run (saves re-reading it for every flush)
    known: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)

    def count_tokens(self, event: EventIn) -> None:
        payload = event.payload
        self.input_tokens += int(payload.get("input_tokens", 0))
        self.output_tokens += int(payload.get("output_tokens", 0))
        self.cache_creation_tokens += int(payload.get("cache_creation_tokens", 0))
        self.cache_read_tokens += int(payload.get("cache_read_tokens", 0))
        self.cost_usd += float(payload.get("cost_usd", 0.0))

    def problem(self, path: Path, line: int, problem: str) -> None:
        if problem == "not valid JSON":
            self.bad_lines += 1
        else:
            self.wrong_shape_lines += 1
        if len(self.problems) < PROBLEMS_KEPT:
            self.problems.append({"path": str(path), "line": line, "problem": problem})

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.__dict__.items() if k not in ("touched", "known")}
        data["unknown_models"] = sorted(self.unknown_models)
        data["cost_usd"] = round(self.cost_usd, 6)
        return data


def unchanged(known: Any, size: int, inode: int, mtime: int) -> bool:
    """Whether stat alone says the file is as it was read: everything up to its size was
    read and its inode and modification time are the ones seen then. Rows without a
    modification time fall back to `replaced`'s fingerprint."""
    return (
        known.offset > 0
        and size == known.offset
        and known.mtime_ns is not None
        and known.mtime_ns == mtime
        and known.inode == inode
    )


TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")


def report_lines(summary: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What `stint import` prints for `summary` (`ImportSummary.to_dict()`): the lines for
    stdout and the warnings for stderr. Shared by the CLI and the re-import's quick path
    (`stint.capture.quick_import`), which prints without Click."""
    megabytes = summary["bytes_read"] / 1_000_000
    replaced = summary["files_replaced"]
    again = f", {replaced} replaced and read again from the start" if replaced else ""
    tokens = sum(summary[name] for name in TOKEN_FIELDS)
    lines = [
        f"Read {plural(summary['files_read'], 'file')}, {megabytes:.1f} MB, "
        f"{plural(summary['new_lines'], 'new line', grouped=True)} "
        f"({summary['files_skipped']} unchanged{again}).",
        f"Sessions: {summary['sessions_created']} created, {summary['sessions_updated']} "
        f"updated; {plural(summary['events_stored'], 'event', grouped=True)} stored.",
        f"Tokens read: {tokens:,}   Cost: {money(summary['cost_usd'])}",
        *_problem_lines(summary),
    ]
    return lines, [f"warning: {warning}" for warning in summary["warnings"]]


def _problem_lines(summary: dict[str, Any]) -> list[str]:
    """Lines that were skipped, counted and named by file and line (the first few)."""
    bad, wrong = summary["bad_lines"], summary["wrong_shape_lines"]
    if not bad and not wrong:
        return []
    kinds = [f"{n:,} not valid JSON" for n in [bad] if n] + [
        f"{n:,} of the wrong shape" for n in [wrong] if n
    ]
    skipped = bad + wrong
    lines = [f"Skipped {plural(skipped, 'bad line', grouped=True)} ({', '.join(kinds)}):"]
    lines += [f"  {p['path']}:{p['line']}: {p['problem']}" for p in summary["problems"]]
    rest = skipped - len(summary["problems"])
    if rest > 0:
        lines.append(f"  … and {rest:,} more")
    return lines
