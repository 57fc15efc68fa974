"""The tips' Adaptive Cards for Teams (bot/teams/cards/tips.py): valid 1.5 cards under Teams'
size limit in every language, the Slack modal's limits on the form's inputs, the role-dependent
review card, the digest split into cards that fit, and a person's text never read as markup."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.people.models import Library
from bot.platform.i18n import translator
from bot.teams.cards import tips as cards
from bot.teams.validation import card_problems
from bot.tips.effects import Digest
from bot.tips.models import Tip, TipSource, TipStatus
from bot.tips.results import TipForm, TipList
from bot.tips.search import SearchResult
from bot.tips.store import (
    CATEGORIES,
    DESCRIPTION_MAX,
    LIBRARY_NAME_MAX,
    LINK_MAX,
    NOTE_MAX,
    TITLE_MAX,
    FieldError,
    Page,
)

TZ = ZoneInfo("Europe/Helsinki")
LOCALES = ("sv", "fi", "en")
WHEN = datetime(2026, 12, 7, 8, 30, tzinfo=UTC)
AUTHOR = "a" * 32
CURATOR = "c" * 32
NAMES = {AUTHOR: "Aino Author", CURATOR: "Rea Reviewer"}
CURATOR_IDS = ["29:curator-1", "29:curator-2"]

#: What a person might type that Teams would render as markup or a mention.
INJECTION = "**bold** _it_ [click](https://evil.example) <at>Fika</at> `code`\n- item\n1. first"


def problems(card: dict[str, Any]) -> list[str]:
    return card_problems(card)


def tip(**fields: Any) -> Tip:
    values: dict[str, Any] = {
        "id": 42,
        "team_id": "t" * 32,
        "author_id": AUTHOR,
        "title": "Läsecirkel för nyanlända",
        "description": "Vi startade en läsecirkel på lätt svenska i biblioteket.",
        "category": "participation",
        "library_name": "Åbo stadsbibliotek",
        "link": "https://example.org/lasecirkel",
        "language": "sv",
        "status": TipStatus.PENDING.value,
        "source_kind": TipSource.COMMAND.value,
        "source_ref": None,
        "created_at": WHEN,
        "decided_at": None,
        "decided_by": None,
        "decision_note": None,
    }
    values.update(fields)
    return Tip(**values)


def approved(**fields: Any) -> Tip:
    decided = {
        "status": TipStatus.APPROVED.value,
        "decided_at": WHEN + timedelta(hours=2),
        "decided_by": CURATOR,
    }
    return tip(**{**decided, **fields})


def rejected(**fields: Any) -> Tip:
    decided = {
        "status": TipStatus.REJECTED.value,
        "decided_at": WHEN + timedelta(hours=3),
        "decided_by": CURATOR,
        "decision_note": "Inte riktigt än — berätta mer om hur det gick.",
    }
    return tip(**{**decided, **fields})


def libraries() -> tuple[Library, ...]:
    return (
        Library(id=1, team_id="t" * 32, name_sv="Borgå stadsbibliotek", name_fi="Porvoon kirjasto"),
        Library(id=2, team_id="t" * 32, name_sv="Åbo stadsbibliotek", name_fi="Turun kirjasto"),
    )


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def shown_texts(card: dict[str, Any]) -> list[str]:
    """What Teams renders as markdown: TextBlocks' text and facts' values."""
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            if "facts" in node:
                found.extend(f["value"] for f in node["facts"])
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def elements(card: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == kind:
                found.append(node)
            for item in node.values():
                walk(item)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(card)
    return found


def every_card(locale: str, text: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    t = translator(locale)
    title = text or "Läsecirkel"
    form = TipForm(libraries=libraries(), library_id=2)
    yield "form", cards.tip_form_card(t, form)
    shared = TipForm(
        title=title,
        description=text or "Ett meddelande",
        link="https://teams.microsoft.com/l/message/19:abc/1700000000000",
        source=TipSource.SHORTCUT.value,
        source_ref="https://teams.microsoft.com/l/message/19:abc/1700000000000",
    )
    yield "form from a message", cards.tip_form_card(t, shared)
    errors = cards.form_errors(
        t,
        {
            "title": FieldError("Please give the tip a title."),
            "link": FieldError("The link must be a web address starting with http:// or https://."),
        },
        library_select=True,
    )
    yield (
        "form with errors",
        cards.tip_form_card(
            t, form, values={"title": "", "link": text or "ftp://x"}, errors=errors
        ),
    )
    for state, item in (
        ("pending", tip(title=title, description=text or "x")),
        ("approved", approved(title=title, library_name=text or None)),
        ("rejected", rejected(title=title, decision_note=text or "nej")),
    ):
        for curator in (False, True):
            yield (
                f"review {state} curator={curator}",
                cards.review_card(t, item, TZ, NAMES, curator=curator, curator_ids=CURATOR_IDS),
            )
    yield (
        "refused",
        cards.review_card(
            t,
            tip(title=title),
            TZ,
            NAMES,
            curator=False,
            notice=t(
                "Sorry, only the AKE team (the members of the review channel) can review tips. "
                "Nothing was changed."
            ),
        ),
    )
    yield "refusal", cards.refusal_card(t, t(cards.NO_SUCH_TIP))
    yield "thanks", cards.thanks_card(t, tip(title=title))
    yield "approved notice", cards.decision_card(t, approved(title=title))
    yield (
        "rejected notice",
        cards.decision_card(t, rejected(title=title, decision_note=text or "nej")),
    )
    groups = [("participation", [approved(id=i, title=f"{title} {i}") for i in range(3)])]
    for i, digest in enumerate(cards.digest_cards(t, Digest(groups, NAMES))):
        yield f"digest {i}", digest
    found = SearchResult([approved(title=title)], 1, 0, 8, ["läse"], True)
    yield "search", cards.tip_list_card(t, TipList("search", text or "läse", found), TZ, NAMES)
    nothing = SearchResult([], 0, 0, 8, ["xyz"], True)
    yield "search, none", cards.tip_list_card(t, TipList("search", "xyz", nothing), TZ, NAMES)
    no_words = SearchResult([], 0, 0, 8, [], True)
    yield "search, no words", cards.tip_list_card(t, TipList("search", "", no_words), TZ, NAMES)
    page = Page([tip(title=title), rejected(id=43, title=title)], 20, 8, 8)
    yield "mine", cards.tip_list_card(t, TipList("mine", "", page), TZ, NAMES)
    yield "latest", cards.tip_list_card(t, TipList("latest", "", Page([], 0, 0, 8)), TZ, NAMES)
    yield "review list", cards.review_list_card(t, Page([tip(title=title)], 11, 0, 10), TZ, NAMES)
    yield "review list, empty", cards.review_list_card(t, Page([], 0, 0, 10), TZ, NAMES)
    yield "export", cards.export_intro_card(t, 3, "fika-tips-2026.csv")


@pytest.mark.parametrize("locale", LOCALES)
def test_every_card_is_valid_and_fits(locale: str) -> None:
    for name, card in every_card(locale):
        assert problems(card) == [], name
        assert cards.card_size(card) < cards.CARD_LIMIT, name
        assert card["$schema"] == cards.SCHEMA and card["version"] == "1.5", name


@pytest.mark.parametrize("locale", LOCALES)
def test_a_persons_text_is_never_markup(locale: str) -> None:
    for name, card in every_card(locale, INJECTION):
        assert problems(card) == [], name
        for text in shown_texts(card):
            assert "**bold**" not in text, name
            assert "[click](https://evil.example)" not in text, name
            assert "<at>Fika</at>" not in text, name
            assert "\n- item" not in text and "\n1. first" not in text, name


def test_the_slack_sentences_are_worded_for_teams() -> None:
    sv = translator("sv")
    assert "`tips sök läsning`" in cards.say(
        sv, "Type some words to search for, e.g. `/tips search reading`."
    )
    heading = cards.say(sv, "*New tip for review* (#{id})", id=7)
    assert heading == "**Nytt tips att granska** (#7)"
    # A person's stars stay as they were given (escaped), however the sentence is rewritten.
    text = cards.say(sv, "*Tip* (#{id})", id="*a* /tips")
    assert text == "**Tips** (#*a* /tips)"
    fi = translator("fi")
    assert cards.say(fi, "the /tips command") == "tips-komento"


def test_the_form_has_the_slack_modals_limits() -> None:
    t = translator("en")
    card = cards.tip_form_card(t, TipForm(libraries=libraries(), library_id=2))
    inputs = {e["id"]: e for e in elements(card, "Input.Text") + elements(card, "Input.ChoiceSet")}
    assert set(inputs) == set(cards.FIELDS)
    assert inputs["title"]["maxLength"] == TITLE_MAX
    assert inputs["description"]["maxLength"] == DESCRIPTION_MAX
    assert inputs["description"]["isMultiline"] is True
    assert inputs["library_other"]["maxLength"] == LIBRARY_NAME_MAX
    assert inputs["link"]["maxLength"] == LINK_MAX
    required = {name for name, e in inputs.items() if e["isRequired"]}
    assert required == {"title", "description", "category", "language"}
    assert all(e["errorMessage"] for e in inputs.values())
    assert inputs["title"]["errorMessage"] == "Please give the tip a title."
    assert [c["value"] for c in inputs["category"]["choices"]] == [c.key for c in CATEGORIES]
    assert [c["value"] for c in inputs["library"]["choices"]] == ["1", "2", "other"]
    assert inputs["library"]["value"] == "2"
    assert inputs["language"]["value"] == "en"
    (submit,) = card["actions"]
    assert submit["type"] == "Action.Submit"
    assert submit["data"] == {"dialog": cards.DIALOG_TIP, "s": TipSource.COMMAND.value}


def test_without_libraries_the_library_name_is_required() -> None:
    card = cards.tip_form_card(translator("sv"), TipForm())
    (library,) = [e for e in elements(card, "Input.Text") if e["id"] == "library_other"]
    assert library["isRequired"] is True and library["label"] == "Bibliotek"
    assert not [e for e in elements(card, "Input.ChoiceSet") if e["id"] == "library"]


def test_a_message_prefills_the_form_with_its_text_and_link() -> None:
    link = "https://teams.microsoft.com/l/message/19:abc/1700000000000"
    form = TipForm(
        title="Vi lånar ut symaskiner.",
        description="Vi lånar ut symaskiner. Det är populärt!",
        link=link,
        source=TipSource.SHORTCUT.value,
        source_ref=link,
    )
    card = cards.tip_form_card(translator("sv"), form)
    inputs = {e["id"]: e for e in elements(card, "Input.Text")}
    assert inputs["title"]["value"] == "Vi lånar ut symaskiner."
    assert inputs["description"]["value"] == "Vi lånar ut symaskiner. Det är populärt!"
    assert inputs["link"]["value"] == link
    assert card["body"][0]["text"] == translator("sv")(cards.FROM_TEAMS_MESSAGE)
    assert card["actions"][0]["data"] == {"dialog": cards.DIALOG_TIP, "s": "shortcut", "r": link}


def test_errors_are_shown_under_their_inputs_with_what_was_typed() -> None:
    t = translator("fi")
    errors = cards.form_errors(
        t,
        {
            "title": FieldError("Please give the tip a title."),
            "library": FieldError("Please choose a library from the list."),
        },
        library_select=False,
    )
    assert set(errors) == {"title", "library_other"}
    card = cards.tip_form_card(
        t, TipForm(), values={"title": "", "description": "Kirjoitin tämän"}, errors=errors
    )
    body = card["body"]
    ids = [e.get("id") for e in body]
    title_at = ids.index("title")
    assert body[title_at + 1]["text"] == t("Please give the tip a title.")
    assert body[title_at + 1]["color"] == "attention"
    library_at = ids.index("library_other")
    assert body[library_at + 1]["text"] == t("Please choose a library from the list.")
    description = body[ids.index("description")]
    assert description["value"] == "Kirjoitin tämän"


def test_the_review_card_differs_by_role() -> None:
    t = translator("sv")
    pending = tip()
    public = cards.review_card(t, pending, TZ, NAMES, curator=False, curator_ids=CURATOR_IDS)
    assert "actions" not in public
    assert public["refresh"] == {
        "action": {"type": "Action.Execute", "verb": cards.VERB_CARD, "data": {"tip_id": 42}},
        "userIds": CURATOR_IDS,
    }
    assert t("Waiting for review") in " ".join(shown_texts(public))
    mine = cards.review_card(t, pending, TZ, NAMES, curator=True, curator_ids=CURATOR_IDS)
    assert mine["refresh"] == public["refresh"]
    approve, reject, edit = mine["actions"]
    assert (approve["type"], approve["verb"], approve["data"]) == (
        "Action.Execute",
        cards.VERB_APPROVE,
        {"tip_id": 42},
    )
    assert approve["title"] == "Godkänn"
    assert reject["type"] == "Action.ShowCard"
    (reason,) = reject["card"]["body"]
    assert reason["id"] == "reason" and reason["isRequired"] and reason["maxLength"] == NOTE_MAX
    (send,) = reject["card"]["actions"]
    assert (send["verb"], send["data"]) == (cards.VERB_REJECT, {"tip_id": 42})
    assert edit["card"]["actions"][0]["verb"] == cards.VERB_EDIT


def test_refresh_names_at_most_sixty_curators() -> None:
    many = [f"29:{i}" for i in range(80)]
    card = cards.review_card(translator("en"), tip(), TZ, NAMES, curator=False, curator_ids=many)
    assert card["refresh"]["userIds"] == many[:60]


@pytest.mark.parametrize("locale", LOCALES)
def test_a_decided_card_says_who_and_when_in_the_readers_language(locale: str) -> None:
    t = translator(locale)
    card = cards.review_card(t, approved(), TZ, NAMES, curator=True, curator_ids=CURATOR_IDS)
    assert "refresh" not in card  # the same for everyone now
    expected = t(
        "Approved by {who} on {when}",
        who="Rea Reviewer",
        when=t.datetime(WHEN + timedelta(hours=2), TZ),
    )
    assert any(expected in text for text in shown_texts(card))
    assert [a["title"] for a in card["actions"]] == [t("Edit")]  # no Approve/Reject any more
    no = cards.review_card(t, rejected(), TZ, NAMES, curator=False)
    texts = " ".join(shown_texts(no))
    assert (
        t(
            "Not approved by {who} on {when}",
            who="Rea Reviewer",
            when=t.datetime(WHEN + timedelta(hours=3), TZ),
        )
        in texts
    )
    assert "berätta mer" in texts


def test_the_sentences_are_translated() -> None:
    headings = {
        locale: cards.review_card(translator(locale), tip(), TZ, NAMES, curator=False)["body"][0][
            "text"
        ]
        for locale in LOCALES
    }
    assert len(set(headings.values())) == 3
    assert headings["en"] == "💡 **New tip for review** (#42)"


def test_a_former_member_is_not_named() -> None:
    t = translator("en")
    card = cards.review_card(t, tip(author_id="former-abc123"), TZ, NAMES, curator=False)
    facts = {f["title"]: f["value"] for f in elements(card, "FactSet")[0]["facts"]}
    assert facts["Sent by"] == "a former member"


def test_a_big_digest_is_split_into_cards_that_fit() -> None:
    t = translator("fi")
    groups = [
        (
            category.key,
            [
                approved(id=100 * n + i, title=f"Vinkki {n}-{i}", description="å" * 500)
                for i in range(12)
            ],
        )
        for n, category in enumerate(CATEGORIES)
    ]
    digest = cards.digest_cards(t, Digest(groups, NAMES))
    assert len(digest) > 1
    for card in digest:
        assert cards.card_size(card) <= cards.CARD_BUDGET
        assert problems(card) == []
    titles = [text for card in digest for text in shown_texts(card) if text.startswith("Vinkki ")]
    expected = [
        f"Vinkki {n}-{i} — Åbo stadsbibliotek" for n in range(len(CATEGORIES)) for i in range(12)
    ]
    assert titles == expected  # every tip once, in order
    # Every card but the first starts with the digest's title, then the category it continues.
    for card in digest[1:]:
        assert card["body"][0]["text"].endswith(t("Good practice of the week"))
        assert card["body"][1]["size"] == "medium"


def test_a_small_digest_is_one_card_naming_authors() -> None:
    t = translator("sv")
    digest = cards.digest_cards(t, Digest([("talent", [approved()])], NAMES))
    assert len(digest) == 1
    texts = " ".join(shown_texts(digest[0]))
    assert t("Shared by {author}", author="Aino Author") in texts
    assert "`tips sök`" in texts  # the command as typed on Teams
    assert "<at>" not in json.dumps(digest)


def test_the_export_is_split_between_rows() -> None:
    rows = ['1;"a\r\nb";x\r\n'] + [f"{i};{'ö' * 300};y\r\n" for i in range(2, 200)]
    text = "ID;Title;More\r\n" + "".join(rows)
    chunks = cards.export_chunks(text, budget=4000)
    assert len(chunks) > 1
    assert "".join(chunks) == text
    assert all(len(c.encode()) <= 4000 for c in chunks)
    assert all(c.endswith("\r\n") for c in chunks)
    assert '"a\r\nb"' in chunks[0]  # a quoted line break stays inside its row


@pytest.mark.parametrize("locale", LOCALES)
def test_lists_page_with_execute_buttons(locale: str) -> None:
    t = translator(locale)
    found = SearchResult([approved()], 20, 8, 8, ["läse"], False)
    card = cards.tip_list_card(t, TipList("search", "läse*", found), TZ, NAMES)
    previous, following = card["actions"]
    assert previous["verb"] == following["verb"] == cards.VERB_PAGE
    assert previous["data"] == {"k": "search", "q": "läse", "o": 0}
    assert following["data"] == {"k": "search", "q": "läse", "o": 16}
    texts = " ".join(shown_texts(card))
    assert "läse\\*" in texts
    assert t("No tip has all the words; these have some of them.") in texts
