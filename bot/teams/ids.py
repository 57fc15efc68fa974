"""Ids that the Teams app package declares and the Teams surface answers to."""

from __future__ import annotations

#: The bot's messaging endpoint on Fika's host (the Azure Bot resource's "Messaging endpoint").
MESSAGING_PATH = "/api/messages"
#: The message extension's action on a message ("Share as good practice"): the same id as the
#: Slack message shortcut's callback_id.
SHARE_AS_GOOD_PRACTICE = "share_as_good_practice"
#: The one message extension (composeExtensions[0].id).
MESSAGE_EXTENSION = "fika"
