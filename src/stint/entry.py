"""Console entry point. `stint hook …` and `stint statusline` are dispatched before
anything heavy is imported: the agent waits for them. The plain forms of the read
commands (`stint`, `status`, `list`, `show`) and of the analytics ones (`stats`,
`compare --cohort`) go to `stint.plain.commands` first, which
serves them without click or Rich when it can and otherwise hands them to click."""

from __future__ import annotations

import sys

FAST_COMMANDS = ("hook", "statusline")
PLAIN_COMMANDS = ("status", "list", "show", "stats", "compare")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] in FAST_COMMANDS:
        from stint.capture.fastpath import main as fast_main  # the hook path: nothing heavy

        return fast_main(args)
    if len(args) > 1 and args[0] == "import":
        from stint.capture import quick_import  # a re-import with nothing new: no Click

        if args[1] in quick_import.AGENT_NAMES:
            done = quick_import.main(args[2:])
            if done is not None:
                return done
    if not args or args[0] in PLAIN_COMMANDS:
        code = _run_plain(args)
        if code is not None:
            return code
    return _run_cli(args)


def _run_plain(args: list[str]) -> int | None:
    """The plain path's exit code, or None when click is to run the command. What the
    plain path read but cannot draw as Rich would is drawn by Rich here, with the click
    commands' own views: the store is not read a second time, and click is not loaded."""
    from stint.plain.commands import run, written  # deferred: the hook path needs none

    try:
        result = run(args)
        if result is None or isinstance(result, int):
            return result
        _fewer_collections()
        from stint.cli.session_views import draw  # deferred: Rich only for a handover

        return written(lambda: draw(result))
    except KeyboardInterrupt:
        print("\nAborted!", file=sys.stderr)  # as click says it
        return 1
    except Exception as exc:
        return _crashed(exc)


def _run_cli(args: list[str]) -> int:
    _fewer_collections()
    from stint.cli import cli  # deferred: click, Rich, SQLAlchemy are not for the hook path

    try:
        cli.main(args=args, prog_name="stint", standalone_mode=True)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except Exception as exc:
        return _crashed(exc)
    return 0


def _fewer_collections() -> None:
    import gc

    # Start-up allocates some hundred thousand long-lived objects (SQLAlchemy, Rich), and
    # the default threshold (700) runs the collector over them again and again: a tenth of
    # `stint status`. Collections still run, only less often.
    gc.set_threshold(10_000)


def _crashed(exc: Exception) -> int:
    _log_crash(exc)
    print(
        f"Error: internal error: {exc.__class__.__name__}: {exc} (details in stint.log)",
        file=sys.stderr,
    )
    return 1


def _log_crash(exc: Exception) -> None:
    import traceback

    try:
        from stint.model.config import home_dir  # deferred: only after a crash

        home = home_dir()
        home.mkdir(parents=True, exist_ok=True)
        with open(home / "stint.log", "a", encoding="utf-8") as log:
            log.write("".join(traceback.format_exception(exc)))
    except OSError:
        pass


if __name__ == "__main__":
    sys.exit(main())
