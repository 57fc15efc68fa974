"""Words as the region writes them: the glossary, language names, command words, CSV files."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel import Locale

from bot.coffee.commands import FIKA
from bot.coffee.stats import CoffeeStats, RoundFigures
from bot.coffee.views.messages import profile_saved_text, status_blocks
from bot.coffee.views.stats import stats_csv
from bot.platform.catalogs import load
from bot.platform.commands import fold
from bot.platform.config import SUPPORTED_LOCALES
from bot.platform.i18n import LANGUAGE_NAMES, translator
from bot.tips import export as tip_export
from bot.tips.commands import TIPS
from bot.tips.models import Tip, TipStatus

ROOT = Path(__file__).resolve().parents[2]
HELSINKI = ZoneInfo("Europe/Helsinki")


# ---------------------------------------------------------------------------- the glossary


def _avoid_lists() -> dict[str, list[str]]:
    """The glossary's "Avoid" bullets per language: {"sv": [...], "fi": [...], "en": [...]}."""
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    section = text.split("## Avoid", 1)[1]
    lists: dict[str, list[str]] = {}
    current = ""
    for line in section.splitlines():
        heading = re.match(r"^(Svenska|Suomi|English)\b", line)
        if heading:
            current = {"Svenska": "sv", "Suomi": "fi", "English": "en"}[heading.group(1)]
            lists[current] = []
        elif line.startswith("- ") and current:
            lists[current].append(line[2:].strip())
    return lists


def _texts(locale: str) -> list[tuple[str, str]]:
    """(msgid, each msgstr form) of a catalog; for "en" the msgids themselves."""
    found = []
    for msg in load(locale):
        if not msg.id:
            continue
        msgid = msg.id if isinstance(msg.id, str) else msg.id[0]
        forms = [msg.string] if isinstance(msg.string, str) else list(msg.string)
        if locale == "en":
            forms = [msg.id] if isinstance(msg.id, str) else list(msg.id)
        found += [(msgid, form) for form in forms]
    return found


# The product and its command are not the word for the break.
_PRODUCT = re.compile(r"`[^`]*`|/fika\b|@Fika\b|\bFika(?:s|n|a|lla|sta|an)?\b(?!\w)|\bFika-")


def _offending(text: str, word: str) -> bool:
    text = _PRODUCT.sub(" ", text)
    return re.search(r"(?<![\w/-])" + re.escape(word), text, re.IGNORECASE) is not None


def test_the_glossary_has_avoid_lists_for_each_language() -> None:
    lists = _avoid_lists()
    assert {"sv", "fi", "en"} <= lists.keys()
    assert "distansfika" in lists["sv"] and "luokka" in lists["fi"]
    assert "development team" in lists["en"]


@pytest.mark.parametrize("locale", ["sv", "fi", "en"])
def test_no_catalog_uses_a_word_the_glossary_avoids(locale: str) -> None:
    avoid = _avoid_lists()[locale]
    hits = [
        (word, text) for _msgid, text in _texts(locale) for word in avoid if _offending(text, word)
    ]
    assert hits == []


def test_the_product_name_is_not_an_offending_word() -> None:
    assert not _offending("Fika skriver nu till dig. Skriv `/fika hjälp`. Fikas profil.", "fika")
    assert _offending("Trevlig fika!", "fika") and _offending("Fikarundan börjar", "fikarunda")


def test_a_sentence_never_starts_with_a_name_that_may_be_a_former_member() -> None:
    """A `{person}` or `{who}` can be "entinen jäsen" / "en tidigare medlem": lower case."""
    for locale in ("sv", "fi"):
        for msgid, text in _texts(locale):
            if "{person}," in msgid:  # "{person}, could you propose…": a living colleague
                continue
            start = re.sub(r"^[^\w{]+", "", text)
            assert not start.startswith(("{person}", "{who}")), (locale, text)


# ---------------------------------------------------------------------------- language names


def _babel(code: str, reader: str) -> str:
    return str(Locale.parse(code).get_display_name(translator(reader).babel_locale))


@pytest.mark.parametrize("reader", SUPPORTED_LOCALES)
def test_language_names_in_running_text_come_from_babel(reader: str) -> None:
    t = translator(reader)
    text = profile_saved_text(t, "Borgå stadsbibliotek", ["sv", "fi"], "fi")
    chat = t.list([_babel("sv", reader), _babel("fi", reader)])
    assert chat in text and _babel("fi", reader) in text.splitlines()[-1]
    if reader != "en":
        # Swedish and Finnish write language names in lower case in running text.
        assert LANGUAGE_NAMES["sv"] not in text and LANGUAGE_NAMES["fi"] not in text
        assert chat == chat.lower()


def test_status_and_language_choice_read_naturally() -> None:
    sv, fi = translator("sv"), translator("fi")
    blocks = status_blocks(sv, [], None, ["fi", "en"], "sv", [])
    shown = str(blocks)
    assert "finska och engelska" in shown and "*Meddelandespråk:* svenska" in shown
    from bot.home.views import LANGUAGE_SET

    assert sv(LANGUAGE_SET, language=sv.language_name("sv")).endswith("på svenska.")
    assert fi(LANGUAGE_SET, language=fi.language_name("fi")) == (
        "Valmista! Fikan viestien kieli on nyt suomi."
    )
    assert translator("en").language_name("sv") == "Swedish"
    assert sv.language_name("xx-not-a-language") == "xx-not-a-language"


# ---------------------------------------------------------------------------- command words


def test_command_words_come_from_the_catalogs() -> None:
    for commands in (FIKA, TIPS):
        for sub in commands.subcommands:
            for locale in SUPPORTED_LOCALES:
                word = translator(locale)(sub.name)
                assert word == sub.word_for(locale), (locale, sub.name)
                assert word and not re.search(r"\s", word) and word == word.lower()
                found, _, _ = commands.parse(f"{word} x")
                assert found is sub


def test_finnish_pair_now_is_yhdista_nyt_and_the_old_word_still_works() -> None:
    pair_now = FIKA.find("pair-now")
    assert pair_now is not None and pair_now.word_for("fi") == "yhdistä-nyt"
    assert FIKA.find("parita-nyt") is pair_now and FIKA.find("yhdista-nyt") is pair_now
    assert FIKA.find("läge") is FIKA.find("status")


def test_the_command_words_in_text_are_the_catalogs_words() -> None:
    """Where the English says `/fika pause`, the Finnish says `/fika tauko`: the word help shows
    and the catalog gives, not an older or other spelling."""
    for locale in ("sv", "fi"):
        for msgid, text in _texts(locale):
            for command, words in (("/fika", FIKA), ("/tips", TIPS)):
                pattern = re.escape(command) + r" ([^\s`]+)"
                typed = {fold(w) for w in re.findall(pattern, text)}
                for english in re.findall(pattern, msgid):
                    sub = words.find(english)
                    if sub is not None:
                        assert fold(sub.word_for(locale)) in typed, (locale, english, text)


# ---------------------------------------------------------------------------- CSV files


def _tip() -> Tip:
    at = datetime(2026, 11, 30, 7, tzinfo=UTC)
    return Tip(
        id=1,
        team_id="T1",
        status=TipStatus.APPROVED.value,
        category="talent",
        title="Sagostunder, på arabiska",
        description='Åbo; "citat"',
        library_name="Borgå stadsbibliotek",
        author_id="U1",
        language="sv",
        link=None,
        source_kind="command",
        source_ref=None,
        created_at=at,
        decided_at=at,
        decided_by="U2",
        decision_note=None,
    )


def _every_csv_the_bot_writes() -> dict[str, bytes]:
    t = translator("fi")
    headers, rows = tip_export.export_table([_tip()], {"U1": "Aino"}, t, HELSINKI)
    stats = CoffeeStats(
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        rounds=1,
        participants=5,
        groups=2,
        answered=2,
        met=1,
        cross_library=2,
        library_pairs=[("Borgå stadsbibliotek", "Sipoon kirjasto")],
        per_round=[RoundFigures(date(2026, 3, 2), "C1", 5, 2, 2, 2, 1)],
    )
    return {
        "tips export": tip_export.to_csv(headers, rows),
        "coffee stats": stats_csv(t, stats, {"C1": "#fika"}),
    }


def test_only_the_shared_writer_writes_csv() -> None:
    """Every CSV file comes from `bot.platform.spreadsheet`, so every file gets the same form."""
    writers = [
        path.relative_to(ROOT).as_posix()
        for package in ("bot", "handlers", "jobs")
        for path in (ROOT / package).rglob("*.py")
        if "csv.writer" in path.read_text(encoding="utf-8")
        or "csv.DictWriter" in path.read_text(encoding="utf-8")
    ]
    assert writers == ["bot/platform/spreadsheet.py"]


@pytest.mark.parametrize("name", ["tips export", "coffee stats"])
def test_every_csv_opens_in_finnish_and_swedish_excel(name: str) -> None:
    data = _every_csv_the_bot_writes()[name]
    # Excel reads the file as UTF-8 only with a byte-order mark…
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    # …and, in Finland and Sweden, splits columns on semicolons.
    first_line = text.split("\r\n", 1)[0]
    assert csv.Sniffer().sniff(first_line, delimiters=",;\t").delimiter == ";"
    rows = [r for r in csv.reader(io.StringIO(text), delimiter=";") if r]
    assert all(len(r) >= 2 for r in rows if len(r) > 1)
    assert max(len(r) for r in rows) >= 7
    if name == "tips export":
        assert rows[0][2] == "Aihealue" and rows[1][3] == "Sagostunder, på arabiska"
        assert rows[1][4] == 'Åbo; "citat"'  # a semicolon inside a cell stays in its cell
    else:
        assert ["Borgå stadsbibliotek", "Sipoon kirjasto"] in rows


def test_fold_keeps_hyphenated_words() -> None:
    assert fold("Yhdistä-Nyt") == "yhdista-nyt"


# ---------------------------------------------------------------------------- the manifest


def test_the_manifest_speaks_to_everyone_in_all_three_languages() -> None:
    """Slack shows a manifest's texts untranslated: each says its thing in sv, fi and en."""
    import yaml

    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    info = manifest["display_information"]
    assert len(info["description"]) <= 140 and 174 <= len(info["long_description"]) <= 4000
    features = manifest["features"]
    texts = [info["description"], info["long_description"]]
    texts += [c["description"] for c in features["slash_commands"]]
    texts += [s["description"] for s in features["shortcuts"]]
    for text in texts:
        assert " · " in text, text  # sv · fi · en
    assert "distanskaffe" in info["long_description"] and "AKE-tiimi" in info["long_description"]
    for shortcut in features["shortcuts"]:
        assert len(shortcut["name"]) <= 24
    everything = str(manifest)
    assert "development team" not in everything and "fika" not in everything.replace("/fika", "")
