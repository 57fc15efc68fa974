"""The home card's tips buttons on Teams: "Share a tip" opens the tip form (handlers/teams_tips.py
DIALOGS "tips.form"); Review (verb `home.review`, curators) sends the review queue — the
`tips review` card, whose buttons are the tips verbs — as a message below the home card, which
is drawn again as it stays (Slack opens the queue as a modal over the Home; an Action.Execute
answer would replace the home card itself).

The clicker's role is read on the server at the click (`bot.people.permissions`, and again by
`bot.tips.service.review_queue`): anyone else gets the home card with the polite refusal.
"""

from __future__ import annotations

from typing import Any

from bot.home.ids import HomeAction
from bot.people.permissions import require
from bot.platform.errors import NotAuthorized
from bot.teams.cards import tips as tip_cards
from bot.teams.cards.answers import TeamsTranslator
from bot.teams.cards.home import home_offset
from bot.teams.cards.home_tips import REVIEW
from bot.teamsapp.invoke import card_activity
from bot.teamsapp.surface import TeamsSurface
from bot.teamsapp.tip_messages import names
from bot.teamsapp.turn import Turn
from bot.tips import service
from handlers.teams_home import render_home
from handlers.teams_tips import REVIEW_PAGE_SIZE


async def review(surface: TeamsSurface, turn: Turn, data: dict[str, Any]) -> Any:
    if turn.user_id is None or turn.teams_user_id is None:
        return None
    deps = surface.deps
    offset = home_offset(data)
    try:
        await require(deps, turn.team_id, turn.user_id, HomeAction.REVIEW)
        page = await service.review_queue(deps, turn.team_id, turn.user_id, 0, REVIEW_PAGE_SIZE)
    except NotAuthorized as exc:
        refusal = exc

        def refused(t: TeamsTranslator) -> str:
            return t(refusal.message, **refusal.params)

        return await render_home(
            surface, turn.team_id, turn.user_id, turn.teams_user_id, offset=offset, notice=refused
        )
    t = await surface.translator(turn.team_id, turn.user_id)
    async with deps.db() as session:
        shown = await names(session, turn.team_id, [tip.author_id for tip in page.tips])
    card = tip_cards.review_list_card(t, page, deps.settings.tz, shown)
    await surface.reply(turn, card_activity(card, t("Tips waiting for review")))
    return await render_home(surface, turn.team_id, turn.user_id, turn.teams_user_id, offset=offset)


VERBS: dict[str, Any] = {REVIEW: review}
