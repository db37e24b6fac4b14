"""The stint MCP server: sessions that start themselves, and an agent that knows its
session. `stint mcp` runs it; nothing here is imported unless that command runs."""
