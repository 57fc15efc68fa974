"""The Slack adapter of the chat port, against the fake Slack Web API."""

from __future__ import annotations

import pytest

from bot.platform.chat import ChatError
from bot.platform.deps import Deps
from tests.fakes.slack_api import FakeSlack


async def test_group_members_reads_every_page(deps: Deps, fake_slack: FakeSlack) -> None:
    people = [f"U{n:05d}" for n in range(450)]  # three pages of 200
    fake_slack.add_channel("C0BIG", "big", members=people, bot_is_member=True)
    members = await deps.chat.group_members("C0BIG")
    assert set(members) == {*people, fake_slack.bot_user_id}
    assert len(fake_slack.calls_to("conversations.members")) == 3


async def test_a_refusal_is_a_chat_error_with_slacks_code(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    with pytest.raises(ChatError) as caught:
        await deps.chat.group_members("C0MISSING")
    assert caught.value.code == "channel_not_found"
    with pytest.raises(ChatError) as caught:
        await deps.chat.person("U0NOBODY")
    assert caught.value.code == "user_not_found"


async def test_person_is_the_profile_with_its_locale(deps: Deps, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0AINO", locale="fi-FI", is_admin=True)
    person = await deps.chat.person("U0AINO")
    assert person["id"] == "U0AINO" and person["locale"] == "fi-FI" and person["is_admin"]
    [call] = fake_slack.calls_to("users.info")
    assert call.args.get("include_locale") in (True, "true", "1")


async def test_publish_home_shows_the_view(deps: Deps, fake_slack: FakeSlack) -> None:
    fake_slack.add_user("U0AINO")
    view = {
        "type": "home",
        "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": "Hej"}}],
    }
    await deps.chat.publish_home("U0AINO", view)
    assert fake_slack.home_views["U0AINO"]["blocks"][0]["text"]["text"] == "Hej"
