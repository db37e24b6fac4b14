"""The plugin module stint loads through the `stint.plugins` entry point."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from stint.plugins import hookimpl

HISTORY_FILE = ".aider.chat.history.md"


def history_files(roots: Iterable[Path]) -> list[Path]:
    """The history files under `roots` (a file is taken as it is, whatever its name)."""
    found: set[Path] = set()
    for root in roots:
        if root.is_file():
            found.add(root)
        elif root.is_dir():
            found.update(p for p in root.rglob(HISTORY_FILE) if p.is_file())
    return sorted(found)


def default_roots() -> list[Path]:
    """Aider writes its history at the top of the git work tree it runs in: the current
    directory's file, or the one of the work tree it belongs to."""
    here = Path.cwd()
    for folder in (here, *here.parents):
        if (folder / HISTORY_FILE).is_file():
            return [folder / HISTORY_FILE]
        if (folder / ".git").exists():
            break
    return []


class AiderImporter:
    name = "aider"
    agent = "aider"
    aliases = ()
    help = (
        "Aider chat histories. PATH: files or directories (their **/.aider.chat.history.md; "
        "default: the current git work tree's)."
    )

    def import_paths(
        self, sessions: Any, paths: Iterable[Path] | None, progress: Any = None
    ) -> Any:
        from stint.capture.batch_import import import_batches
        from stint.capture.importer import ImportSummary
        from stint_aider.history import parse_history

        files = history_files(default_roots() if paths is None else paths)
        summary = ImportSummary()
        batches = []
        total = sum(path.stat().st_size for path in files)
        done = 0
        for path in files:
            text = path.read_text(encoding="utf-8", errors="replace")
            summary.files_read += 1
            summary.bytes_read += len(text.encode("utf-8"))
            summary.new_lines += text.count("\n")
            batches.extend(parse_history(path, text, sessions.settings.capture_policy))
            done += path.stat().st_size
            if progress is not None:
                progress(done, total)
        return import_batches(sessions, batches, summary)


@hookimpl
def register_importers() -> list[Any]:
    return [AiderImporter()]
