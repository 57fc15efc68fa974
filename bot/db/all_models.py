"""Import every model module so `Base.metadata` knows all tables (Alembic, drift test)."""

from bot.db import coffee_models, models, tips_models  # noqa: F401
from bot.db.base import Base

metadata = Base.metadata
