"""The profile modal (library, chat languages, message language) and the pause modal."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee import service
from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.participants import check_pause_date
from bot.coffee.schedule import local_today
from bot.coffee.service import NOT_IN_A_PROGRAM
from bot.coffee.views.messages import pause_notice, profile_saved_text
from bot.coffee.views.modals import (
    AUTO_LOCALE,
    CHAT_LANGUAGES,
    library_option,
    pause_modal,
    profile_modal,
)
from bot.home.slack_side import refresh_home
from bot.people.libraries import curated_libraries, library_for_typed_name, search
from bot.people.members import get_or_create_member, member_locale
from bot.platform import outbox, trigger
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import Translator, translator
from bot.platform.slack_values import to_id
from handlers.payload import actor
from handlers.router import Router

PAUSE_SUGGESTED = timedelta(weeks=2)


async def open_profile_modal(
    deps: Deps, client: AsyncWebClient, t: Translator, team_id: str, user_id: str, trigger_id: str
) -> None:
    async with deps.db() as session:
        libraries = await curated_libraries(session, team_id)
        member = await get_or_create_member(session, team_id, user_id)
        view = profile_modal(t, libraries, member.library, member.languages, member.locale_pref)
    await trigger.open_modal(client, t, trigger_id, view, user_id=user_id)


async def open_pause_modal(
    deps: Deps,
    client: AsyncWebClient,
    t: Translator,
    program_id: int | None,
    trigger_id: str,
    user_id: str,
) -> None:
    today = local_today(deps.now(), deps.settings.timezone)
    view = pause_modal(t, program_id, today + PAUSE_SUGGESTED)
    await trigger.open_modal(client, t, trigger_id, view, user_id=user_id)


def _state(view: dict[str, Any], block_id: str, action_id: str) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    return dict((values.get(block_id) or {}).get(action_id) or {})


def register(router: Router) -> None:
    @router.view(CoffeeView.PROFILE)
    async def profile_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
    ) -> None:
        team_id, user_id = actor(body)
        picked = (
            _state(view, CoffeeBlock.PROFILE_LIBRARY, Coffee.PROFILE_LIBRARY).get("selected_option")
            or {}
        ).get("value")
        typed = " ".join(
            str(
                _state(view, CoffeeBlock.PROFILE_LIBRARY_TYPED, Coffee.PROFILE_LIBRARY_TYPED).get(
                    "value"
                )
                or ""
            ).split()
        )
        languages = [
            str(o.get("value"))
            for o in _state(view, CoffeeBlock.PROFILE_LANGUAGES, Coffee.PROFILE_LANGUAGES).get(
                "selected_options"
            )
            or []
        ]
        languages = [code for code in CHAT_LANGUAGES if code in languages]
        locale_choice = (
            _state(view, CoffeeBlock.PROFILE_LOCALE, Coffee.PROFILE_LOCALE).get("selected_option")
            or {}
        ).get("value") or AUTO_LOCALE

        errors: dict[str, str] = {}
        if picked and typed:
            errors[CoffeeBlock.PROFILE_LIBRARY_TYPED] = t(
                "Pick your library from the list or type its name – not both."
            )
        elif len(typed) > 200:
            errors[CoffeeBlock.PROFILE_LIBRARY_TYPED] = t(
                "A library name can be at most {max} characters.", max=200
            )
        if not languages:
            errors[CoffeeBlock.PROFILE_LANGUAGES] = t("Pick at least one language.")
        if locale_choice != AUTO_LOCALE and locale_choice not in CHAT_LANGUAGES:
            errors[CoffeeBlock.PROFILE_LOCALE] = t("Pick a language from the list.")
        library = None
        if not errors and picked:
            async with deps.db() as session:
                libraries = {str(lib.id): lib for lib in await curated_libraries(session, team_id)}
            library = libraries.get(str(picked))
            if library is None:
                errors[CoffeeBlock.PROFILE_LIBRARY] = t(
                    "That library is no longer on the list. Pick another or type its name."
                )
        if errors:
            await ack(response_action="errors", errors=errors)
            return
        await ack()

        async with deps.db.begin() as session:
            member = await get_or_create_member(session, team_id, user_id)
            if typed:
                library = await library_for_typed_name(session, team_id, typed)
            member.library_id = library.id if library is not None else None
            member.chat_languages = ",".join(languages)
            member.locale_pref = None if locale_choice == AUTO_LOCALE else locale_choice
            locale = member_locale(member, deps.settings.default_locale)
            library_name = library.display_name(locale) if library is not None else None
        text = profile_saved_text(translator(locale), library_name, languages, locale)
        await outbox.call(deps, team_id, "chat.postMessage", channel=user_id, text=text)
        await refresh_home(deps, team_id, user_id, notice=text)  # in the new language

    @router.options(Coffee.PROFILE_LIBRARY)
    async def library_options(
        ack: AsyncAck, body: dict[str, Any], payload: dict[str, Any], deps: Deps, t: Translator
    ) -> None:
        team_id, _ = actor(body)
        query = str(payload.get("value") or "")
        async with deps.db() as session:
            libraries = await curated_libraries(session, team_id)
        await ack(options=[library_option(lib, t.locale) for lib in search(libraries, query)])

    @router.view(CoffeeView.PAUSE)
    async def pause_submitted(
        ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
    ) -> None:
        team_id, user_id = actor(body)
        raw = _state(view, CoffeeBlock.PAUSE_UNTIL, Coffee.PAUSE_UNTIL).get("selected_date")
        today = local_today(deps.now(), deps.settings.timezone)
        try:
            until = check_pause_date(date.fromisoformat(str(raw)), today)
        except (ValueError, TypeError):
            await ack(
                response_action="errors",
                errors={CoffeeBlock.PAUSE_UNTIL: t("Pick a date after today.")},
            )
            return
        except UserFacingError as exc:
            await ack(
                response_action="errors",
                errors={CoffeeBlock.PAUSE_UNTIL: t(exc.message, **exc.params)},
            )
            return
        await ack()
        program_id = to_id(view.get("private_metadata"))
        paused = await service.pause_until(deps, team_id, user_id, until, program_id)
        text = pause_notice(t, until) if paused else t(NOT_IN_A_PROGRAM)
        await outbox.call(deps, team_id, "chat.postMessage", channel=user_id, text=text)
        await refresh_home(deps, team_id, user_id, notice=text)
