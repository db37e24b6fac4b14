"""Token prices: genai-prices' maintained data, the few figures it lacks, the user's
`prices.toml` over both, and the cost rule ccusage applies (`table`, `source`, `rule`)."""
