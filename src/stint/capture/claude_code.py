"""Claude Code transcripts (`<root>/projects/**/*.jsonl`) → stint sessions.

Read tolerantly: the line format is internal to Claude Code and changes between
versions, so every field is optional and unknown record types are skipped.

Tokens: Claude Code writes one line per content block of a response, each repeating the
usage with a growing `output_tokens`. One response is one (message id, request id) group
counted once, at its line with the largest total — ccusage's rule. A group can straddle
two imports (the file was read while a response was being written), so the figures
already stored for recent groups stay in the file's import state; when a later line of a
group is larger, only the difference is stored, as its own event keyed by the new total.
Appending deltas keeps the event log append-only (no stored event is ever rewritten) and
a re-import from scratch still lands on the same keys.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stint.capture.claude_files import default_roots as default_roots
from stint.capture.claude_files import transcript_files as transcript_files
from stint.capture.importer import ImportSummary, import_all
from stint.capture.keys import event_key, mention_key, prompt_key, usage_key
from stint.capture.parsing import SessionBatch, parse_time
from stint.capture.redact import redact, text_under_policy
from stint.capture.tools import fit_key, tool_events
from stint.model.mentions import mentions_in
from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.pricing.table import PriceTable, Usage

if TYPE_CHECKING:
    from stint.sessions.service import Sessions

AGENT = "claude_code"  # stint's agent name, as the hooks store it
RECENT_GROUPS = 256  # streamed lines of one response are a few lines apart
TOKEN_NAMES = ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")


def _usage_figures(usage: dict[str, Any]) -> list[int]:
    """[input, output, cache creation, cache read, of which 1h cache writes]."""

    def num(value: Any) -> int:
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    split = usage.get("cache_creation")
    one_hour = num(split.get("ephemeral_1h_input_tokens")) if isinstance(split, dict) else 0
    return [
        num(usage.get("input_tokens")),
        num(usage.get("output_tokens")),
        num(usage.get("cache_creation_input_tokens")),
        num(usage.get("cache_read_input_tokens")),
        one_hour,
    ]


def _prompt_text(message: dict[str, Any]) -> str | None:
    """The typed text of a user line, None for tool results and injected output."""
    content = message.get("content")
    if isinstance(content, list):
        if any(isinstance(b, dict) and b.get("type") == "tool_result" for b in content):
            return None
        texts = [b.get("text") for b in content if isinstance(b, dict) and b.get("type") == "text"]
        content = "\n".join(t for t in texts if isinstance(t, str)) or None
    if not isinstance(content, str) or not content.strip():
        return None
    if content.startswith(("<local-command-stdout>", "<local-command-stderr>")):
        return None
    return content


class ClaudeParser:
    """Lines of one transcript file → session batches (see `stint.capture.parsing`)."""

    def __init__(self, path: Path, state: dict[str, Any], policy: str, prices: PriceTable):
        self.policy = policy
        self.prices = prices
        self.state = state
        # group → [input, output, cache creation, cache read, 1h, model] already stored
        self.stored: dict[str, list[Any]] = state.setdefault("usage", {})
        # tool_use_id → [name, input, timestamp, session id, subagent id]
        self.pending: dict[str, list[Any]] = state.setdefault("pending", {})
        self.best: dict[str, tuple[list[int], str, datetime, str]] = {}
        self.batches: dict[str, SessionBatch] = {}
        self.last_seen: datetime | None = None
        self.fallback_sid = path.stem
        # A file under `subagents/` is one subagent's transcript: `agent-<id>.jsonl`.
        in_side_dir = "subagents" in path.parts
        self.subagent = path.stem.removeprefix("agent-") if in_side_dir else None

    # ----------------------------------------------------------------- lines

    def feed(self, line: dict[str, Any]) -> bool:
        """False for a line with no record `type`: every Claude Code line has one (the
        types themselves change, and unknown ones are skipped quietly)."""
        # Each field is read once: this runs for every line of every transcript.
        get = line.get
        kind = get("type")
        if not isinstance(kind, str):
            return False
        at = parse_time(get("timestamp"))
        if at is None:  # summary and snapshot lines carry no time of their own
            return True
        sid = get("sessionId") or get("session_id") or self.fallback_sid
        if not isinstance(sid, str):
            return True
        batch = self._batch(sid, at)
        cwd = get("cwd")
        if isinstance(cwd, str) and cwd:
            batch.cwd = cwd
        branch = get("gitBranch")
        if isinstance(branch, str) and branch and branch != "HEAD":
            batch.branch = branch
        version = get("version")
        if isinstance(version, str):
            batch.version = version
        self.last_seen = at
        message = get("message")
        if not isinstance(message, dict):
            message = None
        subagent = self.subagent or (get("agentId") if get("isSidechain") else None)
        if isinstance(subagent, str) and subagent:
            self._subagent(batch, sid, subagent, at)
        if kind == "assistant" and message is not None:
            self._assistant(batch, sid, line, message, at, subagent)
        elif kind == "user" and message is not None:
            self._user(batch, sid, line, message, at)
        elif kind == "system" and get("subtype") == "compact_boundary":
            meta = get("compactMetadata") or {}
            batch.events.append(
                EventIn(
                    "context_compacted",
                    occurred_at=at,
                    description=f"Context compacted ({meta.get('trigger', 'auto')})",
                    source="import",
                    payload={"trigger": meta.get("trigger"), "pre_tokens": meta.get("preTokens")},
                    key=fit_key(
                        event_key(AGENT, sid, "compact", str(line.get("uuid") or at.isoformat()))
                    ),
                )
            )
        return True

    def _batch(self, sid: str, at: datetime) -> SessionBatch:
        batch = self.batches.get(sid)
        if batch is None:
            batch = self.batches[sid] = SessionBatch(AGENT, sid, at, at)
        batch.saw(at)
        return batch

    def _subagent(self, batch: SessionBatch, sid: str, agent_id: str, at: datetime) -> None:
        """A subagent's first line: the parent session started a subagent. Compaction
        runs (`acompact-…`) are the agent's housekeeping, not subagents."""
        if agent_id.startswith("acompact") or self.state.get("subagent") == agent_id:
            return
        self.state["subagent"] = agent_id
        batch.events.append(
            EventIn(
                "subagent_started",
                occurred_at=at,
                description=f"Subagent {agent_id} started",
                source="import",
                ai_involved=True,
                payload={"agent_id": agent_id},
                # the hook's key for SubagentStart, so the two count once
                key=fit_key(event_key(AGENT, sid, "SubagentStart", agent_id)),
            )
        )

    def _assistant(
        self,
        batch: SessionBatch,
        sid: str,
        line: dict[str, Any],
        message: dict[str, Any],
        at: datetime,
        subagent: str | None,
    ) -> None:
        model = message.get("model") if isinstance(message.get("model"), str) else None
        if model and model != "<synthetic>" and not subagent:
            batch.model = model
        for block in message.get("content") or []:
            if isinstance(block, dict) and block.get("type") == "tool_use":
                tool_id, name = block.get("id"), block.get("name")
                if isinstance(tool_id, str) and isinstance(name, str):
                    tool_input = block.get("input") if isinstance(block.get("input"), dict) else {}
                    started = at.isoformat()
                    self.pending[tool_id] = [name, tool_input, started, sid, subagent, batch.cwd]
        usage = message.get("usage")
        if not isinstance(usage, dict):
            return
        figures = _usage_figures(usage)
        message_id, request_id = message.get("id"), line.get("requestId") or ""
        if isinstance(message_id, str) and message_id:
            group = fit_key(usage_key(AGENT, sid, message_id, str(request_id)))
        else:  # no id: nothing to merge it with (ccusage counts such lines one by one)
            line_id = str(line.get("uuid") or at.isoformat())
            group = fit_key(event_key(AGENT, sid, "usage", line_id))
        known = self.best.get(group)
        if known is None or sum(figures[:4]) > sum(known[0][:4]):
            self.best[group] = (figures, model or "unknown", at, sid)

    def _user(
        self,
        batch: SessionBatch,
        sid: str,
        line: dict[str, Any],
        message: dict[str, Any],
        at: datetime,
    ) -> None:
        content = message.get("content")
        if isinstance(content, list):
            results = [b for b in content if isinstance(b, dict) and b.get("type") == "tool_result"]
            # The structured result (with its patch) is the line's, when it answers one call.
            response = line.get("toolUseResult") if len(results) == 1 else None
            for block in results:
                self._tool_result(block, at, response)
        if line.get("isMeta") or line.get("isCompactSummary") or line.get("isSidechain"):
            return
        text = _prompt_text(message)
        if text is None:
            return
        kept = text_under_policy(text, self.policy)
        key = fit_key(prompt_key(AGENT, sid, text))
        batch.events.append(
            EventIn(
                "message",
                occurred_at=at,
                description=f"Prompt: {kept[:200]}" if kept else f"Prompt ({len(text)} characters)",
                source="import",
                payload={"role": "user", "chars": len(text)},
                key=key,
            )
        )
        for path in mentions_in(text):  # `@file` in a prompt, keyed as the hooks key it
            batch.events.append(
                EventIn(
                    "file_mentioned",
                    occurred_at=at,
                    description=f"Mentioned {path}",
                    source="import",
                    file_path=redact(path),
                    key=fit_key(mention_key(key, path)),
                )
            )

    def _tool_result(self, block: dict[str, Any], at: datetime, response: Any) -> None:
        tool_id = block.get("tool_use_id")
        found = self.pending.pop(tool_id, None) if isinstance(tool_id, str) else None
        if found is None:
            return
        success = block.get("is_error") is not True
        self._tool(str(tool_id), found, success, at, response)

    def _tool(
        self,
        tool_id: str,
        found: list[Any],
        success: bool | None,
        done_at: datetime | None,
        response: Any = None,
    ) -> None:
        name, tool_input, started, sid, subagent, cwd = found
        at = parse_time(started) or done_at or utcnow()
        duration = int((done_at - at).total_seconds() * 1000) if done_at is not None else None
        batch = self._batch(sid, at)
        batch.events.extend(
            tool_events(
                AGENT,
                sid,
                tool_id,
                name,
                tool_input,
                at,
                success,
                duration,
                self.policy,
                response=response,
                cwd=cwd,
                source="import",
                agent_id=subagent,
            )
        )

    # ---------------------------------------------------------------- output

    def take(self, final: bool) -> list[SessionBatch]:
        if final and self._finished():
            for tool_id in list(self.pending):
                self._tool(tool_id, self.pending.pop(tool_id), None, None)
        for group, (figures, model, at, sid) in self.best.items():
            event = self._token_event(group, figures, model, at, sid)
            if event is not None:
                self._batch(sid, at).events.append(event)
        self.best.clear()
        while len(self.stored) > RECENT_GROUPS:
            del self.stored[next(iter(self.stored))]
        batches = [b for b in self.batches.values() if b.events]
        self.batches = {}
        return batches

    def _finished(self) -> bool:
        """A file whose last line is older than a day gets no more tool results."""
        return self.last_seen is not None and (utcnow() - self.last_seen).days >= 1

    def _token_event(
        self, group: str, figures: list[int], model: str, at: datetime, sid: str
    ) -> EventIn | None:
        before = self.stored.pop(group, None)
        old = [int(x) for x in before[:5]] if before else [0, 0, 0, 0, 0]
        if before is not None and sum(figures[:4]) <= sum(old[:4]):
            self.stored[group] = before
            return None
        self.stored[group] = [*figures, model]
        cost = self._cost(model, figures) - (self._cost(model, old) if before else 0.0)
        delta = [new - was for new, was in zip(figures, old, strict=True)]
        payload: dict[str, Any] = dict(zip(TOKEN_NAMES, delta[:4], strict=True))
        payload.update(model=model, cache_1h_tokens=delta[4], cost_usd=max(cost, 0.0))
        total = sum(figures[:4])
        return EventIn(
            "tokens",
            occurred_at=at,
            description=f"{model}: {total:,} tokens",
            source="import",
            ai_involved=True,
            payload=payload,
            key=group if before is None else fit_key(f"{group}:{total}"),
        )

    def _cost(self, model: str, figures: list[int]) -> float:
        one_hour = min(figures[4], figures[2])
        usage = Usage(figures[0], figures[1], figures[2] - one_hour, one_hour, figures[3])
        return self.prices.cost(model, usage)


def import_paths(
    tracker: Sessions, roots: Iterable[Path] | None = None, progress: Any = None
) -> ImportSummary:
    """Import every transcript under `roots` (files or directories; default:
    `default_roots()`); `progress(bytes done, bytes total)` after each file."""
    files = transcript_files(default_roots() if roots is None else roots)
    return import_all(tracker, files, ClaudeParser, progress)


def import_file(tracker: Sessions, path: Path) -> dict[str, Any]:
    """Import one transcript file (incrementally); the summary as a dict."""
    return import_all(tracker, [Path(path)], ClaudeParser).to_dict()
