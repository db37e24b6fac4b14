"""MCP server latency: time to the first tool result after spawning `stint mcp` (cold
start, the way an agent launches it) and the tool-call round trip (median of N calls).

    .venv/bin/python benchmarks/mcp_latency.py [--calls 100] [--runs 3]

Targets: first result under 1 s, round trip under 20 ms. Uses a throwaway STINT_HOME
whose database is created beforehand (a first-ever run also migrates the schema).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
from mcp import Client, StdioServerParameters
from mcp.types import Implementation

STINT = str(Path(sys.executable).parent / "stint")
CLIENT = Implementation(name="claude-code", version="bench")


def _params(home: Path, workdir: Path) -> StdioServerParameters:
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(home), "STINT_HOME": str(home)}
    if os.environ.get("STINT_MCP_START"):  # connect (the default) or first-call
        env["STINT_MCP_START"] = os.environ["STINT_MCP_START"]
    return StdioServerParameters(command=STINT, args=["mcp"], env=env, cwd=str(workdir))


async def first_result(home: Path, workdir: Path) -> float:
    """Seconds from spawning the server to the first tool result (session_status)."""
    began = time.perf_counter()
    async with Client(_params(home, workdir), client_info=CLIENT) as client:
        result = await client.call_tool("session_status", {})
        elapsed = time.perf_counter() - began
        assert not result.is_error
    return elapsed


async def round_trips(home: Path, workdir: Path, calls: int) -> dict[str, list[float]]:
    """Per-tool round-trip times in milliseconds over one connection."""
    times: dict[str, list[float]] = {"task_update": [], "session_note": [], "session_status": []}
    async with Client(_params(home, workdir), client_info=CLIENT) as client:
        created = await client.call_tool("task_create", {"title": "bench"})
        task = str(created.structured_content["task"]["id"])  # type: ignore[index]
        statuses = ("in_progress", "todo")
        for i in range(calls):
            for name, arguments in (
                ("task_update", {"task": task, "status": statuses[i % 2]}),
                ("session_note", {"text": f"note {i}"}),
                ("session_status", {}),
            ):
                began = time.perf_counter()
                result = await client.call_tool(name, arguments)
                times[name].append((time.perf_counter() - began) * 1000)
                assert not result.is_error, result.content
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--calls", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        home, workdir = Path(tmp) / "home", Path(tmp) / "work"
        workdir.mkdir()
        env = {**os.environ, "STINT_HOME": str(home)}
        migrated = time.perf_counter()
        subprocess.run([STINT, "status"], env=env, cwd=workdir, check=True, capture_output=True)
        print(f"database created (stint status): {time.perf_counter() - migrated:.2f} s")
        firsts = [anyio.run(first_result, home, workdir) for _ in range(args.runs)]
        print(
            f"first tool result after spawn: median {statistics.median(firsts):.3f} s "
            f"(runs: {', '.join(f'{t:.3f}' for t in firsts)}; target < 1 s)"
        )
        times = anyio.run(round_trips, home, workdir, args.calls)
        for name, values in times.items():
            print(
                f"round trip {name:15s} median {statistics.median(values):6.2f} ms  "
                f"p90 {sorted(values)[int(len(values) * 0.9)]:6.2f} ms  "
                f"({len(values)} calls; target < 20 ms)"
            )


if __name__ == "__main__":
    main()
