"""Domain logic: plain Python over the database session; no Slack, no HTTP."""
