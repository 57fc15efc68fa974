"""`/tips …`: good-practice tips commands."""

from __future__ import annotations

from slack_bolt.kwargs_injection.async_args import AsyncArgs

from bot.tips_commands import TIPS
from handlers.router import Router
from handlers.slash import CommandRequest, SubcommandHandler, dispatch, show_help


async def _help(req: CommandRequest) -> None:
    await show_help(req, TIPS, unknown_word=None)


HANDLERS: dict[str, SubcommandHandler] = {"help": _help}


def register(router: Router) -> None:
    @router.command("/tips")
    async def tips(args: AsyncArgs) -> None:
        await dispatch(TIPS, HANDLERS, args)
