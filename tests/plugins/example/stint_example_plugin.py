"""A plugin as a third party would write it, installed for tests through its dist-info
(found by importlib.metadata when this folder is on sys.path / PYTHONPATH).

Its agent writes one JSON object a line: {"session": ..., "at": ISO time, "prompt": ...}
or {"session": ..., "at": ..., "tokens": [input, output], "cost": 0.1}.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

from stint.plugins import hookimpl

AGENT = "example_agent"


class ExampleImporter:
    name = "example"
    agent = AGENT
    help = "The example agent's .example.jsonl logs."

    def import_paths(self, sessions: Any, paths: Any, progress: Any = None) -> Any:
        from stint.capture.batch_import import import_batches
        from stint.capture.importer import ImportSummary, SessionBatch
        from stint.capture.keys import event_key
        from stint.model.types import EventIn

        summary = ImportSummary()
        batches: dict[str, SessionBatch] = {}
        for path in paths or []:
            summary.files_read += 1
            for number, line in enumerate(Path(path).read_text().splitlines(), 1):
                record = json.loads(line)
                at = datetime.fromisoformat(record["at"])
                sid = record["session"]
                batch = batches.setdefault(sid, SessionBatch(AGENT, sid, at, at, cwd="/work"))
                batch.saw(at)
                key = event_key(AGENT, sid, "line", str(number))
                if "prompt" in record:
                    batch.events.append(
                        EventIn(
                            "message",
                            occurred_at=at,
                            source="import",
                            payload={"role": "user", "text": record["prompt"]},
                            key=key,
                        )
                    )
                else:
                    inp, out = record["tokens"]
                    batch.events.append(
                        EventIn(
                            "tokens",
                            occurred_at=at,
                            source="import",
                            payload={
                                "model": "example-1",
                                "input_tokens": inp,
                                "output_tokens": out,
                                "cost_usd": record["cost"],
                            },
                            key=key,
                        )
                    )
        return import_batches(sessions, batches.values(), summary)


class ExampleMapper:
    name = "example"
    agent = AGENT

    def map_record(self, hook: dict[str, Any], received_at: float, policy: str) -> Any:
        from datetime import UTC

        from stint.capture.claude_hooks import BadRecord, Mapped
        from stint.capture.keys import event_key
        from stint.model.types import EventIn

        if "session" not in hook:
            raise BadRecord("no session")
        at = datetime.fromtimestamp(received_at, UTC)
        mapped = Mapped(hook["session"], hook.get("event", "other"), at, cwd=hook.get("cwd"))
        mapped.events.append(
            EventIn(
                "tool_call",
                occurred_at=at,
                source="hook",
                ai_involved=True,
                payload={"tool": hook.get("tool", "tool"), "success": True},
                key=event_key(AGENT, hook["session"], "hook", f"{received_at:.6f}"),
            )
        )
        return mapped


class Upper:
    name = "upper"
    suffix = ".txt"

    def write(self, table: str, rows: Any, stream: Any) -> int:
        count = 0
        for row in rows:
            stream.write(f"{table.upper()} {row.get('agent') or ''} {row['id']}\n")
            count += 1
        return count


@hookimpl
def register_importers() -> list[Any]:
    return [ExampleImporter()]


@hookimpl
def register_hook_mappers() -> list[Any]:
    return [ExampleMapper()]


@hookimpl
def register_exporters() -> list[Any]:
    return [Upper()]


@hookimpl
def register_session_kinds() -> list[Any]:
    from stint.goals.kinds import Kind

    return [
        Kind(
            "pairing",
            description="Two people and an agent.",
            state_schema={"pair": str},
            required=("pair",),
        )
    ]


class TokensPerMessage:
    name = "tokens_per_message"

    def score(self, session: dict[str, Any]) -> float | None:
        messages = session.get("message_count") or 0
        tokens = (session.get("input_tokens") or 0) + (session.get("output_tokens") or 0)
        return tokens / messages if messages else None


@hookimpl
def register_scorers() -> list[Any]:
    return [TokensPerMessage()]


@hookimpl
def register_goal_evaluators() -> list[Any]:
    raise RuntimeError("evaluator table missing")


@hookimpl
def register_commands(cli: Any) -> None:
    import click

    @cli.command("hello-example")
    @click.argument("name")
    def hello(name: str) -> None:
        """Say hello (a command a plugin added)."""
        click.echo(f"hello {name} from the example plugin")
