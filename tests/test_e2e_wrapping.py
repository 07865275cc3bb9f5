"""End to end in tmux: whole words clear of the scrollbar at any size; the unread count in the title."""

from __future__ import annotations

import json
import re
import subprocess

import pytest

from .conftest import SAMPLE_CORPUS
from .tmux import TMUX, Terminal, terminal_env, tuireader_command

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")]

SCROLLBAR_WIDTH = 2
SCROLLBAR_GLYPHS = set("▁▂▃▄▅▆▇█▔▕▏▎▍▌▋▊▉ ")


def _cli(library, *args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [*tuireader_command(), "--library", str(library), *args], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def article_pane(screen: str) -> list[str]:
    """The inside of the bordered "3 Article" pane, one string per row."""
    lines = screen.split("\n")
    top = next(i for i, line in enumerate(lines) if "3 Article" in line)
    left = lines[top].rfind("╭", 0, lines[top].index("3 Article"))
    right = lines[top].index("╮", left)
    rows = []
    for line in lines[top + 1 :]:
        if line[left : left + 1] == "╰":
            break
        rows.append(line[left + 1 : right])
    return rows


@pytest.fixture
def library(tmp_path):
    env = terminal_env(tmp_path / "home")
    library = tmp_path / "library"
    _cli(library, "import", str(SAMPLE_CORPUS), env=env)
    first = json.loads(_cli(library, "list", "--limit", "1", "--json", env=env))[0]
    return library, json.loads(_cli(library, "show", first["id"], "--json", env=env)), env


def allowed_words(article: dict) -> set[str]:
    fields = [article[key] or "" for key in ("title", "site", "author", "lead", "text", "published", "url")]
    words = {word for text in fields for word in text.split()}
    return words | {"·", "phút", "đọc", "id", article["id"]}


@pytest.mark.parametrize("width, height, keys", [(140, 40, []), (80, 24, []), (200, 60, []), (140, 40, ["1"])])
def test_every_word_shown_is_whole_and_clear_of_the_scrollbar(tmp_path, library, width, height, keys):
    path, article, env = library
    term = Terminal(tmp_path, [*tuireader_command(), "--library", str(path)], env, width, height)
    try:
        term.wait_for(re.escape(article["title"][:20]))
        term.keys("Enter")
        first_words = " ".join(article["text"].split()[:2])

        def article_open(screen: str) -> bool:  # in the article pane: the list may show the same words
            return "3 Article" in screen and any(first_words in row for row in article_pane(screen))

        screen = term.wait_until(article_open, "the article opening in its pane")
        for key in keys:  # a side pane that takes focus narrows the article pane
            term.keys(key)
        if keys:
            screen = term.wait_until(article_open, "the article still open after the keys")
        rows = article_pane(screen)
        assert rows, screen
        known = allowed_words(article)
        for row in rows:
            under_scrollbar = row[-SCROLLBAR_WIDTH:]
            assert set(under_scrollbar) <= SCROLLBAR_GLYPHS, f"text under the scrollbar: {row!r}"
            for word in row[:-SCROLLBAR_WIDTH].split():
                assert word in known or word.isdigit() or re.fullmatch(r"[\d/:]+", word), (
                    f"{word!r} is not a word of the article:\n{screen}"
                )
        term.keys("q")
        term.wait_for("EXITED:0")
    finally:
        term.close()


def test_the_terminal_title_shows_the_unread_count(tmp_path, library):
    path, _article, env = library
    term = Terminal(tmp_path, [*tuireader_command(), "--library", str(path)], env)
    try:
        term.wait_for_title(r"^tuireader · 5 unread articles$")
        term.keys("Enter")  # opening the first article marks it read
        term.wait_for_title(r"^tuireader · 4 unread articles$")
        term.keys("q")
        term.wait_for("EXITED:0")
    finally:
        term.close()
