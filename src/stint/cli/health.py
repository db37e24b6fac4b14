"""`stint health`: did this session make the code better or worse (lizard's figures)."""

from __future__ import annotations

from typing import Any

import click

from stint.cli.common import emit_json, json_option, tracker


def _figure(before: Any, after: Any) -> str:
    if before is None and after is None:
        return "—"
    if before is None:
        return f"new → {after}"
    if after is None:
        return f"{before} → gone"
    delta = after - before
    return f"{before} → {after} ({'+' if delta > 0 else ''}{delta})"


@click.command()
@click.argument("ref", default="last")
@click.option("--measure", is_flag=True, help="Measure again instead of showing what end stored.")
@click.option("--all-files", is_flag=True, help="List every file, skipped ones too.")
@json_option
def health(ref: str, measure: bool, all_files: bool, as_json: bool) -> None:
    """Code health of a session: complexity, NLOC and functions of the files it changed, at its
    start commit and at its end (an open session: now). REF is #number, last or current."""
    t = tracker()
    session = t.get(ref)
    report = t.health(session.id, measure=measure)
    if as_json:
        emit_json({"session": session.ref, **report})
        return
    from rich.table import Table  # deferred: Rich loads only when something is printed

    from stint.cli.render import console

    click.echo(f"Session {session.ref}: {report['line']}")
    summary = report["summary"]
    if summary["status"] != "measured":
        return
    click.echo(
        f"Cyclomatic complexity {_figure(summary['ccn_before'], summary['ccn_after'])}, "
        f"NLOC {_figure(summary['nloc_before'], summary['nloc_after'])}, "
        f"functions {_figure(summary['functions_before'], summary['functions_after'])}"
    )
    if summary["skipped"]:
        reasons = ", ".join(f"{n} {why}" for why, n in summary["skipped"].items())
        click.echo(f"Skipped: {reasons}")
    rows = [f for f in report["files"] if all_files or f["status"] == "measured"]
    if not rows:
        return
    table = Table("file", "complexity", "NLOC", "functions", f"new over {summary['threshold']}")
    for f in rows:
        if f["status"] != "measured":
            table.add_row(f["path"], f"skipped ({f['skip_reason']})", "", "", "")
            continue
        table.add_row(
            f["path"],
            _figure(f["ccn_before"], f["ccn_after"]),
            _figure(f["nloc_before"], f["nloc_after"]),
            _figure(f["functions_before"], f["functions_after"]),
            ", ".join(f["new_complex"] or []) or "",
        )
    console.print(table)


COMMANDS = [health]
