"""The main screen's state and what every part of it shares: the reactives pushed down to the
widgets, the view and its counts, the status line, delayed work, and calls into the library.

The screen owns the reader state as reactives (view query, search text, the ids of the view, the
open article, the selected entity) and pushes it down to the widgets with ``data_bind``.  Widgets
report intent with messages; only the screen talks to the library.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from msgspec import Struct
from msgspec.structs import replace
from rich.text import Text
from textual import work
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import AwaitMount, Widget
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from ...library import Article, Library, SourceEntry, StoryArticle, StoryRow, plural, query_problems, strip_controls
from ...library.highlight import search_ranges
from ..config import UIConfig
from ..messages import UnreadCountChanged
from ..widgets.article_list import ArticleList, StoryMark
from ..widgets.article_view import ArticleView

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

FIRST_PAGE_ROWS = 200  # more than any terminal shows at once
SAME_STORY_LINES = 30  # "Cùng sự kiện" names this many articles of a story around the open one
SEARCH_PLACEHOLDER = "Search this view (accents optional; all: searches everything)  Enter: list  Esc: clear"
EMPTY_VIEW = "No articles in this view."
WHOLE_LIBRARY = "all:"  # a search starting with it widens to the whole library
ENTITY_SECTION = "Entity feeds"


class PendingSource(Struct, frozen=True):
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


def same_story_lines(articles: Sequence[StoryArticle], open_id: str) -> list[StoryArticle]:
    """The other articles of the open article's story, a re-published text once: its copies' outlets join it."""
    outlets: dict[str, list[str]] = {}
    for article in articles:
        if article.copy_of is not None and article.site:
            outlets.setdefault(article.copy_of, []).append(article.site)
    lines = []
    for article in articles:
        if article.id == open_id or (article.copy_of is not None and article.copy_of != open_id):
            continue
        if article.copy_of == open_id:  # a copy of the open article: named as such
            lines.append(replace(article, title=f"đăng lại bài này: {article.title}"))
            continue
        sites = [article.site or "?", *outlets.get(article.id, ())]
        lines.append(replace(article, site=", ".join(dict.fromkeys(sites))))
    return lines


class ViewKey(NamedTuple):
    """What a list shows: the query, its order, and whether stories fold."""

    query: str
    order: str
    grouping: bool


def join_query(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part and part.strip())


class ReaderState(Screen[None]):
    """The state of the main screen and the calls that change it."""

    # Delays, in seconds; tests set them to 0 rather than wait them out.
    search_debounce = 0.15  # typing pauses this long before the list follows the search box
    sources_recount_delay = 1.0  # counting every source waits until the reader pauses
    startup_follow_up_delay = 0.15  # after mount: time for the first frame to be written
    # A view longer than this shows its first screenful at once and is read whole in a worker.
    first_page_rows = FIRST_PAGE_ROWS

    view_query: reactive[str] = reactive("")
    view_label: reactive[str] = reactive("All")
    search_text: reactive[str] = reactive("")
    sources: reactive[list[Source]] = reactive(list, always_update=True)
    article_ids: reactive[list[str]] = reactive(list, always_update=True)  # the rows shown (stories folded)
    story_marks: reactive[dict[str, StoryMark]] = reactive(dict, always_update=True)
    same_story: reactive[tuple[StoryArticle, ...]] = reactive(tuple, always_update=True)
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
        self._total_in_view = 0
        self._shown_view: ViewKey | None = None  # the view the list shows (or is reading whole)
        self._reading_view = False  # a worker reads the shown view whole
        # The widgets that join their panes right after the first frame, by pane id (see _join_panes).
        self._late_widgets: dict[str, Widget] = {}
        self._view_ids: list[str] = []  # every article of the view, in list order
        self._story_rows: list[StoryRow] = []  # the view folded by story (empty: not grouped)
        self._expanded: set[str] = set()  # stories whose articles show under their row
        self._ungrouped_views: set[str] = set()  # views the reader asked to see ungrouped
        self._story: tuple[str, list[str]] | None = None  # the open article's story and its articles

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
        """Started, with no delayed work pending and the view read whole (the screen shows its final
        state, but for other workers)."""
        return self.started and not self._later and not self._reading_view

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

    @property
    def view_key(self) -> ViewKey:
        return ViewKey(self.full_query, self.list_order, self.grouping)

    def reload(self, *, sources: bool = False) -> None:
        """Recompute the view (and the source tree).

        A short view is read at once.  A long one (a whole library of 200,000 articles takes
        over a second to read and fold) is read in a worker: a new view shows its first
        screenful meanwhile, the view already shown stays until the worker has it.
        """
        key = self.view_key
        page = self.first_page_rows
        first = self._call("Search failed", self.library.query_ids, key.query, limit=page + 1, order=key.order)
        ids = list(first or [])
        self._reading_view = len(ids) > page
        if not self._reading_view or key != self._shown_view:
            self.show_ids(ids[:page])
        self._shown_view = key
        if self._reading_view:
            self._read_view(key)
        self._count_unread()
        if sources:
            self.reload_sources()
        self._update_status()

    @work(thread=True, exclusive=True, group="view")
    def _read_view(self, key: ViewKey) -> None:
        try:
            ids = self.library.query_ids(key.query, order=key.order)
            folded = self.library.fold_stories(ids) if key.grouping else None
        except Exception as error:  # the library reports bad input and I/O problems as exceptions
            self.app.call_from_thread(self._read_view_failed, key, error)
            return
        if not get_current_worker().is_cancelled:  # a newer view (or reload) replaced this one
            self.app.call_from_thread(self._show_read_view, key, ids, folded)

    def _is_read_view(self, key: ViewKey) -> bool:
        """Whether ``key`` is the view being read (not one the reader left, or read again, since)."""
        return self._reading_view and key == self._shown_view and self.is_attached

    def _read_view_failed(self, key: ViewKey, error: Exception) -> None:
        if self._is_read_view(key):
            self._reading_view = False
            self.notify(f"Reading the list failed: {error}", severity="error")
            self._update_status()

    def _show_read_view(self, key: ViewKey, ids: list[str], folded: list[StoryRow] | None) -> None:
        if not self._is_read_view(key):
            return
        self._reading_view = False
        self._view_ids = ids
        self._story_rows = list(folded or [])
        self._show_rows()
        self._update_status()

    @property
    def view_ids(self) -> list[str]:
        """Every article of the view, in list order (those folded under their story's row too)."""
        return list(self._view_ids)

    @property
    def grouping(self) -> bool:
        """Whether this view shows each story once (grouping on, not turned off here, not a story's own view)."""
        return (
            self.library.stories_enabled
            and self.view_query not in self._ungrouped_views
            and not self.view_query.startswith("story:")
        )

    def show_ids(self, ids: list[str]) -> None:
        """Show the view's articles, each story once when grouping."""
        self._view_ids = ids
        folded = self._call("Grouping stories failed", self.library.fold_stories, ids) if self.grouping else None
        self._story_rows = list(folded or [])
        self._show_rows()

    def _show_rows(self) -> None:
        """The rows of the folded view, with the expanded stories' articles under their row."""
        if not self._story_rows:
            self.story_marks = {}
            self.article_ids = list(self._view_ids)
            return
        shown: list[str] = []
        marks: dict[str, StoryMark] = {}
        for row in self._story_rows:
            shown.append(row.id)
            if row.story is None:
                continue
            expanded = row.story in self._expanded
            marks[row.id] = StoryMark(row.story, row.other_sources, len(row.folded), expanded)
            if expanded:  # its articles, less the copies of a listed one (never listed twice)
                members = [member for member in row.folded if member not in row.copies]
                shown.extend(members)
                marks.update((member, StoryMark(row.story, member=True)) for member in members)
        self.story_marks = marks
        self.article_ids = shown

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
        if not get_current_worker().is_cancelled:  # a newer recount replaced this one: its counts are older
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
        self._unread_in_view, self._total_in_view = counts if counts else (0, 0)

    def _update_status(self) -> None:
        total = self._total_in_view if self._reading_view else len(self._view_ids)
        parts = [self.view_label or "All", plural(total, "article"), f"{self._unread_in_view} unread"]
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

    def show_view(self, query: str, label: str) -> None:
        self.view_label = label
        self.view_query = query
        self.list_order = self.library.view_order(query)
        self.reload()

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
        self._open_story(article_id)
        self.article = article
        self.entities = list(article.entities)

    def _open_story(self, article_id: str) -> None:
        """The open article's story: its other articles for "Cùng sự kiện", and the story [ and ] move in."""
        story = self._call("Reading the story failed", self.library.story_of, article_id) if self.grouping else None
        if story is None:
            self._story = None
            self.same_story = ()
            return
        ids = self._call("Reading the story failed", self.library.story_article_ids, story, article_id) or []
        self._story = (story, ids)
        articles = self.library.story_articles(story, around=article_id, limit=SAME_STORY_LINES)
        self.same_story = tuple(same_story_lines(articles, article_id))

    def _unread_ids(self) -> list[str]:
        """The view's unread articles in list order, from the library (a long view's rows may still be read)."""
        return self._call("Search failed", self.library.query_ids, join_query(self.full_query, "is:unread")) or []

    def _folded_story(self, article_id: str) -> list[StoryArticle]:
        """The articles of the story whose folded row ``article_id`` is (none for any other row)."""
        mark = self.story_marks.get(article_id)
        if mark is None or mark.member or mark.expanded:
            return []
        return list(self._call("Reading the story failed", self.library.story_articles, mark.story) or [])

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

    def _join_panes(self) -> list[AwaitMount]:
        """Mount the widgets left out of the first frame into their panes, unless there."""
        return [
            self.query_one(pane).mount(widget) for pane, widget in self._late_widgets.items() if widget.parent is None
        ]

    @property
    def article_view(self) -> ArticleView:
        """The article pane's view (joined at once when a key comes before the rest of start-up)."""
        self._join_panes()
        return self.query_one(ArticleView)

    def _mount_search_input(self) -> AwaitMount | None:
        """Mount the (hidden) search box above the list unless it is there."""
        if self.query("#search"):
            return None
        search = Input(placeholder=SEARCH_PLACEHOLDER, id="search")
        search.display = False
        return self.query_one("#reader").mount(search, before=0)

    def _progress_bar(self) -> ProgressBar:
        """The status bar's progress bar, mounted on first use."""
        from textual.widgets import ProgressBar

        found = self.query("#progress")
        if found:
            return found.first(ProgressBar)
        bar = ProgressBar(id="progress", show_eta=False)
        bar.display = False
        self.query_one("#statusbar").mount(bar)
        return bar

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


# The base of the main screen's command modules (articles, sources, search, stories): the screen's
# state to the type checker, a plain class at run time.  A Textual class costs its import ~3 ms (its
# bindings, CSS and handlers are gathered), and only a Textual class's @on handlers are found: those
# of the commands live on MainScreen.
if TYPE_CHECKING:
    ScreenPart = ReaderState
else:
    ScreenPart = object
