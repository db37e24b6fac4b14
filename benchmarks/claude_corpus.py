"""A generated corpus of realistic Claude Code transcripts for the import benchmarks:
many sessions under `<root>/projects/<project>/`, prompts, responses streamed over
several lines (growing `output_tokens`), tool calls with results of a few KB, edits,
commands, subagent files, compactions, progress and bookkeeping lines, a mix of models
(including requests above the 200k-token tier and one-hour cache writes).

Deterministic for a seed.

    .venv/bin/python benchmarks/claude_corpus.py DIR [MEGABYTES] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

MODELS = ("claude-opus-4-6", "claude-sonnet-4-5-20250929", "claude-opus-4-1-20250805")
SUB_MODEL = "claude-haiku-4-5-20251001"
WORDS = (
    "def",
    "class",
    "return",
    "import",
    "self",
    "value",
    "config",
    "session",
    "token",
    "cache",
    "file",
    "test",
    "assert",
    "error",
    "result",
    "index",
    "data",
    "user",
    "path",
    "line",
    "model",
    "stream",
    "build",
    "parse",
    "event",
    "store",
)


def _dump(line: dict[str, Any]) -> str:
    return json.dumps(line, separators=(",", ":")) + "\n"


class _Session:
    def __init__(self, rng: random.Random, sid: str, cwd: str, start: datetime, agent: str = ""):
        self.rng, self.sid, self.cwd, self.at, self.agent = rng, sid, cwd, start, agent
        self.parent: str | None = None
        self.out: list[str] = []
        self.context = rng.randint(8_000, 20_000)
        self.model = SUB_MODEL if agent else rng.choice(MODELS)
        self.one_hour = rng.random() < 0.3

    def text(self, size: int) -> str:
        blob = self.rng.choice(_BLOBS)
        start = self.rng.randrange(0, len(blob) - size) if len(blob) > size else 0
        return blob[start : start + size]

    def line(self, kind: str, **extra: Any) -> dict[str, Any]:
        self.at += timedelta(seconds=self.rng.uniform(0.2, 20))
        line: dict[str, Any] = {
            "parentUuid": self.parent,
            "isSidechain": bool(self.agent),
            "userType": "external",
            "cwd": self.cwd,
            "sessionId": self.sid,
            "version": "2.1.39",
            "gitBranch": "main",
            "type": kind,
            "uuid": str(uuid.UUID(int=self.rng.getrandbits(128))),
            "timestamp": self.at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            **extra,
        }
        if self.agent:
            line["agentId"] = self.agent
        self.parent = line["uuid"]
        self.out.append(_dump(line))
        return line

    def prompt(self) -> None:
        self.line("user", message={"role": "user", "content": self.text(self.rng.randint(40, 600))})

    def response(self, blocks: list[dict[str, Any]]) -> None:
        """One API response, one line per block, output growing to its final value."""
        rng = self.rng
        msg_id = "msg_01" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=22))
        request = "req_011" + "".join(rng.choices("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789", k=21))
        created = rng.randint(0, 4000)
        self.context += created + rng.randint(100, 3000)
        if self.model.startswith("claude-sonnet") and rng.random() < 0.05:
            self.context += 150_000  # a long-context request, priced in the >200k tier
        final = rng.randint(20, 2500)
        first_input = rng.randint(1, 12)  # the same on every line of one response
        one_hour = created if self.one_hour else 0
        for index, block in enumerate(blocks):
            last = index == len(blocks) - 1
            usage = {
                "input_tokens": first_input,
                "cache_creation_input_tokens": created,
                "cache_read_input_tokens": self.context,
                "cache_creation": {
                    "ephemeral_5m_input_tokens": created - one_hour,
                    "ephemeral_1h_input_tokens": one_hour,
                },
                "output_tokens": final if last else rng.randint(1, max(1, final // 4)),
                "service_tier": "standard",
            }
            self.line(
                "assistant",
                requestId=request,
                message={
                    "id": msg_id,
                    "type": "message",
                    "role": "assistant",
                    "model": self.model,
                    "content": [block],
                    "stop_reason": ("tool_use" if block["type"] == "tool_use" else "end_turn")
                    if last
                    else None,
                    "stop_sequence": None,
                    "usage": usage,
                },
            )

    def tool_round(self, root: Path, project: Path) -> None:
        rng = self.rng
        tool_id = "toolu_01" + "".join(rng.choices("abcdefghijkmnopqrstuvwxyz0123456789", k=22))
        name = rng.choice(("Read", "Read", "Edit", "Bash", "Bash", "Grep", "Write", "Task"))
        path = f"{self.cwd}/src/{rng.choice(WORDS)}_{rng.randint(1, 40)}.py"
        inputs = {
            "Read": {"file_path": path},
            "Edit": {
                "file_path": path,
                "old_string": self.text(rng.randint(50, 600)),
                "new_string": self.text(rng.randint(50, 900)),
            },
            "Bash": {"command": f"pytest -q tests/test_{rng.choice(WORDS)}.py", "timeout": 120000},
            "Grep": {"pattern": rng.choice(WORDS), "path": self.cwd},
            "Write": {"file_path": path, "content": self.text(rng.randint(200, 3000))},
            "Task": {"subagent_type": "general-purpose", "prompt": self.text(200)},
        }
        if name == "Task" and (self.agent or rng.random() < 0.6):
            name = "Read"
        thinking = {
            "type": "thinking",
            "thinking": self.text(rng.randint(100, 1500)),
            "signature": "s",
        }
        text = {"type": "text", "text": self.text(rng.randint(20, 400))}
        tool = {"type": "tool_use", "id": tool_id, "name": name, "input": inputs[name]}
        self.response([thinking, text, tool][rng.randint(0, 2) :])
        if name == "Task":
            self.subagent(root, project)
        self.line(
            "progress",
            data={
                "type": "hook_progress",
                "hookEvent": "PostToolUse",
                "hookName": f"PostToolUse:{name}",
            },
            toolUseID=tool_id,
            parentToolUseID=tool_id,
        )
        error = rng.random() < 0.05
        body = "Error: command failed" if error else self.text(rng.randint(200, 9000))
        self.line(
            "user",
            message={
                "role": "user",
                "content": [
                    {
                        "type": "tool_result",
                        "tool_use_id": tool_id,
                        "content": body,
                        "is_error": error,
                    }
                ],
            },
            toolUseResult=body
            if error
            else {"stdout": body[:500], "stderr": "", "interrupted": False},
            sourceToolUseID=tool_id,
        )

    def subagent(self, root: Path, project: Path) -> None:
        agent = "a" + "".join(self.rng.choices("0123456789abcdef", k=16))
        side = _Session(self.rng, self.sid, self.cwd, self.at, agent)
        side.prompt()
        for _ in range(self.rng.randint(3, 10)):
            side.tool_round(root, project)
        side.response([{"type": "text", "text": side.text(300)}])
        target = project / self.sid / "subagents" / f"agent-{agent}.jsonl"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("".join(side.out))
        self.at = side.at

    def compact(self) -> None:
        self.line(
            "system",
            subtype="compact_boundary",
            compactMetadata={"trigger": "auto", "preTokens": self.context},
        )
        self.line(
            "user",
            isCompactSummary=True,
            message={
                "role": "user",
                "content": "This session is being continued. " + self.text(800),
            },
        )
        self.context = self.rng.randint(10_000, 20_000)


_BLOBS: list[str] = []


def generate(root: Path, megabytes: float, seed: int = 7) -> dict[str, int]:
    """Write transcripts under `root/projects/` until about `megabytes` MB; the figures."""
    rng = random.Random(seed)
    if not _BLOBS:
        _BLOBS.extend(" ".join(rng.choices(WORDS, k=4000)) + "\n" for _ in range(8))
    target = int(megabytes * 1_000_000)
    written = sessions = 0
    start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    while written < target:
        project = root / "projects" / f"-home-dev-project-{rng.randint(1, 20)}"
        project.mkdir(parents=True, exist_ok=True)
        sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        start += timedelta(minutes=rng.randint(30, 600))
        session = _Session(rng, sid, f"/home/dev/project-{project.name[-2:].strip('-')}", start)
        session.line("file-history-snapshot", messageId="x", snapshot={}, isSnapshotUpdate=False)
        for turn in range(rng.randint(5, 40)):
            session.prompt()
            for _ in range(rng.randint(1, 8)):
                session.tool_round(root, project)
            session.response([{"type": "text", "text": session.text(rng.randint(50, 1200))}])
            session.line("system", subtype="turn_duration", durationMs=rng.randint(2000, 90000))
            if turn and rng.random() < 0.04:
                session.compact()
        path = project / f"{sid}.jsonl"
        path.write_text("".join(session.out))
        sessions += 1
        written = (
            sum(p.stat().st_size for p in root.rglob("*.jsonl"))
            if sessions % 50 == 0
            else written + path.stat().st_size
        )
    total = sum(p.stat().st_size for p in root.rglob("*.jsonl"))
    files = sum(1 for _ in root.rglob("*.jsonl"))
    return {"sessions": sessions, "files": files, "bytes": total}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", type=Path, help="where to write (created)")
    parser.add_argument("megabytes", nargs="?", type=float, default=20.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.directory, args.megabytes, args.seed))


if __name__ == "__main__":
    main()
