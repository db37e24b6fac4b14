"""Automatic capture: `stint hooks install|uninstall|status`, `stint drain`, `stint forget`.

`stint hook …` and `stint statusline` never reach Click (the console entry answers them
before importing it); the stubs here only explain that when they do.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from stint.capture import spool
from stint.cli.common import emit_json, json_option, tracker
from stint.model.config import home_dir
from stint.model.units import plural


class HookAgent(click.ParamType[str]):
    """An agent whose hooks stint can install: Claude Code, or a plugin's agent whose hook
    mapper has an installer (looked up only when a hooks command runs)."""

    name = "agent"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        names = _hook_targets()
        if value not in names:
            self.fail(f"{value!r} is not one of {', '.join(map(repr, names))}.", param, ctx)
        return value

    def get_metavar(self, param: click.Parameter, ctx: click.Context | None = None) -> str:
        return "AGENT"


def _hook_targets() -> list[str]:
    from stint.capture import agents  # deferred: plugins load for the hooks commands only

    agents.remember_hook_agents(home_dir())
    return sorted(m.name for m in agents.hook_mappers().values() if getattr(m, "installer", None))


def _installer(agent: str) -> Any:
    """The installer module of the agent's hook mapper (stint.capture.install for Claude
    Code)."""
    from stint.capture import agents  # deferred: plugins load for the hooks commands only

    return agents.hook_mapper_named(agent).installer


AGENTS = HookAgent()


def _scope_option(function: Any) -> Any:
    function = click.option(
        "--project-dir",
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help="Project for --scope project/local (default: the current git work tree).",
    )(function)
    return click.option(
        "--scope",
        type=click.Choice(["user", "project", "local"]),
        default="user",
        show_default=True,
        help="user: ~/.claude/settings.json (or $CLAUDE_CONFIG_DIR); project: "
        ".claude/settings.json; local: .claude/settings.local.json. Gemini CLI: "
        "~/.gemini/settings.json or .gemini/settings.json.",
    )(function)


@click.group()
def hooks() -> None:
    """Install, remove or check stint's Claude Code or Gemini CLI hooks."""


def _show(change: Any, verb: str, as_json: bool) -> None:
    if as_json:
        emit_json(change.to_dict())
        return
    if not change.changed:
        click.echo(f"{change.path}: nothing to {verb} (already as wanted).")
    for label, events in (("added", change.added), ("updated", change.updated)):
        if events:
            click.echo(f"{change.path}: {label} stint for {', '.join(events)}")
    if change.removed:
        click.echo(f"{change.path}: removed stint from {', '.join(change.removed)}")
    if change.statusline == "kept existing":
        click.echo("statusLine: another status line is set; kept it (use --force to replace).")
    elif change.statusline:
        click.echo(f"statusLine: {change.statusline}")
    if change.backup:
        click.echo(f"backup: {change.backup}")


@hooks.command("install")
@click.argument("agent", type=AGENTS)
@_scope_option
@click.option("--statusline", is_flag=True, help="Also set Claude Code's statusLine to stint.")
@click.option("--force", is_flag=True, help="With --statusline: replace another status line.")
@json_option
def hooks_install(
    agent: str,
    scope: str,
    project_dir: Path | None,
    statusline: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Register stint as a hook for every event of the agent it records (async for
    Claude Code)."""
    inst = _installer(agent)

    if statusline and agent != "claude-code":
        raise click.UsageError("--statusline is for Claude Code only")
    try:
        change = inst.install(
            inst.settings_path(scope, project_dir, agent),
            command=inst.hook_command(agent),
            statusline=inst.statusline_command() if statusline else None,
            force=force,
            agent=agent,
        )
    except inst.InstallError as exc:
        raise click.ClickException(str(exc)) from None
    _show(change, "install", as_json)


@hooks.command("uninstall")
@click.argument("agent", type=AGENTS)
@_scope_option
@json_option
def hooks_uninstall(agent: str, scope: str, project_dir: Path | None, as_json: bool) -> None:
    """Remove stint's hooks (and status line) from the settings file; nothing else."""
    inst = _installer(agent)

    try:
        change = inst.uninstall(inst.settings_path(scope, project_dir, agent))
    except inst.InstallError as exc:
        raise click.ClickException(str(exc)) from None
    _show(change, "uninstall", as_json)


@hooks.command("status")
@click.argument("agent", type=AGENTS)
@click.option("--project-dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@json_option
def hooks_status(agent: str, project_dir: Path | None, as_json: bool) -> None:
    """Where the hooks are installed, when the last event arrived, what is pending."""
    inst = _installer(agent)

    names = inst.GEMINI_SCOPES if agent == "gemini-cli" else inst.SCOPES
    scopes = {s: inst.installed(inst.settings_path(s, project_dir, agent), agent) for s in names}
    queue = spool.status(str(home_dir()))
    last = queue["last_received_at"]
    last_text = datetime.fromtimestamp(last, UTC).isoformat() if last is not None else None
    if as_json:
        emit_json({"agent": agent, "scopes": scopes, **queue, "last_received_at": last_text})
        return
    for scope, found in scopes.items():
        if found.get("error"):
            state = f"unreadable: {found['error']}"
        elif found["events"]:
            missing = found.get("missing") or []
            state = f"installed ({plural(len(found['events']), 'event')}"
            state += f"; missing {', '.join(missing)})" if missing else ")"
            state += ", status line" if found.get("statusline") else ""
            if found.get("stale"):
                state += "; another stint's command: run `stint hooks install` again"
        else:
            state = "not installed"
        click.echo(f"{scope:8} {found['path']}: {state}")
    click.echo(f"last event: {last_text or 'none yet'}")
    click.echo(
        f"pending: {queue['pending']}" + (f", dead: {queue['dead']}" if queue["dead"] else "")
    )


@click.command()
@click.option("--quiet", "-q", is_flag=True, help="Print nothing (background drains).")
@json_option
def drain(quiet: bool, as_json: bool) -> None:
    """Apply captured hook records to the store now (every command does this first)."""
    tracker()
    drained = click.get_current_context().find_root().meta.get("stint.drained") or {}
    if as_json:
        emit_json(drained)
    elif not quiet:
        dead = drained.get("dead", 0)
        click.echo(
            f"Applied {plural(drained.get('applied', 0), 'record')}"
            + (f"; {dead} could not be mapped (see stint.log)" if dead else "")
            + "."
        )


@click.command()
@click.argument("ref")
@click.option("--yes", "-y", is_flag=True, help="Do not ask for confirmation.")
def forget(ref: str, yes: bool) -> None:
    """Delete a session and everything it owns (events, files, tasks, interactions…)."""
    t = tracker()
    session = t.get(ref)
    label = f"session {session.ref}" + (f" ({session.goal})" if session.goal else "")
    if not yes:
        click.confirm(f"Delete {label} and everything recorded in it?", abort=True)
    t.forget(session.id)
    click.echo(f"Forgot {label}.")


def _fast_stub(name: str, setup: str) -> click.Command:
    """`stint NAME` as Click sees it: only reached when the console entry did not answer
    first (e.g. `python -m stint.cli`), so it explains how the command is meant to run."""

    def explain(args: tuple[str, ...]) -> None:
        raise click.UsageError(
            f"`stint {name}` is run by Claude Code with JSON on stdin, through the `stint` "
            f"console script; set it up with `{setup}`."
        )

    command = click.argument("args", nargs=-1, type=click.UNPROCESSED)(explain)
    return click.command(name, hidden=True, context_settings={"ignore_unknown_options": True})(
        command
    )


hook = _fast_stub("hook", "stint hooks install claude-code")
statusline = _fast_stub("statusline", "stint hooks install claude-code --statusline")


COMMANDS = [hooks, drain, forget, hook, statusline]
