"""The Teams door end to end: signed activities from the offline Teams platform to the real
app's /api/messages, and what the app then sends through the Bot Connector."""

from __future__ import annotations

import pytest

from bot.teams.validation import activity_problems
from bot.teamsapp.models import TeamsPerson
from tests.teams_support import TeamsApp


def _texts(card: dict) -> str:
    out: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key in ("text", "title"):
                if isinstance(node.get(key), str):
                    out.append(node[key])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card)
    return "\n".join(out)


@pytest.mark.parametrize(
    ("locale", "word"),
    [("sv-SE", "kolleger"), ("fi-FI", "kollegoita"), ("en-US", "colleagues")],
)
async def test_install_in_personal_scope_sends_the_home_card_in_their_language(
    teams_app: TeamsApp, locale: str, word: str
) -> None:
    fake = teams_app.fake
    ann = fake.add_user(name="Ann Andersson", locale=locale)
    await teams_app.install(ann)

    chat = fake.personal_conversation(ann)
    sent = fake.activities(chat)
    assert len(sent) == 1
    assert activity_problems(sent[0]) == []
    (card,) = fake.cards(chat)
    assert word in _texts(card).lower()
    async with teams_app.deps.db() as session:
        person = await session.get(TeamsPerson, (teams_app.team_id, teams_app.user_id(ann)))
    assert person is not None and person.installed
    assert person.conversation_id == chat
    assert person.home_activity_id == sent[0]["id"]


async def test_a_bad_signature_audience_or_service_url_is_refused(teams_app: TeamsApp) -> None:
    fake = teams_app.fake
    ann = fake.add_user()
    activity = fake.message(ann, "help")
    for auth in (
        {"key": "other"},
        {"audience": "00000000-0000-0000-0000-000000000000"},
        {"service_url": "https://evil.example/teams/"},
        {"issuer": "https://sts.windows.net/evil/"},
        {"expires_in": -3600},
    ):
        status, _ = await fake.post_activity(teams_app.url, activity, strict=False, **auth)
        assert status == 401, auth
    assert fake.calls_to("POST", r"/v3/conversations/.*/activities") == []
    async with teams_app.deps.db() as session:
        assert await session.get(TeamsPerson, (teams_app.team_id, teams_app.user_id(ann))) is None


async def test_no_authorization_header_is_401(teams_app: TeamsApp) -> None:
    import aiohttp

    activity = teams_app.fake.message(teams_app.fake.add_user(), "help")
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"{teams_app.url}/api/messages", json=activity) as resp,
    ):
        assert resp.status == 401


@pytest.mark.parametrize(
    "body",
    [b"", b"not json", b"[]", b'"text"', b'{"type": 5}', b'{"type": "message", "from": []}'],
)
async def test_bodies_that_are_not_activities_are_400(teams_app: TeamsApp, body: bytes) -> None:
    import aiohttp

    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"{teams_app.url}/api/messages",
            data=body,
            headers={"Authorization": "Bearer x", "Content-Type": "application/json"},
        ) as resp,
    ):
        assert resp.status == 400


async def test_a_429_is_waited_out_and_sent_once(teams_app: TeamsApp) -> None:
    fake = teams_app.fake
    ann = fake.add_user(locale="en-US")
    fake.fail_next("POST", r"/v3/conversations/[^/]+/activities$", status=429, retry_after=1)
    await teams_app.install(ann)

    assert len(fake.activities(fake.personal_conversation(ann))) == 1
    assert teams_app.surface.sender.retried == 1
    posts = fake.calls_to("POST", r"/v3/conversations/[^/]+/activities$")
    assert len(posts) == 2 and posts[0].status == 429


async def test_tokens_and_the_secret_never_reach_the_logs(
    teams_app: TeamsApp, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    caplog.set_level(logging.DEBUG)
    fake = teams_app.fake
    ann = fake.add_user()
    await teams_app.install(ann)
    await fake.post_activity(teams_app.url, fake.message(ann, "help"), strict=False, key="other")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert fake.tokens_issued, "the bot fetched no token"
    for secret in [fake.app_secret, *fake.tokens_issued]:
        assert secret not in logged
    assert "Bearer ey" not in logged


async def test_a_burst_to_one_chat_stays_inside_teams_limits(teams_app: TeamsApp) -> None:
    """Teams' real windows (7 in 1 s, 8 in 2 s per conversation), enforced by the fake: twelve
    messages at once into one chat all land, none is refused with a 429."""
    import asyncio
    import dataclasses

    from bot.teamsapp.invoke import text_activity
    from bot.teamsapp.sender import TeamsSender

    fake = teams_app.fake
    ann = fake.add_user()
    fake.install(ann)  # (no home card: this sender's pacer starts with an empty chat)
    chat = fake.personal_conversation(ann)
    real = dataclasses.replace(teams_app.surface.settings, rate_scale=1.0)
    sender = TeamsSender(teams_app.surface.sender._token, rate_scale=real.rate_scale)
    await asyncio.gather(
        *(
            sender.send(teams_app.team_id, chat, fake.service_url, text_activity(f"m{i}"))
            for i in range(12)
        )
    )
    posts = fake.calls_to("POST", rf"/v3/conversations/{chat}/activities$")
    assert [c.status for c in posts].count(429) == 0
    assert {a.get("text") for a in fake.activities(chat)} >= {f"m{i}" for i in range(12)}
    assert sender.retried == 0
