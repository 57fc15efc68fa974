"""The home card in a person's personal chat with Fika (Teams has no App Home), and the
greeting in a team's channel when Fika is added there."""

from __future__ import annotations

from bot.platform.i18n import Translator
from bot.teamsapp import store
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.turn import Turn

_INTRO = (
    "Fika pairs you with a colleague from another library for a short remote coffee "
    "break. Commands:"
)


def _card(t: Translator) -> dict[str, object]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "body": [
            {"type": "TextBlock", "text": "Fika", "weight": "Bolder", "size": "Large"},
            {"type": "TextBlock", "text": t(_INTRO).removesuffix(":"), "wrap": True},
        ],
    }


async def send_home(surface: TeamsSurface, turn: Turn) -> None:
    """Post the home card and remember it, to update it in place later."""
    if turn.user_id is None:
        return
    t = await surface.translator(turn.team_id, turn.user_id)
    activity_id = await surface.reply_card(turn, _card(t), summary="Fika")
    async with surface.deps.db.begin() as session:
        person = await store.person(session, turn.team_id, turn.user_id)
        if person is not None:
            person.home_activity_id = activity_id


async def greet_channel(surface: TeamsSurface, turn: Turn) -> None:
    t = await surface.translator(turn.team_id, None)
    await surface.reply_card(turn, _card(t), summary="Fika")
