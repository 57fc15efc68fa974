"""App Home end to end: app_home_opened → a valid Home in the viewer's language; the coffee,
profile and tip buttons do what the commands do and republish the Home."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.home.ids import HomeAction
from bot.people.models import Member
from bot.platform.i18n import translator
from bot.tips.ids import TipAction, TipView
from bot.tips.models import Tip
from jobs import followups as followups_job
from tests.coffee_support import ADMIN, CHANNEL, PEOPLE, start_program, workspace
from tests.conftest import FakeClock, RunningApp
from tests.fakes.slack_requests import app_home_opened_event
from tests.home_support import (
    action_ids,
    click,
    click_home,
    notice,
    open_home,
    participant,
    program_ids,
    said,
    text,
    values_of,
)
from tests.tips_support import tip_values

AINO = PEOPLE[1].user_id  # fi-FI
BO = PEOPLE[2].user_id  # sv-SE
GUS = PEOPLE[5].user_id  # en-US


async def _paired_program(app: RunningApp) -> int:
    await workspace(app)
    await start_program(app)
    resp = await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    assert resp.status == 200
    await app.settle()
    [program_id] = await program_ids(app)
    return program_id


async def test_home_in_each_viewers_language(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    await _paired_program(app)
    for user_id, locale, library in (
        (AINO, "fi", "kirjasto"),
        (BO, "sv", "bibliotek"),
        (GUS, "en", "bibliotek"),
    ):
        view = await open_home(app, user_id)
        t = translator(locale)
        shown = text(view)
        for msgid in ("☕ Coffee breaks", "👤 Your profile", "💡 Good-practice tips"):
            assert t(msgid) in shown, (locale, msgid)
            assert locale == "en" or t(msgid) != msgid  # really translated
        assert t("You take part.") in shown
        assert said(locale, "*Next round:* {when}") in shown
        # The latest coffee group: partners with their libraries, and a link to the group DM.
        assert said(locale, "*Your latest coffee group* ({day}): {people}") in shown
        group_line = said(locale, "*Your latest coffee group* ({day}): {people}")
        assert library in shown.split(group_line)[1]
        # The workspace's own address for the group DM (app_redirect is for channels).
        assert f"{app.fake.base_url}" not in shown and ".slack.com/archives/G" in shown
        assert "app_redirect" not in shown
        assert t("Open your group chat") in shown
        # Buttons of someone taking part; no reviewer section for people outside the team.
        assert HomeAction.PAUSE in action_ids(view) and HomeAction.LEAVE in action_ids(view)
        assert TipAction.SHARE in action_ids(view) and HomeAction.PROFILE in action_ids(view)
        assert HomeAction.REVIEW not in action_ids(view)
        assert t("🛠 For the AKE team") not in shown
        assert view["callback_id"] == "home"

    # Opening the Messages tab publishes nothing.
    before = len(app.fake.calls_to("views.publish"))
    await app.sender.event(app_home_opened_event(BO, tab="messages"))
    await app.settle()
    assert len(app.fake.calls_to("views.publish")) == before


async def test_admin_sees_the_teams_figures(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    await _paired_program(app)
    view = await open_home(app, ADMIN)  # in ADMIN_USER_IDS: a reviewer too
    t = translator("sv")
    shown = text(view)
    assert t("🛠 For the AKE team") in shown
    assert t("*This year's figures ({year})*", year="2026") in shown
    assert f"{t('Rounds')}: *1*" in shown
    assert f"{t('People who took part')}: *11*" in shown
    assert f"{t('Tips approved')}: *0*" in shown
    assert ":tada:" in shown  # nothing waiting for review, so no Review button
    assert HomeAction.REVIEW not in action_ids(view)

    # A workspace admin who is not a reviewer sees the figures, not the review queue.
    app.fake.add_user("UWSADMIN", name="wanda", locale="en-US", is_admin=True)
    view = await open_home(app, "UWSADMIN")
    en = translator("en")
    assert en("🛠 For the AKE team") in text(view)
    assert f"{en('Rounds')}: *1*" in text(view)
    assert en("No tips are waiting for review.") not in text(view)
    assert HomeAction.REVIEW not in action_ids(view)


async def test_coffee_buttons_do_what_the_commands_do(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    program_id = await _paired_program(app)
    value = str(program_id)
    await open_home(app, BO)

    # Pause: the date-picker modal of the welcome DM, for this program.
    await click(app, BO, HomeAction.PAUSE, value)
    modal = app.fake.views[-1]
    assert modal["callback_id"] == CoffeeView.PAUSE and modal["private_metadata"] == value
    before = len(app.fake.calls_to("views.publish"))
    values = {
        CoffeeBlock.PAUSE_UNTIL: {
            Coffee.PAUSE_UNTIL: {"type": "datepicker", "selected_date": "2027-01-04"}
        }
    }
    resp = await app.sender.view_submission(BO, modal, values)
    assert resp.status == 200 and not resp.text
    await app.settle()
    row = await participant(app, BO)
    assert row is not None and (row.status, row.paused_until) == ("paused", date(2027, 1, 4))
    assert len(app.fake.calls_to("views.publish")) > before  # the Home was refreshed
    home = app.fake.home_views[BO]
    sv = translator("sv")
    assert said("sv", "Enjoy your break! You are paired again from {day} on.") in notice(home)
    paused = said("sv", "You are taking a break until {day}; after that you are paired again.")
    assert paused in text(home)
    assert HomeAction.RESUME in action_ids(home)

    # Resume.
    home = await click_home(app, BO, HomeAction.RESUME, value)
    row = await participant(app, BO)
    assert row is not None and (row.status, row.paused_until) == ("active", None)
    assert notice(home).startswith(said("sv", "Welcome back! Next round: {when}."))

    # Leave (the button asks first: a confirm dialog).
    leave = next(
        e
        for b in home["blocks"]
        for e in b.get("elements") or []
        if e.get("action_id") == "home_leave"
    )
    assert leave["confirm"]["confirm"]["text"] == sv("Leave")
    home = await click_home(app, BO, HomeAction.LEAVE, value)
    row = await participant(app, BO)
    assert row is not None and row.status == "left"
    assert notice(home).startswith(
        said(
            "sv",
            "Done: you won't be paired in {channels} any more. `/fika join` brings you back.",
        )
    )
    assert values_of(home, HomeAction.JOIN) == [value]
    assert sv("You have left this program.") in text(home)

    # Leaving again (a stale Home) is refused like `/fika leave` when not in a program.
    home = await click_home(app, BO, HomeAction.LEAVE, value)
    assert notice(home) == sv("You are not in a coffee-break program.")

    # Join.
    home = await click_home(app, BO, HomeAction.JOIN, value)
    row = await participant(app, BO)
    assert row is not None and row.status == "active"
    assert notice(home).startswith(said("sv", "You're in! Next round in {channel}: {when}."))

    # Resume when not on a break: the command's answer, nothing changes.
    home = await click_home(app, BO, HomeAction.RESUME, value)
    assert notice(home) == sv("You are not on a break, so there is nothing to end.")

    # A program that is not (or no longer) there: refused, nothing stored.
    for bad in ("999", "abc", ""):
        home = await click_home(app, BO, HomeAction.JOIN, bad)
        assert notice(home) == sv("This coffee-break program has ended.")
    resp = await app.sender.command("/fika", "stop", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    home = await click_home(app, BO, HomeAction.LEAVE, value)
    assert notice(home) == sv("This coffee-break program has ended.")
    row = await participant(app, BO)
    assert row is not None and row.status == "active"


async def test_commands_refresh_the_home(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    await _paired_program(app)
    await open_home(app, AINO)
    await app.sender.command("/fika", "pause 2 weeks", user_id=AINO)
    await app.settle()
    fi = translator("fi")
    home = app.fake.home_views[AINO]
    assert HomeAction.RESUME in action_ids(home)
    paused = said("fi", "You are taking a break until {day}; after that you are paired again.")
    assert paused in text(home)
    await app.sender.command("/fika", "resume", user_id=AINO)
    await app.settle()
    assert fi("You take part.") in text(app.fake.home_views[AINO])


async def test_profile_and_language_rerender_the_home(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await _paired_program(app)
    home = await open_home(app, AINO)
    assert translator("fi")("☕ Coffee breaks") in text(home)

    # Edit profile → the /fika profile modal → save with Swedish messages: the Home turns Swedish.
    await click(app, AINO, HomeAction.PROFILE, "profile")
    modal = app.fake.views[-1]
    assert modal["callback_id"] == CoffeeView.PROFILE
    before = len(app.fake.calls_to("views.publish"))
    values = {
        CoffeeBlock.PROFILE_LIBRARY_TYPED: {
            Coffee.PROFILE_LIBRARY_TYPED: {"type": "plain_text_input", "value": None}
        },
        CoffeeBlock.PROFILE_LANGUAGES: {
            Coffee.PROFILE_LANGUAGES: {
                "type": "checkboxes",
                "selected_options": [{"value": "fi"}, {"value": "sv"}],
            }
        },
        CoffeeBlock.PROFILE_LOCALE: {
            Coffee.PROFILE_LOCALE: {"type": "static_select", "selected_option": {"value": "sv"}}
        },
    }
    resp = await app.sender.view_submission(AINO, modal, values)
    assert resp.status == 200 and not resp.text
    await app.settle()
    assert len(app.fake.calls_to("views.publish")) > before
    home = app.fake.home_views[AINO]
    sv = translator("sv")
    assert sv("☕ Coffee breaks") in text(home)
    assert sv("✅ Your Fika profile is saved.") in notice(home)
    assert sv("*Messages to you in:* {language}", language="svenska") in text(home)

    # The language select in the Home: English at once, then back to the Slack language.
    home = await click_home(
        app, AINO, HomeAction.LANGUAGE, selected_option="en", action_type="static_select"
    )
    en = translator("en")
    assert en("☕ Coffee breaks") in text(home)
    assert notice(home) == "✅ Done! Fika now writes to you in English."
    actions = next(b for b in home["blocks"] if b.get("block_id") == "home_profile_actions")
    assert actions["elements"][0]["initial_option"]["value"] == "en"
    home = await click_home(
        app, AINO, HomeAction.LANGUAGE, selected_option="auto", action_type="static_select"
    )
    assert translator("fi")("☕ Coffee breaks") in text(home)
    async with app.deps.db() as session:
        member = await session.scalar(select(Member).where(Member.user_id == AINO))
    assert member is not None and member.locale_pref is None

    # Anything not on the list is refused and changes nothing.
    home = await click_home(
        app, AINO, HomeAction.LANGUAGE, selected_option="de", action_type="static_select"
    )
    assert notice(home) == translator("fi")("Pick a language from the list.")


async def test_share_a_tip_from_the_home(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    await _paired_program(app)
    home = await open_home(app, GUS)
    en = translator("en")
    assert en("You haven't shared any tips yet.") in text(home)
    await click(app, GUS, TipAction.SHARE, "home")
    modal = app.fake.views[-1]
    assert modal["callback_id"] == TipView.SUBMIT
    resp = await app.sender.view_submission(GUS, modal, tip_values(title="Story time in English"))
    assert resp.status == 200 and not resp.text
    await app.settle()
    async with app.deps.db() as session:
        [tip] = list(await session.scalars(select(Tip)))
    assert (tip.author_id, tip.source_kind, tip.status) == (GUS, "home", "pending")
    home = app.fake.home_views[GUS]
    assert "Story time in English" in text(home)
    assert en("Waiting for review") in text(home)


async def test_followups_do_not_disturb_the_home(running_app: RunningApp, clock: FakeClock) -> None:
    """After the follow-up (a later day), the Home still shows the group and the next round."""
    app = running_app
    await _paired_program(app)
    clock.advance(timedelta(days=4))
    assert await followups_job.run(app.deps) > 0
    home = await open_home(app, BO)
    assert said("sv", "*Your latest coffee group* ({day}): {people}") in text(home)
