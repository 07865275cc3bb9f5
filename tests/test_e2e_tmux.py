"""End to end: the real ``tuireader`` command in a real terminal (tmux).

Every step waits for the screen to show what it expects (``tests/tmux.py``:
polled, within a deadline only a hung reader reaches, the last screen printed
on failure), never for a while.
"""

from __future__ import annotations

import json
import subprocess

import pytest

from .tmux import TMUX, Terminal, terminal_env, tuireader_command

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")]

STATUS = r"All\s+·\s+5 articles\s+·\s+{unread} unread"  # the status bar of the All view


def test_reader_opens_on_sample_corpus_reads_and_remembers(tmp_path):
    library = tmp_path / "library"
    env = terminal_env(tmp_path / "home")
    term = Terminal(tmp_path, [*tuireader_command(), "--library", str(library)], env)
    try:
        # First paint, then the sample corpus appears (imported on first use) and is counted.
        term.wait_for(r"Ngoại trưởng Nga, Mỹ điện đàm về Ukraine")
        screen = term.wait_for(r"Bộ trưởng Quốc phòng Nga, Mỹ điện đàm")
        assert "Trang chủNews" not in screen
        term.wait_for(STATUS.format(unread=5))
        # Open the highlighted article: it is read, its entities show.
        term.keys("Enter")
        term.wait_for(STATUS.format(unread=4))
        term.wait_for(r"4 Entities.*Người")
        # Help lists the keys, escape closes it.
        term.keys("?")
        term.wait_for(r"Esc closes.*Open the next unread article")
        term.keys("Escape")
        term.wait_until_gone(r"Esc closes")
        term.keys("q")
        term.wait_for(r"EXITED:0")
    finally:
        term.close()
    # The article opened above is read after a restart: the command line sees it.
    out = subprocess.run(
        [*tuireader_command(), "--library", str(library), "list", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert len(rows) == 5
    assert [row["read"] for row in rows].count(True) == 1, [(row["title"], row["read"]) for row in rows]
