"""`stint completion bash|zsh|fish`: the shell completion script, click's own."""

from __future__ import annotations

import click

SHELLS = ("bash", "zsh", "fish")


@click.command()
@click.argument("shell", type=click.Choice(SHELLS), metavar="SHELL")
def completion(shell: str) -> None:
    """Print the completion script for SHELL.

    \b
    bash:  eval "$(stint completion bash)"   (in ~/.bashrc)
    zsh:   eval "$(stint completion zsh)"    (in ~/.zshrc)
    fish:  stint completion fish > ~/.config/fish/completions/stint.fish
    """
    from click.shell_completion import get_completion_class

    root = click.get_current_context().find_root()
    found = get_completion_class(shell)
    if found is None:  # the Choice above lists only shells click knows
        raise click.ClickException(f"no completion for {shell}")
    # The script calls `stint` back with _STINT_COMPLETE set; click answers that in main().
    script = found(root.command, {}, "stint", "_STINT_COMPLETE").source()
    click.echo(script)


COMMANDS = [completion]
