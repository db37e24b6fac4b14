"""Aider's `.aider.chat.history.md` → stint session batches.

The file is Markdown that Aider appends to: `# aider chat started at <local time>` opens a
session, `#### ` lines are what the person typed, `> ` lines are Aider's own output (its
version, the model, `Tokens: … sent, … received. Cost: $… message, $… session.`, the
shell commands it ran, the files it edited), and the rest is the model's answer. Only the
session start carries a time, so every event of a session is dated at its start.
Events are keyed by their place in the session: the file only grows, so importing it
again stores nothing twice.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stint.capture.importer import SessionBatch
from stint.capture.keys import event_key
from stint.capture.redact import redact, text_under_policy
from stint.model.types import EventIn

AGENT = "aider"
_START = re.compile(r"^# aider chat started at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s*$")
_VERSION = re.compile(r"^Aider v(\S+)")
_MODEL = re.compile(r"^(?:Main model|Model): (\S+)")
_NUMBER = r"[\d.,]+[kKMB]?"
_TOKENS = re.compile(
    rf"^Tokens: (?P<sent>{_NUMBER}) sent"
    rf"(?:, (?P<write>{_NUMBER}) cache write)?(?:, (?P<hit>{_NUMBER}) cache hit)?"
    rf", (?P<received>{_NUMBER}) received\."
    r"(?: Cost: \$(?P<cost>[\d.]+) message, \$(?P<total>[\d.]+) session\.)?"
)
_RUNNING = re.compile(r"^Running (.+)$")
_EDITED = re.compile(r"^Applied edit to (.+)$")
_SCALE = {"k": 1_000, "K": 1_000, "M": 1_000_000, "B": 1_000_000_000}


def tokens(text: str | None) -> int:
    """Aider's rounded figure ("2.4k", "14k", "781", "1,234") as a count."""
    if not text:
        return 0
    text = text.replace(",", "")
    scale = _SCALE.get(text[-1], 1)
    number = text[:-1] if scale != 1 else text
    try:
        return round(float(number) * scale)
    except ValueError:
        return 0


def started_at(text: str) -> datetime:
    """The start line's time is the machine's local time, without a zone."""
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S").astimezone(UTC)


class _Session:
    def __init__(self, path: Path, start: str, seen: dict[str, int], policy: str) -> None:
        self.at = started_at(start)
        digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:12]
        sid = f"{digest}-{start.replace(' ', 'T')}"
        seen[sid] = seen.get(sid, 0) + 1
        if seen[sid] > 1:  # two sessions started in the same second
            sid += f"-{seen[sid]}"
        self.batch = SessionBatch(AGENT, sid, self.at, self.at, cwd=str(path.resolve().parent))
        self.policy = policy
        self.count = 0
        self.prompt: list[str] = []

    def _event(self, kind: str, description: str, **fields: Any) -> None:
        self.count += 1
        key = event_key(AGENT, self.batch.agent_session_id, kind, str(self.count))
        self.batch.events.append(
            EventIn(
                kind,
                occurred_at=self.at,
                description=description,
                source="import",
                key=key,
                **fields,
            )
        )

    def end_prompt(self) -> None:
        if not self.prompt:
            return
        text = "\n".join(self.prompt).strip()
        self.prompt = []
        if not text:
            return
        kept = text_under_policy(text, self.policy)
        payload: dict[str, Any] = {"role": "user", "chars": len(text)}
        if kept is not None:
            payload["text"] = kept
        self._event("message", "Prompt" + (f": {kept[:200]}" if kept else ""), payload=payload)

    def aider_line(self, line: str) -> None:
        if found := _VERSION.match(line):
            self.batch.version = found.group(1)
        elif found := _MODEL.match(line):
            self.batch.model = found.group(1)
        elif found := _TOKENS.match(line):
            self._tokens(found)
        elif found := _RUNNING.match(line):
            command = redact(found.group(1))
            self._event(
                "tool_call", "shell", ai_involved=True, payload={"tool": "shell", "success": None}
            )
            self._event(
                "command_executed",
                f"Ran: {command[:200]}",
                ai_involved=True,
                payload={"command": command, "success": None},
            )
        elif found := _EDITED.match(line):
            path = found.group(1).strip().replace("\\", "/")
            self._event(
                "tool_call",
                "edit",
                ai_involved=True,
                payload={"tool": "edit", "success": True},
                file_path=path,
            )
            self._event(
                "file_modified",
                f"Modified {path}",
                ai_involved=True,
                file_path=path,
                payload={"added": 0, "removed": 0, "tool": "edit"},
            )

    def _tokens(self, found: re.Match[str]) -> None:
        sent, received = tokens(found["sent"]), tokens(found["received"])
        model = self.batch.model or "unknown"
        cost = float(found["cost"]) if found["cost"] else 0.0
        self._event(
            "tokens",
            f"{model}: {sent + received:,} tokens",
            ai_involved=True,
            payload={
                "model": model,
                "input_tokens": sent,
                "output_tokens": received,
                "cache_creation_tokens": tokens(found["write"]),
                "cache_read_tokens": tokens(found["hit"]),
                "cost_usd": cost,
            },
        )


def parse_history(path: Path, text: str, policy: str = "full") -> list[SessionBatch]:
    """Every session in one history file, in order (a session without events is left out)."""
    sessions: list[_Session] = []
    seen: dict[str, int] = {}
    current: _Session | None = None
    for line in _lines(text):
        start = _START.match(line)
        if start:
            if current is not None:
                current.end_prompt()
            current = _Session(path, start.group(1), seen, policy)
            sessions.append(current)
            continue
        if current is None:
            continue
        if line.startswith("#### ") or line == "####":
            current.prompt.append(line[5:])
            continue
        current.end_prompt()
        if line.startswith("> "):
            current.aider_line(line[2:].strip())
    if current is not None:
        current.end_prompt()
    return [s.batch for s in sessions if s.batch.events]


def _lines(text: str) -> Iterator[str]:
    for line in text.splitlines():
        yield line.rstrip()
