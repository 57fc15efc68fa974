"""Good-practice tips: validation, storage, review decisions, lists and settings.

Plain functions over an AsyncSession; nothing here talks to Slack.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.people.models import Library, Member
from bot.platform.db.upsert import insert_missing, read_back
from bot.platform.i18n import N_, all_translators
from bot.tips.models import (
    Tip,
    TipEvent,
    TipEventAction,
    TipSource,
    TipsSettings,
    TipStatus,
)

TITLE_MAX = 150
DESCRIPTION_MAX = 3000
LINK_MAX = 1000
LIBRARY_NAME_MAX = 200
NOTE_MAX = 1000
TIP_LANGUAGES = ("sv", "fi", "en")
OTHER_LIBRARY = "other"  # the library select's "not in the list" option


@dataclass(frozen=True)
class Category:
    key: str
    label: str  # an N_() msgid
    emoji: str


CATEGORIES: tuple[Category, ...] = (
    Category("participation", N_("Participation"), ":raised_hands:"),
    Category("diversity", N_("Diversity and interaction"), ":speech_balloon:"),
    Category("resource_smart", N_("Resource-smart library"), ":recycle:"),
    Category("digital_inclusion", N_("Digital inclusion"), ":computer:"),
    Category("talent", N_("A talent to recommend"), ":star:"),
    Category("went_well", N_("Something that went well"), ":tada:"),
    Category("other", N_("Other"), ":bulb:"),
)
CATEGORY_BY_KEY = {c.key: c for c in CATEGORIES}
CATEGORY_ORDER = {c.key: i for i, c in enumerate(CATEGORIES)}

STATUS_LABELS = {
    TipStatus.PENDING.value: N_("Waiting for review"),
    TipStatus.APPROVED.value: N_("Approved"),
    TipStatus.REJECTED.value: N_("Not approved"),
}


def category_label_key(key: str) -> str:
    """The msgid of a category's name (unknown keys read as Other)."""
    return CATEGORY_BY_KEY.get(key, CATEGORY_BY_KEY["other"]).label


# ---------------------------------------------------------------------------- text helpers


def clean_line(text: str | None) -> str:
    """One line: whitespace runs (newlines too) become single spaces."""
    return " ".join((text or "").split())


def clean_block(text: str | None) -> str:
    """Several lines: trailing spaces and runs of blank lines removed, ends trimmed."""
    lines = [line.rstrip() for line in (text or "").replace("\r\n", "\n").split("\n")]
    out = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
    return out.strip()


def cut(text: str, limit: int) -> str:
    """Shorten to `limit` characters at a word boundary when one is near, marking the cut."""
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    space = head.rfind(" ")
    if space >= limit * 0.6:
        head = head[:space]
    return head.rstrip() + "…"


def normalize_for_search(text: str) -> str:
    """NFC + case folding, the same for stored text and queries on every database."""
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


_SLACK_MARKUP = re.compile(r"<([^<>]*)>")


def plain_from_slack(text: str | None, names: Mapping[str, str] | None = None) -> str:
    """A Slack message's `text` as a person would read it: links, mentions and entities undone.

    `<https://x|label>` → `label (https://x)`, `<@U1>` → `@name`, `<#C1|general>` → `#general`,
    `<!here>` → `@here`, `&lt;` → `<`. The result is plain text (escape it again to post it).
    """
    names = names or {}

    def replace(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            user = target[1:]
            return "@" + (label or names.get(user) or user)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            if target.startswith("!subteam^"):
                return label or "@group"
            if target.startswith("!date^"):
                return label or ""
            return "@" + target[1:]
        if label and label != target:
            return f"{label} ({target})"
        return target

    plain = _SLACK_MARKUP.sub(replace, text or "")
    return plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def mentioned_user_ids(text: str | None) -> list[str]:
    return re.findall(r"<@([UW][A-Z0-9]{1,31})(?:\|[^>]*)?>", text or "")


def prefill_from_text(text: str) -> tuple[str, str]:
    """(title, description) suggested from free text: the first sentence or line as title."""
    body = clean_block(text)
    if not body:
        return "", ""
    first_line = body.split("\n", 1)[0]
    sentence = re.split(r"(?<=[.!?])\s", first_line, maxsplit=1)[0]
    title = cut(clean_line(sentence), TITLE_MAX)
    return title, cut(body, DESCRIPTION_MAX)


# ---------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class FieldError:
    message: str  # an N_() msgid
    params: dict[str, Any] = field(default_factory=dict)


# A library id that is not one of the workspace's (typed into the payload, or removed meanwhile).
NOT_A_LISTED_LIBRARY = FieldError(N_("Please choose a library from the list."))


@dataclass(frozen=True)
class TipDraft:
    title: str
    description: str
    category: str
    library_id: int | None
    library_name: str | None
    link: str | None
    language: str


def link_error(link: str) -> FieldError | None:
    if len(link) > LINK_MAX:
        return FieldError(N_("The link can be at most {max} characters."), {"max": LINK_MAX})
    parts = urlsplit(link)
    bad_chars = any(c.isspace() or c in '<>|"' for c in link)
    if parts.scheme.lower() not in {"http", "https"} or not parts.hostname or bad_chars:
        return FieldError(N_("The link must be a web address starting with http:// or https://."))
    return None


def _check_core(
    errors: dict[str, FieldError],
    title: str | None,
    description: str | None,
    category: str | None,
) -> tuple[str, str, str]:
    title_v = clean_line(title)
    if not title_v:
        errors["title"] = FieldError(N_("Please give the tip a title."))
    elif len(title_v) > TITLE_MAX:
        errors["title"] = FieldError(
            N_("The title can be at most {max} characters."), {"max": TITLE_MAX}
        )
    description_v = clean_block(description)
    if not description_v:
        errors["description"] = FieldError(N_("Please describe the tip."))
    elif len(description_v) > DESCRIPTION_MAX:
        errors["description"] = FieldError(
            N_("The description can be at most {max} characters."), {"max": DESCRIPTION_MAX}
        )
    category_v = (category or "").strip()
    if category_v not in CATEGORY_BY_KEY:
        errors["category"] = FieldError(N_("Please choose a category."))
    return title_v, description_v, category_v


def validate_tip(
    *,
    title: str | None,
    description: str | None,
    category: str | None,
    library: str | None,
    library_other: str | None,
    link: str | None,
    language: str | None,
) -> tuple[TipDraft | None, dict[str, FieldError]]:
    """Check the modal's fields; errors are keyed by field name (title, description, …)."""
    errors: dict[str, FieldError] = {}
    title_v, description_v, category_v = _check_core(errors, title, description, category)
    library_id: int | None = None
    library_name = clean_line(library_other) or None
    chosen = (library or "").strip()
    if chosen and chosen != OTHER_LIBRARY:
        if chosen.isascii() and chosen.isdigit() and len(chosen) <= 9:
            library_id = int(chosen)
            library_name = None
        else:
            errors["library"] = NOT_A_LISTED_LIBRARY
    if library_name is not None and len(library_name) > LIBRARY_NAME_MAX:
        errors["library_other"] = FieldError(
            N_("The library name can be at most {max} characters."), {"max": LIBRARY_NAME_MAX}
        )
    elif library_id is None and library_name is None and "library" not in errors:
        errors["library_other"] = FieldError(
            N_("Choose your library from the list, or type its name here.")
        )
    link_v = clean_line(link) or None
    if link_v is not None:
        problem = link_error(link_v)
        if problem is not None:
            errors["link"] = problem
    language_v = (language or "").strip()
    if language_v not in TIP_LANGUAGES:
        errors["language"] = FieldError(N_("Please choose the language of the tip."))
    if errors:
        return None, errors
    return (
        TipDraft(
            title=title_v,
            description=description_v,
            category=category_v,
            library_id=library_id,
            library_name=library_name,
            link=link_v,
            language=language_v,
        ),
        {},
    )


def validate_edit(
    *, title: str | None, description: str | None, category: str | None
) -> tuple[tuple[str, str, str] | None, dict[str, FieldError]]:
    """The reviewers' edit: title, description and category only."""
    errors: dict[str, FieldError] = {}
    values = _check_core(errors, title, description, category)
    return (None, errors) if errors else (values, {})


def validate_note(note: str | None, *, required: bool) -> tuple[str | None, FieldError | None]:
    value = clean_block(note)
    if not value:
        if required:
            return None, FieldError(N_("Please write a short reason for the author."))
        return None, None
    if len(value) > NOTE_MAX:
        return None, FieldError(
            N_("The reason can be at most {max} characters."), {"max": NOTE_MAX}
        )
    return value, None


# ---------------------------------------------------------------------------- storage


def search_texts(tip: Tip) -> tuple[str, str]:
    """What full-text search indexes: the title, and the rest (incl. the category's names)."""
    labels = {tr(category_label_key(tip.category)) for tr in all_translators()}
    body = "\n".join([tip.description, tip.library_name or "", *sorted(labels)])
    return _words(normalize_for_search(tip.title)), _words(normalize_for_search(body))


_NOT_WORD = re.compile(r"[^\w]+")


def _words(text: str) -> str:
    """Words separated by spaces: PostgreSQL's parser would otherwise keep `www.x.fi/lukupiiri`
    or `info@bibliotek.ax` as one token, which SQLite's tokenizer splits; now both agree."""
    return _NOT_WORD.sub(" ", text).strip()


def _reindex(tip: Tip) -> None:
    tip.search_title, tip.search_body = search_texts(tip)


async def library_choices(session: AsyncSession, team_id: str) -> list[Library]:
    """The admins' list of libraries, by name."""
    return list(
        await session.scalars(
            select(Library)
            .where(Library.team_id == team_id, Library.curated.is_(True))
            .order_by(Library.name_sv)
        )
    )


async def get_library(session: AsyncSession, team_id: str, library_id: int) -> Library | None:
    library = await session.get(Library, library_id)
    return library if library is not None and library.team_id == team_id else None


class InvalidLibrary(Exception):
    """The chosen library is not one of this workspace's."""


async def create_tip(
    session: AsyncSession,
    team_id: str,
    author_id: str,
    draft: TipDraft,
    *,
    source: TipSource | str,
    source_ref: str | None,
    now: datetime,
) -> Tip:
    """Store a pending tip and its `submitted` event."""
    library_name = draft.library_name
    if draft.library_id is not None:
        library = await get_library(session, team_id, draft.library_id)
        if library is None:
            raise InvalidLibrary(draft.library_id)
        library_name = library.name_sv
    tip = Tip(
        team_id=team_id,
        author_id=author_id,
        title=draft.title,
        description=draft.description,
        category=draft.category,
        library_id=draft.library_id,
        library_name=library_name,
        link=draft.link,
        language=draft.language,
        status=TipStatus.PENDING.value,
        source_kind=str(source),
        source_ref=(source_ref or None) and str(source_ref)[:1000],
        created_at=now,
        updated_at=now,
    )
    _reindex(tip)
    session.add(tip)
    await session.flush()
    session.add(
        TipEvent(
            team_id=team_id,
            tip_id=tip.id,
            actor_id=author_id,
            action=TipEventAction.SUBMITTED.value,
            at=now,
        )
    )
    return tip


async def get_tip(session: AsyncSession, team_id: str, tip_id: int) -> Tip | None:
    return await session.scalar(select(Tip).where(Tip.id == tip_id, Tip.team_id == team_id))


@dataclass(frozen=True)
class Decision:
    tip: Tip
    decided_now: bool  # False: someone decided before (a double click, a second reviewer)


async def decide(
    session: AsyncSession,
    team_id: str,
    tip_id: int,
    *,
    actor_id: str,
    approve: bool,
    note: str | None,
    now: datetime,
) -> Decision | None:
    """Approve or reject a pending tip, once: a conditional UPDATE decides who was first.

    None when the tip does not exist in this workspace.
    """
    status = TipStatus.APPROVED if approve else TipStatus.REJECTED
    result = await session.execute(
        update(Tip)
        .where(Tip.id == tip_id, Tip.team_id == team_id, Tip.status == TipStatus.PENDING.value)
        .values(
            status=status.value,
            decided_at=now,
            decided_by=actor_id,
            decision_note=note,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    decided_now = getattr(result, "rowcount", 0) == 1
    if decided_now:
        session.add(
            TipEvent(
                team_id=team_id,
                tip_id=tip_id,
                actor_id=actor_id,
                action=(
                    TipEventAction.APPROVED.value if approve else TipEventAction.REJECTED.value
                ),
                note=note,
                at=now,
            )
        )
        await session.flush()
    tip = await session.scalar(
        select(Tip)
        .where(Tip.id == tip_id, Tip.team_id == team_id)
        .execution_options(populate_existing=True)
    )
    if tip is None:
        return None
    return Decision(tip=tip, decided_now=decided_now)


async def edit_tip(
    session: AsyncSession,
    team_id: str,
    tip_id: int,
    *,
    actor_id: str,
    title: str,
    description: str,
    category: str,
    now: datetime,
) -> tuple[Tip, list[str]] | None:
    """A reviewer's correction; returns the tip and the names of the fields that changed."""
    tip = await get_tip(session, team_id, tip_id)
    if tip is None:
        return None
    changed = [
        name
        for name, value in (("title", title), ("description", description), ("category", category))
        if getattr(tip, name) != value
    ]
    if changed:
        tip.title, tip.description, tip.category = title, description, category
        tip.updated_at = now
        _reindex(tip)
        session.add(
            TipEvent(
                team_id=team_id,
                tip_id=tip.id,
                actor_id=actor_id,
                action=TipEventAction.EDITED.value,
                note=", ".join(changed),
                at=now,
            )
        )
    return tip, changed


async def events_of(session: AsyncSession, team_id: str, tip_id: int) -> list[TipEvent]:
    return list(
        await session.scalars(
            select(TipEvent)
            .where(TipEvent.team_id == team_id, TipEvent.tip_id == tip_id)
            .order_by(TipEvent.at, TipEvent.id)
        )
    )


# ---------------------------------------------------------------------------- lists


@dataclass(frozen=True)
class Page:
    tips: list[Tip]
    total: int
    offset: int
    limit: int

    @property
    def has_previous(self) -> bool:
        return self.offset > 0

    @property
    def has_next(self) -> bool:
        return self.offset + len(self.tips) < self.total


async def _page(
    session: AsyncSession, where: Sequence[Any], order: Sequence[Any], offset: int, limit: int
) -> Page:
    total = await session.scalar(select(func.count()).select_from(Tip).where(*where)) or 0
    offset = max(0, min(offset, max(0, total - 1)))
    tips = list(
        await session.scalars(
            select(Tip).where(*where).order_by(*order).offset(offset).limit(limit)
        )
    )
    return Page(tips=tips, total=total, offset=offset, limit=limit)


async def pending_page(session: AsyncSession, team_id: str, offset: int, limit: int) -> Page:
    """Tips waiting for review, oldest first."""
    return await _page(
        session,
        [Tip.team_id == team_id, Tip.status == TipStatus.PENDING.value],
        [Tip.created_at, Tip.id],
        offset,
        limit,
    )


async def latest_page(session: AsyncSession, team_id: str, offset: int, limit: int) -> Page:
    """Approved tips, most recently approved first."""
    return await _page(
        session,
        [Tip.team_id == team_id, Tip.status == TipStatus.APPROVED.value],
        [Tip.decided_at.desc(), Tip.id.desc()],
        offset,
        limit,
    )


async def mine_page(
    session: AsyncSession, team_id: str, user_id: str, offset: int, limit: int
) -> Page:
    """A person's own tips in every status, newest first."""
    return await _page(
        session,
        [Tip.team_id == team_id, Tip.author_id == user_id],
        [Tip.created_at.desc(), Tip.id.desc()],
        offset,
        limit,
    )


async def tips_by_ids(session: AsyncSession, team_id: str, ids: Sequence[int]) -> list[Tip]:
    """Tips in the order of `ids`."""
    if not ids:
        return []
    found = {
        t.id: t
        for t in await session.scalars(select(Tip).where(Tip.team_id == team_id, Tip.id.in_(ids)))
    }
    return [found[i] for i in ids if i in found]


async def tips_needing_cards(
    session: AsyncSession, team_id: str, *, older_than: datetime, limit: int = 20
) -> list[int]:
    """Pending tips whose review card was never posted (Slack failed, or no channel yet)."""
    return list(
        await session.scalars(
            select(Tip.id)
            .where(
                Tip.team_id == team_id,
                Tip.status == TipStatus.PENDING.value,
                Tip.review_ts.is_(None),
                (Tip.card_attempt_at.is_(None)) | (Tip.card_attempt_at < older_than),
            )
            .order_by(Tip.created_at, Tip.id)
            .limit(limit)
        )
    )


async def claim_card(
    session: AsyncSession, team_id: str, tip_id: int, *, now: datetime, stale_before: datetime
) -> bool:
    """Take the right to post a tip's review card (one process at a time)."""
    result = await session.execute(
        update(Tip)
        .where(
            Tip.id == tip_id,
            Tip.team_id == team_id,
            Tip.review_ts.is_(None),
            (Tip.card_attempt_at.is_(None)) | (Tip.card_attempt_at < stale_before),
        )
        .values(card_attempt_at=now)
        .execution_options(synchronize_session=False)
    )
    return getattr(result, "rowcount", 0) == 1


async def record_card(
    session: AsyncSession, team_id: str, tip_id: int, channel: str, ts: str
) -> None:
    await session.execute(
        update(Tip)
        .where(Tip.id == tip_id, Tip.team_id == team_id)
        .values(review_channel=channel, review_ts=ts)
        .execution_options(synchronize_session=False)
    )


async def member_names(
    session: AsyncSession, team_id: str, user_ids: Sequence[str]
) -> dict[str, str]:
    """Display names Fika knows for these people (for turning mentions into plain text)."""
    if not user_ids:
        return {}
    rows = await session.execute(
        select(Member.user_id, Member.display_name).where(
            Member.team_id == team_id, Member.user_id.in_(list(user_ids))
        )
    )
    return {user_id: name for user_id, name in rows if name}


# ---------------------------------------------------------------------------- settings


async def get_settings(session: AsyncSession, team_id: str) -> TipsSettings | None:
    return await session.get(TipsSettings, team_id)


async def _settings_for_update(session: AsyncSession, team_id: str, now: datetime) -> TipsSettings:
    """The workspace's settings row (created if missing), locked until the transaction ends:
    admins' commands that change it run one after the other, each seeing what the last set."""
    await insert_missing(
        session, TipsSettings, {"team_id": team_id, "updated_at": now}, key=("team_id",)
    )
    settings = await session.scalar(
        read_back(select(TipsSettings).where(TipsSettings.team_id == team_id), lock=True)
    )
    if settings is None:
        raise LookupError(f"tips settings of {team_id} vanished")
    settings.updated_at = now
    return settings


@dataclass(frozen=True)
class SettingChange:
    """The settings after a change, and whether this change is what set them (False: they
    were so already, e.g. the same command a second time): only a change is announced."""

    settings: TipsSettings
    changed: bool


async def set_review_channel(
    session: AsyncSession, team_id: str, channel_id: str, *, by: str, now: datetime
) -> SettingChange:
    settings = await _settings_for_update(session, team_id, now)
    changed = settings.review_channel != channel_id
    settings.review_channel = channel_id
    settings.review_set_by = by
    settings.review_set_at = now
    await session.flush()
    return SettingChange(settings, changed)


async def set_digest(
    session: AsyncSession,
    team_id: str,
    channel_id: str | None,
    *,
    by: str,
    now: datetime,
    weekday: int | None = None,
    hour: int | None = None,
    minute: int | None = None,
) -> SettingChange:
    """Set (or with channel_id=None stop) the weekly digest; unchanged slot parts stay."""
    settings = await _settings_for_update(session, team_id, now)
    before = _digest_of(settings)
    settings.digest_channel = channel_id
    settings.digest_set_by = by
    settings.digest_set_at = now
    if settings.digest_weekday is None:
        settings.digest_weekday = 4
    if settings.digest_hour is None:
        settings.digest_hour = 10
    if settings.digest_minute is None:
        settings.digest_minute = 0
    if weekday is not None:
        settings.digest_weekday = weekday
    if hour is not None:
        settings.digest_hour = hour
        settings.digest_minute = minute or 0
    await session.flush()
    return SettingChange(settings, _digest_of(settings) != before)


def _digest_of(settings: TipsSettings) -> tuple[str | None, int | None, int | None, int | None]:
    return (
        settings.digest_channel,
        settings.digest_weekday,
        settings.digest_hour,
        settings.digest_minute,
    )
