"""The main screen's search: the search box, its scope, the list order and the highlights it jumps between."""

from __future__ import annotations

from textual.widgets import Input

from ...library import SORT_ORDERS, strip_controls
from ...library.highlight import search_ranges
from ..widgets.article_list import ArticleList
from .reader_state import ScreenPart


class SearchActions(ScreenPart):
    """Searching the view or the library, sorting the list."""

    async def action_search(self) -> None:
        mounting = self._mount_search_input()
        if mounting is not None:
            await mounting
        search = self.query_one("#search", Input)
        search.display = True
        # At once: the words typed right after "/" belong to the search.
        self.set_focus(search)

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
        if not self.article_view.jump(direction):
            self.notify("Select an entity (pane 4) or search (/) first.", timeout=2)

    def action_cycle_sort(self) -> None:
        orders = list(SORT_ORDERS)
        order = orders[(orders.index(self.list_order) + 1) % len(orders)]
        if not self.library.read_only:
            self._do("Cannot remember the order", self.library.set_view_order, self.view_query, order)
        self.list_order = order
        self.reload()
        self.notify(f"Sorted by {order}.", timeout=2)
