"""The Teams cards of everyone's and the admins' coffee breaks (bot/teams/cards/home.py, help.py,
answers.py), from fixed data in sv, fi and en: every card as Teams would take it
(`bot.teams.validation.card_problems`), in the reader's language (a catalog translation shown,
the other languages' not), the Slack sentences in Teams' markdown, and per role and standing
the buttons the server answers."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bot.coffee.admin_results import NotAProgram, Pairing, PlanChanged, Started, Stopped
from bot.coffee.commands import FIKA
from bot.coffee.enrolment import Joined, Left, Resumed
from bot.coffee.models import CoffeeParticipant
from bot.coffee.participants import ACTIVE, LEFT, PAUSE_USAGE, PAUSED
from bot.coffee.standing import OUT
from bot.coffee.stats import CoffeeStats
from bot.coffee.views.answers import joined_notice
from bot.coffee.views.messages import IntroPerson as Partner
from bot.home.store import Figures, HomeData, HomePages, ProfileFacts, ProgramCard
from bot.people.models import Library, Member
from bot.people.permissions import ADMINS_ONLY, Role
from bot.platform.errors import NotAuthorized, UserFacingError
from bot.platform.i18n import translator
from bot.privacy.store import PersonalData
from bot.teams.cards import answers, help, home
from bot.teams.cards.answers import TeamsTranslator, teams_markdown, teams_translator
from bot.teams.validation import card_problems
from bot.tips.commands import TIPS
from bot.tips.store import Page
from tests.snapshots import catalog_msgstr, literal, strings_in
from tests.view_cases import (
    FORMER,
    LAST_ROUND_DAY,
    LOCALES,
    NEXT_ROUND,
    TZ,
    libraries,
    program,
    slot,
    typed_library,
)

JSON = dict[str, Any]

ANNA = "a" * 32  # local (32 hex) user ids, as Teams people are stored
BERTIL = "b" * 32
CHANNEL = "c" * 32
CHANNEL_2 = "d" * 32
ANNA_TEAMS = "29:1anna"
CHANNELS = {CHANNEL: "Fika Österbotten", CHANNEL_2: "Kaffe *och* [prat](x)"}
PEOPLE = {ANNA: "Anna Andersson", BERTIL: "Bertil _Berg_"}


def tt(locale: str) -> TeamsTranslator:
    return teams_translator(translator(locale), CHANNELS, PEOPLE)


def valid(card: JSON) -> JSON:
    problems = card_problems(card)
    assert problems == [], problems
    json.dumps(card)  # JSON-ready
    return card


def shows(card: JSON, locale: str, msgid: str) -> None:
    """The card shows `msgid`'s translation (as Teams markdown), not another language's."""
    text = strings_in(card)
    wanted = literal(teams_markdown(catalog_msgstr(locale, msgid)))
    assert wanted in text, f"{locale}: {wanted!r} not shown ({msgid!r})"
    for other in LOCALES:
        theirs = literal(teams_markdown(catalog_msgstr(other, msgid)))
        if other != locale and theirs not in wanted:
            assert theirs not in text, f"{locale} shows {other}'s {theirs!r}"


def executes(card: JSON) -> list[JSON]:
    found: list[JSON] = []
    stack: list[Any] = [card]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if item.get("type") == "Action.Execute":
                found.append(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def verbs(card: JSON) -> list[str]:
    return sorted(str(a["verb"]) for a in executes(card))


def dialogs(card: JSON) -> list[JSON]:
    found: list[JSON] = []
    stack: list[Any] = [card]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            data = item.get("data")
            if item.get("type") == "Action.Submit" and isinstance(data, dict):
                fetch = (data.get("msteams") or {}).get("type") == "task/fetch"
                if fetch:
                    found.append(data)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


# ---------------------------------------------------------------------------- fixed data


def standing(state: str, **changes: Any) -> ProgramCard:
    values: dict[str, Any] = {
        "program": program(channel=CHANNEL),
        "state": state,
        "paused_until": date(2026, 12, 21) if state == PAUSED else None,
        "in_channel": True,
        "next_at": NEXT_ROUND if state != LEFT else None,
        "group_day": None,
        "partners": (),
        "conversation_id": None,
    }
    values.update(changes)
    return ProgramCard(**values)


def home_data(
    locale: str,
    cards: list[ProgramCard],
    *,
    admin: bool = False,
    reviewer: bool = False,
    total: int | None = None,
    offset: int = 0,
) -> HomeData:
    return HomeData(
        team_id="f" * 32,
        user_id=ANNA,
        pages=HomePages(programs=offset),
        programs=cards,
        programs_total=len(cards) if total is None else total,
        profile=ProfileFacts(
            library_sv="Jakobstads stadsbibliotek",
            library_fi="Pietarsaaren kaupunginkirjasto",
            chat_languages=["sv", "fi"],
            locale_pref=None,
            locale=locale,
        ),
        mine=Page(tips=[], total=0, offset=0, limit=5),
        latest=Page(tips=[], total=0, offset=0, limit=5),
        reviewer=reviewer or admin,
        admin=admin,
        pending=2 if reviewer or admin else None,
        figures=Figures(2026, 48, 120, 1_250, 1_100, 37) if reviewer or admin else None,
    )


def member_home(locale: str) -> JSON:
    cards = [
        standing(
            ACTIVE,
            group_day=LAST_ROUND_DAY,
            partners=(
                Partner(BERTIL, "Nykarleby bibliotek", "Uudenkaarlepyyn kirjasto"),
                Partner(FORMER, None, None),
            ),
        ),
        standing(PAUSED, program=program(8, CHANNEL_2, group_size=3), in_channel=False),
    ]
    return home.home_card(tt(locale), home_data(locale, cards), teams_user_id=ANNA_TEAMS)


def admin_home(locale: str) -> JSON:
    cards = [standing(OUT), standing(LEFT, program=program(8, CHANNEL_2))]
    statuses = [
        home.ProgramStatus(program(channel=CHANNEL), NEXT_ROUND, active=12, paused=3),
        home.ProgramStatus(program(8, CHANNEL_2, interval_weeks=2), None, active=0, paused=0),
    ]
    return home.home_card(
        tt(locale),
        home_data(locale, cards, admin=True, total=9, offset=4),
        teams_user_id=ANNA_TEAMS,
        programs=statuses,
        notice=joined_notice(tt(locale), Joined(program(channel=CHANNEL), False, NEXT_ROUND, True)),
    )


def empty_home(locale: str) -> JSON:
    return home.home_card(tt(locale), home_data(locale, []), teams_user_id=ANNA_TEAMS)


def member(locale: str) -> Member:
    return Member(
        team_id="f" * 32,
        user_id=ANNA,
        display_name="Anna *A*",
        chat_languages="sv,fi",
        locale_pref=None,
    )


def my_data(locale: str) -> JSON:
    row = CoffeeParticipant(program_id=7, user_id=ANNA, status=PAUSED)
    row.paused_until = date(2026, 12, 21)
    data = PersonalData(
        member=member(locale),
        library=libraries()[0],
        programs=[(CHANNEL, row)],
        rounds=4,
        groups_met=3,
        tips_by_status={"approved": 1},
    )
    return answers.my_data_card(tt(locale), data, TZ, 365)


def stats() -> CoffeeStats:
    pairs = [(f"Bibliotek {i}", f"Kirjasto *{i}*") for i in range(33)]
    return CoffeeStats(
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        rounds=48,
        participants=120,
        groups=1_250,
        answered=1_000,
        met=800,
        cross_library=1_100,
        library_pairs=pairs,
    )


def status(locale: str) -> JSON:
    return answers.status_card(
        tt(locale),
        [standing(ACTIVE, partners=(Partner(BERTIL, None, None),), group_day=LAST_ROUND_DAY)],
        libraries()[1],
        ["fi"],
        "sv",
        [CHANNEL],
    )


CASES: dict[str, tuple[Callable[[str], JSON], str]] = {
    "home_member": (
        member_home,
        "Your library and languages help me pair you with colleagues you can talk to.",
    ),
    "home_admin": (admin_home, "🛠 For the AKE team"),
    "home_empty": (
        empty_home,
        "There are no coffee-break programs yet. An admin starts one with `/fika start` in a "
        "channel.",
    ),
    "help_member": (
        lambda loc: help.help_card(tt(loc), [(FIKA, {Role.MEMBER}), (TIPS, {Role.MEMBER})]),
        "Take part in the coffee breaks (again).",
    ),
    "help_admin_unknown": (
        lambda loc: help.help_card(
            tt(loc), [(FIKA, set(Role))], unknown_word="*kaffe*", only={"help", "start"}
        ),
        "Make this channel a coffee-break program.",
    ),
    "joined": (
        lambda loc: answers.joined_card(
            tt(loc), Joined(program(channel=CHANNEL), False, NEXT_ROUND, False)
        ),
        "Join {channel} as well – the rounds pair the people in that channel.",
    ),
    "left": (
        lambda loc: answers.left_card(tt(loc), Left((program(channel=CHANNEL),))),
        "Done: you won't be paired in {channel} any more. `/fika join` brings you back.",
    ),
    "resumed": (
        lambda loc: answers.resumed_card(
            tt(loc), Resumed(((program(channel=CHANNEL), NEXT_ROUND),))
        ),
        "Welcome back! Next round: {when}.",
    ),
    "paused": (
        lambda loc: answers.paused_card(tt(loc), date(2026, 12, 21)),
        "Enjoy your break! You are paired again from {day} on.",
    ),
    "refused": (
        lambda loc: answers.refused_card(tt(loc), NotAuthorized(ADMINS_ONLY)),
        ADMINS_ONLY,
    ),
    "profile_dialog": (
        lambda loc: answers.profile_dialog(tt(loc), libraries(), libraries()[1], ["sv"], "fi"),
        "Languages you can chat in",
    ),
    "profile_dialog_errors": (
        lambda loc: answers.profile_dialog(
            tt(loc),
            [],
            typed_library(),
            [],
            None,
            typed="x" * 300,
            errors={answers.LANGUAGES: tt(loc)("Pick at least one language.")},
        ),
        "Pick at least one language.",
    ),
    "profile_saved": (
        lambda loc: answers.profile_saved_card(tt(loc), "Bokbussen & *Co*", ["sv", "en"], loc),
        "✅ Your Fika profile is saved.",
    ),
    "profile_prompt": (
        lambda loc: answers.profile_prompt_card(tt(loc)),
        "Edit profile",
    ),
    "pause_dialog": (
        lambda loc: answers.pause_dialog(
            tt(loc), 7, date(2026, 12, 21), date(2026, 12, 8), date(2027, 12, 6)
        ),
        "From this date on you are paired again.",
    ),
    "pause_prompt": (
        lambda loc: answers.pause_prompt_card(
            tt(loc),
            UserFacingError(PAUSE_USAGE),
        ),
        "Take a break",
    ),
    "status": (status, "Change these with `/fika profile`."),
    "my_data": (my_data, "What Fika stores about you"),
    "started": (
        lambda loc: answers.started_card(tt(loc), Started(program(channel=CHANNEL), slot())),
        "Done! {channel} is a coffee-break program: {schedule}, {size}. First round: {when}. "
        "Change it with `/fika schedule` and `/fika size`.",
    ),
    "not_a_program": (
        lambda loc: answers.stopped_card(tt(loc), NotAProgram((CHANNEL, CHANNEL_2))),
        "{refusal} Programs: {channels}",
    ),
    "stopped": (
        lambda loc: answers.stopped_card(tt(loc), Stopped(program(channel=CHANNEL))),
        "The coffee breaks in {channel} have stopped. Nothing is deleted; `/fika start` there "
        "turns them on again.",
    ),
    "plan": (
        lambda loc: answers.plan_card(
            tt(loc), PlanChanged(program(channel=CHANNEL, group_size=4), slot())
        ),
        "New plan for {channel}: {schedule}, {size}. Next round: {when}.",
    ),
    "pairing": (
        lambda loc: answers.pairing_card(
            tt(loc), Pairing(program(channel=CHANNEL), slot(), started=True)
        ),
        "Pairing starts now – follow the progress in this channel. This replaces the round of "
        "this period; the next scheduled one is on {when}.",
    ),
    "figures": (lambda loc: answers.figures_card(tt(loc), stats()), "Groups across libraries"),
    "figures_coming": (
        lambda loc: answers.figures_coming_card(tt(loc)),
        "I'm preparing the file; it comes to our direct messages.",
    ),
    "started_post": (
        lambda loc: answers.started_post_card(tt(loc), Started(program(channel=CHANNEL), slot())),
        "☕ Fika – distance coffee breaks",
    ),
    "stopped_post": (
        lambda loc: answers.stopped_post_card(tt(loc), Stopped(program(channel=CHANNEL))),
        "☕ The coffee breaks in this channel have stopped: no more rounds until an admin types "
        "`/fika start` here again.",
    ),
    "plan_post": (
        lambda loc: answers.plan_post_card(tt(loc), PlanChanged(program(channel=CHANNEL), slot())),
        "☕ New coffee-break plan: {schedule}, {size}. Next round: {when}.",
    ),
}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_card_validates_in_the_readers_language(name: str, locale: str) -> None:
    render, msgid = CASES[name]
    card = valid(render(locale))
    assert json.dumps(render(locale)) == json.dumps(card), "two renders differ"
    shows(card, locale, msgid)
    assert answers.summary(card).strip()


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_three_languages_render_differently(name: str) -> None:
    render, _ = CASES[name]
    assert len({json.dumps(render(loc)) for loc in LOCALES}) == 3


# ---------------------------------------------------------------------------- markdown


def test_slack_sentences_become_teams_markdown_with_the_readers_command_words() -> None:
    sv = tt("sv")
    left = answers.left_card(sv, Left((program(channel=CHANNEL),)))
    text = strings_in(left)
    assert "**gå-med**" in text and "/fika" not in text and "`" not in text
    assert "Fika Österbotten" in text and f"<#{CHANNEL}>" not in text
    assert teams_markdown("*Next round:* {when}") == "**Next round:** {when}"
    assert teams_markdown("`/fika pause 2 weeks`, *a* b*c") == "**pause 2 weeks**, **a** b*c"
    assert teams_markdown("`/tips export` or `/tips`") == "**tips export** or **tips**"


def test_names_and_user_text_are_plain_text_never_markup() -> None:
    en = tt("en")
    joined = answers.joined_card(
        en, Joined(program(8, CHANNEL_2), already=True, next_at=NEXT_ROUND, in_channel=True)
    )
    text = strings_in(joined)
    assert r"Kaffe \*och\* \[prat\]\(x\)" in text
    saved = strings_in(answers.profile_saved_card(en, "Bokbussen & *Co*", ["sv"], "en"))
    assert r"Bokbussen & \*Co\*" in saved
    figures = strings_in(answers.figures_card(en, stats()))
    assert r"Kirjasto \*0\*" in figures and "and 3 more" in figures


def test_a_channel_or_person_without_a_name_is_told_generically() -> None:
    fi = teams_translator(translator("fi"))
    text = strings_in(answers.left_card(fi, Left((program(channel=CHANNEL),))))
    assert translator("fi")("a Teams channel") in text
    assert "<#" not in text


def test_a_teams_translator_is_a_translator_of_the_same_language() -> None:
    base = tt("fi")
    more = teams_translator(base, {"e" * 32: "Uusi"})
    assert more.locale == "fi" and more.channels["e" * 32] == "Uusi"
    assert more.channels[CHANNEL] == CHANNELS[CHANNEL]
    assert more.number(1250) == translator("fi").number(1250)


# ---------------------------------------------------------------------------- home card


def test_a_members_home_has_their_buttons_and_no_team_part() -> None:
    card = member_home("sv")
    text = strings_in(card)
    assert translator("sv")("🛠 For the AKE team") not in text
    assert card["refresh"]["userIds"] == [ANNA_TEAMS]
    assert card["refresh"]["action"]["verb"] == home.REFRESH
    # active: a break (dialog) and leave (confirmed); paused: end the break too
    assert verbs(card) == [home.LEAVE, home.LEAVE, home.REFRESH, home.RESUME]
    leaves = [a for a in executes(card) if a["verb"] == home.LEAVE]
    assert sorted(a["data"]["program_id"] for a in leaves) == [7, 8]
    assert all(a["style"] == "destructive" and a["data"]["p"] == 0 for a in leaves)
    pauses = [d for d in dialogs(card) if d["dialog"] == answers.PAUSE_DIALOG]
    assert sorted(d["program_id"] for d in pauses) == [7, 8]
    assert any(d["dialog"] == answers.PROFILE_DIALOG for d in dialogs(card))
    # the partner by name (escaped), the forgotten one as "a former member"
    assert r"Bertil \_Berg\_ (Nykarleby bibliotek)" in text
    assert translator("sv")("a former member") in text
    assert "Anna Andersson" in text  # greeted by name


def test_an_admins_home_shows_the_programs_status_and_pages() -> None:
    card = admin_home("en")
    text = strings_in(card)
    assert "🛠 For the AKE team" in text
    assert "Taking part: 12, on a break: 3" in text
    assert "**Fika Österbotten** – every week on Monday at 09:00, in pairs" in text
    assert "2 tips are waiting for review" in text
    assert "Showing 5–6 of 9" in text
    joins = [a for a in executes(card) if a["verb"] == home.JOIN]
    assert sorted(a["data"]["program_id"] for a in joins) == [7, 8]
    assert all(a["data"]["p"] == 4 for a in joins)
    pages = [a["data"] for a in executes(card) if a["verb"] == home.PAGE]
    assert sorted(p["p"] for p in pages) == [0, 8]
    assert "You're in!" in text  # the notice


def test_the_home_reads_the_page_and_program_a_click_names() -> None:
    assert home.home_offset({"p": 8}) == 8
    assert home.home_offset({"p": "8"}) == 0 and home.home_offset({"p": True}) == 0
    assert home.home_offset(None) == 0 and home.home_offset({"p": -4}) == 0
    assert home.program_named({"program_id": 7}) == 7
    assert home.program_named({"program_id": "12"}) == 12
    for odd in ({"program_id": "x"}, {"program_id": True}, {}, None, {"program_id": 0}):
        assert home.program_named(odd) is None


# ---------------------------------------------------------------------------- help


def test_help_lists_what_the_reader_may_do_in_their_words() -> None:
    member_help = strings_in(help.help_card(tt("fi"), [(FIKA, {Role.MEMBER})]))
    assert "**liity**" in member_help and "**aloita**" not in member_help
    admin_help = strings_in(help.help_card(tt("fi"), [(FIKA, set(Role))]))
    assert "**aloita** — " in admin_help and translator("fi")("(admins)") in admin_help
    only = strings_in(help.help_card(tt("en"), [(FIKA, set(Role))], only={"join"}))
    assert "**join**" in only and "**start**" not in only and "**leave**" not in only


def test_help_says_the_unknown_word_as_plain_text_and_help_once() -> None:
    card = help.help_card(
        tt("en"), [(FIKA, {Role.MEMBER}), (TIPS, {Role.MEMBER})], unknown_word="**x** [y](z)"
    )
    text = strings_in(card)
    assert r"“\*\*x\*\* \[y\]\(z\)”" in text
    assert text.count("**help** — ") == 1
    assert "@Fika help" in text


# ---------------------------------------------------------------------------- dialogs


def test_the_profile_dialog_has_the_slack_modals_fields_and_limits() -> None:
    card = answers.profile_dialog(tt("sv"), libraries(), libraries()[1], ["sv", "en"], None)
    inputs = {e["id"]: e for e in card["body"] if str(e.get("type", "")).startswith("Input.")}
    assert set(inputs) == {"library", "library_typed", "languages", "message_locale"}
    assert inputs["library"]["value"] == "2"
    assert [c["value"] for c in inputs["library"]["choices"]] == ["1", "2", "3"]
    assert inputs["library_typed"]["maxLength"] == 200
    assert inputs["languages"]["isRequired"] and inputs["languages"]["value"] == "sv,en"
    assert inputs["message_locale"]["value"] == "auto"
    assert card["actions"][0]["data"] == {"dialog": "profile"}
    typed = answers.profile_dialog(tt("en"), [], typed_library(), ["fi"], "en")
    fields = {e["id"]: e for e in typed["body"] if "id" in e}
    assert fields["library_typed"]["value"] == "Bokbussen & Co"
    assert fields["library_typed"]["label"] == "Your library"


def test_many_libraries_keep_the_dialog_under_teams_size() -> None:
    many = [
        Library(id=i, team_id="f" * 32, name_sv=f"Bibliotek nummer {i}", curated=True)
        for i in range(1, 400)
    ]
    card = valid(answers.profile_dialog(tt("sv"), many, many[300], ["sv"], None))
    choices = card["body"][1]["choices"]
    assert len(choices) == answers.LIBRARY_CHOICES_MAX + 1  # the current one added
    assert card["body"][1]["value"] == "301"


def test_profile_values_read_a_crafted_submission_as_empty() -> None:
    assert answers.profile_values(
        {"library": "2", "library_typed": " Kronoby ", "languages": "sv,fi", "message_locale": "fi"}
    ) == {
        "library_id": "2",
        "typed_library": " Kronoby ",
        "languages": ["sv", "fi"],
        "message_locale": "fi",
    }
    assert answers.profile_values({"library": 3, "languages": ["sv"], "message_locale": None}) == {
        "library_id": None,
        "typed_library": "",
        "languages": [],
        "message_locale": "auto",
    }


def test_the_pause_dialog_is_a_date_between_tomorrow_and_the_longest_break() -> None:
    card = answers.pause_dialog(
        tt("fi"), None, date(2026, 12, 21), date(2026, 12, 8), date(2027, 12, 6), error="x"
    )
    field = card["body"][0]
    assert field["type"] == "Input.Date" and field["id"] == "until"
    assert (field["value"], field["min"], field["max"]) == (
        "2026-12-21",
        "2026-12-08",
        "2027-12-06",
    )
    assert card["actions"][0]["data"] == {"dialog": "pause"}
    one = answers.pause_dialog(tt("fi"), 7, date(2026, 12, 21), date(2026, 12, 8), date(2027, 1, 1))
    assert one["actions"][0]["data"] == {"dialog": "pause", "program_id": 7}


def test_only_what_starts_a_line_is_kept_from_becoming_a_list() -> None:
    fi = tt("fi")
    heading = answers.program_heading(fi, program(channel=CHANNEL))
    assert "klo 9.00" in heading and "\\." not in heading
    start = fi("{refusal} Programs: {channels}", refusal="1. kaffe", channels="- x")
    assert start.startswith("1\\. kaffe") and start.endswith(": - x")
