"""The `/tips` vocabulary (good-practice tips).

`/tips` alone, or `/tips <any text>` that is not a command word, opens the tip form.
"""

from __future__ import annotations

from bot.platform.commands import HELP, CommandSet, Subcommand, fold
from bot.platform.i18n import N_

NEW = Subcommand(
    # TRANSLATORS: command word typed after /tips (one word, lower case, hyphens)
    name=N_("new"),
    summary=N_("Share a tip: a form opens. `/tips` alone or `/tips your text` work too."),
    args=N_("[your tip]"),
    extra_aliases=("share", "dela", "jaa"),
)
SEARCH = Subcommand(
    # TRANSLATORS: command word typed after /tips (one word, lower case, hyphens)
    name=N_("search"),
    summary=N_("Find approved tips; the start of a word is enough."),
    args=N_("<words>"),
    extra_aliases=("haku", "find"),
)
LATEST = Subcommand(
    # TRANSLATORS: command word typed after /tips (one word, lower case, hyphens)
    name=N_("latest"),
    summary=N_("The latest approved tips."),
)
MINE = Subcommand(
    # TRANSLATORS: command word typed after /tips (one word, lower case, hyphens)
    name=N_("mine"),
    summary=N_("Your tips and where they stand."),
)
REVIEW = Subcommand(
    # TRANSLATORS: command word typed after /tips (one word, lower case, hyphens)
    name=N_("review"),
    summary=N_("Tips waiting for review, oldest first."),
)
EXPORT = Subcommand(
    # TRANSLATORS: command word typed after /tips (one word, lower case, hyphens)
    name=N_("export"),
    summary=N_("All tips of a year or period as a CSV file, sent to you privately."),
    args=N_("[YYYY | YYYY-MM-DD..YYYY-MM-DD]"),
)
SETUP = Subcommand(
    # TRANSLATORS: command word typed after /tips (one word, lower case, hyphens)
    name=N_("setup"),
    summary=N_(
        "Type in a channel: `review` makes it the review channel, `digest` posts the weekly "
        "digest there (optionally a day and time), `digest off` stops it."
    ),
    args=N_("review | digest [day time] | digest off"),
    extra_aliases=("installningar", "settings"),
)

TIPS = CommandSet(
    "/tips",
    (NEW, SEARCH, LATEST, MINE, REVIEW, EXPORT, SETUP, HELP),
)

# The second word of `/tips setup …`.
SETUP_REVIEW = frozenset(
    fold(w) for w in ("review", "reviews", "granskning", "granska", "tarkastus", "tarkasta")
)
SETUP_DIGEST = frozenset(
    fold(w) for w in ("digest", "sammandrag", "veckobrev", "kooste", "koonti", "viikkokooste")
)
OFF_WORDS = frozenset(fold(w) for w in ("off", "stop", "av", "stopp", "pois", "seis"))
