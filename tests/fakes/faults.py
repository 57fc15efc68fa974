"""Seeded fault injection for :class:`~tests.fakes.slack_api.FakeSlack`: Slack on a bad day.

``fake.faults = Faults(seed=7, rate_limited=0.10, server_errors=0.02)`` makes about 10 % of
Web API calls answer HTTP 429 ``ratelimited`` (with ``Retry-After``) and about 2 % answer
HTTP 500 ``internal_error``. A share of the 500s on the methods in ``stored_methods``
(``chat.postMessage`` by default) happen *after* the call took effect: the message is stored
in the conversation and the caller still gets a 500, as real Slack sometimes does. A client
that simply retries such a call posts the message twice.

Deterministic: whether the n-th call to a method fails is decided by hashing
``(seed, method, n)``, so one process making the same calls in the same order meets the same
faults every run; the odds are the same when several processes share the fake. ``forced``
pins a fault on given calls, e.g. ``{("chat.postMessage", 5): STORED_THEN_500}``, for a test
that must meet a case whatever the dice say. ``injected`` lists every fault, in order.

A *late landing* (``LATE_LANDING``, only when forced) is a post Slack stores after the client
gave up: the fake never answers the request; once the client has closed the connection (its
HTTP timeout passed, or its process died), the message is stored — at once
(``late_landing="after_give_up"``), or when the test calls :meth:`Faults.land_late`
(``late_landing="held"``, so a test can let a restarted bot look first), or never
(:meth:`Faults.drop_late`). ``late`` lists them; ``in_flight`` is set when one has arrived.

Faults apply to ``/api/<method>`` only (not to upload URLs or response URLs), and only
to the methods in ``methods`` when that is given. They come before the fake's own checks
(authentication, arguments) except for the stored-then-500 kind, which needs a successful call.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from tests.fakes.slack_api import Call, NoAnswer, SlackError

JSON = dict[str, Any]
Dispatch = Callable[[Call, dict[str, str]], JSON]

RATE_LIMITED = "ratelimited"  # HTTP 429 with Retry-After, nothing done
SERVER_ERROR = "server_error"  # HTTP 500 before anything was done
STORED_THEN_500 = "stored_then_500"  # the call took effect, the answer is still a 500
LATE_LANDING = "late_landing"  # no answer; the call takes effect after the client gave up
KINDS = (RATE_LIMITED, SERVER_ERROR, STORED_THEN_500, LATE_LANDING)
LANDINGS = ("after_give_up", "held")


@dataclass
class LatePost:
    """A call that met LATE_LANDING: `landed` once it took effect, `dropped` if it never will."""

    call: Call
    index: int
    land_now: Callable[[], JSON] = field(repr=False)
    client_gone: bool = False
    landed: bool = False
    dropped: bool = False
    response: JSON | None = field(default=None, repr=False)

    def land(self) -> None:
        if self.landed or self.dropped:
            return
        self.landed = True
        try:
            self.response = self.land_now()
        except SlackError as exc:
            self.response = exc.body()
        self.call.response = self.response


@dataclass(frozen=True)
class Injected:
    """One fault the fake answered with."""

    kind: str
    method: str
    index: int  # the n-th call to `method` (from 1)
    args: JSON = field(repr=False)
    response: JSON | None = field(default=None, repr=False)  # what a stored call had returned
    call: Call | None = field(default=None, repr=False, compare=False)  # the fake's record

    @property
    def event_type(self) -> str | None:
        metadata = self.args.get("metadata")
        return metadata.get("event_type") if isinstance(metadata, dict) else None

    @property
    def group_id(self) -> Any:
        metadata = self.args.get("metadata")
        payload = metadata.get("event_payload") if isinstance(metadata, dict) else None
        return payload.get("group_id") if isinstance(payload, dict) else None


class Faults:
    """A fault plan for one fake; assign it to ``FakeSlack.faults`` (``None`` switches off)."""

    def __init__(
        self,
        *,
        seed: int,
        rate_limited: float = 0.0,
        server_errors: float = 0.0,
        stored_share: float = 0.5,
        retry_after: int = 1,
        methods: Collection[str] | None = None,
        stored_methods: Collection[str] = ("chat.postMessage",),
        forced: Mapping[tuple[str, int], str] | None = None,
        late_landing: str = "after_give_up",
    ) -> None:
        if not 0 <= rate_limited + server_errors <= 1:
            raise ValueError("rate_limited + server_errors must be between 0 and 1")
        if any(kind not in KINDS for kind in (forced or {}).values()):
            raise ValueError(f"forced faults must be one of {KINDS}")
        self.seed = seed
        self.rate_limited = rate_limited
        self.server_errors = server_errors
        self.stored_share = stored_share
        #: Seconds in the Retry-After header of a 429 (slack_sdk waits this plus up to 1 s).
        self.retry_after = retry_after
        self.methods = frozenset(methods) if methods is not None else None
        self.stored_methods = frozenset(stored_methods)
        self.forced = dict(forced or {})
        if late_landing not in LANDINGS:
            raise ValueError(f"late_landing must be one of {LANDINGS}")
        self.late_landing = late_landing
        self.late: list[LatePost] = []
        #: Set when a late-landing call has arrived (the client is waiting for an answer).
        self.in_flight = asyncio.Event()
        self.enabled = True
        self.injected: list[Injected] = []
        self._seen: Counter[str] = Counter()

    def stored_then_500(self, call: Call) -> bool:
        """Whether the fake stored what `call` asked for and still answered 500."""
        return any(f.call is call for f in self.injected if f.kind == STORED_THEN_500)

    def land_late(self) -> int:
        """Store every late post whose client has given up and that has not landed; how many."""
        waiting = [p for p in self.late if p.client_gone and not (p.landed or p.dropped)]
        for post in waiting:
            post.land()
        return len(waiting)

    def drop_late(self) -> int:
        """Late posts that have not landed never will (Slack lost them); how many."""
        waiting = [p for p in self.late if not (p.landed or p.dropped)]
        for post in waiting:
            post.dropped = True
        return len(waiting)

    def counts(self) -> Counter[str]:
        """How many faults of each kind were injected."""
        return Counter(f.kind for f in self.injected)

    def _dice(self, method: str, index: int, salt: str) -> float:
        digest = hashlib.sha256(f"{self.seed}\x1f{method}\x1f{index}\x1f{salt}".encode()).digest()
        return int.from_bytes(digest[:8], "big") / 2**64

    def decide(self, method: str) -> tuple[int, str | None]:
        """Count a call to `method`; its index and the fault it meets (None: none)."""
        self._seen[method] += 1
        index = self._seen[method]
        if not self.enabled or (self.methods is not None and method not in self.methods):
            return index, None
        forced = self.forced.get((method, index))
        if forced is not None:
            return index, forced
        roll = self._dice(method, index, "fault")
        if roll < self.rate_limited:
            return index, RATE_LIMITED
        if roll < self.rate_limited + self.server_errors:
            stored = (
                method in self.stored_methods
                and self._dice(method, index, "stored") < self.stored_share
            )
            return index, STORED_THEN_500 if stored else SERVER_ERROR
        return index, None

    def wrap(self, dispatch: Dispatch) -> Dispatch:
        """``dispatch`` (the fake's ``_dispatch``) with this plan's faults in front of it."""

        def faulty(call: Call, headers: dict[str, str]) -> JSON:
            index, kind = self.decide(call.method)
            if kind is None:
                return dispatch(call, headers)
            if kind == LATE_LANDING:
                self._record(kind, call, index, None)
                post = LatePost(call, index, lambda: dispatch(call, headers))
                self.late.append(post)
                self.in_flight.set()

                def after_give_up() -> None:
                    post.client_gone = True
                    if self.late_landing == "after_give_up":
                        post.land()

                raise NoAnswer(after_give_up)
            if kind == STORED_THEN_500:
                body = dispatch(call, headers)  # a refusal (SlackError) goes out as it is
                if not body.get("ok"):
                    return body
                self._record(kind, call, index, body)
                raise SlackError("internal_error", status=500)
            self._record(kind, call, index, None)
            if kind == RATE_LIMITED:
                headers["Retry-After"] = str(self.retry_after)
                raise SlackError("ratelimited", status=429)
            raise SlackError("internal_error", status=500)

        return faulty

    def _record(self, kind: str, call: Call, index: int, response: JSON | None) -> None:
        call.injected = True
        self.injected.append(Injected(kind, call.method, index, dict(call.args), response, call))
