"""People and libraries, shared by every feature: members kept in step with Slack (language,
name, admin flags), the libraries list, roles and the one permission table."""
