"""Import every model module so `Base.metadata` knows all tables (Alembic, drift test)."""

from bot.coffee import models as coffee_models  # noqa: F401
from bot.people import models as people_models  # noqa: F401
from bot.platform.db import models as platform_models  # noqa: F401
from bot.platform.db.base import Base
from bot.teamsapp import models as teams_models  # noqa: F401
from bot.tips import models as tips_models  # noqa: F401

metadata = Base.metadata
