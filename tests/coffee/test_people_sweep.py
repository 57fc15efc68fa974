"""Refreshing many people before a round: one sweep over the workspace's people through the chat
port (`Chat.people`, users.list on Slack) instead of users.info for each."""

from __future__ import annotations

from bot.coffee.channel import USERS_LIST_THRESHOLD, refresh_members
from bot.platform.deps import Deps
from tests.conftest import TEAM_ID
from tests.fakes.slack_api import FakeSlack


async def test_many_stale_people_are_read_in_one_paged_sweep(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    people = [f"U{n:05d}" for n in range(450)]  # three pages of 200
    for user_id in people:
        fake_slack.add_user(user_id, locale="fi-FI")
    fake_slack.add_user("UGONE", deleted=True)  # deactivated and never stored: stays unstored
    assert len(people) > USERS_LIST_THRESHOLD

    members = await refresh_members(deps, TEAM_ID, [*people, "UGONE"])

    assert set(members) == set(people)
    assert all(m.slack_checked_at is not None for m in members.values())
    assert {m.slack_locale for m in members.values()} == {"fi-FI"}
    assert len(fake_slack.calls_to("users.list")) == 3
    assert fake_slack.calls_to("users.info") == []


async def test_a_failed_sweep_leaves_the_stored_data(deps: Deps, fake_slack: FakeSlack) -> None:
    people = [f"U{n:05d}" for n in range(USERS_LIST_THRESHOLD + 1)]
    for user_id in people:
        fake_slack.add_user(user_id)
    fake_slack.fail_next("users.list", error="invalid_auth")

    members = await refresh_members(deps, TEAM_ID, people)  # no exception

    assert members == {}
    assert len(fake_slack.calls_to("users.list")) == 1
