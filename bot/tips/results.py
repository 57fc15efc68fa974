"""What the tips use cases (`bot.tips.service`) return: small data for `bot.tips.views`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.people.models import Library
from bot.tips.export import Period
from bot.tips.models import Tip, TipSource
from bot.tips.search import SearchResult
from bot.tips.store import FieldError, Page


class Outcome(StrEnum):
    DONE = "done"
    REFUSED = "refused"  # the permission table says no; nothing was changed
    NO_SUCH_TIP = "no_such_tip"  # not in this workspace
    ALREADY_DECIDED = "already_decided"  # approved or rejected before (by whom: `tip`)
    INVALID = "invalid"  # the form's fields; see `errors`


@dataclass(frozen=True)
class Reviewed:
    """What became of a reviewer's click or form."""

    outcome: Outcome
    tip: Tip | None = None  # as it stands now (ALREADY_DECIDED: who decided it); None if none
    errors: Mapping[str, FieldError] = field(default_factory=dict)  # INVALID: by field name
    refusal: str = ""  # REFUSED: the msgid to show
    changed: tuple[str, ...] = ()  # an edit: the fields that changed

    @property
    def done(self) -> bool:
        return self.outcome == Outcome.DONE


@dataclass(frozen=True)
class Shared:
    """A tip sent from the form: its id, or the fields to correct (by field name), or (fields
    fine) that the form's own record of where it came from could not be read."""

    tip_id: int | None
    errors: Mapping[str, FieldError] = field(default_factory=dict)
    unreadable: bool = False


@dataclass(frozen=True)
class TipList:
    """One page of `/tips search|latest|mine` (`kind`); `found` is a SearchResult for search."""

    kind: str
    query: str
    found: Page | SearchResult


@dataclass(frozen=True)
class TipsExport:
    """The tips of an export period with the names to show for their authors and deciders."""

    period: Period
    tips: list[Tip]
    names: dict[str, str]


@dataclass(frozen=True)
class TipForm:
    """What the tip form is opened with: the text's first sentence as the title, the
    workspace's libraries with the person's own chosen, or (a name they typed themselves,
    not in the list) that library to offer as free text; where the tip comes from."""

    title: str = ""
    description: str = ""
    libraries: tuple[Library, ...] = ()
    library_id: int | None = None
    typed_library: Library | None = None
    link: str | None = None
    source: str = TipSource.COMMAND.value
    source_ref: str | None = None


# ---------------------------------------------------------------------------- setup (admins)


class ChannelProblem(StrEnum):
    """Why a channel cannot be used for `/tips setup`; nothing was changed."""

    NOT_HERE = "not_here"  # a direct message, or no channel at all
    INVITE = "invite"  # the bot cannot see it (private, not invited)
    ARCHIVED = "archived"


@dataclass(frozen=True)
class ChannelState:
    """A channel as the chat surface describes it (`TipChannels.channel`)."""

    direct: bool = False  # a direct or group message
    archived: bool = False
    private: bool = False
    bot_is_member: bool = False


@dataclass(frozen=True)
class ReviewChannelSet:
    """`/tips setup review`: the channel now reviewing (`reviewers`: its members but the bot;
    `changed`: it was not the review channel before), or why not."""

    channel_id: str
    problem: ChannelProblem | None = None
    reviewers: int = 0
    changed: bool = False


@dataclass(frozen=True)
class DigestSet:
    """`/tips setup digest`: the channel and weekly slot (weekday, hour, minute) the digest is
    posted in from now on, and when the next one goes; or why not."""

    channel_id: str
    problem: ChannelProblem | None = None
    slot: tuple[int, int, int] = (0, 0, 0)
    next_at: datetime | None = None
    changed: bool = False


@dataclass(frozen=True)
class TipSetup:
    """`/tips setup` alone: the review channel and the digest's channel and slot (None: not
    set, or off)."""

    review_channel: str | None
    digest_channel: str | None
    digest_slot: tuple[int, int, int] | None
