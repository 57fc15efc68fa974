"""Adaptive Cards 1.5 for Teams, as plain dicts (pure: no SDK, no I/O)."""
