"""Coffee-break figures as a message and as a CSV file for a spreadsheet."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.coffee.stats import CoffeeStats
from bot.coffee.views.messages import context, header, section
from bot.platform.i18n import Translator
from bot.platform.slack_text import escape
from bot.platform.spreadsheet import excel_csv

Block = dict[str, Any]


def period_label(t: Translator, stats: CoffeeStats) -> str:
    return t("{start} – {end}", start=t.date(stats.start), end=t.date(stats.end))


def _share(t: Translator, part: int, whole: int) -> str:
    if not whole:
        return "–"
    return t.percent(part / whole)


def figure_lines(t: Translator, stats: CoffeeStats) -> list[tuple[str, str]]:
    """(label, value) pairs, shared by the message and the CSV."""
    met = (
        t(
            "{share} ({met} of {answered} that answered)",
            share=_share(t, stats.met, stats.answered),
            met=t.number(stats.met),
            answered=t.number(stats.answered),
        )
        if stats.answered
        else t("no answers yet")
    )
    cross = (
        t(
            "{share} ({cross} of {groups})",
            share=_share(t, stats.cross_library, stats.groups),
            cross=t.number(stats.cross_library),
            groups=t.number(stats.groups),
        )
        if stats.groups
        else "–"
    )
    return [
        (t("Rounds"), t.number(stats.rounds)),
        (t("People who took part"), t.number(stats.participants)),
        (t("Groups"), t.number(stats.groups)),
        (t("Groups that met"), met),
        (t("Groups across libraries"), cross),
        (t("Library pairs that met"), t.number(len(stats.library_pairs))),
    ]


def stats_blocks(t: Translator, stats: CoffeeStats) -> list[Block]:
    lines = [f"*{label}:* {value}" for label, value in figure_lines(t, stats)]
    blocks = [
        header(t("Coffee breaks {period}", period=period_label(t, stats))),
        section("\n".join(lines)),
    ]
    if stats.library_pairs:
        shown = [f"{escape(a)} – {escape(b)}" for a, b in stats.library_pairs[:30]]
        text = t("*Libraries that met:* {pairs}", pairs="; ".join(shown))
        if len(stats.library_pairs) > 30:
            text += " " + t.ngettext("and {n} more", "and {n} more", len(stats.library_pairs) - 30)
        blocks.append(section(text))
    blocks.append(
        context(
            t(
                "A group counts as across libraries when everyone's library is known and no two "
                "come from the same one. `/fika stats csv` sends these figures as a file."
            )
        )
    )
    return blocks


def stats_text(t: Translator, stats: CoffeeStats) -> str:
    return t("Coffee breaks {period}", period=period_label(t, stats))


def stats_csv(t: Translator, stats: CoffeeStats, channel_names: Mapping[str, str]) -> bytes:
    """The figures, one row per round, the library pairs (a `bot.platform.spreadsheet` CSV file)."""
    rows: list[list[object]] = []
    rows.append([t("Coffee breaks"), stats.start.isoformat(), stats.end.isoformat()])
    rows.append([])
    for label, value in figure_lines(t, stats):
        rows.append([label, value])
    rows.append([])
    rows.append(
        [
            t("Date"),
            t("Channel"),
            t("People"),
            t("Groups"),
            t("Groups across libraries"),
            t("Groups that answered"),
            t("Groups that met"),
        ]
    )
    for row in stats.per_round:
        rows.append(
            [
                row.day.isoformat(),
                channel_names.get(row.channel_id, row.channel_id),
                row.people,
                row.groups,
                row.cross_library,
                row.answered,
                row.met,
            ]
        )
    rows.append([])
    rows.append([t("Library pairs that met")])
    for a, b in stats.library_pairs:
        rows.append([a, b])
    return excel_csv(rows)


def csv_filename(stats: CoffeeStats) -> str:
    return f"fika-stats-{stats.start.isoformat()}-{stats.end.isoformat()}.csv"
