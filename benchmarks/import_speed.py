"""Import speed: a generated corpus of Claude Code transcripts (≥ 200 MB by default) into a
fresh SQLite STINT_HOME; prints MB/s for the first import and the time of the second
(incremental: nothing new, so nothing is read).

Usage: python benchmarks/import_speed.py [MEGABYTES]
(STINT_DATABASE_URL, when set, imports into that database instead.)
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from claude_corpus import generate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("megabytes", nargs="?", type=float, default=200.0)
    megabytes = parser.parse_args().megabytes
    work = Path(tempfile.mkdtemp(prefix="stint-import-speed-"))
    try:
        started = time.perf_counter()
        corpus = generate(work / "claude", megabytes)
        print(
            f"corpus: {corpus['sessions']} sessions, {corpus['files']} files, "
            f"{corpus['bytes'] / 1e6:.1f} MB (generated in {time.perf_counter() - started:.1f}s)"
        )
        os.environ["STINT_HOME"] = str(work / "stint-home")
        from stint.tracker import Tracker

        tracker = Tracker.open()
        try:
            started = time.perf_counter()
            first = tracker.import_transcripts("claude-code", [work / "claude"])
            elapsed = time.perf_counter() - started
            started = time.perf_counter()
            second = tracker.import_transcripts("claude-code", [work / "claude"])
            again = time.perf_counter() - started
        finally:
            tracker.close()
        megs = first["bytes_read"] / 1e6
        print(
            f"first import: {megs:.1f} MB, {first['new_lines']:,} lines, "
            f"{first['events_stored']:,} events, {first['sessions_created']} sessions "
            f"in {elapsed:.1f}s = {megs / elapsed:.1f} MB/s"
        )
        print(
            f"second import: {second['bytes_read']} bytes read, {second['events_stored']} "
            f"events stored, {again:.2f}s"
        )
        database = work / "stint-home" / "stint.db"
        if database.exists():  # not with STINT_DATABASE_URL pointing at PostgreSQL
            print(f"database: {database.stat().st_size / 1e6:.1f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
