"""Lines added and removed by a file-editing tool call, from the edit itself (the tool's
input, or the patch Claude Code reports back), the way `git diff --numstat` counts them."""

from __future__ import annotations

from difflib import SequenceMatcher
from typing import Any


def _lines(text: Any) -> list[str]:
    return text.splitlines() if isinstance(text, str) else []


def diff_counts(old: Any, new: Any) -> tuple[int, int]:
    """(added, removed) lines between two texts; unchanged context lines do not count."""
    before, after = _lines(old), _lines(new)
    added = removed = 0
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        if tag != "equal":
            removed += i2 - i1
            added += j2 - j1
    return added, removed


def patch_counts(patch: Any) -> tuple[int, int] | None:
    """Counts from a `structuredPatch` (hunks whose `lines` start with "+", "-" or " "),
    which Claude Code returns for Edit and Write; None when there is none."""
    if not isinstance(patch, list) or not patch:
        return None
    added = removed = 0
    for hunk in patch:
        lines = hunk.get("lines") if isinstance(hunk, dict) else None
        if not isinstance(lines, list):
            return None
        for line in lines:
            if isinstance(line, str) and line.startswith("+"):
                added += 1
            elif isinstance(line, str) and line.startswith("-"):
                removed += 1
    return added, removed


def edit_counts(tool: str, tool_input: dict[str, Any], response: Any) -> tuple[int, int]:
    """(added, removed) for Edit, MultiEdit, Write and NotebookEdit."""
    if isinstance(response, dict):
        from_patch = patch_counts(response.get("structuredPatch"))
        if from_patch is not None:
            return from_patch
    if tool == "Edit":
        return diff_counts(tool_input.get("old_string"), tool_input.get("new_string"))
    if tool == "MultiEdit":
        added = removed = 0
        for edit in tool_input.get("edits") or []:
            if isinstance(edit, dict):
                a, r = diff_counts(edit.get("old_string"), edit.get("new_string"))
                added, removed = added + a, removed + r
        return added, removed
    if tool == "Write":
        # The file's previous content is not in the hook input: a rewrite counts as new.
        return len(_lines(tool_input.get("content"))), 0
    if tool == "NotebookEdit":
        source = len(_lines(tool_input.get("new_source")))
        return (0, 0) if tool_input.get("edit_mode") == "delete" else (source, 0)
    return 0, 0
