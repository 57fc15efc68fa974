"""Teams activities → Fika's handlers: one table per kind, filled from the feature modules.

Each Teams handler module may declare
- `COMMANDS`: the first word of a message (any language's word or alias) → `(surface, turn,
  args)`; the mention that starts a channel message is already gone;
- `VERBS`: an `Action.Execute` verb → `(surface, turn, data)` returning the card that replaces
  the clicked one, an invoke answer, or None (the card stays);
- `DIALOGS`: a dialog's name (`data["dialog"]`) → `(fetch, submit)`, each `(surface, turn,
  data)` returning an invoke answer (bot/teamsapp/invoke.py) or None (close);
- `MESSAGE_EXTENSIONS`: a message-extension command id → `(fetch, submit)`, the same;
- `EVENTS`: "install" / "uninstall" / "members_added" / "members_removed" → `(surface, turn,
  activity)`.
Every activity first refreshes what Fika keeps about its sender and channel (the conversation
references of bot/teamsapp/store.py). A handler's error is logged and answered with a short
localized apology, never a 500 that would make Teams retry the request.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from types import ModuleType
from typing import Any

from bot.platform.i18n import N_
from bot.teamsapp import store
from bot.teamsapp.invoke import card_answer, dialog_message, message_answer, text_activity
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn

log = logging.getLogger(__name__)

Command = Callable[[TeamsSurface, Turn, list[str]], Awaitable[None]]
Verb = Callable[[TeamsSurface, Turn, dict[str, Any]], Awaitable[Any]]
Event = Callable[[TeamsSurface, Turn, dict[str, Any]], Awaitable[None]]

# The same sentence as Slack's (handlers/router.py GENERIC_ERROR).
SORRY = N_(
    "Sorry, something went wrong on our side. Please try again in a moment; "
    "if it keeps happening, tell the AKE team."
)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


class TeamsRouter:
    def __init__(self, modules: Iterable[ModuleType]) -> None:
        self.commands: dict[str, Command] = {}
        self.verbs: dict[str, Verb] = {}
        self.dialogs: dict[str, tuple[Verb, Verb]] = {}
        self.extensions: dict[str, tuple[Verb, Verb]] = {}
        self.events: dict[str, list[Event]] = {}
        self.fallback: Command | None = None
        for module in modules:
            self._add(module)

    def _add(self, module: ModuleType) -> None:
        for table, own in (
            ("COMMANDS", self.commands),
            ("VERBS", self.verbs),
            ("DIALOGS", self.dialogs),
            ("MESSAGE_EXTENSIONS", self.extensions),
        ):
            for key, value in getattr(module, table, {}).items():
                if key in own:
                    raise ValueError(f"{module.__name__}: {table} {key!r} is taken")
                own[key] = value
        for name, handler in getattr(module, "EVENTS", {}).items():
            self.events.setdefault(name, []).append(handler)
        fallback = getattr(module, "FALLBACK", None)
        if fallback is not None:
            self.fallback = fallback

    async def __call__(self, surface: TeamsSurface, activity: dict[str, Any]) -> Any:
        turn = Turn.of(activity)
        if turn is None:
            log.info("Teams activity without a tenant or service URL ignored")
            return None
        kind = activity.get("type")
        try:
            await self._remember(surface, turn, activity)
            if kind == "message":
                return await self._message(surface, turn)
            if kind == "invoke":
                return await self._invoke(surface, turn, activity)
            if kind in ("installationUpdate", "conversationUpdate"):
                await self._lifecycle(surface, turn, activity)
            return None
        except Exception:
            log.exception("Teams %s activity failed", kind)
            surface.failures.append(str(kind))
            t = await surface.translator(turn.team_id, turn.user_id)
            if kind == "invoke":
                return message_answer(t(SORRY))
            if kind == "message":
                await surface.reply(turn, text_activity(t(SORRY)))
            return None

    async def _remember(self, surface: TeamsSurface, turn: Turn, activity: dict[str, Any]) -> None:
        now = surface.deps.now()
        removed = activity.get("type") == "installationUpdate" and activity.get("action") in (
            "remove",
            "remove-upgrade",
        )
        async with surface.deps.db.begin() as session:
            await store.remember_person(
                session, turn, now, installed=False if removed and turn.personal else None
            )
            if not removed:
                await store.remember_channel(session, turn, now)

    async def _message(self, surface: TeamsSurface, turn: Turn) -> None:
        if turn.value and not turn.text:
            return None  # an Action.Submit of an old card: nothing of Fika's sends those
        words = turn.text.split()
        first = words[0].lower() if words else ""
        handler = self.commands.get(first)
        if handler is not None:
            await handler(surface, turn, words[1:])
        elif self.fallback is not None:
            await self.fallback(surface, turn, words)
        return None

    async def _invoke(self, surface: TeamsSurface, turn: Turn, activity: dict[str, Any]) -> Any:
        name = activity.get("name")
        value: dict[str, Any] = turn.value
        if name == "adaptiveCard/action":
            action: dict[str, Any] = _dict(value.get("action"))
            verb = action.get("verb")
            data = _dict(action.get("data"))
            handler = self.verbs.get(verb) if isinstance(verb, str) else None
            if handler is None:
                t = await surface.translator(turn.team_id, turn.user_id)
                return message_answer(t(SORRY))
            answer = await handler(surface, turn, data)
            if isinstance(answer, dict) and answer.get("type") == "AdaptiveCard":
                return card_answer(answer)
            return answer if answer is not None else {"statusCode": 200}
        if name in ("task/fetch", "task/submit"):
            data = _dict(value.get("data"))
            pair = self.dialogs.get(str(data.get("dialog")))
            return await self._pair(surface, turn, pair, name == "task/fetch", data)
        if name in ("composeExtension/fetchTask", "composeExtension/submitAction"):
            pair = self.extensions.get(str(value.get("commandId")))
            return await self._pair(
                surface, turn, pair, name == "composeExtension/fetchTask", value
            )
        return None

    async def _pair(
        self,
        surface: TeamsSurface,
        turn: Turn,
        pair: tuple[Verb, Verb] | None,
        fetch: bool,
        data: dict[str, Any],
    ) -> Any:
        if pair is None:
            t = await surface.translator(turn.team_id, turn.user_id)
            return dialog_message(t(SORRY))
        return await (pair[0] if fetch else pair[1])(surface, turn, data)

    async def _lifecycle(self, surface: TeamsSurface, turn: Turn, activity: dict[str, Any]) -> None:
        """installationUpdate says the app was added or removed, in every scope; the
        conversationUpdate that comes with it (the bot among membersAdded) says nothing more
        and is only remembered. People added to or removed from a team are "members_added" /
        "members_removed"."""
        if activity.get("type") == "installationUpdate":
            action = str(activity.get("action") or "")
            name = "uninstall" if action.startswith("remove") else "install"
        else:
            bot_id = _dict(activity.get("recipient")).get("id")
            added = activity.get("membersAdded")
            removed = activity.get("membersRemoved")
            changed, name = (added, "members_added") if added else (removed, "members_removed")
            if not isinstance(changed, list) or not changed:
                return
            people = [m for m in changed if isinstance(m, dict) and m.get("id") != bot_id]
            if len(people) != len(changed):
                return  # the bot itself was added (installationUpdate says so) or removed
        for handler in self.events.get(name, []):
            await handler(surface, turn, activity)
