"""The OTLP receiver under concurrent exporters: `POST /v1/logs` of `stint serve` on
PostgreSQL against the bare Starlette + uvicorn app of benchmarks/bare_apps.py (`otlp`:
decode with the same protobuf classes, one executemany) receiving the same bodies, load
phases interleaved after a warm-up of each. Reported: OTLP log records stored per second,
the ratio to the bare app, batch p99, with the load average.

Each request is a Claude-Code-shaped protobuf logs request of --records records
(api_request with tokens and cost, tool_result, tool_decision, user_prompt in turn) of
the client's own session, every record new (fresh request and tool ids), so stint stores
and counts each one. A database of its own is created on --pg (trust auth) and dropped
at the end. Goal: ≥ 0.3 of the bare app's records/s.

    .venv/bin/python benchmarks/otlp_ingest.py
    .venv/bin/python benchmarks/otlp_ingest.py --seconds 4 --rounds 2      # quick
"""

from __future__ import annotations

import argparse
import itertools
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
from serve_load import BARE, compare_servers, start

T0 = 1_790_000_000_000_000_000


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--clients", type=int, default=8, help="concurrent exporters")
    parser.add_argument("--records", type=int, default=100, help="log records per request")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one phase")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved pairs of phases")
    parser.add_argument("--max-requests", type=int, default=2000, help="per client per phase")
    return parser


def logs_body(session: str, tag: int, records: int) -> bytes:
    """One protobuf ExportLogsServiceRequest as Claude Code's exporter shapes it."""
    from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
    from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue

    def kv(key: str, value: Any) -> KeyValue:
        if isinstance(value, bool):
            return KeyValue(key=key, value=AnyValue(bool_value=value))
        if isinstance(value, int):
            return KeyValue(key=key, value=AnyValue(int_value=value))
        if isinstance(value, float):
            return KeyValue(key=key, value=AnyValue(double_value=value))
        return KeyValue(key=key, value=AnyValue(string_value=str(value)))

    request = ExportLogsServiceRequest()
    resource = request.resource_logs.add()
    resource.resource.attributes.append(kv("service.name", "claude-code"))
    scope = resource.scope_logs.add()
    scope.scope.name = "com.anthropic.claude_code.events"
    for k in range(records):
        ident = f"{tag}_{k}"
        name = ("api_request", "tool_result", "tool_decision", "user_prompt")[k % 4]
        attrs: dict[str, Any] = {"event.name": name, "session.id": session, "prompt.id": tag}
        if name == "api_request":
            attrs.update(
                model="claude-sonnet-4-6",
                input_tokens=12,
                output_tokens=300,
                cache_read_tokens=40000,
                cache_creation_tokens=1200,
                cost_usd=0.02,
                duration_ms=8000,
                request_id=f"req_{ident}",
            )
        elif name in ("tool_result", "tool_decision"):
            attrs.update(tool_name="Bash", tool_use_id=f"toolu_{ident}", success="true")
            attrs.update(decision="accept", source="config", duration_ms=100)
        else:
            attrs.update(prompt_length=40, prompt="<REDACTED>")
            attrs["prompt.id"] = f"p_{ident}"
        record = scope.log_records.add()
        record.time_unix_nano = T0 + tag * 1_000_000 + k
        record.body.string_value = f"claude_code.{name}"
        record.attributes.extend(kv(key, value) for key, value in attrs.items())
    return request.SerializeToString()


def measure(args: argparse.Namespace) -> list[harness.Row]:
    import psycopg

    measure_name = f"OTLP logs ingest, PostgreSQL, {args.clients} clients, {args.records}/request"
    goal = "≥ 0.3"
    database = f"stint_bench_otlp_{os.getpid()}"
    try:
        admin = psycopg.connect(args.pg, autocommit=True)
    except psycopg.OperationalError as error:
        why = f"PostgreSQL at {args.pg} not reachable ({' '.join(str(error).split())[:120]})"
        print(why, file=sys.stderr)
        return [harness.skipped(measure_name, goal, why)]
    admin.execute(f"CREATE DATABASE {database}")
    dsn = args.pg.rsplit("/", 1)[0] + "/" + database
    url = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    servers: list[subprocess.Popen[bytes]] = []
    counter = itertools.count()
    try:
        with tempfile.TemporaryDirectory(prefix="stint-otlp-bench-") as tmp:
            env = harness.stint_env(Path(tmp) / "home")
            ports = harness.free_port(), harness.free_port()
            ours = [harness.STINT, "serve", "--database", url, "--sweep-seconds", "3600"]
            servers.append(start([*ours, "--port", str(ports[0])], env, ports[0]))
            bare = [harness.PYTHON, BARE, "otlp", "--port", str(ports[1]), "--dsn", dsn]
            servers.append(start(bare, env, ports[1]))
            headers = {"Content-Type": "application/x-protobuf"}

            def request(client: Any, n: int, i: int) -> int:
                body = logs_body(f"bench-session-{n}", next(counter), args.records)
                response = client.post("/v1/logs", content=body, headers=headers)
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code}: {response.text[:160]}")
                return args.records

            served = compare_servers(
                args, f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}", request
            )
    finally:
        for server in servers:
            harness.stop(server)
        admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.close()
    comparison, errors = served.comparison, served.errors
    ours_latency, bare_latency = served.latency("request")
    rate, ratio = comparison.a_median, comparison.ratio
    notes = [f"{len(errors)} failed requests, e.g. {errors[0]}"] if errors else []
    return [
        harness.Row(
            measure_name,
            f"{rate:,.0f} records/s, {ours_latency}",
            f"bare Starlette+uvicorn, protobuf decode + one executemany: "
            f"{comparison.b_median:,.0f} records/s, {bare_latency}",
            f"{ratio:.2f} ({comparison.spread()}, {len(comparison.a)} pairs)",
            goal,
            ratio >= 0.3 and not errors,
            notes,
        )
    ]


def main() -> None:
    args = build_parser().parse_args()
    load = harness.loadavg()
    rows = measure(args)
    harness.report(rows, load)


if __name__ == "__main__":
    main()
