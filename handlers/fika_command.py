"""`/fika …`: coffee-break commands."""

from __future__ import annotations

from slack_bolt.kwargs_injection.async_args import AsyncArgs

from bot.fika_commands import FIKA
from handlers.router import Router
from handlers.slash import CommandRequest, SubcommandHandler, dispatch, show_help


async def _help(req: CommandRequest) -> None:
    await show_help(req, FIKA, unknown_word=None)


HANDLERS: dict[str, SubcommandHandler] = {"help": _help}


def register(router: Router) -> None:
    @router.command("/fika")
    async def fika(args: AsyncArgs) -> None:
        await dispatch(FIKA, HANDLERS, args)
