"""The coding-session core: reading, recording, lifecycle, git metrics, the AI digest."""
