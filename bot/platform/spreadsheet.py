"""Every CSV file Fika writes, in the one form Finnish and Swedish Excel open as columns.

Excel in Finland and Sweden splits on semicolons (the comma is the decimal separator there), and
reads a file as UTF-8 only when it starts with a byte-order mark (so å, ä and ö come out right).
Cells that a spreadsheet would run as a formula ("CSV injection") get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

DELIMITER = ";"
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """A cell value that spreadsheet programs show as text, never run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def excel_csv(rows: Iterable[Sequence[object]]) -> bytes:
    """Semicolon-separated, UTF-8 with a byte-order mark, CRLF line ends, formula-safe cells."""
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=DELIMITER, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"
    )
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return (BOM + buffer.getvalue()).encode("utf-8")
