"""Typed settings read from the environment (and `.env`).

Secrets are wrapped in `Secret` so a settings object can be logged or printed without leaking them.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

SUPPORTED_LOCALES = ("sv", "fi", "en")
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./data/fika.db"
DEFAULT_SLACK_API_URL = "https://slack.com/api/"


class Secret:
    """A string that never shows itself in repr/str (and so never in logs)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


SURFACES = ("slack", "teams")
TEAMS_OPENID_URL = "https://login.botframework.com/v1/.well-known/openidconfiguration"
TEAMS_LOGIN_URL = "https://login.microsoftonline.com"
TEAMS_TOKEN_ISSUER = "https://api.botframework.com"  # noqa: S105 - an issuer, not a secret
_GUID = re.compile(r"^[0-9a-fA-F]{8}(-?[0-9a-fA-F]{4}){3}-?[0-9a-fA-F]{12}$")


@dataclass(frozen=True)
class TeamsSettings:
    """The Microsoft Teams surface (bot/teamsapp/): its Entra app registration and, for tests
    only, where the Bot Framework's keys and tokens are served."""

    bot_id: str  # the app registration's Application (client) ID
    bot_secret: Secret  # a client secret of that registration
    # Single-tenant registrations get their tokens from their own tenant; multi-tenant ones
    # from "botframework.com".
    tenant_id: str = "botframework.com"
    openid_url: str = TEAMS_OPENID_URL
    login_url: str = TEAMS_LOGIN_URL
    token_issuer: str = TEAMS_TOKEN_ISSUER
    # Entra object ids of Fika admins in Teams (as 32 hex digits, see bot/teams/identity.py).
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    # Teams' rate limits as the bot paces itself by them, this many times faster (tests only).
    rate_scale: float = 1.0


@dataclass(frozen=True)
class Settings:
    slack_bot_token: Secret
    slack_signing_secret: Secret
    slack_app_token: Secret | None = None
    slack_api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = field(default=DEFAULT_DATABASE_URL, repr=False)  # may hold a password
    port: int = 3000
    host: str = "0.0.0.0"  # noqa: S104 - a server in a container listens on every interface
    default_locale: str = "sv"
    timezone: str = "Europe/Helsinki"
    admin_user_ids: frozenset[str] = field(default_factory=frozenset)
    followup_days: int = 4
    log_level: str = "INFO"
    scheduler_enabled: bool = True
    # Slack's rate limits as the bot paces itself by them (bot/platform/pacing.py), this many times
    # faster: 1 in production; larger only against a test double of Slack.
    slack_rate_scale: float = 1.0
    # Coffee-break history (rounds, groups, follow-up answers) older than this is deleted;
    # 0 keeps it forever (docs/privacy.md).
    history_retention_days: int = 730
    # Seconds between the scheduler's coffee-round passes (start due rounds, resume others).
    rounds_tick_seconds: int = 60
    # Processes that do the work of acknowledged requests over HTTP (bot/platform/worker_pool.py),
    # so that the serving process only reads and acknowledges; 0 does everything in one process.
    worker_processes: int = 0
    # Which chat surfaces this process serves: Slack, Microsoft Teams (TEAMS_*), or both.
    surfaces: tuple[str, ...] = ("slack",)
    teams: TeamsSettings | None = None

    @property
    def slack_enabled(self) -> bool:
        return "slack" in self.surfaces

    @property
    def socket_mode(self) -> bool:
        return bool(self.slack_app_token)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def secret_values(self) -> list[str]:
        """What the logs must never show: the tokens, the signing secret, the database password."""
        values = [self.slack_bot_token.get(), self.slack_signing_secret.get()]
        if self.slack_app_token:
            values.append(self.slack_app_token.get())
        if self.teams is not None:
            values.append(self.teams.bot_secret.get())
        password = make_url(self.database_url).password
        if password:
            values.append(str(password))
        return [v for v in values if v]  # Socket Mode has no signing secret


class SettingsError(Exception):
    """Raised with every problem found, so the operator fixes them all in one go."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


_SLACK_APP_PAGE = "the Slack app page (https://api.slack.com/apps → your app)"
_REQUIRED = {
    "SLACK_BOT_TOKEN": f"{_SLACK_APP_PAGE} → OAuth & Permissions → Bot User OAuth Token (xoxb-…)",
    "SLACK_SIGNING_SECRET": f"{_SLACK_APP_PAGE} → Basic Information → App Credentials → "
    "Signing Secret",
}


def _as_bool(value: str) -> bool | None:
    v = value.strip().lower()
    if v in {"1", "true", "yes", "on"}:
        return True
    if v in {"0", "false", "no", "off"}:
        return False
    return None


def load_settings(
    environ: Mapping[str, str] | None = None, dotenv_path: str | Path | None = ".env"
) -> Settings:
    """Read settings from `environ` (default: os.environ overlaid on `.env`)."""
    if environ is None:
        env: dict[str, str] = {}
        if dotenv_path is not None and Path(dotenv_path).is_file():
            from dotenv import dotenv_values

            env.update({k: v for k, v in dotenv_values(dotenv_path).items() if v is not None})
        env.update(os.environ)
    else:
        env = dict(environ)

    def get(name: str) -> str:
        return env.get(name, "").strip()

    problems: list[str] = []
    surfaces = tuple(x for x in re.split(r"[\s,]+", get("SURFACES").lower()) if x) or ("slack",)
    unknown = [x for x in surfaces if x not in SURFACES]
    if unknown:
        problems.append(
            "  SURFACES must be slack, teams or slack,teams (not: " + ", ".join(unknown) + ")."
        )
    teams = _teams_settings(get, problems) if "teams" in surfaces else None
    for name, where in _REQUIRED.items():
        if "slack" not in surfaces:
            break
        # Socket Mode (an app token) gets its requests over the socket, unsigned: no secret.
        if name == "SLACK_SIGNING_SECRET" and get("SLACK_APP_TOKEN"):
            continue
        if not get(name):
            problems.append(f"  {name} is missing: copy it from {where}.")
    bot_token = get("SLACK_BOT_TOKEN")
    if bot_token and not bot_token.startswith("xoxb-"):
        problems.append("  SLACK_BOT_TOKEN must be a bot token starting with 'xoxb-'.")
    app_token = get("SLACK_APP_TOKEN")
    if app_token and not app_token.startswith("xapp-"):
        problems.append(
            "  SLACK_APP_TOKEN must be an app-level token starting with 'xapp-' "
            f"({_SLACK_APP_PAGE} → Basic Information → App-Level Tokens, scope "
            "connections:write), or left empty for HTTP mode."
        )

    api_url = get("SLACK_API_URL") or DEFAULT_SLACK_API_URL
    if not re.match(r"^https?://", api_url):
        problems.append("  SLACK_API_URL must be an http(s) URL such as https://slack.com/api/.")
    elif not api_url.endswith("/"):
        api_url += "/"

    database_url = get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not re.match(r"^(sqlite|postgresql|postgres)(\+\w+)?://", database_url):
        problems.append(
            "  DATABASE_URL must start with sqlite:// or postgresql+psycopg:// "
            "(or postgresql+asyncpg://); see .env.example."
        )
    else:
        try:
            make_url(database_url)
        except (ArgumentError, ValueError):
            problems.append(
                "  DATABASE_URL is not a valid address: check the port, and write special "
                "characters of the password %-encoded (e.g. @ as %40)."
            )

    port = 3000
    if get("PORT"):
        try:
            port = int(get("PORT"))
            if not 0 < port < 65536:
                raise ValueError
        except ValueError:
            problems.append("  PORT must be a number between 1 and 65535.")

    default_locale = (get("DEFAULT_LOCALE") or "sv").lower()
    if default_locale not in SUPPORTED_LOCALES:
        problems.append(f"  DEFAULT_LOCALE must be one of {', '.join(SUPPORTED_LOCALES)}.")

    timezone = get("TIMEZONE") or "Europe/Helsinki"
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        problems.append(f"  TIMEZONE {timezone!r} is not a known time zone (e.g. Europe/Helsinki).")

    followup_days = 4
    if get("FOLLOWUP_DAYS"):
        try:
            followup_days = int(get("FOLLOWUP_DAYS"))
            if not 1 <= followup_days <= 30:
                raise ValueError
        except ValueError:
            problems.append("  FOLLOWUP_DAYS must be a whole number of days between 1 and 30.")

    scheduler_enabled = True
    if get("SCHEDULER_ENABLED"):
        parsed = _as_bool(get("SCHEDULER_ENABLED"))
        if parsed is None:
            problems.append("  SCHEDULER_ENABLED must be true or false.")
        else:
            scheduler_enabled = parsed

    rounds_tick_seconds = 60
    if get("ROUNDS_TICK_SECONDS"):
        try:
            rounds_tick_seconds = int(get("ROUNDS_TICK_SECONDS"))
            if not 1 <= rounds_tick_seconds <= 3600:
                raise ValueError
        except ValueError:
            problems.append("  ROUNDS_TICK_SECONDS must be a whole number from 1 to 3600.")

    history_retention_days = 730
    if get("HISTORY_RETENTION_DAYS"):
        try:
            history_retention_days = int(get("HISTORY_RETENTION_DAYS"))
            if not (history_retention_days == 0 or 30 <= history_retention_days <= 36500):
                raise ValueError
        except ValueError:
            problems.append(
                "  HISTORY_RETENTION_DAYS must be a whole number of days from 30 to 36500, "
                "or 0 to keep the coffee-break history forever."
            )

    slack_rate_scale = 1.0
    if get("SLACK_RATE_SCALE"):
        try:
            slack_rate_scale = float(get("SLACK_RATE_SCALE"))
            if not 1 <= slack_rate_scale <= 10_000:
                raise ValueError
        except ValueError:
            problems.append(
                "  SLACK_RATE_SCALE must be a number from 1 to 10000 (leave it unset against "
                "real Slack)."
            )

    # HTTP mode: one worker process by default; Socket Mode acknowledges over its socket and
    # does the work in its own process (WORKER_PROCESSES applies to HTTP only).
    worker_processes = 0 if app_token else 1
    if get("WORKER_PROCESSES"):
        try:
            worker_processes = int(get("WORKER_PROCESSES"))
            if not 0 <= worker_processes <= 16:
                raise ValueError
        except ValueError:
            problems.append(
                "  WORKER_PROCESSES must be a whole number from 0 to 16 (0: all work in the "
                "serving process)."
            )

    admins = frozenset(u for u in re.split(r"[\s,]+", get("ADMIN_USER_IDS")) if u)
    bad_admins = [u for u in admins if not re.match(r"^([UW][A-Z0-9]+|[0-9a-f]{32})$", u)]
    if bad_admins:
        problems.append(
            "  ADMIN_USER_IDS must be Slack member IDs such as U012ABCDEF (or, for Teams, "
            "TEAMS_ADMIN_USER_IDS), separated by commas "
            f"(not: {', '.join(sorted(bad_admins))})."
        )

    log_level = (get("LOG_LEVEL") or "INFO").upper()
    if log_level not in LOG_LEVELS:
        problems.append(f"  LOG_LEVEL must be one of {', '.join(LOG_LEVELS)}.")

    if problems:
        raise SettingsError(problems)

    return Settings(
        slack_bot_token=Secret(bot_token),
        slack_signing_secret=Secret(get("SLACK_SIGNING_SECRET")),
        slack_app_token=Secret(app_token) if app_token else None,
        slack_api_url=api_url,
        database_url=database_url,
        port=port,
        host=get("HOST") or "0.0.0.0",  # noqa: S104
        default_locale=default_locale,
        timezone=timezone,
        admin_user_ids=admins,
        followup_days=followup_days,
        log_level=log_level,
        scheduler_enabled=scheduler_enabled,
        slack_rate_scale=slack_rate_scale,
        history_retention_days=history_retention_days,
        rounds_tick_seconds=rounds_tick_seconds,
        worker_processes=worker_processes if not app_token else 0,
        surfaces=surfaces,
        teams=teams,
    )


_ENTRA = "the Azure portal → Microsoft Entra ID → App registrations → your Fika app"


def _teams_settings(get: Callable[[str], str], problems: list[str]) -> TeamsSettings | None:
    """TEAMS_* for the Teams surface (SURFACES includes teams); docs/deploy-teams.md."""
    before = len(problems)
    bot_id = get("TEAMS_BOT_ID")
    if not bot_id:
        problems.append(
            f"  TEAMS_BOT_ID is missing: {_ENTRA} → Overview → Application (client) ID."
        )
    elif not _GUID.match(bot_id):
        problems.append("  TEAMS_BOT_ID must be the Application (client) ID, a GUID.")
    password = get("TEAMS_BOT_SECRET")
    if not password:
        problems.append(
            f"  TEAMS_BOT_SECRET is missing: {_ENTRA} → Certificates & secrets → New client "
            "secret (copy its Value)."
        )
    tenant = get("TEAMS_TENANT_ID") or "botframework.com"
    if tenant != "botframework.com" and not _GUID.match(tenant):
        problems.append(
            "  TEAMS_TENANT_ID must be your Directory (tenant) ID, a GUID, or empty for a "
            "multi-tenant app registration."
        )
    urls = {}
    for name, default in (
        ("TEAMS_OPENID_URL", TEAMS_OPENID_URL),
        ("TEAMS_LOGIN_URL", TEAMS_LOGIN_URL),
        ("TEAMS_TOKEN_ISSUER", TEAMS_TOKEN_ISSUER),
    ):
        urls[name] = get(name) or default
        if not re.match(r"^https?://", urls[name]):
            problems.append(f"  {name} must be an http(s) URL (leave it empty for Microsoft's).")
    admins = set()
    for raw in (u for u in re.split(r"[\s,]+", get("TEAMS_ADMIN_USER_IDS")) if u):
        if _GUID.match(raw):
            admins.add(raw.replace("-", "").lower())
        else:
            problems.append(
                "  TEAMS_ADMIN_USER_IDS must be Entra object IDs (GUIDs: Microsoft Entra ID → "
                f"Users → the person → Object ID), separated by commas (not: {raw})."
            )
    rate_scale = 1.0
    if get("TEAMS_RATE_SCALE"):
        try:
            rate_scale = float(get("TEAMS_RATE_SCALE"))
            if not 1 <= rate_scale <= 10_000:
                raise ValueError
        except ValueError:
            problems.append("  TEAMS_RATE_SCALE must be a number from 1 to 10000 (tests only).")
    if len(problems) > before:
        return None
    return TeamsSettings(
        bot_id=bot_id,
        bot_secret=Secret(password),
        tenant_id=tenant,
        openid_url=urls["TEAMS_OPENID_URL"],
        login_url=urls["TEAMS_LOGIN_URL"].rstrip("/"),
        token_issuer=urls["TEAMS_TOKEN_ISSUER"],
        admin_user_ids=frozenset(admins),
        rate_scale=rate_scale,
    )
