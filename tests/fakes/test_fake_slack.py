"""The test doubles themselves: FakeSlack must reject what real Slack rejects, and
SlackSender's requests must pass Bolt's signature check and parse like real payloads."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs

import aiohttp
import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from tests.fakes import FakeSlack, SlackSender, sign
from tests.fakes.slack_requests import (
    app_home_opened_event,
    block_actions_payload,
    interactive_body,
    signed_headers,
    slash_command_form,
)

TOKEN = "xoxb-test-token"
SECRET = "fika-signing-secret"


def section(text: str, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "section", "text": {"type": "mrkdwn", "text": text}}
    if block_id:
        block["block_id"] = block_id
    return block


def modal(
    title: str = "Fika", blocks: list[dict[str, Any]] | None = None, **extra: Any
) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": title},
        "blocks": blocks if blocks is not None else [section("hej")],
        **extra,
    }


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    async with FakeSlack(bot_token=TOKEN) as server:
        server.add_user("U1", name="anna", real_name="Anna Andersson", locale="sv-SE")
        server.add_user("U2", name="bertil")
        server.add_channel("C1", "fika", members=["U1", "U2"], bot_is_member=True)
        yield server


@pytest.fixture
async def client(fake: FakeSlack) -> AsyncIterator[AsyncWebClient]:
    web_client = AsyncWebClient(token=TOKEN, base_url=fake.api_url)
    yield web_client
    if web_client.session is not None:
        await web_client.session.close()


async def slack_error(coro: Any) -> dict[str, Any]:
    with pytest.raises(SlackApiError) as info:
        await coro
    data = info.value.response.data
    assert isinstance(data, dict)
    return data


# ---------------------------------------------------------------------- auth & arguments


async def test_auth_test_and_urls(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert fake.api_url == f"{fake.base_url}/api/"
    res = await client.auth_test()
    assert res["user_id"] == "UFIKABOT"
    assert res["team_id"] == "T0FIKA"
    assert res["bot_id"] == "BFIKA"
    assert fake.calls[-1].method == "auth.test"
    assert fake.calls[-1].token == TOKEN
    assert (await client.team_info())["team"]["domain"] == "fika-test"


async def test_wrong_or_missing_token(fake: FakeSlack) -> None:
    wrong = AsyncWebClient(token="xoxb-wrong", base_url=fake.api_url)
    assert (await slack_error(wrong.auth_test()))["error"] == "invalid_auth"
    anonymous = AsyncWebClient(base_url=fake.api_url)
    assert (await slack_error(anonymous.auth_test()))["error"] == "not_authed"
    assert [c.failed_with for c in fake.calls] == ["invalid_auth", "not_authed"]


async def test_token_in_form_body_is_accepted(fake: FakeSlack) -> None:
    async with aiohttp.ClientSession() as http:
        res = await http.post(f"{fake.api_url}auth.test", data={"token": TOKEN})
        assert (await res.json())["ok"] is True
        res = await http.post(f"{fake.api_url}chat.postMesage", data={"token": TOKEN})
        assert (await res.json()) == {"ok": False, "error": "unknown_method"}


async def test_missing_required_arguments(fake: FakeSlack, client: AsyncWebClient) -> None:
    data = await slack_error(client.api_call("conversations.members", params={}))
    assert data["error"] == "invalid_arguments"
    assert data["response_metadata"]["messages"] == ["[ERROR] missing required field: channel"]
    data = await slack_error(client.api_call("views.open", json={"trigger_id": "1.2.3"}))
    assert data["response_metadata"]["messages"] == ["[ERROR] missing required field: view"]
    data = await slack_error(client.api_call("files.getUploadURLExternal", params={"length": 3}))
    assert data["response_metadata"]["messages"] == ["[ERROR] missing required field: filename"]


async def test_post_message_argument_errors(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert (await slack_error(client.api_call("chat.postMessage", json={"text": "x"})))[
        "error"
    ] == "channel_not_found"
    data = await slack_error(client.api_call("chat.postMessage", json={"channel": "C1"}))
    assert data["error"] == "no_text"
    data = await slack_error(client.chat_postMessage(channel="C1", text="x" * 40_001))
    assert data["error"] == "msg_too_long"
    data = await slack_error(client.chat_postMessage(channel="C404", text="x"))
    assert data["error"] == "channel_not_found"
    fake.add_channel("C2", "random", members=["U1"])
    data = await slack_error(client.chat_postMessage(channel="C2", text="x"))
    assert data["error"] == "not_in_channel"


async def test_json_string_fields_in_form_bodies_are_parsed(fake: FakeSlack) -> None:
    blocks = [section("hello")]
    async with aiohttp.ClientSession() as http:
        res = await http.post(
            f"{fake.api_url}chat.postMessage",
            data={"channel": "C1", "blocks": json.dumps(blocks)},
            headers={"Authorization": f"Bearer {TOKEN}"},
        )
        assert (await res.json())["ok"] is True
    assert fake.calls[-1].args["blocks"] == blocks
    assert fake.messages("C1")[-1]["blocks"] == blocks


# ---------------------------------------------------------------------- Block Kit


async def test_message_block_limits(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.chat_postMessage(channel="C1", text="ok", blocks=[section("x")] * 50)
    data = await slack_error(
        client.chat_postMessage(channel="C1", text="x", blocks=[section("x")] * 51)
    )
    assert data["error"] == "invalid_blocks"
    assert any("[json-pointer:/blocks]" in e for e in data["errors"])


@pytest.mark.parametrize(
    ("block", "pointer"),
    [
        (section("x" * 3001), "/blocks/0/text/text"),
        ({"type": "header", "text": {"type": "mrkdwn", "text": "x"}}, "/blocks/0/text/type"),
        (
            {"type": "header", "text": {"type": "plain_text", "text": "x" * 151}},
            "/blocks/0/text/text",
        ),
        ({"type": "banner"}, "/blocks/0/type"),
        ({"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * 11}, "/blocks/0/fields"),
        (
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": "a",
                        "text": {"type": "plain_text", "text": "x" * 76},
                    }
                ],
            },
            "/blocks/0/elements/0/text/text",
        ),
        (
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "static_select",
                        "action_id": "s",
                        "options": [
                            {"text": {"type": "plain_text", "text": str(i)}, "value": str(i)}
                            for i in range(101)
                        ],
                    }
                ],
            },
            "/blocks/0/elements/0/options",
        ),
        (
            {
                "type": "input",
                "label": {"type": "plain_text", "text": "L"},
                "element": {"type": "plain_text_input", "action_id": "i"},
            },
            "/blocks/0/type",
        ),
        (
            {"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * 11},
            "/blocks/0/elements",
        ),
    ],
)
async def test_invalid_message_blocks(
    fake: FakeSlack, client: AsyncWebClient, block: dict[str, Any], pointer: str
) -> None:
    data = await slack_error(client.chat_postMessage(channel="C1", text="t", blocks=[block]))
    assert data["error"] == "invalid_blocks"
    assert any(f"[json-pointer:{pointer}]" in e for e in data["errors"]), data["errors"]
    assert fake.messages("C1") == []


async def test_duplicate_block_ids(fake: FakeSlack, client: AsyncWebClient) -> None:
    blocks = [section("a", "same"), section("b", "same")]
    data = await slack_error(client.chat_postMessage(channel="C1", text="t", blocks=blocks))
    assert "[json-pointer:/blocks/1/block_id]" in data["errors"][0]


async def test_view_limits(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.views_open(trigger_id="1.2.3", view=modal(blocks=[section("x")] * 100))
    data = await slack_error(
        client.views_open(trigger_id="1.2.3", view=modal(blocks=[section("x")] * 101))
    )
    assert data["error"] == "invalid_arguments"
    assert any("/view/blocks]" in m for m in data["response_metadata"]["messages"])

    data = await slack_error(client.views_open(trigger_id="1.2.3", view=modal(title="x" * 25)))
    assert data["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    input_block: dict[str, Any] = {
        "type": "input",
        "block_id": "b",
        "label": {"type": "plain_text", "text": "Name"},
        "element": {"type": "plain_text_input", "action_id": "a", "max_length": 10},
    }
    data = await slack_error(
        client.views_open(trigger_id="1.2.3", view=modal(blocks=[input_block]))
    )
    assert "[json-pointer:/view/submit]" in data["response_metadata"]["messages"][0]
    too_long = {**input_block, "element": {**input_block["element"], "initial_value": "x" * 11}}
    submit = {"type": "plain_text", "text": "Save"}
    data = await slack_error(
        client.views_open(trigger_id="1.2.3", view=modal(blocks=[too_long], submit=submit))
    )
    assert "/view/blocks/0/element/initial_value]" in data["response_metadata"]["messages"][0]
    data = await slack_error(
        client.views_open(trigger_id="1.2.3", view=modal(private_metadata="x" * 3001))
    )
    assert "/view/private_metadata]" in data["response_metadata"]["messages"][0]
    assert len(fake.views) == 1


# ---------------------------------------------------------------------- users & conversations


async def test_users_info_locale_and_unknown(fake: FakeSlack, client: AsyncWebClient) -> None:
    user = (await client.users_info(user="U1"))["user"]
    assert user["real_name"] == "Anna Andersson"
    assert user["tz"] == "Europe/Helsinki"
    assert user["tz_offset"] == 7200
    assert user["profile"]["display_name"] == "anna"
    assert "locale" not in user
    user = (await client.users_info(user="U1", include_locale=True))["user"]
    assert user["locale"] == "sv-SE"
    assert (await slack_error(client.users_info(user="U404")))["error"] == "user_not_found"


async def test_users_list_pagination(fake: FakeSlack, client: AsyncWebClient) -> None:
    for i in range(5):
        fake.add_user(f"UX{i}")
    # slack_sdk reuses one response object while paging: copy each page's data.
    pages = [dict(page.data) async for page in await client.users_list(limit=3)]
    ids = [m["id"] for page in pages for m in page["members"]]
    assert ids == ["UFIKABOT", "USLACKBOT", "U1", "U2", "UX0", "UX1", "UX2", "UX3", "UX4"]
    assert len(pages) == 3
    assert pages[-1]["response_metadata"]["next_cursor"] == ""
    assert (await slack_error(client.users_list(cursor="bogus")))["error"] == "invalid_cursor"


async def test_conversations_members_pagination(fake: FakeSlack, client: AsyncWebClient) -> None:
    members = [f"UM{i:03d}" for i in range(250)]
    fake.add_channel("C9", "big", members=members)
    pages = [dict(p.data) async for p in await client.conversations_members(channel="C9")]
    assert [len(p["members"]) for p in pages] == [100, 100, 50]
    assert [m for p in pages for m in p["members"]] == members


async def test_private_channel_visibility_and_join(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.add_channel("G1", "secret", is_private=True, members=["U1"])
    fake.add_channel("C3", "open", members=["U1"])
    fake.add_channel("C4", "old", is_archived=True)
    data = await slack_error(client.conversations_members(channel="G1"))
    assert data["error"] == "channel_not_found"
    data = await slack_error(client.conversations_join(channel="G1"))
    assert data["error"] in ("channel_not_found", "method_not_supported_for_channel_type")
    assert (await slack_error(client.conversations_join(channel="C4")))["error"] == "is_archived"
    info = (await client.conversations_info(channel="C3"))["channel"]
    assert info["is_member"] is False
    joined = await client.conversations_join(channel="C3")
    assert joined["channel"]["is_member"] is True
    assert "UFIKABOT" in fake.channel("C3").members
    await client.chat_postMessage(channel="C3", text="hej")
    fake.add_channel("G2", "club", is_private=True, members=["U1"], bot_is_member=True)
    data = await slack_error(client.conversations_join(channel="G2"))
    assert data["error"] == "method_not_supported_for_channel_type"


async def test_conversations_open(fake: FakeSlack, client: AsyncWebClient) -> None:
    first = await client.conversations_open(users="U1")
    dm = first["channel"]["id"]
    assert dm.startswith("D")
    assert "already_open" not in first.data
    again = await client.conversations_open(users=["U1"])
    assert again["channel"]["id"] == dm
    assert again["already_open"] is True
    group = await client.conversations_open(users="U1,U2")
    assert group["channel"]["id"].startswith("G")
    assert (await client.conversations_open(users="U2,U1"))["channel"] == group["channel"]
    for i in range(9):
        fake.add_user(f"UG{i}")
    data = await slack_error(client.conversations_open(users=",".join(f"UG{i}" for i in range(9))))
    assert data["error"] == "too_many_users"
    assert (await slack_error(client.conversations_open(users="U404")))["error"] == "user_not_found"
    reopened = await client.conversations_open(channel=dm)
    assert reopened["channel"]["id"] == dm


# ---------------------------------------------------------------------- chat


async def test_post_to_user_id_lands_in_dm(fake: FakeSlack, client: AsyncWebClient) -> None:
    res = await client.chat_postMessage(channel="U1", text="hej Anna")
    dm = (await client.conversations_open(users="U1"))["channel"]["id"]
    assert res["channel"] == dm
    assert [m["text"] for m in fake.dm_messages("U1")] == ["hej Anna"]
    assert fake.dm_messages("U2") == []


async def test_update_delete_permalink_history(fake: FakeSlack, client: AsyncWebClient) -> None:
    first = await client.chat_postMessage(channel="C1", text="one")
    second = await client.chat_postMessage(channel="C1", text="two", blocks=[section("two")])
    assert float(second["ts"]) > float(first["ts"])
    assert first["message"]["user"] == "UFIKABOT"
    await client.chat_update(channel="C1", ts=first["ts"], text="uno")
    assert [m["text"] for m in fake.messages("C1")] == ["uno", "two"]
    data = await slack_error(client.chat_update(channel="C1", ts="1.2", text="x"))
    assert data["error"] == "message_not_found"
    link = await client.chat_getPermalink(channel="C1", message_ts=first["ts"])
    assert link["permalink"] == (
        f"https://fika-test.slack.com/archives/C1/p{first['ts'].replace('.', '')}"
    )
    history = await client.conversations_history(channel="C1")
    assert [m["text"] for m in history["messages"]] == ["two", "uno"]
    await client.chat_delete(channel="C1", ts=first["ts"])
    assert [m["text"] for m in fake.messages("C1")] == ["two"]
    human = fake.add_message("C1", "from a human", user="U1")
    data = await slack_error(client.chat_update(channel="C1", ts=human["ts"], text="x"))
    assert data["error"] == "cant_update_message"


async def test_post_ephemeral(fake: FakeSlack, client: AsyncWebClient) -> None:
    res = await client.chat_postEphemeral(channel="C1", user="U1", text="psst")
    assert res["message_ts"]
    assert fake.ephemerals[-1]["user"] == "U1"
    assert fake.ephemerals[-1]["text"] == "psst"
    fake.add_user("U9")
    data = await slack_error(client.chat_postEphemeral(channel="C1", user="U9", text="x"))
    assert data["error"] == "user_not_in_channel"


# ---------------------------------------------------------------------- views


async def test_views_lifecycle(fake: FakeSlack, client: AsyncWebClient) -> None:
    opened = (await client.views_open(trigger_id="t1", view=modal(callback_id="cb")))["view"]
    assert opened["id"].startswith("V")
    assert fake.views[-1]["callback_id"] == "cb"
    data = await slack_error(
        client.views_update(view_id=opened["id"], hash="stale", view=modal("Two"))
    )
    assert data["error"] == "hash_conflict"
    updated = await client.views_update(
        view_id=opened["id"], hash=opened["hash"], view=modal("Two")
    )
    assert updated["view"]["hash"] != opened["hash"]
    assert fake.get_view(opened["id"])["title"]["text"] == "Two"
    assert (await slack_error(client.views_update(view_id="V404", view=modal())))[
        "error"
    ] == "not_found"
    fake.expire_trigger("t2")
    data = await slack_error(client.views_open(trigger_id="t2", view=modal()))
    assert data["error"] == "expired_trigger_id"
    home = {"type": "home", "blocks": [section("home")]}
    first = (await client.views_publish(user_id="U1", view=home))["view"]
    second = (await client.views_publish(user_id="U1", view=home))["view"]
    assert first["id"] == second["id"]
    assert fake.home_views["U1"]["blocks"] == home["blocks"]


# ---------------------------------------------------------------------- failures & retries


async def test_rate_limit_is_retried_by_slack_sdk(fake: FakeSlack) -> None:
    retrying = AsyncWebClient(
        token=TOKEN,
        base_url=fake.api_url,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)],
    )
    fake.fail_next("chat.postMessage", retry_after=0)
    res = await retrying.chat_postMessage(channel="C1", text="eventually")
    assert res["ok"] is True
    calls = fake.calls_to("chat.postMessage")
    assert [(c.http_status, c.failed_with) for c in calls] == [(429, "ratelimited"), (200, None)]
    assert calls[0].injected is True
    assert len(fake.messages("C1")) == 1


async def test_rate_limit_without_retry_handler(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("users.info", times=2, retry_after=7)
    for _ in range(2):
        with pytest.raises(SlackApiError) as info:
            await client.users_info(user="U1")
        assert info.value.response.status_code == 429
        assert info.value.response.headers["Retry-After"] == "7"
    assert (await client.users_info(user="U1"))["ok"] is True


async def test_server_error_and_custom_error(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("chat.postMessage", status=500)
    fake.fail_next("chat.postMessage", error="channel_not_found")
    with pytest.raises(SlackApiError) as info:
        await client.chat_postMessage(channel="C1", text="x")
    assert info.value.response.status_code == 500
    assert info.value.response["error"] == "internal_error"
    data = await slack_error(client.chat_postMessage(channel="C1", text="x"))
    assert data["error"] == "channel_not_found"
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"] is True


# ---------------------------------------------------------------------- files & response_url


async def test_files_upload_v2(fake: FakeSlack, client: AsyncWebClient) -> None:
    res = await client.files_upload_v2(
        channel="C1",
        content="name,library\nAnna,Kallio\n",
        filename="fika.csv",
        title="Fika pairs",
        initial_comment="This week's pairs",
    )
    assert res["file"]["id"].startswith("F")
    [uploaded] = fake.uploaded_files
    assert uploaded.filename == "fika.csv"
    assert uploaded.title == "Fika pairs"
    assert uploaded.content == b"name,library\nAnna,Kallio\n"
    assert uploaded.channel_id == "C1"
    assert uploaded.initial_comment == "This week's pairs"
    assert [c.method for c in fake.calls] == [
        "files.getUploadURLExternal",
        "files.completeUploadExternal",
    ]
    assert fake.calls[0].args["length"] == str(len(uploaded.content))
    assert fake.messages("C1")[-1]["files"][0]["id"] == uploaded.id


async def test_files_upload_v2_to_dm_and_not_in_channel(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    dm = fake.open_dm("U1")
    await client.files_upload_v2(channel=dm, content=b"\x00\x01", filename="a.bin")
    assert fake.uploaded_files[-1].content == b"\x00\x01"
    fake.add_channel("C5", "elsewhere")
    data = await slack_error(client.files_upload_v2(channel="C5", content="x", filename="x.txt"))
    assert data["error"] == "not_in_channel"


async def test_response_url(fake: FakeSlack, client: AsyncWebClient) -> None:
    posted = await client.chat_postMessage(channel="C1", text="original")
    url = fake.new_response_url(channel_id="C1", message_ts=posted["ts"], user_id="U1")
    async with aiohttp.ClientSession() as http:
        ok = await http.post(url, json={"replace_original": True, "text": "replaced"})
        assert ok.status == 200
        bad = await http.post(url, json={"text": "x", "blocks": [section("x")] * 51})
        assert bad.status == 400
        assert (await bad.json())["error"] == "invalid_blocks"
    assert [r["body"]["text"] for r in fake.responses_for(url)] == ["replaced", "x"]
    assert [r["error"] for r in fake.responses_for(url)] == [None, "invalid_blocks"]
    assert fake.messages("C1")[0]["text"] == "replaced"


# ---------------------------------------------------------------------- signed requests


def test_signatures_match_slack_sdk_verifier() -> None:
    body = interactive_body(block_actions_payload(user_id="U1", actions=[], trigger_id="1.2.3"))
    headers = signed_headers(SECRET, body)
    verifier = SignatureVerifier(SECRET)
    assert verifier.is_valid_request(body, headers)
    ts = str(int(time.time()))
    assert verifier.is_valid(body, ts, sign(SECRET, ts, body))
    assert not verifier.is_valid(body, ts, sign("other-secret", ts, body))
    form = slash_command_form("/fika", "help", user_id="U1", channel_id="C1")
    assert list(form)[:3] == ["token", "team_id", "team_domain"]
    assert form["is_enterprise_install"] == "false"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
async def bolt_url(fake: FakeSlack) -> AsyncIterator[str]:
    """A tiny Bolt app wired to the fake, to prove the sender's payloads parse in Bolt."""
    app = AsyncApp(
        client=AsyncWebClient(token=TOKEN, base_url=fake.api_url),
        signing_secret=SECRET,
        process_before_response=True,
    )

    @app.command("/fika")
    async def on_command(ack: Any, respond: Any, command: dict[str, Any]) -> None:
        await ack()
        await respond(f"{command['user_name']}:{command['text']}")

    @app.action("join")
    async def on_join(ack: Any, respond: Any, body: dict[str, Any]) -> None:
        await ack()
        await respond(replace_original=True, text=f"joined by {body['user']['id']}")

    @app.view("signup")
    async def on_submit(ack: Any, view: dict[str, Any]) -> None:
        value = view["state"]["values"]["b"]["a"]["value"]
        await ack(response_action="errors", errors={"b": f"got {value}"})

    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        await client.views_publish(
            user_id=event["user"], view={"type": "home", "blocks": [section("welcome")]}
        )

    runner = web.AppRunner(app.web_app(), access_log=None)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/slack/events"
    await runner.cleanup()


async def test_sender_against_bolt(fake: FakeSlack, client: AsyncWebClient, bolt_url: str) -> None:
    async with SlackSender(bolt_url, SECRET, fake=fake) as sender:
        res = await sender.command("/fika", "help", user_id="U1", channel_id="C1")
        assert res.status == 200
        assert res.trigger_id and res.response_url
        assert [r["body"]["text"] for r in fake.responses_for(res.response_url)] == ["anna:help"]

        button = {
            "type": "actions",
            "block_id": "signup-block",
            "elements": [
                {
                    "type": "button",
                    "action_id": "join",
                    "value": "round-1",
                    "text": {"type": "plain_text", "text": "Join"},
                }
            ],
        }
        await client.chat_postMessage(channel="C1", text="Join fika?", blocks=[button])
        message = fake.messages("C1")[-1]
        res = await sender.block_action("U2", "join", message=message)
        assert res.status == 200
        assert res.payload is not None
        assert res.payload["actions"][0]["value"] == "round-1"
        assert res.payload["actions"][0]["block_id"] == "signup-block"
        assert res.payload["container"]["channel_id"] == "C1"
        assert fake.messages("C1")[-1]["text"] == "joined by U2"

        view = {"id": "V1", "callback_id": "signup", "type": "modal"}
        values = {"b": {"a": {"type": "plain_text_input", "value": "Kallio"}}}
        res = await sender.view_submission("U1", view, values)
        assert res.json == {"response_action": "errors", "errors": {"b": "got Kallio"}}

        res = await sender.event(app_home_opened_event("U1"))
        assert res.status == 200
        assert fake.home_views["U1"]["blocks"] == [section("welcome")]

        forged = await sender.raw(b"command=%2Ffika", signature="v0=deadbeef")
        assert forged.status == 401
        stale = await sender.raw(b"command=%2Ffika", timestamp=int(time.time()) - 600)
        assert stale.status == 401


@pytest.fixture
async def echo() -> AsyncIterator[tuple[str, list[tuple[dict[str, str], bytes]]]]:
    """An endpoint that records raw requests, to inspect exactly what SlackSender sends."""
    seen: list[tuple[dict[str, str], bytes]] = []

    async def handler(request: web.Request) -> web.Response:
        seen.append((dict(request.headers), await request.read()))
        return web.Response(text="")

    app = web.Application()
    app.router.add_post("/slack/events", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    port = _free_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    yield f"http://127.0.0.1:{port}/slack/events", seen
    await runner.cleanup()


def _payload(body: bytes) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(parse_qs(body.decode())["payload"][0])
    return result


async def test_sender_payload_shapes(
    fake: FakeSlack, echo: tuple[str, list[tuple[dict[str, str], bytes]]]
) -> None:
    url, seen = echo
    verifier = SignatureVerifier(SECRET)
    message = fake.add_message("C1", "hello", user="U1")
    async with SlackSender(url, SECRET, fake=fake) as sender:
        await sender.message_shortcut("U1", "save_tip", message, "C1")
        await sender.global_shortcut("U2", "new_fika")
        await sender.view_closed("U1", {"id": "V9", "callback_id": "cb"}, is_cleared=True)
        await sender.block_action(
            "U1",
            "pick",
            view={"id": "V8", "callback_id": "cb", "blocks": []},
            selected_option="sv",
        )
        await sender.event({"type": "app_mention", "user": "U1"}, retry_num=1)
    for headers, body in seen:
        assert verifier.is_valid_request(body, headers)
    shortcut, global_sc, closed, action = (_payload(body) for _, body in seen[:4])
    assert set(shortcut) >= {
        "type", "token", "action_ts", "team", "user", "channel", "callback_id",
        "trigger_id", "message_ts", "message", "response_url", "is_enterprise_install",
    }  # fmt: skip
    assert shortcut["channel"] == {"id": "C1", "name": "fika"}
    assert shortcut["message"]["ts"] == message["ts"]
    assert global_sc["type"] == "shortcut"
    assert global_sc["trigger_id"]
    assert closed["type"] == "view_closed"
    assert closed["is_cleared"] is True
    assert set(closed["view"]) >= {"id", "hash", "state", "root_view_id", "app_id", "bot_id"}
    assert action["container"] == {"type": "view", "view_id": "V8"}
    assert action["actions"][0]["type"] == "static_select"
    assert action["actions"][0]["selected_option"]["value"] == "sv"
    assert "response_url" not in action
    event_headers, event_body = seen[4]
    assert event_headers["X-Slack-Retry-Num"] == "1"
    assert event_headers["X-Slack-Retry-Reason"] == "http_timeout"
    envelope = json.loads(event_body)
    assert envelope["type"] == "event_callback"
    assert envelope["authorizations"][0]["user_id"] == "UFIKABOT"
    assert envelope["event_id"].startswith("Ev")


async def test_multipart_upload_and_in_channel_response(fake: FakeSlack) -> None:
    async with aiohttp.ClientSession() as http:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        res = await http.post(
            f"{fake.api_url}files.getUploadURLExternal",
            data={"filename": "a.txt", "length": "3"},
            headers=auth,
        )
        url_res = await res.json()
        form = aiohttp.FormData()
        form.add_field("file", b"abc", filename="a.txt")
        up = await http.post(url_res["upload_url"], data=form)
        assert up.status == 200
        assert await up.text() == "OK - 3"
        files = json.dumps([{"id": url_res["file_id"], "title": "A"}])
        res = await http.post(
            f"{fake.api_url}files.completeUploadExternal", data={"files": files}, headers=auth
        )
        assert (await res.json())["ok"] is True
        response_url = fake.new_response_url(channel_id="C1")
        res = await http.post(response_url, json={"response_type": "in_channel", "text": "hi"})
        assert res.status == 200
    assert fake.uploaded_files[0].content == b"abc"
    assert fake.uploaded_files[0].channel_id is None
    assert [m["text"] for m in fake.messages("C1")] == ["hi"]


def test_signature_of_non_utf8_body() -> None:
    """Slack signs raw bytes; slack_sdk's verifier would choke decoding these, but the
    sender must still sign them so the app under test sees a valid signature."""
    body = b"\xff\xfe\x00garbage"
    expected = hmac.new(SECRET.encode(), b"v0:1700000000:" + body, hashlib.sha256).hexdigest()
    assert sign(SECRET, 1700000000, body) == f"v0={expected}"
    text = "caf\u00e9"
    verifier = SignatureVerifier(SECRET)
    assert sign(SECRET, "1", text) == verifier.generate_signature(timestamp="1", body=text)
