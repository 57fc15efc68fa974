"""Personal data: what Fika stores about a person, forgetting them, deactivated accounts and
uninstalled workspaces, and how long history is kept (docs/privacy.md)."""
