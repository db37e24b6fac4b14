"""A generated corpus of Codex CLI rollouts for the ccusage comparison:
`<root>/sessions/YYYY/MM/DD/rollout-…-<uuid>.jsonl` with session_meta, turn_context (the
model changes between turns), user messages, shell calls and patches with their outputs,
and cumulative token_count events (repeated snapshots and `info: null` included).

Deterministic for a seed.

    .venv/bin/python benchmarks/codex_corpus.py DIR [SESSIONS] [--seed N]
"""

from __future__ import annotations

import argparse
import json
import random
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

MODELS = ("gpt-5-codex", "gpt-5.1-codex", "gpt-5.2-codex", "gpt-5", "gpt-5.1-codex-mini")


def _line(at: datetime, kind: str, payload: dict[str, Any] | None) -> str:
    stamp = at.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    line = {"timestamp": stamp, "type": kind, "payload": payload}
    return json.dumps(line, separators=(",", ":")) + "\n"  # compact, as Codex writes


def _session(rng: random.Random, sid: str, start: datetime) -> list[str]:
    at = start
    lines = [
        _line(
            at,
            "session_meta",
            {"id": sid, "cwd": "/home/dev/app", "cli_version": "0.77.0", "git": {"branch": "main"}},
        )
    ]
    total = {"input_tokens": 0, "cached_input_tokens": 0, "output_tokens": 0}
    for turn in range(rng.randint(2, 12)):
        at += timedelta(seconds=rng.randint(5, 300))
        lines.append(
            _line(at, "turn_context", {"cwd": "/home/dev/app", "model": rng.choice(MODELS)})
        )
        lines.append(_line(at, "event_msg", {"type": "user_message", "message": f"step {turn}"}))
        for call in range(rng.randint(1, 6)):
            at += timedelta(seconds=rng.randint(1, 30))
            call_id = f"call_{turn}_{call}"
            args = json.dumps(
                {"command": ["bash", "-lc", f"pytest -q -k t{call}"]}, separators=(",", ":")
            )
            item = {"type": "function_call", "name": "shell", "arguments": args, "call_id": call_id}
            lines.append(_line(at, "response_item", item))
            output = json.dumps({"output": "ok", "metadata": {"exit_code": rng.choice((0, 0, 1))}})
            result = {"type": "function_call_output", "call_id": call_id, "output": output}
            lines.append(_line(at, "response_item", result))
            fresh = rng.randint(500, 40_000)
            last = {
                "input_tokens": fresh,
                "cached_input_tokens": rng.randint(0, fresh),
                "output_tokens": rng.randint(10, 3000),
            }
            for name, value in last.items():
                total[name] += value
            info = {
                "total_token_usage": {
                    **total,
                    "total_tokens": total["input_tokens"] + total["output_tokens"],
                },
                "last_token_usage": {
                    **last,
                    "total_tokens": last["input_tokens"] + last["output_tokens"],
                },
                "model_context_window": 272000,
            }
            lines.append(_line(at, "event_msg", {"type": "token_count", "info": info}))
            if rng.random() < 0.3:  # Codex re-emits the same totals
                lines.append(_line(at, "event_msg", {"type": "token_count", "info": info}))
            if rng.random() < 0.1:
                lines.append(_line(at, "event_msg", {"type": "token_count", "info": None}))
    return lines


def generate(root: Path, sessions: int, seed: int = 11) -> dict[str, int]:
    rng = random.Random(seed)
    start = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    total = 0
    for _ in range(sessions):
        start += timedelta(minutes=rng.randint(20, 500))
        sid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        folder = root / "sessions" / start.strftime("%Y/%m/%d")
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"rollout-{start.strftime('%Y-%m-%dT%H-%M-%S')}-{sid}.jsonl"
        path.write_text("".join(_session(rng, sid, start)))
        total += path.stat().st_size
    return {"sessions": sessions, "files": sessions, "bytes": total}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("directory", type=Path, help="where to write (created)")
    parser.add_argument("sessions", nargs="?", type=int, default=50)
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    print(generate(args.directory, args.sessions, args.seed))


if __name__ == "__main__":
    main()
