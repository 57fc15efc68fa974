"""Errors that carry a message for the person, translated when shown."""

from __future__ import annotations


class UserFacingError(Exception):
    """Raised by domain or handler code; the router shows `message` in the reader's language.

    `message` is an English msgid marked with N_(); `params` fill its placeholders.
    """

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class NotAuthorized(UserFacingError):
    """The person may not do this; nothing was changed."""
