"""Adaptive Cards 1.5 for the Teams surface, as plain dicts (pure: no SDK, no network)."""
