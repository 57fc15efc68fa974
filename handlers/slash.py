"""What every slash-command subcommand handler receives, and the dispatcher that calls it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.kwargs_injection.async_args import AsyncArgs
from slack_sdk.web.async_client import AsyncWebClient

from bot.home.help import help_blocks, help_text, roles_in
from bot.people.permissions import require, roles_of
from bot.platform.commands import CommandSet
from bot.platform.deps import Deps
from bot.platform.i18n import Translator
from handlers.router import respond_for

Block = dict[str, Any]


@dataclass
class CommandRequest:
    deps: Deps
    t: Translator
    ack: AsyncAck
    respond: AsyncRespond
    client: AsyncWebClient
    body: dict[str, Any]
    word: str  # the subcommand as typed
    text: str  # what follows the subcommand

    @property
    def team_id(self) -> str:
        return str(self.body.get("team_id", ""))

    @property
    def user_id(self) -> str:
        return str(self.body.get("user_id", ""))

    @property
    def channel_id(self) -> str:
        return str(self.body.get("channel_id", ""))

    @property
    def in_direct_message(self) -> bool:
        """Typed in a DM or a group DM. Slack names those channels "directmessage" and
        "mpdm-…"; the bot cannot look up a group DM it is not in (channel_not_found)."""
        name = str(self.body.get("channel_name", ""))
        return (
            self.channel_id.startswith("D") or name == "directmessage" or name.startswith("mpdm-")
        )

    @property
    def trigger_id(self) -> str:
        return str(self.body.get("trigger_id", ""))

    async def reply(self, text: str, blocks: list[Block] | None = None) -> None:
        """An ephemeral answer by response_url, or without one where the command was typed
        (chat.postEphemeral, else a DM: `handlers.router.respond_for`). (The router
        acknowledges a command before it runs, so Slack never waits on our database; the
        acknowledgement carries an answer only for a `CommandRequest` made without that
        router.)"""
        if self.ack.response is None:
            await self.ack(text=text, blocks=blocks, response_type="ephemeral")
        else:
            await self.respond(text=text, blocks=blocks, response_type="ephemeral")


SubcommandHandler = Callable[[CommandRequest], Awaitable[None]]


async def dispatch(
    commands: CommandSet,
    handlers: Mapping[str, SubcommandHandler],
    args: AsyncArgs,
    on_empty: SubcommandHandler | None = None,
    on_unknown: SubcommandHandler | None = None,
) -> None:
    """Route `/cmd word rest` to handlers[word's subcommand]; unknown words get help, or
    `on_unknown` when given (it reads the whole text from `req.body["text"]`)."""
    command = args.command or {}
    sub, word, rest = commands.parse(command.get("text", ""))
    req = CommandRequest(
        deps=args.context["deps"],
        t=args.context["t"],
        ack=args.ack,
        respond=respond_for(args),  # answers also when Slack sent no response_url
        client=args.client,
        body=command,
        word=word,
        text=rest,
    )
    if sub is None and not word and on_empty is not None:
        await on_empty(req)
        return
    handler = handlers.get(sub.name) if sub else None
    if handler is None and sub is None and word and on_unknown is not None:
        await on_unknown(req)
        return
    if handler is None or sub is None:
        await show_help(req, commands, unknown_word=word or None)
        return
    await require(
        req.deps, req.team_id, req.user_id, commands.action(sub)
    )  # bot.people.permissions
    await handler(req)


async def show_help(req: CommandRequest, commands: CommandSet, unknown_word: str | None) -> None:
    roles = await roles_of(req.deps, req.team_id, req.user_id, roles_in(commands))
    await req.reply(
        help_text(req.t, commands), help_blocks(req.t, commands, roles, unknown_word=unknown_word)
    )
