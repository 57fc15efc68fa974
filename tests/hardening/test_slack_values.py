"""Findings 7 and 8 of issue 14.

7: a form whose `private_metadata` (or a button whose value) is deeply nested JSON raised
RecursionError: the tip form closed and the text was lost, a paging button failed with the
generic error. Every JSON read of a Slack-supplied value now goes through
`bot.platform.slack_values.decode_object` (bounded size and depth, a typed `Unreadable`); the tip
form stays open with the text in it and says what happened.

8: a slash command without `response_url` raised in the reply path; it is now answered
ephemerally where it was typed (chat.postEphemeral), else by DM.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest

from bot.home.ids import HomeAction, HomeView
from bot.platform.i18n import translator
from bot.platform.slack_values import MAX_JSON_DEPTH, Unreadable, decode_object
from bot.tips.ids import TipAction, TipBlock
from bot.tips.views import FORM_UNREADABLE
from handlers.router import GENERIC_ERROR
from tests import coffee_support as coffee
from tests import tips_support as tips
from tests.conftest import FakeClock, RunningApp
from tests.fakes.slack_requests import form_body, slash_command_form
from tests.security_support import coffee_and_tips_world, errors_logged
from tests.tips_support import text_of

DEEP = ["[" * n + "]" * n for n in (50, 500, 1000, 1400)] + [
    '{"s":' * 600 + "1" + "}" * 600,
    '{"o":' * 999 + "0" + "}" * 999,
]


@pytest.fixture
async def world(running_app: RunningApp, clock: FakeClock) -> dict[str, Any]:
    return await coffee_and_tips_world(running_app, clock)


def test_decode_object_never_raises_and_says_why() -> None:
    assert decode_object(None) == {} and decode_object("") == {}
    assert decode_object('{"o": 3, "u": "U1"}') == {"o": 3, "u": "U1"}
    assert decode_object('{"a": "[[[[[[[[[[[[["}') == {"a": "[[[[[[[[[[[[["}  # text, not nesting
    for bad, reason in [
        ("[" * 100_000, "too long"),
        ("[" * 2000 + "]" * 2000, "too long"),
        ("[" * 1000 + "]" * 1000, "nested too deep"),
        ('{"a":' * (MAX_JSON_DEPTH + 1) + "1" + "}" * (MAX_JSON_DEPTH + 1), "nested too deep"),
        ("{", "not JSON"),
        ("[1]", "not an object"),
        ("9" * 2999, "not an object"),
        (5, "not text"),
    ]:
        assert decode_object(bad) == Unreadable(reason), bad


async def test_a_tip_form_with_deep_metadata_stays_open_and_says_so(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    before = len(await tips.tips_in_db(app.deps))
    for user, locale in ((tips.AUTHOR, "fi"), ("U02BO", "sv")):
        view = await tips.open_form(app, user_id=user)
        for metadata in DEEP:
            forged = {**view, "private_metadata": metadata}
            resp = await app.sender.view_submission(user, forged, tips.tip_values())
            await app.settle()
            assert resp.status == 200
            # The modal stays open (the text is still in it) and says what happened.
            assert resp.json is not None, "the form was closed and the tip text lost"
            assert resp.json["response_action"] == "errors"
            shown = resp.json["errors"][TipBlock.DESCRIPTION]
            assert shown == translator(locale)(FORM_UNREADABLE)
    assert len(await tips.tips_in_db(app.deps)) == before
    assert errors_logged(caplog) == []


async def test_deep_button_values_and_metadata_get_a_normal_answer(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    user = "U02BO"
    generic = translator("sv")(GENERIC_ERROR)
    for deep in DEEP:
        since = len(app.fake.responses)
        calls = len(app.fake.calls)
        home = {"type": "home", "id": "VHOME", "private_metadata": deep, "blocks": []}
        review = {"type": "modal", "id": "VREV", "callback_id": HomeView.REVIEW, "blocks": []}
        review["private_metadata"] = deep
        sent = [
            await app.sender.block_action(
                user, TipAction.LIST_PAGE, deep, channel_id=coffee.CHANNEL
            ),
            await app.sender.block_action(user, HomeAction.PAGE, deep, view=home),
            await app.sender.block_action(user, HomeAction.PAGE, '{"k":"mine","o":1}', view=home),
            await app.sender.block_action(coffee.ADMIN, HomeAction.REVIEW_PAGE, "8", view=review),
        ]
        await app.settle()
        assert [r.status for r in sent] == [200] * len(sent)
        answered = "\n".join(text_of(r["body"]) for r in app.fake.responses[since:])
        answered += "\n".join(text_of(c.args) for c in app.fake.calls[calls:])
        assert generic not in answered
    assert errors_logged(caplog) == []


async def test_a_command_without_response_url_is_answered_where_it_was_typed(
    running_app: RunningApp, world: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    app = running_app
    for command, text, user in [
        ("/fika", "help", "U02BO"),
        ("/fika", "stats 2026-01-01..9999-12-31", coffee.ADMIN),  # a refusal
        ("/tips", "search läsecirkel", "U02BO"),
        ("/fika", "blah", "U01AINO"),
    ]:
        fields = slash_command_form(
            command, text, user_id=user, channel_id=coffee.CHANNEL, team_id="T0FIKA"
        )
        del fields["response_url"]
        calls = len(app.fake.calls_to("chat.postEphemeral"))
        resp = await app.sender.raw(form_body(fields))
        await app.settle()
        assert resp.status == 200
        answers = app.fake.calls_to("chat.postEphemeral")[calls:]
        assert len(answers) == 1, (command, text, [c.failed_with for c in app.fake.calls[-3:]])
        assert answers[0].args["user"] == user and answers[0].args["channel"] == coffee.CHANNEL
        locale = "fi" if user == "U01AINO" else "sv"
        assert translator(locale)(GENERIC_ERROR) not in text_of(answers[0].args)
    assert errors_logged(caplog) == []
