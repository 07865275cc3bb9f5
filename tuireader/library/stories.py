"""Stories: the same event from every outlet, for both faces.

Grouping lives in the store's derived index (see :mod:`tuireader.store.stories`);
here are the questions the list, the article pane, the Stories view and the
command line ask, answered with titles and read state from the index.  The
``group_stories`` config key turns grouping off: the library then groups
nothing and every question answers as if each article were its own story.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from msgspec import Struct
from msgspec.structs import asdict

from ..stories import Member, StoryRow
from ..stories.index import fold_rows
from .base import LibraryBase, locked
from .models import SourceEntry

__all__ = ["StoriesMixin", "StoryArticle", "StoryRow", "StorySummary"]


class StoryArticle(Struct, frozen=True):
    """One article of a story, as "Cùng sự kiện" and ``show`` name it."""

    id: str
    title: str
    site: str | None
    published: str | None  # ISO time of publication (or of import)
    read: bool
    copy_of: str | None  # the article whose text it re-publishes

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class StorySummary(Struct, frozen=True):
    """A story of the Stories view and of ``tuireader stories``."""

    id: str
    size: int
    outlets: tuple[str, ...]
    names: tuple[str, ...]  # main entities
    articles: tuple[StoryArticle, ...]  # earliest first
    first: str | None
    last: str | None

    @property
    def title(self) -> str:
        """The headline: the first original's title."""
        originals = [a for a in self.articles if a.copy_of is None] or list(self.articles)
        return originals[0].title if originals else ""

    @property
    def unread(self) -> int:
        return sum(not a.read for a in self.articles)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "size": self.size,
            "title": self.title,
            "outlets": list(self.outlets),
            "entities": list(self.names),
            "first": self.first,
            "last": self.last,
            "articles": [a.to_json() for a in self.articles],
        }


def _iso(t: float | None) -> str | None:
    return None if t is None else datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class StoriesMixin(LibraryBase):
    """Use cases about stories."""

    @property
    def stories_enabled(self) -> bool:
        return self.store.group_stories

    def set_stories_enabled(self, enabled: bool) -> None:
        """Turn grouping on or off for this session (the config key sets it at open)."""
        self.store.group_stories = enabled

    @locked
    def stories_need_rebuild(self) -> bool:
        return self.store.stories_need_rebuild()

    def rebuild_stories(self, on_progress: Callable[[int], None] | None = None) -> int:
        """Group every article again from the library's files (up to a minute at 50,000 articles)."""
        self._writable()
        with self._lock:
            return self.store.rebuild_stories(on_progress)

    def ensure_stories(self, on_progress: Callable[[int, int], None] | None = None) -> bool:
        """Rebuild the grouping when it is due; True when it ran.

        ``on_progress(done, total)`` hears of it from the start (0 done), and only when it runs.
        """
        if self.read_only or not self.stories_need_rebuild():
            return False
        with self._lock:
            total = self.store.article_count()
        if on_progress:
            on_progress(0, total)
        self.rebuild_stories((lambda done: on_progress(done, total)) if on_progress else None)
        return True

    @locked
    def story_of(self, article_id: str) -> str | None:
        """The story of an article, when it shares one with another article."""
        if not self.stories_enabled:
            return None
        story = self.store.story_of(article_id)
        return story if story and len(self.store.story_members(story)) > 1 else None

    @locked
    def story_articles(
        self, story_id: str, *, around: str | None = None, limit: int | None = None
    ) -> list[StoryArticle]:
        """The articles of a story, earliest first; with ``limit``, that many around the article ``around``."""
        if not self.stories_enabled:
            return []
        members = self.store.story_members(story_id)
        if limit is not None and len(members) > limit:
            place = next((n for n, m in enumerate(members) if m.id == around), 0)
            start = max(0, min(place - limit // 2, len(members) - limit))
            members = members[start : start + limit]
        return self._articles_of(members)

    @locked
    def story_article_ids(self, story_id: str, keep: str | None = None) -> list[str]:
        """A story's article ids, earliest first, less copies of another (but ``keep``): what [ and ] step through."""
        members = self.store.story_members(story_id) if self.stories_enabled else []
        return [m.id for m in members if m.copy_of is None or m.id == keep]

    @locked
    def story_others(self, article_id: str) -> list[StoryArticle]:
        """The other articles of an article's story (for "Cùng sự kiện")."""
        return self._articles_of(self.store.story_others(article_id)) if self.stories_enabled else []

    @locked
    def stories(
        self, since_days: float | None = 3.0, limit: int | None = 50, *, articles: bool = True
    ) -> list[StorySummary]:
        """Stories of two articles or more with one in the last ``since_days``, largest first.

        ``articles=False`` leaves their articles out (a summary of each: costly for a story of thousands).
        """
        if not self.stories_enabled:
            return []
        since = None if since_days is None else time.time() - since_days * 86400.0
        out = []
        for story in self.store.stories_since(since, limit):
            found = self._articles_of(story.members) if articles else []
            outlets = tuple(dict.fromkeys(m.site for m in story.members if m.site))
            out.append(
                StorySummary(story.id, story.size, outlets, story.names, tuple(found), _iso(story.first),
                             _iso(story.last))
            )  # fmt: skip
        return out

    @locked
    def recent_stories(self, days: float = 3.0, limit: int = 20, *, articles: bool = True) -> list[StorySummary]:
        """The largest stories of the ``days`` before the newest grouped article (or now)."""
        if not self.stories_enabled:
            return []
        newest = self.store.stories_latest()
        end = min(newest, time.time()) if newest is not None else time.time()
        return self.stories(since_days=days + (time.time() - end) / 86400.0, limit=limit, articles=articles)

    def story_sources(self) -> list[SourceEntry]:
        """The Stories section of the source pane: the recent stories, largest first, by their main entities."""
        entries = []
        from ..store.query import parse_query

        for story in self.recent_stories(articles=False):
            label = ", ".join(story.names[:3]) or story.id
            with self._lock:
                unread, total = self.store.count(parse_query(f"story:{story.id}"), {})
            entries.append(SourceEntry("story", label, f"story:{story.id}", unread, total, "Stories", id=story.id))
        return entries

    def fold_stories(self, ids: Sequence[str]) -> list[StoryRow]:
        """One row per story of a list (see :func:`tuireader.stories.index.fold_rows`).

        Only the reading of the story rows holds the library's lock: folding a whole large
        library takes a fair part of a second, which the reader's other calls need not wait.
        """
        with self._lock:
            rows = self.store.story_rows_for(ids) if self.stories_enabled else None
        if rows is None:
            return [StoryRow(i, None, (), 0) for i in dict.fromkeys(ids)]
        return fold_rows(ids, *rows)

    def _articles_of(self, members: Sequence[Member]) -> list[StoryArticle]:
        rows = {row.id: row for row in self.store.summary_rows([m.id for m in members])}
        out = []
        for member in members:
            row = rows.get(member.id)
            if row is not None:
                published = row.published or _iso(member.time)
                out.append(StoryArticle(member.id, row.title, row.site, published, row.read, member.copy_of))
        return out
