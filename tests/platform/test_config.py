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


TEAMS = {
    "SURFACES": "teams",
    "TEAMS_BOT_ID": "1a2b3c4d-5e6f-4a0b-8c9d-0e1f2a3b4c5d",
    "TEAMS_BOT_SECRET": "s3cr3t-value",
}


def test_teams_alone_needs_no_slack_settings() -> None:
    s = load_settings(TEAMS, dotenv_path=None)
    assert s.surfaces == ("teams",) and not s.slack_enabled
    assert s.teams is not None and s.teams.bot_id == TEAMS["TEAMS_BOT_ID"]
    assert s.teams.tenant_id == "botframework.com"  # multi-tenant unless a tenant is given
    assert "s3cr3t-value" in s.secret_values()
    assert "s3cr3t-value" not in repr(s)


def test_both_surfaces_need_both_settings() -> None:
    with pytest.raises(SettingsError) as exc:
        load_settings({**TEAMS, "SURFACES": "slack,teams"}, dotenv_path=None)
    assert any("SLACK_BOT_TOKEN" in p for p in exc.value.problems)
    with pytest.raises(SettingsError) as exc:
        load_settings({**VALID, "SURFACES": "slack, teams"}, dotenv_path=None)
    assert any("TEAMS_BOT_ID" in p for p in exc.value.problems)
    assert any("TEAMS_BOT_SECRET" in p for p in exc.value.problems)


def test_the_default_is_slack_alone() -> None:
    s = load_settings(VALID, dotenv_path=None)
    assert s.surfaces == ("slack",) and s.teams is None


def test_malformed_teams_settings_are_named() -> None:
    with pytest.raises(SettingsError) as exc:
        load_settings(
            {
                **TEAMS,
                "SURFACES": "teams,zoom",
                "TEAMS_BOT_ID": "fika",
                "TEAMS_TENANT_ID": "contoso",
                "TEAMS_ADMIN_USER_IDS": "U123",
                "TEAMS_OPENID_URL": "ftp://x",
            },
            dotenv_path=None,
        )
    text = "\n".join(exc.value.problems)
    for name in (
        "SURFACES",
        "TEAMS_BOT_ID",
        "TEAMS_TENANT_ID",
        "TEAMS_ADMIN_USER_IDS",
        "TEAMS_OPENID_URL",
    ):
        assert name in text


def test_teams_admin_ids_become_local_ids() -> None:
    s = load_settings(
        {
            **TEAMS,
            "TEAMS_ADMIN_USER_IDS": (
                "AAAAAAAA-bbbb-cccc-dddd-eeeeeeeeeeee, 0123456789abcdef0123456789abcdef"
            ),
        },
        dotenv_path=None,
    )
    assert s.teams is not None
    assert s.teams.admin_user_ids == {
        "aaaaaaaabbbbccccddddeeeeeeeeeeee",
        "0123456789abcdef0123456789abcdef",
    }
