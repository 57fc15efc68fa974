"""Coffee breaks: programs, participants, pairing, rounds, intros and follow-ups.

models (tables) → pairing, schedule, starters (pure rules) → programs, participants,
round_store, stats (plain functions over a session, no Slack) → channel, enrolment, rounds,
delivery, followups, locks (the Slack side) → views (Block Kit) and ids (the strings Slack
echoes)."""
