"""Views and messages rendered straight from their builders, in sv, fi and en, empty and full,
with the longest text people may type, through the Block Kit checker (tests/fakes/block_kit.py):
nothing Slack would refuse, nothing it would show mangled. The e2e tests send every other surface
through the strict fake, which applies the same checker to each call."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.coffee.commands import FIKA
from bot.coffee.stats import CoffeeStats
from bot.coffee.views.modals import (
    library_add_modal,
    library_load_modal,
    pause_modal,
    profile_modal,
)
from bot.coffee.views.stats import stats_blocks
from bot.home.help import help_blocks
from bot.people.models import Library
from bot.people.permissions import Role
from bot.platform.i18n import translator
from bot.privacy.views import forget_confirmation, forget_other_confirmation
from bot.tips.commands import TIPS
from bot.tips.views import tip_modal
from tests.fakes.block_kit import check_message_blocks, check_view

LOCALES = ("sv", "fi", "en")
TYPED = "Bibliotek & <!channel> " + "mycket långt namn " * 20  # what people may type


def _libraries(count: int) -> list[Library]:
    libs = []
    for i in range(count):
        lib = Library(team_id="T1", name_sv=f"{TYPED[:60]} {i}", name_fi=f"Kirjasto {i}")
        lib.id = i + 1
        lib.municipality = "Jakobstad & Pedersöre"
        libs.append(lib)
    return libs


def _clean_view(view: Any) -> None:
    errors, mangled = check_view(view)
    assert errors == [] and mangled == [], (errors, mangled)


def _clean_message(blocks: Any) -> None:
    errors, mangled = check_message_blocks(blocks)
    assert errors == [] and mangled == [], (errors, mangled)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("count", [0, 1, 99, 150])
def test_forms_with_no_few_and_many_libraries(locale: str, count: int) -> None:
    t = translator(locale)
    libs = _libraries(count)
    current = libs[0] if libs else None
    _clean_view(profile_modal(t, libs, current, ["sv", "fi", "en"], locale))
    _clean_view(
        tip_modal(
            t,
            title=TYPED,
            description=TYPED * 20,
            libraries=libs,
            library_id=current.id if current else None,
            library_other=None if current else TYPED,
            link="https://example.org/" + "x" * 200,
            language=locale,
            metadata={"s": "command", "r": "C1/1.2"},
        )
    )


@pytest.mark.parametrize("locale", LOCALES)
def test_small_forms_and_confirmations(locale: str) -> None:
    t = translator(locale)
    _clean_view(pause_modal(t, 7, date(2026, 12, 21)))
    _clean_view(pause_modal(t, None, date(2026, 12, 21)))
    _clean_view(library_add_modal(t))
    _clean_view(library_load_modal(t))
    for _text, blocks in (
        forget_confirmation(t, "U0ABC:1"),
        forget_other_confirmation(t, "U0ABCDEF", "U0ABCDEF:1"),
    ):
        _clean_message(blocks)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("roles", [frozenset({Role.MEMBER}), frozenset(Role)])
def test_help_for_every_audience(locale: str, roles: frozenset[Role]) -> None:
    t = translator(locale)
    for commands in (FIKA, TIPS):
        _clean_message(help_blocks(t, commands, roles))
        _clean_message(help_blocks(t, commands, roles, unknown_word=TYPED))


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("pairs", [0, 5, 400])
def test_stats_with_long_library_names(locale: str, pairs: int) -> None:
    t = translator(locale)
    stats = CoffeeStats(
        start=date(2026, 1, 1),
        end=date(2026, 12, 31),
        rounds=52,
        participants=600,
        groups=15_000,
        answered=12_000,
        met=9_000,
        cross_library=14_000,
        library_pairs=[(f"{TYPED[:70]} {i}", f"Stadsbiblioteket & Co {i}") for i in range(pairs)],
    )
    _clean_message(stats_blocks(t, stats))
