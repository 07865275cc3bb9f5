"""The Textual application: ``tuireader`` with no subcommand runs ``run()``.

The app opens the library, shows the main screen at once from what the
library already has, and does slow work (importing the sample corpus,
refreshing feeds) in thread workers with visible progress.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from pathlib import Path
from typing import Any

from textual import work
from textual.app import App
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape
from textual.notifications import SeverityLevel
from textual.theme import Theme

from ..text import strip_controls
from .commands import COMMANDS_BY_ID, Command, bindings_for, palette_commands
from .config import UIConfig, load_config, save_theme
from .screens.main import MainScreen

__all__ = ["TuiReaderApp", "run"]


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
    """A three-pane news reader over a ``tuireader.library.Library``."""

    CSS_PATH = "app.tcss"
    TITLE = "tuireader"
    COMMANDS = App.COMMANDS | {ReaderCommands}
    BINDINGS = [*bindings_for("app"), Binding("ctrl+c", "quit", show=False, priority=True)]

    def __init__(
        self,
        library: Any = None,
        *,
        config_path: Path | None = None,
        import_samples: bool = True,
    ) -> None:
        super().__init__()
        self._owns_library = library is None or isinstance(library, (str, Path))
        if self._owns_library:
            from ..library import Library

            # The index is brought up to date after the first paint (see _import_sample_corpus).
            library = Library.open(Path(library) if library is not None else None, sync=False)
        self.library = library
        self.config: UIConfig = load_config(config_path)
        self.keymap: dict[str, str] = dict(self.config.keymap)
        self._import_samples = import_samples
        self._theme_ready = False
        self._library_jobs = 0

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
        super().notify(strip_controls(str(message)), title=title, severity=severity, timeout=timeout, markup=markup)

    # --- startup ----------------------------------------------------------

    def get_default_screen(self) -> MainScreen:
        # The main screen is the app's first screen (not pushed over Textual's
        # blank default): it is composed and painted in the app's start-up pass.
        return MainScreen()

    def on_mount(self) -> None:
        if self.keymap:
            self.set_keymap(self.keymap)
        if self.config.theme:
            if self.config.theme in self.available_themes:
                self.theme = self.config.theme
            else:
                self.config.problems.append(f"Config: unknown theme '{self.config.theme}'.")
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        self._theme_ready = True
        for problem in self.config.problems:
            self.notify(problem, severity="warning", timeout=8)
        self._show_library_notices()
        if self.config.refresh_minutes and not getattr(self.library, "read_only", False):
            self.set_interval(self.config.refresh_minutes * 60, self._auto_refresh)
        if not getattr(self.library, "read_only", False):
            # After the first paint, so the progress shows on the main screen.
            self.call_after_refresh(self._start_sample_import)

    def _show_library_notices(self) -> None:
        take = getattr(self.library, "take_notices", None)
        notices = take() if take else [n for n in [getattr(self.library, "notice", None)] if n]
        for notice in notices:
            self.notify(notice, severity="warning", timeout=10)

    def on_unmount(self) -> None:
        if self._owns_library:
            self.library.close()

    @property
    def main_screen(self) -> MainScreen | None:
        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _theme_changed(self, theme: Theme) -> None:
        if not self._theme_ready:
            return
        try:
            save_theme(self.config.path, theme.name)
        except OSError as error:
            self.notify(f"Could not save the theme: {error}", severity="warning")

    # --- commands ---------------------------------------------------------

    async def run_command(self, command_id: str) -> None:
        """Run a registry command on whatever owns it (used by the palette)."""
        command = COMMANDS_BY_ID[command_id]
        screen = self.main_screen
        if command.scope == "app" or command.action.startswith("app.") or screen is None:
            await self.run_action(command.action.removeprefix("app."), self)
        elif command.scope == "list":
            from .widgets.article_list import ArticleList

            await self.run_action(command.action, screen.query_one(ArticleList))
        elif command.scope == "sources":
            from .widgets.source_tree import SourceTree

            await self.run_action(command.action, screen.query_one(SourceTree))
        else:
            await self.run_action(command.action, screen)

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
        screen = self.main_screen
        if screen is not None and screen.is_mounted:
            if changed:
                screen.reload(sources=True)

    def _start_sample_import(self) -> None:
        self._begin_job("Opening the library…")
        self._import_sample_corpus()

    @work(thread=True, group="library")
    def _import_sample_corpus(self) -> None:
        """After the first paint: bring the index up to date, then import the samples into an empty library."""
        changed = False
        try:
            message = "Updating the search index…"
            changed = bool(
                self.library.sync_index(
                    on_progress=lambda done, total, _shard: self.call_from_thread(self._progress, done, total, message)
                )
            )
            if self._import_samples:
                changed = (
                    bool(
                        self.library.ensure_sample_corpus(
                            on_progress=lambda done, total, name: self.call_from_thread(
                                self._progress, done, total, "Importing the sample articles…"
                            )
                        )
                    )
                    or changed
                )
            getattr(self.library, "prepare_search", lambda: None)()
        except Exception as error:
            self.call_from_thread(self.notify, f"Could not open the library fully: {error}", severity="error")
        finally:
            self.call_from_thread(self._end_job, changed)
            self.call_from_thread(self._show_library_notices)
        self._update_stale_entities()

    @work(thread=True, group="entities")
    def _update_stale_entities(self) -> None:
        """Recompute entities stored by an older extractor, in the background."""
        try:
            stale = self.library.stale_entity_ids()
        except Exception:
            return
        if not stale:
            return
        message = f"Updating entities of {len(stale)} articles…"
        self.call_from_thread(self._begin_job, message)
        done = 0
        try:
            done = self.library.recompute_entities(
                stale,
                on_progress=lambda n, total, _id: (
                    self.call_from_thread(self._progress, n, total, message) if n % 50 == 0 or n == total else None
                ),
            )
        except Exception as error:
            self.call_from_thread(self.notify, f"Could not update entities: {error}", severity="warning")
        finally:
            self.call_from_thread(self._end_job, bool(done))

    def _auto_refresh(self) -> None:
        """The interval from the config: refresh quietly when there are feeds and nothing else runs."""
        if not self.library_busy and self.library.feeds():
            self.start_refresh()

    def start_refresh(self, source_ids: list[str] | None = None) -> None:
        if not hasattr(self.library, "refresh"):
            self.notify("Refreshing feeds is not available in this version.", severity="warning")
            return
        if self.library_busy:
            self.notify("Already importing or refreshing; wait for it to finish.")
            return
        feeds = getattr(self.library, "feeds", lambda: [None])()
        if not feeds:
            self.notify("No feeds yet: add one with `tuireader add URL`.")
            return
        self._begin_job("Refreshing feeds…")
        self._refresh_feeds(source_ids)

    @work(thread=True, group="library")
    def _refresh_feeds(self, source_ids: list[str] | None = None) -> None:
        def progress(source_id: str, state: str, done: int, total: int) -> None:
            self.call_from_thread(self._progress, done, total, f"Refreshing {source_id}: {state}")

        reports = None
        try:
            reports = self.library.refresh(source_ids, on_progress=progress)
        except Exception as error:
            self.call_from_thread(self.notify, f"Refresh failed: {error}", severity="error")
        finally:
            self.call_from_thread(self._end_job, True)
        if reports is not None:
            self.call_from_thread(self.notify, _summarise_reports(reports))

    def start_add_url(self, url: str) -> None:
        """Fetch a URL in the background: a feed is followed, a page stored as an article."""
        if self.library_busy:
            self.notify("Already importing or refreshing; wait for it to finish.")
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
                message = f"Following the feed {value.get('title') or url}. Press r on it to fetch it."
            else:
                message = "Added the article." if value[1] else "That article is already in the library."
            self.call_from_thread(self.notify, message)
        finally:
            self.call_from_thread(self._end_job, changed)

    def _progress(self, done: int | None, total: int | None, message: str) -> None:
        screen = self.main_screen
        if screen is not None and screen.is_mounted:
            screen.show_progress(done, total, message)


def _summarise_reports(reports: Any) -> str:
    """One line for the refresh notification: sources, new articles, failures."""
    if not isinstance(reports, Iterable) or isinstance(reports, (str, bytes)):
        return "Refresh finished."
    reports = list(reports)
    new = sum(int(getattr(report, "new", 0) or 0) for report in reports)
    failed = [report for report in reports if getattr(report, "status", "") == "error"]
    line = f"Refreshed {len(reports)} feeds: {new} new articles."
    if failed:
        line += f" {len(failed)} failed: " + ", ".join(str(getattr(r, "source_id", "?")) for r in failed[:3])
    return line


def run(library_path: Path | None = None) -> None:
    """Run the reader on the library at ``library_path`` (default library when None)."""
    from ..library import Library

    # The index is brought up to date after the first paint (see _import_sample_corpus).
    library = Library.open(library_path, sync=False)
    try:
        TuiReaderApp(library).run()
    finally:
        library.close()
