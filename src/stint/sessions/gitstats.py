"""Git facts about a session: where the repository is and what changed since a start commit.

Everything goes through the `git` CLI and never raises: a missing git, a non-repository, a
repository without commits or a git call that fails or hangs all give None or empty values.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import UTC, datetime

from stint.sessions import gitrun

GIT_TIMEOUT = gitrun.GIT_TIMEOUT
EMPTY_TREE = "4b825dc642cb6eb9a060e54bf8d69288fbee4904"
_BINARY_SNIFF = 8000  # git's own heuristic: a NUL in the first 8000 bytes means binary
_CHUNK = 1 << 16

_KINDS = {"A": "added", "D": "deleted", "R": "renamed", "C": "added"}


@dataclass(frozen=True)
class RepoState:
    root: str
    branch: str | None
    head: str | None
    remote_url: str | None
    name: str


@dataclass(frozen=True)
class FileChange:
    path: str
    added: int
    removed: int
    change: str
    renamed_from: str | None
    is_binary: bool


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    subject: str
    author: str
    committed_at: datetime
    added: int
    removed: int


@dataclass(frozen=True)
class DiffStats:
    end_commit: str | None
    files: list[FileChange]
    commits: list[CommitInfo]
    lines_added: int
    lines_removed: int
    binary_files: int


def _git(cwd: str | os.PathLike[str], *args: str) -> bytes | None:
    return gitrun.git(cwd, *args, timeout=GIT_TIMEOUT)


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _line(cwd: str | os.PathLike[str], *args: str) -> str | None:
    out = _git(cwd, *args)
    value = _text(out).strip() if out is not None else ""
    return value or None


def _resolve(cwd: str | os.PathLike[str], rev: str) -> str | None:
    if not rev or rev.startswith("-"):  # never let a revision be read as an option
        return None
    return _line(cwd, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")


def _toplevel(cwd: str | os.PathLike[str]) -> str | None:
    out = _git(cwd, "rev-parse", "--show-toplevel")
    top = os.fsdecode(out.rstrip(b"\n")) if out else ""
    return top or None


def repo_state(cwd: str | os.PathLike[str]) -> RepoState | None:
    """Describe the git work tree containing `cwd`, or None when `cwd` is not inside one."""
    root = _toplevel(cwd)
    if root is None:
        return None
    return RepoState(
        root=root,
        branch=_line(root, "symbolic-ref", "--quiet", "--short", "HEAD"),
        head=_resolve(root, "HEAD"),
        remote_url=_line(root, "config", "--get", "remote.origin.url"),
        name=os.path.basename(root.rstrip("/")) or root,
    )


def _name_status(
    root: str, base: str, end: str | None = None
) -> dict[bytes, tuple[str, bytes | None]]:
    """Map each changed path (the new one for renames) to its change kind and old path."""
    span = (base, end) if end else (base,)
    out = _git(root, "diff", "--no-ext-diff", "--name-status", "-z", "-M", *span, "--")
    tokens = (out or b"").split(b"\0")
    kinds: dict[bytes, tuple[str, bytes | None]] = {}
    i = 0
    while i < len(tokens) and tokens[i]:
        status = _text(tokens[i][:1])
        if status in ("R", "C") and i + 2 < len(tokens):
            kinds[tokens[i + 2]] = (_KINDS[status], tokens[i + 1] if status == "R" else None)
            i += 3
        elif i + 1 < len(tokens):
            kinds[tokens[i + 1]] = (_KINDS.get(status, "modified"), None)
            i += 2
        else:
            break
    return kinds


def _count(field: bytes) -> int | None:
    """A numstat column: an int, or None for the `-` git prints for binary files."""
    return int(field) if field.isdigit() else None


def _tracked_changes(root: str, base: str, end: str | None = None) -> list[FileChange]:
    """Changes from `base` to the work tree, or to commit `end` when given."""
    span = (base, end) if end else (base,)
    out = _git(root, "diff", "--no-ext-diff", "--no-textconv", "--numstat", "-z", "-M", *span, "--")
    tokens = (out or b"").split(b"\0")
    kinds = _name_status(root, base, end)
    files: list[FileChange] = []
    seen: set[bytes] = set()
    i = 0
    while i < len(tokens) and tokens[i]:
        parts = tokens[i].split(b"\t", 2)
        if len(parts) != 3:
            break
        if parts[2]:
            old, path, i = None, parts[2], i + 1
        elif i + 2 < len(tokens):  # with -z a rename's two paths follow as separate fields
            old, path, i = tokens[i + 1], tokens[i + 2], i + 3
        else:
            break
        if path in seen:
            continue
        seen.add(path)
        kind, renamed_from = kinds.get(path, ("renamed" if old else "modified", old))
        added, removed = _count(parts[0]), _count(parts[1])
        binary = added is None or removed is None
        files.append(
            FileChange(
                path=_text(path),
                added=added or 0,
                removed=removed or 0,
                change=kind,
                renamed_from=_text(renamed_from) if renamed_from is not None else None,
                is_binary=binary,
            )
        )
    return files


def _count_lines(path: bytes) -> tuple[int, bool] | None:
    """Lines in a file as git counts them, and whether git would call it binary."""
    try:
        if os.path.islink(path):
            # git stores a symlink as its target text, one line without a newline
            return 1, False
        with open(path, "rb") as handle:
            head = handle.read(_BINARY_SNIFF)
            if b"\0" in head:
                return 0, True
            lines, last = head.count(b"\n"), head[-1:]
            while chunk := handle.read(_CHUNK):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except OSError:
        return None
    return lines + (1 if last not in (b"", b"\n") else 0), False


def _untracked_changes(root: str) -> list[FileChange]:
    out = _git(root, "ls-files", "--others", "--exclude-standard", "-z")
    files: list[FileChange] = []
    for raw in (out or b"").split(b"\0"):
        if not raw or raw.endswith(b"/"):  # a nested repository, not a file
            continue
        counted = _count_lines(os.path.join(os.fsencode(root), raw))
        lines, binary = counted if counted is not None else (0, False)
        files.append(FileChange(_text(raw), lines, 0, "untracked", None, binary))
    return files


def _commits(root: str, base: str | None, end: str = "HEAD") -> list[CommitInfo]:
    if _resolve(root, end) is None:
        return []
    span = f"{base}..{end}" if base else end
    # NUL cannot occur in names or messages, so it safely separates the fields of each commit.
    out = _git(
        root,
        *("log", "--reverse", "--no-color", "--no-ext-diff", "--no-textconv", "--numstat", "-M"),
        "--format=%x00%H%x00%ct%x00%an%x00%s%x00",
        span,
        "--",
    )
    tokens = (out or b"").split(b"\0")[1:]
    commits: list[CommitInfo] = []
    for i in range(0, len(tokens) - 4, 5):
        sha, stamp, author, subject, stats = tokens[i : i + 5]
        added = removed = 0
        for row in stats.splitlines():
            cols = row.split(b"\t", 2)
            if len(cols) == 3:
                added += _count(cols[0]) or 0
                removed += _count(cols[1]) or 0
        moment = datetime.fromtimestamp(int(stamp), UTC) if stamp.isdigit() else datetime.now(UTC)
        commits.append(
            CommitInfo(_text(sha), _text(subject), _text(author), moment, added, removed)
        )
    return commits


def _empty_tree(root: str) -> str:
    # Asked rather than assumed: SHA-256 repositories have a different empty tree id.
    return _line(root, "hash-object", "-t", "tree", os.devnull) or EMPTY_TREE


def head_before(root: str | os.PathLike[str], at: datetime) -> str | None:
    """The commit HEAD was at `at` (the newest one committed by then), or None."""
    stamp = f"--before={int(at.timestamp())}"
    return _line(root, "rev-list", "-1", stamp, "HEAD", "--")


def diff_since(
    root: str | os.PathLike[str], start_commit: str | None, until: datetime | None = None
) -> DiffStats:
    """What changed in the work tree at `root` since `start_commit`.

    Counts committed, staged and unstaged changes plus untracked files that are not ignored.
    With `start_commit` None everything counts, as in a repository that had no commits yet.
    With `until` (an end in the past) only the commits made by then count, and the work
    tree does not: its changes are being made now, after that end.
    An unknown `start_commit` or a non-repository gives empty stats; this never raises.
    """
    top = _toplevel(root)
    if top is None:
        return DiffStats(None, [], [], 0, 0, 0)
    end = _resolve(top, "HEAD") if until is None else head_before(top, until)
    base = _resolve(top, start_commit) if start_commit is not None else None
    if start_commit is not None and base is None:
        return DiffStats(end, [], [], 0, 0, 0)
    if until is None:
        files = _tracked_changes(top, base or _empty_tree(top)) + _untracked_changes(top)
    elif end is None or end == base:
        files = []
    else:
        files = _tracked_changes(top, base or _empty_tree(top), end)
    text = [f for f in files if not f.is_binary]
    return DiffStats(
        end_commit=end,
        files=files,
        commits=_commits(top, base, end or "HEAD") if until is None or end else [],
        lines_added=sum(f.added for f in text),
        lines_removed=sum(f.removed for f in text),
        binary_files=len(files) - len(text),
    )


def changes_between(
    root: str | os.PathLike[str], start_commit: str, end_commit: str | None = None
) -> list[FileChange] | None:
    """The files changed from `start_commit` to `end_commit` (or to the work tree, untracked
    files included, when None); None when `start_commit` is not in the repository."""
    top = _toplevel(root)
    base = _resolve(top, start_commit) if top else None
    if top is None or base is None:
        return None
    if end_commit is None:
        return _tracked_changes(top, base) + _untracked_changes(top)
    end = _resolve(top, end_commit)
    return _tracked_changes(top, base, end) if end else None
