"""Slack's side of the admins' coffee-break use cases: `SlackPrograms` carries out
`bot.coffee.admin_service.ProgramChannels` with the Web API, rendering what it posts with
`bot.coffee.views.admin` (a channel reads the workspace's language, a person their own)."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.coffee import rounds
from bot.coffee.admin_results import PlanChanged, Started, StatsExport, Stopped
from bot.coffee.admin_service import ChannelFacts
from bot.coffee.views.admin import figures_file_comment, plan_post, started_post, stopped_post
from bot.coffee.views.stats import csv_filename, stats_csv, stats_text
from bot.people.directory import translator_for, workspace_translator
from bot.platform import outbox
from bot.platform.deps import Deps

log = logging.getLogger(__name__)

#: Slack's ids of public channels (C…) and of private ones made before 2021 (G…); anything
#: else a command comes from is a direct message.
_CHANNEL_PREFIXES = ("C", "G")


@dataclass(frozen=True)
class SlackPrograms:
    """`ProgramChannels` for one request: `client` is the request's Web API client."""

    deps: Deps
    client: AsyncWebClient

    async def channel(self, channel_id: str) -> ChannelFacts | None:
        if not channel_id.startswith(_CHANNEL_PREFIXES):
            return ChannelFacts(direct=True)
        try:
            info = (await self.client.conversations_info(channel=channel_id))["channel"]
        except SlackApiError as exc:
            if exc.response.get("error") == "channel_not_found":
                return None  # private and the bot is not in it
            raise
        return ChannelFacts(
            direct=bool(info.get("is_im") or info.get("is_mpim")),
            archived=bool(info.get("is_archived")),
            private=bool(info.get("is_private")),
            member=bool(info.get("is_member")),
        )

    async def join(self, channel_id: str) -> None:
        await self.client.conversations_join(channel=channel_id)

    async def _post(
        self, team_id: str, channel_id: str, text: str, blocks: list[dict[str, object]]
    ) -> None:
        # Through the outbox: a Slack failure is retried by jobs/retry_calls.py, not lost.
        await outbox.call(
            self.deps, team_id, "chat.postMessage", channel=channel_id, text=text, blocks=blocks
        )

    async def program_started(self, team_id: str, started: Started) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._post(team_id, started.program.channel_id, *started_post(t, started))

    async def program_stopped(self, team_id: str, stopped: Stopped) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._post(team_id, stopped.program.channel_id, *stopped_post(t, stopped))

    async def plan_changed(self, team_id: str, changed: PlanChanged) -> None:
        t = await workspace_translator(self.deps, team_id)
        await self._post(team_id, changed.program.channel_id, *plan_post(t, changed))

    def begin_round(self, program_id: int, started_by: str) -> None:
        self.deps.tasks.spawn(
            rounds.pair_now(self.deps, program_id, started_by), name=f"pair-now-{program_id}"
        )

    async def channel_name(self, channel_id: str) -> str | None:
        try:
            info = await self.client.conversations_info(channel=channel_id)
        except SlackApiError:
            return None
        return "#" + str(info["channel"].get("name") or channel_id)

    async def send_figures(self, team_id: str, user_id: str, export: StatsExport) -> None:
        t = await translator_for(self.deps, team_id, user_id)
        dm = await self.client.conversations_open(users=[user_id])
        await self.client.files_upload_v2(
            channel=dm["channel"]["id"],
            content=stats_csv(t, export.stats, export.channel_names),
            filename=csv_filename(export.stats),
            title=stats_text(t, export.stats),
            initial_comment=figures_file_comment(t),
        )
