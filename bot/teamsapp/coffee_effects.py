"""Teams' side of the coffee port (`bot.coffee.effects.CoffeeEffects`): `TeamsCoffeeEffects`.

Teams lets a bot message a person only in a conversation it was installed into, and a bot
cannot create a group chat. So a group has no conversation of its own here: `open_group`
checks that every member can be reached (the app is installed for them: a stored personal
chat, `TeamsPerson.installed`) and returns a reference of its own ("teams" and a token of the
group's people); the intro is one card to each member in their own 1:1 chat, in their own
language, naming the group and its host, with a "start the group chat" deep link
(bot/teams/cards/coffee.py). The follow-up is a card in the same chats; answering it updates
every member's card to show who answered. The round's notes go to the program's channel
(`TeamsChannel`), the admins' failure report to each admin's 1:1 chat.

Exactly once per member, across crashes (`_send_once`): before a card is sent, a
`TeamsDelivery` row keyed "intro:<group_id>:<user_id>" (and "followup:…", "welcome:…",
"failures:…") is written in state "sending"; after Teams took it, "sent" with the activity id.
A key that has a row is never sent again. A row still in "sending" is an attempt whose outcome
is unknown — the process died (or Teams never answered) between sending and recording — and is
treated as *landed*: marked "sent" with the error "landed_unknown" and not sent again. Slack's
side can look for its marked message in the conversation's history; Teams offers a bot no way
to read back what it sent to a chat, so the choice is between a possible duplicate and a
possibly missing card, and a card twice in someone's chat (and two group chats started from
it) is the worse of the two for a once-a-round introduction. When Teams *answered* with a
failure that a later try may fix (429 or 5xx after the sender's own retries), the row is
removed and the card goes out on a later pass; a refusal for good marks it "failed".
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from bot.coffee.effects import (
    Attempts,
    Claim,
    Delivered,
    MessageRef,
    Permanent,
    Transient,
    Unreachable,
)
from bot.coffee.models import CoffeeGroup, CoffeeProgram
from bot.coffee.round_store import SOLO, RoundSummary
from bot.coffee.schedule import Slot
from bot.coffee.views.round_failures import FailedGroup
from bot.people.directory import workspace_translator
from bot.people.former import is_former
from bot.people.members import get_member
from bot.platform.i18n import Translator, normalize_locale, translator
from bot.teams.cards import coffee as cards
from bot.teams.cards.coffee import CardPerson, FailedIntro
from bot.teams.identity import guid
from bot.teamsapp import outbox, store
from bot.teamsapp.invoke import card_activity
from bot.teamsapp.models import TeamsChannel, TeamsDelivery, TeamsPerson
from bot.teamsapp.sender import TeamsSendError

if TYPE_CHECKING:  # the surface builds this adapter (TeamsSurface.coffee_effects)
    from bot.teamsapp.surface import TeamsSurface

log = logging.getLogger(__name__)

SENDING = "sending"
SENT = "sent"
FAILED = "failed"
LANDED_UNKNOWN = "landed_unknown"
#: A group's reference: "teams" and a token of its people (the columns hold 32 characters).
GROUP_PREFIX = "teams"
REF_LENGTH = 32


#: Renders one member's card: (their translator, their user id) → (summary, card).
Render = Callable[[Translator, str], Awaitable[tuple[str, dict[str, Any]]]]


def group_reference(team_id: str, user_ids: Sequence[str]) -> str:
    """The group's "conversation": nothing Teams knows, only a stable name for its people."""
    token = hashlib.sha256(f"{team_id}:{','.join(sorted(user_ids))}".encode()).hexdigest()
    return GROUP_PREFIX + token[: REF_LENGTH - len(GROUP_PREFIX)]


def reachable(person: TeamsPerson | None) -> bool:
    """Whether Fika can message the person: the app is installed for them (a 1:1 chat)."""
    return person is not None and person.installed and bool(person.conversation_id)


def intro_key(group_id: int, user_id: str) -> str:
    return f"intro:{group_id}:{user_id}"


def followup_key(group_id: int, user_id: str) -> str:
    return f"followup:{group_id}:{user_id}"


class TeamsCoffeeEffects:
    """Teams' side of the coffee port, on one process's Teams surface."""

    def __init__(self, surface: TeamsSurface) -> None:
        self.surface = surface
        self.deps = surface.deps
        self.sender = surface.sender

    # ------------------------------------------------------------ reading what Fika keeps

    async def _people(self, team_id: str, user_ids: Sequence[str]) -> dict[str, TeamsPerson]:
        async with self.deps.db() as session:
            found = {}
            for user_id in user_ids:
                person = await store.person(session, team_id, user_id)
                if person is not None:
                    found[user_id] = person
            return found

    async def _open_chat(self, team_id: str, person: TeamsPerson | None) -> str | None:
        """Open the 1:1 chat with someone who has not added Fika themselves but is in a team
        where Fika is installed (how Fika learnt their Teams id: the program channel's
        roster); Teams allows a bot that. None when the chat is there (and remembered), else
        why not: Teams' code, or NOT_INSTALLED."""
        if person is None or not person.teams_user_id or not person.service_url:
            return cards.NOT_INSTALLED
        try:
            conversation = await self.surface.sender.open_personal(
                team_id, person.service_url, person.teams_user_id, guid(team_id)
            )
        except TeamsSendError as exc:
            log.info("no 1:1 chat with %s: %s", person.user_id, exc.code)
            return exc.code if exc.code == "ConversationBlockedByUser" else cards.NOT_INSTALLED
        async with self.deps.db.begin() as session:
            stored = await store.person(session, team_id, person.user_id)
            if stored is not None:
                stored.conversation_id = conversation
                stored.installed = True  # Teams added Fika to their chats with it
        person.conversation_id, person.installed = conversation, True
        return None

    async def card_people(self, team_id: str, user_ids: Sequence[str]) -> dict[str, CardPerson]:
        """How the cards name these people: Teams' name, else the member row's."""
        people = await self._people(team_id, user_ids)
        shown: dict[str, CardPerson] = {}
        async with self.deps.db() as session:
            for user_id in user_ids:
                if is_former(user_id):
                    shown[user_id] = CardPerson(user_id, None, former=True)
                    continue
                person = people.get(user_id)
                name = person.name if person else None
                if not name:
                    member = await get_member(session, team_id, user_id)
                    name = member.display_name if member else None
                shown[user_id] = CardPerson(user_id, name, upn=person.upn if person else None)
        return shown

    async def _group_people(self, group: CoffeeGroup) -> list[CardPerson]:
        shown = await self.card_people(group.team_id, [m.user_id for m in group.members])
        return [
            CardPerson(
                m.user_id,
                shown[m.user_id].name,
                m.library_name,
                m.library_name_fi,
                shown[m.user_id].upn,
                shown[m.user_id].former,
            )
            for m in group.members
        ]

    async def _channel(self, team_id: str, channel_id: str) -> TeamsChannel | None:
        async with self.deps.db() as session:
            return await store.channel(session, team_id, channel_id)

    async def _channel_name(self, team_id: str, channel_id: str) -> str:
        channel = await self._channel(team_id, channel_id)
        if channel is None:
            return channel_id
        return channel.channel_name or channel.team_name or channel_id

    # ------------------------------------------------------------ once-only sends

    async def _send_once(
        self, team_id: str, key: str, person: TeamsPerson, activity: dict[str, Any]
    ) -> bool:
        """Send `activity` to the person's 1:1 chat unless `key` was sent (or tried) before;
        True when it was sent now. Raises Transient (nothing landed, or unknown: see the
        module's docstring) or Permanent (Teams refused it for good)."""
        conversation = person.conversation_id
        if not conversation:
            raise Unreachable(cards.NOT_INSTALLED)
        try:
            async with self.deps.db.begin() as session:
                earlier = await store.delivery(session, team_id, key)
                if earlier is not None:
                    if earlier.state == SENDING:
                        log.warning(
                            "%s: an earlier attempt (%s) may have landed; not sent again",
                            key,
                            earlier.attempted_at,
                        )
                        earlier.state, earlier.error = SENT, LANDED_UNKNOWN
                    return False
                row = await store.start_delivery(
                    session, team_id, key, conversation, self.deps.now()
                )
                assert row is not None
                row_id = row.id
        except IntegrityError:  # another process recorded the same key just now: it sends
            return False
        try:
            activity_id = await self.sender.send(
                team_id, conversation, person.service_url, activity
            )
        except TeamsSendError as exc:
            async with self.deps.db.begin() as session:
                if exc.transient and not exc.maybe_sent:
                    # Teams did not take the card (it said so, or was not reached): a later
                    # pass sends it.
                    await session.execute(delete(TeamsDelivery).where(TeamsDelivery.id == row_id))
                elif not exc.transient:
                    failed = await session.get(TeamsDelivery, row_id)
                    if failed is not None:
                        failed.state, failed.error = FAILED, exc.code[:64]
                # No answer at all: the row stays "sending" (landed, unknown; not sent again).
            if exc.transient:
                raise Transient(exc.code) from exc
            raise Permanent(exc.code) from exc
        async with self.deps.db.begin() as session:
            sent = await session.get(TeamsDelivery, row_id)
            if sent is not None:
                sent.state, sent.activity_id, sent.sent_at = SENT, activity_id, self.deps.now()
        return True

    async def _to_members(
        self,
        group: CoffeeGroup,
        kind: str,
        attempts: Attempts,
        render: Render,
    ) -> Delivered:
        """One card to each member (`render(t, user_id)` → (summary, card)), each once.

        A member Teams refuses for good (say, they blocked Fika after their chat was opened)
        does not stop the others: the group still meets, and the refused are handed back in
        `Delivered.not_reached`. Only when nobody could be given the card does the group fail
        (Permanent)."""
        people = await self._people(group.team_id, [m.user_id for m in group.members])
        reference = group_reference(group.team_id, [m.user_id for m in group.members])
        recorded = False
        sent_now = 0
        refused: dict[str, str] = {}
        for member in group.members:
            person = people.get(member.user_id)
            if not reachable(person):
                raise Unreachable(cards.NOT_INSTALLED)
            assert person is not None
            key = f"{kind}:{group.id}:{member.user_id}"
            async with self.deps.db() as session:
                done = await store.delivery(session, group.team_id, key)
            if done is not None and done.state == FAILED:
                # Refused for good on an earlier pass: named again, so every pass hands them back.
                refused[member.user_id] = done.error or "unknown_error"
                continue
            if done is None and not recorded:
                # The feature's record of an attempt, before the first card goes out.
                await attempts.record(self.deps.now())
                recorded = True
            t = translator(normalize_locale(member.locale) or self.deps.settings.default_locale)
            summary, card = await render(t, member.user_id)
            try:
                sent_now += await self._send_once(
                    group.team_id, key, person, card_activity(card, summary)
                )
            except Unreachable:
                raise
            except Permanent as exc:
                log.warning("%s of group %s to %s refused: %s", kind, group.id, key, exc.error)
                refused[member.user_id] = exc.error
        if refused and len(refused) == len(group.members):
            raise Permanent(next(iter(refused.values())))
        return Delivered(reference, found=sent_now == 0, not_reached=refused)

    # ------------------------------------------------------------ a group's conversation

    async def open_group(self, team_id: str, user_ids: Sequence[str]) -> str:
        """The group's reference, when every member can be reached; else `Unreachable`
        naming who cannot be reached and why ("not_installed", or Teams' code such as
        "ConversationBlockedByUser"): the round goes on without them when two or more remain,
        and the report to the admins names them."""
        people = await self._people(team_id, user_ids)
        refusals: dict[str, str] = {}
        for user_id in user_ids:
            if reachable(people.get(user_id)):
                continue
            refused = await self._open_chat(team_id, people.get(user_id))
            if refused is not None:
                refusals[user_id] = refused
        if refusals:
            log.info("%s of %s people cannot be reached on Teams", len(refusals), len(user_ids))
            # Someone who blocked Fika is named as such; anyone else has not installed it.
            blocked = "ConversationBlockedByUser" in refusals.values()
            raise Unreachable(
                "ConversationBlockedByUser" if blocked else cards.NOT_INSTALLED, refusals
            )
        return group_reference(team_id, user_ids)

    async def deliver_intro(
        self, group: CoffeeGroup, conversation: str, program_channel: str, attempts: Attempts
    ) -> Delivered:
        if group.kind == SOLO:
            channel_name = await self._channel_name(group.team_id, program_channel)

            async def alone(t: Translator, _user_id: str) -> tuple[str, dict[str, Any]]:
                return cards.alone_card(t, channel_name)

            return await self._to_members(group, "intro", attempts, alone)
        shown = await self._group_people(group)

        async def intro(t: Translator, user_id: str) -> tuple[str, dict[str, Any]]:
            return cards.intro_card(t, shown, user_id, group.proposer_user_id, group.starter_key)

        return await self._to_members(group, "intro", attempts, intro)

    async def _followup(
        self, group: CoffeeGroup, round_day: date
    ) -> tuple[dict[str, CardPerson], Render]:
        ids = [u for u in (group.answered_by, group.tip_wish_by) if u]
        shown = await self.card_people(group.team_id, ids)

        async def render(t: Translator, _user_id: str) -> tuple[str, dict[str, Any]]:
            return cards.followup_card(
                t,
                group.id,
                round_day,
                outcome=group.outcome,
                answered_by=shown.get(group.answered_by or ""),
                tip_wish_by=shown.get(group.tip_wish_by or ""),
            )

        return shown, render

    async def ask_followup(
        self, group: CoffeeGroup, conversation: str, round_day: date, attempts: Attempts
    ) -> Delivered:
        _, render = await self._followup(group, round_day)
        return await self._to_members(group, "followup", attempts, render)

    async def show_answer(
        self, group: CoffeeGroup, conversation: str, message: str, round_day: date
    ) -> None:
        """Every member's follow-up card updated to show who answered (what could not be
        updated now stays as it was: its buttons still answer, with the answered card)."""
        _, render = await self._followup(group, round_day)
        people = await self._people(group.team_id, [m.user_id for m in group.members])
        for member in group.members:
            async with self.deps.db() as session:
                row = await store.delivery(
                    session, group.team_id, followup_key(group.id, member.user_id)
                )
            person = people.get(member.user_id)
            if row is None or not row.activity_id or person is None:
                continue
            t = translator(normalize_locale(member.locale) or self.deps.settings.default_locale)
            summary, card = await render(t, member.user_id)
            # Queued and retried when Teams cannot take it now (bot/teamsapp/outbox.py).
            await outbox.deliver(
                self.surface,
                group.team_id,
                row.conversation_id,
                person.service_url,
                card_activity(card, summary),
                activity_id=row.activity_id,
            )

    # ------------------------------------------------------------ the program channel

    async def _post(
        self, team_id: str, channel_id: str, summary: str, card: Any, *, keep: bool = False
    ) -> str | None:
        """`keep`: a message that must not be lost (queued when Teams cannot take it now)."""
        channel = await self._channel(team_id, channel_id)
        if channel is None or not channel.installed:
            log.warning("no Teams channel %s to post in", channel_id)
            return None
        if keep:
            return await outbox.deliver(
                self.surface,
                team_id,
                channel.conversation_id,
                channel.service_url,
                card_activity(card, summary),
            )
        try:
            return await self.sender.send(
                team_id, channel.conversation_id, channel.service_url, card_activity(card, summary)
            )
        except TeamsSendError as exc:
            log.warning("no message in Teams channel %s: %s", channel_id, exc)
            return None

    async def _edit(self, team_id: str, progress: MessageRef, summary: str, card: Any) -> bool:
        channel = await self._channel(team_id, progress.channel)
        if channel is None:
            return False
        try:
            await self.sender.update(
                team_id,
                channel.conversation_id,
                channel.service_url,
                progress.ts,
                card_activity(card, summary),
            )
        except TeamsSendError as exc:
            log.warning("progress note in %s not updated: %s", progress.channel, exc)
            return False
        return True

    async def round_started(self, team_id: str, channel_id: str) -> MessageRef | None:
        summary, card = cards.gathering_card(await workspace_translator(self.deps, team_id))
        activity_id = await self._post(team_id, channel_id, summary, card)
        if activity_id is None or len(activity_id) > REF_LENGTH:
            return None  # (the round stores the note's id in 32 characters)
        return MessageRef(channel=channel_id, ts=activity_id)

    async def round_progress(
        self, team_id: str, progress: MessageRef, done: int, total: int
    ) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._edit(team_id, progress, *cards.progress_card(t, done, total))

    async def round_not_run(self, team_id: str, progress: MessageRef, error: str | None) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._edit(team_id, progress, *cards.not_run_card(t, error))

    async def round_summary(
        self, team_id: str, channel_id: str, progress: MessageRef | None, summary: RoundSummary
    ) -> None:
        text, card = cards.summary_card(await workspace_translator(self.deps, team_id), summary)
        if progress is not None and await self._edit(team_id, progress, text, card):
            return
        await self._post(team_id, channel_id, text, card, keep=True)

    # ------------------------------------------------------------ admins

    def _admins(self, team_id: str, admins: Sequence[str]) -> list[str]:
        teams = self.deps.settings.teams
        extra = sorted(teams.admin_user_ids) if teams is not None else []
        return list(dict.fromkeys([*admins, *extra]))

    async def report_failures(
        self,
        team_id: str,
        program_channel: str,
        admins: Sequence[str],
        failed: Sequence[FailedGroup],
        claim: Claim,
    ) -> bool:
        """A 1:1 card to each admin (ADMIN_USER_IDS, TEAMS_ADMIN_USER_IDS, who started the
        round) who has Fika installed, naming the groups and who has not installed Fika.

        The admins' deliveries are recorded in the transaction of `claim`, so a second replica
        or a restart does not send them again; a crash between the claim and a send loses
        that card (a row left "sending" is not sent again, as everywhere here)."""
        everyone = sorted({u for group in failed for u in group.user_ids})
        shown = await self.card_people(team_id, everyone)
        people = await self._people(team_id, everyone)
        intros = [
            FailedIntro(
                [shown[u] for u in group.user_ids],
                group.error,
                [shown[u] for u in group.user_ids if group.left_out or not reachable(people.get(u))]
                if group.error == cards.NOT_INSTALLED
                else [],
                left_out=group.left_out,
            )
            for group in failed
        ]
        channel_name = await self._channel_name(team_id, program_channel)
        recipients = await self._people(team_id, self._admins(team_id, admins))
        now = self.deps.now()
        stamp = now.strftime("%Y%m%d%H%M%S")
        sends: list[tuple[int, TeamsPerson, dict[str, Any]]] = []
        async with self.deps.db.begin() as session:
            if not await claim(session):
                return False
            for admin, person in recipients.items():
                if not reachable(person):
                    log.warning("admin %s has not installed Fika in Teams: not told", admin)
                    continue
                assert person.conversation_id is not None
                t = await self.surface.translator(team_id, admin)
                summary, card = cards.failure_card(t, channel_name, intros)
                key = f"failures:{program_channel}:{stamp}:{admin}"
                row = await store.start_delivery(session, team_id, key, person.conversation_id, now)
                if row is not None:
                    sends.append((row.id, person, card_activity(card, summary)))
        if not sends:
            log.warning("round in %s: no admin could be told of failed intros", program_channel)
        for row_id, person, activity in sends:
            await self._finish(team_id, row_id, person, activity)
        return True

    async def _finish(
        self, team_id: str, row_id: int, person: TeamsPerson, activity: dict[str, Any]
    ) -> None:
        """Send a card whose delivery row is written already; record how it went."""
        assert person.conversation_id is not None
        state, error, activity_id = SENT, None, None
        try:
            activity_id = await self.sender.send(
                team_id, person.conversation_id, person.service_url, activity
            )
        except TeamsSendError as exc:
            log.warning("failure report to an admin not sent: %s", exc)
            state, error = FAILED, exc.code[:64]
        async with self.deps.db.begin() as session:
            row = await session.get(TeamsDelivery, row_id)
            if row is not None:
                row.state, row.error, row.activity_id = state, error, activity_id
                row.sent_at = self.deps.now() if state == SENT else None

    # ------------------------------------------------------------ people

    async def welcome(self, program: CoffeeProgram, user_id: str, next_round: Slot | None) -> bool:
        """The welcome card in the person's 1:1 chat, once; False (not welcomed yet) when the
        app is not installed for them or Teams did not take it now."""
        person = await self.surface.person(program.team_id, user_id)
        if not reachable(person) and await self._open_chat(program.team_id, person) is not None:
            log.info("welcome to %s waits: Fika is not installed for them", user_id)
            return False
        assert person is not None
        t = await self.surface.translator(program.team_id, user_id)
        summary, card = await self.welcome_card(t, program, next_round)
        key = f"welcome:{program.id}:{user_id}"
        try:
            await self._send_once(program.team_id, key, person, card_activity(card, summary))
        except (Permanent, Transient) as exc:
            log.warning("welcome to %s not sent: %s", user_id, exc)
            return False
        return True

    async def welcome_card(
        self,
        t: Translator,
        program: CoffeeProgram,
        next_round: Slot | None,
        *,
        notice: str | None = None,
        left: bool = False,
    ) -> tuple[str, dict[str, Any]]:
        """The welcome card (drawn again after its Leave: `notice`, `left`)."""
        channel_name = await self._channel_name(program.team_id, program.channel_id)
        return cards.welcome_card(t, program, channel_name, next_round, notice=notice, left=left)
