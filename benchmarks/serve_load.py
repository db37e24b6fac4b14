"""Rows 5 and 6 of issue 13: the server under 32 concurrent clients, against a bare
Starlette + uvicorn app (benchmarks/bare_apps.py) serving the same requests, load phases
interleaved (stint, bare, stint, …) after a warm-up phase of each.

* ingest: POST /api/v1/ingest on PostgreSQL, each client sending batches of --batch keyed
  events for its own agent session; the bare app inserts the same payloads with one
  executemany. A database of its own is created on --pg (trust auth) and dropped at the
  end. Goal: ≥ 0.6 of the bare server's events/s, ≥ 5,000 events/s, batch p99 < 100 ms.
* dashboard: GET / (the overview) over a SQLite store of --sessions sessions; the bare app
  renders a page of the newest sessions and the totals from one query. Goal: ≥ 0.3 of the
  bare app's requests/s, p99 < 300 ms.

Servers listen on 127.0.0.1 only and are stopped here; every client loop is bounded by
--seconds per phase and --max-requests per client.

    .venv/bin/python benchmarks/serve_load.py                       # 100k sessions
    .venv/bin/python benchmarks/serve_load.py --sessions 5000 --seconds 3 --rounds 2
    .venv/bin/python benchmarks/serve_load.py --only ingest
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
import seed

BARE = str(Path(__file__).resolve().parent / "bare_apps.py")


@dataclass
class Phase:
    units: int = 0  # events stored or pages served
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.units / self.seconds if self.seconds else 0.0


def load(
    base: str,
    clients: int,
    seconds: float,
    max_requests: int,
    request: Callable[[Any, int, int], int],
) -> Phase:
    """`clients` threads each calling `request(client, n, i)` (returns units done) until
    `seconds` have passed or it made `max_requests` requests."""
    import httpx

    phase = Phase()
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def loop(n: int) -> None:
        with httpx.Client(base_url=base, timeout=60) as client:
            for i in range(max_requests):
                if time.monotonic() > stop_at:
                    return
                began = time.perf_counter()
                try:
                    done = request(client, n, i)
                except Exception as error:  # counted, the loop goes on
                    with lock:
                        phase.errors.append(str(error)[:200])
                    continue
                took = time.perf_counter() - began
                with lock:
                    phase.units += done
                    phase.latencies.append(took)

    threads = [threading.Thread(target=loop, args=(n,)) for n in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.perf_counter() - began
    return phase


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", choices=("ingest", "dashboard"), help="one of the two rows")
    parser.add_argument("--sessions", type=int, default=100_000, help="dashboard store")
    parser.add_argument("--activities", type=int, default=1_000_000, help="dashboard store")
    parser.add_argument("--home", type=Path, help="dashboard STINT_HOME; reused if seeded")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--batch", type=int, default=250, help="events per ingest batch")
    parser.add_argument("--seconds", type=float, default=10.0, help="length of one phase")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved pairs of phases")
    parser.add_argument("--max-requests", type=int, default=2000, help="per client per phase")
    return parser


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    server = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )
    harness.wait_http(f"http://127.0.0.1:{port}/api/v1/health", server)
    return server


@dataclass
class Served:
    """An interleaved run of both servers: the rate comparison and every timed phase of
    each (the warm-up phases left out), for the latencies of both in the same run."""

    comparison: harness.Comparison
    ours: list[Phase]
    bare: list[Phase]

    def p99(self, which: list[Phase]) -> float:
        return harness.percentile([t for p in which for t in p.latencies], 0.99)

    @property
    def errors(self) -> list[str]:
        return [e for p in self.ours for e in p.errors]

    def latency(self, unit: str = "batch") -> tuple[str, str]:
        """The stint and bare cells' latency part: each p99, and stint's as a multiple of
        the bare app's (the same clients, the same machine, the same minute)."""
        ours, bare = self.p99(self.ours), self.p99(self.bare)
        times = f", {ours / bare:.2f}× bare" if bare > 0 else ""
        return f"{unit} p99 {harness.ms(ours)}{times}", f"{unit} p99 {harness.ms(bare)}"


def compare_servers(
    args: argparse.Namespace,
    ours: str,
    bare: str,
    request: Callable[[Any, int, int], int],
) -> Served:
    ours_phases: list[Phase] = []
    bare_phases: list[Phase] = []

    def stint_phase() -> float:
        phase = load(ours, args.clients, args.seconds, args.max_requests, request)
        ours_phases.append(phase)
        return phase.rate

    def bare_phase() -> float:
        phase = load(bare, args.clients, args.seconds, args.max_requests, request)
        if phase.errors:
            print(f"bare app: {len(phase.errors)} failed requests, e.g. {phase.errors[0]}")
        bare_phases.append(phase)
        return phase.rate

    comparison = harness.interleave_values(stint_phase, bare_phase, args.rounds)
    # The first phase of each was the warm-up.
    return Served(comparison, ours_phases[1:], bare_phases[1:])


def queueing_floor(clients: int, units_per_request: int, rate: float) -> float:
    """The mean latency closed-loop clients must see at `rate` units/s (Little's law: the
    requests in flight, one per client, over the requests finished per second). A p99
    goal below it cannot be met at this throughput, however the work is done."""
    return clients * units_per_request / rate if rate > 0 else float("inf")


def ingest_row(args: argparse.Namespace, work: Path) -> harness.Row:
    import psycopg

    database = f"stint_bench_{os.getpid()}"
    try:
        admin = psycopg.connect(args.pg, autocommit=True)
    except psycopg.OperationalError as error:
        reason = " ".join(str(error).split())[:120]
        why = f"PostgreSQL at {args.pg} not reachable ({reason}); not measured"
        print(why, file=sys.stderr)
        return harness.skipped(
            f"server ingest, PostgreSQL, {args.clients} clients, batches of {args.batch}",
            "≥ 0.6, ≥ 5,000/s, p99 < 100 ms",
            why,
        )
    admin.execute(f"CREATE DATABASE {database}")
    dsn = args.pg.rsplit("/", 1)[0] + "/" + database
    url = dsn.replace("postgresql://", "postgresql+psycopg://", 1)
    servers: list[subprocess.Popen[bytes]] = []
    counter = iter(range(10**9))
    try:
        env = harness.stint_env(work / "ingest-home")
        subprocess.run(
            [harness.STINT, "--database", url, "status"], env=env, check=True, capture_output=True
        )  # creates the schema
        ports = harness.free_port(), harness.free_port()
        ours = [harness.STINT, "serve", "--database", url, "--host", "127.0.0.1"]
        servers.append(start([*ours, "--port", str(ports[0])], env, ports[0]))
        bare = [harness.PYTHON, BARE, "ingest", "--port", str(ports[1]), "--dsn", dsn]
        servers.append(start(bare, env, ports[1]))

        def request(client: Any, n: int, i: int) -> int:
            tag = next(counter)
            events = [
                {
                    "type": "tool_call" if k % 2 else "message",
                    "key": f"bench-{tag}-{k}",
                    "payload": {"success": True} if k % 2 else {},
                    "source": "hook",
                }
                for k in range(args.batch)
            ]
            body = {
                "sessions": [
                    {"agent": "bench", "agent_session_id": f"client-{n}", "events": events}
                ]
            }
            response = client.post("/api/v1/ingest", json=body)
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code}: {response.text[:160]}")
            return int(response.json()["stored"])

        served = compare_servers(
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
    ratio_met = ratio >= 0.6 and rate >= 5000 and not errors
    met = ratio_met and p99 < 0.1
    notes = [f"{len(errors)} failed batches, e.g. {errors[0]}"] if errors else []
    detail = ""
    if ratio_met and not met:
        # Say why the absolute p99 is missed instead of moving the goal: at this rate the
        # closed-loop clients queue for longer than the goal on average.
        floor = queueing_floor(args.clients, args.batch, rate)
        bare_floor = queueing_floor(args.clients, args.batch, comparison.b_median)
        needed = args.clients * args.batch / 0.1
        detail = "ratio met, p99 queueing-bound"
        notes.append(
            f"p99 < 100 ms not met: {args.clients} back-to-back clients at {rate:,.0f} "
            f"events/s wait {harness.ms(floor)} per batch on average (Little's law; the "
            f"bare app's own floor is {harness.ms(bare_floor)}); under 100 ms needs "
            f"{needed:,.0f} events/s"
        )
    return harness.Row(
        f"server ingest, PostgreSQL, {args.clients} clients, batches of {args.batch}",
        f"{rate:,.0f} events/s, {ours_latency}",
        f"bare Starlette+uvicorn, one executemany: {comparison.b_median:,.0f} events/s, "
        f"{bare_latency}",
        f"{ratio:.2f} ({comparison.spread()}, {len(comparison.a)} pairs)",
        "≥ 0.6, ≥ 5,000/s, p99 < 100 ms",
        met,
        notes,
        detail,
    )


def dashboard_row(args: argparse.Namespace, work: Path) -> harness.Row:
    home = args.home or work / "dashboard-home"
    db = seed.database(home)
    if not db.exists():
        home.mkdir(parents=True, exist_ok=True)
        took = seed.seed(home, args.sessions, args.activities)
        print(f"seeded {args.sessions:,} sessions / {args.activities:,} activities in {took:.1f} s")
    env = harness.stint_env(home)
    ports = harness.free_port(), harness.free_port()
    servers = []
    try:
        servers.append(
            start(
                [harness.STINT, "serve", "--host", "127.0.0.1", "--port", str(ports[0])],
                env,
                ports[0],
            )
        )
        bare = [harness.PYTHON, BARE, "overview", "--port", str(ports[1]), "--sqlite", str(db)]
        servers.append(start(bare, env, ports[1]))

        def request(client: Any, n: int, i: int) -> int:
            response = client.get("/")
            if response.status_code != 200:
                raise RuntimeError(f"{response.status_code}: {response.text[:160]}")
            return 1

        served = compare_servers(
            args, f"http://127.0.0.1:{ports[0]}", f"http://127.0.0.1:{ports[1]}", request
        )
    finally:
        for server in servers:
            harness.stop(server)
    comparison, errors = served.comparison, served.errors
    p99 = served.p99(served.ours)
    ours_latency, bare_latency = served.latency("request")
    rate, ratio = comparison.a_median, comparison.ratio
    met = ratio >= 0.3 and p99 < 0.3 and not errors
    return harness.Row(
        f"dashboard overview, {seed.sizes(home)[0]:,} sessions, {args.clients} concurrent",
        f"{rate:,.1f} req/s, {ours_latency}",
        f"bare app, one query: {comparison.b_median:,.1f} req/s, {bare_latency}",
        f"{ratio:.2f} ({comparison.spread()}, {len(comparison.a)} pairs)",
        "≥ 0.3, p99 < 300 ms",
        met,
        [f"{len(errors)} failed requests, e.g. {errors[0]}"] if errors else [],
    )


def measure(args: argparse.Namespace) -> list[harness.Row]:
    with tempfile.TemporaryDirectory(prefix="stint-serve-load-") as tmp:
        rows = []
        if args.only in (None, "ingest"):
            rows.append(ingest_row(args, Path(tmp)))
        if args.only in (None, "dashboard"):
            rows.append(dashboard_row(args, Path(tmp)))
        return rows


def main() -> None:
    args = build_parser().parse_args()
    began = harness.loadavg()
    harness.report(measure(args), began)


if __name__ == "__main__":
    main()
