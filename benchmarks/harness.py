"""The shared harness of the benchmarks: interleaved A/B timing, the per-pair ratio, the
load average, and the table every script prints (one row per measure of issue 13).

A is stint, B its floor or peer measured in the same run. Runs alternate A B A B … after
a warm-up of each, so a machine whose load drifts slows both alike; the ratio of each
pair (A/B) is kept and reported as min / median / max next to the medians. On a shared
machine read the ratios, not the milliseconds.

Nothing here imports stint: processes are timed from outside, and the SELECT capture
(`capture_sql`) runs the `stint` console script in a child process.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable
STINT = str(Path(sys.executable).parent / "stint")
CCUSAGE = "ccusage@20.0.24"
CCUSAGE_DIR = Path(tempfile.gettempdir()) / "stint-ccusage"


# ------------------------------------------------------------------ timing


@dataclass
class Comparison:
    """Interleaved samples (seconds) of A (stint) and B (its floor or peer)."""

    a: list[float]
    b: list[float]

    @property
    def ratios(self) -> list[float]:
        return [x / y for x, y in zip(self.a, self.b, strict=True) if y > 0]

    @property
    def a_median(self) -> float:
        return statistics.median(self.a)

    @property
    def b_median(self) -> float:
        return statistics.median(self.b)

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios) if self.ratios else float("nan")

    def spread(self) -> str:
        r = self.ratios
        return f"{min(r):.2f}–{max(r):.2f}" if r else "no pairs"


def interleave(
    a: Callable[[], Any], b: Callable[[], Any], runs: int, warmup: int = 1
) -> Comparison:
    """Time `a` and `b` alternately, `runs` pairs after `warmup` untimed pairs."""
    for _ in range(warmup):
        a()
        b()
    first, second = [], []
    for _ in range(runs):
        first.append(_clock(a))
        second.append(_clock(b))
    return Comparison(first, second)


def interleave_values(
    a: Callable[[], float], b: Callable[[], float], runs: int, warmup: int = 1
) -> Comparison:
    """Like `interleave`, but each callable returns its own figure (a rate, a latency)."""
    for _ in range(warmup):
        a()
        b()
    first, second = [], []
    for _ in range(runs):
        first.append(float(a()))
        second.append(float(b()))
    return Comparison(first, second)


def _clock(function: Callable[[], Any]) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def process(
    command: Sequence[str], env: dict[str, str] | None = None, stdin: bytes | None = None
) -> Callable[[], None]:
    """A callable that runs `command` as a whole process (output captured, must exit 0)."""

    def run() -> None:
        done = subprocess.run(list(command), env=env, input=stdin, capture_output=True)
        if done.returncode != 0:
            raise SystemExit(
                f"{' '.join(command)} exited {done.returncode}: {done.stderr.decode()[-800:]}"
            )

    return run


def percentile(values: Sequence[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * fraction))]


# ------------------------------------------------------------------ environment


def loadavg() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


def cores() -> int:
    return os.cpu_count() or 1


_compiled = False


def compile_stint() -> None:
    """Write stint's bytecode once, as `pip install` does for a package it installs. The
    development install is editable and this machine sets PYTHONDONTWRITEBYTECODE, so
    without this every timed process would compile stint from source (a third of a
    `stint status`), a cost no installed copy pays. Python reads bytecode even when told
    not to write it, so the timed processes' environment is left as it is."""
    global _compiled
    if _compiled:
        return
    _compiled = True
    where = subprocess.run(
        [PYTHON, "-c", "import os, stint; print(os.path.dirname(stint.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run([PYTHON, "-m", "compileall", "-q", where], check=True)


def stint_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a stint process with its own STINT_HOME (and no outside URL);
    stint's bytecode is written first (`compile_stint`)."""
    compile_stint()
    env = {**os.environ, "STINT_HOME": str(home), **extra}
    env.pop("STINT_DATABASE_URL", None)
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_http(url: str, process: subprocess.Popen[Any], seconds: float = 60) -> None:
    import httpx

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited {process.returncode} before answering {url}")
        try:
            if httpx.get(url, timeout=5).status_code < 500:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    process.kill()
    raise SystemExit(f"no answer from {url} within {seconds:.0f} s")


def stop(process: subprocess.Popen[Any]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def ccusage(where: Path = CCUSAGE_DIR) -> list[str] | None:
    """ccusage 20.0.24 installed with npm into `where` (once); None when npm cannot."""
    binary = where / "node_modules" / ".bin" / "ccusage"
    package = where / "node_modules" / "ccusage" / "package.json"
    version = CCUSAGE.split("@")[1]
    if not (binary.exists() and package.exists()) or (
        json.loads(package.read_text()).get("version") != version
    ):
        if shutil.which("npm") is None:
            print("npm not found: the ccusage rows are skipped", file=sys.stderr)
            return None
        where.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            ["npm", "install", "--silent", "--save-exact", "--prefix", str(where), CCUSAGE],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0 or not binary.exists():
            print(f"npm install {CCUSAGE} failed: {done.stderr[-500:]}", file=sys.stderr)
            return None
    return [str(binary)]


# ------------------------------------------------------------------ the same SELECTs

_CAPTURE = r"""
import json, sqlite3, sqlite3.dbapi2, sys
from importlib.metadata import entry_points
out, argv = sys.argv[1], sys.argv[2:]
seen = []
_connect = sqlite3.connect
def connect(*args, **kwargs):
    conn = _connect(*args, **kwargs)
    conn.set_trace_callback(seen.append)
    return conn
sqlite3.connect = sqlite3.dbapi2.connect = connect
(main,) = [e for e in entry_points(group="console_scripts") if e.name == "stint"]
sys.argv = ["stint", *argv]
try:
    main.load()()
except SystemExit as exit:
    if exit.code not in (0, None):
        raise
finally:
    with open(out, "w") as f:
        json.dump(seen, f)
"""

# The floor: a bare Python process that opens the database with sqlite3 and runs the
# statements stint's command ran (reads only), fetching every row.
REPLAY = (
    "import json, sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
    "[c.execute(s).fetchall() for s in json.load(open(sys.argv[2]))]"
)


def capture_sql(argv: Sequence[str], env: dict[str, str], out: Path) -> list[str]:
    """The read statements (SELECT / WITH, parameters inlined) that `stint ARGV` sends
    to SQLite, in order, written to `out` as JSON for `REPLAY`."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as raw:
        trace = Path(raw.name)
    try:
        subprocess.run(
            [PYTHON, "-c", _CAPTURE, str(trace), *argv], env=env, check=True, capture_output=True
        )
        statements = json.loads(trace.read_text())
    finally:
        trace.unlink(missing_ok=True)
    reads = [s for s in statements if s.lstrip().split(None, 1)[0].upper() in ("SELECT", "WITH")]
    if not reads:
        raise SystemExit(f"stint {' '.join(argv)} sent no SELECT to SQLite")
    out.write_text(json.dumps(reads))
    return reads


def replay(database: Path, statements: Path) -> list[str]:
    return [PYTHON, "-c", REPLAY, str(database), str(statements)]


# ------------------------------------------------------------------ the table


@dataclass
class Row:
    measure: str
    stint: str
    peer: str
    ratio: str
    goal: str
    met: bool | None  # None: not measured (skipped)
    notes: list[str] = field(default_factory=list)
    # Why a goal is not met when part of it is (e.g. "ratio met, p99 queueing-bound"):
    # said next to the verdict, which stays "not met".
    detail: str = ""

    @property
    def verdict(self) -> str:
        verdict = {True: "met", False: "not met", None: "skipped"}[self.met]
        return f"{verdict} ({self.detail})" if self.detail else verdict


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds >= 0.1 else f"{seconds * 1000:,.1f} ms"


def time_row(
    measure: str, peer: str, comparison: Comparison, at_most: float, note: str = ""
) -> Row:
    """A row for a time measure: stint's median against the floor's, goal ratio ≤ at_most."""
    ratio = comparison.ratio
    return Row(
        measure,
        ms(comparison.a_median),
        f"{peer}: {ms(comparison.b_median)}",
        f"{ratio:.2f}× ({comparison.spread()}, {len(comparison.a)} pairs)",
        f"≤ {at_most:g}×",
        ratio <= at_most,
        [note] if note else [],
    )


def skipped(measure: str, goal: str, why: str) -> Row:
    return Row(measure, "—", "—", "—", goal, None, [why])


HEADER = ("measure", "stint (median)", "floor / peer, same run", "ratio", "goal", "verdict")


def table(rows: Sequence[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    for row in rows:
        cells = (row.measure, row.stint, row.peer, row.ratio, row.goal, row.verdict)
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    notes = [f"- {row.measure}: {note}" for row in rows for note in row.notes]
    return "\n".join(lines + (["", *notes] if notes else []))


def report(rows: Sequence[Row], load_start: str, sizes: str = "") -> None:
    print()
    print(
        f"load average (1/5/15 min) at start {load_start}, at end {loadavg()}; "
        f"{cores()} cores; python {sys.version.split()[0]}" + (f"; {sizes}" if sizes else "")
    )
    print(table(rows), flush=True)


if __name__ == "__main__":  # a library; --help says what it is
    import argparse

    argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    ).parse_args()
