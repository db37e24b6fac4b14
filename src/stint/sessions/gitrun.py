"""Run one git command safely. Standard library only (no `typing`, no dataclasses), so the
status line can ask git something without paying for the rest of stint."""

from __future__ import annotations

import contextlib
import os

GIT_TIMEOUT = 10.0

# Inherited from a hook or a wrapper, these would point git at some other repository or index.
_FOREIGN_ENV = (
    "GIT_DIR",
    "GIT_WORK_TREE",
    "GIT_INDEX_FILE",
    "GIT_COMMON_DIR",
    "GIT_OBJECT_DIRECTORY",
    "GIT_ALTERNATE_OBJECT_DIRECTORIES",
    "GIT_NAMESPACE",
    "GIT_PREFIX",
)


def git(
    cwd: str | os.PathLike[str],
    *args: str,
    timeout: float | None = None,
    stdin: bytes | None = None,
) -> bytes | None:
    """Run git in `cwd` (with `stdin` as its input, if given); its stdout, or None on any
    failure (non-zero exit, no git, timeout)."""
    # Deferred: a read of a session with no repository to ask (most `stint status` runs
    # against a cached answer) need not load subprocess, a tenth of the plain path's imports.
    import signal
    import subprocess

    env = {k: v for k, v in os.environ.items() if k not in _FOREIGN_ENV}
    env.update(LC_ALL="C", GIT_OPTIONAL_LOCKS="0", GIT_TERMINAL_PROMPT="0")
    try:
        # A new session lets a timeout kill git's children too (hooks, pagers, ssh), which would
        # otherwise hold the pipe open and make communicate() wait for them.
        proc = subprocess.Popen(
            ["git", "--no-pager", "-c", "core.quotepath=off", *args],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except (OSError, ValueError):
        return None
    try:
        out, _ = proc.communicate(stdin, timeout=GIT_TIMEOUT if timeout is None else timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None
    return out if proc.returncode == 0 else None
