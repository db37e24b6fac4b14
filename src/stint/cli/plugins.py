"""`stint plugins [--json]`, `stint score REF` (the plugins' scorers and goal evaluators),
and the commands plugins add (`register_commands`).

Plugins load only when they are needed: for `stint plugins`, for a command name that is
none of stint's own, and for `stint --help` (which lists every command); a read command
never scans the installed distributions.
"""

from __future__ import annotations

from typing import Any

import click

from stint.cli.common import emit_json, json_option, tracker
from stint.model.config import home_dir

# The hooks that hand back objects (register_commands adds to the CLI instead).
PROVIDING_HOOKS = (
    "register_importers",
    "register_hook_mappers",
    "register_session_kinds",
    "register_scorers",
    "register_goal_evaluators",
    "register_exporters",
)


@click.command("plugins")
@json_option
def plugins(as_json: bool) -> None:
    """The loaded plugins: name, version, the hooks each implements, built-in or not."""
    from stint.capture import agents  # deferred: see the module's note

    loaded = agents.plugins()
    provides: dict[str, dict[str, list[str]]] = {}
    for hook in PROVIDING_HOOKS:  # asking each hook also reports the ones that fail
        for plugin, item in loaded.collect_by_plugin(hook):
            names = provides.setdefault(plugin, {}).setdefault(hook.removeprefix("register_"), [])
            names.append(str(getattr(item, "name", item)))
    agents.remember_hook_agents(home_dir())
    found = loaded.plugins()
    if as_json:
        emit_json([{**info.to_dict(), "provides": provides.get(info.name, {})} for info in found])
        return
    for info in found:
        kind = "built-in" if info.builtin else "plugin"
        version = info.version or "?"
        hooks = ", ".join(info.hooks) or "no hooks"
        line = f"{info.name} {version} ({kind}): {hooks}"
        click.echo(line + (f"  [failed: {info.error}]" if info.error else ""))
        for what, names in provides.get(info.name, {}).items():
            click.echo(f"  {what}: {', '.join(names)}")


@click.command("score")
@click.argument("ref", default="last")
@json_option
def score(ref: str, as_json: bool) -> None:
    """Session REF through the plugins' scorers and goal evaluators (nothing is stored)."""
    from stint.capture import agents  # deferred: see the module's note

    session = tracker().get(ref)
    row = session.to_dict()
    scores: dict[str, Any] = {}
    for scorer in agents.collect("register_scorers"):
        scores[scorer.name] = _safely(scorer.name, lambda s=scorer: s.score(row))
    evaluations: dict[str, Any] = {}
    for judge in agents.collect("register_goal_evaluators"):
        evaluations[judge.name] = _safely(
            judge.name, lambda j=judge: j.evaluate(session.goal or "", row)
        )
    if as_json:
        emit_json({"session": session.ref, "scores": scores, "evaluations": evaluations})
        return
    if not scores and not evaluations:
        click.echo("No plugin provides a scorer or a goal evaluator.")
    for name, value in scores.items():
        click.echo(f"{name}: {'n/a' if value is None else f'{value:g}'}")
    for name, verdict in evaluations.items():
        click.echo(f"{name}: {verdict}")


def _safely(name: str, call: Any) -> Any:
    """A plugin's scorer or evaluator may fail: one line, and its figure is None."""
    try:
        return call()
    except Exception as exc:
        from stint.plugins.manager import report

        report(f"plugin {name!r} failed: {exc.__class__.__name__}: {exc}")
        return None


COMMANDS: list[Any] = [plugins, score]
