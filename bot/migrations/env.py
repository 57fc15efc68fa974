"""Alembic environment: runs with a blocking driver derived from the app's DATABASE_URL."""

from __future__ import annotations

import os
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool, text

from bot.migrations.all_models import metadata
from bot.platform.db.engine import (
    DEFAULT_DATABASE_URL_FALLBACK,
    ensure_sqlite_dir,
    install_sqlite_pragmas,
    sync_url,
)

config = context.config
_LOCK_KEY = 0x46494B41  # "FIKA"
if config.config_file_name is not None and config.attributes.get("configure_logging", True):
    fileConfig(config.config_file_name)


def _database_url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from dotenv import dotenv_values

    return (
        os.environ.get("DATABASE_URL")
        or dotenv_values(".env").get("DATABASE_URL")
        or DEFAULT_DATABASE_URL_FALLBACK
    )


def run_migrations_offline() -> None:
    context.configure(
        url=sync_url(_database_url()),
        target_metadata=metadata,
        literal_binds=True,
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    url = sync_url(_database_url())
    ensure_sqlite_dir(url)
    engine = create_engine(url, poolclass=pool.NullPool, hide_parameters=True)
    if url.get_backend_name() == "sqlite":
        install_sqlite_pragmas(engine)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            if connection.dialect.name == "postgresql":
                # Replicas starting together: one migrates, the others wait, then find it done.
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
