"""Run Alembic migrations from code (startup, tests) with the same env.py as the CLI."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

# The schema spans every feature, so its migrations live beside them in bot/migrations.
MIGRATIONS_DIR = Path(__file__).parents[2] / "migrations"


def alembic_config(database_url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolation would eat '%' in passwords.
    cfg.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    cfg.attributes["configure_logging"] = False
    return cfg


def upgrade(database_url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url), revision)


def downgrade(database_url: str, revision: str) -> None:
    command.downgrade(alembic_config(database_url), revision)
