"""End to end over HTTP against the fake Slack: an admin starts a program, eleven people of five
libraries and three languages are paired, intros and follow-ups go out, answers are recorded;
non-admins are refused and change nothing."""

from __future__ import annotations

import copy
import time
from datetime import timedelta

from sqlalchemy import func, select

from bot.coffee.ids import Coffee
from bot.coffee.models import CoffeeGroup, CoffeeParticipant, CoffeeProgram, CoffeeRound
from jobs import followups as followups_job
from jobs import retry_calls as retry_calls_job
from tests.coffee_support import (
    ADMIN,
    BY_ID,
    CHANNEL,
    OUTSIDER,
    PEOPLE,
    all_text,
    group_dms,
    humans,
    intros,
    marked_messages,
    sections,
    start_program,
    workspace,
)
from tests.conftest import FakeClock, RunningApp

MARKERS = {"sv": "Dags för kaffepaus", "fi": "Kahvihetken aika", "en": "Time for fika"}


async def _responses(app: RunningApp, url: str | None) -> str:
    """Everything answered by response_url, once the work after the acknowledgement is done."""
    await app.settle()
    return "\n".join(all_text(r["body"]) for r in app.fake.responses_for(url or ""))


async def _count(app: RunningApp, model: type) -> int:
    async with app.deps.db() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


async def _pair_now(app: RunningApp) -> None:
    resp = await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    assert resp.status == 200, resp.text
    await app.settle()


# ------------------------------------------------------------------------------ programs


async def test_admin_starts_a_program_the_bot_joins_and_announces(running_app: RunningApp) -> None:
    app = running_app
    await workspace(app)
    started = time.monotonic()
    resp = await app.sender.command("/fika", "start", user_id=ADMIN, channel_id=CHANNEL)
    assert time.monotonic() - started < 3
    assert resp.status == 200
    await app.settle()
    fake = app.fake
    assert [c.args["channel"] for c in fake.calls_to("conversations.join")] == [CHANNEL]
    # The channel hears it in the workspace's language (sv), with the first round's date.
    announcement = all_text(fake.messages(CHANNEL)[0])
    assert "distanskaffeprogram" in announcement
    assert "varje måndag kl. 9.00" in announcement
    assert "måndag 7 december kl. 9.00" in announcement
    # The admin gets a confirmation in their own language.
    assert "Första rundan: måndag 7 december kl. 9.00" in await _responses(app, resp.response_url)
    async with app.deps.db() as session:
        program = (await session.scalars(select(CoffeeProgram))).one()
    assert (program.weekday, program.hour, program.minute) == (0, 9, 0)
    assert (program.interval_weeks, program.group_size, program.tz) == (1, 2, "Europe/Helsinki")

    again = await app.sender.command("/fika", "starta", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    assert "redan ett distanskaffeprogram" in await _responses(app, again.response_url)
    assert await _count(app, CoffeeProgram) == 1
    assert len(fake.messages(CHANNEL)) == 1


async def test_start_in_a_private_channel_asks_to_be_invited(running_app: RunningApp) -> None:
    app = running_app
    await workspace(app)
    app.fake.add_channel("GPRIV", "secret-fika", is_private=True, members=[ADMIN])
    resp = await app.sender.command("/fika", "start", user_id=ADMIN, channel_id="GPRIV")
    await app.settle()
    assert "/invite @Fika" in await _responses(app, resp.response_url)
    assert await _count(app, CoffeeProgram) == 0
    assert app.fake.calls_to("conversations.join") == []


async def test_a_workspace_admin_may_start_too(running_app: RunningApp) -> None:
    app = running_app
    await workspace(app)
    app.fake.add_user("UOWNER", name="olga", locale="fi-FI", is_owner=True)
    resp = await app.sender.command("/fika", "aloita", user_id="UOWNER", channel_id=CHANNEL)
    await app.settle()
    assert "Valmista!" in await _responses(app, resp.response_url)
    assert await _count(app, CoffeeProgram) == 1


async def test_schedule_and_size_change_and_say_when_the_next_round_is(
    running_app: RunningApp,
) -> None:
    app = running_app
    await workspace(app)
    await start_program(app)
    resp = await app.sender.command(
        "/fika", "schema torsdag 13:30 varannan vecka", user_id=ADMIN, channel_id=CHANNEL
    )
    text = all_text(await app.answer(resp))
    assert "torsdagar kl. 13.30 med 2 veckors mellanrum" in text
    assert "Nästa runda: torsdag 3 december kl. 13.30" in text
    await app.settle()
    assert "torsdagar kl. 13.30 med 2 veckors mellanrum" in all_text(app.fake.messages(CHANNEL)[-1])
    resp = await app.sender.command("/fika", "storlek 3", user_id=ADMIN, channel_id=CHANNEL)
    assert "i grupper om 3" in all_text(await app.answer(resp))
    async with app.deps.db() as session:
        program = (await session.scalars(select(CoffeeProgram))).one()
    assert (program.weekday, program.hour, program.minute) == (3, 13, 30)
    assert (program.interval_weeks, program.group_size) == (2, 3)

    resp = await app.sender.command("/fika", "size 9", user_id=ADMIN, channel_id=CHANNEL)
    assert "från 2 till 6" in await _responses(app, resp.response_url)
    resp = await app.sender.command("/fika", "schedule whenever", user_id=ADMIN, channel_id=CHANNEL)
    assert "/fika schema måndag 9.00" in await _responses(app, resp.response_url)
    resp = await app.sender.command("/fika", "size 3", user_id=ADMIN, channel_id="CELSEWHERE")
    assert "inget distanskaffeprogram" in await _responses(app, resp.response_url)


async def test_stop_ends_the_program(running_app: RunningApp) -> None:
    app = running_app
    await workspace(app)
    await start_program(app)
    resp = await app.sender.command("/fika", "stop", user_id=ADMIN, channel_id=CHANNEL)
    assert "har stoppats" in all_text(await app.answer(resp))
    await app.settle()
    assert "inga fler rundor" in all_text(app.fake.messages(CHANNEL)[-1])
    async with app.deps.db() as session:
        assert (await session.scalars(select(CoffeeProgram))).one().active is False
    resp = await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    assert "inget distanskaffeprogram" in await _responses(app, resp.response_url)
    assert await _count(app, CoffeeRound) == 0


# ------------------------------------------------------------------------------ pairing


async def test_pair_now_four_pairs_and_a_trio_in_their_languages_across_libraries(
    running_app: RunningApp,
) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    await start_program(app)
    started = time.monotonic()
    resp = await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    assert time.monotonic() - started < 3
    assert "Ihopparningen börjar nu" in all_text(await app.answer(resp))
    assert "nästa schemalagda runda är måndag 7 december kl. 9.00" in all_text(
        await app.answer(resp)
    )
    await app.settle()

    dms = group_dms(fake)
    assert sorted(len(humans(c, fake)) for c in dms) == [2, 2, 2, 2, 3]
    # One conversations.open per group, everyone in exactly one group.
    opens = fake.calls_to("conversations.open")
    assert len(opens) == 5
    opened = [u for c in opens for u in str(c.args["users"]).split(",")]
    assert sorted(opened) == sorted(p.user_id for p in PEOPLE)
    for conversation in dms:
        people = [BY_ID[u] for u in humans(conversation, fake)]
        # Nobody meets a colleague from their own library (avoidable with 3+3+2+2+1).
        assert len({p.library for p in people}) == len(people)
        messages = intros(fake)[conversation.id]
        assert len(messages) == 1
        texts = sections(messages[0])
        wanted = {p.lang for p in people}
        assert len(texts) == len(wanted)
        for lang in MARKERS:
            assert any(MARKERS[lang] in s for s in texts) == (lang in wanted), (lang, texts)
        finnish = next((s for s in texts if MARKERS["fi"] in s), None)
        if finnish:  # libraries in Finnish for the Finnish section
            assert "kirjasto" in finnish
        for text in texts:
            assert sum(f"<@{p.user_id}>" in text for p in people) == len(people)
    # A progress message in the channel, updated as intros go out, then the summary.
    updates = fake.calls_to("chat.update")
    assert len(updates) == 5
    assert "1 av 5 grupper" in str(updates[0].args["text"])
    summary = all_text(fake.messages(CHANNEL)[-1])
    assert "11 personer" in summary and "4 par och 1 trio" in summary
    async with app.deps.db() as session:
        round_ = (await session.scalars(select(CoffeeRound))).one()
        participants = await session.scalar(select(func.count()).select_from(CoffeeParticipant))
    assert (round_.status, round_.trigger, round_.started_by) == ("done", "manual", ADMIN)
    assert round_.pool_size == 11 and participants == 11

    # Once per period: a second pair-now is refused and pairs nobody again.
    resp = await app.sender.command("/fika", "para-nu", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    assert "redan gjord" in await _responses(app, resp.response_url)
    assert len(fake.calls_to("conversations.open")) == 5


async def test_a_pool_of_one_gets_a_kind_note(running_app: RunningApp) -> None:
    app = running_app
    app.fake.add_user(ADMIN, name="ada", locale="sv-SE")
    app.fake.add_user("U1", name="aino", locale="fi-FI")
    app.fake.add_channel("CSMALL", "fika-small", members=["U1"])
    await start_program(app, "CSMALL")
    resp = await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id="CSMALL")
    assert resp.status == 200
    await app.settle()
    dm = all_text(app.fake.dm_messages("U1")[-1])
    assert "olit ainoa mukana" in dm
    assert "bara en person" in all_text(app.fake.messages("CSMALL")[-1])


# ------------------------------------------------------------------------------ follow-ups


async def test_follow_up_buttons_record_one_answer_and_show_who_answered(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    await start_program(app)
    await _pair_now(app)
    assert await followups_job.run(app.deps) == 0  # not yet
    clock.advance(timedelta(days=4))
    assert await followups_job.run(app.deps) == 5
    assert await followups_job.run(app.deps) == 0  # asked once

    dms = sorted(group_dms(fake), key=lambda c: c.id)
    first, second = dms[0], dms[1]
    message = copy.deepcopy(marked_messages(fake, first.id, "fika_followup")[0])
    assert "Träffades ni?" in all_text(message) or "Tapasitteko?" in all_text(message)
    a, b = humans(first, fake)[:2]

    resp = await app.sender.block_action(a, Coffee.FOLLOWUP_MET, message=message)
    assert resp.status == 200
    await app.settle()
    thanks = await _responses(app, resp.response_url)
    assert "Roligt att ni träffades" in thanks or "Mukavaa, että tapasitte" in thanks
    updated = marked_messages(fake, first.id, "fika_followup")[0]
    assert f"<@{a}>" in all_text(updated)
    assert Coffee.FOLLOWUP_MET not in str(updated["blocks"])  # the answer buttons are gone

    # A second click (from the message as it was) does not change the answer.
    resp = await app.sender.block_action(b, Coffee.FOLLOWUP_NOT_MET, message=message)
    await app.settle()
    later = await _responses(app, resp.response_url)
    assert "redan svarat" in later or "vastasi jo" in later
    # Someone outside the group cannot answer.
    resp = await app.sender.block_action(OUTSIDER, Coffee.FOLLOWUP_NOT_MET, message=message)
    await app.settle()
    assert "Bara de som är med" in await _responses(app, resp.response_url)

    # "Share a tip from our chat" counts as having met and records the wish.
    tip_message = marked_messages(fake, second.id, "fika_followup")[0]
    c = humans(second, fake)[0]
    resp = await app.sender.block_action(c, Coffee.FOLLOWUP_SHARE_TIP, message=tip_message)
    await app.settle()
    async with app.deps.db() as session:
        groups = {g.conversation_id: g for g in await session.scalars(select(CoffeeGroup))}
    assert (groups[first.id].outcome, groups[first.id].answered_by) == ("met", a)
    assert (groups[second.id].outcome, groups[second.id].tip_wish_by) == ("met", c)
    assert sum(g.outcome is not None for g in groups.values()) == 2
    assert "💡" in all_text(marked_messages(fake, second.id, "fika_followup")[0])


async def test_follow_up_message_update_is_retried_when_slack_fails(
    running_app: RunningApp, clock: FakeClock
) -> None:
    """The answer is stored at once; the message showing it is retried, not dropped."""
    app = running_app
    fake = app.fake
    await workspace(app)
    await start_program(app)
    await _pair_now(app)
    clock.advance(timedelta(days=4))
    await followups_job.run(app.deps)
    dm = sorted(group_dms(fake), key=lambda c: c.id)[0]
    message = copy.deepcopy(marked_messages(fake, dm.id, "fika_followup")[0])
    a = humans(dm, fake)[0]

    fake.fail_next("chat.update", error="internal_error", status=500, times=3)
    await app.sender.block_action(a, Coffee.FOLLOWUP_MET, message=message)
    await app.settle()
    assert f"<@{a}>" not in all_text(marked_messages(fake, dm.id, "fika_followup")[0])

    clock.advance(timedelta(minutes=5))
    assert await retry_calls_job.run(app.deps) == 1
    assert f"<@{a}>" in all_text(marked_messages(fake, dm.id, "fika_followup")[0])


# ------------------------------------------------------------------------------ refusals


async def test_non_admins_are_refused_politely_and_nothing_changes(
    running_app: RunningApp,
) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    member = PEOPLE[1].user_id  # aino, fi-FI, in the channel but not an admin
    resp = await app.sender.command("/fika", "start", user_id=OUTSIDER, channel_id=CHANNEL)
    await app.settle()
    assert "bara Fikas administratörer" in await _responses(app, resp.response_url)
    assert await _count(app, CoffeeProgram) == 0
    assert fake.calls_to("conversations.join") == []
    assert fake.calls_to("chat.postMessage") == []

    await start_program(app)
    posts_before = len(fake.calls_to("chat.postMessage"))
    for who, text, expected in (
        (OUTSIDER, "pair-now", "bara Fikas administratörer"),
        (member, "parita-nyt", "vain Fikan ylläpitäjät"),
        (member, "stats", "vain Fikan ylläpitäjät"),
        (OUTSIDER, "stats csv", "bara Fikas administratörer"),
        (member, "schedule friday 10:00", "vain Fikan ylläpitäjät"),
        (member, "size 4", "vain Fikan ylläpitäjät"),
        (member, "stop", "vain Fikan ylläpitäjät"),
    ):
        resp = await app.sender.command("/fika", text, user_id=who, channel_id=CHANNEL)
        assert resp.status == 200
        await app.settle()
        assert expected in await _responses(app, resp.response_url), text
    assert await _count(app, CoffeeRound) == 0
    assert len(fake.calls_to("chat.postMessage")) == posts_before
    assert fake.calls_to("conversations.open") == []
    assert fake.uploaded_files == []
    async with app.deps.db() as session:
        program = (await session.scalars(select(CoffeeProgram))).one()
    assert program.active and (program.weekday, program.group_size) == (0, 2)


async def test_help_shows_admin_commands_only_to_admins(running_app: RunningApp) -> None:
    app = running_app
    await workspace(app)
    admin_help = all_text(await app.answer(await app.sender.command("/fika", "", user_id=ADMIN)))
    member = await app.sender.command("/fika", "", user_id=PEOPLE[2].user_id)
    member_help = all_text(await app.answer(member))
    assert "/fika para-nu" in admin_help and "/fika paus" in admin_help
    assert "/fika para-nu" not in member_help and "/fika paus" in member_help
