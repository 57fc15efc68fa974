"""Fika: Slack bot for library staff — distance coffee breaks and good-practice tips."""
