"""The hardening suite: concurrency, crashes and hostile input against the real app, and
property-based tests over the HTTP door and every payload parser (docs/operations.md)."""
