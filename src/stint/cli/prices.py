"""prices: what a model costs per million tokens, and where the figures came from."""

from __future__ import annotations

from typing import Any

import click

from stint.cli.common import emit_json, json_option

KINDS = (
    ("input", "input"),
    ("output", "output"),
    ("cache_write_5m", "cache write (5 min)"),
    ("cache_write_1h", "cache write (1 h)"),
    ("cache_read", "cache read"),
)


def _figures(price: Any) -> dict[str, Any]:
    data: dict[str, Any] = {name: round(getattr(price, name), 6) for name, _ in KINDS}
    tier = price.above_200k
    data["long_context"] = (
        None
        if tier is None
        else {
            "from_tokens": price.tier_start,
            "applies_to": "whole request" if price.whole_request else "tokens above",
            **{name: round(getattr(tier, name), 6) for name, _ in KINDS},
        }
    )
    return data


@click.command()
@click.argument("model", required=False)
@json_option
def prices(model: str | None, as_json: bool) -> None:
    """Show what MODEL costs (USD per million tokens) and where the price came from;
    without MODEL, the price sources in use."""
    from stint.model.config import home_dir
    from stint.pricing import source as price_source
    from stint.pricing.table import PriceTable, PricingError

    try:
        table = PriceTable.load(home_dir())
    except PricingError as exc:
        raise click.ClickException(str(exc)) from None
    override = str(table.override_file) if table.override_file else None
    if model is None:
        sources = {
            "genai_prices": price_source.package_version(),
            "override_file": override,
            "override_models": sorted(table.overrides),
        }
        if as_json:
            emit_json(sources)
            return
        click.echo(f"Prices: genai-prices {sources['genai_prices']} (offline data)")
        if override:
            click.echo(f"Override: {override} ({len(table.overrides)} models)")
        else:
            click.echo(f"Override: none ({home_dir() / 'prices.toml'} does not exist)")
        return
    quote = table.quote(model)
    if quote is None:
        raise click.ClickException(
            f"no price for model {model!r}; add it to {home_dir() / 'prices.toml'}"
        )
    figures = _figures(quote.price)
    if as_json:
        emit_json({"model": model, "key": quote.key, "source": quote.source, **figures})
        return
    click.echo(f"{model}  (USD per million tokens)")
    for name, label in KINDS:
        click.echo(f"  {label:<20}{figures[name]:>10g}")
    tier = figures["long_context"]
    if tier:
        scope = "the whole request" if quote.price.whole_request else "the tokens above it"
        click.echo(f"  above {tier['from_tokens']:,} tokens, for {scope}:")
        for name, label in KINDS:
            click.echo(f"    {label:<18}{tier[name]:>10g}")
    click.echo(f"Source: {quote.source}")


COMMANDS = [prices]
