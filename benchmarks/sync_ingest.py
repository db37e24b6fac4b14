"""Team sync's server side under load: --clients concurrent laptops posting `stint sync`
batches (POST /api/v1/sync, one new session of --batch activities each, with a team key)
to `stint serve` on PostgreSQL, against the bare Starlette + uvicorn app of
benchmarks/bare_apps.py (`sync`: one executemany of the same payload's activities),
phases interleaved after a warm-up. A database of its own is created on --pg (trust
auth) and dropped at the end. Servers listen on 127.0.0.1 only; every client loop is
bounded by --seconds per phase and --max-requests per client.

    .venv/bin/python benchmarks/sync_ingest.py
    .venv/bin/python benchmarks/sync_ingest.py --clients 8 --seconds 3 --rounds 2
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
import serve_load

GOAL = "≥ 0.3 of the bare app, p99 < 500 ms"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--batch", type=int, default=500, help="activities per batch")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one phase")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved pairs of phases")
    parser.add_argument("--max-requests", type=int, default=2000, help="per client per phase")
    return parser


def batch(machine: str, size: int) -> dict[str, Any]:
    """One laptop's batch: a new ended session and its activities, as `stint sync` sends."""
    at = datetime.now(UTC).isoformat()
    session = str(uuid.uuid4())
    return {
        "machine": {"uuid": machine, "name": f"bench-{machine[:8]}"},
        "sessions": [
            {
                "session": {
                    "uuid": session,
                    "status": "ended",
                    "started_at": at,
                    "ended_at": at,
                    "created_at": at,
                    "updated_at": at,
                    "message_count": size,
                },
                "project": "bench",
                "tags": ["bench"],
                "activities": [
                    {
                        "type": "message",
                        "occurred_at": at,
                        "source": "hook",
                        "ai_involved": False,
                        "payload": {"n": k},
                        "idem_key": f"sync:{machine}:{session}:{k}",
                    }
                    for k in range(size)
                ],
            }
        ],
    }


def measure(args: argparse.Namespace) -> list[harness.Row]:
    import psycopg

    title = f"sync ingest, PostgreSQL, {args.clients} clients, batches of {args.batch}"
    try:
        admin = psycopg.connect(args.pg, autocommit=True)
    except psycopg.OperationalError as error:
        why = f"PostgreSQL at {args.pg} not reachable ({' '.join(str(error).split())[:120]})"
        return [harness.skipped(title, GOAL, why)]
    database = f"stint_sync_bench_{os.getpid()}"
    admin.execute(f"CREATE DATABASE {database}")
    dsn = args.pg.rsplit("/", 1)[0] + "/" + database
    url = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    servers: list[subprocess.Popen[bytes]] = []
    with tempfile.TemporaryDirectory(prefix="stint-sync-bench-") as tmp:
        env = harness.stint_env(Path(tmp) / "home")
        try:
            init = ["admin", "init", "--org", "Bench", "--owner", "bench", "--json"]
            made = subprocess.run(
                [harness.STINT, "--database", url, *init],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            token = json.loads(made.stdout)["key"]["token"]
            ports = harness.free_port(), harness.free_port()
            ours = [harness.STINT, "serve", "--database", url, "--host", "127.0.0.1"]
            servers.append(serve_load.start([*ours, "--port", str(ports[0])], env, ports[0]))
            bare = [harness.PYTHON, serve_load.BARE, "sync", "--port", str(ports[1])]
            servers.append(serve_load.start([*bare, "--dsn", dsn], env, ports[1]))
            machines = [str(uuid.uuid4()) for _ in range(args.clients)]

            def request(client: Any, n: int, i: int) -> int:
                headers = {"Authorization": f"Bearer {token}"}
                response = client.post(
                    "/api/v1/sync", json=batch(machines[n], args.batch), headers=headers
                )
                if response.status_code != 200:
                    raise RuntimeError(f"{response.status_code}: {response.text[:160]}")
                return int(response.json()["activities_stored"])

            served = serve_load.compare_servers(
                args, f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}", request
            )
        finally:
            for server in servers:
                harness.stop(server)
            admin.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
            admin.close()
    comparison, errors = served.comparison, served.errors
    p99 = served.p99(served.ours)
    ours_latency, bare_latency = served.latency()
    rate, ratio = comparison.a_median, comparison.ratio
    ratio_met = ratio >= 0.3 and not errors
    met = ratio_met and p99 < 0.5
    notes = [f"{len(errors)} failed batches, e.g. {errors[0]}"] if errors else []
    detail = ""
    if ratio_met and not met:
        floor = serve_load.queueing_floor(args.clients, args.batch, rate)
        detail = "ratio met, p99 not"
        notes.append(
            f"p99 < 500 ms not met: {args.clients} back-to-back clients at {rate:,.0f} "
            f"events/s wait {harness.ms(floor)} per batch on average (Little's law)"
        )
    return [
        harness.Row(
            title,
            f"{rate:,.0f} events/s, {ours_latency}",
            f"bare Starlette+uvicorn, one executemany: {comparison.b_median:,.0f} events/s, "
            f"{bare_latency}",
            f"{ratio:.2f} ({comparison.spread()}, {len(comparison.a)} pairs)",
            GOAL,
            met,
            notes,
            detail,
        )
    ]


def main() -> None:
    args = build_parser().parse_args()
    load = harness.loadavg()
    harness.report(measure(args), load)


if __name__ == "__main__":
    main()
