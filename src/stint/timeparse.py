"""The time helpers under their first public name (the README's examples import
`stint.timeparse.utcnow`); they live in `stint.model.timeparse`."""

from stint.model.timeparse import as_utc, human_duration, local_text, parse_when, utcnow

__all__ = ["as_utc", "human_duration", "local_text", "parse_when", "utcnow"]
