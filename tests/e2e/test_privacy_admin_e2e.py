"""End to end: an admin's `/fika forget @person` — an erasure request for a colleague who has
left (a deactivated account cannot type `/fika forget-me`). Through the real app with signed
requests: the admin confirms, the clicker must be an admin at the click, the confirmation
expires, and afterwards nothing in any table names the person (the same full-database scan as
`/fika forget-me`)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.people.models import Member
from bot.privacy.ids import PrivacyAction
from bot.tips.models import Tip
from handlers.privacy import person_argument
from tests import tips_support
from tests.coffee_support import all_text
from tests.conftest import FakeClock, RunningApp
from tests.db_snapshot import changed, fingerprint
from tests.e2e.test_privacy_e2e import (
    AINO,
    BO,
    CHANNEL,
    NEEDLES,
    VILMA,
    _button,
    _round_members,
    _user_change,
    _world_with_vilma,
    answer_text,
    answers,
    scan_database,
)

BOSS = "U0BOSS"  # a workspace admin who reads Swedish


def _boss(app: RunningApp) -> None:
    app.fake.add_user(BOSS, name="boss", real_name="Bodil Boss", locale="sv-SE", is_admin=True)


async def _confirmation(app: RunningApp, text: str, user_id: str = BOSS) -> dict[str, Any]:
    resp = await app.sender.command("/fika", text, user_id=user_id)
    assert resp.status == 200
    await app.settle()
    return _button(answers(app, resp), PrivacyAction.FORGET_OTHER_CONFIRM)


async def _click(app: RunningApp, user_id: str, value: str) -> str:
    resp = await app.sender.block_action(
        user_id, PrivacyAction.FORGET_OTHER_CONFIRM, value=value, is_ephemeral=True
    )
    assert resp.status == 200
    await app.settle()
    return answer_text(app, resp)


def test_the_person_argument() -> None:
    assert person_argument("<@U0VILMA|vilhelmiina.testinen>") == VILMA
    assert person_argument("<@U0VILMA>") == VILMA
    assert person_argument(" U0VILMA ") == VILMA
    assert person_argument("W0123ABC") == "W0123ABC"
    for bad in (
        "",
        "@vilhelmiina.testinen",  # sent unescaped: a name, not an id
        "vilma",
        "u0vilma",
        "<@U0VILMA> <@U02BO>",
        "<!channel>",
        "<#C0123|general>",
        "<@U0VILMA|x> please",
        "former-0123456789ab",
    ):
        assert person_argument(bad) is None, bad


async def test_an_admin_forgets_a_colleague_who_has_left(
    running_app: RunningApp, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    app = running_app
    fake = app.fake
    ids = await _world_with_vilma(app, clock)
    _boss(app)
    # She has left: her account is deactivated (she cannot type `/fika forget-me` any more).
    resp = await app.sender.event(_user_change(app, VILMA, deleted=True))
    assert resp.status == 200
    await app.settle()
    before = scan_database(app.deps.settings.database_url, NEEDLES)
    assert any(f.startswith("members.") for f in before), before
    async with app.deps.db() as session:
        tips_before = await session.scalar(select(func.count()).select_from(Tip))

    # The confirmation, in the admin's language, names her by mention; nothing changed yet.
    resp = await app.sender.command(
        "/fika", f"glöm <@{VILMA}|{'vilhelmiina.testinen'}>", user_id=BOSS
    )
    await app.settle()
    payloads = answers(app, resp)
    shown = "\n".join(all_text(p) for p in payloads)
    assert "Radera allt Fika sparar om" in shown and f"<@{VILMA}>" in shown
    confirm = _button(payloads, PrivacyAction.FORGET_OTHER_CONFIRM)
    assert confirm.get("confirm") and confirm.get("style") == "danger"
    assert VILMA in confirm["confirm"]["text"]["text"]
    assert scan_database(app.deps.settings.database_url, NEEDLES) == before
    # A raw member ID works as well as a mention.
    assert (await _confirmation(app, f"forget {VILMA}"))["value"].startswith(f"{VILMA}:")

    # Cancel keeps everything.
    resp = await app.sender.block_action(
        BOSS, PrivacyAction.FORGET_CANCEL, value=confirm["value"], is_ephemeral=True
    )
    await app.settle()
    assert "ingenting raderades" in answer_text(app, resp).lower()
    assert scan_database(app.deps.settings.database_url, NEEDLES) == before

    # The admin's click: done, told in Swedish; nothing is sent to her.
    fake.reset_calls()
    caplog.set_level("INFO")
    done = await _click(app, BOSS, confirm["value"])
    assert "Klart" in done and f"<@{VILMA}>" in done and "en tidigare medlem" in done, done
    assert scan_database(app.deps.settings.database_url, NEEDLES) == []
    for call in fake.calls:
        if call.method in {"chat.postMessage", "conversations.open", "views.publish"}:
            assert VILMA not in str(call.args), call
    # The log names the acting admin and what kinds of rows changed, never her.
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert f"admin {BOSS} had a person forgotten in" in logged, logged
    assert "members 1" in logged
    assert not any(n.casefold() in logged.casefold() for n in NEEDLES), logged

    async with app.deps.db() as session:
        assert await session.scalar(select(func.count()).select_from(Tip)) == tips_before
        tip = await session.get(Tip, ids["approved"])
        assert tip is not None and tip.author_id.startswith("former-")
    # The review card of her waiting tip was redrawn without her.
    card = tips_support.card_of(app, ids["pending"])
    assert VILMA not in str(card)

    # The same click again: nothing more was stored about her.
    again = await _confirmation(app, f"forget <@{VILMA}>")
    assert "hade inget sparat" in await _click(app, BOSS, again["value"])

    # Slack still lists her in the program channel: the next round leaves her out and stores
    # nothing about her again (a deactivated account Fika does not know is not written down).
    assert VILMA in fake.channel(CHANNEL).members
    clock.advance(timedelta(days=7))
    resp = await app.sender.command("/fika", "pair-now", user_id=BOSS, channel_id=CHANNEL)
    assert resp.status == 200
    await app.settle()
    assert fake.calls_to("users.info"), "the round looked her up"
    assert await _round_members(app) and VILMA not in await _round_members(app)
    assert scan_database(app.deps.settings.database_url, NEEDLES) == []


async def test_members_cannot_forget_anyone(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    await _world_with_vilma(app, clock)
    _boss(app)
    confirm = await _confirmation(app, f"forget <@{VILMA}>")
    # Any request refreshes the asker's copy of their Slack profile (users.info, for their
    # rights and language): done once here, so that "nothing changed" below is exact.
    for user_id in (AINO, BO):
        await app.sender.command("/fika", "help", user_id=user_id)
    await app.settle()
    before = await fingerprint(app.deps.engine)
    needles_before = scan_database(app.deps.settings.database_url, NEEDLES)

    # A member typing the command: the polite refusal in Finnish, nothing changes.
    resp = await app.sender.command("/fika", f"unohda <@{VILMA}|vilma>", user_id=AINO)
    await app.settle()
    assert "vain Fikan ylläpitäjät" in answer_text(app, resp), answer_text(app, resp)
    assert PrivacyAction.FORGET_OTHER_CONFIRM not in str(answers(app, resp))
    # A member clicking the admin's button (a copied or forged value): refused.
    told = await _click(app, AINO, confirm["value"])
    assert "vain Fikan ylläpitäjät" in told, told
    told = await _click(app, BO, f"{VILMA}:{int(clock().timestamp())}")
    assert "bara Fikas administratörer" in told, told
    assert changed(before, await fingerprint(app.deps.engine)) == []
    assert scan_database(app.deps.settings.database_url, NEEDLES) == needles_before

    # An admin who is no longer one at the click (rights are read afresh): refused too.
    app.fake.users[BOSS]["is_admin"] = False
    told = await _click(app, BOSS, confirm["value"])
    assert "bara Fikas administratörer" in told, told
    async with app.deps.db() as session:
        assert await session.scalar(select(Member).where(Member.user_id == VILMA)) is not None
    assert scan_database(app.deps.settings.database_url, NEEDLES) == needles_before


async def test_an_old_or_odd_confirmation_deletes_nothing(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await _world_with_vilma(app, clock)
    _boss(app)
    confirm = await _confirmation(app, f"glöm <@{VILMA}>")
    clock.advance(timedelta(hours=1, minutes=1))
    await app.sender.command("/fika", "help", user_id=BOSS)  # refreshes their Slack profile
    await app.settle()
    before = await fingerprint(app.deps.engine)
    assert "Bekräftelsen är för gammal" in await _click(app, BOSS, confirm["value"])
    for odd in ("", "nonsense", f"{VILMA}", f"{VILMA}:x", "<!channel>:1", f"former-1:{0}"):
        assert "Bekräftelsen är för gammal" in await _click(app, BOSS, odd), odd
    assert changed(before, await fingerprint(app.deps.engine)) == []
    async with app.deps.db() as session:
        assert await session.scalar(select(Member).where(Member.user_id == VILMA)) is not None


async def test_usage_and_oneself(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    await _world_with_vilma(app, clock)
    _boss(app)
    await app.sender.command("/fika", "help", user_id=BOSS)  # stores their Slack profile
    await app.settle()
    before = await fingerprint(app.deps.engine)
    for text in ("glöm", "glöm vilma", "glöm @nobody.known", f"glöm <@{VILMA}> <@{BO}>"):
        resp = await app.sender.command("/fika", text, user_id=BOSS)
        await app.settle()
        told = answer_text(app, resp)
        assert "Vems uppgifter?" in told and "`/fika glöm @person`" in told, (text, told)
        assert PrivacyAction.FORGET_OTHER_CONFIRM not in str(answers(app, resp))
    # As typed in Slack: `/fika` escapes its text (manifest.yml), so @name arrives as a mention.
    resp = await app.sender.command("/fika", "glöm @vilhelmiina.testinen", user_id=BOSS)
    await app.settle()
    assert resp.payload["text"] == f"glöm <@{VILMA}|vilhelmiina.testinen>"
    told = answer_text(app, resp)
    assert f"<@{VILMA}>" in told and PrivacyAction.FORGET_OTHER_CONFIRM in str(answers(app, resp))
    # Oneself: that is `/fika forget-me`.
    resp = await app.sender.command("/fika", f"glöm <@{BOSS}|boss>", user_id=BOSS)
    await app.settle()
    assert "skriv `/fika glöm-mig`" in answer_text(app, resp)
    assert changed(before, await fingerprint(app.deps.engine)) == []


async def test_help_lists_forget_for_admins_only(running_app: RunningApp) -> None:
    app = running_app
    _boss(app)
    app.fake.add_user(AINO, name="aino", locale="fi-FI")
    app.fake.add_user("U0FINADMIN", name="fin", locale="fi-FI", is_admin=True)
    forget = re.compile(r"`/fika (forget|glöm|unohda) ")
    resp = await app.sender.command("/fika", "hjälp", user_id=BOSS)
    await app.settle()
    told = answer_text(app, resp)
    assert (
        "`/fika glöm &lt;@person | medlems-id&gt;`" in told and "(för administratörer)" in told
    ), told
    resp = await app.sender.command("/fika", "ohje", user_id="U0FINADMIN")
    await app.settle()
    assert "`/fika unohda &lt;@henkilö | jäsentunnus&gt;`" in answer_text(app, resp)
    resp = await app.sender.command("/fika", "ohje", user_id=AINO)
    await app.settle()
    told = answer_text(app, resp)
    assert "unohda-minut" in told and not forget.search(told), told
