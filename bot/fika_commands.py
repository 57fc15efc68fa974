"""The `/fika` vocabulary (coffee breaks)."""

from __future__ import annotations

from bot.commands import HELP, CommandSet, Subcommand
from bot.i18n import N_

JOIN = Subcommand(
    name="join",
    summary=N_("Take part in the coffee breaks (again)."),
    aliases={"sv": "gå-med", "fi": "liity"},
    extra_aliases=("ga-med", "gamed", "gå_med"),
)
LEAVE = Subcommand(
    name="leave",
    summary=N_("Stop taking part in the coffee breaks."),
    aliases={"sv": "lämna", "fi": "poistu"},
    extra_aliases=("lamna",),
)
PAUSE = Subcommand(
    name="pause",
    summary=N_("Take a break; you are paired again automatically afterwards."),
    aliases={"sv": "paus", "fi": "tauko"},
    args=N_("<N weeks | YYYY-MM-DD>"),
)
RESUME = Subcommand(
    name="resume",
    summary=N_("End your break now."),
    aliases={"sv": "fortsätt", "fi": "jatka"},
    extra_aliases=("fortsatt",),
)
STATUS = Subcommand(
    name="status",
    summary=N_("Your programs, the next round, your latest partners and your break."),
    aliases={"sv": "läge", "fi": "tila"},
    extra_aliases=("lage",),
)
PROFILE = Subcommand(
    name="profile",
    summary=N_("Your library, the languages you chat in, and your message language."),
    aliases={"sv": "profil", "fi": "profiili"},
)
MY_DATA = Subcommand(
    name="my-data",
    summary=N_("What Fika stores about you."),
    aliases={"sv": "mina-uppgifter", "fi": "omat-tiedot"},
    extra_aliases=("mydata", "my_data", "minauppgifter", "omattiedot"),
)
FORGET_ME = Subcommand(
    name="forget-me",
    summary=N_("Delete your data from Fika (you are asked to confirm)."),
    aliases={"sv": "glöm-mig", "fi": "unohda-minut"},
    extra_aliases=("forgetme", "forget_me", "glommig", "unohdaminut"),
)
FORGET = Subcommand(
    name="forget",
    summary=N_(
        "Delete a departed colleague's data on an erasure request (you are asked to confirm)."
    ),
    aliases={"sv": "glöm", "fi": "unohda"},
    args=N_("<@person | member ID>"),
    extra_aliases=("glom",),
)
LIBRARIES = Subcommand(
    name="libraries",
    summary=N_("The list of libraries (admins: add one or load a CSV)."),
    aliases={"sv": "bibliotek", "fi": "kirjastot"},
    args=N_("[add | load | remove <name>]"),
)
START = Subcommand(
    name="start",
    summary=N_("Make this channel a coffee-break program."),
    aliases={"sv": "starta", "fi": "aloita"},
)
STOP = Subcommand(
    name="stop",
    summary=N_("End the coffee breaks in this channel."),
    aliases={"sv": "stoppa", "fi": "lopeta"},
)
SCHEDULE = Subcommand(
    name="schedule",
    summary=N_("When rounds happen."),
    aliases={"sv": "schema", "fi": "aikataulu"},
    args=N_("<weekday> <HH:MM> [every N weeks]"),
)
SIZE = Subcommand(
    name="size",
    summary=N_("How many people meet in a group (2–6)."),
    aliases={"sv": "storlek", "fi": "koko"},
    args=N_("<2–6>"),
)
PAIR_NOW = Subcommand(
    name="pair-now",
    summary=N_("Run a round right now in this channel."),
    aliases={"sv": "para-nu", "fi": "parita-nyt"},
    extra_aliases=("pairnow", "pair_now", "paranu", "paritanyt"),
)
STATS = Subcommand(
    name="stats",
    summary=N_("Figures for a year or a date range, or as a CSV file."),
    aliases={"sv": "statistik", "fi": "tilastot"},
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
