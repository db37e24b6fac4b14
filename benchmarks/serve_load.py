"""Load the web server: page and API latency over a large store, and ingest throughput.

    .venv/bin/python benchmarks/serve_load.py                       # 100k sessions
    .venv/bin/python benchmarks/serve_load.py --sessions 20000 --requests 100
    .venv/bin/python benchmarks/serve_load.py --database postgresql+psycopg://…

Seeds a fresh SQLite store (under a temporary directory unless --database is given) with
`--sessions` sessions over the last two years through the bulk helper, starts the real
`stint serve` in a subprocess on a free loopback port, then measures:

* p50/p99 latency of the overview page (/) and of GET /api/v1/sessions, `--requests`
  sequential requests each after a warm-up;
* ingest throughput of POST /api/v1/ingest with `--clients` concurrent clients (32), each
  sending batches of `--batch` keyed events for its own agent session, for at most
  `--ingest-seconds` or `--batches` batches per client, whichever ends first.

Targets: overview p99 under 300 ms; ingest at least 5,000 events/s on SQLite.
"""

from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from stint.store import bulk
from stint.tracker import Tracker

MODELS = ("claude-opus-4-6", "claude-sonnet-4-5", "gpt-5-codex")
TAGS = ("feature", "bugfix", "refactor", "docs", "spike", "review")


def seed_rows(count: int, rng: random.Random) -> Iterator[dict[str, Any]]:
    now = datetime.now(UTC)
    span = 730 * 86400
    for i in range(count):
        started = now - timedelta(seconds=span * (count - i) / count + rng.randrange(3600))
        minutes = rng.randrange(5, 240)
        yield {
            "started_at": started,
            "ended_at": started + timedelta(minutes=minutes),
            "last_activity_at": started + timedelta(minutes=minutes),
            "active_seconds": minutes * 60 * rng.uniform(0.4, 1.0),
            "productivity_score": rng.uniform(20, 95),
            "tasks_created": 3,
            "tasks_completed": rng.randrange(0, 4),
            "loc_added": rng.randrange(0, 800),
            "loc_removed": rng.randrange(0, 300),
            "input_tokens": rng.randrange(0, 500_000),
            "output_tokens": rng.randrange(0, 50_000),
            "cost_usd": rng.uniform(0, 8),
            "ai_model": MODELS[i % len(MODELS)],
            "agent": "claude_code",
            "goal": f"benchmark goal {i}",
            "outcome": ("achieved", "partial", "not_achieved", None)[i % 4],
            "tags": rng.sample(TAGS, rng.randrange(0, 3)),
            "project": f"project-{i % 12}",
        }


def seed(url: str, home: Path, count: int) -> float:
    started = time.perf_counter()
    tracker = Tracker.open(url, home=home)
    with tracker.store.write() as conn:
        bulk.insert_sessions(conn, tracker.org, seed_rows(count, random.Random(7)))
    tracker.close()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(url: str, home: Path, port: int) -> subprocess.Popen[str]:
    env = {**os.environ, "STINT_HOME": str(home)}
    command = [sys.executable, "-m", "stint", "serve", "--database", url, "--port", str(port)]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health").status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the server did not start")


def latency(client: httpx.Client, path: str, requests: int) -> dict[str, float]:
    for _ in range(3):
        client.get(path).raise_for_status()
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(path).raise_for_status()
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    return {
        "p50_ms": statistics.median(times),
        "p99_ms": times[min(len(times) - 1, int(len(times) * 0.99))],
    }


def ingest(base: str, clients: int, batch: int, batches: int, seconds: float) -> dict[str, Any]:
    stored = [0] * clients
    errors: list[str] = []
    stop_at = time.monotonic() + seconds

    def client_loop(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            for b in range(batches):
                if time.monotonic() > stop_at:
                    return
                events = [
                    {
                        "type": "tool_call" if i % 2 else "message",
                        "key": f"bench-{n}-{b}-{i}",
                        "payload": {"success": True} if i % 2 else {},
                        "source": "hook",
                    }
                    for i in range(batch)
                ]
                body = {
                    "sessions": [
                        {"agent": "bench", "agent_session_id": f"client-{n}", "events": events}
                    ]
                }
                response = client.post("/api/v1/ingest", json=body)
                if response.status_code != 200:
                    errors.append(f"{response.status_code}: {response.text[:200]}")
                    return
                stored[n] += response.json()["stored"]

    threads = [threading.Thread(target=client_loop, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    total = sum(stored)
    return {
        "events": total,
        "seconds": elapsed,
        "events_per_s": total / elapsed if elapsed else 0.0,
        "errors": errors[:3],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--batch", type=int, default=250)
    parser.add_argument("--batches", type=int, default=10)
    parser.add_argument("--ingest-seconds", type=float, default=60.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="stint-serve-load-") as tmp:
        home = Path(tmp)
        url = args.database or f"sqlite:///{home / 'stint.db'}"
        print(f"seeding {args.sessions:,} sessions …", flush=True)
        print(f"  seeded in {seed(url, home, args.sessions):.1f} s")
        port = free_port()
        server = start_server(url, home, port)
        base = f"http://127.0.0.1:{port}"
        try:
            with httpx.Client(base_url=base, timeout=60) as client:
                for path in ("/", "/api/v1/sessions"):
                    figures = latency(client, path, args.requests)
                    print(
                        f"GET {path:<18} p50 {figures['p50_ms']:7.1f} ms"
                        f"   p99 {figures['p99_ms']:7.1f} ms   ({args.requests} requests)"
                    )
            result = ingest(base, args.clients, args.batch, args.batches, args.ingest_seconds)
            print(
                f"ingest: {result['events']:,} events in {result['seconds']:.2f} s with "
                f"{args.clients} clients = {result['events_per_s']:,.0f} events/s"
            )
            for error in result["errors"]:
                print(f"  error: {error}")
        finally:
            server.terminate()
            server.wait(timeout=15)


if __name__ == "__main__":
    main()
