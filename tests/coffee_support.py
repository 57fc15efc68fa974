"""Helpers shared by the coffee-break tests: a program channel with eleven people from five
libraries and three languages, and ways to find intros and follow-ups in the fake Slack."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.people.members import get_or_create_member
from bot.people.models import Library
from tests.conftest import TEAM_ID, RunningApp
from tests.fakes.slack_api import FakeSlack

CHANNEL = "CFIKA"
ADMIN = "UADMIN"
OUTSIDER = "UOUTSIDER"  # not an admin, not in the channel

# (Swedish name, Finnish name, municipality)
LIBRARIES = [
    ("Jakobstads stadsbibliotek", "Pietarsaaren kaupunginkirjasto", "Jakobstad"),
    ("Vasa stadsbibliotek", "Vaasan kaupunginkirjasto", "Vasa"),
    ("Karleby stadsbibliotek", "Kokkolan kaupunginkirjasto", "Karleby"),
    ("Kronoby bibliotek", "Kruunupyyn kirjasto", "Kronoby"),
    ("Nykarleby bibliotek", "Uudenkaarlepyyn kirjasto", "Nykarleby"),
]


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    locale: str  # Slack locale
    library: int  # index into LIBRARIES
    chat: str  # chat languages

    @property
    def lang(self) -> str:
        return self.locale[:2]


# Eleven people: libraries 3 + 3 + 2 + 2 + 1, Slack languages sv / fi / en.
PEOPLE = [
    Person(ADMIN, "ada", "sv-SE", 0, "sv,fi,en"),
    Person("U01AINO", "aino", "fi-FI", 0, "fi,sv"),
    Person("U02BO", "bo", "sv-SE", 0, "sv,fi"),
    Person("U03EERO", "eero", "fi-FI", 1, "fi,sv"),
    Person("U04FRIDA", "frida", "sv-SE", 1, "sv,fi"),
    Person("U05GUS", "gus", "en-US", 1, "en,sv,fi"),
    Person("U06HELMI", "helmi", "fi-FI", 2, "fi,sv"),
    Person("U07IDA", "ida", "sv-SE", 2, "sv,fi"),
    Person("U08JUHO", "juho", "fi-FI", 3, "fi,sv"),
    Person("U09KAJ", "kaj", "sv-SE", 3, "sv,fi"),
    Person("U10LEA", "lea", "en-US", 4, "en,sv,fi"),
]
BY_ID = {p.user_id: p for p in PEOPLE}


def add_people(fake: FakeSlack, *, bot_in_channel: bool = False) -> None:
    for person in PEOPLE:
        fake.add_user(person.user_id, name=person.name, locale=person.locale)
    fake.add_user(OUTSIDER, name="otto", locale="sv-SE")
    fake.add_channel(
        CHANNEL, "fika", members=[p.user_id for p in PEOPLE], bot_is_member=bot_in_channel
    )


async def store_profiles(db: async_sessionmaker[AsyncSession]) -> dict[int, int]:
    """Libraries on the curated list and everyone's library and chat languages; index → id."""
    ids: dict[int, int] = {}
    async with db.begin() as session:
        for i, (sv, fi, town) in enumerate(LIBRARIES):
            library = Library(team_id=TEAM_ID, name_sv=sv, name_fi=fi, municipality=town)
            session.add(library)
            await session.flush()
            ids[i] = library.id
        for person in PEOPLE:
            member = await get_or_create_member(session, TEAM_ID, person.user_id)
            member.library_id = ids[person.library]
            member.chat_languages = person.chat
    return ids


async def workspace(app: RunningApp) -> None:
    add_people(app.fake)
    await store_profiles(app.deps.db)


async def start_program(app: RunningApp, channel: str = CHANNEL) -> None:
    resp = await app.sender.command("/fika", "start", user_id=ADMIN, channel_id=channel)
    assert resp.status == 200, resp.text
    await app.settle()


def group_dms(fake: FakeSlack) -> list[Any]:
    return [c for c in fake.conversations.values() if c.kind == "mpim"]


def marked_messages(fake: FakeSlack, channel_id: str, event_type: str) -> list[dict[str, Any]]:
    return [
        m
        for m in fake.messages(channel_id)
        if (m.get("metadata") or {}).get("event_type") == event_type
    ]


def intros(fake: FakeSlack) -> dict[str, list[dict[str, Any]]]:
    """Group DM id → intro messages in it."""
    return {c.id: marked_messages(fake, c.id, "fika_intro") for c in group_dms(fake)}


def sections(message: dict[str, Any]) -> list[str]:
    return [
        b["text"]["text"]
        for b in message.get("blocks") or []
        if b.get("type") == "section" and isinstance(b.get("text"), dict)
    ]


def all_text(payload: dict[str, Any] | None) -> str:
    """Every piece of text in a message, a response or a view (for assertions)."""
    parts: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "text" and isinstance(item, str):
                    parts.append(item)
                else:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(payload or {})
    return "\n".join(parts)


def humans(conversation: Any, fake: FakeSlack) -> list[str]:
    return sorted(u for u in conversation.members if u != fake.bot_user_id)
