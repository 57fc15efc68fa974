"""The offline Teams refuses what Teams refuses and takes a valid exchange (no app needed:
plain HTTP calls, and the Teams SDK's own token validator for the inbound signatures)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest
from aiohttp import web
from microsoft_teams.api.activities import ActivityTypeAdapter
from microsoft_teams.api.auth.cloud_environment import PUBLIC, with_overrides
from microsoft_teams.apps.auth.token_validator import TokenValidator

from bot.teams.validation import ADAPTIVE_CARD
from tests.fakes.teams_platform import (
    BOT_SCOPE,
    FakeTeams,
    Team,
    User,
    expired,
    invoke_response_problems,
)

TENANT = "b28fdbfd-2b78-4f93-b0f8-8881793f0f8f"
OTHER_TENANT = "0c5c8a7e-1111-4222-8333-944455556666"


class ManualClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def card(*, verb: str = "coffee.join", text: str = "Hej!") -> dict[str, Any]:
    return {
        "type": "AdaptiveCard",
        "version": "1.5",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "body": [
            {"type": "TextBlock", "text": text, "wrap": True},
            {"type": "Input.Text", "id": "note", "label": "Note", "maxLength": 200},
        ],
        "actions": [
            {"type": "Action.Execute", "verb": verb, "title": "Join", "data": {"group": 7}},
            {"type": "Action.Execute", "verb": "coffee.skip", "title": "Skip"},
        ],
    }


def card_message(content: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "message",
        "summary": "Fika",
        "attachments": [{"contentType": ADAPTIVE_CARD, "content": content or card()}],
    }


class Bot:
    """The bot's side, by hand: client credentials, then the connector with its token."""

    def __init__(self, fake: FakeTeams) -> None:
        self.fake = fake
        self.http = httpx.Client(timeout=10)
        response = self.http.post(
            fake.token_url(),
            data={
                "grant_type": "client_credentials",
                "client_id": fake.app_id,
                "client_secret": fake.app_secret,
                "scope": BOT_SCOPE,
            },
        )
        assert response.status_code == 200, response.text
        self.token = response.json()["access_token"]

    def call(self, method: str, path: str, json: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.token}", **kwargs.pop("headers", {})}
        url = self.fake.service_url.rstrip("/") + path
        return self.http.request(method, url, json=json, headers=headers, **kwargs)

    def open_personal(self, user: User, member_id: str | None = None) -> httpx.Response:
        return self.call(
            "POST",
            "/v3/conversations",
            {
                "bot": {"id": self.fake.bot_id},
                "members": [{"id": member_id or user.id}],
                "tenantId": user.tenant_id,
                "isGroup": False,
            },
        )

    def send(self, conversation_id: str, activity: dict[str, Any]) -> httpx.Response:
        return self.call("POST", f"/v3/conversations/{conversation_id}/activities", activity)


@pytest.fixture
def bot(fake_teams: FakeTeams) -> Iterator[Bot]:
    client = Bot(fake_teams)
    yield client
    client.http.close()


def _personal(fake: FakeTeams, bot: Bot, name: str = "Ann Andersson") -> tuple[User, str]:
    user = fake.add_user(TENANT, name, locale="sv-SE")
    fake.install(user)
    response = bot.open_personal(user)
    assert response.status_code == 201, response.text
    return user, response.json()["id"]


# ------------------------------------------------------------------ OpenID and inbound tokens


def _validator(fake: FakeTeams) -> TokenValidator:
    cloud = with_overrides(PUBLIC, openid_metadata_url=fake.openid_url, login_endpoint=fake.base)
    return TokenValidator.for_service(fake.app_id, cloud=cloud)


def test_openid_metadata_and_keys_are_served(fake_teams: FakeTeams) -> None:
    metadata = httpx.get(fake_teams.openid_url).json()
    assert metadata["issuer"] == "https://api.botframework.com"
    assert metadata["jwks_uri"] == fake_teams.keys_url
    assert metadata["id_token_signing_alg_values_supported"] == ["RS256"]
    (key,) = httpx.get(fake_teams.keys_url).json()["keys"]
    assert key["kty"] == "RSA" and key["kid"] == fake_teams.kid
    assert key["endorsements"] == ["msteams"]


async def test_the_sdk_validator_takes_the_fakes_signature_and_refuses_bad_ones(
    fake_teams: FakeTeams,
) -> None:
    user = fake_teams.add_user(TENANT)
    activity = fake_teams.message(user, "hej")
    validator = _validator(fake_teams)

    def token(**kwargs: Any) -> str:
        return fake_teams.authorization(activity, **kwargs).removeprefix("Bearer ")

    service_url = activity["serviceUrl"]
    claims = await validator.validate_token(token(), service_url)
    assert claims["aud"] == fake_teams.app_id
    assert claims["serviceurl"] == fake_teams.service_url
    assert claims["iss"] == "https://api.botframework.com"
    bad = {
        "other key": token(key="other"),
        "audience": token(audience="another-app"),
        "issuer": token(issuer="https://evil.example"),
        "expired": token(**expired()),
        "service url": token(service_url="https://smba.evil.example/teams/"),
    }
    for why, raw in bad.items():
        with pytest.raises(jwt.InvalidTokenError):
            await validator.validate_token(raw, service_url)
            pytest.fail(f"accepted a token with a wrong {why}")
    with pytest.raises(jwt.PyJWKClientError):
        await validator.validate_token(token(kid="unknown-kid"), service_url)


# ------------------------------------------------------------------ token endpoint


def test_the_token_endpoint_wants_the_apps_credentials_and_the_bot_scope(
    fake_teams: FakeTeams,
) -> None:
    form = {
        "grant_type": "client_credentials",
        "client_id": fake_teams.app_id,
        "client_secret": fake_teams.app_secret,
        "scope": BOT_SCOPE,
    }
    ok = httpx.post(fake_teams.token_url(), data=form)
    assert ok.status_code == 200
    assert ok.json()["token_type"] == "Bearer" and ok.json()["expires_in"] == 3599
    assert httpx.post(fake_teams.token_url("botframework.com"), data=form).status_code == 200

    wrong_secret = httpx.post(fake_teams.token_url(), data={**form, "client_secret": "nope"})
    assert (wrong_secret.status_code, wrong_secret.json()["error"]) == (401, "invalid_client")
    wrong_scope = httpx.post(
        fake_teams.token_url(), data={**form, "scope": "https://graph.microsoft.com/.default"}
    )
    assert (wrong_scope.status_code, wrong_scope.json()["error"]) == (400, "invalid_scope")
    wrong_grant = httpx.post(fake_teams.token_url(), data={**form, "grant_type": "password"})
    assert wrong_grant.status_code == 400
    unknown_tenant = httpx.post(fake_teams.token_url(OTHER_TENANT), data=form)
    assert unknown_tenant.status_code == 400
    secrets = [c.json for c in fake_teams.calls if c.path.endswith("/token")]
    assert all(s["client_secret"] == "<redacted>" for s in secrets)


# ------------------------------------------------------------------ connector: refusals


def test_connector_calls_need_a_token_from_the_token_endpoint(
    fake_teams: FakeTeams, bot: Bot
) -> None:
    _user, conversation_id = _personal(fake_teams, bot)
    url = f"{fake_teams.service_url}v3/conversations/{conversation_id}/activities"
    message = {"type": "message", "text": "hej"}
    assert httpx.post(url, json=message).status_code == 401
    forged = fake_teams.authorization(message)  # an inbound-style token is not a bot token
    assert httpx.post(url, json=message, headers={"Authorization": forged}).status_code == 401
    assert bot.send(conversation_id, message).status_code == 201
    fake_teams.expire_tokens()
    refused = bot.send(conversation_id, message)
    assert refused.status_code == 401
    assert refused.json() == {"message": "Authorization has been denied for this request."}
    assert len(fake_teams.activities(conversation_id)) == 1
    assert all(c.headers.get("Authorization") in (None, "<redacted>") for c in fake_teams.calls)


def test_unknown_conversation_is_404_conversation_not_found(
    fake_teams: FakeTeams, bot: Bot
) -> None:
    response = bot.send("a:1nobody", {"type": "message", "text": "hej"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "ConversationNotFound"


def test_a_body_that_is_not_json_is_400(fake_teams: FakeTeams, bot: Bot) -> None:
    _, conversation_id = _personal(fake_teams, bot)
    response = bot.call(
        "POST",
        f"/v3/conversations/{conversation_id}/activities",
        content=b"type=message",
        headers={"Content-Type": "application/json"},
    )
    assert (response.status_code, response.json()["error"]["code"]) == (400, "BadSyntax")


def test_an_invalid_card_is_refused_with_its_problems(fake_teams: FakeTeams, bot: Bot) -> None:
    _, conversation_id = _personal(fake_teams, bot)
    broken = card()
    broken["actions"][0].pop("verb")
    broken["actions"].append({"type": "Action.OpenUrl", "title": "Open"})
    response = bot.send(conversation_id, card_message(broken))
    assert (response.status_code, response.json()["error"]["code"]) == (400, "BadArgument")
    (rejected,) = fake_teams.rejected
    assert rejected.conversation_id == conversation_id
    assert "attachments[0].content.actions[2]: 'url' is a required property" in rejected.problems
    assert any("without a verb" in p for p in rejected.problems)
    assert fake_teams.activities(conversation_id) == []


def test_a_message_over_28_kb_is_413_message_size_too_big(fake_teams: FakeTeams, bot: Bot) -> None:
    _, conversation_id = _personal(fake_teams, bot)
    response = bot.send(conversation_id, card_message(card(text="x" * 30_000)))
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "MessageSizeTooBig"
    assert fake_teams.rejected[0].code == "MessageSizeTooBig"


def test_a_1_1_needs_the_app_installed_or_a_shared_team(fake_teams: FakeTeams, bot: Bot) -> None:
    stranger = fake_teams.add_user(TENANT, "Stina Strand")
    refused = bot.open_personal(stranger)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "ForbiddenOperationException"

    colleague = fake_teams.add_user(TENANT, "Kim Kallio")
    fake_teams.add_team(TENANT, "Lånedisken", members=[colleague])
    # A member of a team with the app can be reached by "29:" id, not by aadObjectId.
    opened = bot.open_personal(colleague)
    assert opened.status_code == 201
    assert opened.json()["id"] == fake_teams.personal_conversation(colleague)
    by_aad = bot.open_personal(colleague, member_id=colleague.aad_object_id)
    assert by_aad.json()["error"]["code"] == "ForbiddenOperationException"

    fake_teams.install(stranger)
    assert bot.open_personal(stranger, member_id=stranger.aad_object_id).status_code == 201
    again = bot.open_personal(stranger)
    assert again.json()["id"] == fake_teams.personal_conversation(stranger)  # idempotent


def test_create_conversation_needs_a_tenant(fake_teams: FakeTeams, bot: Bot) -> None:
    user = fake_teams.add_user(TENANT)
    fake_teams.install(user)
    response = bot.call(
        "POST",
        "/v3/conversations",
        {"bot": {"id": fake_teams.bot_id}, "members": [{"id": user.id}]},
    )
    assert response.status_code == 400
    assert response.json()["error"] == {"code": "BadSyntax", "message": "Could not parse tenant id"}
    other = bot.call(
        "POST",
        "/v3/conversations",
        {"members": [{"id": user.id}], "tenantId": OTHER_TENANT, "isGroup": False},
    )
    assert other.status_code == 404


def test_blocked_uninstalled_and_unopened_chats_are_refused(
    fake_teams: FakeTeams, bot: Bot
) -> None:
    user, conversation_id = _personal(fake_teams, bot)
    message = {"type": "message", "text": "hej"}
    fake_teams.block(user)
    blocked = bot.send(conversation_id, message)
    assert (blocked.status_code, blocked.json()["error"]["code"]) == (
        403,
        "ConversationBlockedByUser",
    )
    fake_teams.install(user)  # unblocks
    fake_teams.uninstall(user)
    gone = bot.send(conversation_id, message)
    assert (gone.status_code, gone.json()["error"]["code"]) == (403, "BotNotInConversationRoster")

    never = fake_teams.add_user(TENANT, "Ny Person")
    unopened = bot.send(fake_teams.personal_conversation(never), message)
    assert unopened.status_code == 404  # no chat until it is created (or the user writes)


# ------------------------------------------------------------------ rate limits


def test_sending_over_7_per_second_to_one_chat_is_429_with_retry_after() -> None:
    clock = ManualClock()
    with FakeTeams(clock=clock) as fake:
        bot = Bot(fake)
        _, conversation_id = _personal(fake, bot)
        message = {"type": "message", "text": "hej"}
        assert [bot.send(conversation_id, message).status_code for _ in range(7)] == [201] * 7
        throttled = bot.send(conversation_id, message)
        assert throttled.status_code == 429
        assert throttled.json()["error"]["code"] == "Throttled"
        assert throttled.headers["Retry-After"] == "1"
        clock.now += 1.0  # 1 s later: the 1 s window allows again, but only 8 in 2 s
        assert bot.send(conversation_id, message).status_code == 201
        second = bot.send(conversation_id, message)
        assert (second.status_code, second.headers["Retry-After"]) == (429, "1")
        clock.now += 1.0
        assert bot.send(conversation_id, message).status_code == 201
        assert len(fake.activities(conversation_id)) == 9  # refused calls were not stored
        # Another chat has its own thread limit.
        _, other = _personal(fake, bot, "Bo Berg")
        assert bot.send(other, message).status_code == 201


def test_60_per_30_seconds_per_chat() -> None:
    clock = ManualClock()
    with FakeTeams(clock=clock) as fake:
        bot = Bot(fake)
        _, conversation_id = _personal(fake, bot)
        message = {"type": "message", "text": "hej"}
        for _ in range(60):
            assert bot.send(conversation_id, message).status_code == 201
            clock.now += 0.3  # 3.3 per second: under 7/1 s and 8/2 s
        throttled = bot.send(conversation_id, message)
        assert throttled.status_code == 429
        assert int(throttled.headers["Retry-After"]) >= 1


def test_the_tenant_wide_limit_is_50_requests_per_second() -> None:
    clock = ManualClock()
    with FakeTeams(clock=clock) as fake:
        bot = Bot(fake)
        chats = [_personal(fake, bot, f"Person {n}")[1] for n in range(9)]
        clock.now += 10
        message = {"type": "message", "text": "hej"}
        statuses = [bot.send(chats[n % 9], message).status_code for n in range(51)]
        assert statuses[:50] == [201] * 50
        assert statuses[50] == 429


def test_rate_limits_can_be_switched_off() -> None:
    with FakeTeams(clock=ManualClock(), rate_limits=False) as fake:
        bot = Bot(fake)
        _, conversation_id = _personal(fake, bot)
        statuses = {
            bot.send(conversation_id, {"type": "message", "text": "x"}).status_code
            for _ in range(20)
        }
        assert statuses == {201}


# ------------------------------------------------------------------ planted faults


def test_planted_faults(fake_teams: FakeTeams, bot: Bot) -> None:
    _, conversation_id = _personal(fake_teams, bot)
    message = {"type": "message", "text": "hej"}
    fake_teams.fail_next("POST", r"/activities$", status=429, retry_after=3)
    throttled = bot.send(conversation_id, message)
    assert (throttled.status_code, throttled.headers["Retry-After"]) == (429, "3")
    fake_teams.fail_next("POST", r"/activities$", status=503, times=2)
    assert [bot.send(conversation_id, message).status_code for _ in range(3)] == [503, 503, 201]
    fake_teams.fail_next("POST", r"/activities$", reset=True)
    with pytest.raises(httpx.TransportError):
        bot.send(conversation_id, message)
    assert len(fake_teams.activities(conversation_id)) == 1
    fake_teams.fail_next("POST", r"/activities$", status=500, after=True)
    assert bot.send(conversation_id, message).status_code == 500
    assert len(fake_teams.activities(conversation_id)) == 2  # it landed anyway
    assert [c.injected for c in fake_teams.calls_to("POST", r"/activities$")] == [
        True,
        True,
        True,
        False,
        True,
        True,
    ]


# ------------------------------------------------------------------ a valid exchange


def test_send_reply_update_and_the_records(fake_teams: FakeTeams, bot: Bot) -> None:
    _user, conversation_id = _personal(fake_teams, bot)
    sent = bot.send(conversation_id, card_message())
    assert sent.status_code == 201
    activity_id = sent.json()["id"]
    assert fake_teams.cards(conversation_id) == [card()]

    reply = bot.call(
        "POST",
        f"/v3/conversations/{conversation_id}/activities/{activity_id}",
        {"type": "message", "text": "Tack!"},
    )
    assert reply.status_code == 201
    updated = card(text="Du är med!")
    put = bot.call(
        "PUT",
        f"/v3/conversations/{conversation_id}/activities/{activity_id}",
        card_message(updated),
    )
    assert (put.status_code, put.json()) == (200, {"id": activity_id})
    stored = fake_teams.activities(conversation_id)
    assert [a["id"] for a in stored] == [activity_id, reply.json()["id"]]
    assert stored[0]["attachments"][0]["content"] == updated
    assert stored[1]["replyToId"] == activity_id
    (update,) = fake_teams.updates
    assert update.before["attachments"][0]["content"] == card()
    assert fake_teams.cards(conversation_id) == [updated]

    missing = bot.call(
        "PUT", f"/v3/conversations/{conversation_id}/activities/1234", card_message()
    )
    assert (missing.status_code, missing.json()["error"]["code"]) == (
        404,
        "ActivityNotFoundInConversation",
    )
    invalid = card()
    invalid["version"] = "1.6"
    refused = bot.call(
        "PUT",
        f"/v3/conversations/{conversation_id}/activities/{activity_id}",
        card_message(invalid),
    )
    assert refused.status_code == 400
    assert fake_teams.cards(conversation_id) == [updated]


def _team(fake: FakeTeams, size: int = 3) -> tuple[Team, list[User]]:
    people = [fake.add_user(TENANT, f"Person {n}", locale="fi-FI") for n in range(size)]
    return fake.add_team(TENANT, "Stadsbiblioteket", ["General", "Fika"], people), people


def test_members_paged_members_and_one_member(fake_teams: FakeTeams, bot: Bot) -> None:
    team, people = _team(fake_teams, 5)
    fika = team.channel("Fika")
    everyone = bot.call("GET", f"/v3/conversations/{fika.id}/members").json()
    assert [m["id"] for m in everyone] == [p.id for p in people]
    first = everyone[0]
    assert first["aadObjectId"] == people[0].aad_object_id
    assert first["userPrincipalName"] == people[0].upn == first["email"]
    assert first["tenantId"] == TENANT and first["id"].startswith("29:")

    page = bot.call(
        "GET", f"/v3/conversations/{team.id}/pagedmembers", params={"pageSize": 2}
    ).json()
    seen = [m["id"] for m in page["members"]]
    while "continuationToken" in page:
        page = bot.call(
            "GET",
            f"/v3/conversations/{team.id}/pagedmembers",
            params={"pageSize": 2, "continuationToken": page["continuationToken"]},
        ).json()
        seen += [m["id"] for m in page["members"]]
    assert seen == [p.id for p in people]

    one = bot.call("GET", f"/v3/conversations/{fika.id}/members/{people[2].aad_object_id}")
    assert one.json()["id"] == people[2].id
    nobody = bot.call("GET", f"/v3/conversations/{fika.id}/members/29:1nobody")
    assert nobody.status_code == 404

    user, chat = _personal(fake_teams, bot, "Solo")
    assert [m["id"] for m in bot.call("GET", f"/v3/conversations/{chat}/members").json()] == [
        user.id
    ]


def test_a_teams_channels_and_a_team_without_the_app(fake_teams: FakeTeams, bot: Bot) -> None:
    team, _ = _team(fake_teams)
    channels = bot.call("GET", f"/v3/teams/{team.id}/conversations").json()["conversations"]
    assert channels == [
        {"id": team.id, "name": None},
        {"id": team.channel("Fika").id, "name": "Fika"},
    ]
    details = bot.call("GET", f"/v3/teams/{team.id}").json()
    assert details["aadGroupId"] == team.aad_group_id and details["name"] == "Stadsbiblioteket"

    fake_teams.install_team(team, installed=False)
    refused = bot.call("GET", f"/v3/teams/{team.id}/conversations")
    assert (refused.status_code, refused.json()["error"]["code"]) == (
        403,
        "BotNotInConversationRoster",
    )
    post = bot.send(team.channel("Fika").id, {"type": "message", "text": "hej"})
    assert post.status_code == 403


def test_posting_in_a_channel_starts_threads_and_replies_go_to_them(
    fake_teams: FakeTeams, bot: Bot
) -> None:
    team, _ = _team(fake_teams)
    fika = team.channel("Fika")
    created = bot.call(
        "POST",
        "/v3/conversations",
        {
            "isGroup": True,
            "channelData": {"channel": {"id": fika.id}, "tenant": {"id": TENANT}},
            "activity": card_message(),
        },
    )
    assert created.status_code == 201
    thread, root = created.json()["id"], created.json()["activityId"]
    assert thread == f"{fika.id};messageid={root}"
    reply = bot.call(
        "POST", f"/v3/conversations/{thread}/activities", {"type": "message", "text": "svar"}
    )
    assert reply.status_code == 201
    assert [a["conversation"]["id"] for a in fake_teams.activities(fika.id)] == [thread, thread]
    assert len(fake_teams.activities(thread)) == 2


# ------------------------------------------------------------------ inbound activities


def test_inbound_activities_are_what_the_sdk_reads(fake_teams: FakeTeams) -> None:
    user = fake_teams.add_user(TENANT, "Aino Aalto", locale="fi-FI")
    team = fake_teams.add_team(TENANT, "Kirjasto", ["General", "Kahvi"], [user])
    channel = team.channel("Kahvi")
    built = [
        fake_teams.message(user, "hej"),
        fake_teams.message(user, "tips setup", channel),
        fake_teams.install_activity(user),
        fake_teams.install_activity(user, team),
        fake_teams.bot_added_activity(user, team),
        fake_teams.bot_added_activity(user),
        fake_teams.invoke_execute(user, "home.open", {"a": 1}, reply_to_id="1767000000001"),
        fake_teams.invoke_task_fetch(user, {"dialog": "tips.new"}),
        fake_teams.invoke_task_submit(user, {"dialog": "tips.new", "tip": "Läs!"}),
        fake_teams.invoke_message_extension_fetch(user, "saveTip", "En bra bok", channel),
        fake_teams.invoke_message_extension_submit(
            user, "saveTip", {"tip": "x"}, "En bok", channel
        ),
        fake_teams.uninstall_activity(user),
    ]
    types = []
    for activity in built:
        parsed = ActivityTypeAdapter.validate_python(activity)
        types.append(type(parsed).__name__)
        assert activity["channelId"] == "msteams"
        assert activity["serviceUrl"] == fake_teams.service_url
        assert activity["channelData"]["tenant"]["id"] == TENANT
        assert activity["recipient"]["id"] == fake_teams.bot_id
        assert activity["from"]["aadObjectId"] == user.aad_object_id
        assert activity["locale"] == "fi-FI"
    assert len(set(types)) >= 8, types

    personal, in_channel = built[0], built[1]
    assert personal["conversation"]["conversationType"] == "personal"
    assert personal["conversation"]["id"] == fake_teams.personal_conversation(user)
    assert in_channel["conversation"]["conversationType"] == "channel"
    assert in_channel["conversation"]["id"] == f"{channel.id};messageid={in_channel['id']}"
    assert in_channel["text"] == "<at>Fika</at> tips setup"
    assert in_channel["channelData"]["team"]["aadGroupId"] == team.aad_group_id
    by_name = {a.get("name"): a for a in built if a["type"] == "invoke"}
    execute = by_name["adaptiveCard/action"]["value"]
    assert execute == {
        "action": {"type": "Action.Execute", "verb": "home.open", "data": {"a": 1}},
        "trigger": "manual",
    }
    extension = by_name["composeExtension/fetchTask"]["value"]
    assert extension["commandContext"] == "message"
    assert extension["messagePayload"]["body"]["content"] == "<p>En bra bok</p>"
    assert built[-1]["action"] == "remove" and user.id not in fake_teams.installed
    with pytest.raises(RuntimeError, match="removed the app"):
        fake_teams.message(user, "hallå?")


def test_writing_in_the_1_1_chat_means_the_app_is_installed(
    fake_teams: FakeTeams, bot: Bot
) -> None:
    user = fake_teams.add_user(TENANT, "Ville Virtanen", locale="fi-FI")
    assert bot.open_personal(user).status_code == 403
    fake_teams.message(user, "moi")
    assert user.id in fake_teams.installed
    assert bot.open_personal(user).status_code == 201


def test_press_takes_the_button_from_the_card_the_bot_sent(fake_teams: FakeTeams, bot: Bot) -> None:
    user, conversation_id = _personal(fake_teams, bot)
    activity_id = bot.send(conversation_id, card_message()).json()["id"]
    invoke = fake_teams.press(user, conversation_id, activity_id, "coffee.join", {"note": "gärna"})
    assert invoke["name"] == "adaptiveCard/action"
    assert invoke["replyToId"] == activity_id
    assert invoke["value"]["action"]["data"] == {"group": 7, "note": "gärna"}
    with pytest.raises(KeyError, match=r"verb 'coffee\.leave'"):
        fake_teams.press(user, conversation_id, activity_id, "coffee.leave")
    with pytest.raises(KeyError, match="no inputs"):
        fake_teams.press(user, conversation_id, activity_id, "coffee.join", {"size": "3"})
    with pytest.raises(KeyError, match="refresh"):
        fake_teams.refresh(user, conversation_id, activity_id)


def test_invoke_answers_teams_would_not_take(fake_teams: FakeTeams) -> None:
    user = fake_teams.add_user(TENANT)
    execute = fake_teams.invoke_execute(user, "home.open", {})
    good = {"statusCode": 200, "type": ADAPTIVE_CARD, "value": card()}
    assert invoke_response_problems(execute, 200, good) == []
    broken = {**good, "value": {**card(), "version": "2.0"}}
    assert invoke_response_problems(execute, 200, broken) == [
        "value.version: 2.0 is newer than Teams renders (at most 1.5)."
    ]
    assert invoke_response_problems(execute, 500, None)
    fetch = fake_teams.invoke_task_fetch(user, {"dialog": "x"})
    dialog = {
        "task": {
            "type": "continue",
            "value": {"title": "T", "card": {"contentType": ADAPTIVE_CARD, "content": card()}},
        }
    }
    assert invoke_response_problems(fetch, 200, dialog) == []
    assert invoke_response_problems(fetch, 200, {"task": {"type": "continue", "value": {}}})
    submit = fake_teams.invoke_task_submit(user, {"dialog": "x"})
    assert invoke_response_problems(submit, 200, None) == []


async def test_post_activity_reaches_an_app_that_checks_the_signature(
    fake_teams: FakeTeams,
) -> None:
    """An app in the TEST's event loop validating with the SDK (its key fetch is a blocking
    urllib call: it works because the fake lives in its own thread)."""
    validator = _validator(fake_teams)
    received: list[dict[str, Any]] = []

    async def messages(request: web.Request) -> web.Response:
        body = await request.json()
        try:
            await validator.validate_token(
                request.headers.get("Authorization", "").removeprefix("Bearer "), body["serviceUrl"]
            )
        except jwt.PyJWTError:
            return web.json_response({"error": "Unauthorized"}, status=401)
        received.append(body)
        if body["type"] == "invoke":
            return web.json_response({"statusCode": 200, "type": ADAPTIVE_CARD, "value": card()})
        return web.Response(status=200)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    base = f"http://127.0.0.1:{runner.addresses[0][1]}"
    try:
        user = fake_teams.add_user(TENANT)
        message = fake_teams.message(user, "hej")
        assert await fake_teams.post_activity(base, message) == (200, None)
        invoke = fake_teams.invoke_execute(user, "home.open", {})
        status, body = await fake_teams.post_activity(base, invoke)
        assert (status, body["type"]) == (200, ADAPTIVE_CARD)
        assert await fake_teams.post_activity(base, message, key="other", strict=False) == (
            401,
            {"error": "Unauthorized"},
        )
        assert len(received) == 2
        status, _ = await asyncio.to_thread(fake_teams.post_activity_sync, base, message)
        assert status == 200
    finally:
        await runner.cleanup()
