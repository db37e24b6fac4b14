"""What tenancy costs a team server's reads: `GET /api/v1/sessions` and the dashboard
overview (`GET /`) with --sessions sessions spread evenly over --orgs orgs, against the
same number of sessions in one org. Each request is made with a team key of the org read
(so both stores pay the same authentication), through the app in process (FastAPI's
TestClient), the two stores' runs interleaved. Goal: spread / one org < 1.10 at p50 and p99.

    .venv/bin/python benchmarks/tenancy_cost.py                 # 100k sessions, 10 orgs
    .venv/bin/python benchmarks/tenancy_cost.py --quick         # 10k sessions

Also printed: the spread store against a store holding only the one org's own share (the
cost of other tenants' rows being there at all).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness
import seed

PATHS = ("/api/v1/sessions", "/")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=10)
    parser.add_argument("--activities-per-session", type=int, default=2)
    parser.add_argument("--runs", type=int, default=40, help="requests per path per store")
    parser.add_argument("--quick", action="store_true", help="10k sessions, 20 runs")
    return parser


class Store:
    """A seeded SQLite store and a client holding a key of the org it reads."""

    def __init__(self, home: Path, shares: list[tuple[str, int]], activities: int) -> None:
        from fastapi.testclient import TestClient

        from stint.tracker import Tracker
        from stint.web import create_app

        home.mkdir(parents=True)
        for org_id, count in shares:
            seed.seed(home, count, count * activities, org_id=org_id, open_activities=20)
        self.tracker = Tracker.open(None, home=home)
        read = shares[0][0]
        owner = self.tracker.team.create_user(read, "reader", role="owner")
        token = self.tracker.team.create_key(read, str(owner["id"]))["token"]
        self.client = TestClient(create_app(self.tracker, housekeeping_seconds=None))
        self.client.headers["Authorization"] = f"Bearer {token}"
        for path in PATHS:  # warm: templates, statements, caches
            self.get(path)

    def get(self, path: str) -> float:
        began = time.perf_counter()
        response = self.client.get(path)
        took = time.perf_counter() - began
        if response.status_code != 200:
            raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")
        return took

    def close(self) -> None:
        self.client.close()
        self.tracker.close()


def measure(args: argparse.Namespace) -> list[harness.Row]:
    with tempfile.TemporaryDirectory(prefix="stint-tenancy-") as tmp:
        return _measure(args, Path(tmp))


def _measure(args: argparse.Namespace, work: Path) -> list[harness.Row]:
    sessions = 10_000 if args.quick else args.sessions
    runs = 20 if args.quick else args.runs
    share = sessions // args.orgs
    orgs = [f"org-{n}" for n in range(args.orgs)]
    began = time.perf_counter()
    per = args.activities_per_session
    stores = {
        "spread": Store(work / "spread", [(org, share) for org in orgs], per),
        "one org": Store(work / "one", [(orgs[0], sessions)], per),
        "alone": Store(work / "alone", [(orgs[0], share)], per),
    }
    print(
        f"seeded three stores of {sessions:,} / {sessions:,} / {share:,} sessions "
        f"in {time.perf_counter() - began:.0f} s"
    )
    rows = []
    try:
        for path in PATHS:
            times: dict[str, list[float]] = {name: [] for name in stores}
            for _ in range(runs):  # interleaved, so load drifts hit all three alike
                for name, store in stores.items():
                    times[name].append(store.get(path))
            figures = {
                name: (harness.percentile(t, 0.5), harness.percentile(t, 0.99))
                for name, t in times.items()
            }
            spread, one, alone = figures["spread"], figures["one org"], figures["alone"]
            ratio = max(spread[0] / one[0], spread[1] / one[1])
            rows.append(
                harness.Row(
                    f"GET {path}, {sessions:,} sessions over {args.orgs} orgs vs one org",
                    f"p50 {harness.ms(spread[0])}, p99 {harness.ms(spread[1])}",
                    f"one org: p50 {harness.ms(one[0])}, p99 {harness.ms(one[1])}",
                    f"{spread[0] / one[0]:.2f} p50, {spread[1] / one[1]:.2f} p99",
                    "< 1.10",
                    ratio < 1.10,
                    [
                        f"the org's {share:,} alone: p50 {harness.ms(alone[0])}, p99 "
                        f"{harness.ms(alone[1])} (spread / alone {spread[0] / alone[0]:.2f} p50)"
                    ],
                )
            )
    finally:
        for store in stores.values():
            store.close()
    return rows


def main(argv: list[str] | None = None) -> Any:
    args = build_parser().parse_args(argv)
    began = harness.loadavg()
    harness.report(measure(args), began)


if __name__ == "__main__":
    main()
