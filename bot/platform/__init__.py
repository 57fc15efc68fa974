"""What every feature stands on and none of them owns: settings, deps, the database
infrastructure, translation, logging, and the Slack client, server, pacing and Block Kit text.

Nothing here imports a feature (`bot.coffee`, `bot.tips`, …), `handlers` or `jobs`
(tests/test_dependency_rule.py checks it).
"""
