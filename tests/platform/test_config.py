from __future__ import annotations

import pytest

from bot.platform.config import SettingsError, load_settings

VALID = {"SLACK_BOT_TOKEN": "xoxb-1-2-abc", "SLACK_SIGNING_SECRET": "s3cr3t-value"}


def test_missing_settings_are_all_named_with_where_to_find_them() -> None:
    with pytest.raises(SettingsError) as exc:
        load_settings({})
    text = str(exc.value)
    assert "SLACK_BOT_TOKEN" in text and "OAuth & Permissions" in text
    assert "SLACK_SIGNING_SECRET" in text and "Signing Secret" in text


def test_malformed_settings_are_reported_together() -> None:
    env = {
        **VALID,
        "SLACK_BOT_TOKEN": "xoxp-user-token",
        "PORT": "eighty",
        "DEFAULT_LOCALE": "de",
        "TIMEZONE": "Mars/Olympus",
        "ADMIN_USER_IDS": "U123ABC, bob",
        "DATABASE_URL": "mysql://x",
        "SLACK_APP_TOKEN": "xoxb-wrong-kind",
    }
    with pytest.raises(SettingsError) as exc:
        load_settings(env)
    names = " ".join(exc.value.problems)
    for name in (
        "SLACK_BOT_TOKEN",
        "PORT",
        "DEFAULT_LOCALE",
        "TIMEZONE",
        "ADMIN_USER_IDS",
        "DATABASE_URL",
        "SLACK_APP_TOKEN",
    ):
        assert name in names
    assert len(exc.value.problems) == 7


def test_defaults_and_modes() -> None:
    s = load_settings(VALID)
    assert s.port == 3000
    assert s.slack_api_url == "https://slack.com/api/"
    assert s.database_url.startswith("sqlite+aiosqlite:///./data/")
    assert s.default_locale == "sv" and s.timezone == "Europe/Helsinki"
    assert not s.socket_mode
    s2 = load_settings(
        {**VALID, "SLACK_APP_TOKEN": "xapp-1-A", "SLACK_API_URL": "http://127.0.0.1:9/api"}
    )
    assert s2.socket_mode
    assert s2.slack_api_url == "http://127.0.0.1:9/api/"


def test_secrets_never_show_in_repr() -> None:
    s = load_settings({**VALID, "SLACK_APP_TOKEN": "xapp-1-SECRETAPP"})
    shown = repr(s) + str(s)
    assert "xoxb-1-2-abc" not in shown
    assert "s3cr3t-value" not in shown
    assert "SECRETAPP" not in shown
    assert s.slack_bot_token.get() == "xoxb-1-2-abc"


def test_admin_ids_parse() -> None:
    s = load_settings({**VALID, "ADMIN_USER_IDS": "U01ABC, U02DEF  W03GHI"})
    assert s.admin_user_ids == {"U01ABC", "U02DEF", "W03GHI"}
