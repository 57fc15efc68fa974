"""Full-text search over approved tips, on SQLite (FTS5) and PostgreSQL alike."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text

from bot.platform.db.engine import sync_url
from bot.platform.deps import Deps
from bot.tips.models import TipStatus
from bot.tips.search import SQLITE_FROM_WHERE, query_terms, search_tips
from bot.tips.store import edit_tip
from tests.conftest import TEAM_ID
from tests.tips_support import add_tip


async def _titles(deps: Deps, query: str, team_id: str = TEAM_ID) -> list[str]:
    async with deps.db() as session:
        result = await search_tips(session, team_id, query, limit=20)
    return [t.title for t in result.tips]


async def _corpus(deps: Deps) -> dict[str, int]:
    ids = {}
    ids["reading"] = await add_tip(
        deps,
        title="Läsecirkel på lätt svenska",
        description="Biblioteket ordnar en läsecirkel för nyanlända varje torsdag.",
        category="participation",
        library="Åbo stadsbibliotek",
    )
    ids["library_title"] = await add_tip(
        deps,
        title="Biblioteket som mötesplats",
        description="Föreningar bokar rummen gratis.",
        category="diversity",
    )
    ids["library_body"] = await add_tip(
        deps,
        title="Symaskiner till utlåning",
        description="Vi lånar ut symaskiner; biblioteket köpte två begagnade.",
        category="resource_smart",
    )
    ids["year"] = await add_tip(
        deps,
        title="Årets bokjulkalender",
        description="En lucka om dagen i december.",
        category="went_well",
    )
    ids["finnish"] = await add_tip(
        deps,
        title="Kirjastossa digiopastusta ikäihmisille",
        description="Älypuhelinkurssi tiistaisin kirjaston aulassa.",
        category="digital_inclusion",
        library="Vaasan kaupunginkirjasto",
        language="fi",
    )
    ids["pending"] = await add_tip(
        deps,
        title="Bibliotekets hemliga läsecirkel",
        description="Inte granskad än.",
        status=TipStatus.PENDING,
    )
    ids["rejected"] = await add_tip(
        deps,
        title="Biblioteket stänger",
        description="Avvisad.",
        status=TipStatus.REJECTED,
    )
    ids["other_team"] = await add_tip(
        deps, title="Biblioteket i en annan arbetsyta", team_id="TOTHER"
    )
    return ids


async def test_prefixes_find_longer_words_and_titles_rank_first(deps: Deps) -> None:
    await _corpus(deps)
    titles = await _titles(deps, "bibliotek")
    # Only approved tips of this workspace; a title match ranks above a description match.
    assert set(titles) == {
        "Läsecirkel på lätt svenska",
        "Biblioteket som mötesplats",
        "Symaskiner till utlåning",
    }
    assert titles[0] == "Biblioteket som mötesplats"


async def test_swedish_and_finnish_letters(deps: Deps) -> None:
    await _corpus(deps)
    assert await _titles(deps, "åbo") == ["Läsecirkel på lätt svenska"]
    assert await _titles(deps, "ÅBO") == ["Läsecirkel på lätt svenska"]
    assert await _titles(deps, "läse") == ["Läsecirkel på lätt svenska"]
    assert await _titles(deps, "årets") == ["Årets bokjulkalender"]
    assert await _titles(deps, "äly") == ["Kirjastossa digiopastusta ikäihmisille"]
    assert await _titles(deps, "kirjaston") == ["Kirjastossa digiopastusta ikäihmisille"]
    # å, ä and ö are letters of their own, not accented a and o.
    assert await _titles(deps, "abo") == []
    assert await _titles(deps, "arets") == []
    # Decomposed input (a + combining ring) is the same letter as å.
    assert await _titles(deps, "A\u030abo") == ["Läsecirkel på lätt svenska"]


async def test_every_word_must_match_else_any(deps: Deps) -> None:
    await _corpus(deps)
    assert await _titles(deps, "läsecirkel torsdag") == ["Läsecirkel på lätt svenska"]
    async with deps.db() as session:
        result = await search_tips(session, TEAM_ID, "symaskiner bokjul")
    assert not result.matched_all
    assert {t.title for t in result.tips} == {"Symaskiner till utlåning", "Årets bokjulkalender"}


async def test_categories_are_searchable_in_every_language(deps: Deps) -> None:
    await _corpus(deps)
    for word in ("digiosallisuus", "digital delaktighet", "Digital inclusion"):
        assert "Kirjastossa digiopastusta ikäihmisille" in await _titles(deps, word)


@pytest.mark.parametrize(
    "query",
    [
        '"',
        '"bibliotek',
        "bibliotek*",
        "*",
        "NEAR(bibliotek läse)",
        "bibliotek NOT läse",
        "-bibliotek",
        "bibliotek OR",
        "AND",
        "(((",
        "title:bibliotek",
        "bibliotek & läse | !x",
        "'; DROP TABLE tips; --",
        "^bibliotek",
        "\\",
        "bibliotek:*",
        "x" * 500,
    ],
)
async def test_search_syntax_in_queries_never_crashes(deps: Deps, query: str) -> None:
    await _corpus(deps)
    async with deps.db() as session:
        result = await search_tips(session, TEAM_ID, query)
    assert result.total >= 0
    assert all(t.status == "approved" for t in result.tips)


async def test_empty_queries_find_nothing() -> None:
    assert query_terms(" *** -- ") == []
    assert query_terms("Biblioteket Åbo ÅBO") == ["biblioteket", "åbo"]


async def test_paging(deps: Deps) -> None:
    for i in range(13):
        await add_tip(deps, title=f"Sagostund {i}")
    async with deps.db() as session:
        first = await search_tips(session, TEAM_ID, "sagostund", limit=10)
        second = await search_tips(session, TEAM_ID, "sagostund", offset=10, limit=10)
    assert first.total == 13 and len(first.tips) == 10 and first.has_next
    assert len(second.tips) == 3 and not second.has_next
    assert not {t.id for t in first.tips} & {t.id for t in second.tips}


async def test_the_index_follows_edits(deps: Deps) -> None:
    tip_id = await add_tip(deps, title="Pysselkväll")
    async with deps.db.begin() as session:
        await edit_tip(
            session,
            TEAM_ID,
            tip_id,
            actor_id="UREV1",
            title="Lego-verkstad",
            description="Bygg med lego.",
            category="other",
            now=deps.now(),
        )
    assert await _titles(deps, "pyssel") == []
    assert await _titles(deps, "lego") == ["Lego-verkstad"]


def test_sqlite_index_triggers_exist_at_head(database_url: str) -> None:
    engine = create_engine(sync_url(database_url))
    if engine.dialect.name != "sqlite":
        with engine.connect() as conn:
            names = set(
                conn.execute(text("SELECT indexname FROM pg_indexes WHERE tablename = 'tips'"))
                .scalars()
                .all()
            )
        engine.dispose()
        assert "ix_tips_search" in names
        return
    with engine.connect() as conn:
        triggers = set(
            conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'"))
            .scalars()
            .all()
        )
    engine.dispose()
    assert {"tips_fts_ai", "tips_fts_ad", "tips_fts_au"} <= triggers


async def test_words_inside_addresses_are_found_on_every_database(deps: Deps) -> None:
    """PostgreSQL's parser keeps URLs and e-mail addresses whole; the index stores words."""
    await add_tip(
        deps,
        title="Ljudböcker för alla",
        description="Läs mer på www.kirjastot.fi/lukupiiri eller skriv till info@bibliotek.ax.",
        category="other",
        library="",
    )
    assert await _titles(deps, "lukupiiri") == ["Ljudböcker för alla"]
    assert await _titles(deps, "bibliotek") == ["Ljudböcker för alla"]


async def test_sqlite_search_starts_from_the_full_text_index(deps: Deps) -> None:
    """Without statistics SQLite would walk every tip and re-match each: seconds at 20,000."""
    engine = create_engine(sync_url(deps.settings.database_url))
    if engine.dialect.name != "sqlite":
        engine.dispose()
        pytest.skip("SQLite query plan")
    with engine.connect() as conn:
        plan = conn.execute(
            text(f"EXPLAIN QUERY PLAN SELECT count(*) {SQLITE_FROM_WHERE}"),
            {"q": '"x"*', "team": TEAM_ID, "status": "approved"},
        ).fetchall()
    engine.dispose()
    details = [str(row[-1]) for row in plan]
    assert "VIRTUAL TABLE INDEX" in details[0] and "tips_fts" in details[0], details
    assert any("tips USING INTEGER PRIMARY KEY" in d for d in details), details
