"""The App Home on Slack's side: who the viewer is (channel memberships, reviewer, admin), this
year's figures (cached briefly), publishing the Home, and the review list modal it opens.

`publish_home` is for the Home's own listeners (a failure is theirs to report);
`refresh_home` is for changes made elsewhere (a command, a modal): it never fails the caller.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee.programs import active_programs
from bot.coffee.schedule import local_today
from bot.home.store import (
    Figures,
    HomePages,
    clamp_offset,
    gather_home,
    pending_count,
    year_figures,
)
from bot.home.views import home_view, review_modal
from bot.people.channels import channel_members
from bot.people.directory import is_admin
from bot.people.former import is_former
from bot.platform.deps import Deps
from bot.platform.i18n import Translator, translator
from bot.platform.slack_values import to_offset
from bot.tips.reviewers import is_reviewer
from bot.tips.store import pending_page
from bot.tips.views import REVIEW_PAGE_SIZE

log = logging.getLogger(__name__)

# A notice at the top of the Home: text, or text made with the Home's (new) translator.
Notice = str | Callable[[Translator], str] | None

# The figures scan a year of rounds; a Home shows them at most this old.
FIGURES_FRESH_FOR = timedelta(minutes=5)


@dataclass
class _Cached:
    figures: Figures
    at: datetime


# One cache per Slack client (a deployment has one; tests one per app), like tip_reviewers.
_figure_caches: weakref.WeakKeyDictionary[AsyncWebClient, dict[tuple[str, int], _Cached]] = (
    weakref.WeakKeyDictionary()
)


async def _figures(deps: Deps, team_id: str) -> Figures:
    now = deps.now()
    tz = deps.settings.timezone
    year = local_today(now, tz).year
    cache = _figure_caches.setdefault(deps.client, {})
    hit = cache.get((team_id, year))
    if hit is not None and now - hit.at < FIGURES_FRESH_FOR:
        return hit.figures
    async with deps.db() as session:
        figures = await year_figures(session, team_id, year, tz)
    cache[(team_id, year)] = _Cached(figures, now)
    return figures


def forget_figures(deps: Deps) -> None:
    """Drop the cached figures (after a change the Home should show at once)."""
    _figure_caches.pop(deps.client, None)


_workspace_urls: weakref.WeakKeyDictionary[AsyncWebClient, dict[str, str]] = (
    weakref.WeakKeyDictionary()
)


async def workspace_url(deps: Deps, team_id: str) -> str | None:
    """The workspace's own address (auth.test's `url`, e.g. https://bibliotek.slack.com/),
    asked once per process; None while Slack does not answer."""
    cache = _workspace_urls.setdefault(deps.client, {})
    if team_id not in cache:
        try:
            resp = await deps.client.auth_test()
        except (SlackApiError, aiohttp.ClientError, TimeoutError) as exc:
            log.info("auth.test failed, no group chat links: %s", type(exc).__name__)
            return None
        url = str(resp.get("url") or "")
        if not url.startswith(("https://", "http://")):
            return None
        cache[team_id] = url
    return cache[team_id]


async def _in_channels(deps: Deps, team_id: str, user_id: str) -> dict[str, bool]:
    """Per program channel: is the person a member (conversations.members, cached a minute)."""
    async with deps.db() as session:
        programs = await active_programs(session, team_id)
    return {
        p.channel_id: user_id in await channel_members(deps, team_id, p.channel_id)
        for p in programs
    }


async def render_home(
    deps: Deps, team_id: str, user_id: str, pages: HomePages | None = None, notice: Notice = None
) -> dict[str, Any]:
    """The person's Home view, in their language as stored now."""
    reviewer = await is_reviewer(deps, team_id, user_id)
    admin = await is_admin(deps, team_id, user_id, fresh=False)  # shown only
    figures = await _figures(deps, team_id) if reviewer or admin else None
    in_channel = await _in_channels(deps, team_id, user_id)
    async with deps.db() as session:
        data = await gather_home(
            session,
            team_id,
            user_id,
            now=deps.now(),
            pages=pages or HomePages(),
            in_channel=in_channel,
            default_locale=deps.settings.default_locale,
            reviewer=reviewer,
            admin=admin,
            figures=figures,
        )
    t = translator(data.profile.locale)
    text = notice(t) if callable(notice) else notice
    links = await workspace_url(deps, team_id)
    return home_view(t, data, workspace_url=links, notice=text)


async def publish_home(
    deps: Deps, team_id: str, user_id: str, pages: HomePages | None = None, notice: Notice = None
) -> None:
    view = await render_home(deps, team_id, user_id, pages, notice)
    await deps.chat.publish_home(user_id, view)


async def refresh_home(
    deps: Deps, team_id: str, user_id: str, pages: HomePages | None = None, notice: Notice = None
) -> None:
    """Republish after a change made elsewhere; a failure is logged, never raised."""
    if not team_id or not user_id or is_former(user_id):
        return
    try:
        await publish_home(deps, team_id, user_id, pages, notice)
    except SlackApiError as exc:
        log.warning("Home of %s not refreshed: %s", user_id, exc.response.get("error"))
    except Exception:
        log.exception("Home of %s not refreshed", user_id)


# ---------------------------------------------------------------------------- review list


async def review_view(
    deps: Deps,
    t: Translator,
    team_id: str,
    user_id: str,
    offset: int,
    notice: str | None = None,
) -> dict[str, Any]:
    """The review list modal at `offset` (kept on a page boundary as tips leave the queue)."""
    async with deps.db() as session:
        total = await pending_count(session, team_id)
        page = await pending_page(
            session, team_id, clamp_offset(offset, total, REVIEW_PAGE_SIZE), REVIEW_PAGE_SIZE
        )
    return review_modal(t, page, deps.settings.tz, user_id, notice)


# Marks a reject/edit modal pushed from the Home's review list (in its private_metadata).
FROM_HOME = "hv"


async def redraw_review_list(
    deps: Deps,
    t: Translator,
    team_id: str,
    user_id: str,
    view: dict[str, Any],
    meta: dict[str, Any],
) -> None:
    """After a reviewer's reject/edit modal is saved: redraw the Home review list it was pushed
    from (the view below it). The Homes themselves are refreshed by `bot.tips.service`."""
    previous = view.get("previous_view_id")
    if meta.get(FROM_HOME) and isinstance(previous, str) and previous:
        try:
            offset = to_offset(meta.get("o")) or 0
            await deps.client.views_update(
                view_id=previous, view=await review_view(deps, t, team_id, user_id, offset)
            )
        except SlackApiError as exc:
            log.warning("review list not redrawn: %s", exc.response.get("error"))
