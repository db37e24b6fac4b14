"""Builders for Claude Code transcripts and Codex rollouts, composed line by line after
the shapes in ../shared/reference/agent-formats.md (values invented)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

OLD = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M:%S.") + f"{at.microsecond // 1000:03d}Z"


def dump(lines: list[dict[str, Any]]) -> str:
    # Compact, like Claude Code writes them (ccusage's reader expects that shape).
    return "".join(json.dumps(line, separators=(",", ":")) + "\n" for line in lines)


class Transcript:
    """One Claude Code session file; each method appends the lines Claude Code writes."""

    def __init__(
        self,
        sid: str,
        cwd: str,
        *,
        start: datetime = OLD,
        branch: str = "main",
        agent_id: str | None = None,
    ) -> None:
        self.sid, self.cwd, self.branch, self.agent_id = sid, cwd, branch, agent_id
        self.at = start
        self.lines: list[dict[str, Any]] = []
        self.counter = 0

    def _line(self, kind: str, **extra: Any) -> dict[str, Any]:
        self.at += timedelta(seconds=2)
        self.counter += 1
        line: dict[str, Any] = {
            "type": kind,
            "uuid": f"{self.sid[:8]}-{self.agent_id or 'm'}-{self.counter}",
            "parentUuid": None,
            "isSidechain": self.agent_id is not None,
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.sid,
            "version": "2.1.39",
            "gitBranch": self.branch,
            "timestamp": _stamp(self.at),
            **extra,
        }
        if self.agent_id:
            line["agentId"] = self.agent_id
        self.lines.append(line)
        return line

    def prompt(self, text: str) -> None:
        self._line("user", message={"role": "user", "content": text}, permissionMode="default")

    def response(
        self,
        msg_id: str,
        *,
        model: str = "claude-sonnet-4-5-20250929",
        usage: tuple[int, int, int, int] = (3, 100, 1000, 5000),
        partial_outputs: tuple[int, ...] = (),
        blocks: list[dict[str, Any]] | None = None,
        one_hour: int = 0,
    ) -> None:
        """One API response: a line per content block, `usage` repeated with the output
        growing through `partial_outputs` to its final value (streaming duplicates)."""
        inp, out, cc, cr = usage
        contents = blocks or [{"type": "text", "text": "done"}]
        outputs = [*partial_outputs, out]
        while len(contents) < len(outputs):
            contents = [{"type": "thinking", "thinking": "hmm", "signature": "x"}, *contents]
        for index, block in enumerate(contents):
            output = outputs[min(index, len(outputs) - 1)]
            usage_obj: dict[str, Any] = {
                "input_tokens": inp,
                "cache_creation_input_tokens": cc,
                "cache_read_input_tokens": cr,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": cc - one_hour,
                    "ephemeral_1h_input_tokens": one_hour,
                },
                "output_tokens": output,
                "service_tier": "standard",
            }
            self._line(
                "assistant",
                requestId=f"req_{msg_id}",
                message={
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": model,
                    "content": [block],
                    "stop_reason": None if index < len(contents) - 1 else "end_turn",
                    "usage": usage_obj,
                },
            )

    def tool(
        self,
        tool_id: str,
        name: str,
        tool_input: dict[str, Any],
        *,
        error: bool = False,
        usage: tuple[int, int, int, int] = (3, 50, 0, 6000),
        model: str = "claude-sonnet-4-5-20250929",
        result: dict[str, Any] | None = None,
    ) -> None:
        """An assistant tool_use and the user line with its tool_result (`result`: the
        structured `toolUseResult`, e.g. an Edit's `structuredPatch`)."""
        block = {"type": "tool_use", "id": tool_id, "name": name, "input": tool_input}
        self.response(f"msg_{tool_id}", blocks=[block], usage=usage, model=model)
        answer = {
            "type": "tool_result",
            "tool_use_id": tool_id,
            "content": "Error: failed" if error else "ok",
            "is_error": error,
        }
        self._line(
            "user",
            message={"role": "user", "content": [answer]},
            toolUseResult="Error: failed" if error else (result or {"stdout": "ok"}),
            sourceToolUseID=tool_id,
        )

    def compact(self) -> None:
        self._line(
            "system",
            subtype="compact_boundary",
            compactMetadata={"trigger": "auto", "preTokens": 150000},
        )
        self._line(
            "user",
            isCompactSummary=True,
            message={"role": "user", "content": "This session is being continued..."},
        )

    def noise(self) -> None:
        """Lines that carry no activity: progress and bookkeeping."""
        self._line("progress", data={"type": "hook_progress", "hookEvent": "PostToolUse"})
        self.lines.append({"type": "file-history-snapshot", "messageId": "x", "snapshot": {}})

    def text(self, since: int = 0) -> str:
        return dump(self.lines[since:])

    def write(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.text(), encoding="utf-8")
        return path


def rollout_line(at: datetime, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"timestamp": _stamp(at), "type": kind, "payload": payload}


def token_count(at: datetime, total: tuple[int, int, int], last: tuple[int, int, int]) -> Any:
    def usage(figures: tuple[int, int, int]) -> dict[str, int]:
        inp, cached, out = figures
        return {
            "input_tokens": inp,
            "cached_input_tokens": cached,
            "output_tokens": out,
            "reasoning_output_tokens": out // 2,
            "total_tokens": inp + out,
        }

    info = {
        "total_token_usage": usage(total),
        "last_token_usage": usage(last),
        "model_context_window": 272000,
    }
    return rollout_line(at, "event_msg", {"type": "token_count", "info": info})
