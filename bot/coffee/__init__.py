"""Coffee breaks, the parts that talk to Slack: channel pools, rounds, intros, follow-ups.

Domain rules live in `bot.domain` (programs, participants, rounds, stats); views in
`bot.views.coffee*`. Handlers and jobs call the functions here.
"""
