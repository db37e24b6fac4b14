"""Run `stint.entry.main` in a child process with its own STINT_HOME and report which of
some modules it had imported by the end: the re-import's quick path is held to importing
none of the costly ones (tests/test_importfast_entry.py, tests/test_reimport2_quick.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

_PROBE = """
import sys
from stint.entry import main
code = main(sys.argv[1:])
found = [name for name in {names!r} if name in sys.modules]
print("IMPORTED=" + ",".join(found), file=sys.stderr)
sys.exit(code)
"""
# Settings that would change which path runs; a test that wants one passes it in `env`.
_SETTINGS = (
    "STINT_DATABASE_URL",
    "STINT_TIMEOUT_MINUTES",
    "STINT_PULSE_MINUTES",
    "STINT_CAPTURE_POLICY",
)


def run_entry(
    home: Path, *args: str, watch: Sequence[str], **env: str
) -> subprocess.CompletedProcess[str]:
    """`stint ARGS` through the console entry point; its stderr ends with the line naming
    which of `watch` were imported."""
    environment = {**os.environ, "STINT_HOME": str(home)}
    for name in _SETTINGS:
        environment.pop(name, None)
    environment.update(env)
    code = _PROBE.format(names=tuple(watch))
    return subprocess.run(
        [sys.executable, "-c", code, *args], env=environment, capture_output=True, text=True
    )


def imported(result: subprocess.CompletedProcess[str]) -> list[str]:
    """Which of the watched modules the run had imported (in `watch`'s order)."""
    line = next(x for x in result.stderr.splitlines() if x.startswith("IMPORTED="))
    return [name for name in line.removeprefix("IMPORTED=").split(",") if name]
