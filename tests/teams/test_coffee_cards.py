"""The coffee cards of Teams (bot.teams.cards.coffee): valid Adaptive Cards under Teams' size
limit in every language, the Slack views' sentences, people's own text shown as text, and the
deep link and verbs the Teams side relies on."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bot.coffee.models import CoffeeProgram
from bot.coffee.round_store import MET, NOT_MET, RoundSummary
from bot.coffee.schedule import Slot
from bot.platform.i18n import translator
from bot.teams.cards import coffee as cards
from bot.teams.cards.coffee import CardPerson, FailedIntro

LOCALES = ("sv", "fi", "en")
MAX_BYTES = 28 * 1024
LONG = "Åsa-Maria Östergård-Väänänen af Ljungqvist " * 4  # 176 characters
LONG_LIBRARY = "Kyrkslätts kommunala huvudbibliotek och filialbibliotek i Masaby " * 3


def card_problems(card: dict[str, Any]) -> list[str]:
    from bot.teams import validation

    check = getattr(validation, "card_problems", None)
    if check is None:  # lands with the fake connector (branch h-fake)
        pytest.skip("bot.teams.validation.card_problems is not on this branch yet")
    return list(check(card))


def trio() -> list[CardPerson]:
    return [
        CardPerson("a" * 32, LONG + "A", LONG_LIBRARY, LONG_LIBRARY + "fi", "anna@lib.example"),
        CardPerson(
            "b" * 32, LONG + "B", "Vasa stadsbibliotek", "Vaasan kaupunginkirjasto", "bo@x.fi"
        ),
        CardPerson("c" * 32, LONG + "C", None, None, "cecilia@lib.example"),
    ]


def text_of(card: dict[str, Any]) -> str:
    return "\n".join(str(b.get("text", "")) for b in card["body"])


def every_card(t_locale: str) -> list[tuple[str, dict[str, Any]]]:
    t = translator(t_locale)
    people = trio()
    program = CoffeeProgram(
        id=7, team_id="f" * 32, channel_id="e" * 32, weekday=0, hour=9, minute=0,
        interval_weeks=2, group_size=3, tz="Europe/Helsinki", anchor_week=date(2026, 11, 30),
    )  # fmt: skip
    slot = Slot("2026-W51", datetime(2026, 12, 14, 7, tzinfo=UTC), date(2026, 12, 14))
    summary = RoundSummary(people=9, groups=4, sizes=Counter({2: 3, 3: 1}), failed=2)
    failed = [
        FailedIntro(people, cards.NOT_INSTALLED, [people[2]]),
        FailedIntro(people[:2], "ConversationBlockedByUser"),
        FailedIntro(people[:2], "Strange<Error>*"),
    ]
    return [
        cards.intro_card(t, people, people[0].user_id, people[1].user_id, "digital-tool"),
        cards.intro_card(t, people[:2], people[1].user_id, people[0].user_id, None),
        cards.alone_card(t, LONG),
        cards.followup_card(t, 5, date(2026, 12, 7)),
        cards.followup_card(
            t, 5, date(2026, 12, 7), outcome=MET, answered_by=people[2], tip_wish_by=people[0]
        ),
        cards.gathering_card(t),
        cards.progress_card(t, 3, 40),
        cards.not_run_card(t, None),
        cards.not_run_card(t, "Forbidden"),
        cards.summary_card(t, summary),
        cards.summary_card(t, RoundSummary(alone=1)),
        cards.failure_card(t, LONG, failed * 20),
        cards.welcome_card(t, program, LONG, slot),
    ]


@pytest.mark.parametrize("locale", LOCALES)
def test_every_card_is_valid_and_small(locale: str) -> None:
    for summary, card in every_card(locale):
        assert summary and "\\" not in summary  # a notification is plain text
        assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
        assert len(json.dumps(card, ensure_ascii=False).encode()) < MAX_BYTES
    for _, card in every_card(locale):
        assert card_problems(card) == []


def test_the_intro_names_the_group_the_host_and_the_libraries_in_the_readers_language() -> None:
    people = trio()
    for locale, title, unset in (
        ("sv", "**Dags för kaffepaus!**", "biblioteket inte angivet ännu"),
        ("fi", "**Kahvihetken aika!**", None),
        ("en", "**Time for fika!**", "library not set yet"),
    ):
        t = translator(locale)
        _, card = cards.intro_card(t, people, people[0].user_id, people[1].user_id, "digital-tool")
        text = text_of(card)
        assert title in text, text
        if unset:
            assert unset in text
        assert t("Which tool or app has made your everyday work easier lately?") in text
        # the host's sentence names the host
        assert (
            t(
                "{person}, could you propose a time that suits everyone? Fifteen minutes on a "
                "video call is plenty.",
                person=cards.shown_name(t, people[1]),
            )
            in text
        )
    fi = text_of(cards.intro_card(translator("fi"), people, "a" * 32, None, None)[1])
    assert "Vaasan kaupunginkirjasto" in fi and "Vasa stadsbibliotek" not in fi


def test_the_chat_button_opens_a_chat_with_the_others_named_after_the_group() -> None:
    people = trio()
    t = translator("sv")
    _, card = cards.intro_card(t, people, people[0].user_id, people[0].user_id, None)
    [button] = card["actions"]
    assert button["type"] == "Action.OpenUrl"
    url = urlsplit(button["url"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://teams.microsoft.com/l/chat/0/0"
    query = parse_qs(url.query)
    assert query["users"] == ["bo@x.fi,cecilia@lib.example"]  # the reader is added by Teams
    assert query["topicName"][0].startswith("☕ Fika: Åsa-Maria")
    assert len(query["topicName"][0]) <= cards.TOPIC_MAX
    # A pair: a 1:1 chat with the other person, no topic.
    _, pair = cards.intro_card(t, people[:2], people[1].user_id, None, None)
    [button] = pair["actions"]
    assert parse_qs(urlsplit(button["url"]).query) == {"users": ["anna@lib.example"]}
    # Nobody else has a UPN: no button rather than a broken link.
    no_upn = [CardPerson("a" * 32, "A", upn="a@x"), CardPerson("b" * 32, "B")]
    assert "actions" not in cards.intro_card(t, no_upn, "a" * 32, None, None)[1]


def test_peoples_own_text_is_shown_as_text_not_markup() -> None:
    sly = CardPerson("d" * 32, "**Boss** [click](https://evil.example)\n# big", "_lib_ <b>")
    other = CardPerson("e" * 32, "Eva", "Lib", upn="eva@x")
    t = translator("en")
    summary, card = cards.intro_card(t, [sly, other], other.user_id, sly.user_id, None)
    text = text_of(card)
    assert "**Boss**" not in text and "[click](" not in text and "\n#" not in text
    assert r"\*\*Boss\*\* \[click\]\(https://evil.example\) \# big" in text
    assert r"\_lib\_ \<b\>" in text
    assert "**Boss** [click](https://evil.example) # big" in summary  # plain text, as written


def test_forgotten_and_unknown_people_are_named_so() -> None:
    t = translator("sv")
    former = CardPerson("former-abc", None, former=True)
    unknown = CardPerson("u" * 32, None)
    _, card = cards.followup_card(t, 1, date(2026, 12, 7), outcome=NOT_MET, answered_by=former)
    assert "en tidigare medlem" in text_of(card)
    assert cards.shown_name(t, unknown) == t(cards.A_COLLEAGUE)


def test_followup_buttons_are_verbs_with_the_group_and_the_answered_card_offers_a_tip() -> None:
    t = translator("fi")
    _, asking = cards.followup_card(t, 42, date(2026, 12, 7))
    verbs = [(a["type"], a["verb"], a["data"]) for a in asking["actions"]]
    assert verbs == [
        ("Action.Execute", "coffee.met", {"group_id": 42}),
        ("Action.Execute", "coffee.not_met", {"group_id": 42}),
    ]
    assert [a["title"] for a in asking["actions"]] == [t("Yes, we met"), t("Not this time")]
    assert "maanantai 7. joulukuuta" in text_of(asking)
    answerer = CardPerson("a" * 32, "Aino")
    _, answered = cards.followup_card(t, 42, date(2026, 12, 7), outcome=MET, answered_by=answerer)
    # After "we met" only the tip button is left (a dialog, not an answer).
    assert [(a["type"], a["data"]) for a in answered["actions"]] == [
        (
            "Action.Submit",
            {"msteams": {"type": "task/fetch"}, "dialog": "coffee.tip", "group_id": 42},
        )
    ]
    assert answered["actions"][0]["title"] == t("Share a tip from our chat")
    assert f"Aino: **{t('Yes, we met')}**" in text_of(answered) or (
        "Aino" in text_of(answered) and f"**{t('Yes, we met')}**" in text_of(answered)
    )
    _, not_met = cards.followup_card(
        t, 42, date(2026, 12, 7), outcome=NOT_MET, answered_by=answerer
    )
    assert f"**{t('Not this time')}**" in text_of(not_met)
    assert "actions" not in not_met


def test_slack_bold_becomes_teams_bold_and_other_stars_stay() -> None:
    t = translator("en")
    assert cards._md(t, "*Next round:* {when}", when="*x*") == "**Next round:** *x*"
    assert cards._md(t, "Groups: {groups}.", groups="a") == "Groups: a."


def test_the_failure_report_names_who_has_not_installed_fika() -> None:
    anna = CardPerson("a" * 32, "Anna")
    bo = CardPerson("b" * 32, "Bo")
    cilla = CardPerson("c" * 32, "Cilla")
    t = translator("en")
    summary, card = cards.failure_card(
        t,
        "Fika Ostrobothnia",
        [
            FailedIntro([anna, bo, cilla], cards.NOT_INSTALLED, [bo, cilla]),
            FailedIntro([anna], "X"),
        ],
    )
    text = text_of(card)
    assert "Bo and Cilla have not installed Fika in Teams" in text
    assert "- Anna: Teams refused it (X)" in text
    assert "Fika Ostrobothnia" in summary and "2 introductions" in summary
    one = cards.failure_card(t, "C", [FailedIntro([anna, bo], cards.NOT_INSTALLED, [bo])])[1]
    assert "Bo has not installed Fika in Teams" in text_of(one)


@pytest.mark.parametrize("locale", ("sv", "fi"))
def test_who_has_not_installed_fika_is_said_in_the_admins_language(locale: str) -> None:
    t = translator(locale)
    english = translator("en")
    bo, cilla = CardPerson("b" * 32, "Bo"), CardPerson("c" * 32, "Cilla")
    for people in ([bo], [bo, cilla]):
        failed = FailedIntro(people, cards.NOT_INSTALLED, people)
        said = cards.reason(t, failed)
        assert "Bo" in said and said != cards.reason(english, failed)
        assert "installed" not in said


def test_the_summary_says_teams_not_slack() -> None:
    for locale in LOCALES:
        t = translator(locale)
        head, card = cards.summary_card(
            t, RoundSummary(people=7, groups=3, sizes=Counter({2: 2, 3: 1}), failed=1)
        )
        text = text_of(card)
        assert "Slack" not in text
        assert head in text and t("Have a nice fika!") in text


def test_a_long_failure_report_sums_up_the_rest_and_stays_small() -> None:
    eight = [CardPerson(f"{i:032x}", "Ö" * 200) for i in range(8)]
    t = translator("fi")
    _, card = cards.failure_card(t, "C", [FailedIntro(eight, "X")] * 60)
    assert len(json.dumps(card, ensure_ascii=False).encode()) < MAX_BYTES
    listed = sum(line.startswith("- ") for line in card["body"][1]["text"].splitlines())
    assert 0 < listed < 40
    assert t.ngettext("… and {n} more group.", "… and {n} more groups.", 60 - listed) in text_of(
        card
    )
