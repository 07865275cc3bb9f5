"""The Textual application: ``tuireader`` with no subcommand runs ``run()``.

The app opens the library, shows the main screen at once from what the
library already has, and does slow work (importing the sample corpus,
refreshing feeds) in thread workers with visible progress.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer

from ..library import Library, plural, strip_controls
from .commands import COMMANDS_BY_ID, Command, bindings_for, palette_commands
from .config import UIConfig, load_config, save_theme
from .messages import (
    AddUrlRequested,
    CommandRequested,
    JobProgress,
    LibraryChanged,
    RefreshRequested,
    UnreadCountChanged,
)
from .screens.main import MainScreen

__all__ = ["TuiReaderApp", "run"]

# XTWINOPS: keep the terminal's own title on its stack while the reader runs, and give it back.
SAVE_TITLE, RESTORE_TITLE = "\x1b[22;2t", "\x1b[23;2t"
# How often the reader looks for changes made by another tuireader (a command in another terminal).
LIBRARY_CHECK_SECONDS = 0.5
# How long the reader waits at start for another tuireader's write; then it paints read-only and takes over later.
OPEN_WAIT_SECONDS = 0.5


class ReaderCommands(Provider):
    """Command palette entries, straight from the command registry."""

    def _hit_parts(self, command: Command) -> tuple[str, str]:
        app: TuiReaderApp = self.app  # type: ignore[assignment]
        from .screens.help import key_display

        keys = key_display(app, command, app.keymap)
        help_text = f"{command.help}  ({keys})" if keys else command.help
        # The palette reads help as markup; key names such as "[" must stay literal.
        return command.title, escape(help_text)

    def _runner(self, command: Command) -> Callable[[], Awaitable[None]]:
        app: TuiReaderApp = self.app  # type: ignore[assignment]
        return partial(app.run_command, command.id)

    async def discover(self) -> Hits:
        for command in palette_commands():
            title, help_text = self._hit_parts(command)
            yield DiscoveryHit(title, self._runner(command), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in palette_commands():
            title, help_text = self._hit_parts(command)
            score = matcher.match(title)
            if score > 0:
                yield Hit(score, matcher.highlight(title), self._runner(command), text=title, help=help_text)


class TuiReaderApp(App[None]):
    """A four-region news reader over a :class:`tuireader.library.Library`."""

    CSS_PATH = "app.tcss"
    TITLE = "tuireader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    BINDINGS = [*bindings_for("app"), Binding("ctrl+c", "quit", show=False, priority=True)]
    # When set, every notification stays this many seconds (tests keep them on screen to read them).
    notification_seconds: float | None = None
    minute = 60.0  # seconds in a minute of ``refresh_minutes`` (tests shorten it rather than wait)

    def __init__(
        self,
        library: Library | Path | str | None = None,
        *,
        config_path: Path | None = None,
        import_samples: bool = True,
    ) -> None:
        super().__init__()
        self._owns_library = not isinstance(library, Library)
        if not isinstance(library, Library):
            # The index is brought up to date after the first paint (see _open_library_fully).
            library = Library.open(Path(library) if library is not None else None, sync=False, wait=OPEN_WAIT_SECONDS)
        self.library: Library = library
        self.config: UIConfig = load_config(config_path)
        if not self.config.group_stories:
            library.set_stories_enabled(False)
        self.keymap: dict[str, str] = dict(self.config.keymap)
        self._import_samples = import_samples
        self._theme_ready = False
        self._library_jobs = 0
        self._refresh_timer: Timer | None = None
        # Set once the library is fully open (index up to date, samples imported), or at
        # mount when it is read-only and is not opened further: tests wait on it.
        self.opened_event = asyncio.Event()

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Notifications quote library errors, file names and titles: plain text, no controls."""
        timeout = self.notification_seconds or timeout
        super().notify(strip_controls(str(message)), title=title, severity=severity, timeout=timeout, markup=markup)

    # --- startup ----------------------------------------------------------

    def get_default_screen(self) -> MainScreen:
        # The main screen is the app's first screen (not pushed over Textual's
        # blank default): it is composed and painted in the app's start-up pass.
        return MainScreen(self.library, self.config)

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        if self.config.theme:
            if self.config.theme in self.available_themes:
                self.theme = self.config.theme
            else:
                self.config.problems.append(f"Config: unknown theme '{self.config.theme}'.")
        self._write_terminal(SAVE_TITLE)
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._theme_ready = True
        for problem in self.config.problems:
            self.notify(problem, severity="warning", timeout=8)
        self._show_library_notices()
        self._arm_refresh_timer()
        if not self.library.read_only:
            # After the first paint, so the progress shows on the main screen.
            self.call_after_refresh(self._start_opening)
        else:
            self.opened_event.set()
        self.set_interval(LIBRARY_CHECK_SECONDS, self._check_library)

    def _check_library(self) -> None:
        """On a timer: show another tuireader's changes; a reader opened read-only takes over when it can."""
        if self.library.may_become_writer and self.library.try_become_writer():
            self._show_library_notices()
            self._start_opening()
        if not self.library_busy and self.library.changed_elsewhere():
            self._tell_screen(LibraryChanged())

    def _show_library_notices(self) -> None:
        for notice in self.library.take_notices():
            self.notify(notice, severity="warning", timeout=10)

    def on_unmount(self) -> None:
        self._write_terminal(RESTORE_TITLE)
        if self._owns_library:
            self.library.close()

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _tell_screen(self, message: Message) -> None:
        screen = self.main_screen
        if screen is not None and screen.is_attached:
            screen.post_message(message)

    def _theme_changed(self, theme: Theme) -> None:
        if not self._theme_ready:
            return
        try:
            save_theme(self.config.path, theme.name)
        except (OSError, ValueError) as error:
            reason = error.strerror if isinstance(error, OSError) and error.strerror else error
            self.notify(f"Could not save the theme: {reason}.", severity="warning")

    # --- the terminal title -----------------------------------------------

    def on_unread_count_changed(self, message: UnreadCountChanged) -> None:
        title = f"tuireader · {plural(message.unread, 'unread article')}" if message.unread else "tuireader"
        self._write_terminal(f"\x1b]2;{title}\x07")

    def _write_terminal(self, sequence: str) -> None:
        # Textual has no call for the window title; it writes OSC 52 the same way (App.copy_to_clipboard).
        if self._driver is not None and not self.is_headless:
            self._driver.write(sequence)

    # --- commands ---------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own palette entries, less those the reader's registry has too (Theme, Quit)."""
        ours = {command.title for command in palette_commands()}
        return (command for command in super().get_system_commands(screen) if command.title not in ours)

    async def run_command(self, command_id: str) -> None:
        """Run a registry command (used by the palette): the app's own here, the rest on the main screen."""
        command = COMMANDS_BY_ID[command_id]
        if command.scope == "app" or command.action.startswith("app.") or self.main_screen is None:
            await self.run_action(command.action.removeprefix("app."), self)
        else:
            self._tell_screen(CommandRequested(command_id))

    # --- background work --------------------------------------------------

    @property
    def library_busy(self) -> bool:
        """True while a worker thread is writing to the library."""
        return self._library_jobs > 0

    def _begin_job(self, message: str) -> None:
        self._library_jobs += 1
        self._progress(0, None, message)

    def _end_job(self, changed: bool) -> None:
        self._library_jobs -= 1
        self._progress(None, None, "")
        if changed:
            self._tell_screen(LibraryChanged())

    def _progress(self, done: int | None, total: int | None, message: str) -> None:
        self._tell_screen(JobProgress(done, total, message))

    def _progress_from_thread(self, message: str) -> Callable[[int, int, str], None]:
        return lambda done, total, _name: self.call_from_thread(self._progress, done, total, message)

    def _start_opening(self) -> None:
        self._begin_job("Opening the library…")
        self._open_library_fully()

    @work(thread=True, group="library")
    def _open_library_fully(self) -> None:
        """After the first paint: bring the index up to date, then import the samples into an empty library."""
        changed = False
        due: list[str] = []
        try:
            changed = bool(self.library.sync_index(self._progress_from_thread("Updating the search index…")))
            if self._import_samples:
                imported = self.library.ensure_sample_corpus(
                    self._progress_from_thread("Importing the sample articles…")
                )
                changed = bool(imported) or changed
            report = self._progress_from_thread("Grouping the stories…")
            changed = self.library.ensure_stories(lambda done, total: report(done, total, "")) or changed
            self.library.prepare_search()
            if self.config.refresh_minutes:
                due = self.library.feeds_due(self.config.refresh_minutes)
        except Exception as error:
            self.call_from_thread(self.notify, f"Could not open the library fully: {error}", severity="error")
        finally:
            self.call_from_thread(self._end_job, changed)
            self.call_from_thread(self._show_library_notices)
            self.call_from_thread(self._after_opening, due)

    def _after_opening(self, due: list[str]) -> None:
        """The library is open: refresh the feeds that are due, and bring old entities up to date."""
        self.opened_event.set()
        if due:
            self.start_refresh(due, quiet=True)
        self._update_stale_entities()

    @work(thread=True, group="entities")
    def _update_stale_entities(self) -> None:
        """Recompute entities stored by an older extractor, in the background."""
        try:
            stale = self.library.stale_entity_ids()
        except Exception:  # a library that cannot say keeps its entities as they are
            return
        if not stale:
            return
        # Not a job that keeps refreshes waiting: the library takes turns between the two per batch.
        message = f"Updating entities of {plural(len(stale), 'article')}…"
        self.call_from_thread(self._progress, 0, len(stale), message)
        done = 0
        report = self._progress_from_thread(message)
        try:
            done = self.library.recompute_entities(
                stale, on_progress=lambda n, total, _id: report(n, total, "") if n % 50 == 0 or n == total else None
            )
        except Exception as error:
            self.call_from_thread(self.notify, f"Could not update entities: {error}", severity="warning")
        finally:
            self.call_from_thread(self._progress, None, None, "")
            if done:
                self.call_from_thread(self._tell_screen, LibraryChanged())

    def _arm_refresh_timer(self) -> None:
        """The next background refresh comes ``refresh_minutes`` after the last one ended, so
        refreshes never pile up on a slow network; any refresh, a manual one too, restarts the count."""
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None
        if self.config.refresh_minutes and not self.library.read_only:
            self._refresh_timer = self.set_timer(self.config.refresh_minutes * self.minute, self._refresh_on_timer)

    def _refresh_on_timer(self) -> None:
        """Refresh quietly when there are feeds and nothing else runs; otherwise try again later."""
        self._refresh_timer = None
        if not self.library_busy and self.library.feeds():
            self.start_refresh(quiet=True)
        else:
            self._arm_refresh_timer()

    def on_refresh_requested(self, message: RefreshRequested) -> None:
        self.start_refresh(message.source_ids)

    def on_add_url_requested(self, message: AddUrlRequested) -> None:
        self.start_add_url(message.url)

    def _can_start_job(self, *, quiet: bool = False) -> bool:
        if self.library.read_only:
            if not quiet:
                self.notify(self.library.notice or "The library is open read-only.", severity="warning")
            return False
        if self.library_busy:
            if not quiet:
                self.notify("Already importing or refreshing; wait for it to finish.")
            return False
        return True

    def start_refresh(self, source_ids: list[str] | None = None, *, quiet: bool = False) -> None:
        """Refresh feeds in the background; ``quiet`` (the timer) reports only new articles and failures."""
        if not self._can_start_job(quiet=quiet):
            return
        if not self.library.feeds():
            if not quiet:
                self.notify("No feeds yet: press A to add one by its web address, or P for a preset.")
            return
        self._begin_job("Refreshing feeds…")
        self._refresh_feeds(source_ids, quiet)

    @work(thread=True, group="library")
    def _refresh_feeds(self, source_ids: list[str] | None, quiet: bool) -> None:
        titles = {feed["id"]: feed.get("title") or feed["url"] for feed in self.library.feeds()}

        def progress(source_id: str, state: str, done: int, total: int) -> None:
            name = titles.get(source_id, source_id)
            self.call_from_thread(self._progress, done, total, f"Refreshing {name}: {state}")

        reports = None
        try:
            reports = self.library.refresh(source_ids, on_progress=progress)
        except Exception as error:
            self.call_from_thread(self.notify, f"Refresh failed: {error}", severity="error")
        finally:
            self.call_from_thread(self._end_job, True)
            self.call_from_thread(self._arm_refresh_timer)
        if reports is not None and (not quiet or any(r.new or r.status == "error" for r in reports)):
            self.call_from_thread(self.notify, _summarise_reports(reports, titles))

    def start_add_url(self, url: str) -> None:
        """Fetch a URL in the background: a feed is followed, a page stored as an article."""
        if not self._can_start_job():
            return
        self._begin_job(f"Fetching {url}…")
        self._add_url(url)

    @work(thread=True, group="library")
    def _add_url(self, url: str) -> None:
        changed = False
        try:
            kind, value = self.library.add_url(url)
        except Exception as error:
            self.call_from_thread(self.notify, f"Could not add {url}: {error}", severity="error")
        else:
            changed = True
            if kind == "feed":
                message = f"Following the feed {value.get('title') or url}; fetching it now."
            else:
                message = "Added the article." if value[1] else "That article is already in the library."
            self.call_from_thread(self.notify, message)
        finally:
            self.call_from_thread(self._end_job, changed)
        if changed and kind == "feed":
            self.call_from_thread(self.start_refresh, [value["id"]])


def _summarise_reports(reports: list[Any], titles: dict[str, str]) -> str:
    """One line for the refresh notification: feeds, new articles, failures named by title."""
    new = sum(report.new for report in reports)
    failed = [report for report in reports if report.status == "error"]
    line = f"Refreshed {plural(len(reports), 'feed')}: {plural(new, 'new article')}."
    if failed:
        named = ", ".join(f"{titles.get(r.source_id, r.url)} ({r.error})" for r in failed[:3])
        line += f" {len(failed)} failed: {named}" + ("…" if len(failed) > 3 else ".")
    return line


def run(library_path: Path | None = None) -> None:
    """Run the reader on the library at ``library_path`` (default library when None)."""
    # The index is brought up to date after the first paint (see _open_library_fully).
    library = Library.open(library_path, sync=False, wait=OPEN_WAIT_SECONDS)
    try:
        TuiReaderApp(library).run()
    finally:
        library.close()
