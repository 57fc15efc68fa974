"""Coffee-break figures as a message and as a CSV file for a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import Any

from bot.domain.coffee_stats import CoffeeStats
from bot.i18n import Translator
from bot.slack_text import escape
from bot.views.coffee import context, header, section

Block = dict[str, Any]

# Excel in Finland and Sweden expects semicolons (the comma is the decimal separator); the BOM
# makes it read UTF-8, so å, ä and ö come out right.
CSV_DELIMITER = ";"
BOM = "\ufeff"


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
    """UTF-8 with BOM, semicolon-separated: the figures, one row per round, the library pairs."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=CSV_DELIMITER, lineterminator="\r\n")
    writer.writerow([t("Coffee breaks"), stats.start.isoformat(), stats.end.isoformat()])
    writer.writerow([])
    for label, value in figure_lines(t, stats):
        writer.writerow([label, value])
    writer.writerow([])
    writer.writerow(
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
        writer.writerow(
            [
                row.day.isoformat(),
                _cell(channel_names.get(row.channel_id, row.channel_id)),
                row.people,
                row.groups,
                row.cross_library,
                row.answered,
                row.met,
            ]
        )
    writer.writerow([])
    writer.writerow([t("Library pairs that met")])
    for a, b in stats.library_pairs:
        writer.writerow([_cell(a), _cell(b)])
    return (BOM + out.getvalue()).encode("utf-8")


def _cell(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def csv_filename(stats: CoffeeStats) -> str:
    return f"fika-stats-{stats.start.isoformat()}-{stats.end.isoformat()}.csv"
