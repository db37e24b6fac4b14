"""Every row of issue 13's speed table, each against its floor or peer measured in the
same run, printed as one table with the load average at start and end.

    .venv/bin/python benchmarks/run_all.py --quick          # small sizes, about 2-3 minutes
    .venv/bin/python benchmarks/run_all.py                  # the issue's sizes (long: seeding
                                                            # 10M activities, a 200 MB corpus)
    .venv/bin/python benchmarks/run_all.py --quick --only record --only cli
    make bench                                              # the full sizes
    make bench BENCH=--quick

Each row is one of the scripts beside this one, run with the arguments listed in ROWS
(see each script's --help); `make bench` runs the full set.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness

# row → (script module, quick arguments, full arguments); {store} is a STINT_HOME shared
# by the rows that read the 100k-session store.
ROWS: dict[str, tuple[str, str, str]] = {
    "cli": (
        "cli_scale",
        "--sessions 5000 --activities 50000 --runs 4 --home {store}",
        "--sessions 100000 --activities 1000000 --runs 15 --home {store}",
    ),
    "stats": (
        "stats_scale",
        "--sessions 5000 --activities 100000 --runs 3",
        "--sessions 100000 --activities 10000000 --runs 7",
    ),
    "import": ("import_speed", "--megabytes 2 --runs 2", "--megabytes 200 --runs 3"),
    "ingest": (
        "serve_load",
        "--only ingest --seconds 4 --rounds 2",
        "--only ingest --seconds 10 --rounds 3",
    ),
    "dashboard": (
        "serve_load",
        "--only dashboard --home {store} --sessions 5000 --activities 50000 --seconds 4 --rounds 2",
        "--only dashboard --home {store} --sessions 100000 --activities 1000000 --seconds 10"
        " --rounds 3",
    ),
    "sync": (
        "sync_ingest",
        "--clients 8 --batch 250 --seconds 3 --rounds 2",
        "--clients 16 --batch 500 --seconds 10 --rounds 3",
    ),
    "record": ("record_rate", "--events 100 --runs 3", "--events 500 --runs 5"),
    "otlp": ("otlp_ingest", "--seconds 4 --rounds 2", "--seconds 10 --rounds 3"),
    "health": ("health_end", "--files 100 --runs 3", "--files 100 --runs 7"),
    "tenancy": ("tenancy_cost", "--quick", "--sessions 100000 --orgs 10 --runs 40"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small sizes (about 2-3 minutes)")
    parser.add_argument(
        "--only", action="append", choices=sorted(ROWS), help="just this row (repeatable)"
    )
    parser.add_argument(
        "--store", type=Path, help="keep the shared 100k-session STINT_HOME here (reused)"
    )
    return parser


def main() -> None:
    args = build_parser().parse_args()
    load = harness.loadavg()
    began = time.perf_counter()
    chosen = [name for name in ROWS if not args.only or name in args.only]
    rows: list[harness.Row] = []
    sizes = []
    with tempfile.TemporaryDirectory(prefix="stint-bench-") as tmp:
        store = str(args.store or Path(tmp) / "store")
        for name in chosen:
            module_name, quick, full = ROWS[name]
            template = (quick if args.quick else full).split()
            argv = [part.replace("{store}", store) for part in template]
            module = __import__(module_name)
            print(f"== {name}: {module_name}.py {' '.join(argv)}", flush=True)
            shown = [part for part in template if part not in ("--home", "{store}")]
            sizes.append(f"{name}: {' '.join(shown)}")
            found = module.measure(module.build_parser().parse_args(argv))
            print(harness.table(found), flush=True)
            rows.extend(found)
    kind = "QUICK run (small sizes)" if args.quick else "full sizes"
    print(f"\n{kind}, {time.perf_counter() - began:.0f} s in all")
    for line in sizes:
        print(f"  {line}")
    harness.report(rows, load)


if __name__ == "__main__":
    main()
