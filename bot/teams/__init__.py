"""Microsoft Teams (issue 17): the installable app package; the Teams surface itself follows.

Nothing here imports a Slack library: Teams serves the same features through its own door.
"""
