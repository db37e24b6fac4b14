"""Goal-oriented sessions: kinds, indicators, evaluation (deterministic and optional LLM),
templates and planning, and the library handle."""
