"""The Teams app manifest (manifestVersion 1.29) and its sv/fi localization files, as data.

Pure: settings and translators in, JSON-ready dicts out (bot/teams/package.py writes the zip).
English is the manifest's own language (en-US); Swedish and Finnish come from the same catalogs
as every other text, so the command words are the ones `/fika` and `/tips` understand on Slack.

Teams suggests at most 10 commands per command list (the schema would take 12). The words not
listed still work when typed, as on Slack; the lists hold what a person (personal chat) or a
program's channel (a team) needs most.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.coffee import commands as fika
from bot.platform.commands import HELP, Subcommand
from bot.platform.i18n import N_, Translator
from bot.teams.ids import MESSAGE_EXTENSION, SHARE_AS_GOOD_PRACTICE
from bot.tips import commands as tips

MANIFEST_VERSION = "1.29"
MANIFEST_SCHEMA_URL = (
    "https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json"
)
LOCALIZATION_SCHEMA_URL = (
    "https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/"
    "MicrosoftTeams.Localization.schema.json"
)
DEFAULT_LANGUAGE = "en-US"
#: language tag → file in the package; Teams falls back from sv-FI to sv, from fi-FI to fi.
LANGUAGES = {"sv": "sv.json", "fi": "fi.json"}
COLOR_ICON = "color.png"
OUTLINE_ICON = "outline.png"
ACCENT_COLOR = "#7A4A2A"  # the Slack app's background colour (manifest.yml)
#: Teams' own limit per command list (the schema allows 12).
MAX_COMMANDS = 10
PLACEHOLDER_ID = "00000000-0000-0000-0000-000000000000"

_GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
_HOST = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")
_SEMVER = re.compile(r"^(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$")

# TRANSLATORS: the app's full name in Teams' app store and details (at most 100 characters).
NAME_FULL = N_("Fika – coffee breaks and good practice")
# TRANSLATORS: the app's short description in Teams (at most 80 characters).
DESCRIPTION_SHORT = N_("Remote coffee breaks between libraries, and good-practice tips.")
# TRANSLATORS: the app's long description on its details page in Teams (at most 4000 characters).
DESCRIPTION_FULL = N_(
    "Fika pairs library staff with a colleague from another library for a short remote coffee "
    "break, in Swedish, Finnish or English, and collects good-practice tips that the AKE team "
    "reviews and shares."
)
# TRANSLATORS: the action in a Teams message's "More actions" menu (at most 32 characters).
SHARE_TITLE = N_("Share as good practice")
# TRANSLATORS: what "Share as good practice" (a Teams message action) does; at most 128
# characters.
SHARE_DESCRIPTION = N_("Send this message to the AKE team as a good-practice tip.")
# TRANSLATORS: the tip command's description in Teams, where there is no /tips to type.
NEW_TIP_DESCRIPTION = N_("Share a tip with the AKE team: a form opens.")


@dataclass(frozen=True)
class TeamsCommand:
    """A command Teams suggests: the subcommand's word as title, a description msgid."""

    sub: Subcommand
    description: str = ""  # an N_() msgid; empty = the subcommand's own summary

    def title(self, t: Translator) -> str:
        return self.sub.word_for(t.locale)

    def describe(self, t: Translator) -> str:
        return t(self.description or self.sub.summary)


#: Personal chat with Fika: taking part, one's break and data, tips.
PERSONAL_COMMANDS = (
    TeamsCommand(HELP),
    TeamsCommand(fika.JOIN),
    TeamsCommand(fika.LEAVE),
    TeamsCommand(fika.PAUSE),
    TeamsCommand(fika.RESUME),
    TeamsCommand(fika.STATUS),
    TeamsCommand(fika.PROFILE),
    TeamsCommand(tips.NEW, NEW_TIP_DESCRIPTION),
    TeamsCommand(tips.SEARCH),
    TeamsCommand(fika.MY_DATA),
)
#: A team's channel (@Fika …): a program's settings and rounds, the review and digest channel.
TEAM_COMMANDS = (
    TeamsCommand(HELP),
    TeamsCommand(fika.START),
    TeamsCommand(fika.STOP),
    TeamsCommand(fika.SCHEDULE),
    TeamsCommand(fika.SIZE),
    TeamsCommand(fika.PAIR_NOW),
    TeamsCommand(fika.STATS),
    TeamsCommand(fika.JOIN),
    TeamsCommand(fika.LEAVE),
    TeamsCommand(tips.SETUP),
)
COMMAND_LISTS: tuple[tuple[str, tuple[TeamsCommand, ...]], ...] = (
    ("personal", PERSONAL_COMMANDS),
    ("team", TEAM_COMMANDS),
)


@dataclass(frozen=True)
class TeamsSettings:
    bot_id: str  # the app registration's Application (client) ID, used by the Azure Bot
    app_id: str  # the Teams app's own id (manifest "id")
    public_host: str  # where https://<host>/api/messages answers
    developer_name: str
    website_url: str
    privacy_url: str
    terms_url: str
    version: str


class TeamsSettingsError(Exception):
    """Every problem with the TEAMS_* settings at once, as lines for the operator."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


_WHERE_BOT_ID = (
    "Azure portal → Microsoft Entra ID → App registrations → your Fika app → Overview → "
    "Application (client) ID (docs/deploy-teams.md, step 1)"
)


def load_teams_settings(
    env: Mapping[str, str], *, default_version: str, placeholders: bool = False
) -> TeamsSettings:
    """The package's settings from TEAMS_* variables; `placeholders` fills the missing ones with
    example values (a package to look at, not to upload)."""

    def get(name: str) -> str:
        return env.get(name, "").strip()

    problems: list[str] = []
    bot_id = get("TEAMS_BOT_ID") or (PLACEHOLDER_ID if placeholders else "")
    if not bot_id:
        problems.append(f"  TEAMS_BOT_ID is missing: copy it from {_WHERE_BOT_ID}.")
    elif not _GUID.match(bot_id):
        problems.append(
            "  TEAMS_BOT_ID must be a GUID such as 1a2b3c4d-0000-1111-2222-333344445555: "
            f"the Application (client) ID from {_WHERE_BOT_ID}."
        )
    app_id = get("TEAMS_APP_ID") or bot_id
    if get("TEAMS_APP_ID") and not _GUID.match(app_id):
        problems.append(
            "  TEAMS_APP_ID must be a GUID (or left empty: the Teams app then uses TEAMS_BOT_ID)."
        )

    host = get("TEAMS_PUBLIC_HOST") or ("fika.example.org" if placeholders else "")
    if not host:
        problems.append(
            "  TEAMS_PUBLIC_HOST is missing: the host name where Fika answers "
            "https://<host>/api/messages, e.g. fika.example.org."
        )
    elif not _HOST.match(host):
        problems.append(
            "  TEAMS_PUBLIC_HOST must be a host name alone, e.g. fika.example.org "
            "(no https://, no path, no port)."
        )

    website = get("TEAMS_WEBSITE_URL") or (f"https://{host}/" if placeholders else "")
    urls = {
        "TEAMS_WEBSITE_URL": website,
        "TEAMS_PRIVACY_URL": get("TEAMS_PRIVACY_URL") or website,
        "TEAMS_TERMS_URL": get("TEAMS_TERMS_URL") or website,
    }
    if not website:
        problems.append(
            "  TEAMS_WEBSITE_URL is missing: a page (https://…) about Fika for your staff, e.g. "
            "on the intranet; Teams links to it from the app's details."
        )
    for name, url in urls.items():
        if url and (not url.startswith("https://") or len(url) > 2048 or " " in url):
            problems.append(f"  {name} must be an https:// address.")

    developer = get("TEAMS_DEVELOPER_NAME") or "Fika"
    if len(developer) > 32:
        problems.append("  TEAMS_DEVELOPER_NAME must be at most 32 characters.")

    version = get("TEAMS_APP_VERSION") or default_version
    if not _SEMVER.match(version):
        problems.append(
            "  TEAMS_APP_VERSION must be three numbers such as 1.0.3 (raise it for each new "
            "upload of a changed package)."
        )

    if problems:
        raise TeamsSettingsError(problems)
    return TeamsSettings(
        bot_id=bot_id,
        app_id=app_id,
        public_host=host.lower(),
        developer_name=developer,
        website_url=urls["TEAMS_WEBSITE_URL"],
        privacy_url=urls["TEAMS_PRIVACY_URL"],
        terms_url=urls["TEAMS_TERMS_URL"],
        version=version,
    )


def build_manifest(settings: TeamsSettings, t: Translator) -> dict[str, Any]:
    """manifest.json, its texts in `t`'s language (English for the package itself)."""
    return {
        "$schema": MANIFEST_SCHEMA_URL,
        "manifestVersion": MANIFEST_VERSION,
        "version": settings.version,
        "id": settings.app_id,
        "localizationInfo": {
            "defaultLanguageTag": DEFAULT_LANGUAGE,
            "additionalLanguages": [
                {"languageTag": tag, "file": file} for tag, file in LANGUAGES.items()
            ],
        },
        "developer": {
            "name": settings.developer_name,
            "websiteUrl": settings.website_url,
            "privacyUrl": settings.privacy_url,
            "termsOfUseUrl": settings.terms_url,
        },
        "name": {"short": "Fika", "full": t(NAME_FULL)},
        "description": {"short": t(DESCRIPTION_SHORT), "full": t(DESCRIPTION_FULL)},
        "icons": {"color": COLOR_ICON, "outline": OUTLINE_ICON},
        "accentColor": ACCENT_COLOR,
        "bots": [
            {
                "botId": settings.bot_id,
                # No groupChat: a coffee program is a team's channel, and the coffee groups'
                # chats are the members' own (Teams lets no bot start a group chat).
                "scopes": [scope for scope, _ in COMMAND_LISTS],
                "isNotificationOnly": False,
                "supportsFiles": False,
                "commandLists": [
                    {
                        "scopes": [scope],
                        "commands": [
                            {"title": c.title(t), "description": c.describe(t)} for c in listed
                        ],
                    }
                    for scope, listed in COMMAND_LISTS
                ],
            }
        ],
        "composeExtensions": [
            {
                "id": MESSAGE_EXTENSION,
                "botId": settings.bot_id,
                "composeExtensionType": "botBased",
                "commands": [
                    {
                        "id": SHARE_AS_GOOD_PRACTICE,
                        "type": "action",
                        "context": ["message"],
                        "fetchTask": True,
                        "title": t(SHARE_TITLE),
                        "description": t(SHARE_DESCRIPTION),
                    }
                ],
            }
        ],
        "validDomains": [settings.public_host],
        # The app registration behind the bot; no single sign-on (no "resource") is asked for.
        "webApplicationInfo": {"id": settings.bot_id},
        "defaultInstallScope": "personal",
        "defaultGroupCapability": {"team": "bot"},
    }


#: The manifest's strings a localization file carries (the rest is the same in every language).
_LOCALIZED = re.compile(
    r"^(name\.(short|full)|description\.(short|full)"
    r"|bots\[0\]\.commandLists\[\d+\]\.commands\[\d+\]\.(title|description)"
    r"|composeExtensions\[0\]\.commands\[\d+\]\.(title|description))$"
)


def flatten(value: Any, path: str = "") -> dict[str, Any]:
    """Every leaf of a JSON value by its Teams path: {"bots[0].commandLists[1].scopes[0]": …}."""
    if isinstance(value, dict):
        found: dict[str, Any] = {}
        for key, item in value.items():
            found |= flatten(item, f"{path}.{key}" if path else str(key))
        return found
    if isinstance(value, list):
        found = {}
        for index, item in enumerate(value):
            found |= flatten(item, f"{path}[{index}]")
        return found
    return {path: value}


def build_localization(settings: TeamsSettings, t: Translator) -> dict[str, Any]:
    """A localization file (sv.json, fi.json): the manifest's texts in `t`'s language."""
    texts = {
        path: text
        for path, text in flatten(build_manifest(settings, t)).items()
        if _LOCALIZED.match(path)
    }
    return {"$schema": LOCALIZATION_SCHEMA_URL, **texts}
