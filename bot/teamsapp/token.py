"""The bot's own access token for the Bot Connector: OAuth 2.0 client credentials.

The Teams SDK takes a token function (AppOptions.token) instead of its msal-based default; this
is it. msal insists on an https authority and asks login.microsoftonline.com to discover
instances, so it could not run against the tests' fake; the protocol is the same either way
(POST {login}/{tenant}/oauth2/v2.0/token, grant_type=client_credentials, scope
https://api.botframework.com/.default). The token is cached until five minutes before expiry.
"""

from __future__ import annotations

import asyncio
import logging
import time

import aiohttp

from bot.platform.config import TeamsSettings

log = logging.getLogger(__name__)

BOT_SCOPE = "https://api.botframework.com/.default"


class TokenError(Exception):
    """No token: the login service refused the credentials or could not be reached."""


class BotToken:
    def __init__(self, settings: TeamsSettings, session: aiohttp.ClientSession | None = None):
        self._settings = settings
        self._session = session
        self._token: str | None = None
        self._expires = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        if self._token and time.monotonic() < self._expires:
            return self._token
        async with self._lock:
            if self._token and time.monotonic() < self._expires:
                return self._token
            self._token, lifetime = await self._fetch()
            self._expires = time.monotonic() + max(60.0, lifetime - 300)
            return self._token

    def forget(self) -> None:
        """After a 401 from the connector: fetch a new token on the next call."""
        self._token = None

    async def _fetch(self) -> tuple[str, float]:
        s = self._settings
        url = f"{s.login_url}/{s.tenant_id}/oauth2/v2.0/token"
        form = {
            "grant_type": "client_credentials",
            "client_id": s.bot_id,
            "client_secret": s.bot_secret.get(),
            "scope": BOT_SCOPE,
        }
        session = self._session or aiohttp.ClientSession()
        try:
            async with session.post(url, data=form, timeout=aiohttp.ClientTimeout(20)) as resp:
                body = await resp.json(content_type=None)
                if resp.status != 200 or not isinstance(body, dict) or "access_token" not in body:
                    error = body.get("error") if isinstance(body, dict) else None
                    raise TokenError(f"token refused ({resp.status} {error or 'no token'})")
                return str(body["access_token"]), float(body.get("expires_in", 3600))
        except (aiohttp.ClientError, TimeoutError, ValueError) as exc:
            raise TokenError(f"login service unreachable ({type(exc).__name__})") from None
        finally:
            if self._session is None:
                await session.close()
