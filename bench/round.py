"""A coffee round of 2,000 pairs against a fake Slack that enforces Slack's rate limits.

Run: `.venv/bin/python bench/round.py` (SQLite in a temporary file; `--quick` for 300 pairs).
`BENCH_DATABASE_URL=postgresql+psycopg://user@host:5432/db` runs it on PostgreSQL instead (a
scratch database next to `db`, created and dropped by the script).

The fake Slack (tests/fakes/slack_api.py with tests/fakes/rate_limits.py) runs in a child
process, so the memory figures are the bot's alone. It enforces the documented limits of
bot.platform.pacing.SLACK_LIMITS — conversations.open Tier 3 (50 per minute), chat.postMessage one
per second per channel and 300 per minute in the workspace, … — as sliding windows (at most N
calls in any window), with every window `--scale` times shorter (default 20: 50 opens per 3 s)
so that the run takes minutes instead of Slack's 40. A call over a limit is answered 429 with
Retry-After and counted as a violation.

The round is the bot's own code: `claim_round` stores the 4,000 people's groups, then
`deliver_round` opens each group DM and posts its intro (recording each step in the database),
paced by `bot.platform.pacing.Pacer` with the same scaled limits.

Figures (all from the same run):
* *time*: from the start of `deliver_round` to its end.
* *theoretical minimum*: the shortest time the limits allow for the calls the fake accepted,
  from the first call to the last: floor((M-1)/N) × window for each method, the largest of them.
  *ratio* = time / minimum; the target is ≤ 1.25 (≥ 80 % of the allowed rate).
* *violations*: 429s the fake answered because a limit was exceeded (target 0).
* *memory*: resident set size at the start of the delivery, at half time and at the end
  (target: flat — the end within 10 % of half time); with `--trace` also tracemalloc's current
  Python allocations (which slows the bot down about four times, so not in the timed figures).
* Baselines: *unlimited* — the same round with no limits in the fake and no pacing (what the
  bot's own work costs); *unpaced* — no pacing against the enforcing fake (the bot before
  pacing): it bounces off the limits, the client waits out each 429's Retry-After, a pass
  that still fails stops and the next tick (every 60 s / scale) resumes the round.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import platform
import signal
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, func, select
from sqlalchemy.engine import make_url

from bot.coffee.models import CoffeeGroup, CoffeeProgram, CoffeeRound
from bot.coffee.programs import start_program
from bot.coffee.round_store import PoolPerson
from bot.coffee.rounds import claim_round, deliver_round
from bot.platform.config import Secret, Settings
from bot.platform.db.engine import make_engine, make_sessionmaker, sync_url
from bot.platform.db.migrate import upgrade
from bot.platform.deps import Deps
from bot.platform.pacing import SLACK_LIMITS, MethodLimit, Pacer, minimum_seconds, scaled
from bot.platform.slack_client import make_client

TOKEN = "xoxb-bench-token"
TEAM = "T0BENCH"
CHANNEL = "CBENCH"
LIBRARIES = 30
TICK = 60.0  # jobs/rounds: a round in progress is resumed every minute


# ------------------------------------------------------------------ the fake, in a child process


def serve_fake(scale: float, people: int, limits_on: bool) -> None:
    from tests.fakes.rate_limits import RateLimits
    from tests.fakes.slack_api import Call, FakeSlack

    async def run() -> None:
        fake = FakeSlack(bot_token=TOKEN, team_id=TEAM)
        for i in range(people):
            fake.add_user(f"UB{i:05d}")
        for channel in (CHANNEL, "CBASE1", "CBASE2", "CBASE3"):
            fake.add_channel(channel, channel.lower(), bot_is_member=True)
        if limits_on:
            fake.rate_limits = RateLimits(scaled(SLACK_LIMITS, scale))

        def stats(call: Call) -> dict[str, Any]:
            summary = fake.rate_limits.summary() if fake.rate_limits else {}
            dms = [c for c in fake.conversations.values() if c.kind == "mpim"]
            intros = sum(
                1
                for c in dms
                for m in fake.messages(c.id)
                if (m.get("metadata") or {}).get("event_type") == "fika_intro"
            )
            twice = sum(
                1
                for c in dms
                if sum(
                    1
                    for m in fake.messages(c.id)
                    if (m.get("metadata") or {}).get("event_type") == "fika_intro"
                )
                > 1
            )
            calls: dict[str, int] = {}
            for c in fake.calls:
                calls[c.method] = calls.get(c.method, 0) + 1
            return {"ok": True, "limits": summary, "intros": intros, "twice": twice, "calls": calls}

        fake.add_method("bench.stats", stats)
        await fake.start()
        print(f"PORT {fake.api_url}", flush=True)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        loop.add_signal_handler(signal.SIGTERM, stop.set)
        await stop.wait()
        await fake.stop()

    asyncio.run(run())


@contextlib.asynccontextmanager
async def fake_slack(scale: float, people: int, limits_on: bool) -> Any:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--serve-fake",
        "--scale",
        str(scale),
        "--people",
        str(people),
        *([] if limits_on else ["--no-limits"]),
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdout is not None
    line = (await proc.stdout.readline()).decode().strip()
    if not line.startswith("PORT "):
        raise SystemExit(f"the fake Slack did not start: {line!r}")
    try:
        yield line.split(" ", 1)[1]
    finally:
        proc.send_signal(signal.SIGTERM)
        await proc.wait()


# ------------------------------------------------------------------ databases


@contextlib.contextmanager
def database() -> Iterator[tuple[str, str]]:
    pg_url = os.environ.get("BENCH_DATABASE_URL")
    if not pg_url:
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite+aiosqlite:///{Path(tmp) / 'round.db'}", "SQLite"
        return
    if make_url(pg_url).get_backend_name() != "postgresql":
        raise SystemExit("BENCH_DATABASE_URL must be a postgresql+psycopg:// URL")
    name = f"fika_round_{uuid.uuid4().hex[:8]}"
    admin = create_engine(sync_url(pg_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield (
            make_url(pg_url).set(database=name).render_as_string(hide_password=False),
            "PostgreSQL",
        )
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# ------------------------------------------------------------------ memory


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        pages = int(fh.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


@dataclass
class Sample:
    at: float
    rss: float
    traced: float
    sent: int


@dataclass
class Run:
    name: str
    seconds: float = 0.0
    passes: int = 0
    stats: dict[str, Any] = field(default_factory=dict)
    samples: list[Sample] = field(default_factory=list)
    waited: float = 0.0


async def sent_count(deps: Deps, round_id: int) -> int:
    async with deps.db() as session:
        return int(
            await session.scalar(
                select(func.count())
                .select_from(CoffeeGroup)
                .where(CoffeeGroup.round_id == round_id, CoffeeGroup.intro_sent_at.is_not(None))
            )
            or 0
        )


async def sampler(deps: Deps, round_id: int, run: Run, started: float, every: float) -> None:
    while True:
        traced = tracemalloc.get_traced_memory()[0] / 2**20 if tracemalloc.is_tracing() else 0
        sent = await sent_count(deps, round_id)
        run.samples.append(Sample(time.monotonic() - started, rss_mb(), traced, sent))
        await asyncio.sleep(every)


# ------------------------------------------------------------------ one round


async def one_round(
    url: str,
    api_url: str,
    *,
    name: str,
    pairs: int,
    period: str,
    pacer: Pacer,
    tick: float,
    sample_every: float,
    program_channel: str = CHANNEL,
) -> Run:
    settings = Settings(
        slack_bot_token=Secret(TOKEN),
        slack_signing_secret=Secret("bench-signing-secret"),
        slack_api_url=api_url,
        database_url=url,
        default_locale="sv",
        scheduler_enabled=False,
    )
    engine = make_engine(url)
    deps = Deps(
        settings=settings,
        engine=engine,
        db=make_sessionmaker(engine),
        client=make_client(settings),
        clock=lambda: datetime.now(UTC),
        pacer=pacer,
    )
    run = Run(name)
    try:
        async with deps.db.begin() as session:
            program, _ = await start_program(
                session, TEAM, program_channel, "UADMIN", "Europe/Helsinki", deps.now()
            )
        async with deps.db() as session:
            loaded = await session.get(CoffeeProgram, program.id)
        assert loaded is not None
        langs = [frozenset({"sv"}), frozenset({"fi"}), frozenset({"sv", "fi"}), frozenset({"en"})]
        pool = [
            PoolPerson(
                f"UB{i:05d}",
                None,
                f"Bibliotek {i % LIBRARIES}",
                f"Kirjasto {i % LIBRARIES}",
                langs[i % 3] | langs[3],
                ("sv", "fi", "en")[i % 3],
            )
            for i in range(2 * pairs)
        ]
        round_id = await claim_round(
            deps, loaded, pool, period=period, trigger="schedule", scheduled_for_now=True
        )
        assert round_id is not None
        started = time.monotonic()
        sampling = asyncio.create_task(sampler(deps, round_id, run, started, sample_every))
        while True:
            run.passes += 1
            await deliver_round(deps, round_id)
            async with deps.db() as session:
                status = await session.scalar(
                    select(CoffeeRound.status).where(CoffeeRound.id == round_id)
                )
            if status == "done":
                break
            await asyncio.sleep(tick)  # the next scheduler tick resumes it
        run.seconds = time.monotonic() - started
        sampling.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await sampling
        traced = tracemalloc.get_traced_memory()[0] / 2**20 if tracemalloc.is_tracing() else 0
        run.samples.append(Sample(run.seconds, rss_mb(), traced, pairs))
        run.waited = pacer.waited
        resp = await deps.client.api_call("bench.stats")
        run.stats = dict(resp.data) if isinstance(resp.data, dict) else {}
    finally:
        await engine.dispose()
    return run


def theoretical_minimum(stats: dict[str, Any], limits: dict[str, MethodLimit]) -> float:
    accepted = stats.get("limits", {}).get("accepted", {})
    longest = 0.0
    for method, figures in accepted.items():
        limit = limits.get(method)
        if limit is None or limit.workspace is None:
            continue
        longest = max(longest, minimum_seconds(int(figures["calls"]), limit.workspace))
    return longest


def at_half(run: Run) -> Sample:
    half = run.seconds / 2
    return min(run.samples, key=lambda s: abs(s.at - half))


def violations(run: Run) -> int:
    return sum(run.stats.get("limits", {}).get("violations", {}).values())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=2000)
    parser.add_argument("--scale", type=float, default=20.0)
    parser.add_argument("--quick", action="store_true", help="300 pairs")
    parser.add_argument("--no-unpaced", action="store_true", help="skip the unpaced baseline")
    parser.add_argument(
        "--trace", action="store_true", help="tracemalloc during ours (slows the bot ~4×)"
    )
    args = parser.parse_args()
    pairs = 300 if args.quick else args.pairs
    people = 2 * pairs
    limits = scaled(SLACK_LIMITS, args.scale)
    opens = limits["conversations.open"].workspace
    assert opens is not None
    print(
        f"# round benchmark — python {platform.python_version()}, nproc {os.cpu_count()}, "
        f"{platform.machine()}; {pairs:,} pairs ({people:,} people), limits {args.scale:g}× "
        f"faster than Slack's (conversations.open {opens.calls} per {opens.seconds:g} s)"
    )
    runs: list[Run] = []
    with database() as (url, db):
        upgrade(url)
        print(f"database: {db}")
        async with fake_slack(args.scale, people, limits_on=False) as api:
            base = await one_round(
                url,
                api,
                name="unlimited",
                pairs=pairs,
                period="2026-W01",
                pacer=Pacer(enabled=False),
                tick=0,
                sample_every=1.0,
                program_channel="CBASE1",
            )
            runs.append(base)
            print(f"  unlimited (no limits, no pacing): {base.seconds:.1f} s")
        async with fake_slack(args.scale, people, limits_on=True) as api:
            if args.trace:
                tracemalloc.start()
            ours = await one_round(
                url,
                api,
                name="ours",
                pairs=pairs,
                period="2026-W02",
                pacer=Pacer(limits),
                tick=TICK / args.scale,
                sample_every=2.0,
                program_channel="CBASE2",
            )
            if args.trace:
                tracemalloc.stop()
            runs.append(ours)
            print(f"  ours (paced): {ours.seconds:.1f} s")
        if not args.no_unpaced:
            async with fake_slack(args.scale, people, limits_on=True) as api:
                unpaced = await one_round(
                    url,
                    api,
                    name="unpaced",
                    pairs=pairs,
                    period="2026-W03",
                    pacer=Pacer(enabled=False),
                    tick=TICK / args.scale,
                    sample_every=2.0,
                    program_channel="CBASE3",
                )
                runs.append(unpaced)
                print(f"  unpaced (no pacing, limits enforced): {unpaced.seconds:.1f} s")

    minimum = theoretical_minimum(ours.stats, limits)
    print()
    print(
        "| run | time s | theoretical min s | ratio | violations (429) | passes | "
        "intros | twice | calls open / post / history |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for run in runs:
        calls = run.stats.get("calls", {})
        print(
            f"| {run.name} | {run.seconds:.1f} | {minimum:.1f} | {run.seconds / minimum:.3f} | "
            f"{violations(run)} | {run.passes} | {run.stats.get('intros')} | "
            f"{run.stats.get('twice')} | {calls.get('conversations.open', 0)} / "
            f"{calls.get('chat.postMessage', 0)} / {calls.get('conversations.history', 0)} |"
        )
    start, middle, end = ours.samples[0], at_half(ours), ours.samples[-1]
    print()
    print("memory of ours (RSS MB, tracemalloc MB with --trace, groups sent):")
    for label, sample in (("start", start), ("middle", middle), ("end", end)):
        traced = f"{sample.traced:6.1f}" if args.trace else "     —"
        print(
            f"  {label:6} t={sample.at:6.1f} s  RSS {sample.rss:7.1f}  traced {traced}"
            f"  sent {sample.sent:,}"
        )
    tenths = [
        min(ours.samples, key=lambda s, f=f: abs(s.at - ours.seconds * f / 10)) for f in range(11)
    ]
    print("  RSS every tenth of the run: " + " ".join(f"{s.rss:.1f}" for s in tenths))
    peak = max(s.rss for s in ours.samples)
    print(f"  peak RSS {peak:.1f} MB; pacer waited {ours.waited:.1f} s in all")
    accepted = ours.stats.get("limits", {}).get("accepted", {})
    for method, figures in sorted(accepted.items()):
        limit = limits.get(method)
        span = (figures["last"] or 0) - (figures["first"] or 0)
        window = limit.workspace if limit else None
        if window and span > 0 and figures["calls"] > window.calls:
            rate = (figures["calls"] - 1) / span
            allowed = window.calls / window.seconds
            print(
                f"  {method}: {figures['calls']:,} calls in {span:.1f} s = "
                f"{rate / allowed:.1%} of the allowed steady rate"
            )
    ratio = ours.seconds / minimum
    growth = (end.rss - middle.rss) / middle.rss
    print()
    print(f"target time ≤ 1.25 × minimum: {ratio:.3f} × — {'MET' if ratio <= 1.25 else 'MISSED'}")
    over = violations(ours)
    print(f"target no limit exceeded: {over} — {'MET' if not over else 'MISSED'}")
    flat = growth <= 0.10
    print(
        f"target memory flat (end within 10 % of half time): {growth:+.1%} RSS, traced "
        f"{end.traced - middle.traced:+.1f} MB — {'MET' if flat else 'MISSED'}"
    )
    once = ours.stats.get("twice") == 0 and ours.stats.get("intros") == pairs
    print(f"every intro exactly once: {'yes' if once else 'NO'}")


if __name__ == "__main__":
    if "--serve-fake" in sys.argv:
        p = argparse.ArgumentParser()
        p.add_argument("--serve-fake", action="store_true")
        p.add_argument("--scale", type=float)
        p.add_argument("--people", type=int)
        p.add_argument("--no-limits", action="store_true")
        a = p.parse_args()
        serve_fake(a.scale, a.people, not a.no_limits)
    else:
        asyncio.run(main())
