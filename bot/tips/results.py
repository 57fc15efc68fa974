"""What the tips use cases (`bot.tips.service`) return: small data for `bot.tips.views`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from bot.tips.export import Period
from bot.tips.models import Tip
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
