"""Helpers for the UI tests: the sample library, what the screen shows, and waits on real events.

Holds no tests itself.  Every wait here waits for a state or an event and has a
bound that only a hang reaches; running out of it fails, saying what was
awaited and what the reader showed instead.  None of them waits out a delay.
(The fixtures are in ``conftest.py``.)
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from textual.widgets import Input, Label

from tests.conftest import SAMPLE_CORPUS
from tuireader.library import Library
from tuireader.ui.app import TuiReaderApp
from tuireader.ui.screens.dialogs import PromptScreen
from tuireader.ui.screens.main import MainScreen

UI_SIZE = (160, 48)
WAIT_LIMIT = 60.0  # seconds: only a hung reader gets near it, even on a machine with both cores busy

# A title made to look like Rich/Textual markup: it must show literally.
MARKUP_TITLE = "[red]Độc[/red] [link=http://x]hại[/link] [b]Hà Nội"


# One import time for every article of the sample library: the list is ordered by it
# (the sample articles have no date), so the order must not depend on the second the
# library was built in.
SAMPLE_ADDED = "2024-06-15T08:00:00Z"


def build_sample_library(root: Path, *, with_markup_article: bool = True) -> Path:
    """A library at ``root`` with the sample corpus (and one markup-titled article), all added at SAMPLE_ADDED."""
    library = Library.open(root)
    try:
        with mock.patch("tuireader.library.importing.now_iso", return_value=SAMPLE_ADDED):
            library.import_paths([SAMPLE_CORPUS], source="Sample corpus")
            if with_markup_article:
                library.import_paths([_markup_article(root.parent / f"{root.name}-extra")], source="Tests")
    finally:
        library.close()
    return root


def _markup_article(folder: Path) -> Path:
    """A folder holding one article whose title and site look like markup."""
    folder.mkdir()
    (folder / "markup.txt").write_text(
        MARKUP_TITLE + "\n\nNgười dân Hà Nội đọc tin về [bold]thời tiết[/bold] sáng nay ở thủ đô.\n\n"
        "Trời Hà Nội mát, nhiều người đi dạo quanh hồ Hoàn Kiếm vào buổi sáng.\n",
        encoding="utf-8",
    )
    (folder / "index.json").write_text(
        json.dumps({"files": {"markup.txt": {"title": MARKUP_TITLE, "site": "[i]site[/i]"}}}), encoding="utf-8"
    )
    return folder


def make_app(library: Library, tmp_path: Path, config: str | None = None) -> TuiReaderApp:
    """The reader on ``library``, with ``config`` as its config file (none when None)."""
    config_path = tmp_path / "config.toml"
    if config is not None:
        config_path.write_text(config, encoding="utf-8")
    return TuiReaderApp(library, config_path=config_path, import_samples=False)


def run(app, size: tuple[int, int] = UI_SIZE):
    """Drive ``app`` headless at ``size``, showing its notifications as the user sees them."""
    return app.run_test(size=size, notifications=True)


def main_screen(app: TuiReaderApp) -> MainScreen:
    screen = app.main_screen
    assert screen is not None, "the app has no main screen"
    return screen


def strip_lines(widget) -> list[str]:
    """What a Line-API widget shows right now, one string per row."""
    height = widget.scrollable_content_region.height
    return [widget.render_line(y).text.rstrip() for y in range(height)]


def shown_notifications(app) -> list[str]:
    """The text of the notifications on screen now, as the user reads them."""
    from textual.widgets._toast import Toast

    assert not app._disable_notifications, "the app hides its notifications: drive it with run(app)"
    return [str(toast.render()) for toast in app.screen.query(Toast)]


# --- waits -------------------------------------------------------------------


async def until(
    pilot,
    condition: Callable[[], object],
    what: str,
    *,
    shown: Callable[[], object] | None = None,
    limit: float = WAIT_LIMIT,
) -> None:
    """Let the reader run (its messages, timers and workers) until ``condition()`` holds.

    Fails after ``limit`` seconds, saying it waited for ``what`` and, when given,
    what ``shown()`` says the reader showed instead.
    """
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while not condition():
        if loop.time() >= deadline:
            instead = f"; instead: {shown()!r}" if shown is not None else ""
            running = "" if pilot.app.is_running else " (the app is no longer running)"
            raise AssertionError(f"waited {limit:.0f} s for {what}{running}{instead}")
        await pilot.pause()


async def _event(event: asyncio.Event, what: str, limit: float = WAIT_LIMIT) -> None:
    try:
        await asyncio.wait_for(event.wait(), limit)
    except TimeoutError:
        raise AssertionError(f"waited {limit:.0f} s for {what}") from None


async def until_started(pilot) -> None:
    """Wait until the main screen has finished starting: it paints one screenful
    first, then the side panes' lists, the counts and the footer join."""
    await _event(main_screen(pilot.app).started_event, "the main screen to finish starting")
    await pilot.pause()


def _running_workers(app) -> list:
    return [worker for worker in app.workers if not worker.is_finished]


async def settle(pilot, limit: float = WAIT_LIMIT) -> None:
    """Wait until the reader has nothing left to do: started, the library open, no delayed
    work pending and no worker running (a worker may start another, or a delayed recount)."""
    from textual.worker import WorkerCancelled

    app = pilot.app
    screen = main_screen(app)
    await until_started(pilot)
    await _event(app.opened_event, "the library to open fully (index, sample corpus)", limit)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while True:
        running = _running_workers(app)
        if running:
            try:
                results = await asyncio.wait_for(
                    asyncio.gather(*(worker.wait() for worker in running), return_exceptions=True),
                    max(deadline - loop.time(), 0),
                )
            except TimeoutError:
                break
            for result in results:  # a failed worker fails the test with its own error
                if isinstance(result, BaseException) and not isinstance(result, WorkerCancelled):
                    raise result
        await pilot.pause()
        if screen.settled and not _running_workers(app):
            return
        if loop.time() >= deadline:
            break
    pending = ", ".join(screen._later) or "none"
    workers = ", ".join(f"{worker.group}/{worker.name}" for worker in _running_workers(app)) or "none"
    raise AssertionError(
        f"the reader did not settle within {limit:.0f} s: started {screen.started}, "
        f"delayed work {pending}, workers running {workers}"
    )


async def until_notified(pilot, text: str) -> str:
    """Wait until a notification on screen contains ``text``; return that notification."""
    app = pilot.app
    await until(
        pilot,
        lambda: any(text in shown for shown in shown_notifications(app)),
        f"a notification saying {text!r}",
        shown=lambda: shown_notifications(app),
    )
    return next(shown for shown in shown_notifications(app) if text in shown)


async def prompt_input(pilot, title: str) -> Input:
    """Wait until the prompt titled ``title`` is on top with its input focused; return the input."""
    app = pilot.app

    def focused_input() -> Input | None:
        screen = app.screen
        if not isinstance(screen, PromptScreen) or not isinstance(app.focused, Input):
            return None
        labels = screen.query(Label)
        return app.focused if labels and title in str(labels.first().render()) else None

    await until(pilot, focused_input, f"the prompt {title!r} with its input focused", shown=lambda: app.screen)
    found = focused_input()
    assert found is not None
    return found


async def walk_sources_to(pilot, tree, wanted: Callable[[Any], bool]) -> None:
    """Focus the sources pane and press j until the highlighted entry is ``wanted``."""
    await pilot.press("1")
    seen = []
    for _ in range(60):
        entry = tree.highlighted_entry
        if entry is not None and wanted(entry):
            return
        seen.append(getattr(entry, "label", None))
        await pilot.press("j")
    raise AssertionError(f"the wanted source never got highlighted; walked past {seen}")


def palette_options(app) -> list[str]:
    """The commands the open command palette lists (their titles), or [] when it is not open."""
    from textual.command import CommandList, CommandPalette

    screen = app.screen
    lists = screen.query(CommandList) if isinstance(screen, CommandPalette) else []
    if not lists:
        return []
    options = lists.first(CommandList)
    return [str(options.get_option_at_index(n).prompt).split("\n")[0] for n in range(options.option_count)]


async def until_palette_lists(pilot, titles: list[str]) -> None:
    """Wait until the command palette lists exactly ``titles``."""
    await until(
        pilot,
        lambda: palette_options(pilot.app) == titles,
        f"the command palette to list {titles}",
        shown=lambda: palette_options(pilot.app),
    )


async def click_when_drawn(pilot, x: int, y: int, key: str, *, times: int = 1) -> object:
    """Click the screen at (x, y) once what is drawn there carries ``key`` (a widget's click target, such
    as an option or a tree line): a click lands on what was last drawn, not on what a widget holds now."""
    screen = pilot.app.screen

    def target() -> object:
        return screen.get_style_at(x, y).meta.get(key)

    await until(
        pilot, lambda: target() is not None, f"a {key} drawn at ({x}, {y})", shown=lambda: screen.get_style_at(x, y)
    )
    drawn = target()
    await pilot.click(offset=(x, y), times=times)
    return drawn
