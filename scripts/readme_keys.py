"""Writes the README's table of keys from the command table, between its two markers.

    python scripts/readme_keys.py

The reader's keys are declared once, in ``tuireader/ui/commands.py``; a test
checks that the README shows the same table.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tuireader.ui.commands import markdown_keys_table  # noqa: E402

START, END = "<!-- keys: written by scripts/readme_keys.py -->", "<!-- /keys -->"


def with_table(readme: str) -> str:
    """The README text with the table between the markers written afresh."""
    head, rest = readme.split(START, 1)
    _, tail = rest.split(END, 1)
    return f"{head}{START}\n{markdown_keys_table()}\n{END}{tail}"


if __name__ == "__main__":
    path = REPO / "README.md"
    path.write_text(with_table(path.read_text(encoding="utf-8")), encoding="utf-8")
