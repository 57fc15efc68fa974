"""The `/fika` vocabulary (coffee breaks)."""

from __future__ import annotations

from bot.platform.commands import HELP, CommandSet, Subcommand
from bot.platform.i18n import N_

JOIN = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("join"),
    summary=N_("Take part in the coffee breaks (again)."),
    extra_aliases=("ga-med", "gamed", "gå_med"),
)
LEAVE = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("leave"),
    summary=N_("Stop taking part in the coffee breaks."),
    extra_aliases=("lamna",),
)
PAUSE = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("pause"),
    summary=N_("Take a break; you are paired again automatically afterwards."),
    args=N_("<N weeks | YYYY-MM-DD>"),
)
RESUME = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("resume"),
    summary=N_("End your break now."),
    extra_aliases=("fortsatt",),
)
STATUS = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("status"),
    summary=N_("Your programs, the next round, your latest partners and your break."),
    extra_aliases=("lage",),
)
PROFILE = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("profile"),
    summary=N_("Your library, the languages you chat in, and your message language."),
)
MY_DATA = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("my-data"),
    summary=N_("What Fika stores about you."),
    extra_aliases=("mydata", "my_data", "minauppgifter", "omattiedot"),
)
FORGET_ME = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("forget-me"),
    summary=N_("Delete your data from Fika (you are asked to confirm)."),
    extra_aliases=("forgetme", "forget_me", "glommig", "unohdaminut"),
)
FORGET = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("forget"),
    summary=N_(
        "Delete a departed colleague's data on an erasure request (you are asked to confirm)."
    ),
    args=N_("<@person | member ID>"),
    extra_aliases=("glom",),
)
LIBRARIES = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("libraries"),
    summary=N_("The list of libraries (admins: add one or load a CSV)."),
    args=N_("[add | load | remove <name>]"),
)
START = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("start"),
    summary=N_("Make this channel a coffee-break program."),
)
STOP = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("stop"),
    summary=N_("End the coffee breaks in this channel."),
)
SCHEDULE = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("schedule"),
    summary=N_("When rounds happen."),
    args=N_("<weekday> <HH:MM> [every N weeks]"),
)
SIZE = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("size"),
    summary=N_("How many people meet in a group (2–6)."),
    args=N_("<2–6>"),
)
PAIR_NOW = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("pair-now"),
    summary=N_("Run a round right now in this channel."),
    # parita-nyt: the Finnish word until 2026-12 (it also reads as "procure"); still understood.
    extra_aliases=("pairnow", "pair_now", "paranu", "parita-nyt", "paritanyt", "yhdistanyt"),
)
STATS = Subcommand(
    # TRANSLATORS: command word typed after /fika (one word, lower case, hyphens)
    name=N_("stats"),
    summary=N_("Figures for a year or a date range, or as a CSV file."),
    args=N_("[YYYY | YYYY-MM-DD..YYYY-MM-DD] [csv]"),
)

FIKA = CommandSet(
    "/fika",
    (
        HELP,
        JOIN,
        LEAVE,
        PAUSE,
        RESUME,
        STATUS,
        PROFILE,
        MY_DATA,
        FORGET_ME,
        LIBRARIES,
        START,
        STOP,
        SCHEDULE,
        SIZE,
        PAIR_NOW,
        STATS,
        FORGET,
    ),
    escaped=True,  # manifest.yml: should_escape: true, so `/fika forget @person` works
)
