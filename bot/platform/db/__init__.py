"""Database infrastructure: the declarative base, the engine, upserts, migrations from code,
and the few tables every feature uses (workspaces, Slack calls to retry, events handled)."""
