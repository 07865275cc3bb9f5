"""Helpers for the UI tests: a real library with the sample corpus, and screen readers.

Holds no tests itself.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tuireader.library import Library

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CORPUS = REPO / "sample_corpus" if (REPO / "sample_corpus").is_dir() else REPO.parent / "shared" / "seeds"
UI_SIZE = (160, 48)

# A title made to look like Rich/Textual markup: it must show literally.
MARKUP_TITLE = "[red]Độc[/red] [link=http://x]hại[/link] [b]Hà Nội"


def build_sample_library(root: Path, *, with_markup_article: bool = True) -> Path:
    """A library at ``root`` with the sample corpus (and one markup-titled article)."""
    library = Library.open(root)
    try:
        library.import_paths([SAMPLE_CORPUS], source="Sample corpus")
        if with_markup_article:
            extra = root.parent / f"{root.name}-extra"
            extra.mkdir()
            (extra / "markup.txt").write_text(
                MARKUP_TITLE + "\n\nNgười dân Hà Nội đọc tin về [bold]thời tiết[/bold] sáng nay ở thủ đô.\n\n"
                "Trời Hà Nội mát, nhiều người đi dạo quanh hồ Hoàn Kiếm vào buổi sáng.\n",
                encoding="utf-8",
            )
            (extra / "index.json").write_text(
                json.dumps({"files": {"markup.txt": {"title": MARKUP_TITLE, "site": "[i]site[/i]"}}}), encoding="utf-8"
            )
            library.import_paths([extra], source="Tests")
    finally:
        library.close()
    return root


@pytest.fixture(scope="session")
def _library_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample_library(tmp_path_factory.mktemp("template") / "library")


@pytest.fixture
def library_path(_library_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample library for one test."""
    target = tmp_path / "library"
    shutil.copytree(_library_template, target, ignore=shutil.ignore_patterns("*.lock", "lock"))
    return target


def strip_lines(widget) -> list[str]:
    """What a Line-API widget shows right now, one string per row."""
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text.rstrip() for y in range(height)]


STARTUP_LIMIT = 120.0  # seconds: only a hung start-up gets near this


async def until_started(pilot) -> None:
    """Wait until the main screen has finished starting: it paints one screenful
    first, then the side panes' lists, the counts and the footer join."""
    import asyncio

    screen = pilot.app.main_screen
    assert screen is not None, "the app has no main screen"
    try:
        await asyncio.wait_for(screen.started_event.wait(), STARTUP_LIMIT)
    except TimeoutError:
        raise AssertionError(f"the main screen did not finish starting within {STARTUP_LIMIT:.0f} s") from None
    await pilot.pause()


async def settle(pilot, rounds: int = 200) -> None:
    """Wait until the reader has nothing left to do: started, no delayed work, no worker running."""
    await until_started(pilot)
    app = pilot.app
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
        running = [worker.name for worker in app.workers if not worker.is_finished]
        if app.main_screen.settled and not running:
            return
    pending = ", ".join(app.main_screen._later) or "none"
    raise AssertionError(f"the reader did not settle: delayed work {pending}, workers {running}")


def shown_notifications(app) -> list[str]:
    """The text of the notifications on screen now, as the user reads them.

    Pilot shows none unless the test runs with ``run_test(notifications=True)``.
    """
    from textual.widgets._toast import Toast

    return [str(toast.render()) for toast in app.screen.query(Toast)]
