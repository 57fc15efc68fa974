"""End to end: scheduled rounds from the job (and a round missed while down), stats and the
CSV file, the admins' library list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.models import CoffeeGroup, CoffeeRound
from bot.people.models import Library
from jobs import followups as followups_job
from jobs import rounds as rounds_job
from tests.coffee_support import (
    ADMIN,
    CHANNEL,
    PEOPLE,
    all_text,
    group_dms,
    humans,
    intros,
    marked_messages,
    start_program,
    workspace,
)
from tests.conftest import TEAM_ID, FakeClock, RunningApp

BO = PEOPLE[2].user_id  # sv-SE, not an admin


async def _responses(app: RunningApp, url: str | None) -> str:
    """Everything answered by response_url, once the work after the acknowledgement is done."""
    await app.settle()
    return "\n".join(all_text(r["body"]) for r in app.fake.responses_for(url or ""))


async def _rounds(app: RunningApp) -> list[CoffeeRound]:
    async with app.deps.db() as session:
        return list(await session.scalars(select(CoffeeRound).order_by(CoffeeRound.id)))


async def _pairs_of(app: RunningApp, round_id: int) -> set[frozenset[str]]:
    async with app.deps.db() as session:
        groups = list(
            await session.scalars(select(CoffeeGroup).where(CoffeeGroup.round_id == round_id))
        )
    pairs: set[frozenset[str]] = set()
    for group in groups:
        users = [m.user_id for m in group.members]
        pairs |= {frozenset((a, b)) for i, a in enumerate(users) for b in users[i + 1 :]}
    return pairs


async def test_the_job_runs_due_rounds_and_a_missed_one_the_same_day(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    await start_program(app)  # Monday 30 November 09:00 local: first round 7 December
    await rounds_job.run(app.deps)
    assert await _rounds(app) == []  # 09:00 today was before the program existed

    clock.set(datetime(2026, 12, 7, 6, 59, tzinfo=UTC))  # 08:59 local
    await rounds_job.run(app.deps)
    assert await _rounds(app) == []
    clock.set(datetime(2026, 12, 7, 7, 0, 30, tzinfo=UTC))
    await rounds_job.run(app.deps)
    await rounds_job.run(app.deps)  # a second tick changes nothing
    rounds = await _rounds(app)
    assert [(r.period, r.trigger, r.status) for r in rounds] == [("2026-W50", "schedule", "done")]
    assert sum(len(m) for m in intros(fake).values()) == 5
    note = all_text(fake.messages(CHANNEL)[-1])
    assert "11 personer" in note

    # The bot was down at 09:00 the next Monday and comes back at 15:00: the round runs.
    clock.set(datetime(2026, 12, 14, 13, 0, tzinfo=UTC))
    await rounds_job.run(app.deps)
    rounds = await _rounds(app)
    assert [r.period for r in rounds] == ["2026-W50", "2026-W51"]
    # Nobody meets the same person twice in a row while others are available.
    assert not (await _pairs_of(app, rounds[0].id)) & (await _pairs_of(app, rounds[1].id))

    # Down for the whole Monday after: no round on Tuesday.
    clock.set(datetime(2026, 12, 22, 8, 0, tzinfo=UTC))
    await rounds_job.run(app.deps)
    assert len(await _rounds(app)) == 2


async def test_every_two_weeks_skips_the_week_between(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await workspace(app)
    await start_program(app)
    await app.sender.command(
        "/fika", "schedule tuesday 10:00 every 2 weeks", user_id=ADMIN, channel_id=CHANNEL
    )
    await app.settle()
    for day in range(1, 30):
        clock.set(datetime(2026, 11, 30, 8, 5, tzinfo=UTC) + timedelta(days=day))
        await rounds_job.run(app.deps)
    assert [r.scheduled_for.date().isoformat() for r in await _rounds(app)] == [
        "2026-12-01",
        "2026-12-15",
        "2026-12-29",
    ]


async def test_stats_figures_and_the_csv_file(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    await start_program(app)
    await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    clock.advance(timedelta(days=4))
    await followups_job.run(app.deps)
    dms = sorted(group_dms(fake), key=lambda c: c.id)
    answers = [
        (dms[0], Coffee.FOLLOWUP_MET),
        (dms[1], Coffee.FOLLOWUP_MET),
        (dms[2], Coffee.FOLLOWUP_NOT_MET),
    ]
    for conversation, action in answers:
        message = marked_messages(fake, conversation.id, "fika_followup")[0]
        await app.sender.block_action(humans(conversation, fake)[0], action, message=message)
    await app.settle()

    resp = await app.sender.command("/fika", "statistik", user_id=ADMIN, channel_id=CHANNEL)
    text = all_text(await app.answer(resp))
    assert "1 januari 2026 – 31 december 2026" in text
    assert "*Rundor:* 1" in text
    assert "*Personer som var med:* 11" in text
    assert "*Grupper:* 5" in text
    assert "*Grupper som träffades:* 67\xa0% (2 av 3 som svarade)" in text
    assert "*Grupper över biblioteksgränserna:* 100\xa0% (5 av 5)" in text
    # Which groups met decides the library pairs; the trio (3 pairs of libraries) goes to a
    # seeded random seat since issue 15, so count them from the groups that answered "met".
    async with app.deps.db() as session:
        met = await session.scalars(select(CoffeeGroup).where(CoffeeGroup.outcome == "met"))
        library_pairs = {
            frozenset((a.library_name, b.library_name))
            for group in met
            for a in group.members
            for b in group.members
            if a.library_name != b.library_name
        }
    assert 1 <= len(library_pairs) <= 3
    assert f"*Bibliotekspar som träffades:* {len(library_pairs)}" in text

    resp = await app.sender.command("/fika", "stats 2025", user_id=ADMIN, channel_id=CHANNEL)
    assert "*Rundor:* 0" in all_text(await app.answer(resp))
    resp = await app.sender.command("/fika", "stats 2026-12-01..2026-12-31", user_id=ADMIN)
    assert "*Rundor:* 0" in all_text(await app.answer(resp))
    resp = await app.sender.command("/fika", "stats last year", user_id=ADMIN)
    assert "/fika statistik 2026" in await _responses(app, resp.response_url)

    resp = await app.sender.command("/fika", "stats csv 2026", user_id=ADMIN, channel_id=CHANNEL)
    assert "direktmeddelanden" in all_text(await app.answer(resp))
    await app.settle()
    [upload] = fake.uploaded_files
    admin_dm = fake.open_dm(ADMIN)
    assert upload.channels == [admin_dm]
    assert upload.filename == "fika-stats-2026-01-01-2026-12-31.csv"
    content = upload.content or b""
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Distanskaffe;2026-01-01;2026-12-31"
    assert "Personer som var med;11" in lines
    assert "2026-11-30;#fika;11;5;5;3;2" in lines
    assert fake.calls_to("conversations.open")[-1].args["users"] == ADMIN


async def test_libraries_list_add_load_remove(running_app: RunningApp) -> None:
    app = running_app
    fake = app.fake
    await workspace(app)
    resp = await app.sender.command("/fika", "bibliotek", user_id=BO)
    text = all_text(await app.answer(resp))
    assert "Kronoby bibliotek / Kruunupyyn kirjasto (Kronoby)" in text
    assert Coffee.LIBRARIES_ADD not in str(await app.answer(resp))  # not an admin

    resp = await app.sender.command("/fika", "libraries", user_id=ADMIN)
    listing = await app.answer(resp)
    assert Coffee.LIBRARIES_LOAD in str(listing)
    resp = await app.sender.block_action(
        ADMIN,
        Coffee.LIBRARIES_LOAD,
        value="load",
        message={"ts": "1.1", "blocks": listing["blocks"]},
    )
    await app.settle()
    modal = fake.views[-1]
    assert modal["callback_id"] == CoffeeView.LIBRARY_LOAD
    csv_text = (
        "name_sv;name_fi;municipality\n"
        "Malax bibliotek;Maalahden kirjasto;Malax\n"
        "Vasa stadsbibliotek;Vaasan kaupunginkirjasto;Vasa\n"
        ";Nimetön;Vasa\n"
    )

    def values(text: str) -> dict[str, object]:
        return {
            CoffeeBlock.LIBRARY_CSV: {
                Coffee.LIBRARY_CSV: {"type": "plain_text_input", "value": text}
            }
        }

    resp = await app.sender.view_submission(ADMIN, modal, values(csv_text))
    assert resp.json is not None and resp.json["response_action"] == "errors"
    assert "rad 4" in resp.json["errors"][CoffeeBlock.LIBRARY_CSV]
    resp = await app.sender.view_submission(ADMIN, modal, values(csv_text.rsplit("\n", 2)[0]))
    assert resp.status == 200 and not resp.text
    await app.settle()
    assert "Nya: 1. Uppdaterade: 1." in all_text(fake.dm_messages(ADMIN)[-1])

    # A non-admin submitting the same modal changes nothing.
    resp = await app.sender.view_submission(BO, modal, values("Korsholms bibliotek,,Korsholm"))
    assert resp.json is not None and resp.json["response_action"] == "errors"

    resp = await app.sender.command("/fika", "bibliotek add", user_id=ADMIN)
    await app.settle()
    add_modal = fake.views[-1]
    assert add_modal["callback_id"] == CoffeeView.LIBRARY_ADD
    resp = await app.sender.view_submission(
        ADMIN,
        add_modal,
        {
            CoffeeBlock.LIBRARY_NAME_SV: {
                Coffee.LIBRARY_NAME_SV: {"type": "plain_text_input", "value": "Närpes bibliotek"}
            },
            CoffeeBlock.LIBRARY_NAME_FI: {
                Coffee.LIBRARY_NAME_FI: {"type": "plain_text_input", "value": "Närpiön kirjasto"}
            },
            CoffeeBlock.LIBRARY_MUNICIPALITY: {
                Coffee.LIBRARY_MUNICIPALITY: {"type": "plain_text_input", "value": None}
            },
        },
    )
    assert resp.status == 200
    await app.settle()

    resp = await app.sender.command("/fika", "bibliotek ta-bort kronoby BIBLIOTEK", user_id=ADMIN)
    assert "Kronoby bibliotek finns inte längre på listan" in all_text(await app.answer(resp))
    resp = await app.sender.command("/fika", "bibliotek remove Kronoby bibliotek", user_id=BO)
    await app.settle()
    assert "bara Fikas administratörer" in await _responses(app, resp.response_url)

    async with app.deps.db() as session:
        libraries = {lib.name_sv: lib for lib in await session.scalars(select(Library))}
    assert libraries["Malax bibliotek"].name_fi == "Maalahden kirjasto"
    assert libraries["Närpes bibliotek"].curated
    assert not libraries["Kronoby bibliotek"].curated  # kept for those who chose it
    assert "Korsholms bibliotek" not in libraries


async def test_a_long_library_list_pages(running_app: RunningApp) -> None:
    app = running_app
    await workspace(app)
    async with app.deps.db.begin() as session:
        for i in range(70):
            session.add(Library(team_id=TEAM_ID, name_sv=f"Bibliotek {i:03d}"))
    resp = await app.sender.command("/fika", "bibliotek", user_id=BO)
    first = await app.answer(resp)
    assert "sida 1 av 3" in all_text(first) and "Bibliotek 030" not in all_text(first)
    resp = await app.sender.block_action(
        BO, Coffee.LIBRARIES_PAGE, value="2", message={"ts": "1.2", "blocks": first["blocks"]}
    )
    await app.settle()
    second = all_text(app.fake.responses_for(resp.response_url or "")[-1]["body"])
    assert "sida 2 av 3" in second and "Bibliotek 030" in second
