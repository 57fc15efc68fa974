"""User-written text never pings or injects: every surface is driven with mentions, links,
`&`-entities, markdown, RTL and zero-width characters, then every call the fake Slack recorded
(texts, blocks, views, options, response_url posts, acknowledgements) is searched for them."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.models import CoffeeGroup
from bot.people.models import Library
from bot.tips.ids import Shortcut, TipAction, TipBlock, TipView
from jobs import digest as digest_job
from jobs import followups as followups_job
from tests import coffee_support as coffee
from tests import tips_support as tips
from tests.conftest import TEAM_ID, FakeClock, RunningApp
from tests.e2e.test_tips_e2e import FRIDAY_AFTER_TEN
from tests.fakes.slack_requests import interactive_body
from tests.security_support import EVIL, leaks, refused_by_slack, where_leaked

AINO = coffee.PEOPLE[1].user_id  # fi-FI
BO = coffee.PEOPLE[2].user_id  # sv-SE


def _text(block_id: str, action_id: str, value: str) -> dict[str, Any]:
    return {block_id: {action_id: {"type": "plain_text_input", "value": value}}}


async def _command(app: RunningApp, acks: list[Any], text: str, **kwargs: Any) -> Any:
    resp = await app.sender.command("/fika", text, **kwargs)
    assert resp.status == 200, (text, resp.status)
    await app.settle()
    acks.append(await app.answer(resp))
    return resp


async def test_coffee_surfaces_escape_what_people_typed(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    fake = app.fake
    acks: list[Any] = []
    await coffee.workspace(app)
    admin = coffee.ADMIN

    # An admin adds a library and loads a CSV, all of it with markup in the names.
    await _command(app, acks, "libraries add", user_id=admin)
    add_form = fake.views[-1]
    values = {
        **_text(CoffeeBlock.LIBRARY_NAME_SV, Coffee.LIBRARY_NAME_SV, f"Bibl {EVIL}"),
        **_text(CoffeeBlock.LIBRARY_NAME_FI, Coffee.LIBRARY_NAME_FI, f"Kirj {EVIL}"),
        **_text(CoffeeBlock.LIBRARY_MUNICIPALITY, Coffee.LIBRARY_MUNICIPALITY, f"K {EVIL}"),
    }
    acks.append((await app.sender.view_submission(admin, add_form, values)).json)
    await _command(app, acks, "libraries load", user_id=admin)
    load_form = fake.views[-1]
    rows = [f'"Lib{i} {EVIL}";"Kir{i} {EVIL}";"Ort {EVIL}"' for i in range(12)]
    twice = "\n".join([rows[0], rows[0]])
    csv_values = _text(CoffeeBlock.LIBRARY_CSV, Coffee.LIBRARY_CSV, twice)
    resp = await app.sender.view_submission(admin, load_form, csv_values)
    assert resp.json is not None and resp.json["response_action"] == "errors"
    acks.append(resp.json)
    csv_values = _text(CoffeeBlock.LIBRARY_CSV, Coffee.LIBRARY_CSV, "\n".join(rows))
    acks.append((await app.sender.view_submission(admin, load_form, csv_values)).json)
    await app.settle()
    async with app.deps.db() as session:
        evil_library = await session.scalar(
            select(Library).where(Library.team_id == TEAM_ID, Library.name_sv == f"Bibl {EVIL}")
        )
    assert evil_library is not None

    # People pick the library, or type one, in the profile form.
    for user, typed in ((BO, None), (AINO, f"Eget {EVIL}")):
        await _command(app, acks, "profile", user_id=user)
        form = fake.views[-1]
        values = {
            CoffeeBlock.PROFILE_LANGUAGES.value: {
                Coffee.PROFILE_LANGUAGES.value: {
                    "type": "checkboxes",
                    "selected_options": [{"value": "sv"}, {"value": "fi"}],
                }
            }
        }
        if typed:
            values |= _text(CoffeeBlock.PROFILE_LIBRARY_TYPED, Coffee.PROFILE_LIBRARY_TYPED, typed)
        else:
            values[CoffeeBlock.PROFILE_LIBRARY.value] = {
                Coffee.PROFILE_LIBRARY.value: {
                    "type": "static_select",
                    "selected_option": {"value": str(evil_library.id)},
                }
            }
        resp = await app.sender.view_submission(user, form, values)
        assert resp.status == 200 and not resp.text, resp.text
        await app.settle()
    suggestion = {
        "type": "block_suggestion",
        "user": {"id": BO, "team_id": TEAM_ID},
        "team": {"id": TEAM_ID},
        "action_id": Coffee.PROFILE_LIBRARY,
        "block_id": CoffeeBlock.PROFILE_LIBRARY,
        "value": "bibl",
        "view": {"id": "V1", "callback_id": CoffeeView.PROFILE},
    }
    resp = await app.sender.raw(interactive_body(suggestion))
    assert resp.json is not None and resp.json["options"]
    acks.append(resp.json)

    # Lists, status, and commands that echo what was typed.
    resp = await _command(app, acks, "libraries", user_id=admin)
    await app.sender.block_action(
        admin, Coffee.LIBRARIES_PAGE, message={"ts": "1.1", **(await app.answer(resp))}
    )
    for user in (AINO, BO):
        await _command(app, acks, "status", user_id=user)
    for text in (
        f"libraries remove {EVIL}",
        EVIL,
        f"pause {EVIL}",
        f"schedule {EVIL}",
        f"size {EVIL}",
        f"stats {EVIL}",
        "stats 2026-13-45..x",
        f"stats {EVIL} csv",
    ):
        await _command(app, acks, text, user_id=admin, channel_id=coffee.CHANNEL)

    # A round: intros name the libraries; everyone answers; the figures name library pairs.
    await coffee.start_program(app)
    await _command(app, acks, "pair-now", user_id=admin, channel_id=coffee.CHANNEL)
    clock.advance(timedelta(days=4))
    await followups_job.run(app.deps)
    async with app.deps.db() as session:
        groups = list(await session.scalars(select(CoffeeGroup)))
    for group in groups:
        if group.conversation_id is None:
            continue
        message = coffee.marked_messages(fake, group.conversation_id, "fika_followup")[0]
        await app.sender.block_action(
            group.members[0].user_id, Coffee.FOLLOWUP_MET, message=message
        )
    await app.settle()
    assert any(
        "Bibl &lt;!channel&gt;" in coffee.all_text(m)
        for ms in coffee.intros(fake).values()
        for m in ms
    )
    resp = await _command(app, acks, "stats", user_id=admin, channel_id=coffee.CHANNEL)
    assert "&lt;!channel&gt;" in coffee.all_text(await app.answer(resp))
    await _command(app, acks, "stats csv", user_id=admin, channel_id=coffee.CHANNEL)

    found = leaks(app, acks)
    assert not found, where_leaked(found)
    assert refused_by_slack(app) == []


async def test_tips_surfaces_escape_what_people_typed(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    fake = app.fake
    acks: list[Any] = []
    tips.workspace(app)
    # Slack display names are typed by people too.
    fake.add_user(tips.AUTHOR, name="aino", display_name=f"Aino {EVIL}", locale="fi-FI")
    fake.add_user("UREV1", name="rea", display_name=f"Rea {EVIL}", locale="sv-SE")
    async with app.deps.db.begin() as session:
        session.add(Library(team_id=TEAM_ID, name_sv=f"Bibl {EVIL}", municipality=f"Ort {EVIL}"))
        # Enough libraries for the form's select to group them by municipality.
        for i in range(100):
            session.add(Library(team_id=TEAM_ID, name_sv=f"B{i:03d} {EVIL}", municipality=EVIL))
    await tips.setup_review(app)
    await tips.setup_digest(app)

    async def tips_command(text: str, user: str, channel: str | None = None) -> Any:
        resp = await app.sender.command("/tips", text, user_id=user, channel_id=channel)
        assert resp.status == 200, (text, resp.status)
        await app.settle()
        acks.append(await app.answer(resp))
        return resp

    # Tips through the form (prefilled from the command's text) and from a message shortcut.
    long_description = f"Rad 1 {EVIL}\n```\n{EVIL}\n```\n> *citat* {EVIL}\n" + "ord " * 700
    await tips_command(f"{EVIL}. {EVIL}", tips.AUTHOR)
    form = fake.views[-1]
    await tips.submit(
        app,
        form,
        title=EVIL,
        description=long_description[:3000],
        library_other=f"Eget {EVIL}",
        link="https://example.org/a?b=1&c=2",
        category="other",
    )
    message = fake.add_message(tips.GENERAL, f"Delat <@UREV1> {EVIL}", user=tips.OUTSIDER)
    await app.sender.message_shortcut(tips.AUTHOR, Shortcut.SHARE_AS_TIP, message, tips.GENERAL)
    await app.settle()
    shortcut_form = fake.views[-1]
    library = next(b for b in shortcut_form["blocks"] if b.get("block_id") == TipBlock.LIBRARY)
    assert library["element"]["type"] == "external_select"  # too many for one menu
    tip_suggestion = {
        "type": "block_suggestion",
        "user": {"id": tips.AUTHOR, "team_id": TEAM_ID},
        "team": {"id": TEAM_ID},
        "action_id": TipBlock.VALUE,
        "block_id": TipBlock.LIBRARY,
        "value": "b",
        "view": shortcut_form,
    }
    resp = await app.sender.raw(interactive_body(tip_suggestion))
    assert resp.json is not None and resp.json["options"]
    acks.append(resp.json)
    chosen = resp.json["options"][0]["value"]
    await tips.submit(
        app,
        shortcut_form,
        title=f"Andra {EVIL}",
        description=EVIL,
        library=chosen,
        library_other=None,
    )
    first, second = await tips.tips_in_db(app.deps)

    # Review: approve one; reject the other with a reason; edit with markup.
    await app.sender.block_action("UREV1", TipAction.APPROVE, message=tips.card_of(app, first.id))
    await app.sender.block_action("UREV1", TipAction.REJECT, message=tips.card_of(app, second.id))
    await app.settle()
    reject_form = fake.views[-1]
    reason = {TipBlock.REASON: {TipBlock.VALUE: {"type": "plain_text_input", "value": EVIL}}}
    acks.append((await app.sender.view_submission("UREV1", reject_form, reason)).json)
    await app.sender.block_action("UREV1", TipAction.EDIT, message=tips.card_of(app, first.id))
    await app.settle()
    edit_form = fake.views[-1]
    assert edit_form["callback_id"] == TipView.EDIT
    edit = {
        TipBlock.TITLE: {TipBlock.VALUE: {"type": "plain_text_input", "value": f"Ny {EVIL}"}},
        TipBlock.DESCRIPTION: {TipBlock.VALUE: {"type": "plain_text_input", "value": EVIL}},
        TipBlock.CATEGORY: {
            TipBlock.VALUE: {"type": "static_select", "selected_option": {"value": "talent"}}
        },
    }
    acks.append((await app.sender.view_submission("UREV1", edit_form, edit)).json)
    await app.settle()

    # Lists and commands that echo what was typed, and a page turned.
    search = await tips_command(f"search {EVIL} ny", tips.OUTSIDER)
    for text, user in (
        (f"search {EVIL}", tips.OUTSIDER),
        ("latest", tips.OUTSIDER),
        ("mine", tips.AUTHOR),
        ("review", "UREV1"),
        (f"export {EVIL}", "UREV1"),
        (f"export {EVIL}..2026-01-01", "UREV1"),
        ("export <!channel>..2026-01-01", "UREV1"),
        ("export 2026-01-01..<@U0EVIL>", "UREV1"),
        ("export 2026-13-45..x", "UREV1"),
        ("export", "UREV1"),
        (f"setup {EVIL}", tips.ADMIN),
        (f"help {EVIL}", tips.OUTSIDER),
    ):
        await tips_command(text, user)
    await tips_command(f"setup digest {EVIL}", tips.ADMIN, tips.DIGEST)
    await tips_command(f"setup digest fredag {EVIL}", tips.ADMIN, tips.DIGEST)
    page = json.dumps({"k": "search", "q": EVIL, "o": 0})
    await app.sender.block_action(
        tips.OUTSIDER,
        TipAction.LIST_PAGE,
        value=page,
        message={"ts": "1.1", **(await app.answer(search))},
    )
    await app.sender.block_action(
        tips.OUTSIDER, TipAction.LIST_PAGE, value=page, is_ephemeral=True, channel_id="CGENERAL"
    )

    # The weekly digest names the authors.
    clock.set(FRIDAY_AFTER_TEN)
    await digest_job.run(app.deps)
    await app.settle()
    digest = tips.text_of(fake.messages(tips.DIGEST)[-1]["blocks"])
    assert "Aino &lt;!channel&gt;" in digest and "Ny &lt;!channel&gt;" in digest

    found = leaks(app, acks)
    assert not found, where_leaked(found)
    assert refused_by_slack(app) == []
