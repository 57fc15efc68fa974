"""End to end: `/fika forget-me` leaves nothing that names the person in any table (checked by
reflecting the whole database), while their tips stay, shown as by "a former member";
`/fika my-data`; deactivated accounts are left out of the next round; an uninstalled app stops
scheduled work; old history is deleted after HISTORY_RETENTION_DAYS."""

from __future__ import annotations

import copy
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import MetaData, create_engine, func, select

from bot.coffee.ids import Coffee
from bot.coffee.models import (
    CoffeeGroup,
    CoffeeGroupMember,
    CoffeeParticipant,
    CoffeeProgram,
    CoffeeRound,
)
from bot.people.members import get_or_create_member
from bot.people.models import Library, Member
from bot.platform.db.engine import sync_url
from bot.platform.db.models import PendingCall, ProcessedEvent, Workspace
from bot.privacy.ids import PrivacyAction
from bot.tips.delivery import post_card
from bot.tips.ids import TipAction
from bot.tips.models import Tip, TipEvent, TipStatus
from jobs import digest as digest_job
from jobs import followups as followups_job
from jobs import housekeeping
from tests import coffee_support, tips_support
from tests.coffee_support import ADMIN, CHANNEL, PEOPLE, all_text, marked_messages
from tests.conftest import TEAM_ID, FakeClock, RunningApp
from tests.fakes.slack_requests import app_home_opened_event

VILMA = "U0VILMA"
NAME = "vilhelmiina.testinen"
REAL_NAME = "Vilhelmiina Testinen"
EMAIL = "vilhelmiina.testinen@kirjasto.example"
OWN_LIBRARY = "Vilhelmiinan kotikirjasto"
# Everything that would name her: her id, her Slack names and e-mail, the library she typed.
NEEDLES = (VILMA, "vilhelmiina", "testinen")
FRIDAY_AFTER_TEN = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)  # Friday 10:30 in Helsinki
BO = PEOPLE[2].user_id  # sv-SE
AINO = PEOPLE[1].user_id  # fi-FI


def answers(app: RunningApp, resp: Any) -> list[dict[str, Any]]:
    """What the app answered: the acknowledgement's body and anything sent to the response_url."""
    found = [resp.json] if isinstance(resp.json, dict) else []
    found += [r["body"] for r in app.fake.responses_for(resp.response_url or "")]
    return found


def answer_text(app: RunningApp, resp: Any) -> str:
    return "\n".join(all_text(a) for a in answers(app, resp))


def _button(payloads: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for payload in payloads:
        for block in payload.get("blocks") or []:
            for element in block.get("elements") or []:
                if element.get("action_id") == action_id:
                    return dict(element)
    raise AssertionError(f"no {action_id} button in {payloads}")


def scan_database(db_url: str, needles: tuple[str, ...]) -> list[str]:
    """Every value of every column of every table (reflected, so tables outside the models
    too), case-insensitively searched for the needles."""
    engine = create_engine(sync_url(db_url))
    found: list[str] = []
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            for table in meta.sorted_tables:
                for row in conn.execute(select(table)).mappings():
                    for column, value in row.items():
                        if value is None:
                            continue
                        if isinstance(value, bytes | bytearray | memoryview):
                            text = bytes(value).decode("utf-8", "ignore").casefold()
                        else:
                            text = str(value).casefold()
                        for needle in needles:
                            if needle.casefold() in text:
                                found.append(f"{table.name}.{column}: {str(value)[:120]!r}")
    finally:
        engine.dispose()
    return found


async def _world_with_vilma(app: RunningApp, clock: FakeClock) -> dict[str, Any]:
    """The coffee program of coffee_support with Vilma in it (a workspace admin, so also a
    reviewer), paired once and asked "did you meet?"; tips she wrote, one she approved."""
    fake = app.fake
    await coffee_support.workspace(app)
    tips_support.workspace(app)
    fake.add_user(VILMA, name=NAME, real_name=REAL_NAME, email=EMAIL, locale="fi-FI", is_admin=True)
    fake.channel(CHANNEL).members.append(VILMA)
    fake.channel(tips_support.DIGEST).members.append(VILMA)
    async with app.deps.db.begin() as session:
        library = Library(team_id=TEAM_ID, name_sv=OWN_LIBRARY, curated=False)
        session.add(library)
        await session.flush()
        member = await get_or_create_member(session, TEAM_ID, VILMA)
        member.library_id = library.id
        member.chat_languages = "fi,sv"
        member.locale_pref = "fi"
    # She starts the program, sets up the digest and pairs the first round herself.
    await coffee_support.start_program(app)
    await tips_support.setup_review(app)
    resp = await app.sender.command(
        "/tips", "setup digest", user_id=VILMA, channel_id=tips_support.DIGEST
    )
    assert resp.status == 200
    await app.settle()
    resp = await app.sender.command("/fika", "pair-now", user_id=VILMA, channel_id=CHANNEL)
    assert resp.status == 200
    await app.settle()
    clock.advance(timedelta(days=4))
    assert await followups_job.run(app.deps) > 0
    async with app.deps.db() as session:
        group_id = await session.scalar(
            select(CoffeeGroupMember.group_id).where(CoffeeGroupMember.user_id == VILMA)
        )
        group = await session.get(CoffeeGroup, group_id)
        assert group is not None and group.conversation_id
        conversation = group.conversation_id
    followup = copy.deepcopy(marked_messages(fake, conversation, "fika_followup")[0])
    resp = await app.sender.block_action(VILMA, Coffee.FOLLOWUP_MET, message=followup)
    assert resp.status == 200
    resp = await app.sender.block_action(VILMA, Coffee.FOLLOWUP_SHARE_TIP, message=followup)
    assert resp.status == 200
    await app.settle()

    # Tips: one of hers approved (for the digest and search), one waiting with its card, and
    # one by someone else that she approves on its card.
    approved = await tips_support.add_tip(
        app.deps,
        title="Satutunti viittomakielellä",
        description="Joka kuukausi satutunti viittomakielellä.",
        author=VILMA,
        library=OWN_LIBRARY,
    )
    pending = await tips_support.add_tip(
        app.deps, title="Lainattavat soittimet", author=VILMA, status=TipStatus.PENDING
    )
    assert await post_card(app.deps, TEAM_ID, pending)
    other = await tips_support.add_tip(
        app.deps, title="Bokcirkel för unga", author=BO, status=TipStatus.PENDING
    )
    assert await post_card(app.deps, TEAM_ID, other)
    card = tips_support.card_of(app, other)
    resp = await app.sender.block_action(VILMA, TipAction.APPROVE, message=card)
    assert resp.status == 200
    await app.settle()
    # A Slack call about her that failed and waits for a retry.
    async with app.deps.db.begin() as session:
        session.add(
            PendingCall(
                team_id=TEAM_ID,
                method="chat.postMessage",
                args={"channel": VILMA, "text": f"Hei {REAL_NAME}!"},
                next_attempt_at=app.deps.now() + timedelta(hours=1),
            )
        )
    return {"approved": approved, "pending": pending, "other": other, "group_id": group_id}


async def test_forget_me_leaves_nothing_that_names_the_person(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    fake = app.fake
    ids = await _world_with_vilma(app, clock)
    # Before: she is everywhere (the scan finds her, so it would notice a leftover).
    before = scan_database(app.deps.settings.database_url, NEEDLES)
    for table in ("members", "libraries", "coffee_participants", "coffee_group_members"):
        assert any(f.startswith(f"{table}.") for f in before), (table, before)
    for column in ("tips.author_id", "tips.decided_by", "tip_events.actor_id", "pending_calls"):
        assert any(f.startswith(column) for f in before), (column, before)
    async with app.deps.db() as session:
        tips_before = await session.scalar(select(func.count()).select_from(Tip))
        groups_before = await session.scalar(select(func.count()).select_from(CoffeeGroupMember))

    # The confirmation, in her language, with Confirm (behind a dialog) and Cancel.
    resp = await app.sender.command("/fika", "unohda-minut", user_id=VILMA)
    assert resp.status == 200
    await app.settle()
    payloads = answers(app, resp)
    assert "Unohdetaanko sinut?" in "\n".join(all_text(p) for p in payloads)
    confirm = _button(payloads, PrivacyAction.FORGET_CONFIRM)
    assert confirm.get("confirm") and confirm.get("style") == "danger"

    # Someone else clicking her button (a forged value) deletes nothing.
    resp = await app.sender.block_action(
        BO, PrivacyAction.FORGET_CONFIRM, value=confirm["value"], is_ephemeral=True
    )
    assert resp.status == 200
    await app.settle()
    assert "Nothing was deleted" in answer_text(app, resp) or "raderades" in answer_text(app, resp)
    assert scan_database(app.deps.settings.database_url, NEEDLES) == before
    # Nor does her own click with a value naming someone else.
    resp = await app.sender.block_action(
        VILMA,
        PrivacyAction.FORGET_CONFIRM,
        value=f"{BO}:{int(clock().timestamp())}",
        is_ephemeral=True,
    )
    await app.settle()
    async with app.deps.db() as session:
        assert await session.scalar(select(Member).where(Member.user_id == BO)) is not None
        assert await session.scalar(select(Member).where(Member.user_id == VILMA)) is not None
    # Cancel keeps everything.
    resp = await app.sender.block_action(
        VILMA, PrivacyAction.FORGET_CANCEL, value=confirm["value"], is_ephemeral=True
    )
    await app.settle()
    assert "mitään ei poistettu" in answer_text(app, resp).lower()
    assert scan_database(app.deps.settings.database_url, NEEDLES) == before

    # Her click: done, told in Finnish, and the channel she is still in is named.
    fake.reset_calls()
    resp = await app.sender.block_action(
        VILMA, PrivacyAction.FORGET_CONFIRM, value=confirm["value"], is_ephemeral=True
    )
    assert resp.status == 200
    await app.settle()
    done = answer_text(app, resp)
    assert "Fika on unohtanut sinut" in done and f"<#{CHANNEL}>" in done
    # Her Home tab no longer shows her data.
    assert "Fika on unohtanut sinut" in all_text(fake.home_views[VILMA])

    # Nothing in any table names her: not her id, her names, her e-mail nor her own library.
    assert scan_database(app.deps.settings.database_url, NEEDLES) == []
    async with app.deps.db() as session:
        # The tips stay; the history still counts her (as a placeholder) once per round.
        assert await session.scalar(select(func.count()).select_from(Tip)) == tips_before
        assert (
            await session.scalar(select(func.count()).select_from(CoffeeGroupMember))
            == groups_before
        )
        tip = await session.get(Tip, ids["approved"])
        assert tip is not None and tip.author_id.startswith("former-")
        assert tip.description == "Joka kuukausi satutunti viittomakielellä."
        other = await session.get(Tip, ids["other"])
        assert other is not None and other.decided_by == tip.author_id  # one placeholder
        group = await session.get(CoffeeGroup, ids["group_id"])
        assert group is not None and group.answered_by == tip.author_id
        assert group.tip_wish_by == tip.author_id
        events = list(await session.scalars(select(TipEvent.actor_id)))
        assert tip.author_id in events
        assert await session.scalar(select(func.count()).select_from(CoffeeParticipant)) == len(
            PEOPLE
        )

    # "A former member" wherever an author is shown, in the reader's language.
    # The review card of her waiting tip was redrawn (the workspace speaks Swedish).
    card = tips_support.card_of(app, ids["pending"])
    assert "en tidigare medlem" in all_text(card) and VILMA not in str(card)
    # Search (Bo reads Swedish, Aino Finnish).
    resp = await app.sender.command("/tips", "search satutunti", user_id=BO)
    await app.settle()
    assert "en tidigare medlem" in answer_text(app, resp)
    resp = await app.sender.command("/tips", "search satutunti", user_id=AINO)
    await app.settle()
    assert "entinen jäsen" in answer_text(app, resp)
    # The Home of a reader (latest tips).
    await app.sender.event(app_home_opened_event(BO))
    await app.settle()
    assert "en tidigare medlem" in all_text(fake.home_views[BO])
    # The export (the tips world's ADMIN reads English).
    resp = await app.sender.command("/tips", "export", user_id=ADMIN, channel_id="CREVIEW")
    await app.settle()
    csv_text = (fake.uploaded_files[-1].content or b"").decode("utf-8-sig")
    assert "Satutunti viittomakielellä" in csv_text, csv_text
    assert "a former member" in csv_text
    assert "former-" not in csv_text and VILMA not in csv_text
    # The digest, in the workspace's language.
    clock.set(FRIDAY_AFTER_TEN)
    await digest_job.run(app.deps)
    digest = all_text(fake.messages(tips_support.DIGEST)[-1])
    assert "Satutunti viittomakielellä" in digest and "en tidigare medlem" in digest

    # Using Fika again starts afresh: her Home opens without errors, with nothing of before.
    await app.sender.event(app_home_opened_event(VILMA))
    await app.settle()
    home = all_text(fake.home_views[VILMA])
    assert OWN_LIBRARY not in home, home
    assert "Satutunti viittomakielellä* – _Muu_ · entinen jäsen" in home  # latest tips, not hers


async def test_my_data_shows_what_is_stored(running_app: RunningApp, clock: FakeClock) -> None:
    app = running_app
    await _world_with_vilma(app, clock)
    resp = await app.sender.command("/fika", "omat-tiedot", user_id=VILMA)
    assert resp.status == 200
    await app.settle()
    text = answer_text(app, resp)
    assert "Mitä Fika tallentaa sinusta" in text
    assert NAME in text and OWN_LIBRARY in text
    assert f"<#{CHANNEL}>" in text
    assert "unohda-minut" in text or "forget-me" in text
    # Her latest group names her partners.
    async with app.deps.db() as session:
        group_id = await session.scalar(
            select(CoffeeGroupMember.group_id).where(CoffeeGroupMember.user_id == VILMA)
        )
        partners = list(
            await session.scalars(
                select(CoffeeGroupMember.user_id).where(
                    CoffeeGroupMember.group_id == group_id, CoffeeGroupMember.user_id != VILMA
                )
            )
        )
    assert partners and all(f"<@{p}>" in text for p in partners)
    # Written text is escaped: a display name with markup reaches Slack inert.
    app.fake.add_user("U0EVILNAME", name="x", display_name="<!channel> *boss*", locale="sv-SE")
    resp = await app.sender.command("/fika", "mina-uppgifter", user_id="U0EVILNAME")
    await app.settle()
    text = answer_text(app, resp)
    assert "Vad Fika sparar om dig" in text
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text


# ---------------------------------------------------------------------------- deactivation


def _user_change(app: RunningApp, user_id: str, *, deleted: bool) -> dict[str, Any]:
    user = copy.deepcopy(app.fake.users[user_id])
    user["deleted"] = deleted
    app.fake.users[user_id]["deleted"] = deleted
    return {"type": "user_change", "user": user, "cache_ts": 1700000000, "event_ts": "1700000000.1"}


async def _round_members(app: RunningApp) -> set[str]:
    async with app.deps.db() as session:
        newest = await session.scalar(select(func.max(CoffeeRound.id)))
        return set(
            await session.scalars(
                select(CoffeeGroupMember.user_id).where(CoffeeGroupMember.round_id == newest)
            )
        )


async def test_deactivated_people_are_left_out_of_the_next_round(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await coffee_support.workspace(app)
    await coffee_support.start_program(app)
    # Everyone's Slack data was read for the first round a moment ago (it counts as fresh for
    # an hour), so only the event can tell Fika that Aino's account was deactivated.
    resp = await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    assert resp.status == 200
    await app.settle()
    assert AINO in await _round_members(app)
    clock.advance(timedelta(days=7))  # next week, next period: a round may run again
    async with app.deps.db.begin() as session:
        for member in await session.scalars(select(Member)):
            member.slack_checked_at = clock()
    resp = await app.sender.event(_user_change(app, AINO, deleted=True))
    assert resp.status == 200
    await app.settle()
    async with app.deps.db() as session:
        aino = await session.scalar(select(Member).where(Member.user_id == AINO))
        assert aino is not None and aino.deleted
    resp = await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    members = await _round_members(app)
    assert AINO not in members and len(members) == len(PEOPLE) - 1

    # Reactivated and still in the channel: paired again.
    clock.advance(timedelta(days=7))
    async with app.deps.db.begin() as session:
        for member in await session.scalars(select(Member)):
            member.slack_checked_at = clock()
    await app.sender.event(_user_change(app, AINO, deleted=False))
    await app.settle()
    await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    assert AINO in await _round_members(app)


async def test_user_change_of_a_stranger_stores_nothing(running_app: RunningApp) -> None:
    app = running_app
    app.fake.add_user("U0STRANGER", name="stranger", real_name="Sally Stranger")
    resp = await app.sender.event(_user_change(app, "U0STRANGER", deleted=False))
    assert resp.status == 200
    await app.settle()
    async with app.deps.db() as session:
        assert await session.scalar(select(func.count()).select_from(Member)) == 0
    assert not app.fake.calls_to("users.info")


# ---------------------------------------------------------------------------- uninstall


async def test_app_uninstalled_stops_scheduled_work(
    running_app: RunningApp, clock: FakeClock, caplog: Any
) -> None:
    app = running_app
    await coffee_support.workspace(app)
    await coffee_support.start_program(app)
    async with app.deps.db.begin() as session:
        session.add(
            PendingCall(
                team_id=TEAM_ID,
                method="chat.postMessage",
                args={"channel": AINO, "text": "hei"},
                next_attempt_at=clock(),
            )
        )
    caplog.set_level("INFO")
    resp = await app.sender.event({"type": "app_uninstalled", "event_ts": "1700000001.1"})
    assert resp.status == 200
    await app.settle()
    async with app.deps.db() as session:
        workspace = await session.get(Workspace, TEAM_ID)
        assert workspace is not None and workspace.uninstalled_at == clock()
        program = await session.scalar(select(CoffeeProgram))
        assert program is not None and not program.active
        assert await session.scalar(select(func.count()).select_from(PendingCall)) == 0
        names = list(await session.scalars(select(Member.display_name)))
        assert names and all(n is None for n in names)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "app_uninstalled for workspace T0FIKA" in logged
    assert "xoxb" not in logged

    # The next scheduled slot passes without a round, and nothing is posted.
    app.fake.reset_calls()
    clock.advance(timedelta(days=7, hours=1))
    from jobs import rounds as rounds_job

    await rounds_job.run(app.deps)
    await digest_job.run(app.deps)
    await app.settle()
    async with app.deps.db() as session:
        assert await session.scalar(select(func.count()).select_from(CoffeeRound)) == 0
    assert not app.fake.calls_to("chat.postMessage")

    # A request from the workspace again (the app is back): scheduled work may resume.
    await app.sender.command("/fika", "help", user_id=ADMIN)
    await app.settle()
    async with app.deps.db() as session:
        workspace = await session.get(Workspace, TEAM_ID)
        assert workspace is not None and workspace.uninstalled_at is None


async def test_tokens_revoked(running_app: RunningApp, clock: FakeClock, caplog: Any) -> None:
    app = running_app
    await coffee_support.workspace(app)
    await coffee_support.start_program(app)
    caplog.set_level("INFO")
    # User tokens only: Fika stores none, so nothing changes.
    event = {"type": "tokens_revoked", "tokens": {"oauth": ["UADMIN"], "bot": []}}
    resp = await app.sender.event(event)
    assert resp.status == 200
    await app.settle()
    async with app.deps.db() as session:
        program = await session.scalar(select(CoffeeProgram))
        assert program is not None and program.active
    assert "1 user token(s) (none stored), 0 bot token(s)" in caplog.text
    # The bot's token: like an uninstall.
    event = {"type": "tokens_revoked", "tokens": {"bot": [app.fake.bot_user_id]}}
    resp = await app.sender.event(event)
    await app.settle()
    async with app.deps.db() as session:
        program = await session.scalar(select(CoffeeProgram))
        assert program is not None and not program.active
        workspace = await session.get(Workspace, TEAM_ID)
        assert workspace is not None and workspace.uninstalled_at is not None
    assert "bot token revoked for workspace T0FIKA" in caplog.text


# ---------------------------------------------------------------------------- retention


async def test_history_older_than_the_retention_is_deleted(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    await coffee_support.workspace(app)
    await coffee_support.start_program(app)
    await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    clock.advance(timedelta(days=7))
    await app.sender.command("/fika", "pair-now", user_id=ADMIN, channel_id=CHANNEL)
    await app.settle()
    async with app.deps.db.begin() as session:
        assert await session.scalar(select(func.count()).select_from(CoffeeRound)) == 2
        session.add(ProcessedEvent(team_id=TEAM_ID, event_id="Ev0OLD", received_at=clock()))
        session.add(
            PendingCall(
                team_id=TEAM_ID,
                method="chat.postMessage",
                args={"channel": AINO},
                gave_up=True,
                created_at=clock(),
                next_attempt_at=clock(),
            )
        )

    deps = app.deps
    # 730 days (the default) after the first round: only the first one goes.
    clock.advance(timedelta(days=730 - 7, hours=1))
    await housekeeping.run(deps)
    async with deps.db() as session:
        assert await session.scalar(select(func.count()).select_from(CoffeeRound)) == 1
        assert await session.scalar(select(func.count()).select_from(ProcessedEvent)) == 0
        assert await session.scalar(select(func.count()).select_from(PendingCall)) == 0
        left = await session.scalar(select(func.min(CoffeeGroupMember.round_id)))
        newest = await session.scalar(select(func.max(CoffeeRound.id)))
        assert left == newest  # the first round's groups and members went with it

    # 0 keeps everything forever.
    clock.advance(timedelta(days=3650))
    forever = replace(deps, settings=replace(deps.settings, history_retention_days=0))
    await housekeeping.run(forever)
    async with deps.db() as session:
        assert await session.scalar(select(func.count()).select_from(CoffeeRound)) == 1
    await housekeeping.run(deps)
    async with deps.db() as session:
        assert await session.scalar(select(func.count()).select_from(CoffeeRound)) == 0
        assert await session.scalar(select(func.count()).select_from(CoffeeGroup)) == 0


async def test_an_old_confirmation_deletes_nothing(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    app.fake.add_user(VILMA, name=NAME, locale="sv-SE")
    resp = await app.sender.command("/fika", "glöm-mig", user_id=VILMA)
    await app.settle()
    confirm = _button(answers(app, resp), PrivacyAction.FORGET_CONFIRM)
    clock.advance(timedelta(hours=2))
    resp = await app.sender.block_action(
        VILMA, PrivacyAction.FORGET_CONFIRM, value=confirm["value"], is_ephemeral=True
    )
    await app.settle()
    assert "Bekräftelsen är för gammal" in answer_text(app, resp)
    async with app.deps.db() as session:
        assert await session.scalar(select(Member).where(Member.user_id == VILMA)) is not None


def test_history_retention_setting() -> None:
    from bot.platform.config import SettingsError, load_settings

    base = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert load_settings(base).history_retention_days == 730
    assert load_settings({**base, "HISTORY_RETENTION_DAYS": "0"}).history_retention_days == 0
    assert load_settings({**base, "HISTORY_RETENTION_DAYS": "365"}).history_retention_days == 365
    for bad in ("-1", "7", "two years"):
        try:
            load_settings({**base, "HISTORY_RETENTION_DAYS": bad})
        except SettingsError as exc:
            assert "HISTORY_RETENTION_DAYS" in str(exc)
        else:
            raise AssertionError(bad)


async def test_a_group_not_introduced_yet_meets_without_the_forgotten_person(
    running_app: RunningApp,
) -> None:
    from bot.privacy.store import forget_person

    app = running_app
    now = app.deps.now()
    async with app.deps.db.begin() as session:
        program = CoffeeProgram(
            team_id=TEAM_ID, channel_id=CHANNEL, tz="Europe/Helsinki", anchor_week=now.date()
        )
        session.add(program)
        await session.flush()
        round_ = CoffeeRound(
            team_id=TEAM_ID, program_id=program.id, period="2026-W49", scheduled_for=now, seed=1
        )
        session.add(round_)
        await session.flush()
        sent = CoffeeGroup(team_id=TEAM_ID, round_id=round_.id, position=0, intro_sent_at=now)
        unsent = CoffeeGroup(team_id=TEAM_ID, round_id=round_.id, position=1)
        session.add_all([sent, unsent])
        await session.flush()
        for group, user in ((sent, "U1"), (sent, "U2"), (unsent, VILMA), (unsent, AINO)):
            session.add(
                CoffeeGroupMember(
                    team_id=TEAM_ID,
                    group_id=group.id,
                    round_id=round_.id,
                    user_id=user,
                    locale="sv",
                )
            )
        session.add(
            CoffeeGroupMember(
                team_id=TEAM_ID, group_id=unsent.id, round_id=round_.id, user_id=BO, locale="sv"
            )
        )
        ids = (sent.id, unsent.id)
    async with app.deps.db.begin() as session:
        await forget_person(session, TEAM_ID, VILMA, "former-0123456789ab")
    async with app.deps.db() as session:
        rows = (
            await session.execute(select(CoffeeGroupMember.group_id, CoffeeGroupMember.user_id))
        ).all()
    assert sorted(rows) == sorted([(ids[0], "U1"), (ids[0], "U2"), (ids[1], AINO), (ids[1], BO)])
