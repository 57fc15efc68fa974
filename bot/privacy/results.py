"""What the personal-data use cases (`bot.privacy.service`) return: small data for
`bot.privacy.views`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class Problem(StrEnum):
    """Why nothing was deleted (each has its sentence in `bot.privacy.views`)."""

    NOT_YOURS = "not_yours"  # someone clicked another person's forget-me confirmation
    TOO_OLD = "too_old"  # forget-me: the confirmation expired or cannot be read
    NO_PERSON = "no_person"  # `/fika forget` without exactly one person
    YOURSELF = "yourself"  # `/fika forget` naming oneself: that is forget-me
    OTHER_TOO_OLD = "other_too_old"  # forget @person: expired, unreadable or not a user id


@dataclass(frozen=True)
class Confirmation:
    """What a confirmation button carries: whose data, asked when (read back by the surface)."""

    subject: str
    issued: datetime


@dataclass(frozen=True)
class Asked:
    """A request to forget: the confirmation to show, or why there is none."""

    confirmation: Confirmation | None = None
    problem: Problem | None = None


@dataclass(frozen=True)
class Forgot:
    """A confirmed request to forget: done (`changed`: whether anything was stored; `channels`:
    the program channels the person is still in), or why nothing was deleted."""

    subject: str = ""
    problem: Problem | None = None
    channels: tuple[str, ...] = ()
    changed: bool = False

    @property
    def done(self) -> bool:
        return self.problem is None


@dataclass(frozen=True)
class AccountChanged:
    """A person's account changed: whether Fika stores them, and whether they were just
    deactivated (True) or reactivated (False); None when that did not change."""

    known: bool
    deactivated: bool | None = None
