"""Teams' records of once-only cards go with the coffee history they were sent for: the
housekeeping job deletes them past HISTORY_RETENTION_DAYS (0 keeps them), never while a round
and its follow-up could still need them."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import func, select

from bot.coffee.rounds import pair_now
from bot.teamsapp.models import TeamsDelivery
from bot.teamsapp.store import KEEP_DELIVERIES_AT_LEAST
from jobs import housekeeping
from tests.conftest import FakeClock
from tests.teams.test_coffee_teams import people, program_in_channel
from tests.teams_support import TeamsApp


async def deliveries(app: TeamsApp) -> int:
    async with app.deps.db() as session:
        return int(await session.scalar(select(func.count()).select_from(TeamsDelivery)) or 0)


async def test_delivery_records_go_with_the_history(teams_app: TeamsApp, clock: FakeClock) -> None:
    app = teams_app
    ann, bo, admin = await people(
        app, [("Ann A", "sv-SE"), ("Bo B", "fi-FI"), ("Ada", "en-GB")], installed=3
    )
    team, program = await program_in_channel(app, [ann, bo], admin, size=2)
    app.fake.remove_member(team, admin)
    await pair_now(app.deps, program.id, app.user_id(admin))
    sent = await deliveries(app)
    assert sent >= 2  # one intro per member

    # A short retention still keeps the records while a round could need them.
    short = replace(app.deps, settings=replace(app.deps.settings, history_retention_days=7))
    clock.advance(timedelta(days=8))
    early = await housekeeping.run(short)
    assert early.rounds == 1 and early.deliveries == 0
    assert await deliveries(app) == sent

    # 0 keeps them forever.
    clock.advance(KEEP_DELIVERIES_AT_LEAST + timedelta(days=3650))
    forever = replace(app.deps, settings=replace(app.deps.settings, history_retention_days=0))
    assert (await housekeeping.run(forever)).deliveries == 0
    assert await deliveries(app) == sent

    # Past the retention they go.
    assert (await housekeeping.run(app.deps)).deliveries == sent
    assert await deliveries(app) == 0
