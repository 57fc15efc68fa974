"""Run the hardening suite and print what it held (the figures in docs/operations.md):

    .venv/bin/python -m tests.hardening.report            # SQLite
    TEST_DATABASE_URL=postgresql+psycopg://… .venv/bin/python -m tests.hardening.report

Each property test writes a tally (inputs tried, HTTP statuses, ERROR records) into a temporary
directory (FIKA_HARDENING_TALLY); this sums them. FIKA_HARDENING_SCALE=10 searches deeper.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path


def main() -> int:
    with tempfile.TemporaryDirectory() as where:
        env = {**os.environ, "FIKA_HARDENING_TALLY": where}
        run = subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/hardening"],
            env=env,
            check=False,
        )
        tallies = {p.stem: json.loads(p.read_text()) for p in sorted(Path(where).glob("*.json"))}
    statuses: Counter[str] = Counter()
    print(f"{'property':<16} {'inputs':>7} {'5xx':>4} {'errors logged':>14}  statuses")
    for name, tally in tallies.items():
        statuses.update(tally["statuses"])
        figures = {**tally["statuses"], **tally.get("extra", {})}
        shown = ", ".join(f"{k}: {v}" for k, v in figures.items()) or "(no HTTP)"
        print(
            f"{name:<16} {tally['inputs']:>7} {tally['server_errors']:>4} "
            f"{tally['errors_logged']:>14}  {shown}"
        )
    total = sum(t["inputs"] for t in tallies.values())
    server_errors = sum(t["server_errors"] for t in tallies.values())
    logged = sum(t["errors_logged"] for t in tallies.values())
    print(f"{'total':<16} {total:>7} {server_errors:>4} {logged:>14}")
    print(f"pytest exit code: {run.returncode}")
    return run.returncode or (1 if server_errors or logged else 0)


if __name__ == "__main__":
    sys.exit(main())
