"""Full-text search over approved tips: SQLite FTS5 or PostgreSQL, behind one function.

Both index the case-folded, NFC-normalized `tips.search_title` (weighted high) and
`tips.search_body` (description, library, the category's names in sv/fi/en). A query is cut
into words (letters and digits; everything else — quotes, `*`, `-`, parentheses, `NEAR`
operators' syntax — is a separator), each word matched as a prefix (`bibliotek` finds
`biblioteket`). Every word must match; when that finds nothing, any word may. å, ä and ö are
letters of their own: `ar` does not find `år`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from bot.tips.models import TipStatus
from bot.tips.store import Page, normalize_for_search, tips_by_ids

MAX_TERMS = 12
MAX_TERM_LENGTH = 60
# SQLite bm25 weights per FTS column (search_title, search_body): lower scores rank higher.
SQLITE_WEIGHTS = (10.0, 1.0)
# Must stay identical to the index expression in migration 0003.
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, coalesce(search_title, '')), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, coalesce(search_body, '')), 'B'))"
)

# ts_rank weights for D, C, B, A: the title (A) counts ten times the body (B), as in SQLite.
PG_WEIGHTS = "{0.1, 0.2, 0.1, 1.0}"

_WORD = re.compile(r"[^\W_]+")


def query_terms(query: str) -> list[str]:
    """The words of a query, normalized like the index; no search syntax survives."""
    terms: list[str] = []
    for word in _WORD.findall(normalize_for_search(query or "")):
        word = word[:MAX_TERM_LENGTH]
        if word not in terms:
            terms.append(word)
    return terms[:MAX_TERMS]


def fts5_query(terms: list[str], match_all: bool) -> str:
    # Each term is a quoted string (only letters/digits inside) with a prefix star.
    return (" " if match_all else " OR ").join(f'"{term}"*' for term in terms)


def tsquery(terms: list[str], match_all: bool) -> str:
    return (" & " if match_all else " | ").join(f"'{term}':*" for term in terms)


@dataclass(frozen=True)
class SearchResult(Page):
    """A page of search hits, with the words searched for."""

    terms: list[str]
    matched_all: bool  # False: no tip had every word, these have some of them


async def search_tips(
    session: AsyncSession, team_id: str, query: str, *, offset: int = 0, limit: int = 10
) -> SearchResult:
    """Approved tips of the workspace matching `query`, most relevant first."""
    terms = query_terms(query)
    if not terms:
        return SearchResult([], 0, 0, limit, terms, True)
    dialect = session.get_bind().dialect.name
    search = _search_postgres if dialect == "postgresql" else _search_sqlite
    ids, total = await search(session, team_id, terms, True, offset, limit)
    matched_all = True
    if total == 0 and len(terms) > 1:
        ids, total = await search(session, team_id, terms, False, offset, limit)
        matched_all = False
    tips = await tips_by_ids(session, team_id, ids)
    return SearchResult(tips, total, offset, limit, terms, matched_all)


# CROSS JOIN keeps the full-text match as the outer loop: without statistics SQLite would
# otherwise walk every approved tip and re-run the match for each (seconds at 20,000 tips;
# see docs/benchmarks.md).
SQLITE_FROM_WHERE = (
    "FROM tips_fts CROSS JOIN tips ON tips.id = tips_fts.rowid "
    "WHERE tips_fts MATCH :q AND tips.team_id = :team AND tips.status = :status"
)


async def _search_sqlite(
    session: AsyncSession, team_id: str, terms: list[str], match_all: bool, offset: int, limit: int
) -> tuple[list[int], int]:
    params = {
        "q": fts5_query(terms, match_all),
        "team": team_id,
        "status": TipStatus.APPROVED.value,
        "limit": limit,
        "offset": offset,
    }
    where = SQLITE_FROM_WHERE
    total = (await session.execute(text(f"SELECT count(*) {where}"), params)).scalar_one()
    w_title, w_body = SQLITE_WEIGHTS
    rows = await session.execute(
        text(
            f"SELECT tips.id {where} "
            f"ORDER BY bm25(tips_fts, {w_title}, {w_body}), tips.decided_at DESC, tips.id DESC "
            "LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    return [int(r[0]) for r in rows], int(total)


async def _search_postgres(
    session: AsyncSession, team_id: str, terms: list[str], match_all: bool, offset: int, limit: int
) -> tuple[list[int], int]:
    params = {
        "q": tsquery(terms, match_all),
        "team": team_id,
        "status": TipStatus.APPROVED.value,
        "limit": limit,
        "offset": offset,
    }
    where = (
        "FROM tips, to_tsquery('simple'::regconfig, :q) AS query "
        f"WHERE tips.team_id = :team AND tips.status = :status AND {PG_VECTOR} @@ query"
    )
    total = (await session.execute(text(f"SELECT count(*) {where}"), params)).scalar_one()
    rows = await session.execute(
        text(
            f"SELECT tips.id {where} "
            f"ORDER BY ts_rank('{PG_WEIGHTS}', {PG_VECTOR}, query) DESC, "
            "tips.decided_at DESC, tips.id DESC "
            "LIMIT :limit OFFSET :offset"
        ),
        params,
    )
    return [int(r[0]) for r in rows], int(total)
