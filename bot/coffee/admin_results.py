"""What the admins' coffee-break use cases (`bot.coffee.admin_service`) return: small frozen
results that `bot.coffee.views.admin` renders in the reader's language, and that the chat
surface's adapter (`bot.coffee.slack_admin`) posts in the program's channel."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.coffee.models import CoffeeProgram
from bot.coffee.schedule import Slot
from bot.coffee.stats import CoffeeStats


@dataclass(frozen=True)
class NotAProgram:
    """The command was typed where no program runs; `others` are the running programs'
    channels, to name instead."""

    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class Started:
    """`/fika start`: the program now running in the channel and its next round;
    `already_running` when it was running before (nothing changed, nothing posted)."""

    program: CoffeeProgram
    next_round: Slot
    already_running: bool = False


@dataclass(frozen=True)
class Stopped:
    program: CoffeeProgram


@dataclass(frozen=True)
class PlanChanged:
    """`/fika schedule` or `/fika size`: the program's new plan and its next round."""

    program: CoffeeProgram
    next_round: Slot


@dataclass(frozen=True)
class Pairing:
    """`/fika pair-now`. `started`: this period's round is being made now, and `next_round`
    is the next scheduled one after it; otherwise this period's round was made already (or is
    going out) and `next_round` is the next one."""

    program: CoffeeProgram
    next_round: Slot
    started: bool


@dataclass(frozen=True)
class StatsExport:
    """The figures for a file, with each round's channel as people know it."""

    stats: CoffeeStats
    channel_names: Mapping[str, str]


@dataclass(frozen=True)
class Figures:
    """`/fika stats`: the figures; `file_sent` when they went to the person as a file."""

    stats: CoffeeStats
    file_sent: bool = False
