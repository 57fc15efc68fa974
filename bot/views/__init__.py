"""Block Kit builders: data and a translator in, blocks out. No database, no Slack calls."""
