"""End to end: opting in by joining the channel (welcome DM), leaving, pausing, resuming,
status, and the profile modal."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.models import CoffeeGroupMember, CoffeeParticipant
from bot.people.models import Library, Member
from tests.coffee_support import (
    ADMIN,
    CHANNEL,
    PEOPLE,
    all_text,
    group_dms,
    humans,
    start_program,
    workspace,
)
from tests.conftest import TEAM_ID, RunningApp
from tests.fakes.slack_requests import interactive_body, member_joined_channel_event

AINO = PEOPLE[1].user_id  # fi-FI
BO = PEOPLE[2].user_id  # sv-SE


async def _responses(app: RunningApp, url: str | None) -> str:
    """Everything answered by response_url, once the work after the acknowledgement is done."""
    await app.settle()
    return "\n".join(all_text(r["body"]) for r in app.fake.responses_for(url or ""))


async def _participant(app: RunningApp, user_id: str) -> CoffeeParticipant | None:
    async with app.deps.db() as session:
        return await session.scalar(
            select(CoffeeParticipant).where(CoffeeParticipant.user_id == user_id)
        )


async def _paired(app: RunningApp) -> set[str]:
    async with app.deps.db() as session:
        return set(await session.scalars(select(CoffeeGroupMember.user_id)))


def _left_event(user_id: str, channel_id: str) -> dict[str, Any]:
    return {
        "type": "member_left_channel",
        "user": user_id,
        "channel": channel_id,
        "channel_type": "C",
        "team": TEAM_ID,
        "event_ts": "1700000000.000100",
    }


async def test_joining_the_channel_opts_in_with_a_welcome_dm_in_their_language(
    running_app: RunningApp,
) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    await start_program(app)
    fake.add_user("UNEW", name="nea", locale="fi-FI")
    fake.channel(CHANNEL).members.append("UNEW")
    resp = await app.sender.event(member_joined_channel_event("UNEW", CHANNEL, inviter=ADMIN))
    assert resp.status == 200
    await app.settle()
    welcome = fake.dm_messages("UNEW")[-1]
    text = all_text(welcome)
    assert "Tervetuloa etäkahveille" in text
    assert "Mitä Fika tallentaa" in text  # what is stored
    assert "maanantai 7. joulukuuta klo 9.00" in text  # next round, reader's locale
    buttons = [
        e["action_id"] for b in welcome["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert buttons == [Coffee.WELCOME_PROFILE, Coffee.WELCOME_PAUSE, Coffee.WELCOME_LEAVE]
    row = await _participant(app, "UNEW")
    assert row is not None and row.status == "active" and row.welcomed_at is not None

    # The app itself or a bot joining gets nothing.
    fake.add_user("UBOT2", name="otherbot", is_bot=True)
    await app.sender.event(member_joined_channel_event("UBOT2", CHANNEL))
    await app.settle()
    assert fake.dm_messages("UBOT2") == []

    # "Leave" in the welcome DM: out of this program.
    resp = await app.sender.block_action("UNEW", Coffee.WELCOME_LEAVE, message=welcome)
    await app.settle()
    assert "sinua ei enää yhdistetä" in await _responses(app, resp.response_url)
    row = await _participant(app, "UNEW")
    assert row is not None and row.status == "left"

    # "Take a break" opens a date picker; a past date is refused in the modal.
    resp = await app.sender.block_action("UNEW", Coffee.WELCOME_PAUSE, message=welcome)
    await app.settle()
    modal = fake.views[-1]
    assert modal["callback_id"] == CoffeeView.PAUSE
    values = {
        CoffeeBlock.PAUSE_UNTIL: {
            Coffee.PAUSE_UNTIL: {"type": "datepicker", "selected_date": "2026-11-01"}
        }
    }
    resp = await app.sender.view_submission("UNEW", modal, values)
    assert resp.json is not None and resp.json["response_action"] == "errors"
    values[CoffeeBlock.PAUSE_UNTIL][Coffee.PAUSE_UNTIL]["selected_date"] = "2027-01-04"
    resp = await app.sender.view_submission("UNEW", modal, values)
    assert resp.status == 200 and not resp.text
    await app.settle()
    row = await _participant(app, "UNEW")
    assert row is not None and (row.status, row.paused_until) == ("paused", date(2027, 1, 4))
    assert "maanantai 4. tammikuuta" in all_text(fake.dm_messages("UNEW")[-1])


async def test_leaving_the_channel_is_leaving_the_program(running_app: RunningApp) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    await start_program(app)
    fake.channel(CHANNEL).members.remove(AINO)
    await app.sender.event(_left_event(AINO, CHANNEL))
    await app.settle()
    row = await _participant(app, AINO)
    assert row is not None and row.status == "left"
    # Even if Slack still listed them, they are not paired.
    fake.channel(CHANNEL).members.append(AINO)
    await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    paired = await _paired(app)
    assert AINO not in paired and len(paired) == 10
    assert sorted(len(humans(c, fake)) for c in group_dms(fake)) == [2, 2, 2, 2, 2]


async def test_pause_status_resume_leave_join(running_app: RunningApp) -> None:
    app = running_app
    await workspace(app)
    await start_program(app)
    # Typed in the DM with the bot: the program is found from the channel membership.
    resp = await app.sender.command("/fika", "tauko 2 viikkoa", user_id=AINO)
    await app.settle()
    assert "maanantai 14. joulukuuta" in await _responses(app, resp.response_url)
    row = await _participant(app, AINO)
    assert row is not None and (row.status, row.paused_until) == ("paused", date(2026, 12, 14))

    resp = await app.sender.command("/fika", "tila", user_id=AINO)
    await app.settle()
    status = await _responses(app, resp.response_url)
    assert "Paluupäiväsi on maanantai 14. joulukuuta" in status
    assert "Pietarsaaren kaupunginkirjasto" in status
    # Language names as Finnish writes them in running text (Babel), not "Suomi".
    assert "*Keskustelukielesi:* suomi ja ruotsi" in status and "*Viestien kieli:* suomi" in status

    await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    assert AINO not in await _paired(app)

    resp = await app.sender.command("/fika", "jatka", user_id=AINO)
    assert "Tervetuloa takaisin" in all_text(await app.answer(resp))
    resp = await app.sender.command("/fika", "jatka", user_id=AINO)
    assert "Sinulla ei ole taukoa" in all_text(await app.answer(resp))

    resp = await app.sender.command("/fika", "status", user_id=BO)
    await app.settle()
    status = await _responses(app, resp.response_url)
    assert "Du är med." in status and "Din senaste kaffegrupp" in status

    resp = await app.sender.command("/fika", "lämna", user_id=BO)
    await app.settle()
    assert "Med `/fika gå-med` är du med igen" in await _responses(app, resp.response_url)
    row = await _participant(app, BO)
    assert row is not None and row.status == "left"
    resp = await app.sender.command("/fika", "gå-med", user_id=BO)
    await app.settle()
    assert "Du är med!" in await _responses(app, resp.response_url)
    row = await _participant(app, BO)
    assert row is not None and row.status == "active"

    resp = await app.sender.command("/fika", "paus banan", user_id=BO)
    await app.settle()
    assert "/fika paus 2 veckor" in await _responses(app, resp.response_url)


async def test_profile_modal_validates_and_saves(running_app: RunningApp) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    resp = await app.sender.command("/fika", "profiili", user_id=AINO)
    assert resp.status == 200
    await app.settle()
    modal = fake.views[-1]
    assert modal["callback_id"] == CoffeeView.PROFILE
    assert modal["title"]["text"] == "Fika-profiilisi"
    select_block = next(
        b for b in modal["blocks"] if b.get("block_id") == CoffeeBlock.PROFILE_LIBRARY
    )
    options = select_block["element"]["options"]
    assert len(options) == 5 and "Pietarsaaren kaupunginkirjasto" in str(options)
    assert select_block["element"]["initial_option"]["text"]["text"].startswith("Pietarsaaren")

    def values(
        picked: str | None, typed: str | None, languages: list[str], locale: str
    ) -> dict[str, Any]:
        return {
            CoffeeBlock.PROFILE_LIBRARY: {
                Coffee.PROFILE_LIBRARY: {
                    "type": "static_select",
                    "selected_option": {"value": picked} if picked else None,
                }
            },
            CoffeeBlock.PROFILE_LIBRARY_TYPED: {
                Coffee.PROFILE_LIBRARY_TYPED: {"type": "plain_text_input", "value": typed}
            },
            CoffeeBlock.PROFILE_LANGUAGES: {
                Coffee.PROFILE_LANGUAGES: {
                    "type": "checkboxes",
                    "selected_options": [{"value": code} for code in languages],
                }
            },
            CoffeeBlock.PROFILE_LOCALE: {
                Coffee.PROFILE_LOCALE: {
                    "type": "static_select",
                    "selected_option": {"value": locale},
                }
            },
        }

    picked = options[1]["value"]
    resp = await app.sender.view_submission(
        AINO, modal, values(picked, "Malax bibliotek", ["fi"], "auto")
    )
    assert resp.json is not None and resp.json["response_action"] == "errors"
    assert "ei molempia" in resp.json["errors"][CoffeeBlock.PROFILE_LIBRARY_TYPED]
    resp = await app.sender.view_submission(AINO, modal, values(picked, None, [], "auto"))
    assert resp.json is not None and CoffeeBlock.PROFILE_LANGUAGES in resp.json["errors"]

    resp = await app.sender.view_submission(
        AINO, modal, values(None, "  Malax   bibliotek <!channel> ", ["sv", "en"], "sv")
    )
    assert resp.status == 200 and not resp.text
    await app.settle()
    async with app.deps.db() as session:
        member = await session.scalar(select(Member).where(Member.user_id == AINO))
        assert member is not None
        library = await session.get(Library, member.library_id)
    assert library is not None and library.curated is False
    assert library.name_sv == "Malax bibliotek <!channel>"
    assert (member.chat_languages, member.locale_pref) == ("sv,en", "sv")
    saved = fake.dm_messages(AINO)[-1]
    assert "Din Fika-profil är sparad" in all_text(saved)
    assert "&lt;!channel&gt;" in all_text(saved) and "<!channel>" not in all_text(saved)

    # The typed library shows up in the next modal as typed text, not as a list choice.
    await app.sender.command("/fika", "profil", user_id=AINO)
    await app.settle()
    again = fake.views[-1]
    typed = next(
        b for b in again["blocks"] if b.get("block_id") == CoffeeBlock.PROFILE_LIBRARY_TYPED
    )
    assert typed["element"]["initial_value"] == "Malax bibliotek <!channel>"
    assert again["title"]["text"] == "Din Fika-profil"


async def test_more_than_100_libraries_use_a_searchable_select(running_app: RunningApp) -> None:
    app = running_app
    await workspace(app)
    async with app.deps.db.begin() as session:
        for i in range(120):
            session.add(Library(team_id=TEAM_ID, name_sv=f"Bibliotek {i:03d}", municipality="Vasa"))
    await app.sender.command("/fika", "profile", user_id=BO)
    await app.settle()
    modal = app.fake.views[-1]
    select_block = next(
        b for b in modal["blocks"] if b.get("block_id") == CoffeeBlock.PROFILE_LIBRARY
    )
    assert select_block["element"]["type"] == "external_select"
    payload = {
        "type": "block_suggestion",
        "user": {"id": BO, "username": "bo", "name": "bo", "team_id": TEAM_ID},
        "team": {"id": TEAM_ID, "domain": "fika-test"},
        "api_app_id": "AFIKA",
        "token": "fika-verification-token",
        "container": {"type": "view", "view_id": modal["id"]},
        "action_id": Coffee.PROFILE_LIBRARY,
        "block_id": CoffeeBlock.PROFILE_LIBRARY,
        "value": "kronoby",
        "view": modal,
    }
    resp = await app.sender.raw(interactive_body(payload))
    assert resp.status == 200 and resp.json is not None
    assert [o["text"]["text"] for o in resp.json["options"]] == ["Kronoby bibliotek"]
