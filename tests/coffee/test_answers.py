"""What a person is told after their own coffee-break use cases (bot/coffee/views/answers.py):
one rendering of each result, for the command, the Home and the welcome DM alike."""

from __future__ import annotations

from datetime import date

from bot.coffee.enrolment import Joined, Left, Resumed
from bot.coffee.followups import AnswerResult
from bot.coffee.models import CoffeeGroup
from bot.coffee.round_store import MET, NOT_MET
from bot.coffee.views.answers import (
    NOT_IN_A_PROGRAM,
    followup_answer_notice,
    joined_notice,
    left_notice,
    pause_form_notice,
    refusal_text,
    resumed_notice,
)
from bot.home.views import language_set_notice
from bot.platform.errors import UserFacingError
from bot.platform.i18n import N_, translator
from tests.view_cases import ANNA, CHANNEL, CHANNEL_2, NEXT_ROUND, TEAM, program

sv, fi, en = translator("sv"), translator("fi"), translator("en")


def test_joining_says_the_next_round_and_asks_to_join_the_channel_when_needed() -> None:
    joined = Joined(program(), already=False, next_at=NEXT_ROUND, in_channel=True)
    assert joined_notice(en, joined) == (
        f"You're in! Next round in <#{CHANNEL}>: Monday 7 December at 09:00."
    )
    again = joined_notice(fi, Joined(program(), already=True, next_at=NEXT_ROUND, in_channel=True))
    assert again.startswith(f"Olet jo mukana kanavalla <#{CHANNEL}>.")
    outside = joined_notice(
        sv, Joined(program(), already=False, next_at=NEXT_ROUND, in_channel=False)
    )
    assert outside.endswith(
        sv(
            "Join {channel} as well – the rounds pair the people in that channel.",
            channel=f"<#{CHANNEL}>",
        )
    )


def test_leaving_one_program_or_several() -> None:
    one = left_notice(fi, Left((program(),)))
    assert f"kanavalla <#{CHANNEL}>" in one  # Finnish: the singular
    both = left_notice(fi, Left((program(), program(8, CHANNEL_2))))
    assert f"kanavilla <#{CHANNEL}>, <#{CHANNEL_2}>" in both
    assert left_notice(en, Left((program(),))) == (
        f"Done: you won't be paired in <#{CHANNEL}> any more. `/fika join` brings you back."
    )


def test_ending_a_break_or_having_none() -> None:
    assert resumed_notice(sv, Resumed(())) == sv(
        "You are not on a break, so there is nothing to end."
    )
    back = resumed_notice(en, Resumed(((program(), NEXT_ROUND),)))
    assert back == f"Welcome back! Next round: Monday 7 December at 09:00 (<#{CHANNEL}>)."


def test_the_pause_form_answer() -> None:
    assert pause_form_notice(en, None) == NOT_IN_A_PROGRAM
    assert pause_form_notice(en, date(2027, 1, 4)).endswith("Monday 4 January on.")


def test_refusals_are_said_in_the_readers_language() -> None:
    refused = UserFacingError(N_("A library name can be at most {max} characters."), max=200)
    assert refusal_text(en, refused) == "A library name can be at most 200 characters."
    assert "200" in refusal_text(fi, refused) and refusal_text(fi, refused) != refusal_text(
        en, refused
    )


def test_follow_up_answers() -> None:
    group = CoffeeGroup(id=42, team_id=TEAM, round_id=3, position=0, kind="group")
    group.outcome, group.answered_by = MET, ANNA
    assert followup_answer_notice(en, AnswerResult("won", group), MET) == (
        "Thanks! Lovely that you met. ☕"
    )
    assert followup_answer_notice(en, AnswerResult("won", group), NOT_MET) == (
        "Thanks for telling me. Maybe next time!"
    )
    lost = followup_answer_notice(en, AnswerResult("lost", group), NOT_MET)
    assert lost == f"<@{ANNA}> already answered for your group: Yes, we met. Thanks anyway!"
    assert "/tips" in followup_answer_notice(en, AnswerResult("won", group), MET, tip_wish=True)
    assert followup_answer_notice(en, AnswerResult("not_member", group), MET) == (
        "Only the people of this coffee group can answer."
    )
    assert followup_answer_notice(en, AnswerResult("not_found", None), MET) == (
        "This coffee group is no longer known to me."
    )


def test_the_language_choice_is_confirmed_in_the_new_language() -> None:
    assert language_set_notice(en, "en") == "✅ Done! Fika now writes to you in English."
    assert language_set_notice(fi, "fi") == "✅ Valmista! Fikan viestien kieli on nyt suomi."
