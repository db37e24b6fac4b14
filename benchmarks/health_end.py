"""Code health's cost at `stint end` (issue 15): `stint end` on a 100-file change with
health on against `stint end` with health off (`STINT_HEALTH=0`), in the same run,
interleaved (on, off, on, …) after a warm-up. Goal: health adds at most 1 s.

Two rows: "cold", with lizard's figure cache removed before each end (every file parsed
twice, before and after: the worst case), and "warm", with the cache kept and every file
changed again before each end, so only the start commit's versions come from the cache
(measured at an earlier end, as when sessions follow one another) and all 100 new
versions are parsed.

The repository has `--files` Python and JavaScript files of about `--lines` lines each,
committed; every one of them is then changed in the work tree (a function made more
complex, one simpler), so each session's end measures all of them before and after.
Each timed run starts a session (not timed) and times the whole `stint end` process.

    .venv/bin/python benchmarks/health_end.py [--files 100] [--lines 80] [--runs 5]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--files", type=int, default=100, help="files changed (default 100)")
    parser.add_argument("--lines", type=int, default=80, help="lines per file (default 80)")
    parser.add_argument("--runs", type=int, default=5, help="timed pairs (default 5)")
    return parser


def _python(index: int, lines: int, extra: int) -> str:
    parts = []
    for f in range(max(1, lines // 8)):
        branches = "".join(f"    if x == {b}:\n        return {b}\n" for b in range(2 + extra))
        parts.append(f"def f{index}_{f}(x):\n{branches}    return x\n")
    return "\n".join(parts)


def _javascript(index: int, lines: int, extra: int) -> str:
    parts = []
    for f in range(max(1, lines // 6)):
        branches = "".join(f"  if (x === {b}) {{ return {b}; }}\n" for b in range(2 + extra))
        parts.append(f"function g{index}_{f}(x) {{\n{branches}  return x;\n}}\n")
    return "\n".join(parts)


def _write(root: Path, files: int, lines: int, extra: int) -> None:
    for i in range(files):
        if i % 2:
            (root / "src" / f"m{i}.js").write_text(_javascript(i, lines, extra))
        else:
            (root / "src" / f"m{i}.py").write_text(_python(i, lines, extra))


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def _repo(where: Path, files: int, lines: int) -> Path:
    root = where / "repo"
    (root / "src").mkdir(parents=True)
    _git(root, "init", "-q", "-b", "main")
    _write(root, files, lines, 0)
    _git(root, "add", ".")
    _git(root, "-c", "user.name=b", "-c", "user.email=b@example.com", "commit", "-qm", "base")
    _write(root, files, lines, 1)  # the change every session's end measures
    return root


_RUN = [0]


def _bump(root: Path) -> None:
    """Change every file again (a new last line), so its new version is not in the cache."""
    _RUN[0] += 1
    for path in (root / "src").iterdir():
        mark = "#" if path.suffix == ".py" else "//"
        lines = path.read_text().splitlines()
        if lines and lines[-1].startswith(f"{mark} run "):
            lines.pop()
        path.write_text("\n".join([*lines, f"{mark} run {_RUN[0]}"]) + "\n")


def _timed_end(root: Path, env: dict[str, str], cold: bool = False) -> float:
    if cold:
        (Path(env["STINT_HOME"]) / "health-cache.sqlite").unlink(missing_ok=True)
    else:
        _bump(root)
    start = subprocess.run(
        [harness.STINT, "start", "--json"], cwd=root, env=env, capture_output=True
    )
    if start.returncode != 0:
        raise SystemExit(f"stint start failed: {start.stderr.decode()[-400:]}")
    began = time.perf_counter()
    done = subprocess.run([harness.STINT, "end", "--json"], cwd=root, env=env, capture_output=True)
    took = time.perf_counter() - began
    if done.returncode != 0:
        raise SystemExit(f"stint end failed: {done.stderr.decode()[-400:]}")
    return took


def _check(root: Path, env: dict[str, str], files: int) -> str:
    shown = subprocess.run(
        [harness.STINT, "health", "--json"], cwd=root, env=env, capture_output=True, text=True
    )
    import json

    summary = json.loads(shown.stdout)["summary"]
    if summary["files_measured"] != files:
        raise SystemExit(f"health measured {summary['files_measured']} files, not {files}")
    return f"{summary['files_measured']} files measured, complexity {summary['ccn_delta']:+}"


def measure(args: argparse.Namespace) -> list[harness.Row]:
    with tempfile.TemporaryDirectory(prefix="stint-health-") as tmp:
        where = Path(tmp)
        root = _repo(where, args.files, args.lines)
        on = harness.stint_env(where / "on")
        off = harness.stint_env(where / "off", STINT_HEALTH="0")
        cold = harness.interleave_values(
            lambda: _timed_end(root, on, cold=True), lambda: _timed_end(root, off), args.runs
        )
        warm = harness.interleave_values(
            lambda: _timed_end(root, on), lambda: _timed_end(root, off), args.runs
        )
        checked = _check(root, on, args.files)
    return [
        _row(f"stint end, {args.files}-file change, health on (cold)", cold, checked),
        _row(f"stint end, {args.files}-file change, health on (warm cache)", warm, ""),
    ]


def _row(measure: str, comparison: harness.Comparison, note: str) -> harness.Row:
    added = statistics.median(a - b for a, b in zip(comparison.a, comparison.b, strict=True))
    return harness.Row(
        measure,
        harness.ms(comparison.a_median),
        f"health off: {harness.ms(comparison.b_median)}",
        f"{'+' if added >= 0 else '−'}{harness.ms(abs(added))} ({comparison.ratio:.2f}×, "
        f"{len(comparison.a)} pairs)",
        "≤ +1 s",
        added <= 1.0,
        [note] if note else [],
    )


def main() -> None:
    args = build_parser().parse_args()
    load = harness.loadavg()
    harness.report(measure(args), load)


if __name__ == "__main__":
    main()
