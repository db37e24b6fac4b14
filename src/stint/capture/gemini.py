"""Gemini CLI chat recordings (`$GEMINI_DATA_DIR`, default `~/.gemini/tmp`:
`<project>/chats/session-*.jsonl`, subagents in `chats/<parent session id>/*.jsonl`, older
releases' whole-file `session-*.json`) → stint sessions.

A JSONL recording is a log, not a list: a metadata line, then message records that are
*upserts* (a message is written again in full each time its tool calls or tokens change),
`{"$set": {...}}` metadata updates (`messages` in one replaces the list: compression,
masking) and `{"$rewindTo": id}` markers that drop that message and every later one (an
unknown id drops all) — gemini-cli's `loadConversationRecord`. Every version of a
message maps to the same keys (tokens by message id, tool calls by their occurrence, see
`stint.capture.gemini_hooks`, prompts by text), so upserts and re-reads store nothing
twice. A rewind takes nothing back: the rewound requests were made and paid for (ccusage
counts them too); it is recorded as a `conversation_rewound` event.

Tokens as ccusage 20.0.24 counts them: `input` includes `cached` when `total` says so
(input − cached is stored as input, cached as cache reads), `tool` prompt tokens count as
input, and `thoughts` are priced as output but not counted in output tokens.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from stint.capture.gemini_hooks import AGENT, gemini_tool_events, prompt_events, tool_base
from stint.capture.import_run import ImportRun
from stint.capture.importer import ImportSummary, import_all
from stint.capture.importer import import_file as import_lines
from stint.capture.keys import event_key
from stint.capture.parsing import ParserFactory, SessionBatch, decode, parse_time
from stint.capture.summary import unchanged
from stint.model.types import EventIn
from stint.pricing.table import PriceTable, Usage
from stint.sessions.service import Sessions
from stint.store import imports

TERMINAL = {"success": True, "error": False, "cancelled": False}


def default_roots() -> list[Path]:
    """`$GEMINI_DATA_DIR` (ccusage reads it too), else `~/.gemini/tmp`."""
    configured = os.environ.get("GEMINI_DATA_DIR", "").strip()
    return [Path(configured).expanduser() if configured else Path.home() / ".gemini" / "tmp"]


def recording_files(roots: Iterable[Path]) -> list[Path]:
    """Every `*.json` / `*.jsonl` inside a `chats` directory under each root (or the root
    itself when it is a file); main files before their subagent directories."""
    found: set[Path] = set()
    for root in roots:
        if root.is_file():
            found.add(root)
        elif root.is_dir():
            for path in root.rglob("*.json*"):
                inside = "chats" in path.relative_to(root).parts[:-1] or root.name == "chats"
                if path.suffix in (".json", ".jsonl") and inside and path.is_file():
                    found.add(path)
    return sorted(found, key=lambda p: (p.parent.as_posix(), p.name))


def _text_of(content: Any) -> str | None:
    """A Gemini `PartListUnion` as text: a string, a part, or a list of parts."""
    if isinstance(content, str):
        return content or None
    if isinstance(content, dict):
        content = [content]
    if isinstance(content, list):
        texts = [p.get("text") for p in content if isinstance(p, dict)]
        text = "".join(t for t in texts if isinstance(t, str))
        return text or None
    return None


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return 0
    return max(0, int(value))


def split_tokens(tokens: dict[str, Any]) -> tuple[int, int, int, int]:
    """(input without cache, cache read, output, thoughts) as ccusage counts a message's
    `tokens`: `input` holds `cached` when `total` = input + output + thoughts + tool."""
    inp, out, cached = (_count(tokens.get(name)) for name in ("input", "output", "cached"))
    thoughts, tool = _count(tokens.get("thoughts")), _count(tokens.get("tool"))
    total = tokens.get("total")
    inclusive = inp + out + thoughts + tool
    if cached and total == inclusive and total != inclusive + cached:
        inp -= min(inp, cached)
    if not (inp or out or cached or thoughts or tool) and _count(total):
        out = _count(total)  # only a total: ccusage counts it as output
    return inp + tool, cached, out, thoughts


class GeminiParser:
    def __init__(self, path: Path, state: dict[str, Any], policy: str, prices: PriceTable):
        self.policy, self.prices, self.state = policy, prices, state
        if path.parent.name != "chats" and path.parent.parent.name == "chats":
            state.setdefault("subagent", path.stem)  # chats/<parent id>/<own id>.jsonl
            state.setdefault("sid", path.parent.name)
        state.setdefault("sid", path.stem)
        self.live: list[str] = state.setdefault("live", [])  # message ids, in order
        self.counts: dict[str, int] = state.setdefault("counts", {})  # tool base → calls
        self.called: dict[str, str] = state.setdefault("called", {})  # call id → use id
        # messages whose tokens are out: a message is written again and again (and whole
        # lists by `$set`); the key stores it once, this keeps the import's totals right
        self.counted: dict[str, int] = state.setdefault("counted", {})
        self.batch: SessionBatch | None = None

    def _batch(self, at: datetime | None) -> SessionBatch | None:
        if at is None:
            last = parse_time(self.state.get("last_at"))
            if self.batch is None and last is None:
                return None
            at = self.batch.last_at if self.batch is not None else last
            assert at is not None
        if self.batch is None:
            self.batch = SessionBatch(AGENT, self.state["sid"], at, at)
        self.batch.saw(at)
        self.state["last_at"] = self.batch.last_at.isoformat()
        self.batch.cwd = self.state.get("cwd")
        # a subagent's model is not the session's
        self.batch.model = None if self.state.get("subagent") else self.state.get("model")
        return self.batch

    def feed(self, line: dict[str, Any]) -> bool:
        if isinstance(line.get("$rewindTo"), str):
            self._rewind(line["$rewindTo"])
        elif isinstance(line.get("$set"), dict):
            self._meta(line["$set"])
        elif isinstance(line.get("id"), str):
            self._message(line)
        elif isinstance(line.get("sessionId"), str):
            self._meta(line)
        else:
            return False
        return True

    def _meta(self, meta: dict[str, Any]) -> None:
        if not self.state.get("subagent") and isinstance(meta.get("sessionId"), str):
            self.state["sid"] = meta["sessionId"] or self.state["sid"]
        directories = meta.get("directories")
        if isinstance(directories, list) and directories and isinstance(directories[0], str):
            self.state["cwd"] = directories[0]
        self._batch(parse_time(meta.get("startTime")))
        messages = meta.get("messages")
        if isinstance(messages, list):  # the whole list replaced (or a whole-file record)
            self.live.clear()
            for message in messages:
                if isinstance(message, dict) and isinstance(message.get("id"), str):
                    self._message(message)

    def _rewind(self, target: str) -> None:
        index = self.live.index(target) if target in self.live else 0
        dropped = len(self.live) - index
        batch = self._batch(None)
        if batch is not None:
            batch.events.append(
                EventIn(
                    "conversation_rewound",
                    occurred_at=batch.last_at,
                    description=f"Rewound {dropped} message{'s' if dropped != 1 else ''}",
                    source="import",
                    ai_involved=False,
                    payload={"to_message": target, "dropped": dropped},
                    key=event_key(AGENT, batch.agent_session_id, "rewind", f"{target}:{index}"),
                )
            )
        del self.live[index:]

    def _message(self, message: dict[str, Any]) -> None:
        ident = message["id"]
        if ident not in self.live:
            self.live.append(ident)
        batch = self._batch(parse_time(message.get("timestamp")))
        if batch is None:
            return
        at = parse_time(message.get("timestamp")) or batch.last_at
        sid = batch.agent_session_id
        kind = message.get("type")
        if kind == "user" and not self.state.get("subagent"):
            text = _text_of(message.get("displayContent")) or _text_of(message.get("content"))
            if text:
                batch.events.extend(prompt_events(sid, text, at, "import", self.policy)[1])
        elif kind == "gemini":
            if isinstance(message.get("model"), str) and message["model"]:
                self.state["model"] = message["model"]
                batch.model = None if self.state.get("subagent") else message["model"]
            if isinstance(message.get("tokens"), dict) and ident not in self.counted:
                self.counted[ident] = 1
                batch.events.extend(self._tokens(sid, ident, message["tokens"], at))
            for call in message.get("toolCalls") or []:
                if isinstance(call, dict):
                    batch.events.extend(self._tool(sid, call, at))
        elif kind == "error":
            text = _text_of(message.get("content")) or "error"
            batch.events.append(
                EventIn(
                    "agent_error",
                    occurred_at=at,
                    description=f"Error: {text[:200]}",
                    source="import",
                    ai_involved=True,
                    key=event_key(AGENT, sid, "error", ident),
                )
            )

    def _tokens(self, sid: str, ident: str, tokens: dict[str, Any], at: datetime) -> list[EventIn]:
        inp, cached, out, thoughts = split_tokens(tokens)
        if not (inp or cached or out or thoughts):
            return []
        model = self.state.get("model") or "unknown"
        cost = self.prices.cost(model, Usage(input=inp, output=out + thoughts, cache_read=cached))
        payload = {
            "model": model,
            "input_tokens": inp,
            "cache_read_tokens": cached,
            "output_tokens": out,
            "thoughts_tokens": thoughts,
            "cost_usd": cost,
        }
        if self.state.get("subagent"):
            payload["agent_id"] = self.state["subagent"]
        description = f"{model}: {inp + cached + out + thoughts:,} tokens"
        key = event_key(AGENT, sid, "tokens", f"{self.state.get('subagent') or ''}:{ident}")
        return [EventIn("tokens", at, description, "import", True, payload=payload, key=key)]

    def _tool(self, sid: str, call: dict[str, Any], at: datetime) -> list[EventIn]:
        call_id, name = call.get("id"), call.get("name")
        status = call.get("status")
        if not isinstance(call_id, str) or not isinstance(name, str) or status not in TERMINAL:
            return []  # no id, or not finished yet: a later version of the message has it
        if call_id in self.called:
            return []
        raw = call.get("args")
        args: dict[str, Any] = raw if isinstance(raw, dict) else {}
        base = tool_base(name, args)
        if self.state.get("subagent"):  # a subagent's calls are counted on their own
            base = f"{self.state['subagent']}:{base}"
        n = self.counts.get(base, 0)
        self.counts[base] = n + 1
        self.called[call_id] = use_id = f"{base}:{n}"
        started = parse_time(call.get("timestamp")) or at
        return gemini_tool_events(
            sid,
            use_id,
            name,
            args,
            started,
            TERMINAL[status],
            self.policy,
            cwd=self.state.get("cwd"),
            source="import",
            error=str(status) if status != "success" else None,
        )

    def take(self, final: bool) -> list[SessionBatch]:
        batch, self.batch = self.batch, None
        subagent = self.state.get("subagent")
        if batch is not None and subagent and batch.events:
            batch.events.append(
                EventIn(
                    "subagent_started",
                    occurred_at=batch.first_at,
                    description=f"Subagent {subagent}",
                    source="import",
                    ai_involved=True,
                    key=event_key(AGENT, batch.agent_session_id, "subagent", subagent),
                )
            )
        return [batch] if batch is not None and batch.events else []


def import_document(
    tracker: Sessions, path: Path, parser_factory: ParserFactory, run: ImportRun
) -> None:
    """An older `session-*.json`: one JSON document that Gemini CLI rewrote whole, so it
    is read whole whenever its stat changed; the parser's state is kept across reads (its
    tool-call numbering), and keys make a re-read store only what is new."""
    summary = run.summary
    if not path.is_file():
        summary.files_skipped += 1
        return
    key = str(path.resolve())
    stat = path.stat()
    known = run.offset_of(key)
    if unchanged(known, stat.st_size, stat.st_ino, stat.st_mtime_ns):
        summary.files_skipped += 1
        return
    summary.files_replaced += 1 if known.offset else 0
    summary.files_read += 1
    raw = path.read_bytes()
    summary.bytes_read += len(raw)
    summary.new_lines += 1
    run.lines += 1
    parser = parser_factory(path, dict(known.state))
    try:
        document = decode(raw)
    except ValueError:
        summary.problem(path, 1, "not valid JSON")
    else:
        if not isinstance(document, dict) or not parser.feed(document):
            summary.problem(path, 1, "not a Gemini CLI chat recording")
    size = len(raw)
    saved = imports.Offset(size, size, parser.state, None, stat.st_ino, 1, stat.st_mtime_ns)
    run.take(key, saved, parser, final=True)


def read_recording(
    tracker: Sessions, path: Path, parser_factory: ParserFactory, run: ImportRun
) -> None:
    """A `.json` recording whole, a `.jsonl` one line by line (only what is new)."""
    reader = import_document if path.suffix == ".json" else import_lines
    reader(tracker, path, parser_factory, run)


def import_paths(
    tracker: Sessions, roots: Iterable[Path] | None = None, progress: Any = None
) -> ImportSummary:
    """Import every recording under `roots` (files or directories; default:
    `default_roots()`); `progress(bytes done, bytes total)` after each file."""
    files = recording_files(default_roots() if roots is None else roots)
    return import_all(tracker, files, GeminiParser, progress, reader=read_recording)


def import_file(tracker: Sessions, path: Path) -> dict[str, Any]:
    """Import one recording (after a hook named it); the summary as a dict."""
    return import_all(tracker, [Path(path)], GeminiParser, reader=read_recording).to_dict()
