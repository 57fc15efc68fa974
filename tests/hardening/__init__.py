"""The hardening suite: concurrency, crashes and hostile input against the real app."""
