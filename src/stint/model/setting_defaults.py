"""The settings' defaults and environment variables that a path too quick for
`stint.model.config` (its dataclass alone costs a tenth of a re-import with nothing new)
reads when there is no config file and no variable set: `Settings` takes them from here."""

TIMEOUT_MINUTES = 120.0
ORG_ID = "local"
STORE_FILE = "stint.db"  # under the home, when no database URL is set

# Each environment variable and the setting it sets.
ENV = {
    "STINT_DATABASE_URL": "database_url",
    "STINT_TIMEOUT_MINUTES": "timeout_minutes",
    "STINT_PULSE_MINUTES": "pulse_minutes",
    "STINT_CAPTURE_POLICY": "capture_policy",
    "STINT_API_TOKEN": "api_token",
    "STINT_HEALTH": "health",
    "STINT_MCP_START": "mcp_start",
}
