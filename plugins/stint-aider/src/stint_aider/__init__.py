"""stint-aider: Aider's chat history (`.aider.chat.history.md`) as stint sessions."""
