"""The hardening suite: property-based and adversarial tests over the HTTP door and every
payload parser (see docs/operations.md, "Hardening suite")."""
