"""End to end over HTTP: signed slash commands → real app → answers; fake Slack behind it."""

from __future__ import annotations

import json
import time
from dataclasses import replace

import aiohttp
import pytest
from aiohttp import web

from bot.platform.db.engine import make_engine
from bot.platform.deps import Deps
from bot.platform.server import make_web_app
from tests.conftest import RunningApp


def _text_of(payload: dict) -> str:
    parts = [payload.get("text", "")]
    for block in payload.get("blocks", []):
        if isinstance(block.get("text"), dict):
            parts.append(block["text"]["text"])
        for el in block.get("elements", []):
            parts.append(el.get("text", "") if isinstance(el, dict) else "")
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("locale", "expected", "not_expected"),
    [
        ("fi-FI", "Komennot", "Kommandon"),
        ("sv-SE", "Kommandon", "Komennot"),
        ("en-US", "Commands:", "Kommandon"),
    ],
)
async def test_fika_help_answers_in_the_callers_slack_language(
    running_app: RunningApp, locale: str, expected: str, not_expected: str
) -> None:
    running_app.fake.add_user("U1", name="aino", locale=locale)
    started = time.monotonic()
    resp = await running_app.sender.command("/fika", "help", user_id="U1")
    assert time.monotonic() - started < 3
    assert resp.status == 200 and resp.text == ""  # acknowledged at once; answered after
    body = await running_app.answer(resp)
    assert body is not None and body["response_type"] == "ephemeral"
    text = _text_of(body)
    assert expected in text and not_expected not in text
    assert "/fika" in text
    # The language came from Slack: users.info with include_locale.
    info = running_app.fake.calls_to("users.info")
    assert info and str(info[0].args.get("include_locale")).lower() in {"true", "1"}


@pytest.mark.parametrize(("word", "marker"), [("hjälp", "Kommandon"), ("ohje", "Kommandon")])
async def test_tips_help_aliases(running_app: RunningApp, word: str, marker: str) -> None:
    running_app.fake.add_user("U2", name="sven", locale="sv-SE")
    resp = await running_app.sender.command("/tips", word, user_id="U2")
    answer = await running_app.answer(resp)
    assert resp.status == 200 and answer is not None
    assert marker in _text_of(answer)


async def test_unknown_subcommand_shows_help_with_a_note(running_app: RunningApp) -> None:
    running_app.fake.add_user("U3", name="eero", locale="fi-FI")
    resp = await running_app.sender.command("/fika", "banaani <!channel>", user_id="U3")
    answer = await running_app.answer(resp)
    assert answer is not None
    text = _text_of(answer)
    assert "En tunne komentoa" in text and "banaani" in text
    assert "<!channel>" not in json.dumps(answer)


async def test_stored_language_choice_wins_over_slack(running_app: RunningApp) -> None:
    from bot.people.members import get_or_create_member

    running_app.fake.add_user("U4", name="emma", locale="sv-SE")
    async with running_app.deps.db.begin() as session:
        member = await get_or_create_member(session, "T0FIKA", "U4")
        member.locale_pref = "fi"
    resp = await running_app.sender.command("/fika", "help", user_id="U4")
    answer = await running_app.answer(resp)
    assert answer is not None and "Komennot" in _text_of(answer)


async def test_unknown_slack_locale_falls_back_to_default(running_app: RunningApp) -> None:
    running_app.fake.add_user("U5", name="hans", locale="de-DE")
    resp = await running_app.sender.command("/fika", "", user_id="U5")
    answer = await running_app.answer(resp)
    assert answer is not None and "Kommandon" in _text_of(answer)  # DEFAULT_LOCALE=sv


async def test_users_info_failure_still_answers(running_app: RunningApp) -> None:
    running_app.fake.add_user("U6", name="x", locale="fi-FI")
    running_app.fake.fail_next("users.info", error="user_not_found", times=1)
    resp = await running_app.sender.command("/fika", "help", user_id="U6")
    answer = await running_app.answer(resp)
    assert resp.status == 200 and answer is not None
    assert "Kommandon" in _text_of(answer)


async def test_forged_and_stale_signatures_get_401(running_app: RunningApp) -> None:
    body = b"command=%2Ffika&text=help&user_id=U1&team_id=T0FIKA"
    forged = await running_app.sender.raw(
        body, content_type="application/x-www-form-urlencoded", signature="v0=" + "0" * 64
    )
    assert forged.status == 401
    stale = await running_app.sender.raw(
        body,
        content_type="application/x-www-form-urlencoded",
        timestamp=int(time.time()) - 600,
    )
    assert stale.status == 401
    unsigned = await running_app.sender.raw(
        body, content_type="application/x-www-form-urlencoded", sign=False
    )
    assert unsigned.status == 401
    assert running_app.fake.calls_to("users.info") == []


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        (b"{not json", "application/json"),
        (b"\xff\xfe\x00garbage", "application/octet-stream"),
        (b"", "application/x-www-form-urlencoded"),
        (b"[1, 2, 3]", "application/json"),
        (b'payload="just a string"', "application/x-www-form-urlencoded"),
    ],
)
async def test_malformed_signed_bodies_get_4xx_not_500(
    running_app: RunningApp, body: bytes, content_type: str
) -> None:
    resp = await running_app.sender.raw(body, content_type=content_type)
    assert 400 <= resp.status < 500, resp.text


async def test_healthz(running_app: RunningApp) -> None:
    import aiohttp

    async with aiohttp.ClientSession() as http, http.get(f"{running_app.url}/healthz") as r:
        assert r.status == 200
        assert (await r.json())["status"] == "ok"


async def test_url_verification_challenge(running_app: RunningApp) -> None:
    payload = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"})
    resp = await running_app.sender.raw(payload.encode(), content_type="application/json")
    assert resp.status == 200 and "abc123" in resp.text


async def test_healthz_reports_an_unreachable_database(deps: Deps) -> None:
    """The probe answers 503 when the database does not, so a load balancer stops routing."""
    # Nothing listens on port 1: the connection is refused at once.
    broken = replace(deps, engine=make_engine("postgresql+psycopg://fika@127.0.0.1:1/fika"))
    runner = web.AppRunner(make_web_app(None, broken), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/healthz"
    try:
        async with aiohttp.ClientSession() as http, http.get(url) as r:
            assert r.status == 503
    finally:
        await broken.engine.dispose()
        await runner.cleanup()
