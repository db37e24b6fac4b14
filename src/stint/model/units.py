"""How counts and money read, everywhere a person sees them: the CLI, the dashboard and the
status line. Standard library only and no `typing` (the status line imports this)."""

from __future__ import annotations

import math


def plural(count: int, word: str, many: str | None = None, *, grouped: bool = False) -> str:
    """ "1 file", "2 files", "0 files"; `many` for irregular words ("1 entry", "2 entries");
    `grouped` writes thousands apart ("1,200 lines")."""
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {word if count == 1 else (many or word + 's')}"


def money(value: float | None) -> str:
    """US dollars: cents from a cent up ("$1,234.57"), two significant digits below it so a
    small cost does not read as nothing ("$0.0042"); "—" for no value."""
    if value is None:
        return "—"
    amount = float(value)
    if math.isnan(amount) or math.isinf(amount):
        return "—"
    sign, amount = ("-" if amount < 0 else ""), abs(amount)
    if amount == 0 or amount >= 0.01:
        return f"{sign}${amount:,.2f}"
    decimals = 1 - math.floor(math.log10(amount))
    shown = f"{amount:.{decimals}f}"
    if float(shown) >= 0.01:  # 0.00999 rounds up to a cent
        return f"{sign}${amount:,.2f}"
    return f"{sign}${shown}"
