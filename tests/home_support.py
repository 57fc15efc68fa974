"""Helpers for the App Home tests: opening the Home, clicking in it, reading what it shows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.coffee.models import CoffeeParticipant, CoffeeProgram
from bot.platform.catalogs import placeholders
from bot.platform.i18n import translator
from tests.coffee_support import all_text
from tests.conftest import RunningApp
from tests.fakes.block_kit import validate_view
from tests.fakes.slack_requests import app_home_opened_event

JSON = dict[str, Any]


async def open_home(app: RunningApp, user_id: str) -> JSON:
    """Send app_home_opened and return the Home published for the person."""
    before = len(app.fake.calls_to("views.publish"))
    resp = await app.sender.event(app_home_opened_event(user_id))
    assert resp.status == 200, resp.text
    await app.settle()
    return published(app, user_id, before)


def published(app: RunningApp, user_id: str, calls_before: int) -> JSON:
    """The Home published since `calls_before` views.publish calls (there must be one)."""
    calls = app.fake.calls_to("views.publish")[calls_before:]
    mine = [c for c in calls if c.args.get("user_id") == user_id]
    assert mine, f"no Home published for {user_id}: {[c.failed_with for c in calls]}"
    assert all(c.failed_with is None for c in mine), [c.failed_with for c in mine]
    view = app.fake.home_views[user_id]
    assert validate_view(view) == []
    assert len(view["blocks"]) <= 100
    return view


async def click(
    app: RunningApp,
    user_id: str,
    action_id: str,
    value: str | None = None,
    *,
    view: JSON | None = None,
    block_id: str | None = None,
    **kwargs: Any,
) -> Any:
    """Click in the person's Home (or in `view`, e.g. a modal)."""
    target = view if view is not None else app.fake.home_views[user_id]
    resp = await app.sender.block_action(
        user_id, action_id, value, view=target, block_id=block_id, **kwargs
    )
    assert resp.status == 200, resp.text
    await app.settle()
    return resp


async def click_home(
    app: RunningApp, user_id: str, action_id: str, value: str | None = None, **kwargs: Any
) -> JSON:
    """Click in the Home and return the Home republished after it."""
    before = len(app.fake.calls_to("views.publish"))
    await click(app, user_id, action_id, value, **kwargs)
    return published(app, user_id, before)


def elements(view: JSON) -> list[JSON]:
    found: list[JSON] = []
    for block in view.get("blocks") or []:
        found.extend(block.get("elements") or [])
        if isinstance(block.get("accessory"), dict):
            found.append(block["accessory"])
    return [e for e in found if isinstance(e, dict) and e.get("action_id")]


def action_ids(view: JSON) -> list[str]:
    return [str(e["action_id"]) for e in elements(view)]


def values_of(view: JSON, action_id: str) -> list[str]:
    return [str(e.get("value")) for e in elements(view) if e["action_id"] == action_id]


def notice(view: JSON) -> str:
    block = next((b for b in view["blocks"] if b.get("block_id") == "home_notice"), None)
    return str(block["text"]["text"]) if block else ""


def text(view: JSON) -> str:
    return all_text(view)


def said(locale: str, msgid: str, **_: Any) -> str:
    """The text up to its first placeholder, in `locale` (to find a sentence in a view)."""
    t = translator(locale)
    marker = "\x00"
    names = placeholders(msgid)
    full = t(msgid, **{k: marker for k in names}) if names else t(msgid)
    return full.split(marker)[0]


async def participant(app: RunningApp, user_id: str) -> CoffeeParticipant | None:
    async with app.deps.db() as session:
        return await session.scalar(
            select(CoffeeParticipant).where(CoffeeParticipant.user_id == user_id)
        )


async def program_ids(app: RunningApp) -> list[int]:
    async with app.deps.db() as session:
        return list(await session.scalars(select(CoffeeProgram.id).order_by(CoffeeProgram.id)))
