"""One table of who may do what (`bot.people.permissions.PERMISSIONS`), complete and enforced.

* Every listener the app registers (button, form, menu, shortcut) and every subcommand of
  `/fika` and `/tips` has a rule, so a new button cannot be forgotten; the table names nothing
  that does not exist.
* Every admin and reviewer action of the table, done by a plain member through the real app
  (signed requests with the payloads Slack sends), changes no row anywhere in the database and
  is refused politely, in the member's language.
* Help lists and labels subcommands from the same table.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.coffee.commands import FIKA
from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.home.help import help_blocks
from bot.home.ids import HomeAction
from bot.people.permissions import (
    AUDIENCE,
    PERMISSIONS,
    SEE_TYPED_LIBRARIES,
    Role,
    refusal,
    role_needed,
    slash,
)
from bot.platform.i18n import translator
from bot.privacy.ids import PrivacyAction
from bot.tips.commands import TIPS
from bot.tips.ids import TipAction, TipBlock, TipView
from handlers import register_all
from tests.coffee_support import CHANNEL, PEOPLE
from tests.conftest import FakeClock, RunningApp
from tests.db_snapshot import changed, fingerprint
from tests.home_support import open_home
from tests.security_support import coffee_and_tips_world
from tests.tips_support import GENERAL, REVIEW, card_of, text_of

MEMBER = PEOPLE[1].user_id  # Aino: fi-FI, in the coffee program, neither admin nor reviewer
COMMANDS = (FIKA, TIPS)
# Second words of `/fika libraries` with their own rule.
LIBRARY_WORDS = ("add", "load", "remove")
# Table entries that are not listeners: what a listing shows admins.
NOT_LISTENERS = {SEE_TYPED_LIBRARIES}
JSON = dict[str, Any]


class _Recorder:
    """An AsyncApp stand-in that notes what each listener listens for, then registers it."""

    def __init__(self, app: AsyncApp) -> None:
        self.app = app
        self.seen: list[tuple[str, Any]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)

    def _note(self, kind: str, constraint: Any) -> Any:
        self.seen.append((kind, constraint))
        return getattr(self.app, kind)(constraint)

    def command(self, c: Any) -> Any:
        return self._note("command", c)

    def action(self, c: Any) -> Any:
        return self._note("action", c)

    def view(self, c: Any) -> Any:
        return self._note("view", c)

    def view_closed(self, c: Any) -> Any:
        return self._note("view_closed", c)

    def options(self, c: Any) -> Any:
        return self._note("options", c)

    def shortcut(self, c: Any) -> Any:
        return self._note("shortcut", c)

    def event(self, c: Any) -> Any:
        return self._note("event", c)


def _registered(deps: Any) -> list[tuple[str, Any]]:
    recorder = _Recorder(AsyncApp(client=deps.client, signing_secret="x" * 32))
    register_all(recorder, deps)  # type: ignore[arg-type]
    return recorder.seen


def test_every_listener_and_subcommand_has_a_rule(deps: Any) -> None:
    seen = _registered(deps)
    commands = {c for kind, c in seen if kind == "command"}
    assert commands == {cs.command for cs in COMMANDS}
    needed: set[str] = set()
    for kind, constraint in seen:
        if kind in {"command", "event"}:
            continue  # commands: per subcommand below; events are Slack's, not a person's
        assert isinstance(constraint, str), (kind, constraint)  # an id from a feature's ids.py
        needed.add(str(constraint))
    for commands_set in COMMANDS:
        needed |= {commands_set.action(sub) for sub in commands_set.subcommands}
    needed |= {slash("/fika", "libraries", word) for word in LIBRARY_WORDS}
    missing = sorted(needed - set(PERMISSIONS))
    assert missing == [], f"no rule in bot/people/permissions.py for {missing}"
    unknown = sorted(set(PERMISSIONS) - needed - NOT_LISTENERS)
    assert unknown == [], f"rules for what the app does not have: {unknown}"
    # Every privileged action says why it is refused.
    for action, rule in PERMISSIONS.items():
        assert (rule.role == Role.MEMBER) == (not rule.refusal), action


def test_an_action_the_table_does_not_name_is_refused(caplog: Any) -> None:
    assert role_needed("a_button_added_without_a_rule") == Role.ADMIN
    assert refusal("a_button_added_without_a_rule")
    assert "no permission rule" in caplog.text


def test_help_shows_and_labels_subcommands_from_the_table() -> None:
    t = translator("en")
    for commands in COMMANDS:
        everyone = text_of(help_blocks(t, commands, {Role.MEMBER}))
        reviewers = text_of(help_blocks(t, commands, {Role.MEMBER, Role.REVIEWER}))
        admins = text_of(help_blocks(t, commands, set(Role)))
        for sub in commands.subcommands:
            role = role_needed(commands.action(sub))
            # The word whole (`/fika forget` is not `/fika forget-me`): then arguments or `.
            usage = re.compile(rf"`{re.escape(commands.command)} {re.escape(sub.name)}[ `]")
            assert bool(usage.search(everyone)) == (role == Role.MEMBER), sub.name
            assert bool(usage.search(reviewers)) == (role <= Role.REVIEWER), sub.name
            line = next(x for x in admins.split("\n") if usage.search(x))
            labels = [label for r, label in AUDIENCE.items() if line.endswith(t(label))]
            assert labels == ([AUDIENCE[role]] if role in AUDIENCE else []), line


# ---------------------------------------------------------------------------- the walk


def _localized(locale: str, msgid: str) -> str:
    text = translator(locale)(msgid)
    assert text != msgid, f"{msgid!r} has no {locale} translation"
    return text


def _input(block: str, action: str, value: str) -> JSON:
    return {block: {action: {"type": "plain_text_input", "value": value}}}


def _walkers(app: RunningApp, world: JSON, home: JSON) -> dict[str, Callable[[], Awaitable[Any]]]:
    """For each privileged action, the member doing it the way Slack would send it, with
    arguments that would change something if it were let through."""
    sender = app.sender
    tip_id = world["tip_id"]
    card = card_of(app, tip_id)
    tip_meta = json.dumps({"id": tip_id})
    # Someone with data in the world, for the erasure request of an admin.
    other = PEOPLE[2].user_id
    issued = int(app.deps.now().timestamp())

    def fika(text: str, channel: str = CHANNEL) -> Callable[[], Awaitable[Any]]:
        return lambda: sender.command("/fika", text, user_id=MEMBER, channel_id=channel)

    def tips(text: str, channel: str = GENERAL) -> Callable[[], Awaitable[Any]]:
        return lambda: sender.command("/tips", text, user_id=MEMBER, channel_id=channel)

    def on_card(action: str, value: str) -> Callable[[], Awaitable[Any]]:
        return lambda: sender.block_action(MEMBER, action, value=value, message=card)

    def on_home(action: str, value: str) -> Callable[[], Awaitable[Any]]:
        return lambda: sender.block_action(MEMBER, action, value=value, view=home)

    def submit(callback_id: str, values: JSON, meta: str = "") -> Callable[[], Awaitable[Any]]:
        view = {"callback_id": callback_id, "private_metadata": meta}
        return lambda: sender.view_submission(MEMBER, view, values)

    async def libraries_listing() -> Any:
        await sender.command("/fika", "libraries", user_id=MEMBER, channel_id=CHANNEL)
        return await sender.block_action(
            MEMBER, Coffee.LIBRARIES_PAGE, value="1", channel_id=CHANNEL
        )

    return {
        "/fika start": fika("start", GENERAL),
        "/fika stop": fika("stop"),
        "/fika schedule": fika("schedule friday 10:00 every 2 weeks"),
        "/fika size": fika("size 3"),
        "/fika pair-now": fika("pair-now"),
        "/fika stats": fika("stats 2026 csv"),
        "/fika forget": fika(f"unohda <@{other}|bo>"),
        PrivacyAction.FORGET_OTHER_CONFIRM: lambda: sender.block_action(
            MEMBER, PrivacyAction.FORGET_OTHER_CONFIRM, value=f"{other}:{issued}", is_ephemeral=True
        ),
        "/fika libraries add": fika("libraries add"),
        "/fika libraries load": fika("bibliotek ladda"),
        "/fika libraries remove": fika("kirjastot poista Vasa stadsbibliotek"),
        "/tips review": tips("review", REVIEW),
        "/tips export": tips("export 2026"),
        "/tips setup": tips("setup digest friday 10:00"),
        SEE_TYPED_LIBRARIES: libraries_listing,
        Coffee.LIBRARIES_ADD: lambda: sender.block_action(
            MEMBER, Coffee.LIBRARIES_ADD, value="x", channel_id=CHANNEL
        ),
        Coffee.LIBRARIES_LOAD: lambda: sender.block_action(
            MEMBER, Coffee.LIBRARIES_LOAD, value="x", channel_id=CHANNEL
        ),
        CoffeeView.LIBRARY_ADD: submit(
            CoffeeView.LIBRARY_ADD,
            _input(CoffeeBlock.LIBRARY_NAME_SV, Coffee.LIBRARY_NAME_SV, "Nytt bibliotek"),
        ),
        CoffeeView.LIBRARY_LOAD: submit(
            CoffeeView.LIBRARY_LOAD,
            _input(CoffeeBlock.LIBRARY_CSV, Coffee.LIBRARY_CSV, "Nytt;Uusi;Vasa"),
        ),
        TipAction.APPROVE: on_card(TipAction.APPROVE, str(tip_id)),
        TipAction.REJECT: on_card(TipAction.REJECT, str(tip_id)),
        TipAction.EDIT: on_card(TipAction.EDIT, str(tip_id)),
        TipAction.REVIEW_PAGE: on_card(TipAction.REVIEW_PAGE, "0"),
        TipAction.REVIEW_PAGE_BACK: on_card(TipAction.REVIEW_PAGE_BACK, "0"),
        TipView.REJECT: submit(
            TipView.REJECT, _input(TipBlock.REASON, TipBlock.VALUE, "Nej tack"), tip_meta
        ),
        TipView.EDIT: submit(
            TipView.EDIT,
            {
                **_input(TipBlock.TITLE, TipBlock.VALUE, "Kapad"),
                **_input(TipBlock.DESCRIPTION, TipBlock.VALUE, "Ändrad"),
                TipBlock.CATEGORY.value: {
                    TipBlock.VALUE.value: {
                        "type": "static_select",
                        "selected_option": {"value": "other"},
                    }
                },
            },
            tip_meta,
        ),
        HomeAction.REVIEW: on_home(HomeAction.REVIEW, "0"),
        HomeAction.REVIEW_PAGE: on_home(HomeAction.REVIEW_PAGE, "5"),
        HomeAction.REVIEW_PAGE_BACK: on_home(HomeAction.REVIEW_PAGE_BACK, "0"),
        HomeAction.REVIEW_APPROVE: on_home(HomeAction.REVIEW_APPROVE, f"{tip_id}:0"),
        HomeAction.REVIEW_REJECT: on_home(HomeAction.REVIEW_REJECT, f"{tip_id}:0"),
        HomeAction.REVIEW_EDIT: on_home(HomeAction.REVIEW_EDIT, f"{tip_id}:0"),
    }


def _told_since(app: RunningApp, marks: dict[str, int]) -> str:
    """Everything shown to anyone since `marks`: response_url posts, ephemerals, messages,
    published Home tabs and modal updates."""
    fake = app.fake
    parts = [text_of(r["body"]) for r in fake.responses[marks["responses"] :]]
    for call in fake.calls[marks["calls"] :]:
        if call.method in {
            "chat.postEphemeral",
            "chat.postMessage",
            "views.publish",
            "views.update",
            "views.open",
            "views.push",
        }:
            parts.append(text_of(call.args))
    return "\n".join(parts)


def _marks(app: RunningApp) -> dict[str, int]:
    return {"responses": len(app.fake.responses), "calls": len(app.fake.calls)}


async def test_a_member_doing_any_admin_or_reviewer_action_changes_nothing(
    running_app: RunningApp, clock: FakeClock
) -> None:
    app = running_app
    world = await coffee_and_tips_world(app, clock)
    home = await open_home(app, MEMBER)
    walkers = _walkers(app, world, home)
    privileged = {a for a, rule in PERMISSIONS.items() if rule.role > Role.MEMBER}
    assert set(walkers) == privileged, "walk every privileged action of bot/people/permissions.py"
    # Second words typed to `/fika libraries` are admin actions too.
    await app.settle()
    before = await fingerprint(app.deps.engine)
    views, files = len(app.fake.views), len(app.fake.uploaded_files)
    channel_posts = len(app.fake.messages(CHANNEL)) + len(app.fake.messages(GENERAL))

    for action in sorted(privileged):
        marks = _marks(app)
        resp = await walkers[action]()
        assert resp.status == 200, (action, resp.status)
        await app.settle()
        answer = text_of(resp.json) + "\n" + _told_since(app, marks)
        if action == SEE_TYPED_LIBRARIES:  # not refused: the listing just lacks admin parts
            assert Coffee.LIBRARIES_ADD not in str(app.fake.responses[marks["responses"] :])
            assert _localized("fi", "Libraries") in answer
            continue
        assert _localized("fi", refusal(action)) in answer, action
        assert changed(before, await fingerprint(app.deps.engine)) == [], action

    assert len(app.fake.views) == views  # no form opened for them
    assert len(app.fake.uploaded_files) == files  # no export or figures sent
    assert len(app.fake.messages(CHANNEL)) + len(app.fake.messages(GENERAL)) == channel_posts
