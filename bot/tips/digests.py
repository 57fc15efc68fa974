"""Posting the weekly digests, for any surface (`bot.tips.effects.TipMessages`).

Which digests are due and what each carries is decided from the tables (`bot.tips.digest`):
a digest is claimed once per (workspace, week) with its tips, posted, and marked posted. One
that a stopped process (or a surface that took nothing) left unposted is taken again after
`bot.tips.digest.RETRY_UNPOSTED_AFTER`, by one process, and posted once. A digest that the
surface has queued counts as posted: the surface delivers it (Slack: `bot.platform.outbox`).
"""

from __future__ import annotations

import logging

from bot.people.directory import workspace_translator
from bot.platform.deps import Deps
from bot.privacy.store import uninstalled_teams
from bot.tips import digest as tip_digest
from bot.tips.effects import Digest, TipMessages, Undelivered
from bot.tips.export import names_of
from bot.tips.models import TipDigest

log = logging.getLogger(__name__)


async def run_digests(deps: Deps, messages: TipMessages) -> int:
    """Post every digest that is due (and re-post any left unposted); how many were posted."""
    now = deps.now()
    posted = 0
    async with deps.db() as session:
        due = await tip_digest.due_digests(session, now, deps.settings.tz)
        stale = await tip_digest.unposted_digests(session, now)
        # An uninstalled workspace (app_uninstalled) gets no digest until it is back.
        gone = await uninstalled_teams(session)
    for item in due:
        if item.team_id in gone:
            continue
        async with deps.db.begin() as session:
            claimed = await tip_digest.claim_digest(session, item, now)
        if claimed is None:
            continue  # another process has it
        digest, tips = claimed
        if not tips:
            log.info(
                "digest %s for %s: nothing approved, nothing posted", item.period, item.team_id
            )
        elif await post_digest(deps, messages, digest.id):
            posted += 1
    for digest_id in stale:
        async with deps.db.begin() as session:
            taken = await tip_digest.retake_digest(session, digest_id, now)
        if taken and await post_digest(deps, messages, digest_id):
            posted += 1
    return posted


async def post_digest(deps: Deps, messages: TipMessages, digest_id: int) -> bool:
    """Post a claimed digest and record it as posted; False when the surface took nothing
    (it stays unposted and is taken again later)."""
    async with deps.db() as session:
        digest = await session.get(TipDigest, digest_id)
        if digest is None or digest.channel is None:
            return False
        tips = await tip_digest.digest_tips(session, digest)
        names = await names_of(session, digest.team_id, {tip.author_id for tip in tips})
        team_id, channel, period = digest.team_id, digest.channel, digest.period
    t = await workspace_translator(deps, team_id)
    content = Digest(tip_digest.group_by_category(tips), names)
    try:
        first = await messages.post_digest(team_id, channel, content, t)
    except Undelivered as exc:
        log.warning("digest %s for %s not posted (%s); will retry", period, team_id, exc.code)
        return False
    async with deps.db.begin() as session:
        await tip_digest.mark_posted(
            session, digest_id, ts=first.message_id if first else None, now=deps.now()
        )
    return True
