"""The reading pane: one article, wrapped to a comfortable column.

The pane lays the article out itself (Line API) so it knows on which line
every character of the body lands; that is what lets it highlight entity
mentions and search matches and jump between them.  Below the text, "Cùng sự
kiện" names the other articles of the article's story (``same_story``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.reactive import reactive
from textual.strip import Strip

from ...library import strip_controls
from .article_list import format_date
from .lines import LineView

__all__ = ["ArticleView", "wrap_offsets"]

MAX_COLUMN = 88
SAME_STORY = "Cùng sự kiện"
_WORD = re.compile(r"\S+\s*|\s+")

Range = tuple[int, int]


def wrap_offsets(text: str, width: int) -> list[int]:
    """Start offsets of the lines of ``text`` word-wrapped to ``width`` cells.

    Words longer than a line are split; a line never starts with the spaces
    that ended the previous one.
    """
    width = max(width, 1)
    starts = [0]
    line_width = 0
    for match in _WORD.finditer(text):
        word = match.group()
        word_width = cell_len(word.rstrip())
        if line_width and line_width + word_width > width:
            starts.append(match.start())
            line_width = 0
        if word_width > width:
            # Hard-split a word that cannot fit on any line.
            position = match.start()
            for ch_index, ch in enumerate(word.rstrip()):
                ch_width = cell_len(ch)
                if line_width + ch_width > width and line_width:
                    starts.append(position + ch_index)
                    line_width = 0
                line_width += ch_width
            line_width += cell_len(word) - word_width
            continue
        line_width += cell_len(word)
    return starts


def _field(article: Any, name: str, default: Any = None) -> Any:
    if isinstance(article, dict):
        return article.get(name, default)
    return getattr(article, name, default)


def _clean(value: Any) -> str:
    return strip_controls(str(value)) if value else ""


def _when(published: Any) -> str:
    """``29/07/2022 10:00`` of an ISO time (local to where it was published)."""
    text = str(published or "")
    time = text[11:16] if len(text) >= 16 and text[13] == ":" else ""
    return f"{format_date(text)} {time}".strip()


class ArticleView(LineView, can_focus=True):
    """Shows an article (any object with Article's fields) with highlights."""

    COMPONENT_CLASSES = {
        "article-view--title",
        "article-view--meta",
        "article-view--tags",
        "article-view--lead",
        "article-view--body",
        "article-view--mention",
        "article-view--match",
        "article-view--active",
        "article-view--placeholder",
        "article-view--story",
        "article-view--doubt",
    }

    DEFAULT_CSS = """
    ArticleView {
        background: $surface;
        overflow-x: hidden;
        overflow-y: auto;
    }
    ArticleView > .article-view--title {
        color: $text-primary;
        text-style: bold;
    }
    ArticleView > .article-view--meta {
        color: $text-muted;
    }
    ArticleView > .article-view--tags {
        color: $text-accent;
    }
    ArticleView > .article-view--lead {
        text-style: bold;
    }
    ArticleView > .article-view--mention {
        background: $accent 35%;
    }
    ArticleView > .article-view--match {
        background: $warning 45%;
    }
    ArticleView > .article-view--active {
        text-style: reverse bold;
    }
    ArticleView > .article-view--story {
        color: $text-accent;
        text-style: bold;
    }
    ArticleView > .article-view--doubt {
        color: $text-warning;
        text-style: bold;
    }
    ArticleView > .article-view--placeholder {
        color: $text-muted;
        text-style: italic;
    }
    """

    article: reactive[Any] = reactive(None, always_update=True)
    mentions: reactive[tuple[Range, ...]] = reactive(tuple)
    matches: reactive[tuple[Range, ...]] = reactive(tuple)
    same_story: reactive[tuple[Any, ...]] = reactive(tuple)
    active: reactive[int] = reactive(-1)

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._lines: list[Text] = []
        self._margin = 1
        self._laid_out_width = -1
        self._body_line_starts: list[int] = []  # absolute body offset of each body line
        self._body_line_rows: list[int] = []  # the document row of that line
        self._cache: dict[int, Strip] = {}
        self._dirty = False

    # --- public helpers ---------------------------------------------------

    @property
    def highlight_ranges(self) -> tuple[Range, ...]:
        """The ranges jumps move between: mentions if any, else search matches."""
        return self.mentions or self.matches

    @property
    def at_end(self) -> bool:
        """Scrolled to the end (an article opened a moment ago is laid out first, so it is not at its end)."""
        self._layout_if_dirty()
        return self.scroll_y >= self.max_scroll_y

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def plain_lines(self) -> list[str]:
        """The laid-out document as plain strings (what the reader sees)."""
        self._layout_if_dirty()
        return [line.plain for line in self._lines]

    def row_of_offset(self, offset: int) -> int:
        """The document row that shows body character ``offset``."""
        self._layout_if_dirty()
        if not self._body_line_starts:
            return 0
        position = bisect_right(self._body_line_starts, offset) - 1
        return self._body_line_rows[max(position, 0)]

    def jump(self, direction: int) -> bool:
        """Move the active highlight to the next/previous range and scroll to it."""
        ranges = self.highlight_ranges
        if not ranges:
            return False
        self.active = (
            (self.active + direction) % len(ranges) if self.active >= 0 else (0 if direction > 0 else len(ranges) - 1)
        )
        self.scroll_to_active()
        return True

    def scroll_to_active(self) -> None:
        ranges = self.highlight_ranges
        if not 0 <= self.active < len(ranges):
            return
        row = self.row_of_offset(ranges[self.active][0])
        height = self.scrollable_content_region.height
        top = int(self.scroll_y)
        if not top <= row < top + height:
            self.scroll_to(y=max(row - height // 3, 0), animate=False, immediate=True)

    # --- reactive plumbing ------------------------------------------------

    def watch_article(self, article: Any) -> None:
        self.set_reactive(ArticleView.active, -1)
        self._invalidate()
        self.scroll_to(y=0, animate=False, immediate=True)

    def watch_mentions(self) -> None:
        self.set_reactive(ArticleView.active, -1)
        self._invalidate()

    def watch_matches(self) -> None:
        self._invalidate()

    def watch_same_story(self) -> None:
        self._invalidate()

    def watch_active(self) -> None:
        self._invalidate()

    @property
    def text_width(self) -> int:
        """The cells a line of text may use: the pane less its vertical scrollbar.

        The scrollbar's room is kept even while the article fits, so the text
        never wraps for a width it does not have once the scrollbar appears.
        """
        return max(self.size.width - self.styles.scrollbar_size_vertical, 0)

    def on_resize(self, event: events.Resize) -> None:
        if self.text_width != self._laid_out_width:
            self._invalidate()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._invalidate()

    def _invalidate(self) -> None:
        """Lay out again once, however many of article/highlights changed together."""
        if not self._dirty:
            self._dirty = True
            self.call_later(self._layout_if_dirty)

    def _layout_if_dirty(self) -> None:
        if self._dirty:
            self._dirty = False
            self._relayout()

    # --- layout -----------------------------------------------------------

    def _relayout(self) -> None:
        width = self.text_width
        if width <= 0:
            return
        self._laid_out_width = width
        column = max(min(width - 2, MAX_COLUMN), 10)
        self._margin = max((width - column) // 2, 1) if width > column + 1 else 0
        self._lines = []
        self._body_line_starts = []
        self._body_line_rows = []
        self._cache.clear()
        article = self.article
        if article is None:
            placeholder = Text(
                "Select an article and press Enter to read it.",
                style=self.get_component_rich_style("article-view--placeholder", partial=True),
            )
            self._lines = [Text(), placeholder]
        else:
            self._layout_article(article, column)
        self.virtual_size = Size(width, len(self._lines))
        self.refresh()

    def _add_wrapped(self, text: Text, column: int, body_offset: int | None = None) -> None:
        offsets = wrap_offsets(text.plain, column)
        pieces = text.divide(offsets[1:]) if len(offsets) > 1 else [text]
        for start, piece in zip(offsets, pieces, strict=False):
            piece.rstrip()
            if body_offset is not None:
                self._body_line_starts.append(body_offset + start)
                self._body_line_rows.append(len(self._lines))
            self._lines.append(piece)

    def _layout_article(self, article: Any, column: int) -> None:
        def style(name: str) -> Style:
            return self.get_component_rich_style(name, partial=True)

        title = _clean(_field(article, "title")).replace("\n", " ") or "(untitled)"
        self._add_wrapped(Text(title, style=style("article-view--title")), column)

        meta_style = style("article-view--meta")
        byline = [part for part in (_clean(_field(article, "site")), _clean(_field(article, "author"))) if part]
        if byline:
            self._add_wrapped(Text(" · ".join(byline), style=meta_style), column)
        when = []
        published = _field(article, "published")
        if published:
            date = format_date(published)
            time = str(published)[11:16] if len(str(published)) >= 16 and str(published)[13] == ":" else ""
            when.append(f"{date} {time}".strip() or _clean(published))
        minutes = _field(article, "reading_minutes")
        if minutes:
            when.append(f"{minutes} phút đọc")
        article_id = _clean(_field(article, "id"))
        if article_id:
            when.append(f"id {article_id}")  # what `tuireader show ID` and the other commands take
        if when:
            self._add_wrapped(Text(" · ".join(when), style=meta_style), column)
        tags = [_clean(tag) for tag in (_field(article, "tags") or ())]
        if tags:
            self._add_wrapped(
                Text("  ".join(f"#{tag}" for tag in tags if tag), style=style("article-view--tags")), column
            )
        outlets = [_clean(outlet) for outlet in (_field(article, "outlets") or ())]
        if outlets:  # the same text published elsewhere, stored once
            self._add_wrapped(Text("Cũng đăng trên: " + ", ".join(outlets), style=meta_style), column)
        url = _clean(_field(article, "url"))
        if url:
            self._add_wrapped(Text(url, style=meta_style), column)
        doubt = _clean(_field(article, "low_confidence"))
        if doubt:  # the cleaner's doubt: a home or section page, not an article
            self._add_wrapped(Text(f"⚠ Maybe not an article: {doubt}", style=style("article-view--doubt")), column)
        self._lines.append(Text())

        lead = _clean(_field(article, "lead")).strip()
        body_text = _clean(_field(article, "text"))
        if lead and not body_text.startswith(lead):
            self._add_wrapped(Text(lead, style=style("article-view--lead")), column)
            self._lines.append(Text())

        body = Text(body_text, style=style("article-view--body"))
        self._apply_highlights(body)
        position = 0
        first = True
        for paragraph in body.split("\n", allow_blank=True):
            length = len(paragraph.plain)
            if paragraph.plain.strip():
                if not first and self._lines and self._lines[-1].plain:
                    self._lines.append(Text())
                self._add_wrapped(paragraph, column, body_offset=position)
                first = False
            position += length + 1
        self._lines.append(Text())
        self._layout_same_story(column)

    def _layout_same_story(self, column: int) -> None:
        """The other articles of the story: outlet, time and title, one line each."""
        if not self.same_story:
            return
        meta_style = self.get_component_rich_style("article-view--meta", partial=True)
        self._add_wrapped(Text(SAME_STORY, style=self.get_component_rich_style("article-view--story", partial=True)),
                          column)  # fmt: skip
        for other in self.same_story:
            line = Text(no_wrap=True, end="")
            line.append(f"{_clean(_field(other, 'site')) or '?'} · {_when(_field(other, 'published'))} · ", meta_style)
            line.append(_clean(_field(other, "title")).replace("\n", " ") or "(untitled)")
            line.truncate(column, overflow="ellipsis")
            self._lines.append(line)
        self._lines.append(Text())

    def _apply_highlights(self, body: Text) -> None:
        length = len(body.plain)

        def spans(ranges: Iterable[Range], style: Style) -> None:
            for start, end in ranges:
                if 0 <= start < end <= length:
                    body.stylize(style, start, end)

        spans(self.matches, self.get_component_rich_style("article-view--match"))
        spans(self.mentions, self.get_component_rich_style("article-view--mention"))
        ranges = self.highlight_ranges
        if 0 <= self.active < len(ranges):
            spans([ranges[self.active]], self.get_component_rich_style("article-view--active", partial=True))

    # --- rendering --------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        base = self.base_style
        row = int(self.scroll_y) + y
        if row >= len(self._lines):
            return Strip.blank(width, base)
        strip = self._cache.get(row)
        if strip is None:
            segments: list[Segment] = [Segment(" " * self._margin)] if self._margin else []
            segments.extend(self._lines[row].render(self.app.console))
            strip = Strip(segments).adjust_cell_length(width, base).apply_style(base)
            self._cache[row] = strip
        return strip
