"""The main screen: sources | article list over the article | entities.

Layout, start-up and the messages from the widgets and the app live here; the state is in
:mod:`.reader_state` and the commands in the action modules the screen is made of.
"""

from __future__ import annotations

import gc

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Input, Static

from ...library import strip_controls
from ...library.highlight import mention_ranges
from ..commands import COMMANDS_BY_ID, bindings_for
from ..messages import CommandRequested, JobProgress, LibraryChanged, RefreshRequested
from ..widgets.article_list import ArticleList
from ..widgets.article_view import ArticleView
from ..widgets.entity_panel import EntityPanel
from ..widgets.source_tree import SourceTree
from .article_actions import ArticleActions
from .reader_state import PendingSource, ReaderState, refresh_failure
from .search_actions import SearchActions
from .source_actions import SourceActions
from .story_actions import StoryActions

__all__ = ["MainScreen"]


class MainScreen(ArticleActions, SourceActions, SearchActions, StoryActions, ReaderState):
    """Sources, the article list, the article and its entities."""

    BINDINGS = bindings_for("main")
    # Narrow terminals give the sources pane's room (and below 80 columns the
    # entity panel's too) to the list and the article; a hidden pane comes
    # back while focused (1 or 4).
    HORIZONTAL_BREAKPOINTS = [(0, "-tiny"), (80, "-narrow"), (120, "-wide")]

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            # The panes' widgets but the list join right after the first frame (see _join_panes):
            # styling and drawing them, empty then, would cost that frame ~15 ms.
            # Bound here: data_bind needs the screen composing (not an action's context).
            self._late_widgets = {
                "#sources-pane": SourceTree(id="sources").data_bind(
                    entries=MainScreen.sources, current_query=MainScreen.view_query
                ),
                "#article-pane": ArticleView(id="article").data_bind(
                    article=MainScreen.article,
                    mentions=MainScreen.mentions,
                    matches=MainScreen.matches,
                    same_story=MainScreen.same_story,
                ),
                "#entities-pane": EntityPanel(id="entities").data_bind(entities=MainScreen.entities),
            }
            sources = Vertical(id="sources-pane", classes="pane")
            sources.border_title = "1 Sources"
            yield sources
            with Vertical(id="reader"):
                articles = ArticleList(self._rows, id="articles").data_bind(
                    ids=MainScreen.article_ids, marks=MainScreen.story_marks
                )
                articles.border_title = "2 Articles"
                yield articles
                article_pane = Vertical(id="article-pane", classes="pane")
                article_pane.border_title = "3 Article"
                yield article_pane
            entities = Vertical(id="entities-pane", classes="pane")
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
            limit=self.first_page_rows,
            order=self.list_order,
        )
        self.show_ids(list(ids or []))
        self._shown_view = self.view_key
        self.query_one(ArticleList).focus()
        # The follow-up's delay counts from the first frame, not from here: the frame must
        # reach the terminal before the full list of a large library is read (~60 ms at
        # 50,000), and a busy machine can take longer than the delay to paint it.
        self.call_after_refresh(self._follow_up_after_first_frame)

    def _follow_up_after_first_frame(self) -> None:
        if not self.started:
            self._run_later("startup", self.startup_follow_up_delay, self.finish_startup)

    def finish_startup(self) -> None:
        """Join what the first frame left out (run by the start-up timer; tests end start-up with it)."""
        if self.started:
            return
        from textual.widgets import Footer

        self._cancel_later("startup")
        # The hidden search box and progress bar cost a first frame ~25 ms of
        # styling; they join right after it (or on first use, if sooner).
        self._mount_search_input()
        self._progress_bar()
        self._join_panes()
        if not gc.isenabled():
            # Started by cli.cmd_tui, which holds the collector off until the
            # first frame: what start-up built lives as long as the app, so
            # keep it out of every later collection, then collect again.
            gc.freeze()
            gc.enable()
        self.mount(Footer())
        # The footer lists the keys once told the bindings changed; the start-up's news came before it.
        self.call_after_refresh(self.refresh_bindings)
        self.reload()
        self.reload_sources()
        self.started = True
        self.started_event.set()

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

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        value = event.value
        self._run_later("search", self.search_debounce, lambda: self.apply_search(value))

    @on(Input.Submitted, "#search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._cancel_later("search")
        self.apply_search(event.value)
        self.query_one(ArticleList).focus()

    @on(ArticleList.Highlighted)
    def _article_highlighted(self, event: ArticleList.Highlighted) -> None:
        self.current_id = event.article_id

    @on(ArticleList.StoryToggled)
    def _story_toggled(self, event: ArticleList.StoryToggled) -> None:
        self.toggle_story(event.article_id)

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
            self.article_view.jump(1)

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

    def action_move(self, delta: int) -> None:
        focused = self.focused
        if isinstance(focused, ArticleList):
            focused.cursor += delta
        elif isinstance(focused, ArticleView):
            (focused.scroll_down if delta > 0 else focused.scroll_up)(animate=False)
        elif isinstance(focused, (SourceTree, EntityPanel)):
            (focused.action_cursor_down if delta > 0 else focused.action_cursor_up)()

    async def action_focus_region(self, region: str) -> None:
        target = {"sources": "#sources", "list": "#articles", "article": "#article", "entities": "#entities"}.get(
            region
        )
        if not target:
            return
        for mounting in self._join_panes():  # a key pressed before they joined
            await mounting
        # Only a narrow terminal shows a focused side pane (wider): a class change restyles the whole
        # screen, so a wide one, where both panes keep their place, is left alone.
        for pane, name in (("sources", "-show-sources"), ("entities", "-show-entities")):
            if region != pane:
                self.remove_class(name)
            elif self.has_class("-narrow") or self.has_class("-tiny"):
                self.add_class(name)
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

    def action_help(self) -> None:
        from .help import HelpScreen

        self.app.push_screen(HelpScreen(self.keymap))

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
