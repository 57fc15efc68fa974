"""The personal-data use cases (bot/privacy/service.py) without a Slack surface: the effects
port only records what it was asked; the database is the real test database."""

from __future__ import annotations

from collections.abc import Collection
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.people.directory import ensure_member
from bot.people.models import Member
from bot.platform.deps import Deps
from bot.platform.errors import NotAuthorized
from bot.platform.i18n import translator
from bot.privacy import service
from bot.privacy.results import Confirmation, Problem
from bot.privacy.views import confirmation_value, parse_confirmation, problem_text
from tests.conftest import TEAM_ID, FakeClock
from tests.fakes.slack_api import FakeSlack

ADMIN = "UADMIN"  # in ADMIN_USER_IDS of the test settings
VILMA = "U0VILMA"
AINO = "U0AINO"


class Recorded:
    """`PrivacyEffects` that only notes what it was asked to do."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []

    async def cards_changed(self, team_id: str, tip_ids: Collection[int]) -> None:
        self.calls.append(("cards", tuple(tip_ids)))

    async def home_cleared(self, team_id: str, user_id: str) -> None:
        self.calls.append(("home", user_id))

    def app_removed(self, team_id: str) -> None:
        self.calls.append(("removed", team_id))


async def _stored(deps: Deps, user_id: str) -> bool:
    async with deps.db() as session:
        found = await session.scalar(
            select(Member).where(Member.team_id == TEAM_ID, Member.user_id == user_id)
        )
    return found is not None


@pytest.fixture
async def vilma(deps: Deps, fake_slack: FakeSlack) -> str:
    fake_slack.add_user(VILMA, name="vilma", locale="sv-SE")
    fake_slack.add_user(AINO, name="aino", locale="fi-FI")
    await ensure_member(deps, TEAM_ID, VILMA)
    assert await _stored(deps, VILMA)
    return VILMA


def _asked_now(deps: Deps, user_id: str) -> Confirmation:
    confirmation = service.ask_forget_me(deps, user_id).confirmation
    assert confirmation is not None and confirmation.subject == user_id
    return confirmation


# ---------------------------------------------------------------------------- forget me


async def test_forget_me_twice_forgets_once(deps: Deps, vilma: str) -> None:
    effects = Recorded()
    asked = _asked_now(deps, vilma)
    first = await service.forget_me(deps, effects, TEAM_ID, vilma, vilma, asked.issued)
    assert first.done and first.changed and first.channels == ()
    assert not await _stored(deps, vilma)
    assert effects.calls == [("home", vilma)]

    second = await service.forget_me(deps, effects, TEAM_ID, vilma, vilma, asked.issued)
    assert second.done and not second.changed  # nothing was stored any more
    assert not await _stored(deps, vilma)


async def test_forget_me_clicked_by_someone_else_deletes_nothing(deps: Deps, vilma: str) -> None:
    effects = Recorded()
    asked = _asked_now(deps, vilma)
    forgot = await service.forget_me(deps, effects, TEAM_ID, AINO, vilma, asked.issued)
    assert forgot.problem == Problem.NOT_YOURS and not forgot.done
    assert await _stored(deps, vilma) and effects.calls == []


@pytest.mark.parametrize("late", [timedelta(hours=1, seconds=1), timedelta(minutes=-6)])
async def test_an_expired_confirmation_deletes_nothing(
    deps: Deps, clock: FakeClock, vilma: str, late: timedelta
) -> None:
    asked = _asked_now(deps, vilma)
    clock.advance(late)
    effects = Recorded()
    forgot = await service.forget_me(deps, effects, TEAM_ID, vilma, vilma, asked.issued)
    assert forgot.problem == Problem.TOO_OLD
    assert await _stored(deps, vilma) and effects.calls == []
    unreadable = await service.forget_me(deps, effects, TEAM_ID, vilma, vilma, None)
    assert unreadable.problem == Problem.TOO_OLD and await _stored(deps, vilma)


async def test_a_confirmation_just_under_an_hour_old_still_counts(
    deps: Deps, clock: FakeClock, vilma: str
) -> None:
    asked = _asked_now(deps, vilma)
    clock.advance(timedelta(minutes=59))
    forgot = await service.forget_me(deps, Recorded(), TEAM_ID, vilma, vilma, asked.issued)
    assert forgot.done and not await _stored(deps, vilma)


# ---------------------------------------------------------------------------- an admin's request


def test_asking_to_forget_someone_names_exactly_one_other_person(deps: Deps) -> None:
    assert service.ask_forget(deps, ADMIN, "").problem == Problem.NO_PERSON
    assert service.ask_forget(deps, ADMIN, "vilma").problem == Problem.NO_PERSON
    assert service.ask_forget(deps, ADMIN, f"<@{VILMA}> <@{AINO}>").problem == Problem.NO_PERSON
    assert service.ask_forget(deps, ADMIN, f"<@{ADMIN}|me>").problem == Problem.YOURSELF
    asked = service.ask_forget(deps, ADMIN, f"<@{VILMA}|vilma>")
    assert asked.problem is None and asked.confirmation is not None
    assert asked.confirmation.subject == VILMA


async def test_an_admin_forgets_a_colleague_and_their_home_is_left_alone(
    deps: Deps, vilma: str
) -> None:
    asked = service.ask_forget(deps, ADMIN, vilma).confirmation
    assert asked is not None
    effects = Recorded()
    forgot = await service.forget_other(deps, effects, TEAM_ID, ADMIN, vilma, asked.issued)
    assert forgot.done and forgot.changed and not await _stored(deps, vilma)
    assert effects.calls == []  # nothing is sent to them


async def test_forgetting_an_unknown_person_changes_nothing(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    asked = service.ask_forget(deps, ADMIN, "U0NOBODY").confirmation
    assert asked is not None
    forgot = await service.forget_other(deps, Recorded(), TEAM_ID, ADMIN, "U0NOBODY", asked.issued)
    assert forgot.done and not forgot.changed
    said = problem_text(translator("en"), Problem.OTHER_TOO_OLD)
    assert "`/fika forget`" in said


async def test_an_odd_or_old_admin_confirmation_deletes_nothing(
    deps: Deps, clock: FakeClock, vilma: str
) -> None:
    issued = deps.now()
    for subject in ("", "former-1", "<!channel>", "vilma"):
        forgot = await service.forget_other(deps, Recorded(), TEAM_ID, ADMIN, subject, issued)
        assert forgot.problem == Problem.OTHER_TOO_OLD, subject
    itself = await service.forget_other(deps, Recorded(), TEAM_ID, ADMIN, ADMIN, issued)
    assert itself.problem == Problem.YOURSELF
    clock.advance(timedelta(hours=2))
    old = await service.forget_other(deps, Recorded(), TEAM_ID, ADMIN, vilma, issued)
    assert old.problem == Problem.OTHER_TOO_OLD and await _stored(deps, vilma)


async def test_only_an_admin_can_forget_someone_else(deps: Deps, vilma: str) -> None:
    with pytest.raises(NotAuthorized):
        await service.forget_other(deps, Recorded(), TEAM_ID, AINO, vilma, deps.now())
    assert await _stored(deps, vilma)


def test_a_confirmation_value_reads_back(deps: Deps) -> None:
    asked = _asked_now(deps, VILMA)
    assert parse_confirmation(confirmation_value(asked)) == (VILMA, asked.issued)
    for odd in ("", "nonsense", f"{VILMA}:", f"{VILMA}:x", f"{VILMA}:1234567890123"):
        assert parse_confirmation(odd)[1] is None, odd


# ---------------------------------------------------------------------------- what is stored


async def test_my_data_of_someone_with_no_tips_and_no_breaks(deps: Deps, vilma: str) -> None:
    data = await service.my_data(deps, TEAM_ID, vilma)
    assert data.member is not None and data.member.user_id == vilma
    assert data.programs == [] and data.rounds == 0 and not any(data.tips_by_status.values())
    nobody = await service.my_data(deps, TEAM_ID, "U0NOBODY")
    assert nobody.member is None


# ---------------------------------------------------------------------------- events


async def test_an_account_change_of_a_stranger_stores_nothing(deps: Deps) -> None:
    changed = await service.account_changed(deps, TEAM_ID, {"id": "U0STRANGER", "deleted": True})
    assert not changed.known and not await _stored(deps, "U0STRANGER")


async def test_a_deactivation_is_noted_once(deps: Deps, vilma: str) -> None:
    first = await service.account_changed(deps, TEAM_ID, {"id": vilma, "deleted": True})
    again = await service.account_changed(deps, TEAM_ID, {"id": vilma, "deleted": True})
    back = await service.account_changed(deps, TEAM_ID, {"id": vilma, "deleted": False})
    assert (first.deactivated, again.deactivated, back.deactivated) == (True, None, False)


async def test_uninstalling_stops_the_workspace_and_tells_the_surface(deps: Deps) -> None:
    effects = Recorded()
    assert await service.uninstalled(deps, effects, "", "app_uninstalled") is None
    assert effects.calls == []
    done = await service.uninstalled(deps, effects, TEAM_ID, "app_uninstalled")
    assert done is not None and effects.calls == [("removed", TEAM_ID)]


async def test_revoked_user_tokens_are_not_an_uninstall(deps: Deps) -> None:
    effects = Recorded()
    revoked = service.tokens_revoked
    assert await revoked(deps, effects, TEAM_ID, user_tokens=2, bot_tokens=0) is None
    assert effects.calls == []
    assert await revoked(deps, effects, TEAM_ID, user_tokens=0, bot_tokens=1) is not None
    assert effects.calls == [("removed", TEAM_ID)]
