"""What `stint import` prints (`report_lines`), when stat alone says a file is as it was
read (`unchanged`), and the summary of an import that found nothing new
(`unchanged_summary`): standard library only, so that a re-import with nothing new
(`stint.capture.quick_import`) answers without the summary's dataclass or the store."""

from __future__ import annotations

from stint.model.units import money, plural

TYPE_CHECKING = False
if TYPE_CHECKING:  # `typing` costs the quick path milliseconds
    from typing import Any


def unchanged(known: Any, size: int, inode: int, mtime: int) -> bool:
    """Whether stat alone says the file is as it was read: everything up to its size was
    read and its inode and modification time are the ones seen then. Rows without a
    modification time fall back to `replaced`'s fingerprint."""
    return (
        known.offset > 0
        and size == known.offset
        and known.mtime_ns is not None
        and known.mtime_ns == mtime
        and known.inode == inode
    )


TOKEN_FIELDS = ("input_tokens", "output_tokens", "cache_creation_tokens", "cache_read_tokens")


def report_lines(summary: dict[str, Any]) -> tuple[list[str], list[str]]:
    """What `stint import` prints for `summary` (`ImportSummary.to_dict()`): the lines for
    stdout and the warnings for stderr. Shared by the CLI and the re-import's quick path
    (`stint.capture.quick_import`), which prints without Click."""
    megabytes = summary["bytes_read"] / 1_000_000
    replaced = summary["files_replaced"]
    again = f", {replaced} replaced and read again from the start" if replaced else ""
    tokens = sum(summary[name] for name in TOKEN_FIELDS)
    lines = [
        f"Read {plural(summary['files_read'], 'file')}, {megabytes:.1f} MB, "
        f"{plural(summary['new_lines'], 'new line', grouped=True)} "
        f"({summary['files_skipped']} unchanged{again}).",
        f"Sessions: {summary['sessions_created']} created, {summary['sessions_updated']} "
        f"updated; {plural(summary['events_stored'], 'event', grouped=True)} stored.",
        f"Tokens read: {tokens:,}   Cost: {money(summary['cost_usd'])}",
        *_problem_lines(summary),
    ]
    return lines, [f"warning: {warning}" for warning in summary["warnings"]]


def _problem_lines(summary: dict[str, Any]) -> list[str]:
    """Lines that were skipped, counted and named by file and line (the first few)."""
    bad, wrong = summary["bad_lines"], summary["wrong_shape_lines"]
    if not bad and not wrong:
        return []
    kinds = [f"{n:,} not valid JSON" for n in [bad] if n] + [
        f"{n:,} of the wrong shape" for n in [wrong] if n
    ]
    skipped = bad + wrong
    lines = [f"Skipped {plural(skipped, 'bad line', grouped=True)} ({', '.join(kinds)}):"]
    lines += [f"  {p['path']}:{p['line']}: {p['problem']}" for p in summary["problems"]]
    rest = skipped - len(summary["problems"])
    if rest > 0:
        lines.append(f"  … and {rest:,} more")
    return lines


def unchanged_summary(files_skipped: int) -> dict[str, Any]:
    """`ImportSummary(files_skipped=files_skipped).to_dict()`, key for key and in its
    order, without the dataclass (tests/test_reimport2_quick.py checks the two agree)."""
    return {
        "files_read": 0,
        "files_skipped": files_skipped,
        "files_replaced": 0,
        "bytes_read": 0,
        "new_lines": 0,
        "bad_lines": 0,
        "wrong_shape_lines": 0,
        "problems": [],
        "sessions_created": 0,
        "sessions_updated": 0,
        "events_stored": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "cache_creation_tokens": 0,
        "cache_read_tokens": 0,
        "cost_usd": 0.0,
        "unknown_models": [],
        "warnings": [],
    }
