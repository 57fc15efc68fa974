from __future__ import annotations

import pytest

from bot.coffee.commands import FIKA
from bot.platform.commands import HELP, CommandSet, Subcommand, fold
from bot.tips.commands import TIPS


@pytest.mark.parametrize("word", ["help", "HELP", "hjälp", "Hjälp", "hjalp", "ohje", "?"])
def test_help_words_in_three_languages(word: str) -> None:
    for commands in (FIKA, TIPS):
        sub, typed, rest = commands.parse(f"{word} more words")
        assert sub is not None and sub.name == "help"
        assert typed == word and rest == "more words"


def test_unknown_and_empty() -> None:
    assert FIKA.parse("banana") == (None, "banana", "")
    assert FIKA.parse("   ") == (None, "", "")


def test_fold_is_case_and_accent_insensitive() -> None:
    assert fold("GÅ-MED") == fold("ga-med")


def test_conflicting_aliases_are_refused() -> None:
    a = Subcommand("pause", "x", aliases={"sv": "paus"})
    b = Subcommand("stop", "y", aliases={"sv": "paus"})
    with pytest.raises(ValueError):
        CommandSet("/x", (HELP, a, b))


def test_help_word_per_locale() -> None:
    assert HELP.word_for("sv") == "hjälp"
    assert HELP.word_for("fi") == "ohje"
    assert HELP.word_for("en") == "help"


def test_help_names_who_may_use_restricted_commands() -> None:
    from bot.home.help import help_blocks
    from bot.people.permissions import Role
    from bot.platform.i18n import translator

    text = str(help_blocks(translator("sv"), TIPS, set(Role)))
    review_line = next(line for line in text.split("\\n") if "/tips granska" in line)
    setup_line = next(line for line in text.split("\\n") if "/tips inställningar" in line)
    assert "(för granskare)" in review_line
    assert "(för administratörer)" in setup_line
    hidden = str(help_blocks(translator("sv"), TIPS, {Role.MEMBER}))
    assert "/tips granska" not in hidden and "/tips inställningar" not in hidden
