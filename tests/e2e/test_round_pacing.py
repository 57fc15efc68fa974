"""Pacing: the sliding-window definition shared by the bot's pacer and the fake's limits, and
a round that stays inside the fake Slack's limits instead of bouncing off them."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy import select

from bot.coffee.models import CoffeeGroup, CoffeeProgram, CoffeeRound
from bot.coffee.programs import start_program
from bot.coffee.round_store import PoolPerson
from bot.coffee.rounds import claim_round, deliver_round
from bot.platform.deps import Deps
from bot.platform.pacing import SLACK_LIMITS, MethodLimit, Pacer, Window, minimum_seconds, scaled
from bot.platform.slack_client import make_client
from tests.conftest import TEAM_ID
from tests.fakes.rate_limits import RateLimits
from tests.fakes.slack_api import Call, FakeSlack


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


async def test_a_sliding_window_lets_a_burst_go_then_one_window_later_the_next() -> None:
    time = FakeTime()
    window = Window(3, 10.0)
    pacer = Pacer({"m": MethodLimit(window)}, clock=time.clock, sleep=time.sleep)
    starts = []
    for _ in range(7):
        async with pacer.slot("m"):
            starts.append(time.now)
            time.now += 0.5  # the call takes half a second
    # The next call needs the place of the call 3 before it: 10 s after that one *ended*.
    assert starts == [0.0, 0.5, 1.0, 10.5, 11.0, 11.5, 21.0]
    assert minimum_seconds(7, window) == 20.0
    async with pacer.slot("other"):  # no limit known: no wait
        assert time.now == 21.5


async def test_per_channel_windows_and_calls_in_flight() -> None:
    time = FakeTime()
    pacer = Pacer(
        {"post": MethodLimit(Window(100, 60.0), per_channel=Window(1, 1.0))},
        clock=time.clock,
        sleep=time.sleep,
    )
    async with pacer.slot("post", "D1"):
        pass
    async with pacer.slot("post", "D2"):
        assert time.now == 0.0  # another channel
    async with pacer.slot("post", "D1"):
        assert time.now == 1.0  # the same channel: a second later

    order: list[str] = []
    gate = asyncio.Event()

    async def first() -> None:
        async with pacer.slot("post", "D3"):
            order.append("first")
            await gate.wait()
            time.now += 2.0

    async def second() -> None:
        async with pacer.slot("post", "D3"):
            order.append(f"second at {time.now}")

    tasks = [asyncio.create_task(first()), asyncio.create_task(second())]
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert order == ["first"]  # the second waits while the first is in flight …
    gate.set()
    await asyncio.gather(*tasks)
    assert order == ["first", "second at 4.0"]  # … and then a window after its answer


def test_scaled_limits_keep_the_burst_and_shorten_the_window() -> None:
    fast = scaled(SLACK_LIMITS, 20)
    assert fast["conversations.open"].workspace == Window(50, 3.0)
    assert fast["chat.postMessage"].per_channel == Window(1, 0.05)
    assert minimum_seconds(2000, Window(50, 3.0)) == 39 * 3.0
    assert minimum_seconds(1, Window(50, 3.0)) == 0.0


def test_the_fake_refuses_like_slack_and_counts_the_violation() -> None:
    time = FakeTime()
    limits = RateLimits({"m": MethodLimit(Window(2, 10.0))}, clock=time.clock)
    headers: dict[str, str] = {}
    for _ in range(2):
        limits.admit(Call("m", {}, None), headers)
    time.now = 3.0
    try:
        limits.admit(Call("m", {}, None), headers)
        raise AssertionError("not refused")
    except Exception as exc:  # SlackError
        assert getattr(exc, "status", None) == 429
    assert headers["Retry-After"] == "7" and len(limits.violations) == 1
    time.now = 10.0  # the first two are 10 s old: room again
    limits.admit(Call("m", {}, None), headers)
    assert len(limits.violations) == 1


# ------------------------------------------------------------------ a round against limits

LIMITS = {
    "conversations.open": MethodLimit(Window(4, 0.3)),
    "chat.postMessage": MethodLimit(Window(6, 0.3), per_channel=Window(1, 0.3)),
    "conversations.history": MethodLimit(Window(4, 0.3)),
    "chat.update": MethodLimit(Window(4, 0.3)),
}


async def _round(deps: Deps, fake: FakeSlack, pairs: int) -> int:
    people = [f"UP{i:03d}" for i in range(2 * pairs)]
    for user_id in people:
        fake.add_user(user_id)
    pool = [PoolPerson(u, None, None, None, frozenset({"sv"}), "sv") for u in people]
    async with deps.db.begin() as session:
        program, _ = await start_program(
            session, TEAM_ID, "CFIKA", "UADMIN", "Europe/Helsinki", deps.now()
        )
    async with deps.db() as session:
        loaded = await session.get(CoffeeProgram, program.id)
    assert loaded is not None
    round_id = await claim_round(
        deps, loaded, pool, period="2026-W49", trigger="schedule", scheduled_for_now=True
    )
    assert round_id is not None
    return round_id


def _arrivals(fake: FakeSlack, method: str) -> int:
    return sum(1 for c in fake.calls_to(method) if c.http_status == 200)


async def test_a_paced_round_stays_inside_the_limits(deps: Deps, fake_slack: FakeSlack) -> None:
    fake_slack.rate_limits = RateLimits(LIMITS)
    paced = replace(deps, pacer=Pacer(LIMITS))
    round_id = await _round(paced, fake_slack, pairs=12)
    await deliver_round(paced, round_id)

    assert fake_slack.rate_limits.violations == []
    async with deps.db() as session:
        groups = list(await session.scalars(select(CoffeeGroup)))
        status = await session.scalar(select(CoffeeRound.status))
    assert status == "done" and all(g.intro_sent_at is not None for g in groups)
    assert _arrivals(fake_slack, "conversations.open") == 12
    opens = fake_slack.rate_limits.stats["conversations.open"]
    assert opens.first is not None and opens.last is not None
    # Spread as the window demands (a lower bound: a slow machine only spreads them more).
    window = LIMITS["conversations.open"].workspace
    assert window is not None
    assert opens.last - opens.first >= minimum_seconds(12, window)


async def test_without_pacing_the_round_bounces_off_the_limits(
    deps: Deps, fake_slack: FakeSlack
) -> None:
    slow = {m: MethodLimit(Window(4, 600.0)) for m in LIMITS}
    fake_slack.rate_limits = RateLimits(slow)

    async def no_wait(seconds: float) -> None:
        return None

    unpaced = replace(
        deps, pacer=Pacer(enabled=False), client=make_client(deps.settings, sleep=no_wait)
    )
    round_id = await _round(unpaced, fake_slack, pairs=12)
    await deliver_round(unpaced, round_id)

    assert len(fake_slack.rate_limits.violations) >= 4  # a 429 and its retries
    async with deps.db() as session:
        status = await session.scalar(select(CoffeeRound.status))
    assert status == "sending"  # paused until the next tick


def test_the_rate_scale_is_a_setting_for_test_doubles_of_slack() -> None:
    from bot.platform.config import SettingsError, load_settings

    env = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    assert load_settings(env).slack_rate_scale == 1.0
    assert load_settings({**env, "SLACK_RATE_SCALE": "20"}).slack_rate_scale == 20.0
    for bad in ("0.5", "fast"):
        try:
            load_settings({**env, "SLACK_RATE_SCALE": bad})
            raise AssertionError(bad)
        except SettingsError as exc:
            assert "SLACK_RATE_SCALE" in str(exc)
