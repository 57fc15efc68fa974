"""Block Kit of coffee breaks: data and a translator in, blocks out. No database, no Slack calls."""
