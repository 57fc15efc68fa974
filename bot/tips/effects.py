"""The port through which the tips reach a chat surface: everything they send.

The feature's own code (`bot.tips.cards`: review cards and notices to authors;
`bot.tips.digests`: the weekly digest) decides what goes out, to whom, in which language and
exactly once, and hands it to a `TipMessages`; the surface's adapter renders it with its own
views (Slack: `bot.tips.delivery.SlackTipMessages`, Block Kit from `bot.tips.views`) and sends
it. What travels is plain data: ids, the stored `Tip`s, a `Translator`, and back a
`MessageRef`. A refusal or an outage is an `Undelivered` (never a surface's own exception).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from bot.platform.i18n import Translator
from bot.tips.models import Tip


class Undelivered(Exception):
    """The surface did not take the message (refused, or unreachable): nothing went out.

    `code` is the surface's error code (e.g. "channel_not_found") or the kind of outage."""

    @property
    def code(self) -> str:
        return str(self.args[0]) if self.args else "unknown"


class NotInChannel(Undelivered):
    """The bot is not a member of the channel (removed from it); joining may help."""


@dataclass(frozen=True)
class MessageRef:
    """Where a posted message is: its channel and the surface's id of it (Slack: its ts)."""

    channel: str
    message_id: str


class AuthorNotice(StrEnum):
    THANKS = "thanks"  # the tip was received and will be reviewed
    DECISION = "decision"  # approved, or rejected with the reviewer's reason


@dataclass(frozen=True)
class Digest:
    """One weekly digest's content: tips by category (in the categories' order), and the
    names to show for their authors."""

    groups: Sequence[tuple[str, Sequence[Tip]]]
    names: Mapping[str, str] = field(default_factory=dict)


class TipMessages(Protocol):
    """What the tips send. Each method either has done it, or raises `Undelivered`; the ones
    whose message must not be lost (`update_card`, `tell_author`, `post_digest`) queue it on
    the surface's side when it cannot go now and then return as if done."""

    async def post_card(self, team_id: str, channel: str, tip: Tip, t: Translator) -> MessageRef:
        """Post a pending tip's review card; its reference is what `update_card` needs.

        Raises `NotInChannel` when the bot is not in `channel`, else `Undelivered`."""
        ...

    async def join(self, team_id: str, channel: str) -> None:
        """Join `channel` again (a public one; a private one needs an invitation)."""
        ...

    async def update_card(self, team_id: str, card: MessageRef, tip: Tip, t: Translator) -> None:
        """Show the tip's current state (decision, who, when; edits) on its card."""
        ...

    async def tell_author(
        self, team_id: str, tip: Tip, notice: AuthorNotice, t: Translator
    ) -> None:
        """A direct message to the tip's author."""
        ...

    async def post_digest(
        self, team_id: str, channel: str, digest: Digest, t: Translator
    ) -> MessageRef | None:
        """Post the digest (however many messages it takes); the reference of its first
        message, or None when the surface queued it. Raises `Undelivered` only when nothing
        of it went out nor was queued, so posting it again later cannot repeat a part."""
        ...
