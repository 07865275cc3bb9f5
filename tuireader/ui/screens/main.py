"""The main screen: sources | article list over the article | entities.

The screen owns the reader state as reactives (view query, search text, the
ids of the view, the open article, the selected entity) and pushes it down to
the widgets with ``data_bind``.  Widgets report intent with messages; only
this screen talks to the library.
"""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import Footer, Input, ProgressBar, Static

from ...library import (
    SORT_ORDERS,
    Article,
    Library,
    SourceEntry,
    export_file_name,
    plural,
    query_problems,
    save_setting,
    strip_controls,
)
from ...library.highlight import mention_ranges, search_ranges
from ..commands import COMMANDS_BY_ID, bindings_for
from ..config import UIConfig
from ..messages import (
    AddUrlRequested,
    CommandRequested,
    JobProgress,
    LibraryChanged,
    RefreshRequested,
    UnreadCountChanged,
)
from ..widgets.article_list import ArticleList
from ..widgets.article_view import ArticleView
from ..widgets.entity_panel import EntityPanel
from ..widgets.source_tree import SourceTree
from .dialogs import ConfirmScreen, PromptScreen, TagSuggester, parse_tag_changes

__all__ = ["MainScreen"]

FIRST_PAGE_ROWS = 200  # more than any terminal shows at once
SEARCH_PLACEHOLDER = "Search this view (accents optional; all: searches everything)  Enter: list  Esc: clear"
EMPTY_VIEW = "No articles in this view."
WHOLE_LIBRARY = "all:"  # a search starting with it widens to the whole library
ENTITY_SECTION = "Entity feeds"


@dataclass(frozen=True)
class PendingSource:
    """A view shown in the sources pane that the library does not know yet (an entity feed)."""

    kind: str
    label: str
    query: str
    unread: int = 0
    total: int = 0
    section: str = ENTITY_SECTION
    id: str | None = None
    error: str | None = None
    error_at: str | None = None


Source = SourceEntry | PendingSource


def _run_browser_command(template: str, url: str) -> str | None:
    """Run ``template`` with ``%u`` standing for ``url``; what went wrong, or None.

    The address reaches the shell as an argument ("$1"), never as shell code.
    """
    import subprocess

    command = template.replace("%u", '"$1"') if "%u" in template else f'{template} "$1"'
    try:
        done = subprocess.run(["sh", "-c", command, "tuireader-browser", url], check=False)
    except OSError as error:
        return error.strerror or str(error)
    return f"exit status {done.returncode}" if done.returncode else None


def refresh_failure(entry: Source) -> str:
    """ "last refresh failed at 08:09 on 02/12: HTTP 404 Not Found" (local time)."""
    when = ""
    if entry.error_at:
        from datetime import datetime

        try:
            moment = datetime.fromisoformat(str(entry.error_at)).astimezone()
            when = f" at {moment:%H:%M} on {moment:%d/%m}"
        except ValueError:
            when = ""
    return f"last refresh failed{when}: {strip_controls(str(entry.error))}"


def join_query(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())


class MainScreen(Screen[None]):
    """Sources, the article list, the article and its entities."""

    BINDINGS = bindings_for("main")
    # Narrow terminals give the sources pane's room (and below 80 columns the
    # entity panel's too) to the list and the article; a hidden pane comes
    # back while focused (1 or 4).
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (80, "-narrow"), (120, "-wide")]

    # Delays, in seconds; tests set them to 0 rather than wait them out.
    search_debounce = 0.15  # typing pauses this long before the list follows the search box
    sources_recount_delay = 1.0  # counting every source waits until the reader pauses
    startup_follow_up_delay = 0.15  # after mount: time for the first frame to be written

    view_query: reactive[str] = reactive("")
    view_label: reactive[str] = reactive("All")
    search_text: reactive[str] = reactive("")
    sources: reactive[list[Source]] = reactive(list, always_update=True)
    article_ids: reactive[list[str]] = reactive(list, always_update=True)
    current_id: reactive[str | None] = reactive(None)
    article: reactive[Article | None] = reactive(None, always_update=True)
    entities: reactive[list[dict[str, Any]]] = reactive(list, always_update=True)
    entity_key: reactive[str | None] = reactive(None)
    mentions: reactive[tuple[tuple[int, int], ...]] = reactive(tuple)
    matches: reactive[tuple[tuple[int, int], ...]] = reactive(tuple)
    status: reactive[str] = reactive("")
    list_order: reactive[str] = reactive("date")

    def __init__(self, library: Library, config: UIConfig | None = None) -> None:
        super().__init__()
        self.library = library
        self.config = config or UIConfig(path=Path("config.toml"))
        self.keymap = dict(self.config.keymap)
        # Delayed work by name (the search debounce, the recount...): a token and its timer.
        self._later: dict[str, tuple[object, Timer | None]] = {}
        self._undo_ids: list[str] = []
        self._pending_sources: list[PendingSource] = []
        self.started = False  # True once the whole view, counts and footer are shown
        self.started_event = asyncio.Event()
        self._unread_in_view = 0
        self._side_lists: tuple[SourceTree, EntityPanel] | tuple[()] = ()

    # --- layout -----------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            # The side panes' lists join right after the first frame (see
            # _mount_side_panes): empty then, they cost it ~11 ms of styling.
            # Bound here: data_bind needs the screen composing (not an action's context).
            self._side_lists = (
                SourceTree(id="sources").data_bind(entries=MainScreen.sources, current_query=MainScreen.view_query),
                EntityPanel(id="entities").data_bind(entities=MainScreen.entities),
            )
            sources = Vertical(id="sources-pane", classes="side-pane")
            sources.border_title = "1 Sources"
            yield sources
            with Vertical(id="reader"):
                articles = ArticleList(self._rows, id="articles").data_bind(ids=MainScreen.article_ids)
                articles.border_title = "2 Articles"
                yield articles
                view = ArticleView(id="article").data_bind(
                    article=MainScreen.article, mentions=MainScreen.mentions, matches=MainScreen.matches
                )
                view.border_title = "3 Article"
                yield view
            entities = Vertical(id="entities-pane", classes="side-pane")
            entities.border_title = "4 Entities"
            yield entities
        with Horizontal(id="statusbar"):
            yield Static(id="status", markup=False)

    def on_mount(self) -> None:
        # First paint: one screenful of the list.  The whole view, the counts,
        # the source pane and the key footer follow right after it.
        self.list_order = self.library.view_order(self.view_query)
        ids = self._call(
            "Reading the list failed",
            self.library.query_ids,
            self.full_query,
            limit=FIRST_PAGE_ROWS,
            order=self.list_order,
        )
        self.article_ids = list(ids or [])
        self.query_one(ArticleList).focus()
        # Not call_after_refresh: the first frame must reach the terminal before
        # the full list of a large library is read (measured: ~60 ms at 50,000).
        self._run_later("startup", self.startup_follow_up_delay, self.finish_startup)

    def finish_startup(self) -> None:
        """Join what the first frame left out (run by the start-up timer; tests end start-up with it)."""
        if self.started:
            return
        self._cancel_later("startup")
        # The hidden search box and progress bar cost a first frame ~25 ms of
        # styling; they join right after it (or on first use, if sooner).
        self._mount_search_input()
        self._progress_bar()
        self._mount_side_panes()
        if not gc.isenabled():
            # Started by cli.cmd_tui, which holds the collector off until the
            # first frame: what start-up built lives as long as the app, so
            # keep it out of every later collection, then collect again.
            gc.freeze()
            gc.enable()
        self.mount(Footer())
        self.reload()
        self.reload_sources()
        self.started = True
        self.started_event.set()

    # --- delayed work -------------------------------------------------------

    def _run_later(self, name: str, delay: float, callback: Callable[[], object]) -> None:
        """Run ``callback`` after ``delay`` seconds (0: next turn), replacing the pending one of that name."""
        self._cancel_later(name)
        token = object()

        def fire() -> None:
            if self._later.get(name, (None, None))[0] is token:
                del self._later[name]
                callback()

        timer = self.set_timer(delay, fire) if delay > 0 else None
        self._later[name] = (token, timer)
        if timer is None:
            self.call_later(fire)

    def _cancel_later(self, name: str) -> None:
        _token, timer = self._later.pop(name, (None, None))
        if timer is not None:
            timer.stop()

    @property
    def settled(self) -> bool:
        """Started, with no delayed work pending (the screen shows its final state, but for workers)."""
        return self.started and not self._later

    # --- library access ---------------------------------------------------

    def _rows(self, ids: list[str]) -> Sequence[Any]:
        return self.library.summaries(ids)

    def _call(self, what: str, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the library; report a failure to the user instead of crashing."""
        try:
            return function(*args, **kwargs)
        except Exception as error:  # the library reports bad input and I/O problems as exceptions
            self.notify(f"{what}: {error}", severity="error")
            return None

    def _do(self, what: str, function: Callable[..., Any], *args: Any) -> bool:
        """Run a library mutation; False (and a notification) if it failed.

        The change is on disk when this returns, even while a worker thread
        imports or refreshes: the library serialises the two.
        """
        try:
            function(*args)
        except Exception as error:
            self.notify(f"{what}: {error}", severity="error")
            return False
        return True

    def _writable(self) -> bool:
        if self.library.read_only:
            self.notify(self.library.notice or "The library is open read-only.", severity="warning")
            return False
        return True

    @property
    def search_is_global(self) -> bool:
        """A search that starts with ``all:`` looks in the whole library, not only the open view."""
        return self.search_text.startswith(WHOLE_LIBRARY)

    @property
    def full_query(self) -> str:
        if self.search_is_global:
            return self.search_text.removeprefix(WHOLE_LIBRARY).strip()
        return join_query(self.view_query, self.search_text)

    def reload(self, *, sources: bool = False) -> None:
        """Recompute the ids of the view (and the source tree)."""
        ids = self._call("Search failed", self.library.query_ids, self.full_query, order=self.list_order)
        self.article_ids = list(ids or [])
        self._count_unread()
        if sources:
            self.reload_sources()
        self._update_status()

    def reload_sources(self) -> None:
        """Count every source again, in a worker: it costs a few hundred ms on a large library."""
        self._count_sources()

    @work(thread=True, exclusive=True, group="sources")
    def _count_sources(self) -> None:
        try:
            entries = self.library.source_tree()
        except Exception as error:  # the library reports I/O problems as exceptions
            self.app.call_from_thread(self.notify, f"Reading sources failed: {error}", severity="error")
            return
        self.app.call_from_thread(self._show_sources, entries)

    def _show_sources(self, entries: list[SourceEntry]) -> None:
        known = {entry.query for entry in entries}
        self._pending_sources = [pending for pending in self._pending_sources if pending.query not in known]
        self.sources = [*entries, *self._pending_sources]
        unread = next((entry.unread for entry in entries if entry.kind == "all"), 0)
        self.app.post_message(UnreadCountChanged(unread))

    def _reload_sources_soon(self) -> None:
        # Wait until the reader pauses rather than recount on every keypress.
        self._run_later("recount", self.sources_recount_delay, self.reload_sources)

    def _refresh_rows(self, ids: Sequence[str]) -> None:
        self.query_one(ArticleList).invalidate(ids)
        self._count_unread()
        self._update_status()
        self._reload_sources_soon()

    def _count_unread(self) -> None:
        counts = self._call("Counting failed", self.library.count, self.full_query)
        self._unread_in_view = counts[0] if counts else 0

    def _update_status(self) -> None:
        parts = [self.view_label or "All", plural(len(self.article_ids), "article"), f"{self._unread_in_view} unread"]
        if self.list_order != "date":
            parts.append(f"sorted by {self.list_order}")
        if self.search_text:
            scope = "whole library" if self.search_is_global else f"in {self.view_label or 'All'}"
            parts.append(f"search: {self.full_query if self.search_is_global else self.search_text} ({scope})")
            parts.extend(query_problems(self.search_text))
        open_feed = next((s for s in self.sources if s.query == self.view_query and s.kind == "feed"), None)
        if open_feed is not None and open_feed.error and ": last refresh failed" not in self.status:
            parts.append(refresh_failure(open_feed))
        if self.library.read_only:
            parts.append(self.library.notice or "read-only")
        if self.status:
            parts.append(self.status)
        self.query_one("#status", Static).update(
            Text(strip_controls("  ·  ".join(parts)), no_wrap=True, overflow="ellipsis")
        )

    def watch_status(self) -> None:
        if self.is_mounted:
            self._update_status()

    # --- messages from widgets --------------------------------------------

    @on(SourceTree.Selected)
    def _source_selected(self, event: SourceTree.Selected) -> None:
        self.show_view(event.entry.query, strip_controls(str(event.entry.label)))

    @on(SourceTree.RefreshRequested)
    def _refresh_requested(self, event: SourceTree.RefreshRequested) -> None:
        event.stop()
        if self._writable():
            self.app.post_message(RefreshRequested(event.source_ids))

    @on(SourceTree.NodeHighlighted, "#sources")
    def _source_highlighted(self, event: SourceTree.NodeHighlighted) -> None:
        entry = event.node.data
        if entry is not None and entry.error:
            self.status = f"{strip_controls(str(entry.label))}: {refresh_failure(entry)}"
        elif ": last refresh failed" in self.status:
            self.status = ""

    def show_view(self, query: str, label: str) -> None:
        self.view_label = label
        self.view_query = query
        self.list_order = self.library.view_order(query)
        self.reload()

    @on(ArticleList.Highlighted)
    def _article_highlighted(self, event: ArticleList.Highlighted) -> None:
        self.current_id = event.article_id

    @on(ArticleList.Opened)
    def _article_opened(self, event: ArticleList.Opened) -> None:
        self.open_article(event.article_id)

    @on(EntityPanel.Selected)
    def _entity_selected(self, event: EntityPanel.Selected) -> None:
        entity = event.entity
        self.entity_key = entity.get("key") if entity else None
        text = self.article.text if self.article else ""
        self.mentions = tuple(mention_ranges(entity, len(text)))
        if self.mentions:
            self.query_one(ArticleView).jump(1)

    @on(EntityPanel.Pivot)
    def _entity_pivot(self, event: EntityPanel.Pivot) -> None:
        entity = event.entity
        key = str(entity.get("key") or entity.get("text")).replace('"', "")
        query = f"entity:{key}" if " " not in key else f'entity:"{key}"'
        label = strip_controls(str(entity.get("text") or key))
        if not any(source.query == query for source in self.sources):
            self._pending_sources.append(PendingSource("entity", label, query))
            self.sources = [
                source for source in self.sources if not isinstance(source, PendingSource)
            ] + self._pending_sources
        self.show_view(query, label)
        self.query_one(ArticleList).focus()

    # --- opening articles -------------------------------------------------

    def open_article(self, article_id: str) -> None:
        article = self._call("Cannot open the article", self.library.article, article_id)
        if article is None:
            return
        if not article.read and not self.library.read_only:
            if self._do("Cannot mark read", self.library.set_read, [article_id], True):
                self._refresh_rows([article_id])
        self.entity_key = None
        self.mentions = ()
        self.matches = tuple(search_ranges(article.text, self.search_text))
        self.article = article
        self.entities = list(article.entities)

    def _unread_ids(self) -> set[str]:
        return set(self._call("Search failed", self.library.query_ids, join_query(self.full_query, "is:unread")) or [])

    def _step_unread(self, direction: int) -> None:
        articles = self.query_one(ArticleList)
        unread = self._unread_ids()
        ids = self.article_ids
        position = articles.cursor
        order = list(range(position + 1, len(ids)) if direction > 0 else range(position - 1, -1, -1))
        # The article under the cursor counts when nothing is open yet.
        if self.article is None and 0 <= position < len(ids):
            order.insert(0, position)
        for index in order:
            if ids[index] in unread:
                articles.cursor = index
                self.open_article(ids[index])
                return
        self.notify("No more unread articles in this view." if direction > 0 else "No earlier unread article.")

    # --- actions ----------------------------------------------------------

    def action_move(self, delta: int) -> None:
        focused = self.focused
        if isinstance(focused, ArticleList):
            focused.cursor += delta
        elif isinstance(focused, ArticleView):
            (focused.scroll_down if delta > 0 else focused.scroll_up)(animate=False)
        elif isinstance(focused, (SourceTree, EntityPanel)):
            (focused.action_cursor_down if delta > 0 else focused.action_cursor_up)()

    def action_next_unread(self) -> None:
        self._step_unread(1)

    def action_prev_unread(self) -> None:
        self._step_unread(-1)

    def action_page_article(self) -> None:
        view = self.query_one(ArticleView)
        if self.article is None:
            current = self.query_one(ArticleList).current_id
            if current is not None:
                self.open_article(current)
        elif view.at_end:
            self._step_unread(1)
        else:
            view.scroll_page_down(animate=False)

    def action_page_article_up(self) -> None:
        self.query_one(ArticleView).scroll_page_up(animate=False)

    async def action_focus_region(self, region: str) -> None:
        target = {"sources": "#sources", "list": "#articles", "article": "#article", "entities": "#entities"}.get(
            region
        )
        if not target:
            return
        for mounting in self._mount_side_panes():  # a key pressed before they joined
            await mounting
        self.set_class(region == "sources", "-show-sources")
        self.set_class(region == "entities", "-show-entities")
        widget = self.query_one(target, Widget)
        if widget.focusable:
            # At once, not on the next idle: keys typed right after go to the new pane.
            self.set_focus(widget)
        else:
            # A pane hidden in a narrow terminal becomes focusable once shown.
            self.call_after_refresh(widget.focus)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        # A side pane shown on demand in a narrow terminal hides again when focus leaves it.
        focused_id = event.widget.id
        if focused_id != "sources":
            self.remove_class("-show-sources")
        if focused_id != "entities":
            self.remove_class("-show-entities")

    def _target_id(self) -> str | None:
        current = self.query_one(ArticleList).current_id
        if current is not None:
            return current
        return self.article.id if self.article else None

    def _target_summary(self) -> Any | None:
        article_id = self._target_id()
        if article_id is None:
            self.notify("No article selected.")
            return None
        rows = self._call("Cannot read the article", self.library.summaries, [article_id]) or []
        return rows[0] if rows else None

    def _sync_open_article(self, article_id: str) -> None:
        if self.article is not None and self.article.id == article_id:
            article = self._call("Cannot reload the article", self.library.article, article_id)
            if article is not None:
                self.article = article

    def action_toggle_read(self) -> None:
        row = self._target_summary()
        if row is None or not self._writable():
            return
        self._do("Cannot change the read mark", self.library.set_read, [row.id], not row.read)
        self._refresh_rows([row.id])
        self.notify("Marked unread." if row.read else "Marked read.", timeout=2)

    def action_mark_view_read(self) -> None:
        if not self._writable():
            return
        unread = self._unread_ids()
        ids = [article_id for article_id in self.article_ids if article_id in unread]
        if not ids:
            self.notify("Nothing unread in this view.")
            return
        self._do("Cannot mark read", self.library.set_read, ids, True)
        self._undo_ids = ids
        self.query_one(ArticleList).invalidate()
        self._refresh_rows([])
        self.notify(f"Marked {len(ids)} articles read. Press u to undo.", timeout=8)

    def action_undo(self) -> None:
        if not self._undo_ids:
            self.notify("Nothing to undo.")
            return
        if not self._writable():
            return
        ids, self._undo_ids = self._undo_ids, []
        self._do("Cannot undo", self.library.set_read, ids, False)
        self.query_one(ArticleList).invalidate()
        self._refresh_rows([])
        self.notify(f"{len(ids)} articles unread again.", timeout=3)

    def action_toggle_bookmark(self) -> None:
        row = self._target_summary()
        if row is None or not self._writable():
            return
        self._do("Cannot change the bookmark", self.library.set_bookmarked, [row.id], not row.bookmarked)
        self._refresh_rows([row.id])
        self._sync_open_article(row.id)
        self.notify("Bookmark removed." if row.bookmarked else "Bookmarked.", timeout=2)

    def action_edit_tags(self) -> None:
        row = self._target_summary()
        if row is None or not self._writable():
            return
        known = [tag for tag, _count in (self._call("Cannot list tags", self.library.all_tags) or [])]
        current = ", ".join(row.tags) if row.tags else "none"

        def apply(value: str | None) -> None:
            if not value:
                return
            add, remove = parse_tag_changes(value)
            if add:
                self._do("Cannot add tags", self.library.add_tags, [row.id], add)
            if remove:
                self._do("Cannot remove tags", self.library.remove_tags, [row.id], remove)
            self._refresh_rows([row.id])
            self._sync_open_article(row.id)
            self.reload_sources()

        self.app.push_screen(
            PromptScreen(
                "Tags",
                placeholder="lễ hội, -nháp",
                help=f"Now: {current}.  Commas separate tags (a tag may hold spaces); "
                "'-x' removes x.  Tab or → accepts the completion.",
                suggester=TagSuggester(known),
            ),
            apply,
        )

    def action_open_url(self) -> None:
        if not self._writable():
            return

        def apply(value: str | None) -> None:
            url = (value or "").strip()
            if url:
                if not url.startswith(("http://", "https://")):
                    self.notify("A web address starts with http:// or https://.", severity="warning")
                    return
                self.app.post_message(AddUrlRequested(url))

        self.app.push_screen(
            PromptScreen(
                "Open URL", placeholder="https://…", help="A feed becomes a source; a page becomes an article."
            ),
            apply,
        )

    def action_add_preset(self) -> None:
        if not self._writable():
            return
        presets = self.library.presets()
        names = ", ".join(preset.name for preset in presets)

        def apply(value: str | None) -> None:
            name = (value or "").strip()
            if not name:
                return
            preset = self.library.find_preset(name)
            if preset is None:
                self.notify(f"No preset called {name}.", severity="warning")
                return
            feed = self._call("Cannot add the feed", self.library.add_feed, preset.url, title=preset.title)
            if feed:
                self.notify(f"Following {preset.title}. Press r on it in the sources pane to fetch it.")
                self.reload_sources()

        self.app.push_screen(
            PromptScreen(
                "Add a preset feed",
                placeholder="vnexpress",
                help=f"Presets: {names}",
                suggester=TagSuggester([p.name for p in presets]),
            ),
            apply,
        )

    def _mount_side_panes(self) -> list[AwaitMount]:
        """Mount the source tree and the entity panel into their panes unless there."""
        mounting = []
        for widget, pane in zip(self._side_lists, ("#sources-pane", "#entities-pane"), strict=False):
            if widget.parent is None:
                mounting.append(self.query_one(pane).mount(widget))
        return mounting

    def _mount_search_input(self) -> AwaitMount | None:
        """Mount the (hidden) search box above the list unless it is there."""
        if self.query("#search"):
            return None
        search = Input(placeholder=SEARCH_PLACEHOLDER, id="search")
        search.display = False
        return self.query_one("#reader").mount(search, before=0)

    def _progress_bar(self) -> ProgressBar:
        """The status bar's progress bar, mounted on first use."""
        found = self.query("#progress")
        if found:
            return found.first(ProgressBar)
        bar = ProgressBar(id="progress", show_eta=False)
        bar.display = False
        self.query_one("#statusbar").mount(bar)
        return bar

    async def action_search(self) -> None:
        mounting = self._mount_search_input()
        if mounting is not None:
            await mounting
        search = self.query_one("#search", Input)
        search.display = True
        # At once: the words typed right after "/" belong to the search.
        self.set_focus(search)

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        value = event.value
        self._run_later("search", self.search_debounce, lambda: self.apply_search(value))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._cancel_later("search")
        self.apply_search(event.value)
        self.query_one(ArticleList).focus()

    def apply_search(self, value: str) -> None:
        value = strip_controls(value).strip()
        if value == self.search_text:
            return
        self.search_text = value
        self.reload()
        self.matches = tuple(search_ranges(self.article.text if self.article else "", value))

    def action_clear(self) -> None:
        found = self.query("#search")
        search = found.first(Input) if found else None
        if search is not None and (search.display or self.search_text):
            self._cancel_later("search")
            search.value = ""
            search.display = False
            self.apply_search("")
            self.query_one(ArticleList).focus()
        elif self.mentions or self.entity_key:
            self.entity_key = None
            self.mentions = ()

    def action_mention(self, direction: int) -> None:
        if not self.query_one(ArticleView).jump(direction):
            self.notify("Select an entity (pane 4) or search (/) first.", timeout=2)

    def action_save_view(self) -> None:
        query = self.full_query
        if not query:
            self.notify("Search (/) or open an entity feed first, then save it.")
            return
        if not self._writable():
            return
        default = self.search_text or self.view_label

        def save(name: str | None) -> None:
            name = strip_controls(name or "").strip()
            if not name:
                return
            if not self._do("Cannot save the view", self.library.save_view, name, query):
                return
            self.reload_sources()
            self.notify(f"Saved view “{name}”.", timeout=3)

        self.app.push_screen(PromptScreen("Save view as", value=default, help=f"Query: {query}"), save)

    def _highlighted_source(self, action: str) -> SourceEntry | None:
        """The feed or saved view highlighted in the sources pane, if it is one (else say how to pick one)."""
        entry = self.query_one(SourceTree).highlighted_entry
        if not isinstance(entry, SourceEntry) or entry.kind not in ("feed", "search", "entity") or not entry.id:
            self.notify(f"Highlight a feed or a saved view in the sources pane (1) to {action} it.")
            return None
        return entry if self._writable() else None

    def action_delete_view(self) -> None:
        entry = self._highlighted_source("delete")
        if entry is None:
            return
        name, entry_id = strip_controls(str(entry.label)), entry.id or ""
        is_feed = entry.kind == "feed"
        if is_feed:
            question, done = (
                f"Stop following the feed “{name}”? Its articles stay in the library.",
                "No longer following",
            )
        else:
            question, done = f"Delete the saved view “{name}”?", "Deleted the view"
        delete = self.library.remove_feed if is_feed else self.library.delete_view

        def answer(yes: bool | None) -> None:
            if yes and self._do("Cannot delete it", delete, entry_id):
                self.reload_sources()
                self.notify(f"{done} “{name}”.", timeout=3)

        self.app.push_screen(ConfirmScreen(question), answer)

    def action_rename_source(self) -> None:
        entry = self._highlighted_source("rename")
        if entry is None:
            return
        entry_id, old = entry.id or "", strip_controls(str(entry.label))
        rename = self.library.rename_feed if entry.kind == "feed" else self.library.rename_view

        def apply(value: str | None) -> None:
            new = " ".join((value or "").split())
            if new and new != old and self._do("Cannot rename it", rename, entry_id, new):
                self.reload_sources()
                self.notify(f"Renamed “{old}” to “{new}”.", timeout=3)

        self.app.push_screen(
            PromptScreen("Rename", value=old, help="Enter saves the new name; Esc keeps the old."), apply
        )

    def action_export(self) -> None:
        # From the article pane: the open article; anywhere else: the whole view.
        if isinstance(self.focused, ArticleView) and self.article is not None:
            ids = [self.article.id]
        else:
            ids = list(self.article_ids)
        if not ids:
            self.notify("Nothing to export in this view.")
            return
        name = self.article.title if len(ids) == 1 and self.article is not None else self.view_label or "articles"
        folder = self.config.export_folder or Path.home()
        default = str(folder / export_file_name(name, "md"))

        def export(value: str | None) -> None:
            if not value or not value.strip():
                return
            path = Path(value.strip()).expanduser()
            fmt = "json" if path.suffix.lower() == ".json" else "md"
            if path.is_dir():
                path = path / export_file_name(name, fmt)
            if not path.exists():
                self._export(ids, fmt, path)
                return

            def replace(yes: bool | None) -> None:
                if yes:
                    self._export(ids, fmt, path)

            self.app.push_screen(ConfirmScreen(f"{path} already exists. Replace it?"), replace)

        self.app.push_screen(
            PromptScreen(
                f"Export {plural(len(ids), 'article')} to",
                value=default,
                help="A .json path exports JSON, anything else Markdown; a folder gets a file named after the export.",
            ),
            export,
        )

    @work(thread=True, exclusive=True, group="export")
    def _export(self, ids: list[str], fmt: str, path: Path) -> None:
        try:
            self.library.export(ids, fmt, path)
        except Exception as error:
            self.app.call_from_thread(self.notify, f"Export failed: {error}", severity="error")
            return
        self.app.call_from_thread(self._exported, len(ids), path)

    def _exported(self, count: int, path: Path) -> None:
        self.notify(f"Exported {plural(count, 'article')} to {path}")
        if self.config.export_folder != path.parent:
            self.config.export_folder = path.parent
            try:
                save_setting(self.config.path, "export_folder", str(path.parent))
            except OSError as error:
                self.notify(f"Could not remember the export folder: {error.strerror or error}", severity="warning")

    def action_open_browser(self) -> None:
        url = self.article.url if self.article else None
        if not url:
            row_id = self._target_id()
            if row_id is not None:
                article = self._call("Cannot open the article", self.library.article, row_id)
                url = article.url if article else None
        if not url:
            self.notify("This article has no web address.")
            return
        if self.config.browser:
            self._run_browser(self.config.browser, str(url))
        else:
            self._open_url(str(url))

    def _run_browser(self, template: str, url: str) -> None:
        """Run the configured browser command as newsboat does: in the terminal, the reader suspended."""
        from textual.app import SuspendNotSupported

        try:
            with self.app.suspend():
                status = _run_browser_command(template, url)
        except SuspendNotSupported:  # no terminal to hand over (a test, the web): run it beside the reader
            status = _run_browser_command(template, url)
        if status:
            self.notify(f"The browser command failed ({status}).", severity="warning")

    @work(thread=True, group="browser")
    def _open_url(self, url: str) -> None:
        try:
            import webbrowser

            opened = webbrowser.open(url)
        except Exception:
            opened = False
        if not opened:
            self.app.call_from_thread(self.notify, f"No browser available. Address: {url}", severity="warning")

    def action_edge(self, end: bool) -> None:
        """g / G: the top or bottom of the focused list or article."""
        focused = self.focused
        if isinstance(focused, ArticleList):
            (focused.action_last if end else focused.action_first)()
        elif isinstance(focused, ArticleView):
            (focused.scroll_end if end else focused.scroll_home)(animate=False)
        elif isinstance(focused, SourceTree):
            focused.cursor_line = focused.last_line if end else 0
        elif isinstance(focused, EntityPanel):
            (focused.action_last if end else focused.action_first)()

    def action_step_source(self, direction: int) -> None:
        """Open the next (or previous) source with unread articles, as newsboat's next-unread-feed."""
        sources = [s for s in self.sources if s.kind not in ("all", "unread", "bookmarks")]
        here = next((i for i, s in enumerate(sources) if s.query == self.view_query), -1 if direction > 0 else 0)
        for step in range(1, len(sources) + 1):
            candidate = sources[(here + direction * step) % len(sources)]
            if candidate.unread and candidate.query != self.view_query:
                self.show_view(candidate.query, strip_controls(str(candidate.label)))
                return
        self.notify("No other source has unread articles.")

    def action_copy_url(self) -> None:
        url = self.article.url if self.article else None
        if not url:
            row = self._target_summary()
            article = self._call("Cannot read the article", self.library.article, row.id) if row else None
            url = article.url if article else None
        if not url:
            self.notify("This article has no web address.")
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {url}", timeout=3)

    def action_cycle_sort(self) -> None:
        orders = list(SORT_ORDERS)
        order = orders[(orders.index(self.list_order) + 1) % len(orders)]
        if not self.library.read_only:
            self._do("Cannot remember the order", self.library.set_view_order, self.view_query, order)
        self.list_order = order
        self.reload()
        self.notify(f"Sorted by {order}.", timeout=2)

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(self.keymap))

    def action_refresh_sources(self) -> None:
        if self._writable():
            self.app.post_message(RefreshRequested(None))

    # --- what the app tells the screen --------------------------------------

    def on_job_progress(self, message: JobProgress) -> None:
        self.show_progress(message.done, message.total, message.message)

    def on_library_changed(self, message: LibraryChanged) -> None:
        self.reload(sources=True)

    async def on_command_requested(self, message: CommandRequested) -> None:
        """A palette command: run it on the widget or screen that owns it."""
        command = COMMANDS_BY_ID[message.command_id]
        owners: dict[str, Widget] = {"list": self.query_one(ArticleList), "sources": self.query_one(SourceTree)}
        owner = owners.get(command.scope)
        await (owner.run_action(command.action) if owner is not None else self.run_action(command.action))

    def show_progress(self, done: int | None, total: int | None, message: str = "") -> None:
        articles = self.query_one(ArticleList)
        articles.empty_message = message or EMPTY_VIEW
        bar = self._progress_bar()
        if done is None:
            bar.display = False
        else:
            bar.display = True
            bar.update(total=total or None, progress=done)
        self.status = message
