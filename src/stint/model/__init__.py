"""Domain types, time and units, settings, and the pure transforms (projection, scoring).

Imports nothing of stint outside this package."""
