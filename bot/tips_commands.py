"""The `/tips` vocabulary (good-practice tips)."""

from __future__ import annotations

from bot.commands import HELP, CommandSet

TIPS = CommandSet(
    "/tips",
    (HELP,),
)
