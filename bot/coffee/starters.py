"""Conversation starters for coffee groups, from the themes of the development team's work:
participation, diversity and interaction, the resource-smart library, digital inclusion.

Keys are stored with each group (so a group's intro can be rendered again in any language);
never reuse a key for a different question. The texts are translated at render time.
"""

from __future__ import annotations

import random

from bot.platform.i18n import N_

PARTICIPATION = N_("Participation")
DIVERSITY = N_("Diversity and interaction")
RESOURCE_SMART = N_("Resource-smart library")
DIGITAL_INCLUSION = N_("Digital inclusion")

# key → (theme, question)
STARTERS: dict[str, tuple[str, str]] = {
    "participation-shape": (
        PARTICIPATION,
        N_("How have patrons helped shape a service or a space at your library?"),
    ),
    "participation-newcomers": (
        PARTICIPATION,
        N_("Which event brought in people you don't usually see at the library? What worked?"),
    ),
    "participation-ideas": (
        PARTICIPATION,
        N_("How do you collect patrons' ideas, and what became of the last good one?"),
    ),
    "diversity-languages": (
        DIVERSITY,
        N_("Which languages do you hear at your service desk, and how do you meet them?"),
    ),
    "diversity-welcome": (
        DIVERSITY,
        N_("What makes your library feel welcoming to someone who has just moved here?"),
    ),
    "diversity-encounter": (
        DIVERSITY,
        N_(
            "Tell each other about a meeting with a patron that taught you something about "
            "your community."
        ),
    ),
    "resource-lending": (
        RESOURCE_SMART,
        N_("What do you lend besides books? Which item surprised you by being popular?"),
    ),
    "resource-small-change": (
        RESOURCE_SMART,
        N_("What small change at your library saved time, money or energy?"),
    ),
    "resource-sharing": (
        RESOURCE_SMART,
        N_("What do you share with neighbouring libraries – materials, staff, ideas?"),
    ),
    "digital-eservices": (
        DIGITAL_INCLUSION,
        N_("How do you help patrons who struggle with e-services or online banking codes?"),
    ),
    "digital-learn": (
        DIGITAL_INCLUSION,
        N_("Which digital skill would you like to learn from a colleague at another library?"),
    ),
    "digital-tool": (
        DIGITAL_INCLUSION,
        N_("Which tool or app has made your everyday work easier lately?"),
    ),
}


def choose_starter(seed: int, position: int, avoid: frozenset[str] = frozenset()) -> str:
    """A starter key for group `position` of a round with `seed` (deterministic)."""
    keys = sorted(STARTERS)
    fresh = [k for k in keys if k not in avoid] or keys
    return random.Random(f"{seed}:{position}").choice(fresh)


def starter_texts(key: str | None) -> tuple[str, str] | None:
    """(theme msgid, question msgid), or None for an unknown key."""
    return STARTERS.get(key or "")
