"""Row 4 of issue 13: `stint import claude-code` against ccusage on the same generated
corpus (benchmarks/claude_corpus.py), whole processes, interleaved, in the same run.

* first import into a fresh STINT_HOME (SQLite) against ccusage 20.0.24
  `claude session --json --offline` reading the same files: goal ≤ 1.0×;
* re-import with nothing new (the same home again) against the same ccusage run:
  goal ≤ 0.3× (nothing to read should be almost free).

ccusage is installed with npm into --ccusage-dir once; when npm fails the rows are
skipped and say so. Token and cost agreement with ccusage is ccusage_compare.py's job.

    .venv/bin/python benchmarks/import_speed.py                 # a 200 MB corpus
    .venv/bin/python benchmarks/import_speed.py --megabytes 5 --runs 2
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import claude_corpus
import harness


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--megabytes", type=float, default=200.0, help="corpus size")
    parser.add_argument("--runs", type=int, default=3, help="interleaved pairs per measure")
    parser.add_argument("--ccusage-dir", type=Path, default=harness.CCUSAGE_DIR)
    return parser


def measure(args: argparse.Namespace) -> list[harness.Row]:
    first_label = "`stint import claude-code`, fresh home"
    again_label = "re-import, nothing new"
    command = harness.ccusage(args.ccusage_dir)
    if command is None:
        why = "ccusage 20.0.24 could not be installed with npm (see above); not measured"
        return [
            harness.skipped(first_label, "≤ 1×", why),
            harness.skipped(again_label, "≤ 0.3×", why),
        ]
    with tempfile.TemporaryDirectory(prefix="stint-import-speed-") as tmp:
        work = Path(tmp)
        corpus = work / "claude"
        figures = claude_corpus.generate(corpus, args.megabytes)
        size = f"{figures['bytes'] / 1e6:.1f} MB corpus ({figures['files']:,} files)"
        print(f"corpus: {figures['sessions']:,} sessions, {size}", flush=True)
        peer = harness.process(
            [*command, "claude", "session", "--json", "--offline"],
            harness.stint_env(work / "unused", CLAUDE_CONFIG_DIR=str(corpus)),
        )
        homes = iter(range(1_000_000))
        kept = work / "kept"

        def fresh_import() -> None:
            home = work / f"home-{next(homes)}"
            harness.process(
                [harness.STINT, "import", "claude-code", str(corpus)], harness.stint_env(home)
            )()
            shutil.rmtree(kept, ignore_errors=True)
            home.rename(kept)  # the last one is re-imported below

        peer()  # warm-up: node and the page cache (the corpus was just written)
        first = harness.interleave(fresh_import, peer, args.runs, warmup=0)
        again = harness.interleave(
            harness.process(
                [harness.STINT, "import", "claude-code", str(corpus)], harness.stint_env(kept)
            ),
            peer,
            args.runs,
        )
    return [
        harness.time_row(f"{first_label}, {size}", "ccusage 20.0.24 (native)", first, 1.0),
        harness.time_row(again_label, "ccusage 20.0.24, same files", again, 0.3),
    ]


def main() -> None:
    args = build_parser().parse_args()
    load = harness.loadavg()
    harness.report(measure(args), load)


if __name__ == "__main__":
    main()
