"""Good-practice tips: sending, review, search, the weekly digest and the export.

models (tables) → store, search, digest, export (plain functions over a session, no Slack) →
reviewers, delivery (the Slack side) → views (Block Kit) and ids (the strings Slack echoes)."""
