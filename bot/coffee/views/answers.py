"""What a person is told after their own coffee-break use cases (bot.coffee.service): joining,
leaving, ending a break, pausing, a follow-up answer. The `/fika` command's reply, the Home's
notice and the welcome DM's answer render the same result with the same function here.

Results and a translator in, text out.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from bot.coffee.round_store import MET
from bot.coffee.views.messages import NOT_THIS_TIME, YES_WE_MET, pause_notice, when
from bot.people.former import person as shown_person
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, Translator
from bot.platform.slack_text import channel_link

if TYPE_CHECKING:  # the results are defined with the use cases, which import the views
    from bot.coffee.enrolment import Joined, Left, Resumed
    from bot.coffee.followups import AnswerResult

NOT_IN_A_PROGRAM = N_("You are not in a coffee-break program.")


def refusal_text(t: Translator, error: UserFacingError) -> str:
    """A refusal (a UserFacingError of a use case) in the reader's language."""
    return t(error.message, **error.params)


def joined_notice(t: Translator, joined: Joined) -> str:
    channel = channel_link(joined.program.channel_id)
    at = when(t, joined.next_at, joined.program.tz)
    if joined.already:  # e.g. the same command twice at once, or a double click
        text = t(
            "You are already taking part in {channel}. Next round: {when}.",
            channel=channel,
            when=at,
        )
    else:
        text = t("You're in! Next round in {channel}: {when}.", channel=channel, when=at)
    if not joined.in_channel:
        text += " " + t(
            "Join {channel} as well – the rounds pair the people in that channel.",
            channel=channel,
        )
    return text


def left_notice(t: Translator, left: Left) -> str:
    if len(left.programs) == 1:  # Finnish says "channel" in the singular here
        return t(
            "Done: you won't be paired in {channel} any more. `/fika join` brings you back.",
            channel=channel_link(left.programs[0].channel_id),
        )
    return t(
        "Done: you won't be paired in {channels} any more. `/fika join` brings you back.",
        channels=", ".join(channel_link(p.channel_id) for p in left.programs),
    )


def resumed_notice(t: Translator, resumed: Resumed) -> str:
    if not resumed.rounds:
        return t("You are not on a break, so there is nothing to end.")
    return t(
        "Welcome back! Next round: {when}.",
        when=t.list(
            f"{when(t, at, p.tz)} ({channel_link(p.channel_id)})" for p, at in resumed.rounds
        ),
    )


def pause_form_notice(t: Translator, until: date | None) -> str:
    """After the pause form: the break, or (None) that it applies to no program of theirs."""
    return pause_notice(t, until) if until is not None else t(NOT_IN_A_PROGRAM)


def followup_refusal(t: Translator, status: str) -> str:
    """A follow-up click by someone the group's answer is not theirs to give."""
    if status == "not_member":
        return t("Only the people of this coffee group can answer.")
    return t("This coffee group is no longer known to me.")


def followup_answer_notice(
    t: Translator, result: AnswerResult, outcome: str, tip_wish: bool = False
) -> str:
    """The clicker's answer to their follow-up click (the first answer of a group counts)."""
    group = result.group
    if result.status in {"not_found", "not_member"} or group is None:
        return followup_refusal(t, result.status)
    if tip_wish:
        return t(
            "Thanks! I noted that your group met and would like to share a tip from your chat. "
            "The AKE team collects good practice with `/tips`."
        )
    if result.status == "won":
        if outcome == MET:
            return t("Thanks! Lovely that you met. ☕")
        return t("Thanks for telling me. Maybe next time!")
    answered = t(YES_WE_MET) if group.outcome == MET else t(NOT_THIS_TIME)
    return t(
        "{person} already answered for your group: {answer}. Thanks anyway!",
        person=shown_person(t, group.answered_by or ""),
        answer=answered,
    )
