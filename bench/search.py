"""Tips search speed and quality: bot.tips.search against a naive LIKE scan.

Run: `make bench` (every bench/*.py) or `.venv/bin/python bench/search.py`.
`BENCH_DATABASE_URL=postgresql+psycopg://user@host:5432/db` runs it on PostgreSQL too: a
scratch database per corpus is created next to `db` and dropped afterwards.

Machines are noisy, so times are also printed as a ratio to the baseline measured in the same
run, on the same database: `lower(title) LIKE '%word%' OR lower(description) LIKE '%word%'`
for every word of the query (ANDed), newest approved first, count + one page of 10, as a first
version of search would do it. Ours is `search_tips` (count + one page of 10, ranked).

A search still running after CAP_S (1 s) is stopped (sqlite3 interrupt, PostgreSQL cancel),
shown as ">1,000" and not repeated, so a slow search cannot stall the run. Times cover the
statements of one search and loading its page of tips, not the session's connection checkout.

The corpora are seeded: 1,000 and 20,000 approved tips in Swedish, Finnish and some English
(titles ~60, descriptions ~600 characters, library vocabulary with å ä ö, a few web addresses),
plus 20% pending or rejected tips and 5% tips of another workspace, all containing the same
words. The schema comes from the migrations; the first tips go through `create_tip` and
`decide` like the app's, the rest are bulk inserted with the same `search_texts`.
"""

from __future__ import annotations

import asyncio
import math
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, event, func, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.platform.db.engine import make_engine, make_sessionmaker, sync_url
from bot.platform.db.migrate import upgrade
from bot.tips.models import Tip, TipSource, TipStatus
from bot.tips.search import search_tips
from bot.tips.store import (
    CATEGORIES,
    TipDraft,
    create_tip,
    decide,
    normalize_for_search,
    search_texts,
)

TEAM = "TBENCH"
OTHER_TEAM = "TOTHER"
AUTHOR = "UAUTHOR"
REVIEWER = "UREVIEWER"
START = datetime(2024, 1, 8, 9, 0, tzinfo=UTC)
VIA_APP = 100  # tips created with create_tip + decide, the app's own path; the rest in bulk
PAGE = 10  # what the bot shows per page

# (kind, query). Whole words, prefixes of inflected words, two words, Finnish case endings,
# and queries nothing matches (the two-word one also runs the any-word fallback).
QUERIES: list[tuple[str, str]] = [
    ("word", "läsecirkel"),
    ("word", "lukupiiri"),
    ("word", "sagostund"),
    ("word", "symaskiner"),
    ("word", "åbo"),
    ("prefix", "bibliotek"),
    ("prefix", "kirjasto"),
    ("prefix", "läsecirk"),
    ("prefix", "digi"),
    ("two words", "digitalt stöd"),
    ("two words", "ÖPPET HUS"),
    ("two words", "lukupiiri nuorille"),
    ("two words", "book club"),
    ("finnish", "kirjastossa"),
    ("finnish", "lukupiirin"),
    ("finnish", "ikäihmisille"),
    ("finnish", "äänikirjat"),
    ("no hits", "dinosauriepark"),
    ("no hits", "kvantdator xylofon"),
]
KINDS = ["word", "prefix", "two words", "finnish", "no hits"]

# ---------------------------------------------------------------------------- the corpus


def words(text: str) -> list[str]:
    """A comma-separated list, most common first."""
    return [w.strip() for w in text.split(",")]


SV = {
    "place": words(
        "biblioteket, huvudbiblioteket, vårt bibliotek, bibliotekets foajé, filialen, bokbussen,"
        "stadsbiblioteket, närbiblioteket, skolbiblioteket, biblioteken i regionen"
    ),
    "activity": words(
        "läsecirkel, sagostund, digitalt stöd, språkcafé, läsecirkeln, pysselkväll, öppet hus,"
        "författarbesök, läxhjälp, bokprat, e-böcker, ljudböcker, symaskiner, 3D-skrivare,"
        "spelkväll, bokbyte, läsecirklar, poddstudio, lättlästa böcker"
    ),
    "audience": words(
        "nyanlända, seniorer, barnfamiljer, unga, pensionärer, skolklasser, småbarn, äldre,"
        "studerande, personer med synnedsättning"
    ),
    "day": words(
        "varje måndag, på tisdagar, varannan onsdag, på torsdagskvällar, en lördag i månaden,"
        "under höstlovet, i år"
    ),
    "town": words(
        "Åbo, Vasa, Borgå, Jakobstad, Ekenäs, Mariehamn, Närpes, Pargas, Kristinestad,"
        "Helsingfors, Esbo, Övermark"
    ),
    "partner": words(
        "medborgarinstitutet, församlingen, skolan, Folkhälsan, kommunens äldreråd,"
        "integrationsenheten, Svenska kulturfonden, Marthaföreningen"
    ),
    "url": words(
        "www.bibliotek.fi/lasecirkel, kirjastot.fi, www.kirjastot.fi/lukupiiri, info@bibliotek.ax"
    ),
}
FI = {
    "place": words(
        "kirjasto, kirjastossa, kirjaston, kirjastoon, pääkirjastossa, lähikirjastossa,"
        "kirjastosta, kirjastoautossa, koulukirjastossa, kirjastot"
    ),
    "activity": words(
        "lukupiiri, satutunti, digituki, lukupiirin, kielikahvila, lukupiirissä, askartelu-ilta,"
        "avoimet ovet, kirjailijavierailu, läksyapu, selkokirjat, e-kirjat, äänikirjat,"
        "ompelukoneet, 3D-tulostin, pelailta, kirjanvaihto, digitukea"
    ),
    "audience": words(
        "ikäihmisille, maahanmuuttajille, lapsiperheille, nuorille, eläkeläisille, koululaisille,"
        "vauvaperheille, opiskelijoille, näkövammaisille"
    ),
    "day": words(
        "joka maanantai, tiistaisin, joka toinen keskiviikko, torstai-iltaisin,"
        "kerran kuussa lauantaina, syyslomalla, tänä vuonna"
    ),
    "town": words(
        "Turku, Vaasa, Porvoo, Pietarsaari, Tammisaari, Maarianhamina, Helsinki, Espoo, Oulu,"
        "Tampere, Jyväskylä, Hämeenlinna, Äänekoski"
    ),
    "partner": words(
        "kansalaisopisto, seurakunta, koulu, Martat, vanhusneuvosto, kotoutumispalvelut,"
        "nuorisotoimi, SPR"
    ),
    "url": words(
        "www.kirjastot.fi/lukupiiri, kirjastot.fi, www.bibliotek.fi/lasecirkel, info@kirjasto.fi"
    ),
}
EN = {
    "place": words(
        "the library, our main library, the library's lobby, the branch library,"
        "the mobile library, libraries in the region, the school library"
    ),
    "activity": words(
        "book club, storytime, digital support, language café, reading circle, craft evening,"
        "open house, homework help, sewing machines, e-books, audiobooks, 3D printer,"
        "läsecirkel, lukupiiri"
    ),
    "audience": words(
        "newcomers, seniors, families, teenagers, pensioners, school classes, toddlers, students"
    ),
    "day": words(
        "every Monday, on Tuesdays, every other Wednesday, on Thursday evenings,"
        "one Saturday a month, during the autumn break, this year"
    ),
    "town": words("Åbo, Turku, Vaasa, Porvoo, Helsinki, Espoo, Mariehamn, Jyväskylä"),
    "partner": words(
        "the adult education centre, the parish, the school, Martat, the seniors' council,"
        "the integration services"
    ),
    "url": words("www.kirjastot.fi/lukupiiri, kirjastot.fi, www.bibliotek.fi/lasecirkel"),
}
TITLES = {
    "sv": [
        "{Activity} för {audience} i {town} – så gjorde vi",
        "{Activity} på {place} {day}, med {partner}",
        "Så lyckades vi med {activity} för {audience} i {town}",
        "{Town}: {activity} och {activity2} på {place} {day}",
        "Ärligt talat: {activity} lockade fler {audience} än väntat",
    ],
    "fi": [
        "{Town}: {activity} {audience} {day}",
        "{Place}: {activity} ja {activity2} {day}",
        "Näin onnistui {activity} {audience} – vinkit muille kirjastoille",
        "Älä unohda: {activity} {audience} {day}",
        "Kokemuksia: {activity} yhdessä {partner} kanssa ({town})",
    ],
    "en": [
        "{Activity} for {audience} in {town}: what we learned",
        "{Activity} at {place} {day}, with {partner}",
        "How we made {activity} work for {audience} in {town}",
        "{Town}: {activity} and {activity2} at {place} {day}",
    ],
}
SENTENCES = {
    "sv": [
        "{Place} ordnar {activity} för {audience} {day}.",
        "Vi startade {activity} i {place} tillsammans med {partner}.",
        "Idén kom från {town}, där {place} har haft {activity} i flera år.",
        "Det kom {n} deltagare första gången och nu är det fullt varje vecka.",
        "{Audience} uppskattade särskilt {activity} och bad om mer.",
        "Vi marknadsförde genom affischer, sociala medier och {partner}.",
        "Kostnaden var låg, ungefär {n} euro för material och kaffe.",
        "Tips: boka rummet i god tid och be frivilliga om hjälp med {activity}.",
        "Nästa steg är att prova {activity2} även i {place}.",
        "Öppet hus i {place} gav oss många nya låntagare.",
        "Ärligt talat var vi osäkra, men {audience} hittade snabbt hit.",
        "Läs mer på {url}.",
    ],
    "fi": [
        "{Place} järjestää {activity} {audience} {day}.",
        "Aloitimme {activity} yhdessä {partner} kanssa.",
        "Idea tuli {town}sta, jossa {activity} on ollut suosittu vuosia.",
        "Ensimmäisellä kerralla paikalla oli {n} osallistujaa, nyt tila on täynnä.",
        "{Audience} pitivät erityisesti {activity2} ja toivoivat lisää.",
        "Markkinoimme julisteilla, somessa ja {partner} kautta.",
        "Kustannukset olivat pienet, noin {n} euroa materiaaleihin ja kahviin.",
        "Vinkki: varaa tila ajoissa ja pyydä vapaaehtoisia avuksi.",
        "Seuraavaksi kokeilemme {activity2} myös {place}.",
        "Älypuhelinkurssi {place} toi paljon uusia asiakkaita.",
        "Äänikirjat ja selkokirjat löytyvät {place} omalta hyllyltä.",
        "Lisätietoa osoitteessa {url}.",
    ],
    "en": [
        "{Place} runs {activity} for {audience} {day}.",
        "We started {activity} at {place} together with {partner}.",
        "The idea came from {town}, where {activity} has been popular for years.",
        "{n} people came the first time and now it is full every week.",
        "{Audience} especially liked {activity2} and asked for more.",
        "Costs were low, about {n} euros for materials and coffee.",
        "Tip: book the room early and ask volunteers to help with {activity}.",
        "Next we will try {activity2} at {place} as well.",
        "Read more at {url}.",
    ],
}
LANGUAGE_WEIGHTS = {"sv": 45, "fi": 40, "en": 15}
VOCAB = {"sv": SV, "fi": FI, "en": EN}
LIBRARIES = [  # the library the tip is about (indexed by ours, not by the baseline)
    "Åbo stadsbibliotek",
    "Vasa stadsbibliotek",
    "Borgå stadsbibliotek",
    "Jakobstads stadsbibliotek",
    "Helsingin kaupunginkirjasto",
    "Oulun kaupunginkirjasto",
    "Tampereen kaupunginkirjasto",
    "Närpes bibliotek",
    "Pargas stadsbibliotek",
    "Mariehamns stadsbibliotek",
    "Espoon kaupunginkirjasto",
    "Jyväskylän kaupunginkirjasto",
]


def zipf(rng: random.Random, items: Sequence[str]) -> str:
    """A few words are common, most are rare."""
    return rng.choices(items, [1 / (k + 1) ** 0.9 for k in range(len(items))])[0]


def fill(rng: random.Random, template: str, vocab: dict[str, list[str]]) -> str:
    activity = zipf(rng, vocab["activity"])
    values = {
        "activity": activity,
        "activity2": zipf(rng, [a for a in vocab["activity"] if a != activity]),
        "place": zipf(rng, vocab["place"]),
        "audience": zipf(rng, vocab["audience"]),
        "day": rng.choice(vocab["day"]),
        "town": zipf(rng, vocab["town"]),
        "partner": rng.choice(vocab["partner"]),
        "url": rng.choice(vocab["url"]),
        "n": str(rng.randint(4, 40)),
    }
    values |= {k.capitalize(): v[:1].upper() + v[1:] for k, v in values.items()}
    return template.format(**values)


@dataclass
class Spec:
    """A tip to store: what a person would have typed, and its fate."""

    team_id: str
    status: TipStatus
    language: str
    title: str
    description: str
    category: str
    library_name: str


def make_corpus(approved: int, seed: int) -> list[Spec]:
    rng = random.Random(seed)
    languages = list(LANGUAGE_WEIGHTS)
    statuses = (
        [(TEAM, TipStatus.APPROVED)] * approved
        + [(TEAM, TipStatus.PENDING)] * (approved * 12 // 100)
        + [(TEAM, TipStatus.REJECTED)] * (approved * 8 // 100)
        + [(OTHER_TEAM, TipStatus.APPROVED)] * (approved // 20)
    )
    rng.shuffle(statuses)
    corpus = []
    for team_id, status in statuses:
        language = rng.choices(languages, list(LANGUAGE_WEIGHTS.values()))[0]
        vocab = VOCAB[language]
        title = fill(rng, rng.choice(TITLES[language]), vocab)
        plain = [t for t in SENTENCES[language] if "{url}" not in t]
        order = rng.sample(plain, len(plain)) * 2  # few sentences said twice
        parts: list[str] = []
        while sum(len(p) + 1 for p in parts) < 560:
            parts.append(fill(rng, order[len(parts)], vocab))
        if rng.random() < 0.1:  # a web address in one tip in ten
            url = next(t for t in SENTENCES[language] if "{url}" in t)
            parts.insert(rng.randint(1, len(parts)), fill(rng, url, vocab))
        # Paragraphs, as people write them.
        cut = rng.randint(2, len(parts) - 2)
        description = " ".join(parts[:cut]) + "\n\n" + " ".join(parts[cut:])
        corpus.append(
            Spec(
                team_id=team_id,
                status=status,
                language=language,
                title=title[:150],
                description=description,
                category=rng.choice(CATEGORIES).key,
                library_name=zipf(rng, LIBRARIES),
            )
        )
    return corpus


# ---------------------------------------------------------------------------- storing it


async def store(sessions: async_sessionmaker[AsyncSession], corpus: list[Spec]) -> list[int]:
    """Store the corpus; returns the tips' ids in corpus order."""
    ids: list[int] = []
    for k, spec in enumerate(corpus[:VIA_APP]):
        now = START + timedelta(hours=k)
        draft = TipDraft(
            title=spec.title,
            description=spec.description,
            category=spec.category,
            library_id=None,
            library_name=spec.library_name,
            link=None,
            language=spec.language,
        )
        async with sessions.begin() as session:
            tip = await create_tip(
                session,
                spec.team_id,
                AUTHOR,
                draft,
                source=TipSource.COMMAND,
                source_ref=None,
                now=now,
            )
            if spec.status != TipStatus.PENDING:
                await decide(
                    session,
                    spec.team_id,
                    tip.id,
                    actor_id=REVIEWER,
                    approve=spec.status == TipStatus.APPROVED,
                    note=None if spec.status == TipStatus.APPROVED else "Finns redan.",
                    now=now + timedelta(minutes=30),
                )
            ids.append(tip.id)
    rest = corpus[VIA_APP:]
    for start in range(0, len(rest), 2000):
        async with sessions.begin() as session:
            tips = []
            for k, spec in enumerate(rest[start : start + 2000], start=VIA_APP + start):
                now = START + timedelta(hours=k)
                decided = spec.status != TipStatus.PENDING
                tip = Tip(
                    team_id=spec.team_id,
                    author_id=AUTHOR,
                    title=spec.title,
                    description=spec.description,
                    category=spec.category,
                    library_id=None,
                    library_name=spec.library_name,
                    link=None,
                    language=spec.language,
                    status=spec.status.value,
                    source_kind=TipSource.COMMAND.value,
                    created_at=now,
                    updated_at=now,
                    decided_at=now + timedelta(minutes=30) if decided else None,
                    decided_by=REVIEWER if decided else None,
                )
                tip.search_title, tip.search_body = search_texts(tip)  # what create_tip does
                tips.append(tip)
            session.add_all(tips)
            await session.flush()
            ids.extend(t.id for t in tips)
    return ids


async def check_stored(sessions: async_sessionmaker[AsyncSession], dialect: str) -> None:
    """The app's path and the bulk path index alike; the FTS5 index matches the table."""
    async with sessions() as session:
        for tip in await session.scalars(select(Tip)):
            assert (tip.search_title, tip.search_body) == search_texts(tip), tip.id
        if dialect == "sqlite":
            await session.execute(text("INSERT INTO tips_fts(tips_fts) VALUES ('integrity-check')"))


# ---------------------------------------------------------------------------- the two searches


async def naive_search(session: AsyncSession, query: str, limit: int) -> tuple[list[Tip], int]:
    """The baseline: every word somewhere in the title or description, newest first."""
    where = [Tip.team_id == TEAM, Tip.status == TipStatus.APPROVED.value]
    for word in query.lower().split():
        pattern = f"%{word}%"
        where.append(
            or_(func.lower(Tip.title).like(pattern), func.lower(Tip.description).like(pattern))
        )
    total = await session.scalar(select(func.count()).select_from(Tip).where(*where)) or 0
    tips = await session.scalars(
        select(Tip).where(*where).order_by(Tip.decided_at.desc(), Tip.id.desc()).limit(limit)
    )
    return list(tips), total


async def our_search(session: AsyncSession, query: str, limit: int) -> tuple[list[Tip], int]:
    result = await search_tips(session, TEAM, query, limit=limit)
    return result.tips, result.total


Search = Callable[[AsyncSession, str, int], Awaitable[tuple[list[Tip], int]]]


async def capped(
    sessions: async_sessionmaker[AsyncSession], search: Search, query: str, limit: int = PAGE
) -> tuple[list[Tip], int, float] | None:
    """One search in its own session, timed; None when it ran longer than CAP_S and was
    stopped (sqlite3 interrupt / PostgreSQL cancel), so a slow search cannot stall the run."""
    async with sessions() as session:
        conn = await session.connection()
        driver = (await conn.get_raw_connection()).driver_connection
        assert driver is not None
        stop = driver._conn.interrupt if conn.dialect.name == "sqlite" else driver.cancel
        handle = asyncio.get_running_loop().call_later(CAP_S, stop)
        start = time.perf_counter()
        try:
            tips, total = await search(session, query, limit)
        except DBAPIError:
            if time.perf_counter() - start < CAP_S:
                raise
            return None
        finally:
            handle.cancel()
        return tips, total, (time.perf_counter() - start) * 1000


def whole_words(query: str) -> list[re.Pattern[str]]:
    return [
        re.compile(rf"(?<![^\W_]){re.escape(w)}(?![^\W_])")
        for w in normalize_for_search(query).split()
    ]


# ---------------------------------------------------------------------------- measuring

CAP_S = 1.0  # a search still running after this is stopped and counted as too slow
BUDGET_S = 6.0  # timed repetitions per database and corpus (at least MIN_REPEATS)
MIN_REPEATS, MAX_REPEATS = 3, 30
SLOW = math.inf


@dataclass
class QueryResult:
    kind: str
    query: str
    ours_ms: list[float] = field(default_factory=list)  # SLOW: stopped at CAP_S
    base_ms: list[float] = field(default_factory=list)
    ours_total: int | None = None  # None: too slow to check
    base_total: int = 0
    truth: int = 0  # approved tips of the workspace with every word as a whole word
    base_whole: int = 0  # of the baseline's hits, those with every word as a whole word
    missed_vs_base: list[int] = field(default_factory=list)  # of those, ids ours did not find
    base_found: int = 0  # of all the baseline's hits (substrings too), how many ours finds
    base_missed_truth: int = 0  # whole-word tips LIKE did not find (lower() of Å Ä Ö)
    only_approved: bool = True

    @property
    def checked(self) -> bool:
        return self.ours_total is not None


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)]


async def check_quality(
    sessions: async_sessionmaker[AsyncSession], r: QueryResult, texts: dict[int, str]
) -> None:
    """Every hit of both, against the whole-word truth; untimed (also warms the caches)."""
    patterns = whole_words(r.query)
    truth = {i for i, t in texts.items() if all(p.search(t) for p in patterns)}
    base = await capped(sessions, naive_search, r.query, len(texts))
    assert base is not None, f"the baseline took over {CAP_S} s for {r.query!r}"
    base_ids = {t.id for t in base[0]}
    r.base_total, r.truth = base[1], len(truth)
    r.base_missed_truth = len(truth - base_ids)
    base_whole = base_ids & truth
    r.base_whole = len(base_whole)
    if await capped(sessions, our_search, r.query) is None:
        return  # too slow: not checked, and not timed again
    async with sessions() as session:
        ours, total = await our_search(session, r.query, len(texts))
    ours_ids = {t.id for t in ours}
    r.ours_total = total
    r.missed_vs_base = sorted(base_whole - ours_ids)
    r.base_found = len(base_ids & ours_ids)
    r.only_approved = len(ours) == total and all(
        t.team_id == TEAM and t.status == TipStatus.APPROVED.value for t in ours
    )


async def plans(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], query: str
) -> list[str]:
    """The query plans of the statements search_tips sends (captured, then EXPLAINed)."""
    sent: list[tuple[str, object]] = []

    def grab(_c: object, _cur: object, statement: str, params: object, *_: object) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            sent.append((statement, params))

    event.listen(engine.sync_engine, "before_cursor_execute", grab)
    try:
        await capped(sessions, our_search, query)
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", grab)
    lines = []
    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as conn:
        for statement, params in sent[:2]:  # the count, then the ranked page
            explain = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = await conn.exec_driver_sql(explain + statement, params)  # type: ignore[arg-type]
            steps = [row[-1] for row in rows]
            kind = "count" if "count(" in statement.lower() else "page"
            lines.append(f"{kind}: " + " → ".join(s.strip() for s in steps[: 3 if sqlite else 4]))
    return lines


async def measure(
    engine: AsyncEngine,
    sessions: async_sessionmaker[AsyncSession],
    corpus: list[Spec],
    ids: list[int],
) -> tuple[list[QueryResult], list[str], int]:
    texts = {
        tip_id: normalize_for_search(spec.title + "\n" + spec.description)
        for tip_id, spec in zip(ids, corpus, strict=True)
        if spec.team_id == TEAM and spec.status == TipStatus.APPROVED
    }
    results = [QueryResult(kind, query) for kind, query in QUERIES]
    for r in results:
        await check_quality(sessions, r, texts)
    plan = await plans(engine, sessions, "bibliotek")

    deadline = time.perf_counter() + BUDGET_S
    repeats = 0
    while repeats < MIN_REPEATS or (repeats < MAX_REPEATS and time.perf_counter() < deadline):
        for r in results:
            # Alternate who goes first, so neither always finds the other's warm cache.
            order = [(r.ours_ms, our_search), (r.base_ms, naive_search)]
            for samples, search in order[:: -1 if repeats % 2 else 1]:
                if SLOW in samples or (search is our_search and not r.checked):
                    samples.append(SLOW)  # stopped once; not run again
                    continue
                run = await capped(sessions, search, r.query)
                samples.append(SLOW if run is None else run[2])
        repeats += 1
    return results, plan, repeats


# ---------------------------------------------------------------------------- databases


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="fika-bench-") as tmp:
        yield f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"


@contextmanager
def postgres_database(base_url: str) -> Iterator[str]:
    """A scratch database next to `base_url`'s, dropped afterwards."""
    name = f"fika_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(sync_url(base_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def vacuum_analyze(url: str) -> None:
    """What autovacuum does soon after a load: statistics, the GIN pending list merged."""
    engine = create_engine(sync_url(url), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE tips")
    engine.dispose()


def server_version(url: str) -> str:
    engine = create_engine(sync_url(url))
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            version = "SQLite " + str(conn.exec_driver_sql("select sqlite_version()").scalar_one())
        else:
            version = "PostgreSQL " + str(conn.exec_driver_sql("show server_version").scalar_one())
    engine.dispose()
    return version


# ---------------------------------------------------------------------------- reporting


def ms(value: float) -> str:
    if value == SLOW:
        return f">{CAP_S * 1000:,.0f}"
    return f"{value:.2f}" if value < 10 else f"{value:.1f}"


def ratio(ours: float, base: float) -> str:
    return f">{CAP_S * 1000 / base:,.0f}×" if ours == SLOW else f"{ours / base:.2f}×"


def row(label: str, results: list[QueryResult], size: int, db: str) -> str:
    ours = [v for r in results for v in r.ours_ms]
    base = [v for r in results for v in r.base_ms]
    checked = [r for r in results if r.checked]
    recall = f"{sum(not r.missed_vs_base for r in checked)}/{len(checked)}"
    missed = sum(len(r.missed_vs_base) for r in checked)
    if missed:
        recall += f" ({missed} tips missed)"
    if not checked:
        recall = "too slow to check"
    elif len(checked) < len(results):
        recall += f" ({len(results) - len(checked)} too slow to check)"
    approved = "yes" if all(r.only_approved for r in checked) else "**NO**"
    slow = sum(1 for r in results if SLOW in r.ours_ms)
    return (
        f"| {db} | {size:,} | {label} | {ms(statistics.median(ours))} / {ms(pct(ours, 0.95))} "
        f"| {ms(statistics.median(base))} / {ms(pct(base, 0.95))} "
        f"| {ratio(statistics.median(ours), statistics.median(base))} "
        f"| {slow or ''} | {recall} | {approved} |"
    )


def details(results: list[QueryResult]) -> None:
    print(
        "  query               kind       ms ours med (p95)  ms base med (p95)   ratio"
        "   hits ours / base  whole-word: base⊆ours  truth  LIKE missed  base⊆ours all"
    )
    for r in results:
        o, b = statistics.median(r.ours_ms), statistics.median(r.base_ms)
        hits = "-" if r.ours_total is None else f"{r.ours_total}"
        found = "too slow" if not r.checked else f"{r.base_whole - len(r.missed_vs_base)}"
        print(
            f"  {r.query:19} {r.kind:10} {ms(o):>7} ({ms(pct(r.ours_ms, 0.95)):>6}) "
            f"{ms(b):>7} ({ms(pct(r.base_ms, 0.95)):>6}) {ratio(o, b):>8} "
            f"{hits:>8} / {r.base_total:<6} {found:>10} / {r.base_whole:<8} "
            f"{r.truth:6} {r.base_missed_truth:11} "
            + ("" if not r.checked else f"{r.base_found:>7} / {r.base_total}")
            + ("" if r.only_approved else "  NOT ONLY APPROVED")
            + (f"  missed e.g. tips {r.missed_vs_base[:3]}" if r.missed_vs_base else ""),
            flush=True,
        )


async def bench_one(url: str, db: str, approved: int, lines: list[str]) -> None:
    started = time.perf_counter()
    upgrade(url)
    corpus = make_corpus(approved, seed=approved)
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    try:
        ids = await store(sessions, corpus)
        if db == "PostgreSQL":
            vacuum_analyze(url)
        await check_stored(sessions, engine.dialect.name)
        loaded = time.perf_counter() - started
        results, plan, repeats = await measure(engine, sessions, corpus, ids)
    finally:
        await engine.dispose()
    print(
        f"\n{db}, {approved:,} approved tips ({len(corpus):,} stored, loaded in {loaded:.1f} s), "
        f"{repeats} timed runs per query:"
    )
    details(results)
    print("  plans of ours for 'bibliotek':")
    for line in plan:
        print(f"    {line}")
    for kind in KINDS:
        lines.append(row(kind, [r for r in results if r.kind == kind], approved, db))
    lines.append(row("**all**", results, approved, db))


async def main() -> None:
    sizes = [1_000, 20_000]
    pg_url = os.environ.get("BENCH_DATABASE_URL")
    if pg_url and make_url(pg_url).get_backend_name() != "postgresql":
        raise SystemExit("BENCH_DATABASE_URL must be a postgresql+psycopg:// URL")
    with sqlite_database() as url:
        versions = [server_version(url)] + ([server_version(pg_url)] if pg_url else [])
    print(
        f"# tips search benchmark — python {platform.python_version()}, nproc {os.cpu_count()}, "
        f"{platform.machine()}, {', '.join(versions)}"
    )
    print("ours = search_tips; base = lower(title) or lower(description) LIKE '%word%' for every")
    print("word; both count + first page of 10 tips, one session per search. A search running")
    print(f"over {CAP_S:.0f} s is stopped, shown as >{CAP_S * 1000:,.0f} and not repeated.")
    print("whole-word: of the baseline's hits with every word as a whole word, how many ours")
    print("finds. truth: approved tips with every word as a whole word in title or description;")
    print("LIKE missed: of those, how many the baseline did not find (SQLite lower() is ASCII).")
    print("base⊆ours all: of all the baseline's hits (substrings too), how many ours finds.")
    started = time.perf_counter()
    lines: list[str] = []
    for approved in sizes:
        with sqlite_database() as url:
            await bench_one(url, "SQLite", approved, lines)
    if pg_url:
        for approved in sizes:
            with postgres_database(pg_url) as url:
                await bench_one(url, "PostgreSQL", approved, lines)
    else:
        print("\nPostgreSQL skipped: set BENCH_DATABASE_URL=postgresql+psycopg://… to run it too.")
    print()
    print(
        "| database | approved tips | queries | ms ours median / p95 | ms base median / p95 "
        "| time ratio | ours > 1 s | whole-word recall vs base | only approved |"
    )
    print("|---|---:|---|---:|---:|---:|---:|---|---|")
    for line in lines:
        print(line)
    print()
    print(f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    asyncio.run(main())
