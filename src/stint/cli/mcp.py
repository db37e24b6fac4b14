"""`stint mcp`: run the MCP server (stdio, or streamable HTTP), and install it into an
agent's config. The SDK is imported only inside the commands: other commands stay fast."""

from __future__ import annotations

import click

from stint.cli.common import emit_json, json_option, tracker


@click.group(invoke_without_command=True)
@click.option("--http", "use_http", is_flag=True, help="Serve streamable HTTP instead of stdio.")
@click.option("--host", default="127.0.0.1", show_default=True, help="HTTP bind address.")
@click.option(
    "--port", default=8766, show_default=True, type=int, help="HTTP port (stint serve uses 8765)."
)
@click.pass_context
def mcp(ctx: click.Context, use_http: bool, host: str, port: int) -> None:
    """Run the stint MCP server (stdio by default) for an AI agent to connect to."""
    if ctx.invoked_subcommand is not None:
        return
    from stint.mcp.server import build_server  # deferred: the MCP SDK only for `stint mcp`

    server = build_server(tracker(), "http" if use_http else "stdio")
    if use_http:
        click.echo(f"stint MCP server on http://{host}:{port}/mcp", err=True)
        server.run("streamable-http", host=host, port=port)
    else:
        server.run("stdio")


@mcp.command("install")
@click.argument("client", type=click.Choice(["claude-code", "codex", "claude-desktop"]))
@json_option
def install(client: str, as_json: bool) -> None:
    """Add the stint server to CLIENT's MCP config (atomic, idempotent, with a backup)."""
    from stint.capture.mcp_install import install as do_install  # deferred: only this command

    result = do_install(client)
    if as_json:
        emit_json(result.to_dict())
    elif result.changed:
        backup = f" (previous file kept as {result.backup})" if result.backup else ""
        click.echo(f"Added the stint MCP server to {result.path}{backup}")
    else:
        click.echo(f"{result.path} already has the stint MCP server; nothing changed")


COMMANDS = [mcp]
