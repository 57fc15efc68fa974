"""Tips end to end: signed requests over HTTP → the real app → the fake Slack Web API."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.people.models import Library, Member
from bot.tips.ids import Shortcut, TipAction, TipBlock, TipView
from bot.tips.models import TipEvent, TipStatus
from jobs import digest as digest_job
from jobs import tip_cards
from tests.conftest import TEAM_ID, FakeClock, RunningApp
from tests.fakes.slack_requests import interactive_body
from tests.tips_support import (
    ADMIN,
    AUTHOR,
    DIGEST,
    GENERAL,
    INJECTIONS,
    OUTSIDER,
    REVIEW,
    REVIEWERS,
    add_tip,
    card_of,
    open_form,
    setup_digest,
    setup_review,
    submit,
    text_of,
    tips_in_db,
    unescaped_leaks,
    workspace,
)

FRIDAY_AFTER_TEN = datetime(2026, 12, 4, 8, 5, tzinfo=UTC)  # Friday 10:05 in Helsinki


def _input(view: dict, block_id: str) -> dict:
    return next(b for b in view["blocks"] if b.get("block_id") == block_id)


async def _events(app: RunningApp, tip_id: int) -> list[TipEvent]:
    async with app.deps.db() as session:
        return list(
            await session.scalars(
                select(TipEvent).where(TipEvent.tip_id == tip_id).order_by(TipEvent.id)
            )
        )


# ---------------------------------------------------------------------------- sharing


async def test_submit_by_command(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    view = await open_form(app, text="Vi ordnar sagostunder på arabiska. Barnen älskar dem!")
    assert view["callback_id"] == TipView.SUBMIT
    title_input = _input(view, TipBlock.TITLE)["element"]
    description_input = _input(view, TipBlock.DESCRIPTION)["element"]
    assert title_input["initial_value"] == "Vi ordnar sagostunder på arabiska."
    assert description_input["initial_value"].endswith("Barnen älskar dem!")
    assert title_input["max_length"] == 150 and description_input["max_length"] == 3000
    # The form speaks the person's language (fi-FI) and offers the 7 categories.
    category = _input(view, TipBlock.CATEGORY)
    assert len(category["element"]["options"]) == 7
    assert _input(view, TipBlock.LANGUAGE)["element"]["initial_option"]["value"] == "fi"

    resp = await submit(app, view, title="Sagostunder på arabiska", language="sv")
    assert resp.status == 200 and not resp.text
    [tip] = await tips_in_db(app.deps)
    assert (tip.status, tip.author_id, tip.source_kind) == ("pending", AUTHOR, "command")
    assert tip.library_name == "Åbo stadsbibliotek" and tip.category == "participation"
    assert [e.action for e in await _events(app, tip.id)] == ["submitted"]
    # A thank-you in the author's language (Finnish) …
    thanks = app.fake.dm_messages(AUTHOR)[-1]["text"]
    assert "Sagostunder på arabiska" in thanks and "Kiitos" in thanks
    # … and a card with Approve / Reject / Edit in the review channel.
    card = card_of(app, tip.id)
    actions = [e.get("action_id") for b in card["blocks"] for e in b.get("elements") or []]
    assert {TipAction.APPROVE, TipAction.REJECT, TipAction.EDIT} <= set(actions)
    assert "Sagostunder på arabiska" in text_of(card["blocks"])
    async with app.deps.db() as session:
        stored = await session.get(type(tip), tip.id)
    assert stored is not None and stored.review_channel == REVIEW and stored.review_ts


async def test_plain_tips_and_new_open_the_empty_form(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    for text in ("", "new", "ny", "uusi"):
        view = await open_form(app, text=text)
        assert "initial_value" not in _input(view, TipBlock.TITLE)["element"]


async def test_the_form_defaults_to_the_persons_library(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    async with app.deps.db.begin() as session:
        lib = Library(team_id=TEAM_ID, name_sv="Vasa stadsbibliotek", name_fi="Vaasan kirjasto")
        session.add(lib)
        await session.flush()
        session.add(Library(team_id=TEAM_ID, name_sv="Jakobstads bibliotek"))
        session.add(Member(team_id=TEAM_ID, user_id=AUTHOR, library_id=lib.id))
        lib_id = lib.id
    view = await open_form(app)
    select_el = _input(view, TipBlock.LIBRARY)["element"]
    assert select_el["initial_option"]["value"] == str(lib_id)
    assert select_el["initial_option"]["text"]["text"] == "Vaasan kirjasto"  # Finnish reader
    assert select_el["options"][-1]["value"] == "other"
    await submit(app, view, library=str(lib_id), library_other=None)
    [tip] = await tips_in_db(app.deps)
    assert tip.library_id == lib_id and tip.library_name == "Vasa stadsbibliotek"


async def test_a_long_library_list_is_searched_as_you_type(running_app: RunningApp) -> None:
    """More libraries than one menu holds: every one can still be picked, by typing."""
    app = running_app
    workspace(app)
    async with app.deps.db.begin() as session:
        for i in range(150):
            session.add(Library(team_id=TEAM_ID, name_sv=f"Bibliotek {i:03d}", municipality="Vasa"))
        last = Library(team_id=TEAM_ID, name_sv="Öja bibliotek", municipality="Karleby")
        session.add(last)
        await session.flush()
        session.add(Member(team_id=TEAM_ID, user_id=AUTHOR, library_id=last.id))
        last_id = last.id
    view = await open_form(app)
    select_el = _input(view, TipBlock.LIBRARY)["element"]
    assert select_el["type"] == "external_select"
    assert select_el["initial_option"]["value"] == str(last_id)  # the person's own, preselected

    async def suggestions(query: str) -> list[str]:
        payload = {
            "type": "block_suggestion",
            "user": {"id": AUTHOR, "username": "author", "name": "author", "team_id": TEAM_ID},
            "team": {"id": TEAM_ID, "domain": "fika-test"},
            "api_app_id": "AFIKA",
            "token": "fika-verification-token",
            "container": {"type": "view", "view_id": view["id"]},
            "action_id": TipBlock.VALUE,
            "block_id": TipBlock.LIBRARY,
            "value": query,
            "view": view,
        }
        resp = await app.sender.raw(interactive_body(payload))
        assert resp.status == 200 and resp.json is not None
        return [o["value"] for o in resp.json["options"]]

    assert await suggestions("öja") == [str(last_id), "other"]
    assert len(await suggestions("bibliotek")) == 100  # 99 matches and "Other"
    await submit(app, view, library=str(last_id), library_other=None)
    [tip] = await tips_in_db(app.deps)
    assert tip.library_id == last_id and tip.library_name == "Öja bibliotek"


async def test_invalid_fields_are_answered_in_the_modal(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    view = await open_form(app)
    resp = await submit(
        app,
        view,
        title="  ",
        description="x" * 3001,
        category=None,
        library_other="",
        link="javascript:alert(1)",
        language="de",
    )
    assert resp.json is not None and resp.json["response_action"] == "errors"
    errors = resp.json["errors"]
    assert set(errors) == {
        TipBlock.TITLE,
        TipBlock.DESCRIPTION,
        TipBlock.CATEGORY,
        TipBlock.LIBRARY_OTHER,
        TipBlock.LINK,
        TipBlock.LANGUAGE,
    }
    # In the person's language (fi-FI), with the limit in the message.
    assert "3000" in errors[TipBlock.DESCRIPTION] or "3 000" in errors[TipBlock.DESCRIPTION]
    assert "http" in errors[TipBlock.LINK] and "Please" not in errors[TipBlock.TITLE]
    assert await tips_in_db(app.deps) == []
    assert app.fake.messages(REVIEW) == []
    # A library id from another workspace is refused as well.
    async with app.deps.db.begin() as session:
        other = Library(team_id="TOTHER", name_sv="Främmande bibliotek")
        session.add(other)
        await session.flush()
        other_id = other.id
    resp = await submit(app, view, library=str(other_id), library_other=None)
    assert resp.json is not None and resp.json["response_action"] == "errors"
    assert await tips_in_db(app.deps) == []


async def test_submit_by_message_shortcut(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    msg = app.fake.add_message(
        GENERAL,
        "Tack <@UREV1>! Vi testade <https://example.org/pyssel|pysselkvällar> &amp; det gick bra.",
        user=OUTSIDER,
    )
    resp = await app.sender.message_shortcut(AUTHOR, Shortcut.SHARE_AS_TIP, msg, GENERAL)
    assert resp.status == 200
    await app.settle()
    view = app.fake.views[-1]
    description = _input(view, TipBlock.DESCRIPTION)["element"]["initial_value"]
    assert description == (
        "Tack @rea! Vi testade pysselkvällar (https://example.org/pyssel) & det gick bra."
    )
    permalink = _input(view, TipBlock.LINK)["element"]["initial_value"]
    assert permalink.startswith("https://fika-test.slack.com/archives/CGENERAL/p")
    assert len(view["private_metadata"]) <= 3000
    await submit(app, view, title="Pysselkvällar", description=description, link=permalink)
    [tip] = await tips_in_db(app.deps)
    assert tip.source_kind == "shortcut" and tip.source_ref == permalink
    assert tip.link == permalink
    assert "Slack" in text_of(card_of(app, tip.id)["blocks"])


async def test_shortcut_on_a_long_message_is_cut_to_the_limits(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    msg = app.fake.add_message(GENERAL, "Ord " * 2000, user=OUTSIDER)
    app.fake.fail_next("chat.getPermalink", error="channel_not_found")
    await app.sender.message_shortcut(AUTHOR, Shortcut.SHARE_AS_TIP, msg, GENERAL)
    await app.settle()
    view = app.fake.views[-1]
    assert len(_input(view, TipBlock.DESCRIPTION)["element"]["initial_value"]) <= 3000
    assert len(_input(view, TipBlock.TITLE)["element"]["initial_value"]) <= 150


# ---------------------------------------------------------------------------- review


async def test_approve_notify_search_and_digest_once(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    await setup_digest(app)
    assert "varje fredag" in app.fake.messages(DIGEST)[-1]["text"]  # the workspace speaks sv
    view = await open_form(app)
    await submit(
        app,
        view,
        title="Bibliotekets språkcafé",
        description="Varje onsdag träffas man och pratar svenska och finska.",
        category="diversity",
        link="https://example.org/sprakcafe",
    )
    [tip] = await tips_in_db(app.deps)
    card = card_of(app, tip.id)

    resp = await app.sender.block_action("UREV1", TipAction.APPROVE, message=card)
    assert resp.status == 200
    await app.settle()
    [tip] = await tips_in_db(app.deps)
    assert tip.status == "approved" and tip.decided_by == "UREV1"
    assert [e.action for e in await _events(app, tip.id)] == ["submitted", "approved"]
    # The card shows the decision, who and when (the workspace's language: sv), no buttons.
    card = card_of(app, tip.id)
    shown = text_of(card["blocks"])
    assert "Godkänt av <@UREV1>" in shown and "2026" in shown
    actions = [e.get("action_id") for b in card["blocks"] for e in b.get("elements") or []]
    assert TipAction.APPROVE not in actions and TipAction.EDIT in actions
    # The author hears it in Finnish.
    notice = app.fake.dm_messages(AUTHOR)[-1]["text"]
    assert "Bibliotekets språkcafé" in notice and "hyväksyttiin" in notice

    # Search finds it by a prefix, for anyone.
    resp = await app.sender.command("/tips", "search bibliotek", user_id=OUTSIDER)
    answer = await app.answer(resp)
    assert answer is not None and "Bibliotekets språkcafé" in text_of(answer)
    resp = await app.sender.command("/tips", "sök språkcaf", user_id=OUTSIDER)
    answer = await app.answer(resp)
    assert answer is not None and "Bibliotekets språkcafé" in text_of(answer)
    resp = await app.sender.command("/tips", "latest", user_id=OUTSIDER)
    answer = await app.answer(resp)
    assert answer is not None and "Bibliotekets språkcafé" in text_of(answer)
    resp = await app.sender.command("/tips", "mine", user_id=AUTHOR)
    answer = await app.answer(resp)
    assert answer is not None and "Bibliotekets språkcafé" in text_of(answer)

    # The digest: nothing before Friday 10:00; then one post; never again.
    before = len(app.fake.messages(DIGEST))
    await digest_job.run(app.deps)
    assert len(app.fake.messages(DIGEST)) == before
    clock.set(FRIDAY_AFTER_TEN)
    await digest_job.run(app.deps)
    posts = app.fake.messages(DIGEST)[before:]
    assert len(posts) == 1
    digest_text = text_of(posts[0]["blocks"])
    assert "Bibliotekets språkcafé" in digest_text and "Mångfald och interaktion" in digest_text
    assert "<@" not in digest_text  # authors are named, not pinged
    await digest_job.run(app.deps)
    clock.advance(timedelta(days=7))
    await digest_job.run(app.deps)
    assert len(app.fake.messages(DIGEST)) == before + 1


async def test_non_reviewers_change_nothing(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    view = await open_form(app)
    await submit(app, view)
    [tip] = await tips_in_db(app.deps)
    card = card_of(app, tip.id)
    calls_before = len(app.fake.calls_to("chat.update"))

    # A forged click (the outsider is not in the review channel) on every button …
    for action in (TipAction.APPROVE, TipAction.REJECT, TipAction.EDIT):
        resp = await app.sender.block_action(
            OUTSIDER, action, value=str(tip.id), message=card, channel_id=REVIEW
        )
        assert resp.status == 200
        await app.settle()
    # … and forged submissions of the reviewers' modals.
    reason = {TipBlock.REASON: {TipBlock.VALUE: {"type": "plain_text_input", "value": "nej"}}}
    resp = await app.sender.view_submission(
        OUTSIDER,
        {"callback_id": TipView.REJECT, "private_metadata": f'{{"id":{tip.id}}}'},
        {str(k): v for k, v in reason.items()},
    )
    assert resp.json is not None and resp.json["response_action"] == "errors"
    edit_values = {
        TipBlock.TITLE: {TipBlock.VALUE: {"type": "plain_text_input", "value": "Hacked"}},
        TipBlock.DESCRIPTION: {TipBlock.VALUE: {"type": "plain_text_input", "value": "x"}},
        TipBlock.CATEGORY: {
            TipBlock.VALUE: {"type": "static_select", "selected_option": {"value": "other"}}
        },
    }
    resp = await app.sender.view_submission(
        OUTSIDER,
        {"callback_id": TipView.EDIT, "private_metadata": f'{{"id":{tip.id}}}'},
        {str(k): v for k, v in edit_values.items()},
    )
    assert resp.json is not None and resp.json["response_action"] == "errors"
    await app.settle()

    [after] = await tips_in_db(app.deps)
    assert after.status == "pending" and after.title == tip.title and after.decided_by is None
    assert [e.action for e in await _events(app, tip.id)] == ["submitted"]
    assert len(app.fake.calls_to("chat.update")) == calls_before
    assert len(app.fake.views) == 1  # no reason/edit modal opened for the outsider
    refusals = [r["body"]["text"] for r in app.fake.responses if isinstance(r["body"], dict)]
    assert sum("Ingenting ändrades" in r for r in refusals) == 3  # outsider reads Swedish
    # Also no notification for the author beyond the thank-you.
    assert len(app.fake.dm_messages(AUTHOR)) == 1


async def test_a_double_click_decides_once(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    view = await open_form(app)
    await submit(app, view)
    [tip] = await tips_in_db(app.deps)
    card = card_of(app, tip.id)
    await asyncio.gather(
        *(app.sender.block_action(r, TipAction.APPROVE, message=card) for r in (*REVIEWERS, ADMIN))
    )
    await app.settle()
    assert [e.action for e in await _events(app, tip.id)] == ["submitted", "approved"]
    notices = [m for m in app.fake.dm_messages(AUTHOR) if "hyväksyttiin" in m["text"]]
    assert len(notices) == 1


async def test_reject_sends_the_reason(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    view = await open_form(app)
    await submit(app, view, title="Gratis kaffe")
    [tip] = await tips_in_db(app.deps)
    await app.sender.block_action("UREV2", TipAction.REJECT, message=card_of(app, tip.id))
    await app.settle()
    reason_view = app.fake.views[-1]
    assert reason_view["callback_id"] == TipView.REJECT
    # An empty reason is refused in the modal.
    empty = {TipBlock.REASON: {TipBlock.VALUE: {"type": "plain_text_input", "value": " "}}}
    resp = await app.sender.view_submission(
        "UREV2", reason_view, {str(k): v for k, v in empty.items()}
    )
    assert resp.json is not None and TipBlock.REASON in resp.json["errors"]
    reason = {
        TipBlock.REASON: {
            TipBlock.VALUE: {
                "type": "plain_text_input",
                "value": "Det finns redan ett liknande tips.",
            }
        }
    }
    resp = await app.sender.view_submission(
        "UREV2", reason_view, {str(k): v for k, v in reason.items()}
    )
    assert resp.status == 200 and not resp.text
    await app.settle()
    [tip] = await tips_in_db(app.deps)
    assert tip.status == "rejected" and tip.decision_note == "Det finns redan ett liknande tips."
    events = await _events(app, tip.id)
    assert [(e.action, e.actor_id, e.note) for e in events][-1] == (
        "rejected",
        "UREV2",
        "Det finns redan ett liknande tips.",
    )
    notice = app.fake.dm_messages(AUTHOR)[-1]["text"]
    assert "Gratis kaffe" in notice and "Det finns redan ett liknande tips." in notice
    assert "ei tällä kertaa" in notice  # Finnish
    shown = text_of(card_of(app, tip.id)["blocks"])
    assert "Inte godkänt av <@UREV2>" in shown and "liknande tips" in shown
    # The rejected tip is not searchable, and a second rejection changes nothing.
    resp = await app.sender.command("/tips", "search kaffe", user_id=OUTSIDER)
    answer = await app.answer(resp)
    assert answer is not None and "Gratis kaffe" not in text_of(answer)
    resp = await app.sender.view_submission(
        "UREV1", reason_view, {str(k): v for k, v in reason.items()}
    )
    assert resp.json is not None and resp.json["response_action"] == "update"
    await app.settle()
    assert len(await _events(app, tip.id)) == 2


async def test_edit_fixes_the_tip_and_its_card(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    view = await open_form(app)
    await submit(app, view, title="Läsecirkell", category="other")
    [tip] = await tips_in_db(app.deps)
    await app.sender.block_action("UREV1", TipAction.EDIT, message=card_of(app, tip.id))
    await app.settle()
    edit_view = app.fake.views[-1]
    assert edit_view["callback_id"] == TipView.EDIT
    assert _input(edit_view, TipBlock.TITLE)["element"]["initial_value"] == "Läsecirkell"
    values = {
        TipBlock.TITLE: {TipBlock.VALUE: {"type": "plain_text_input", "value": "Läsecirkel"}},
        TipBlock.DESCRIPTION: {
            TipBlock.VALUE: {"type": "plain_text_input", "value": tip.description}
        },
        TipBlock.CATEGORY: {
            TipBlock.VALUE: {"type": "static_select", "selected_option": {"value": "talent"}}
        },
    }
    resp = await app.sender.view_submission(
        "UREV1", edit_view, {str(k): v for k, v in values.items()}
    )
    assert resp.status == 200 and not resp.text
    await app.settle()
    [tip] = await tips_in_db(app.deps)
    assert (tip.title, tip.category, tip.status) == ("Läsecirkel", "talent", "pending")
    assert (await _events(app, tip.id))[-1].action == "edited"
    shown = text_of(card_of(app, tip.id)["blocks"])
    assert "*Läsecirkel*" in shown and "En talang att rekommendera" in shown


async def test_review_list_is_paged_within_slack_limits(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    base = app.deps.now()
    for i in range(23):
        await add_tip(
            app.deps,
            title=f"Väntande tips {i:02d}",
            status=TipStatus.PENDING,
            created_at=base + timedelta(minutes=i),
        )
    resp = await app.sender.command("/tips", "review", user_id="UREV1", channel_id=REVIEW)
    answer = await app.answer(resp)
    assert answer is not None
    blocks = answer["blocks"]
    assert len(blocks) <= 50
    shown = text_of(blocks)
    assert "Väntande tips 00" in shown and "Väntande tips 09" in shown
    assert "Väntande tips 10" not in shown
    nav = blocks[-1]
    next_button = next(e for e in nav["elements"] if e["action_id"] == TipAction.REVIEW_PAGE)
    page_msg = {"ts": "1.1", "blocks": blocks}
    await app.sender.block_action(
        "UREV1",
        TipAction.REVIEW_PAGE,
        value=next_button["value"],
        message=page_msg,
        is_ephemeral=True,
        channel_id=REVIEW,
    )
    await app.settle()
    page_two = app.fake.responses[-1]["body"]
    assert page_two["replace_original"] is True and len(page_two["blocks"]) <= 50
    assert "Väntande tips 10" in text_of(page_two["blocks"])
    # Approving from the list refreshes the list in place.
    approve = next(
        e
        for b in page_two["blocks"]
        for e in b.get("elements") or []
        if e.get("action_id") == TipAction.APPROVE
    )
    await app.sender.block_action(
        "UREV1",
        TipAction.APPROVE,
        value=approve["value"],
        message={"ts": "1.2", "blocks": page_two["blocks"]},
        is_ephemeral=True,
        channel_id=REVIEW,
    )
    await app.settle()
    refreshed = app.fake.responses[-1]["body"]
    assert "Väntande tips 10" not in text_of(refreshed["blocks"])
    # Non-reviewers get a refusal, not the list.
    resp = await app.sender.command("/tips", "review", user_id=OUTSIDER)
    await app.settle()
    assert "Väntande" not in text_of(await app.answer(resp) or {})
    assert "Ingenting ändrades" in app.fake.responses[-1]["body"]["text"]


async def test_cards_come_later_when_slack_fails_or_no_channel_is_set(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    workspace(app)
    view = await open_form(app)
    await submit(app, view, title="Utan kanal")  # no review channel yet
    app.fake.fail_next("chat.postMessage", error="internal_error", status=500, times=20)
    await setup_review(app)  # posts missing cards: Slack fails
    [tip] = await tips_in_db(app.deps)
    assert tip.review_ts is None
    app.fake.fail_next("chat.postMessage", error="internal_error", status=500, times=0)
    app.fake._failures.clear()
    await tip_cards.run(app.deps)  # too soon: the failed attempt is fresh
    assert [m for m in app.fake.messages(REVIEW) if "Utan kanal" in text_of(m)] == []
    clock.advance(timedelta(minutes=3))
    await tip_cards.run(app.deps)
    await tip_cards.run(app.deps)
    assert len([m for m in app.fake.messages(REVIEW) if "Utan kanal" in text_of(m)]) == 1


# ---------------------------------------------------------------------------- setup


async def test_setup_is_for_admins_and_needs_a_usable_channel(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    resp = await app.sender.command("/tips", "setup review", user_id=OUTSIDER, channel_id=REVIEW)
    await app.settle()
    shown = text_of(await app.answer(resp)) + text_of([r["body"] for r in app.fake.responses])
    assert "admin" in shown.lower()
    async with app.deps.db() as session:
        from bot.tips.store import get_settings

        assert await get_settings(session, TEAM_ID) is None
    # A private channel the bot is not in: ask to be invited.
    app.fake.add_channel("CSECRET", "secret", is_private=True, members=[ADMIN])
    await app.sender.command("/tips", "setup review", user_id=ADMIN, channel_id="CSECRET")
    await app.settle()
    assert "/invite" in app.fake.responses[-1]["body"]["text"]
    # A public channel: the bot joins by itself.
    await setup_review(app)
    assert app.fake.bot_user_id in app.fake.channel(REVIEW).members
    assert "granskning" in app.fake.messages(REVIEW)[-1]["text"]
    # Digest with a day and time in Finnish.
    await app.sender.command(
        "/tips", "asetukset kooste torstai klo 9", user_id=ADMIN, channel_id=DIGEST
    )
    await app.settle()
    async with app.deps.db() as session:
        settings = await get_settings(session, TEAM_ID)
    assert settings is not None and settings.review_channel == REVIEW
    assert (settings.digest_channel, settings.digest_weekday, settings.digest_hour) == (
        DIGEST,
        3,
        9,
    )
    resp = await app.sender.command("/tips", "setup", user_id=ADMIN)
    shown = text_of(await app.answer(resp))
    assert f"<#{REVIEW}>" in shown and f"<#{DIGEST}>" in shown and "Thursday" in shown
    await app.sender.command("/tips", "setup digest off", user_id=ADMIN, channel_id=DIGEST)
    await app.settle()
    async with app.deps.db() as session:
        settings = await get_settings(session, TEAM_ID)
    assert settings is not None and settings.digest_channel is None


# ---------------------------------------------------------------------------- export


async def test_export_uploads_a_csv_matching_the_database(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    await setup_review(app)
    await add_tip(app.deps, title="Godkänt", category="talent", link="https://example.org")
    await add_tip(app.deps, title="=Avvisat", status=TipStatus.REJECTED, note="Dubblett, tyvärr")
    await add_tip(app.deps, title="Väntar", status=TipStatus.PENDING, library='Åbo, "huvud"')
    await add_tip(app.deps, title="Förra året", created_at=datetime(2025, 6, 1, 10, tzinfo=UTC))
    resp = await app.sender.command("/tips", "export 2026", user_id="UREV1")
    assert resp.status == 200
    await app.settle()
    [upload] = app.fake.uploaded_files
    dm = app.fake.open_dm("UREV1")
    assert upload.channels == [dm] and upload.filename == "fika-tips-2026.csv"
    assert upload.content is not None and upload.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(upload.content.decode("utf-8-sig")), delimiter=";"))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["ID", "Status", "Kategori", "Rubrik"]  # UREV1 reads Swedish
    in_2026 = [t for t in await tips_in_db(app.deps) if t.created_at.year == 2026]
    assert [int(r[0]) for r in body] == [t.id for t in in_2026]
    by_id = {t.id: t for t in in_2026}
    for row in body:
        tip = by_id[int(row[0])]
        assert row[3] == ("'" + tip.title if tip.title.startswith("=") else tip.title)
        assert row[4] == tip.description and row[5] == (tip.library_name or "")
        assert row[7] == tip.author_id and row[15] == (tip.decided_by or "")
        assert row[16] == (tip.decision_note or "")
    statuses = [r[1] for r in body]
    assert statuses == ["Godkänt", "Inte godkänt", "Väntar på granskning"]
    assert "2026-11-30 09:00" in body[0][12]
    # Opened the DM first, and told the reviewer where the file is.
    assert app.fake.calls_to("conversations.open")
    assert any("CSV" in (r["body"].get("text") or "") for r in app.fake.responses)
    # Non-reviewers get no file.
    await app.sender.command("/tips", "export", user_id=OUTSIDER)
    await app.settle()
    assert len(app.fake.uploaded_files) == 1


# ---------------------------------------------------------------------------- escaping


async def test_injection_strings_never_reach_slack_unescaped(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    workspace(app)
    app.fake.add_user(AUTHOR, name="aino", display_name="<!here> Aino", locale="fi-FI")
    await setup_review(app)
    await setup_digest(app)
    evil = " ".join(INJECTIONS)
    acks = []

    view = await open_form(app, text=f"{evil} first sentence. More {evil}")
    await submit(
        app,
        view,
        title=f"Tips {INJECTIONS[0]} {INJECTIONS[4]}",
        description=f"Text {evil}",
        library_other=f"Bibliotek {INJECTIONS[3]}",
        category="other",
    )
    msg = app.fake.add_message(GENERAL, f"Shortcut {evil}", user=OUTSIDER)
    await app.sender.message_shortcut(AUTHOR, Shortcut.SHARE_AS_TIP, msg, GENERAL)
    await app.settle()
    await submit(app, app.fake.views[-1], title=f"Second {INJECTIONS[2]}", description=f"D {evil}")
    first, second = await tips_in_db(app.deps)

    await app.sender.block_action("UREV1", TipAction.APPROVE, message=card_of(app, first.id))
    await app.sender.block_action("UREV1", TipAction.REJECT, message=card_of(app, second.id))
    await app.settle()
    reason = {TipBlock.REASON: {TipBlock.VALUE: {"type": "plain_text_input", "value": evil}}}
    await app.sender.view_submission(
        "UREV1", app.fake.views[-1], {str(k): v for k, v in reason.items()}
    )
    await app.settle()
    for text, user in (
        (f"search {evil}", OUTSIDER),
        ("search tips", OUTSIDER),
        ("latest", OUTSIDER),
        ("mine", AUTHOR),
        ("review", "UREV1"),
        (evil, OUTSIDER),
    ):
        resp = await app.sender.command("/tips", text, user_id=user)
        await app.settle()
        acks.append(await app.answer(resp))
    await app.sender.command("/tips", "export", user_id="UREV1")
    clock.set(FRIDAY_AFTER_TEN)
    await digest_job.run(app.deps)
    await app.settle()

    assert "Tips" in text_of(app.fake.messages(DIGEST)[-1]["blocks"])
    assert "&lt;!channel&gt;" in text_of(card_of(app, first.id)["blocks"])
    assert any("&lt;!here&gt;" in text_of(a) for a in acks if a)
    assert unescaped_leaks(app, acks) == []


# ---------------------------------------------------------------------------- robustness


async def test_a_missed_digest_runs_when_the_bot_comes_back(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    workspace(app)
    await setup_digest(app)
    await add_tip(app.deps, title="Medan boten sov", decided_at=app.deps.now())
    # Down from Thursday to the next Monday: Friday's digest runs on Monday, once.
    clock.set(datetime(2026, 12, 7, 6, 0, tzinfo=UTC))
    before = len(app.fake.messages(DIGEST))
    await digest_job.run(app.deps)
    await digest_job.run(app.deps)
    posts = app.fake.messages(DIGEST)[before:]
    assert len(posts) == 1 and "Medan boten sov" in text_of(posts[0]["blocks"])


async def test_a_digest_claimed_but_not_posted_is_posted_later(
    running_app: RunningApp, clock: FakeClock
) -> None:
    from bot.tips import digest as tip_digest

    app = running_app
    workspace(app)
    await setup_digest(app)
    await add_tip(app.deps, title="Avbruten", decided_at=app.deps.now())
    clock.set(FRIDAY_AFTER_TEN)
    # A process claims the digest and stops before posting.
    async with app.deps.db() as session:
        [due] = await tip_digest.due_digests(session, clock(), app.deps.settings.tz)
    async with app.deps.db.begin() as session:
        assert await tip_digest.claim_digest(session, due, clock()) is not None
    before = len(app.fake.messages(DIGEST))
    await digest_job.run(app.deps)
    assert len(app.fake.messages(DIGEST)) == before  # maybe still being posted
    clock.advance(timedelta(minutes=11))
    await digest_job.run(app.deps)
    await digest_job.run(app.deps)
    assert len(app.fake.messages(DIGEST)) == before + 1


async def test_a_failed_notice_to_the_author_is_retried_not_lost(
    running_app: RunningApp, clock: FakeClock
) -> None:
    from bot.platform.db.models import PendingCall
    from jobs import retry_calls

    app = running_app
    workspace(app)
    await setup_review(app)
    view = await open_form(app)
    await submit(app, view, title="Påminnelse")
    [tip] = await tips_in_db(app.deps)
    app.fake.fail_next("chat.postMessage", error="internal_error", status=500, times=3)
    await app.sender.block_action("UREV1", TipAction.APPROVE, message=card_of(app, tip.id))
    await app.settle()
    async with app.deps.db() as session:
        pending = list(await session.scalars(select(PendingCall)))
    assert [p.method for p in pending] == ["chat.postMessage"]
    assert pending[0].args["channel"] == AUTHOR
    clock.advance(timedelta(minutes=5))
    assert await retry_calls.run(app.deps) == 1
    assert "hyväksyttiin" in app.fake.dm_messages(AUTHOR)[-1]["text"]


def test_the_digest_and_card_jobs_are_scheduled(running_app: RunningApp) -> None:
    from jobs import make_scheduler, register_jobs

    scheduler = make_scheduler(running_app.deps)
    register_jobs(scheduler, running_app.deps)
    ids = {job.id for job in scheduler.get_jobs()}
    assert {"tips_digest", "tip_cards"} <= ids


async def test_latest_and_mine_page_with_buttons(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    base = app.deps.now()
    for i in range(10):
        await add_tip(app.deps, title=f"Godkänt {i}", decided_at=base + timedelta(minutes=i))
    await add_tip(app.deps, title="Mitt väntande", status=TipStatus.PENDING)
    resp = await app.sender.command("/tips", "senaste", user_id=OUTSIDER)
    answer = await app.answer(resp)
    assert answer is not None
    shown = text_of(answer["blocks"])
    assert "Godkänt 9" in shown and "Godkänt 2" in shown and "Godkänt 1" not in shown
    assert "Mitt väntande" not in shown
    nav = answer["blocks"][-1]
    [next_button] = [e for e in nav["elements"] if e["action_id"] == TipAction.LIST_PAGE]
    await app.sender.block_action(
        OUTSIDER,
        TipAction.LIST_PAGE,
        value=next_button["value"],
        message={"ts": "1.1", "blocks": answer["blocks"]},
        is_ephemeral=True,
        channel_id=GENERAL,
    )
    await app.settle()
    page = app.fake.responses[-1]["body"]
    assert page["replace_original"] is True
    assert "Godkänt 1" in text_of(page["blocks"]) and "Godkänt 9" not in text_of(page["blocks"])
    # /tips mine shows every status, only the caller's own tips.
    resp = await app.sender.command("/tips", "omat", user_id=AUTHOR)
    answer = await app.answer(resp)
    assert answer is not None and "Mitt väntande" in text_of(answer)
    assert "Odottaa tarkastusta" in text_of(answer)
    resp = await app.sender.command("/tips", "mine", user_id=OUTSIDER)
    answer = await app.answer(resp)
    assert answer is not None and "Mitt väntande" not in text_of(answer)


async def test_a_share_button_elsewhere_opens_the_form(running_app: RunningApp) -> None:
    app = running_app
    workspace(app)
    home = {"type": "home", "blocks": [], "callback_id": ""}
    resp = await app.sender.block_action(AUTHOR, TipAction.SHARE, value="home", view=home)
    assert resp.status == 200
    await app.settle()
    view = app.fake.views[-1]
    assert view["callback_id"] == TipView.SUBMIT and '"s":"home"' in view["private_metadata"]
    await submit(app, view)
    [tip] = await tips_in_db(app.deps)
    assert tip.source_kind == "home"


async def test_reviewers_are_read_page_by_page_and_cached_briefly(
    running_app: RunningApp, clock: FakeClock
) -> None:
    from bot.tips.reviewers import is_reviewer

    app = running_app
    workspace(app)
    many = [f"UMEMBER{i:03d}" for i in range(450)]
    app.fake.add_channel("CBIG", "big-review", members=many, bot_is_member=True)
    await app.sender.command("/tips", "setup review", user_id=ADMIN, channel_id="CBIG")
    await app.settle()
    app.fake.reset_calls()
    deps = app.deps
    assert await is_reviewer(deps, TEAM_ID, "UMEMBER449")
    assert not await is_reviewer(deps, TEAM_ID, OUTSIDER)
    assert await is_reviewer(deps, TEAM_ID, ADMIN)  # ADMIN_USER_IDS, in the channel or not
    assert len(app.fake.calls_to("conversations.members")) == 0  # cached since setup
    clock.advance(timedelta(seconds=61))
    assert await is_reviewer(deps, TEAM_ID, "UMEMBER000")
    assert len(app.fake.calls_to("conversations.members")) == 3  # 200 + 200 + 51
    # Someone removed from the channel loses the right once the cache expires.
    app.fake.channel("CBIG").members.remove("UMEMBER449")
    clock.advance(timedelta(seconds=61))
    assert not await is_reviewer(deps, TEAM_ID, "UMEMBER449")
