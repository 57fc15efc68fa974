"""The dependency rule holds on the tree, and the checker catches each kind of violation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.architecture.dependency_rules import PACKAGES, violations

ROOT = Path(__file__).resolve().parents[2]


def test_the_code_keeps_the_dependency_rule() -> None:
    assert violations(ROOT) == []


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for package in PACKAGES:
        (tmp_path / package).mkdir(exist_ok=True)
    return tmp_path


def test_a_planted_violation_in_a_copy_of_the_code_is_caught(tmp_path: Path) -> None:
    for package in PACKAGES:
        shutil.copytree(
            ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    assert violations(tmp_path) == []
    config = tmp_path / "bot/platform/config.py"
    config.write_text(config.read_text() + "\nfrom bot.coffee import rounds  # noqa\n")
    found = violations(tmp_path)
    assert "bot.platform.config (platform) imports bot.coffee.rounds" in found
    # bot.coffee.rounds reaches the settings again: the planted import also closes a cycle.
    assert any(v.startswith("import cycle:") and "bot.platform.config" in v for v in found)


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        (
            {"bot/platform/x.py": "from bot.tips.store import save_tip\n"},
            "bot.platform.x (platform) imports bot.tips.store",
        ),
        (
            {"bot/platform/x.py": "def f():\n    import handlers\n"},
            "bot.platform.x (platform) imports handlers",
        ),
        (
            {"bot/tips/store.py": "from handlers import router\n", "handlers/router.py": ""},
            "bot.tips.store (a feature) imports handlers.router",
        ),
        (
            {"bot/coffee/admin_service.py": "from bot.coffee.slack_admin import SlackPrograms\n"},
            "bot.coffee.admin_service (a service) imports bot.coffee.slack_admin",
        ),
        (
            {"bot/tips/digests.py": "from bot.platform.outbox import call\n"},
            "bot.tips.digests (a service) imports bot.platform.outbox",
        ),
        (
            {"bot/teams/manifest.py": "import slack_bolt\n"},
            "bot.teams.manifest (a service) imports slack_bolt",
        ),
        (
            {"bot/coffee/service.py": "from slack_sdk.web.async_client import AsyncWebClient\n"},
            "bot.coffee.service (a service) imports slack_sdk.web.async_client",
        ),
        (
            {
                "bot/tips/service.py": "from bot.platform import slack_client\n",
                "bot/platform/slack_client.py": "",
            },
            "bot.tips.service (a service) imports bot.platform.slack_client",
        ),
        (
            {"bot/coffee/pairing.py": "import sqlalchemy\n"},
            "bot.coffee.pairing (pure) imports sqlalchemy, which does I/O",
        ),
        (
            {"bot/tips/views.py": "def f(p):\n    return open(p).read()\n"},
            "bot.tips.views (pure) calls open()",
        ),
        (
            {"bot/worker_glue.py": "import jobs\n"},
            "bot.worker_glue imports jobs: only bot.__main__ may",
        ),
        (
            {"jobs/digest.py": "from handlers.home import x\n", "handlers/home.py": ""},
            "jobs.digest (a job) imports handlers.home",
        ),
        (
            {"handlers/a.py": "from handlers import b\n", "handlers/b.py": "import handlers.a\n"},
            "import cycle: handlers.a → handlers.b",
        ),
    ],
)
def test_each_kind_of_violation_is_caught(
    tmp_path: Path, files: dict[str, str], expected: str
) -> None:
    assert expected in violations(_tree(tmp_path, files))


def test_imports_inside_functions_and_type_checking_break_no_cycle(tmp_path: Path) -> None:
    files = {
        "handlers/a.py": "from handlers import b\n",
        "handlers/b.py": (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from handlers import a\n"
            "def f():\n    from handlers import a\n"
        ),
        "bot/__main__.py": "import handlers\nimport jobs\n",
    }
    assert violations(_tree(tmp_path, files)) == []
