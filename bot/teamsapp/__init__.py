"""The Microsoft Teams surface: /api/messages on the Teams SDK for Python, and Teams' adapters of
the features' ports (coffee, tips, people). Nothing here imports Slack's libraries."""
