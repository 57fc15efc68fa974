"""Helpers shared by the tips tests: a workspace with a review channel, submitting the modal,
finding cards, walking every recorded Slack call for unescaped text."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from datetime import datetime
from typing import Any

from bot.platform.deps import Deps
from bot.tips.ids import TipAction, TipBlock
from bot.tips.models import Tip, TipSource, TipStatus
from bot.tips.store import TipDraft, create_tip
from tests.conftest import TEAM_ID, RunningApp

REVIEW = "CREVIEW"
DIGEST = "CDIGEST"
GENERAL = "CGENERAL"
ADMIN = "UADMIN"
REVIEWERS = ("UREV1", "UREV2")
AUTHOR = "UAUTHOR"
OUTSIDER = "UOUTSIDER"

INJECTIONS = (
    "<!channel>",
    "<!here>",
    "<@U0EVIL>",
    "<!subteam^S0TEAM|@libs>",
    "<http://evil|click>",
)


def workspace(app: RunningApp) -> None:
    """People and channels: a public review channel with two reviewers, a digest channel."""
    fake = app.fake
    fake.add_user(ADMIN, name="ada", locale="en-US")
    fake.add_user("UREV1", name="rea", real_name="Rea Reviewer", locale="sv-SE")
    fake.add_user("UREV2", name="rolf", locale="en-US")
    fake.add_user(AUTHOR, name="aino", real_name="Aino Author", locale="fi-FI")
    fake.add_user(OUTSIDER, name="otto", locale="sv-SE")
    fake.add_channel(REVIEW, "ake-review", members=[*REVIEWERS, ADMIN])
    fake.add_channel(DIGEST, "good-practice", members=[ADMIN, AUTHOR, OUTSIDER, *REVIEWERS])
    fake.add_channel(GENERAL, "general", members=[ADMIN, AUTHOR, OUTSIDER], bot_is_member=True)


async def setup_review(app: RunningApp) -> None:
    resp = await app.sender.command("/tips", "setup review", user_id=ADMIN, channel_id=REVIEW)
    assert resp.status == 200
    await app.settle()


async def setup_digest(app: RunningApp, text: str = "setup digest") -> None:
    resp = await app.sender.command("/tips", text, user_id=ADMIN, channel_id=DIGEST)
    assert resp.status == 200
    await app.settle()


def tip_values(
    *,
    title: str = "Läsecirkel för nyanlända",
    description: str = "Vi startade en läsecirkel på lätt svenska i biblioteket.",
    category: str | None = "participation",
    library: str | None = None,
    library_other: str | None = "Åbo stadsbibliotek",
    link: str | None = None,
    language: str | None = "sv",
) -> dict[str, Any]:
    def text(value: str | None) -> dict[str, Any]:
        return {TipBlock.VALUE: {"type": "plain_text_input", "value": value}}

    def select(value: str | None) -> dict[str, Any]:
        option = (
            None
            if value is None
            else {"text": {"type": "plain_text", "text": value}, "value": value}
        )
        return {TipBlock.VALUE: {"type": "static_select", "selected_option": option}}

    values = {
        TipBlock.TITLE: text(title),
        TipBlock.DESCRIPTION: text(description),
        TipBlock.CATEGORY: select(category),
        TipBlock.LIBRARY_OTHER: text(library_other),
        TipBlock.LINK: text(link),
        TipBlock.LANGUAGE: select(language),
    }
    if library is not None:
        values[TipBlock.LIBRARY] = select(library)
    return {str(k): v for k, v in values.items()}


async def open_form(app: RunningApp, user_id: str = AUTHOR, text: str = "") -> dict[str, Any]:
    before = len(app.fake.views)
    resp = await app.sender.command("/tips", text, user_id=user_id)
    assert resp.status == 200
    await app.settle()
    assert len(app.fake.views) == before + 1, [c.failed_with for c in app.fake.calls]
    return app.fake.views[-1]


async def submit(
    app: RunningApp, view: dict[str, Any], user_id: str = AUTHOR, **values: Any
) -> Any:
    resp = await app.sender.view_submission(user_id, view, tip_values(**values))
    await app.settle()
    return resp


async def tips_in_db(deps: Deps) -> list[Tip]:
    from sqlalchemy import select

    async with deps.db() as session:
        return list(await session.scalars(select(Tip).order_by(Tip.id)))


def card_of(app: RunningApp, tip_id: int) -> dict[str, Any]:
    for msg in app.fake.messages(REVIEW):
        for block in msg.get("blocks") or []:
            for el in block.get("elements") or []:
                if el.get("action_id") == TipAction.APPROVE and el.get("value") == str(tip_id):
                    return msg
                if el.get("action_id") == TipAction.EDIT and el.get("value") == str(tip_id):
                    return msg
    raise AssertionError(f"no card for tip {tip_id}")


def text_of(obj: Any) -> str:
    """Every string inside a message/payload, joined (for 'is this shown' checks)."""
    return "\n".join(strings(obj))


def strings(obj: Any, skip_keys: frozenset[str] = frozenset()) -> Iterator[str]:
    if isinstance(obj, str):
        yield obj
    elif isinstance(obj, dict):
        for key, value in obj.items():
            if key in skip_keys:
                continue
            yield from strings(value, skip_keys)
    elif isinstance(obj, list | tuple):
        for value in obj:
            yield from strings(value, skip_keys)


def unescaped_leaks(app: RunningApp, extra: list[Any] | None = None) -> list[str]:
    """Raw injection strings found in anything the bot sent to Slack.

    Modal inputs' initial_value are exempt: they are the person's own text being edited, which
    Slack never renders as mrkdwn.
    """
    found: list[str] = []
    sent: list[Any] = [(c.method, c.args) for c in app.fake.calls]
    sent += [("response_url", r["body"]) for r in app.fake.responses]
    sent += [("ack", e) for e in extra or []]
    for where, payload in sent:
        for text in strings(payload, frozenset({"initial_value"})):
            for bad in INJECTIONS:
                if bad in text:
                    found.append(f"{where}: {bad} in {text[:120]!r}")
    return found


async def add_tip(
    deps: Deps,
    *,
    title: str,
    description: str = "Beskrivning.",
    category: str = "other",
    library: str | None = "Testbiblioteket",
    author: str = AUTHOR,
    status: TipStatus = TipStatus.APPROVED,
    created_at: datetime | None = None,
    decided_at: datetime | None = None,
    team_id: str = TEAM_ID,
    language: str = "sv",
    link: str | None = None,
    note: str | None = None,
) -> int:
    """A tip stored directly (for lists, search, digests, export)."""
    now = created_at or deps.now()
    async with deps.db.begin() as session:
        tip = await create_tip(
            session,
            team_id,
            author,
            TipDraft(
                title=title,
                description=description,
                category=category,
                library_id=None,
                library_name=library,
                link=link,
                language=language,
            ),
            source=TipSource.COMMAND,
            source_ref=None,
            now=now,
        )
        if status != TipStatus.PENDING:
            tip.status = status.value
            tip.decided_at = decided_at or now
            tip.decided_by = REVIEWERS[0]
            tip.decision_note = note
        return tip.id


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


class RecordedTipEffects:
    """`TipEffects` that only notes what it was asked to do."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    async def tip_shared(self, team_id: str, tip_id: int) -> None:
        self.calls.append(("shared", tip_id))

    async def card_changed(self, team_id: str, tip_id: int) -> None:
        self.calls.append(("card", tip_id))

    async def author_told(self, team_id: str, tip_id: int) -> None:
        self.calls.append(("author", tip_id))

    async def homes_changed(self, team_id: str, user_ids: Collection[str]) -> None:
        self.calls.append(("homes", tuple(user_ids)))

    def figures_changed(self) -> None:
        self.calls.append(("figures", None))

    async def review_channel_set(self, team_id: str, channel_id: str) -> None:
        self.calls.append(("review channel", channel_id))
