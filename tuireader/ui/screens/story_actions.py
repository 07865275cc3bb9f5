"""The main screen's story commands: expand a story in place, move through it, group a view or not.

The list shows each story once (see :meth:`ReaderState.show_ids`); the state
is the screen's: which stories are expanded, which views the reader asked to
see ungrouped, and the open article's story, which ``[`` and ``]`` move in.
"""

from __future__ import annotations

from ..widgets.article_list import ArticleList
from .reader_state import ScreenPart

GROUPING_OFF = "Grouping stories is off (group_stories = false in config.toml)."


class StoryActions(ScreenPart):
    """Commands on stories."""

    def action_toggle_story(self) -> None:
        current = self.query_one(ArticleList).current_id
        if current is None:
            self.notify("No article selected.")
            return
        self.toggle_story(current)

    def toggle_story(self, article_id: str) -> None:
        """Show the story's other articles under its row, or fold them back (the cursor stays on the story)."""
        mark = self.story_marks.get(article_id)
        if mark is None:
            self.notify(GROUPING_OFF if not self.library.stories_enabled else "No other outlet in this story here.")
            return
        head = next((row.id for row in self._story_rows if row.story == mark.story), article_id)
        if mark.story in self._expanded:
            self._expanded.discard(mark.story)
        else:
            self._expanded.add(mark.story)
        self._show_rows()
        articles = self.query_one(ArticleList)
        articles.move_to(head)
        if mark.story in self._expanded:  # its articles come into view under it
            articles.reveal_below(sum(1 for m in self.story_marks.values() if m.member and m.story == mark.story))

    def action_story_step(self, delta: int) -> None:
        """[ and ]: the previous or next article of the open article's story (earliest first)."""
        if self._story is None or self.article is None:
            self.notify("The open article shares its story with no other.")
            return
        story, ids = self._story
        place = ids.index(self.article.id) + delta if self.article.id in ids else 0
        if not 0 <= place < len(ids):
            self.notify("The first article of this story." if delta < 0 else "The last article of this story.")
            return
        target = ids[place]
        if target not in self.article_ids and any(row.story == story for row in self._story_rows):
            self._expanded.add(story)  # the list follows the story: its articles show
            self._show_rows()
        self.query_one(ArticleList).move_to(target)
        self.open_article(target)

    def action_toggle_grouping(self) -> None:
        """Show this view's stories once each, or every article."""
        if not self.library.stories_enabled:
            self.notify(GROUPING_OFF)
            return
        if self.view_query.startswith("story:"):
            self.notify("A story's own view lists every article of it.")
            return
        if self.view_query in self._ungrouped_views:
            self._ungrouped_views.discard(self.view_query)
        else:
            self._ungrouped_views.add(self.view_query)
        self.reload()
        self.notify("Each story once." if self.grouping else "Every article, stories not grouped.", timeout=2)
