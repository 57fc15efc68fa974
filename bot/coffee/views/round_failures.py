"""The admins' note after a round: which groups' introductions could not be delivered, and why.

Data and the recipient's translator in, text and blocks out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.coffee.views.messages import Block, section
from bot.people.former import person
from bot.platform.i18n import N_, Translator
from bot.platform.slack_text import channel_link, escape

# Slack's error codes for a failed intro, in plain words.
REASONS = {
    "user_disabled": N_("an account has been deactivated"),
    "account_inactive": N_("an account has been deactivated"),
    "user_not_found": N_("someone is no longer in this Slack workspace"),
    "users_not_found": N_("someone is no longer in this Slack workspace"),
    "cannot_dm_bot": N_("a member is a bot, and bots cannot be messaged"),
    "too_many_users": N_("the group is too big for one group message"),
    "restricted_action": N_("the workspace settings do not allow the bot to message them"),
    "channel_not_found": N_("the conversation no longer exists"),
    "is_archived": N_("the conversation has been archived"),
    "invalid_blocks": N_("Slack did not accept the message's contents"),
    "msg_too_long": N_("Slack did not accept the message's contents"),
}
# More groups than this are summed up ("… and 12 more groups") to keep the message readable.
LISTED_MAX = 40


@dataclass(frozen=True)
class FailedGroup:
    """A group whose intro failed for good (`error`: the surface's code); `left_out`: these are
    people the round took out of their group because they could not be reached, while the
    others of it got their introduction (Teams; Slack drops only deactivated accounts)."""

    user_ids: Sequence[str]
    error: str
    left_out: bool = False


def reason(t: Translator, error: str) -> str:
    known = REASONS.get(error)
    if known is not None:
        return t(known)
    return t("Slack refused it ({error})", error=escape(error))


def failure_report(
    t: Translator, channel_id: str, failed: Sequence[FailedGroup]
) -> tuple[str, list[Block]]:
    """Text and blocks of the DM to an admin about one round's undeliverable intros."""
    head = t.ngettext(
        "☕ The coffee round in {channel} is done, but {n} introduction could not be delivered:",
        "☕ The coffee round in {channel} is done, but {n} introductions could not be delivered:",
        len(failed),
        channel=channel_link(channel_id),
    )
    lines = []
    for group in failed[:LISTED_MAX]:
        people = t.list([person(t, u) for u in group.user_ids]) if group.user_ids else "—"
        lines.append(f"• {people}: {reason(t, group.error)}")
    rest = len(failed) - LISTED_MAX
    if rest > 0:
        lines.append(t.ngettext("… and {n} more group.", "… and {n} more groups.", rest))
    tail = t("Everyone else got their introduction.")
    blocks: list[Block] = [section(head)]
    chunk: list[str] = []
    size = 0
    for line in lines:
        if chunk and size + len(line) + 1 > 2900:
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    blocks.append(section(tail))
    text = "\n".join([head, *lines, tail])
    return text[:3900], blocks
