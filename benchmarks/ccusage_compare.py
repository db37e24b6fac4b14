"""stint's Claude Code (or Codex) import against ccusage on the same generated corpus: per-session
token totals must be identical and cost within 0.5%.

Installs ccusage with npm into a cache directory (once), runs
`ccusage claude session --json --offline` with CLAUDE_CONFIG_DIR on the corpus, imports
the corpus into a fresh SQLite STINT_HOME, prints a table and a verdict (exit 1 when
they disagree).

Usage: python benchmarks/ccusage_compare.py [MEGABYTES] [--agent claude-code|codex]
       [--incremental] [--ccusage-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))
import claude_corpus
import codex_corpus
import harness

FIELDS = ("inputTokens", "outputTokens", "cacheCreationTokens", "cacheReadTokens")
OURS = ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")
# agent → (ccusage subcommand, its data-dir variable, its cost field, stint's root below
# the corpus). ccusage's codex session ids are paths ending in the rollout's uuid.
AGENTS = {
    "claude-code": ("claude", "CLAUDE_CONFIG_DIR", "totalCost", "."),
    "codex": ("codex", "CODEX_HOME", "costUSD", "sessions"),
}


def run_ccusage(command: list[str], corpus: Path, agent: str) -> dict[str, dict[str, Any]]:
    subcommand, variable, cost, _ = AGENTS[agent]
    env = {**os.environ, variable: str(corpus)}
    done = subprocess.run(
        [*command, subcommand, "session", "--json", "--offline"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    rows = json.loads(done.stdout)["sessions"]
    found = {}
    for row in rows:
        sid = row["sessionId"] if agent == "claude-code" else row["sessionId"][-36:]
        found[sid] = {**{f: row.get(f, 0) for f in FIELDS}, "cost": row[cost]}
    return found


def run_stint(corpus: Path, home: Path, incremental: bool, agent: str) -> dict[str, dict[str, Any]]:
    """Import the corpus; with `incremental`, first with every file cut at a random byte
    (often inside a line, often inside a streamed response), then in full."""
    os.environ["STINT_HOME"] = str(home)
    from stint.tracker import Tracker

    tracker = Tracker.open()
    try:
        if incremental:
            rng = random.Random(1)
            files = {p: p.read_bytes() for p in corpus.rglob("*.jsonl")}
            for path, data in files.items():
                path.write_bytes(data[: rng.randrange(len(data) + 1)])
            tracker.import_transcripts(agent, [corpus / AGENTS[agent][3]])
            for path, data in files.items():
                path.write_bytes(data)
        tracker.import_transcripts(agent, [corpus / AGENTS[agent][3]])
        # ccusage lists only sessions that used tokens
        return {
            s.agent_session_id: {name: s.row[name] for name in (*OURS, "cost_usd")}
            for s in tracker.sessions(limit=100_000)
            if any(s.row[name] for name in OURS)
        }
    finally:
        tracker.close()


def compare(theirs: dict[str, dict[str, Any]], ours: dict[str, dict[str, Any]]) -> bool:
    ok = set(theirs) == set(ours)
    if not ok:
        print(
            f"session sets differ: ccusage only {set(theirs) - set(ours)}, stint only "
            f"{set(ours) - set(theirs)}"
        )
    header = f"{'session':<10}{'tokens (ccusage)':>18}{'tokens (stint)':>16}"
    print(header + f"{'cost ccusage':>14}{'cost stint':>12}{'diff %':>9}")
    worst = 0.0
    for sid in sorted(set(theirs) & set(ours)):
        t, o = theirs[sid], ours[sid]
        t_tokens = [int(t[f]) for f in FIELDS]
        o_tokens = [int(o[f]) for f in OURS]
        cost_t, cost_o = float(t["cost"]), float(o["cost_usd"])
        diff = abs(cost_o - cost_t) / cost_t * 100 if cost_t else abs(cost_o) * 100
        worst = max(worst, diff)
        same = t_tokens == o_tokens
        ok = ok and same and diff <= 0.5
        mark = "" if same else "  TOKENS DIFFER " + str((t_tokens, o_tokens))
        print(
            f"{sid[:8]:<10}{sum(t_tokens):>18,}{sum(o_tokens):>16,}"
            f"{cost_t:>14.4f}{cost_o:>12.4f}{diff:>9.4f}{mark}"
        )
    total_t = sum(float(t["cost"]) for t in theirs.values())
    total_o = sum(float(o["cost_usd"]) for o in ours.values())
    print(
        f"\n{len(theirs)} sessions; total cost ccusage ${total_t:,.4f}, stint ${total_o:,.4f}; "
        f"largest per-session cost difference {worst:.5f}%"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("megabytes", nargs="?", type=float, default=30.0)
    parser.add_argument("--agent", choices=sorted(AGENTS), default="claude-code")
    parser.add_argument("--incremental", action="store_true", help="import every file in two parts")
    parser.add_argument(
        "--ccusage-dir", type=Path, default=harness.CCUSAGE_DIR, help="npm installs it here"
    )
    args = parser.parse_args()
    command = harness.ccusage(args.ccusage_dir)
    if command is None:
        print("VERDICT: not compared (ccusage could not be installed)")
        return 2
    work = Path(tempfile.mkdtemp(prefix="stint-ccusage-compare-"))
    try:
        corpus = work / "agent-data"
        if args.agent == "codex":  # about 25 KB per rollout
            figures = codex_corpus.generate(corpus, max(1, int(args.megabytes * 40)))
        else:
            figures = claude_corpus.generate(corpus, args.megabytes)
        version = subprocess.run([*command, "--version"], capture_output=True, text=True)
        print(
            f"corpus: {figures['sessions']} sessions, {figures['files']} files, "
            f"{figures['bytes'] / 1e6:.1f} MB; {version.stdout.strip()}\n"
        )
        theirs = run_ccusage(command, corpus, args.agent)
        ours = run_stint(corpus, work / "stint-home", args.incremental, args.agent)
        ok = compare(theirs, ours)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print("VERDICT:", "agree (tokens identical, cost within 0.5%)" if ok else "DISAGREE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
