"""The `/fika` vocabulary (coffee breaks)."""

from __future__ import annotations

from bot.commands import HELP, CommandSet

FIKA = CommandSet(
    "/fika",
    (HELP,),
)
