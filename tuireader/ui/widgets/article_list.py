"""A virtual article list that stays instant at tens of thousands of rows.

The list holds only article ids.  Rows are drawn with the Line API and are
fetched from a ``row_source`` callable (provided by the screen) a window at a
time, only for the rows that are on screen.  A story shows once: its row
carries a mark ("+3 nguồn") given in ``marks``, and the articles it folds,
when the screen expands it, follow it indented.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from msgspec import Struct
from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip

from ...library import strip_controls
from ..commands import bindings_for
from .lines import LineView

__all__ = ["ArticleList", "RowLike", "StoryMark", "format_date"]


class RowLike(Protocol):
    id: str
    title: str
    site: str
    published: str | None
    read: bool
    bookmarked: bool


RowSource = Callable[[list[str]], Sequence[RowLike]]


class StoryMark(Struct, frozen=True):
    """How a row stands in its story: the story's row (with what it folds) or an article shown under it."""

    story: str
    others: int = 0  # outlets of the story besides the row's own
    folded: int = 0  # other articles of the story in this list
    expanded: bool = False
    member: bool = False

    @property
    def label(self) -> str:
        if self.member:
            return ""
        return f"+{self.others} nguồn" if self.others else f"+{self.folded} bài"


UNREAD_MARK = "●"
COLLAPSED_MARK, EXPANDED_MARK, MEMBER_MARK = "▸", "▾", "└"
BOOKMARK_MARK = "★"
SITE_WIDTH = 18
DATE_WIDTH = 10


def format_date(published: str | None) -> str:
    """``2022-07-29T10:00:00+07:00`` → ``29/07/2022``; anything unparsable → ``""``."""
    if not published or len(published) < 10:
        return ""
    year, month, day = published[0:4], published[5:7], published[8:10]
    if not (year.isdigit() and month.isdigit() and day.isdigit()):
        return ""
    return f"{day}/{month}/{year}"


def _cut(text: str, width: int) -> tuple[str, int]:
    """``text`` truncated with an ellipsis to ``width`` cells, and its cells."""
    cells = cell_len(text)
    if cells <= width:
        return text, cells
    text = set_cell_size(text, width - 1) + "…"
    return text, cell_len(text)


def _fit(text: str, width: int) -> Text:
    """Single-line ``Text`` truncated with an ellipsis to ``width`` cells."""
    return Text(_cut(text, max(width, 0))[0], no_wrap=True, overflow="ellipsis", end="")


# A row as runs of text, each with its style (None: the list's own).
Runs = list[tuple[str, Style | None]]


class ArticleList(LineView, can_focus=True):
    """Article ids in display order with a cursor; rows are fetched lazily."""

    BINDINGS = [
        *bindings_for("list"),
        Binding("down", "cursor_down", show=False),
        Binding("up", "cursor_up", show=False),
        Binding("home", "first", show=False),
        Binding("end", "last", show=False),
    ]

    COMPONENT_CLASSES = {
        "article-list--cursor",
        "article-list--unread",
        "article-list--read",
        "article-list--mark",
        "article-list--bookmark",
        "article-list--meta",
        "article-list--empty",
    }

    DEFAULT_CSS = """
    ArticleList {
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
    }
    ArticleList > .article-list--cursor {
        background: $panel-lighten-1;
    }
    ArticleList:focus > .article-list--cursor {
        background: $primary 40%;
    }
    ArticleList > .article-list--unread {
        text-style: bold;
    }
    ArticleList > .article-list--read {
        color: $text-muted;
    }
    ArticleList > .article-list--mark {
        color: $accent;
    }
    ArticleList > .article-list--bookmark {
        color: $warning;
    }
    ArticleList > .article-list--meta {
        color: $text-muted;
    }
    ArticleList > .article-list--empty {
        color: $text-muted;
        text-style: italic;
    }
    """

    ids: reactive[list[str]] = reactive(list, always_update=True)
    marks: reactive[dict[str, StoryMark]] = reactive(dict, always_update=True)
    cursor: reactive[int] = reactive(0)
    empty_message: reactive[str] = reactive("No articles in this view.")

    class Highlighted(Message):
        """The cursor moved onto an article."""

        def __init__(self, article_list: ArticleList, article_id: str | None, index: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.article_id = article_id
            self.index = index

    class Opened(Message):
        """The user asked to open an article (Enter or click)."""

        def __init__(self, article_list: ArticleList, article_id: str, index: int) -> None:
            super().__init__()
            self.article_list = article_list
            self.article_id = article_id
            self.index = index

    class StoryToggled(Message):
        """The user clicked a story's mark: show or hide its other articles."""

        def __init__(self, article_list: ArticleList, article_id: str) -> None:
            super().__init__()
            self.article_list = article_list
            self.article_id = article_id

    def __init__(
        self,
        row_source: RowSource,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._row_source = row_source
        self._rows: dict[str, RowLike] = {}
        self._failed: set[str] = set()
        self._mark_cells: dict[str, tuple[int, int]] = {}  # where each row drew its story mark

    # --- data -------------------------------------------------------------

    @property
    def current_id(self) -> str | None:
        """The id under the cursor, if any."""
        if 0 <= self.cursor < len(self.ids):
            return self.ids[self.cursor]
        return None

    def invalidate(self, ids: Sequence[str] | None = None) -> None:
        """Forget cached rows (all, or the given ids) so they are fetched again."""
        if ids is None:
            self._rows.clear()
            self._failed.clear()
        else:
            for article_id in ids:
                self._rows.pop(article_id, None)
                self._failed.discard(article_id)
        self.refresh()

    def row(self, index: int) -> RowLike | None:
        """The row at ``index``, fetching the visible window around it if needed."""
        if not 0 <= index < len(self.ids):
            return None
        article_id = self.ids[index]
        if article_id not in self._rows and article_id not in self._failed:
            top = int(self.scroll_y)
            height = max(self.size.height, 1)
            start = min(index, top)
            end = max(index + 1, top + height)
            wanted = [i for i in self.ids[start:end] if i not in self._rows and i not in self._failed]
            try:
                fetched = self._row_source(wanted)
            except Exception as error:  # a bad row must not take the reader down
                self.log.error(f"row source failed: {error!r}")
                fetched = []
            for fetched_row in fetched:
                self._rows[fetched_row.id] = fetched_row
            self._failed.update(i for i in wanted if i not in self._rows)
        return self._rows.get(article_id)

    def watch_ids(self, old_ids: list[str], new_ids: list[str]) -> None:
        previous = old_ids[self.cursor] if 0 <= self.cursor < len(old_ids) else None
        self._rows.clear()
        self._failed.clear()
        self.virtual_size = Size(self.size.width, len(new_ids))
        index = 0
        if previous is not None:
            try:
                index = new_ids.index(previous)
            except ValueError:
                index = min(self.cursor, max(len(new_ids) - 1, 0))
        # Keep the cursor's row on screen where it was, so a reload does not jump.
        screen_row = self.cursor - int(self.scroll_y)
        self.set_reactive(ArticleList.cursor, index)
        self.scroll_to(y=max(0, index - max(screen_row, 0)), animate=False, immediate=True)
        self._scroll_cursor_into_view()
        self.refresh()
        self.post_message(self.Highlighted(self, self.current_id, index))

    def watch_marks(self) -> None:
        self.refresh()

    def validate_cursor(self, cursor: int) -> int:
        return max(0, min(cursor, len(self.ids) - 1)) if self.ids else 0

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line(old)
        self.refresh_line(new)
        self._scroll_cursor_into_view()
        self.post_message(self.Highlighted(self, self.current_id, new))

    def move_to(self, article_id: str) -> bool:
        """Put the cursor on ``article_id``; False if it is not in the list."""
        try:
            self.cursor = self.ids.index(article_id)
        except ValueError:
            return False
        return True

    def reveal_below(self, count: int) -> None:
        """Scroll so the ``count`` rows under the cursor show too, as far as the cursor's row stays in view."""
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        last = min(self.cursor + count, len(self.ids) - 1)
        if height > 0 and last >= top + height:
            self.scroll_to(y=min(self.cursor, last - height + 1), animate=False, immediate=True, force=True)

    def _scroll_cursor_into_view(self) -> None:
        height = self.scrollable_content_region.height
        if height <= 0:
            return
        top = int(self.scroll_y)
        # force: a list given new ids has not laid out its scrollbar yet, and would refuse the scroll.
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True, force=True)
        elif self.cursor >= top + height:
            self.scroll_to(y=self.cursor - height + 1, animate=False, immediate=True, force=True)

    def on_resize(self, event: events.Resize) -> None:
        self.virtual_size = Size(event.size.width, len(self.ids))
        self._scroll_cursor_into_view()

    # --- actions ----------------------------------------------------------

    def action_cursor_down(self) -> None:
        self.cursor += 1

    def action_cursor_up(self) -> None:
        self.cursor -= 1

    def action_page_down(self) -> None:
        self.cursor += max(self.scrollable_content_region.height - 1, 1)

    def action_page_up(self) -> None:
        self.cursor -= max(self.scrollable_content_region.height - 1, 1)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = len(self.ids) - 1

    def action_open(self) -> None:
        article_id = self.current_id
        if article_id is not None:
            self.post_message(self.Opened(self, article_id, self.cursor))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        index = offset.y + int(self.scroll_y)
        if 0 <= index < len(self.ids):
            self.focus()
            self.cursor = index
            start, end = self._mark_cells.get(self.ids[index], (-1, -1))
            if start <= offset.x < end:
                self.post_message(self.StoryToggled(self, self.ids[index]))
            else:
                self.action_open()

    # --- rendering --------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.base_style
        index = int(self.scroll_y) + y
        if not self.ids:
            if y == 0:
                message = _fit("  " + self.empty_message, width)
                message.stylize(self.get_component_rich_style("article-list--empty", partial=True))
                return self._strip(message, width, base)
            return Strip.blank(width, base)
        row = self.row(index)
        if index >= len(self.ids):
            return Strip.blank(width, base)
        article_id = self.ids[index]
        cursor = self.get_component_rich_style("article-list--cursor", partial=True) if index == self.cursor else None
        if row is None:
            line = _fit(f"    (article {article_id} is unavailable)", width)
            if cursor is not None:
                line.stylize(cursor)
            return self._strip(line, width, base)
        runs, cells = self._row_runs(row, article_id, width)
        return _runs_strip(runs, cells, width, base, cursor)

    def _strip(self, line: Text, width: int, base: Style) -> Strip:
        segments = list(line.render(self.app.console))
        return Strip(segments).adjust_cell_length(width, base).apply_style(base)

    def _row_runs(self, row: RowLike, article_id: str, width: int) -> tuple[Runs, int]:
        """The row's runs of text and their cells (drawn without building a Rich ``Text``: a row is
        drawn for every line of every frame, the first one's too)."""
        mark_style = self.get_component_rich_style("article-list--mark", partial=True)
        meta_style = self.get_component_rich_style("article-list--meta", partial=True)
        title_style = self.get_component_rich_style(
            "article-list--read" if row.read else "article-list--unread", partial=True
        )
        runs: Runs = [
            (" ", None),
            (UNREAD_MARK if not row.read else " ", mark_style),
            (
                BOOKMARK_MARK if row.bookmarked else " ",
                self.get_component_rich_style("article-list--bookmark", partial=True),
            ),
            (" ", None),
        ]
        cells = 4
        story = self.marks.get(article_id)
        if story is not None and story.member:
            runs.append((f"  {MEMBER_MARK} ", mark_style))
            cells += 4
        site = strip_controls(row.site or "").replace("\n", " ")
        date = format_date(row.published)
        # Narrow lists give the title the room of the site and date columns.
        meta_width = 0
        if width >= 90:
            meta_width = SITE_WIDTH + 2 + DATE_WIDTH + 1
        elif width >= 70:
            meta_width = DATE_WIDTH + 1
        label = self._story_label(story)
        label_cells = cell_len(label)
        title_width = max(width - cells - meta_width - 1 - label_cells, 1)
        title, title_cells = _cut(strip_controls(row.title or "").replace("\n", " "), title_width)
        runs.append((title, title_style))
        runs.append((" " * (title_width - title_cells), None))
        cells += max(title_width, title_cells)
        if label:
            self._mark_cells[article_id] = (cells, cells + label_cells)
            runs.append((label, mark_style))
            cells += label_cells
        else:
            self._mark_cells.pop(article_id, None)
        runs.append((" ", None))
        cells += 1
        if meta_width > DATE_WIDTH + 1:
            site_text, site_cells = _cut(site, SITE_WIDTH)
            runs.append((site_text + " " * (SITE_WIDTH - site_cells), meta_style))
            runs.append(("  ", None))
            cells += max(SITE_WIDTH, site_cells) + 2
        if meta_width:
            runs.append((date.rjust(DATE_WIDTH), meta_style))
            cells += max(DATE_WIDTH, len(date))
        return runs, cells

    @staticmethod
    def _story_label(story: StoryMark | None) -> str:
        """``▸ +3 nguồn`` after a story's title (``▾`` while its articles show)."""
        if story is None or story.member:
            return ""
        glyph = EXPANDED_MARK if story.expanded else COLLAPSED_MARK
        return f" {glyph} {story.label}"

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self.refresh()


def _runs_strip(runs: Runs, cells: int, width: int, base: Style, cursor: Style | None) -> Strip:
    """A row's runs as a strip of ``width`` cells, in the segments Rich renders the same row in
    (the unstyled runs between two styled ones make one segment), over the list's ``base`` style."""
    plain = base + cursor if cursor is not None else base
    segments: list[Segment] = []
    pending = ""
    for text, style in runs:
        if not text:
            continue
        if style is None:
            pending += text
            continue
        if pending:
            segments.append(Segment(pending, plain))
            pending = ""
        segments.append(Segment(text, base + style + cursor if cursor is not None else base + style))
    if pending:
        segments.append(Segment(pending, plain))
    return Strip(segments, cells).adjust_cell_length(width, base)
