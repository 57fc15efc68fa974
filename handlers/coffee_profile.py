"""The profile modal (library, chat languages, message language) and the pause modal."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from slack_bolt.context.ack.async_ack import AsyncAck
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee import service
from bot.coffee.ids import Coffee, CoffeeBlock, CoffeeView
from bot.coffee.schedule import local_today
from bot.coffee.views.answers import pause_form_notice, refusal_text
from bot.coffee.views.messages import profile_saved_text
from bot.coffee.views.modals import AUTO_LOCALE, library_option, pause_modal, profile_modal
from bot.home.slack_side import refresh_home
from bot.platform import outbox, trigger
from bot.platform.deps import Deps
from bot.platform.errors import UserFacingError
from bot.platform.i18n import Translator, translator
from bot.platform.slack_values import to_id
from handlers.payload import actor
from handlers.router import Route, options, view

PAUSE_SUGGESTED = timedelta(weeks=2)


async def open_profile_modal(
    deps: Deps, client: AsyncWebClient, t: Translator, team_id: str, user_id: str, trigger_id: str
) -> None:
    """The profile form (`/fika profile`, the welcome DM's and the Home's button)."""
    form = await service.profile_form(deps, team_id, user_id)
    shown = profile_modal(t, form.libraries, form.library, form.languages, form.locale_pref)
    await trigger.open_modal(client, t, trigger_id, shown, user_id=user_id)


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


# The form's blocks, by the fields that service.save_profile's problems name.
_PROFILE_FIELDS: dict[str, str] = {
    service.LIBRARY: CoffeeBlock.PROFILE_LIBRARY,
    service.LIBRARY_TYPED: CoffeeBlock.PROFILE_LIBRARY_TYPED,
    service.LANGUAGES: CoffeeBlock.PROFILE_LANGUAGES,
    service.MESSAGE_LOCALE: CoffeeBlock.PROFILE_LOCALE,
}


def _selected(view: dict[str, Any], block_id: str, action_id: str) -> str | None:
    value = (_state(view, block_id, action_id).get("selected_option") or {}).get("value")
    return str(value) if value else None


async def profile_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    typed = _state(view, CoffeeBlock.PROFILE_LIBRARY_TYPED, Coffee.PROFILE_LIBRARY_TYPED)
    languages = _state(view, CoffeeBlock.PROFILE_LANGUAGES, Coffee.PROFILE_LANGUAGES)
    saved = await service.save_profile(
        deps,
        team_id,
        user_id,
        library_id=_selected(view, CoffeeBlock.PROFILE_LIBRARY, Coffee.PROFILE_LIBRARY),
        typed_library=str(typed.get("value") or ""),
        languages=[str(o.get("value")) for o in languages.get("selected_options") or []],
        message_locale=_selected(view, CoffeeBlock.PROFILE_LOCALE, Coffee.PROFILE_LOCALE)
        or AUTO_LOCALE,
    )
    if isinstance(saved, service.ProfileProblems):
        errors = {_PROFILE_FIELDS[f]: refusal_text(t, p) for f, p in saved.problems.items()}
        await ack(response_action="errors", errors=errors)
        return
    await ack()
    # Said in the new language: the Home is redrawn in it too.
    new_t = translator(saved.locale)
    text = profile_saved_text(new_t, saved.library_name, saved.languages, saved.locale)
    await outbox.call(deps, team_id, "chat.postMessage", channel=user_id, text=text)
    await refresh_home(deps, team_id, user_id, notice=text)


async def library_options(
    ack: AsyncAck, body: dict[str, Any], payload: dict[str, Any], deps: Deps, t: Translator
) -> None:
    team_id, _ = actor(body)
    libraries = await service.library_choices(deps, team_id, str(payload.get("value") or ""))
    await ack(options=[library_option(lib, t.locale) for lib in libraries])


async def pause_submitted(
    ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], deps: Deps, t: Translator
) -> None:
    team_id, user_id = actor(body)
    picked = _state(view, CoffeeBlock.PAUSE_UNTIL, Coffee.PAUSE_UNTIL).get("selected_date")
    try:
        until = service.break_until(deps, picked if isinstance(picked, str) else None)
    except UserFacingError as exc:
        await ack(response_action="errors", errors={CoffeeBlock.PAUSE_UNTIL: refusal_text(t, exc)})
        return
    await ack()
    program_id = to_id(view.get("private_metadata"))
    paused = await service.pause_until(deps, team_id, user_id, until, program_id)
    text = pause_form_notice(t, until if paused else None)
    await outbox.call(deps, team_id, "chat.postMessage", channel=user_id, text=text)
    await refresh_home(deps, team_id, user_id, notice=text)


ROUTES: list[Route] = [
    view(CoffeeView.PROFILE, profile_submitted),
    options(Coffee.PROFILE_LIBRARY, library_options),
    view(CoffeeView.PAUSE, pause_submitted),
]
