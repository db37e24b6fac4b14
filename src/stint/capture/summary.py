"""What an import reports (`ImportSummary`); how it is printed and when stat alone says a
file is as it was read are `stint.capture.import_report`'s (exported here too), which the
re-import's quick path reads without this module's dataclass."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stint.capture.import_report import TOKEN_FIELDS as TOKEN_FIELDS
from stint.capture.import_report import report_lines as report_lines
from stint.capture.import_report import unchanged as unchanged

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
