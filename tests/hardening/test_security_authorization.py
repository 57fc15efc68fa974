"""Every admin and reviewer action is authorized on the server, on every click: forged clicks and
submissions (someone else's group, tip or program; another workspace's ids; rights taken away
after a modal was opened) change nothing stored and get a polite answer in the person's language.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.coffee.service import NOT_IN_A_PROGRAM
from bot.people.models import Library
from bot.people.permissions import NOT_A_REVIEWER
from bot.platform.i18n import translator
from bot.tips.ids import TipAction, TipBlock, TipView
from bot.tips.models import Tip, TipStatus
from bot.tips.views import NO_SUCH_TIP
from handlers.coffee_libraries import ADMINS_ONLY
from handlers.tips_command import NOT_AN_ADMIN
from tests.coffee_support import CHANNEL, PEOPLE, humans, marked_messages, workspace
from tests.conftest import TEAM_ID, FakeClock, RunningApp
from tests.security_support import (
    changed_tables,
    coffee_and_tips_world,
    snapshot,
)
from tests.tips_support import AUTHOR, OUTSIDER, REVIEW, add_tip, card_of, text_of

OTHER_TEAM = "T0OTHER"
ONLY_THE_GROUP = "Only the people of this coffee group can answer."
AINO = PEOPLE[1].user_id  # fi-FI, in the program, not an admin


def localized(locale: str, msgid: str) -> str:
    """The message as `locale` reads it; it must really be translated."""
    text = translator(locale)(msgid)
    assert text != msgid or locale == "en", f"{msgid!r} has no {locale} translation"
    return text


def told(app: RunningApp, since: int) -> str:
    """Everything people were told after `since` response_url posts, ephemerals and DMs."""
    parts = [text_of(r["body"]) for r in app.fake.responses[since:]]
    parts += [text_of(e) for e in app.fake.ephemerals]
    return "\n".join(parts)


def reason(text: str) -> dict[str, Any]:
    return {
        TipBlock.REASON.value: {TipBlock.VALUE.value: {"type": "plain_text_input", "value": text}}
    }


def edit_values(title: str) -> dict[str, Any]:
    def text(value: str) -> dict[str, Any]:
        return {TipBlock.VALUE.value: {"type": "plain_text_input", "value": value}}

    return {
        TipBlock.TITLE.value: text(title),
        TipBlock.DESCRIPTION.value: text("Ändrad"),
        TipBlock.CATEGORY.value: {
            TipBlock.VALUE.value: {"type": "static_select", "selected_option": {"value": "other"}}
        },
    }


async def _tip(app: RunningApp, tip_id: int) -> Tip:
    async with app.deps.db() as session:
        tip = await session.get(Tip, tip_id)
    assert tip is not None
    return tip


# ---------------------------------------------------------------------------- tips


async def test_reviewer_modals_submitted_by_non_reviewers_change_nothing(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    world = await coffee_and_tips_world(app, clock)
    tip_id = world["tip_id"]
    before = await snapshot(app)
    dms_before = len(app.fake.dm_messages(AUTHOR))
    for user, locale in ((OUTSIDER, "sv"), (AINO, "fi"), (AUTHOR, "fi")):
        meta = json.dumps({"id": tip_id})
        resp = await app.sender.view_submission(
            user, {"callback_id": TipView.REJECT, "private_metadata": meta}, reason("Nej")
        )
        assert resp.json == {
            "response_action": "errors",
            "errors": {TipBlock.REASON: localized(locale, NOT_A_REVIEWER)},
        }
        resp = await app.sender.view_submission(
            user, {"callback_id": TipView.EDIT, "private_metadata": meta}, edit_values("Hacked")
        )
        assert resp.json == {
            "response_action": "errors",
            "errors": {TipBlock.TITLE: localized(locale, NOT_A_REVIEWER)},
        }
    await app.settle()
    assert changed_tables(before, await snapshot(app)) == []
    assert len(app.fake.dm_messages(AUTHOR)) == dms_before
    assert all("Hacked" not in text_of(c.args) for c in app.fake.calls_to("chat.update"))


async def test_review_buttons_need_a_reviewer_and_a_tip_of_this_workspace(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    world = await coffee_and_tips_world(app, clock)
    tip_id = world["tip_id"]
    other_tip = await add_tip(
        app.deps, title="Annan arbetsplats", team_id=OTHER_TEAM, status=TipStatus.PENDING
    )
    card = card_of(app, tip_id)
    before = await snapshot(app)
    views_before = len(app.fake.views)
    since = len(app.fake.responses)

    # Someone outside the review channel, on every button of a real card.
    for action in (TipAction.APPROVE, TipAction.REJECT, TipAction.EDIT, TipAction.REVIEW_PAGE):
        resp = await app.sender.block_action(OUTSIDER, action, value=str(tip_id), message=card)
        assert resp.status == 200
        await app.settle()
    assert told(app, since).count(localized("sv", NOT_A_REVIEWER)) == 4

    # A reviewer of this workspace, with another workspace's tip id in the button.
    since = len(app.fake.responses)
    for action in (TipAction.APPROVE, TipAction.REJECT, TipAction.EDIT):
        await app.sender.block_action(
            "UADMIN", action, value=f"{other_tip}:0", message=card, channel_id=REVIEW
        )
        await app.settle()
    assert told(app, since).count(translator("en")(NO_SUCH_TIP)) == 3  # UADMIN reads English
    meta = json.dumps({"id": other_tip})
    resp = await app.sender.view_submission(
        "UADMIN", {"callback_id": TipView.REJECT, "private_metadata": meta}, reason("Nej")
    )
    assert resp.json is not None and resp.json["response_action"] == "errors"
    resp = await app.sender.view_submission(
        "UADMIN", {"callback_id": TipView.EDIT, "private_metadata": meta}, edit_values("X")
    )
    assert resp.json is not None and resp.json["response_action"] == "errors"
    await app.settle()

    assert changed_tables(before, await snapshot(app)) == []
    assert len(app.fake.views) == views_before  # no reason or edit form opened
    assert (await _tip(app, other_tip)).status == "pending"


async def test_reviewer_rights_are_checked_again_on_every_click(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    world = await coffee_and_tips_world(app, clock)
    first = world["tip_id"]
    second = await add_tip(app.deps, title="Andra", status=TipStatus.PENDING)
    third = await add_tip(app.deps, title="Tredje", status=TipStatus.PENDING)
    resp = await app.sender.command("/tips", "review", user_id="UREV1", channel_id=REVIEW)
    listing = await app.answer(resp)
    assert listing is not None and "Andra" in text_of(listing)

    # A reviewer opens the reason form for the second tip and the edit form for the third …
    await app.sender.block_action(
        "UREV1", TipAction.REJECT, value=str(second), message=card_of(app, first)
    )
    await app.settle()
    reject_form = app.fake.views[-1]
    await app.sender.block_action(
        "UREV1", TipAction.EDIT, value=str(third), message=card_of(app, first)
    )
    await app.settle()
    edit_form = app.fake.views[-1]
    assert (reject_form["callback_id"], edit_form["callback_id"]) == (TipView.REJECT, TipView.EDIT)

    # … and leaves the review channel. Once the member list is re-read, nothing goes through.
    app.fake.channel(REVIEW).members.remove("UREV1")
    clock.advance(timedelta(seconds=61))
    before = await snapshot(app)
    since = len(app.fake.responses)
    resp = await app.sender.view_submission("UREV1", reject_form, reason("Nej tack"))
    assert resp.json == {
        "response_action": "errors",
        "errors": {TipBlock.REASON: localized("sv", NOT_A_REVIEWER)},
    }
    resp = await app.sender.view_submission("UREV1", edit_form, edit_values("Omskriven"))
    assert resp.json is not None and resp.json["response_action"] == "errors"
    await app.sender.block_action(
        "UREV1", TipAction.APPROVE, value=f"{first}:0", message={"ts": "1.2", **listing}
    )
    await app.sender.block_action(
        "UREV1", TipAction.REVIEW_PAGE, value="10", message={"ts": "1.3", **listing}
    )
    await app.settle()
    assert told(app, since).count(localized("sv", NOT_A_REVIEWER)) == 2
    assert changed_tables(before, await snapshot(app)) == []


async def test_authors_cannot_edit_their_own_tip(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    world = await coffee_and_tips_world(app, clock)
    tip_id = world["tip_id"]  # written by AUTHOR
    before = await snapshot(app)
    since = len(app.fake.responses)
    await app.sender.block_action(AUTHOR, TipAction.EDIT, value=str(tip_id), channel_id=REVIEW)
    resp = await app.sender.view_submission(
        AUTHOR,
        {"callback_id": TipView.EDIT, "private_metadata": json.dumps({"id": tip_id})},
        edit_values("Min egen"),
    )
    assert resp.json is not None and resp.json["response_action"] == "errors"
    await app.settle()
    assert localized("fi", NOT_A_REVIEWER) in told(app, since)
    assert changed_tables(before, await snapshot(app)) == []


async def test_tips_settings_review_and_export_need_rights(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await coffee_and_tips_world(app, clock)
    before = await snapshot(app)
    since = len(app.fake.responses)
    for text, expected in (
        ("setup review", NOT_AN_ADMIN),
        ("setup digest friday 10:00", NOT_AN_ADMIN),
        ("setup digest off", NOT_AN_ADMIN),
        ("inställningar granskning", NOT_AN_ADMIN),
        ("review", NOT_A_REVIEWER),
        ("export 2026", NOT_A_REVIEWER),
    ):
        resp = await app.sender.command("/tips", text, user_id=OUTSIDER, channel_id="CGENERAL")
        assert resp.status == 200
        await app.settle()
        assert localized("sv", expected) in text_of(await app.answer(resp)) + told(app, since), text
    assert changed_tables(before, await snapshot(app)) == []
    assert app.fake.uploaded_files == []


# ---------------------------------------------------------------------------- coffee


async def test_follow_up_buttons_are_for_the_group_only(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    world = await coffee_and_tips_world(app, clock)
    group = world["groups"][0]
    conversation = app.fake.channel(group.conversation_id)
    followup = marked_messages(app.fake, conversation.id, "fika_followup")[0]
    in_group = set(humans(conversation, app.fake))
    # Someone of another group, and someone of no group at all.
    other = next(p.user_id for p in PEOPLE[1:] if p.user_id not in in_group)
    before = await snapshot(app)
    views_before = len(app.fake.views)
    since = len(app.fake.responses)
    for user, locale in ((other, _locale(other)), (OUTSIDER, "sv")):
        for action in (Coffee.FOLLOWUP_MET, Coffee.FOLLOWUP_NOT_MET, Coffee.FOLLOWUP_SHARE_TIP):
            resp = await app.sender.block_action(user, action, message=followup)
            assert resp.status == 200
            await app.settle()
        assert told(app, since).count(localized(locale, ONLY_THE_GROUP)) == 3, user
        since = len(app.fake.responses)
    assert changed_tables(before, await snapshot(app)) == []
    assert len(app.fake.views) == views_before  # no tip form for a group one is not in
    assert marked_messages(app.fake, conversation.id, "fika_followup")[0] == followup


def _locale(user_id: str) -> str:
    return next(p.lang for p in PEOPLE if p.user_id == user_id)


async def test_welcome_buttons_and_the_break_form_only_touch_ones_own_programs(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    world = await coffee_and_tips_world(app, clock)
    program_id = world["program_id"]
    async with app.deps.db.begin() as session:
        foreign = CoffeeProgram(
            team_id=OTHER_TEAM,
            channel_id=CHANNEL,
            tz="Europe/Helsinki",
            anchor_week=app.deps.now().date(),
        )
        session.add(foreign)
        await session.flush()
        foreign_id = foreign.id
    # The outsider never was in the program; Aino is, but not in the other workspace's.
    before = await snapshot(app)
    since = len(app.fake.responses)
    dms = {u: len(app.fake.dm_messages(u)) for u in (AINO, OUTSIDER)}
    until = (app.deps.now().date() + timedelta(days=14)).isoformat()
    pause = {
        CoffeeBlock.PAUSE_UNTIL.value: {
            Coffee.PAUSE_UNTIL.value: {"type": "datepicker", "selected_date": until}
        }
    }
    for user, program in ((OUTSIDER, program_id), (OUTSIDER, foreign_id), (AINO, foreign_id)):
        await app.sender.block_action(user, Coffee.WELCOME_LEAVE, value=str(program))
        await app.sender.view_submission(
            user, {"callback_id": CoffeeView.PAUSE, "private_metadata": str(program)}, pause
        )
        await app.settle()
    assert changed_tables(before, await snapshot(app)) == []
    async with app.deps.db() as session:
        rows = list(
            await session.scalars(
                select(CoffeeParticipant).where(CoffeeParticipant.program_id == foreign_id)
            )
        )
    assert rows == []
    # Each was told, in their language, that the program is not theirs.
    ended = "This coffee-break program has ended."
    assert told(app, since).count(localized("sv", ended)) == 2
    assert told(app, since).count(localized("fi", ended)) == 1
    for user, locale, count in ((AINO, "fi", 1), (OUTSIDER, "sv", 2)):
        new_dms = app.fake.dm_messages(user)[dms[user] :]
        assert sum(localized(locale, NOT_IN_A_PROGRAM) in m["text"] for m in new_dms) == count

    # Her own program's welcome buttons still work for Aino, even after she left it.
    await app.sender.command("/fika", "leave", user_id=AINO)
    await app.settle()  # the command is acknowledged first, done after
    await app.sender.view_submission(
        AINO, {"callback_id": CoffeeView.PAUSE, "private_metadata": str(program_id)}, pause
    )
    await app.settle()
    async with app.deps.db() as session:
        row = await session.scalar(
            select(CoffeeParticipant).where(
                CoffeeParticipant.program_id == program_id, CoffeeParticipant.user_id == AINO
            )
        )
    assert row is not None and (row.status, str(row.paused_until)) == ("paused", until)


async def test_admin_rights_are_checked_again_on_every_command_and_form(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await workspace(app)
    boss = "U0BOSS"
    app.fake.add_user(boss, name="boss", locale="sv-SE", is_admin=True)
    app.fake.channel(CHANNEL).members.append(boss)
    resp = await app.sender.command("/fika", "start", user_id=boss, channel_id=CHANNEL)
    await app.settle()
    resp = await app.sender.command("/fika", "libraries", user_id=boss)
    listing = await app.answer(resp)
    assert listing is not None and Coffee.LIBRARIES_ADD in str(listing)
    await app.sender.block_action(boss, Coffee.LIBRARIES_ADD, message={"ts": "1.1", **listing})
    await app.settle()
    add_form = app.fake.views[-1]
    assert add_form["callback_id"] == CoffeeView.LIBRARY_ADD

    # The workspace takes the admin role away: the very next command and form are refused.
    app.fake.add_user(boss, name="boss", locale="sv-SE", is_admin=False)
    before = await snapshot(app)
    since = len(app.fake.responses)
    for text in ("size 3", "schedule friday 10:00", "stop", "pair-now", "libraries remove Vasa"):
        await app.sender.command("/fika", text, user_id=boss, channel_id=CHANNEL)
        await app.settle()
    assert told(app, since).count(localized("sv", ADMINS_ONLY)) == 5
    resp = await app.sender.view_submission(
        boss,
        add_form,
        {
            CoffeeBlock.LIBRARY_NAME_SV.value: {
                Coffee.LIBRARY_NAME_SV.value: {"type": "plain_text_input", "value": "Nytt"}
            }
        },
    )
    assert resp.json == {
        "response_action": "errors",
        "errors": {CoffeeBlock.LIBRARY_NAME_SV: localized("sv", ADMINS_ONLY)},
    }
    await app.settle()
    assert changed_tables(before, await snapshot(app)) == []


async def test_library_admin_surfaces_refuse_members(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await coffee_and_tips_world(app, clock)
    before = await snapshot(app)
    views_before = len(app.fake.views)
    since = len(app.fake.responses)
    for text in ("libraries add", "bibliotek ladda", "kirjastot poista Vasa stadsbibliotek"):
        resp = await app.sender.command("/fika", text, user_id=AINO)
        assert localized("fi", ADMINS_ONLY) in text_of(await app.answer(resp)) + told(app, since), (
            text
        )
    for action in (Coffee.LIBRARIES_ADD, Coffee.LIBRARIES_LOAD):
        await app.sender.block_action(AINO, action, value="x", channel_id=CHANNEL)
    await app.settle()
    assert told(app, since).count(localized("fi", ADMINS_ONLY)) >= 2
    csv_values = {
        CoffeeBlock.LIBRARY_CSV.value: {
            Coffee.LIBRARY_CSV.value: {"type": "plain_text_input", "value": "Nytt;Uusi;Vasa"}
        }
    }
    resp = await app.sender.view_submission(
        AINO, {"callback_id": CoffeeView.LIBRARY_LOAD}, csv_values
    )
    assert resp.json == {
        "response_action": "errors",
        "errors": {CoffeeBlock.LIBRARY_CSV: localized("fi", ADMINS_ONLY)},
    }
    await app.settle()
    assert changed_tables(before, await snapshot(app)) == []
    assert len(app.fake.views) == views_before
    async with app.deps.db() as session:
        names = set(
            await session.scalars(select(Library.name_sv).where(Library.team_id == TEAM_ID))
        )
    assert "Nytt" not in names


async def test_a_profile_form_only_ever_changes_the_submitters_profile(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await coffee_and_tips_world(app, clock)
    resp = await app.sender.command("/fika", "profile", user_id=AINO)
    assert resp.status == 200
    await app.settle()
    form = app.fake.views[-1]
    assert form["callback_id"] == CoffeeView.PROFILE
    before = await snapshot(app)
    values = {
        CoffeeBlock.PROFILE_LIBRARY_TYPED.value: {
            Coffee.PROFILE_LIBRARY_TYPED.value: {"type": "plain_text_input", "value": "Eget"}
        },
        CoffeeBlock.PROFILE_LANGUAGES.value: {
            Coffee.PROFILE_LANGUAGES.value: {
                "type": "checkboxes",
                "selected_options": [{"value": "en"}],
            }
        },
    }
    # Aino's form, submitted by the outsider (a forged payload): only the outsider changes.
    resp = await app.sender.view_submission(OUTSIDER, form, values)
    await app.settle()
    after = await snapshot(app)
    assert changed_tables(before, after) == ["libraries", "members"]
    changed = set(after["members"]) - set(before["members"])
    assert {row[1] for row in changed} == {OUTSIDER}
