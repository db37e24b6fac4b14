"""OpenAI Codex CLI rollout files (`$CODEX_HOME/sessions/**/rollout-*.jsonl`) → stint
sessions.

Every line is `{timestamp, type, payload}`; older builds wrote bare items, which are
read too. Token counts come as cumulative `total_token_usage` snapshots that Codex may
repeat: only an advance is counted (the difference to the previous snapshot, kept in the
file's import state), a decrease is a restarted counter, and each delta is keyed by its
line's timestamp and totals so a re-import stores nothing twice.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stint.capture.importer import ImportSummary, import_all
from stint.capture.keys import event_key, prompt_key, tool_key
from stint.capture.parsing import SessionBatch, parse_time
from stint.capture.redact import redact, text_under_policy
from stint.capture.tools import MAX_TEXT, fit_key
from stint.model.timeparse import utcnow
from stint.model.types import EventIn
from stint.pricing.table import PriceTable, Usage

if TYPE_CHECKING:  # the parse workers of a parallel import load no store
    from stint.sessions.service import Sessions

AGENT = "codex"
FALLBACK_MODEL = "gpt-5"  # what ccusage assumes for logs written before turn_context had one
SHELL_TOOLS = frozenset({"shell", "container.exec", "shell_command", "exec_command", "local_shell"})
_UUID = re.compile(r"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$")
_EXIT = re.compile(r"(?:Exit code:|exited with code)\s*(-?\d+)")
_PATCH_FILE = re.compile(r"^\*\*\* (?:Add|Update|Delete) File: (.+)$")


def default_roots() -> list[Path]:
    home = Path(os.environ.get("CODEX_HOME") or Path.home() / ".codex").expanduser()
    return [home / "sessions", home / "archived_sessions"]


def rollout_files(roots: Iterable[Path]) -> list[Path]:
    found: set[Path] = set()
    for root in roots:
        if root.is_file():
            found.add(root)
        elif root.is_dir():
            found.update(p for p in root.rglob("rollout-*.jsonl") if p.is_file())
    return sorted(found)


def patch_counts(patch: str) -> dict[str, list[int]]:
    """path → [added, removed] from an `apply_patch` envelope."""
    files: dict[str, list[int]] = {}
    current: list[int] | None = None
    for line in patch.splitlines():
        header = _PATCH_FILE.match(line)
        if header:
            current = files.setdefault(header.group(1).strip(), [0, 0])
        elif line.startswith("***") or current is None:
            continue
        elif line.startswith("+"):
            current[0] += 1
        elif line.startswith("-"):
            current[1] += 1
    return files


def _command(arguments: dict[str, Any]) -> str | None:
    command = arguments.get("command", arguments.get("cmd"))
    if isinstance(command, list):
        command = " ".join(str(part) for part in command)
    return command if isinstance(command, str) and command else None


def _success(output: Any) -> bool:
    if isinstance(output, str):
        try:
            output = json.loads(output)
        except ValueError:
            found = _EXIT.search(output[:500])
            return found is None or found.group(1) == "0"
    if isinstance(output, dict):
        meta = output.get("metadata")
        code = meta.get("exit_code") if isinstance(meta, dict) else None
        if code is not None:
            return bool(code == 0)
        if output.get("success") is False:
            return False
    return True


class CodexParser:
    def __init__(self, path: Path, state: dict[str, Any], policy: str, prices: PriceTable):
        self.policy = policy
        self.prices = prices
        self.state = state
        found = _UUID.search(path.stem)
        state.setdefault("sid", found.group(1) if found else path.stem)
        # call_id → [name, arguments or patch text, timestamp]
        self.pending: dict[str, list[Any]] = state.setdefault("pending", {})
        self.batch: SessionBatch | None = None

    def _batch(self, at: datetime) -> SessionBatch:
        if self.batch is None:
            self.batch = SessionBatch(AGENT, self.state["sid"], at, at)
        self.batch.saw(at)
        self.batch.cwd = self.state.get("cwd")
        self.batch.branch = self.state.get("branch")
        self.batch.model = self.state.get("model")
        self.batch.version = self.state.get("version")
        return self.batch

    def feed(self, line: dict[str, Any]) -> bool:
        """False for a line that is neither a typed record nor an older build's bare
        session header (`id`) or item (`type`)."""
        if not isinstance(line.get("type"), str) and "id" not in line:
            return False
        at = parse_time(line.get("timestamp"))
        kind, payload = line.get("type"), line.get("payload")
        if not isinstance(payload, dict):  # older builds: the item is the line itself
            kind, payload = ("session_meta" if "id" in line else "response_item"), line
        if kind == "session_meta":
            self._meta(payload)
            at = at or parse_time(payload.get("timestamp"))
        if at is None:
            return True
        if kind == "turn_context":
            for field in ("model", "cwd"):
                if isinstance(payload.get(field), str):
                    self.state[field] = payload[field]
        batch = self._batch(at)
        if kind == "response_item":
            self._item(batch, payload, at)
        elif kind == "event_msg":
            self._event(batch, payload, at)
        return True

    def _meta(self, meta: dict[str, Any]) -> None:
        source = meta.get("source")
        parent = source.get("parent_thread_id") if isinstance(source, dict) else None
        sid = parent or meta.get("id")
        if isinstance(sid, str) and sid:
            self.state["sid"] = sid
        if parent:
            self.state["subagent"] = meta.get("id")
        git = meta.get("git")
        git = git if isinstance(git, dict) else {}
        for field, value in (
            ("cwd", meta.get("cwd")),
            ("branch", git.get("branch")),
            ("version", meta.get("cli_version")),
            ("provider", meta.get("model_provider")),
        ):
            if isinstance(value, str) and value:
                self.state[field] = value

    def _item(self, batch: SessionBatch, item: dict[str, Any], at: datetime) -> None:
        kind = item.get("type")
        call_id = item.get("call_id") or item.get("id")
        if kind in ("function_call", "custom_tool_call", "local_shell_call") and call_id:
            name = item.get("name") or ("local_shell" if kind == "local_shell_call" else "tool")
            arguments: Any = item.get("arguments", item.get("input", item.get("action")))
            if isinstance(arguments, str) and kind == "function_call":
                try:
                    arguments = json.loads(arguments)
                except ValueError:
                    arguments = {"input": arguments}
            self.pending[str(call_id)] = [name, arguments, at.isoformat()]
            if kind == "local_shell_call" and item.get("status") == "completed":
                self._tool(str(call_id), True, at)
        elif kind in ("function_call_output", "custom_tool_call_output") and call_id:
            self._tool(str(call_id), _success(item.get("output")), at)

    def _tool(self, call_id: str, success: bool | None, done_at: datetime | None) -> None:
        found = self.pending.pop(call_id, None)
        if found is None:
            return
        name, arguments, started = found
        at = parse_time(started) or done_at or utcnow()
        batch = self._batch(at)
        sid = self.state["sid"]
        args = arguments if isinstance(arguments, dict) else {"input": arguments}
        command = _command(args)
        patch = args.get("input") if name == "apply_patch" else None
        if command and "*** Begin Patch" in command:
            patch, command = command[command.index("*** Begin Patch") :], None
        payload: dict[str, Any] = {"tool": name, "success": success, "call_id": call_id}
        if done_at is not None:
            payload["duration_ms"] = int((done_at - at).total_seconds() * 1000)
        events = [
            EventIn(
                "tool_call",
                occurred_at=at,
                description=name,
                source="import",
                ai_involved=True,
                payload=payload,
                key=tool_key(AGENT, sid, call_id, "tool"),
            )
        ]
        if command and name in SHELL_TOOLS:
            shown = redact(command)
            events.append(
                EventIn(
                    "command_executed",
                    occurred_at=at,
                    description=f"Ran: {shown[:200]}",
                    source="import",
                    ai_involved=True,
                    payload={"command": shown[:MAX_TEXT], "success": success},
                    key=tool_key(AGENT, sid, call_id, "command"),
                )
            )
        if isinstance(patch, str) and success is not False:
            for path, (added, removed) in patch_counts(patch).items():
                events.append(
                    EventIn(
                        "file_modified",
                        occurred_at=at,
                        description=f"Modified {path}",
                        source="import",
                        ai_involved=True,
                        file_path=path,
                        payload={"added": added, "removed": removed, "tool": "apply_patch"},
                        key=fit_key(tool_key(AGENT, sid, call_id, f"file:{path}")),
                    )
                )
        batch.events.extend(events)

    def _event(self, batch: SessionBatch, event: dict[str, Any], at: datetime) -> None:
        kind = event.get("type")
        sid = self.state["sid"]
        if kind == "user_message" and isinstance(event.get("message"), str):
            text = event["message"]
            if self.state.get("subagent"):
                return
            kept = text_under_policy(text, self.policy)
            payload: dict[str, Any] = {"role": "user", "chars": len(text)}
            if kept is not None:
                payload["text"] = kept
            batch.events.append(
                EventIn(
                    "message",
                    occurred_at=at,
                    description="Prompt" + (f": {kept[:200]}" if kept else ""),
                    source="import",
                    payload=payload,
                    key=prompt_key(AGENT, sid, text),
                )
            )
        elif kind == "token_count" and isinstance(event.get("info"), dict):
            tokens = self._tokens(event["info"], at)
            if tokens is not None:
                batch.events.append(tokens)
        elif kind == "context_compacted":
            batch.events.append(
                EventIn(
                    "context_compacted",
                    occurred_at=at,
                    description="Context compacted",
                    source="import",
                    key=event_key(AGENT, sid, "compact", at.isoformat()),
                )
            )

    def _tokens(self, info: dict[str, Any], at: datetime) -> EventIn | None:
        names = ("input_tokens", "cached_input_tokens", "output_tokens", "total_tokens")

        def figures(usage: Any) -> list[int] | None:
            if not isinstance(usage, dict):
                return None
            return [max(0, int(usage.get(n) or 0)) for n in names]

        total, last = figures(info.get("total_token_usage")), figures(info.get("last_token_usage"))
        previous = self.state.get("total")
        if total is not None:
            if total == previous:
                return None  # a repeated snapshot
            if previous is None or total[3] < previous[3]:  # first snapshot or a restart
                delta = total
            else:
                delta = [max(0, a - b) for a, b in zip(total, previous, strict=True)]
            self.state["total"] = total
        elif last is not None:
            delta = last
        else:
            return None
        inp, cached, out = delta[0], min(delta[1], delta[0]), delta[2]
        model = self.state.get("model") or FALLBACK_MODEL
        cost = self.prices.cost(model, Usage(input=inp - cached, output=out, cache_read=cached))
        mark = ":".join(str(n) for n in (total or last or []))
        return EventIn(
            "tokens",
            occurred_at=at,
            description=f"{model}: {inp + out:,} tokens",
            source="import",
            ai_involved=True,
            payload={
                "model": model,
                "input_tokens": inp - cached,
                "cache_read_tokens": cached,
                "output_tokens": out,
                "cost_usd": cost,
            },
            key=event_key(AGENT, self.state["sid"], "tokens", f"{at.isoformat()}:{mark}"),
        )

    def take(self, final: bool) -> list[SessionBatch]:
        if final and self.batch is not None and (utcnow() - self.batch.last_at).days >= 1:
            for call_id in list(self.pending):
                self._tool(call_id, None, None)
        batch, self.batch = self.batch, None
        subagent = self.state.get("subagent")
        if batch is not None and subagent and batch.events:
            sid = batch.agent_session_id
            batch.events.append(
                EventIn(
                    "subagent_started",
                    occurred_at=batch.first_at,
                    description=f"Subagent {subagent}",
                    source="import",
                    ai_involved=True,
                    key=event_key(AGENT, sid, "subagent", subagent),
                )
            )
        return [batch] if batch is not None and batch.events else []


def import_paths(
    tracker: Sessions, roots: Iterable[Path] | None = None, progress: Any = None
) -> ImportSummary:
    """Import every rollout under `roots` (files or directories; default: `$CODEX_HOME`'s
    `sessions/` and `archived_sessions/`); `progress(bytes done, bytes total)`."""
    files = rollout_files(default_roots() if roots is None else roots)
    return import_all(tracker, files, CodexParser, progress)
