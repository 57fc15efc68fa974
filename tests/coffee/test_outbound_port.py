"""Rounds, follow-ups and the welcome against an in-memory surface (`bot.coffee.effects`).

No Slack and no HTTP: `Surface` below is a second implementation of `CoffeeEffects` that keeps
its messages in lists, honours the port's contract (an attempt is recorded before each send; an
earlier attempt that landed is found, not sent again) and can fail once, the ways a real
surface fails. What is checked is the feature's side: our tables decide what goes out, so every
group gets exactly one intro and one follow-up however the surface fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from bot.coffee import round_store as rounds_db
from bot.coffee.effects import (
    Attempts,
    Claim,
    Delivered,
    MessageRef,
    Permanent,
    Transient,
)
from bot.coffee.enrolment import send_welcome
from bot.coffee.followups import answer, send_due_followups
from bot.coffee.models import CoffeeGroup, CoffeeParticipant, CoffeeProgram, CoffeeRound
from bot.coffee.participants import set_active
from bot.coffee.programs import start_program
from bot.coffee.round_store import GROUP, SOLO, PoolPerson, RoundSummary
from bot.coffee.rounds import SCHEDULED, claim_round, deliver_round
from bot.coffee.schedule import Slot
from bot.coffee.views.round_failures import FailedGroup
from bot.platform.deps import Deps
from tests.conftest import TEAM_ID, FakeClock
from tests.fakes.slack_api import FakeSlack

CHANNEL = "CFIKA"
ADMIN = "UADMIN"  # in ADMIN_USER_IDS (tests/conftest.py)

# How the surface fails once: refused before sending, or the message landed and the answer
# was lost (the surface cannot tell the feature it went out).
REFUSED = "refused"
LANDED_UNANSWERED = "landed_unanswered"


@dataclass
class Message:
    kind: str  # "intro" | "followup"
    group_id: int
    ref: str
    round_day: date | None = None


@dataclass
class Surface:
    """An in-memory chat surface. `fail_once[(kind, position)]` makes that group's next send
    of `kind` ("intro", "followup") fail once, as REFUSED or LANDED_UNANSWERED;
    `fail_open_once` the next opening of a group's conversation."""

    deps: Deps
    conversations: dict[str, list[str]] = field(default_factory=dict)
    messages: dict[str, list[Message]] = field(default_factory=dict)
    fail_once: dict[tuple[str, int], str] = field(default_factory=dict)
    fail_open_once: bool = False
    refuse_for_good: set[int] = field(default_factory=set)  # positions whose intro is refused
    shown_answers: list[tuple[str, str, str | None, str | None]] = field(default_factory=list)
    progress: list[tuple[str, object]] = field(default_factory=list)
    summaries: list[RoundSummary] = field(default_factory=list)
    reports: list[tuple[list[str], list[FailedGroup]]] = field(default_factory=list)
    welcomed: list[str] = field(default_factory=list)
    welcome_fails: bool = False
    sends: int = 0

    def _failing(self, kind: str, position: int) -> str | None:
        return self.fail_once.pop((kind, position), None)

    async def open_group(self, team_id: str, user_ids: Sequence[str]) -> str:
        for conversation, members in self.conversations.items():
            if members == list(user_ids):
                return conversation
        if self.fail_open_once:
            self.fail_open_once = False
            raise Transient("the surface is down for a moment")
        conversation = f"G{len(self.conversations) + 1:03d}"
        self.conversations[conversation] = list(user_ids)
        self.messages[conversation] = []
        return conversation

    def _find(self, conversation: str, kind: str, group_id: int) -> Message | None:
        return next(
            (m for m in self.messages[conversation] if (m.kind, m.group_id) == (kind, group_id)),
            None,
        )

    async def _deliver(
        self,
        kind: str,
        group: CoffeeGroup,
        conversation: str,
        attempts: Attempts,
        round_day: date | None = None,
    ) -> Delivered:
        if attempts.attempted_at is not None:
            earlier = self._find(conversation, kind, group.id)
            if earlier is not None:
                return Delivered(earlier.ref, found=True)
        await attempts.record(self.deps.now())  # an in-memory send cannot land later
        if kind == "intro" and group.position in self.refuse_for_good:
            raise Permanent("channel_not_found")
        failing = self._failing(kind, group.position)
        if failing == REFUSED:
            raise Transient("refused for now")
        self.sends += 1
        ref = f"{conversation}/{len(self.messages[conversation]) + 1}"
        self.messages[conversation].append(Message(kind, group.id, ref, round_day))
        if failing == LANDED_UNANSWERED:
            raise Transient("no answer")
        return Delivered(ref)

    async def deliver_intro(
        self, group: CoffeeGroup, conversation: str, program_channel: str, attempts: Attempts
    ) -> Delivered:
        return await self._deliver("intro", group, conversation, attempts)

    async def ask_followup(
        self, group: CoffeeGroup, conversation: str, round_day: date, attempts: Attempts
    ) -> Delivered:
        return await self._deliver("followup", group, conversation, attempts, round_day)

    async def show_answer(
        self, group: CoffeeGroup, conversation: str, message: str, round_day: date
    ) -> None:
        self.shown_answers.append((conversation, message, group.answered_by, group.outcome))

    async def round_started(self, team_id: str, channel_id: str) -> MessageRef | None:
        return MessageRef(channel_id, "progress")

    async def round_progress(
        self, team_id: str, progress: MessageRef, done: int, total: int
    ) -> None:
        self.progress.append(("progress", (done, total)))

    async def round_not_run(self, team_id: str, progress: MessageRef, error: str | None) -> None:
        self.progress.append(("not_run", error))

    async def round_summary(
        self, team_id: str, channel_id: str, progress: MessageRef | None, summary: RoundSummary
    ) -> None:
        self.summaries.append(summary)

    async def report_failures(
        self,
        team_id: str,
        program_channel: str,
        admins: Sequence[str],
        failed: Sequence[FailedGroup],
        claim: Claim,
    ) -> bool:
        async with self.deps.db.begin() as session:
            if not await claim(session):
                return False
        self.reports.append((list(admins), list(failed)))
        return True

    async def welcome(self, program: CoffeeProgram, user_id: str, next_round: Slot | None) -> bool:
        if self.welcome_fails:
            return False
        self.welcomed.append(user_id)
        return True

    def sent(self, kind: str) -> dict[int, int]:
        """How many messages of `kind` each group got."""
        counts: dict[int, int] = {}
        for messages in self.messages.values():
            for m in messages:
                if m.kind == kind:
                    counts[m.group_id] = counts.get(m.group_id, 0) + 1
        return counts


async def _program(deps: Deps) -> CoffeeProgram:
    async with deps.db.begin() as session:
        program, _ = await start_program(
            session, TEAM_ID, CHANNEL, ADMIN, "Europe/Helsinki", deps.now()
        )
    async with deps.db() as session:
        loaded = await session.get(CoffeeProgram, program.id)
    assert loaded is not None
    return loaded


async def _round(deps: Deps, people: int) -> int:
    program = await _program(deps)
    pool = [
        PoolPerson(f"UP{i:03d}", None, None, None, frozenset({"sv"}), "sv") for i in range(people)
    ]
    round_id = await claim_round(
        deps, program, pool, period="2026-W49", trigger=SCHEDULED, scheduled_for_now=True
    )
    assert round_id is not None
    return round_id


async def _groups(deps: Deps) -> list[CoffeeGroup]:
    async with deps.db() as session:
        return list(await session.scalars(select(CoffeeGroup).order_by(CoffeeGroup.position)))


async def _status(deps: Deps, round_id: int) -> str:
    async with deps.db() as session:
        round_ = await session.get(CoffeeRound, round_id)
    assert round_ is not None
    return round_.status


@pytest.mark.parametrize(
    "failure",
    [("intro", REFUSED), ("intro", LANDED_UNANSWERED), ("open", REFUSED)],
    ids=["intro-refused", "intro-landed-unanswered", "open-refused"],
)
async def test_each_group_gets_one_intro_when_the_surface_fails_once(
    deps: Deps, fake_slack: FakeSlack, failure: tuple[str, str]
) -> None:
    round_id = await _round(deps, people=6)  # three pairs
    surface = Surface(deps)
    kind, how = failure
    if kind == "open":
        surface.fail_open_once = True
    else:
        surface.fail_once[(kind, 1)] = how  # the second group's

    await deliver_round(deps, round_id, surface)
    # The round paused at the failure, to be resumed on the next tick.
    assert await _status(deps, round_id) != rounds_db.DONE
    assert surface.summaries == []

    await deliver_round(deps, round_id, surface)
    await deliver_round(deps, round_id, surface)  # another tick, a second replica: nothing new

    groups = await _groups(deps)
    assert [g.kind for g in groups] == [GROUP, GROUP, GROUP]
    assert surface.sent("intro") == {g.id: 1 for g in groups}
    assert surface.sends == 3  # what landed unanswered was found, not sent again
    # Our tables say so too: every intro recorded with the message the surface gave.
    by_ref = {m.group_id: m.ref for ms in surface.messages.values() for m in ms}
    assert {g.id: g.intro_ts for g in groups} == by_ref
    assert all(g.conversation_id in surface.conversations for g in groups)
    assert await _status(deps, round_id) == rounds_db.DONE
    [summary] = surface.summaries
    assert summary.people == 6
    assert surface.reports == []
    assert fake_slack.calls == []  # no Slack was asked anything


async def test_a_lone_person_gets_one_note(deps: Deps, fake_slack: FakeSlack) -> None:
    round_id = await _round(deps, people=1)
    surface = Surface(deps)
    await deliver_round(deps, round_id, surface)
    [group] = await _groups(deps)
    assert group.kind == SOLO and surface.sent("intro") == {group.id: 1}
    assert fake_slack.calls == []


async def test_an_intro_refused_for_good_is_reported_to_the_admins_once(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    round_id = await _round(deps, people=4)
    surface = Surface(deps, refuse_for_good={0})

    await deliver_round(deps, round_id, surface)
    await deliver_round(deps, round_id, surface)

    groups = await _groups(deps)
    assert [g.failed_error for g in groups] == ["channel_not_found", None]
    assert surface.sent("intro") == {groups[1].id: 1}
    [(admins, failed)] = surface.reports
    assert admins == [ADMIN]
    assert failed == [FailedGroup([m.user_id for m in groups[0].members], "channel_not_found")]
    assert len(surface.summaries) == 1
    assert fake_slack.calls == []


@pytest.mark.parametrize("how", [REFUSED, LANDED_UNANSWERED])
async def test_each_group_is_asked_once_and_sees_who_answered(
    deps: Deps, fake_slack: FakeSlack, clock: FakeClock, how: str
) -> None:
    round_id = await _round(deps, people=6)
    surface = Surface(deps)
    await deliver_round(deps, round_id, surface)
    clock.advance(timedelta(days=deps.settings.followup_days, hours=1))
    surface.fail_once[("followup", 0)] = how

    assert await send_due_followups(deps, effects=surface) == 0  # stops at the failure
    assert await send_due_followups(deps, effects=surface) == 3
    assert await send_due_followups(deps, effects=surface) == 0  # nothing is asked twice

    groups = await _groups(deps)
    assert surface.sent("followup") == {g.id: 1 for g in groups}
    followups = {
        m.group_id: m for ms in surface.messages.values() for m in ms if m.kind == "followup"
    }
    assert {g.id: g.followup_ts for g in groups} == {i: m.ref for i, m in followups.items()}

    first = groups[0]
    person = first.members[0].user_id
    result = await answer(deps, first.id, person, rounds_db.MET, effects=surface)
    assert result.status == "won"
    assert surface.shown_answers == [
        (first.conversation_id, followups[first.id].ref, person, rounds_db.MET)
    ]
    assert fake_slack.calls == []


async def test_the_welcome_counts_only_once_it_went_out(deps: Deps, fake_slack: FakeSlack) -> None:
    program = await _program(deps)
    async with deps.db.begin() as session:
        await set_active(session, program, "UNEW", deps.now())
    surface = Surface(deps, welcome_fails=True)

    async def welcomed() -> bool:
        async with deps.db() as session:
            row = await session.scalar(
                select(CoffeeParticipant).where(CoffeeParticipant.user_id == "UNEW")
            )
        assert row is not None
        return row.welcomed_at is not None

    await send_welcome(deps, program, "UNEW", surface)
    assert surface.welcomed == [] and not await welcomed()
    surface.welcome_fails = False
    await send_welcome(deps, program, "UNEW", surface)
    assert surface.welcomed == ["UNEW"] and await welcomed()
    assert fake_slack.calls == []
