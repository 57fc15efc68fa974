"""The coffee feature's outbound port: what a chat surface does for coffee breaks.

The rounds (`bot.coffee.rounds`), the follow-ups (`bot.coffee.followups`) and the welcome DM
(`bot.coffee.enrolment.send_welcome`) decide *what* goes out and keep the books — our tables are
the truth: a group's conversation, each attempt, what was delivered or failed for good — and a
surface's adapter carries it out and renders it with its own views. Slack's adapter is
`bot.coffee.delivery.SlackCoffeeEffects` (group DMs, metadata-marked messages, pacing, the
outbox); `bot.coffee.surface.coffee_effects` picks the adapter for a process. A surface without
group chats (Microsoft Teams) implements the same methods differently: its "group
conversation" is a reference of its own, and an intro is a 1:1 card to each member naming the
group.

Methods take plain data (ids, the feature's own group and program rows, counts) and return plain
data (a message reference). A failure is `Permanent` (retrying cannot fix it; `error` is the
surface's code, shown to admins) or `Transient` (try again on a later pass); `InFlight` says an
earlier post may still land. Nothing here knows Slack.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.coffee.models import CoffeeGroup, CoffeeProgram
from bot.coffee.round_store import RoundSummary
from bot.coffee.schedule import Slot
from bot.coffee.views.round_failures import FailedGroup

# What became of one group's message (rounds and follow-ups).
log = logging.getLogger(__name__)

SENT = "sent"
FAILED = "failed"
RETRY = "retry"
LATER = "later"  # an earlier post may still land: this one waits, the others go on


class Permanent(Exception):
    """The surface refused for a reason retrying cannot fix; `error` is its code."""

    def __init__(self, error: str) -> None:
        super().__init__(error)
        self.error = error


class Unreachable(Permanent):
    """One or more of the people cannot be messaged (deactivated, gone, a bot, blocked the
    bot). `people`: who, when the surface knows it — user id → the surface's code for why
    (Teams); empty when it does not say (Slack: the round re-reads the members instead)."""

    def __init__(self, error: str, people: Mapping[str, str] | None = None) -> None:
        super().__init__(error)
        self.people: dict[str, str] = dict(people or {})


class Transient(Exception):
    """The surface or the network failed for now; try again on a later pass."""


class InFlight(Transient):
    """An earlier post may still land in the conversation: not posted again before `until`."""

    def __init__(self, until: datetime) -> None:
        super().__init__(f"an earlier post may still land until {until.isoformat()}")
        self.until = until


async def settled(
    what: str,
    group_id: int,
    send: Callable[[], Awaitable[str]],
    failed: Callable[[str], Awaitable[None]],
) -> str:
    """What became of one message to a group: `send()`'s outcome, or LATER (an earlier attempt
    may still land), RETRY (not sent yet) or FAILED (for good, after `failed(error)` recorded
    it). The same ladder for intros and follow-ups."""
    try:
        return await send()
    except InFlight as exc:
        log.info("%s of group %s waits: %s", what, group_id, exc)
        return LATER
    except Transient as exc:
        log.warning("%s of group %s not sent yet: %s", what, group_id, exc)
        return RETRY
    except Permanent as exc:
        log.warning("%s of group %s cannot be delivered: %s", what, group_id, exc.error)
        await failed(exc.error)
        return FAILED


@dataclass(frozen=True)
class MessageRef:
    """A message the surface can update later (Slack: channel and ts)."""

    channel: str
    ts: str


@dataclass(frozen=True)
class Attempts:
    """The feature's record of a group message's earlier attempts, and how to add one.

    `attempted_at`: when it was first tried (None: never); `in_flight_until`: until when that
    attempt may still land, as recorded. `record(until)` stores an attempt (and until when it
    may land) *before* the surface sends it; the surface calls it before every send.
    """

    attempted_at: datetime | None
    in_flight_until: datetime | None
    record: Callable[[datetime], Awaitable[None]]


@dataclass(frozen=True)
class Delivered:
    """A group message that is there: its reference (Slack: the ts), and whether it was found
    from an earlier attempt rather than sent now. `not_reached`: members the surface could not
    give it to while the others got it (user id → the surface's code; Teams, where each member
    has a card of their own and someone may block Fika after their chat was opened)."""

    message: str
    found: bool = False
    not_reached: Mapping[str, str] = field(default_factory=dict)


#: Claims a once-only message in the transaction that queues it: False means already claimed.
Claim = Callable[[AsyncSession], Awaitable[bool]]


class CoffeeEffects(Protocol):
    """What a chat surface does for coffee breaks."""

    # ------------------------------------------------------------ a group's conversation

    async def open_group(self, team_id: str, user_ids: Sequence[str]) -> str:
        """Where the group's messages go, opened for these people (Slack: their group DM): a
        reference the feature stores and hands back. Raises `Unreachable` when some of them
        cannot be messaged (naming them in `people` when the surface knows who: the round
        then goes on without them and tells the admins), else Permanent/Transient."""
        ...

    async def deliver_intro(
        self, group: CoffeeGroup, conversation: str, program_channel: str, attempts: Attempts
    ) -> Delivered:
        """The group's introduction (or, for a group of one, the "nobody else this time" note),
        in each member's language, exactly once across crashes: an earlier attempt that landed
        is found and returned. Raises Permanent, Transient or InFlight."""
        ...

    async def ask_followup(
        self, group: CoffeeGroup, conversation: str, round_day: date, attempts: Attempts
    ) -> Delivered:
        """ "Did you meet?" in the group's conversation, exactly once like the intro."""
        ...

    async def show_answer(
        self, group: CoffeeGroup, conversation: str, message: str, round_day: date
    ) -> None:
        """Show the follow-up `message` in its current state (who answered). Never raises: a
        failure now is retried by the surface."""
        ...

    # ------------------------------------------------------------ the program channel

    async def round_started(self, team_id: str, channel_id: str) -> MessageRef | None:
        """A "gathering the people" note in the program channel that later shows the round's
        progress; None when it could not be posted (the round goes on without it)."""
        ...

    async def round_progress(
        self, team_id: str, progress: MessageRef, done: int, total: int
    ) -> None:
        """`done` of `total` groups introduced, on the progress note (never raises)."""
        ...

    async def round_not_run(self, team_id: str, progress: MessageRef, error: str | None) -> None:
        """The progress note says there was no round: the channel's members could not be read
        (`error`, the surface's code) or (None) this period's round was already claimed."""
        ...

    async def round_summary(
        self, team_id: str, channel_id: str, progress: MessageRef | None, summary: RoundSummary
    ) -> None:
        """The round's summary in the program channel: on the progress note when there is one,
        else (or when it cannot be updated) as a message that is not lost."""
        ...

    async def report_failures(
        self,
        team_id: str,
        program_channel: str,
        admins: Sequence[str],
        failed: Sequence[FailedGroup],
        claim: Claim,
    ) -> bool:
        """One message to each admin, in their language, about the groups whose intro failed
        for good. `claim` runs in the transaction that keeps the messages for sending, so a
        crash neither loses nor repeats them; False (nothing sent) when it was claimed before."""
        ...

    # ------------------------------------------------------------ people

    async def welcome(self, program: CoffeeProgram, user_id: str, next_round: Slot | None) -> bool:
        """The welcome message to a person who joined, in their language; True when it went out
        now (else it is kept and retried by the surface)."""
        ...
