"""The router's plumbing: the routes table, and a button authorized from the permission table
before its listener runs (on every click), with the refusal in the clicker's language."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from slack_bolt.async_app import AsyncApp
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.coffee.ids import Coffee
from bot.people.permissions import PERMISSIONS, Role
from bot.platform.bolt_app import create_app
from bot.platform.deps import Deps
from bot.platform.i18n import translator
from handlers import register_all
from handlers.router import Route, Router
from tests.conftest import TEAM_ID
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_requests import block_actions_payload

ADMIN_ONLY = Coffee.LIBRARIES_ADD  # a button of the libraries list
MEMBER_BUTTON = Coffee.WELCOME_PROFILE


def _app(deps: Deps, ran: list[str]) -> AsyncApp:
    def register(app: AsyncApp, deps: Deps) -> None:
        async def listener(action: dict[str, Any]) -> None:
            ran.append(action["action_id"])

        Router(app, deps).add(
            [Route("action", ADMIN_ONLY, listener), Route("action", MEMBER_BUTTON, listener)]
        )

    # worker=True: no signature to forge here, and each listener runs to its end.
    return create_app(deps, register, worker=True)


def _click(user_id: str, action_id: str, response_url: str) -> AsyncBoltRequest:
    payload = block_actions_payload(
        response_url=response_url,
        user_id=user_id,
        team_id=TEAM_ID,
        trigger_id="1.2.3",
        actions=[{"action_id": action_id, "block_id": "b", "type": "button", "value": "1"}],
        channel_id="D0DM",
    )
    body = urlencode({"payload": json.dumps(payload)})
    return AsyncBoltRequest(
        body=body, headers={"content-type": ["application/x-www-form-urlencoded"]}
    )


async def test_a_member_never_reaches_an_admin_listener(deps: Deps, fake_slack: FakeSlack) -> None:
    assert PERMISSIONS[ADMIN_ONLY].role == Role.ADMIN
    assert PERMISSIONS[MEMBER_BUTTON].role == Role.MEMBER
    ran: list[str] = []
    app = _app(deps, ran)
    fake_slack.add_user("UMEMBER", locale="fi-FI")
    urls = {a: fake_slack.new_response_url() for a in (ADMIN_ONLY, MEMBER_BUTTON)}
    for action_id, url in urls.items():
        response = await app.async_dispatch(_click("UMEMBER", action_id, url))
        assert response.status == 200
    await deps.tasks.idle(timeout=10)
    assert ran == [MEMBER_BUTTON]
    [told] = fake_slack.responses_for(urls[ADMIN_ONLY])
    assert told["body"]["text"] == translator("fi")(PERMISSIONS[ADMIN_ONLY].refusal or "")
    assert not fake_slack.responses_for(urls[MEMBER_BUTTON])


async def test_an_admin_reaches_it_on_every_click(deps: Deps, fake_slack: FakeSlack) -> None:
    ran: list[str] = []
    app = _app(deps, ran)
    for _ in range(2):
        await app.async_dispatch(
            _click("UADMIN", ADMIN_ONLY, fake_slack.new_response_url())
        )  # ADMIN_USER_IDS of the tests
    assert ran == [ADMIN_ONLY, ADMIN_ONLY]


def test_the_routes_table_lists_every_listener_once(deps: Deps) -> None:
    app = AsyncApp(client=deps.client, signing_secret="x" * 32)
    routers: list[Router] = []

    class Keep(Router):
        def __init__(self, app: AsyncApp, deps: Deps) -> None:
            super().__init__(app, deps)
            routers.append(self)

    import handlers

    original = handlers.Router
    handlers.Router = Keep  # type: ignore[misc]
    try:
        register_all(app, deps)
    finally:
        handlers.Router = original  # type: ignore[misc]
    [router] = routers
    keys = [(r.kind, str(r.id)) for r in router.routes]
    assert len(keys) == len(set(keys))
    assert ("command", "/fika") in keys and ("action", str(ADMIN_ONLY)) in keys
    assert all(r.kind != "action" or str(r.id) in PERMISSIONS for r in router.routes)
