"""`/fika …`: coffee-break commands."""

from __future__ import annotations

import logging

from slack_bolt.kwargs_injection.async_args import AsyncArgs

from bot.coffee.commands import FIKA
from handlers import coffee_admin, coffee_people
from handlers.coffee_libraries import libraries_command
from handlers.privacy import forget_command, forget_me_command, my_data_command
from handlers.router import Route, command
from handlers.slash import CommandRequest, SubcommandHandler, dispatch, show_help

log = logging.getLogger(__name__)


async def _help(req: CommandRequest) -> None:
    await show_help(req, FIKA, unknown_word=None)


HANDLERS: dict[str, SubcommandHandler] = {
    "help": _help,
    "join": coffee_people.join,
    "leave": coffee_people.leave,
    "pause": coffee_people.pause,
    "resume": coffee_people.resume,
    "status": coffee_people.status,
    "profile": coffee_people.profile,
    "my-data": my_data_command,
    "forget-me": forget_me_command,
    "libraries": libraries_command,
    "start": coffee_admin.start,
    "stop": coffee_admin.stop,
    "schedule": coffee_admin.schedule,
    "size": coffee_admin.size,
    "pair-now": coffee_admin.pair_now,
    "stats": coffee_admin.stats,
    "forget": forget_command,
}


async def fika(args: AsyncArgs) -> None:
    await dispatch(FIKA, HANDLERS, args)


ROUTES: list[Route] = [command("/fika", fika)]
