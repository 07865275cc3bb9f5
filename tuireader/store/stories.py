"""The store's side of story grouping: the story tables kept in the derived index.

Every path that adds articles to the index groups them as they arrive: a
write of new articles groups all of them once its shards are written (the
tables marked stale until then, so a write cut short leaves a rebuild due),
a re-indexed shard groups those it finds ungrouped.  When grouping is off
(``group_stories`` false) articles arrive ungrouped and the tables are marked
stale; a rebuild from the store's files, shard by shard, brings them back.  A
new or reset index starts with empty tables that need a rebuild too
(:meth:`StoryStore.stories_need_rebuild`); a library without articles starts
complete.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from ..stories import Member, Settings, Story, StoryDoc, StoryIndex
from ..stories.index import Grouped, features, features_key
from ..stories.tables import DocRow
from .index import SearchIndex

if TYPE_CHECKING:
    from .store import ArticleRecord


def story_features(meta: Mapping[str, Any], body: Mapping[str, Any] | None) -> tuple[str, DocRow]:
    """An article's grouping features, computed ahead (in an import's worker) with the store's settings."""
    settings = Settings()
    return features_key(settings), features(story_doc(meta, body), settings)


def _doc_of(record: ArticleRecord, key: str) -> StoryDoc | DocRow:
    ahead = record.story_features
    return ahead[1] if ahead is not None and ahead[0] == key else story_doc(record.meta, record.body)


def story_doc(meta: Mapping[str, Any], body: Mapping[str, Any] | None) -> StoryDoc:
    """An article as grouping sees it (stored metadata keeps its entities in the body)."""
    if not meta.get("entities") and body and body.get("entities"):
        meta = {**meta, "entities": body["entities"]}
    return StoryDoc.from_record(meta, body)


_POOLED_REBUILD = 4000  # articles from which a rebuild computes features in worker processes


@contextmanager
def _feature_workers(articles: int) -> Iterator[Executor | None]:
    """Worker processes for a rebuild's features (one per core), or None where they would not pay."""
    if articles < _POOLED_REBUILD or (os.cpu_count() or 1) < 2:
        yield None
        return
    from ..fetch.workers import is_process_pool, make_executor

    executor = make_executor(kind="process")
    try:
        yield executor if is_process_pool(executor) else None
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


class StoryStore:
    """Grouping hooks and questions, mixed into :class:`tuireader.store.store.Store`."""

    index: SearchIndex | None
    read_only: bool
    group_stories: bool = True
    _story_index: tuple[SearchIndex, StoryIndex | None] | None = None

    def _index(self) -> SearchIndex:  # provided by Store
        raise NotImplementedError

    def _story_docs(self) -> Iterator[StoryDoc]:  # provided by Store
        raise NotImplementedError

    def _write(self) -> AbstractContextManager[None]:  # provided by Store
        raise NotImplementedError

    def _stories(self) -> StoryIndex | None:
        """The story tables of the open index (None: a read-only index without them)."""
        index = self._index()
        if self._story_index is None or self._story_index[0] is not index:
            try:
                found = StoryIndex.readable(index.db) if index.read_only else StoryIndex(index.db)
            except sqlite3.Error:
                found = None
            self._story_index = (index, found)
        return self._story_index[1]

    def _start_stories(self, *, is_empty: Callable[[], bool]) -> None:
        """At open: a library without articles has nothing to rebuild, so grouping starts complete.

        (``is_empty`` lists the shards: asked only when a rebuild is due.)
        """
        stories = self._stories()
        if stories is not None and stories.needs_rebuild() and is_empty():
            stories.rebuild([])

    # --- hooks (inside the index transaction of the change) -------------------
    @contextmanager
    def _grouping(self) -> Iterator[list[ArticleRecord]]:
        """Group the records the block stores, all at once after it (in time order, as a rebuild would).

        Until they are grouped the tables are marked stale, so a write cut
        short leaves a rebuild due rather than articles silently ungrouped.
        """
        added: list[ArticleRecord] = []
        stories = self._stories()
        live = stories is not None and self.group_stories and not stories.needs_rebuild()
        if stories is not None and live:
            stories.mark_stale()
        yield added
        if stories is None or not (added or live):
            return
        if not live:
            stories.mark_stale()
            return
        with self._index().transaction():
            stories.add_articles([_doc_of(r, stories.features_key) for r in added])
            stories.mark_complete()

    def _group_shard(self, before: set[str], metas: Sequence[Mapping[str, Any]], bodies: Mapping[str, Any]) -> None:
        """A shard indexed again: forget the articles gone, group those not grouped yet."""
        stories = self._stories()
        if stories is None:
            return
        now = {str(m["id"]) for m in metas}
        gone = before - now
        if not self.group_stories:
            if gone or now - before:
                stories.mark_stale()
            return
        if stories.needs_rebuild():
            return
        if gone:
            stories.remove(gone)
        missing = now - stories.known(now)
        if missing:
            stories.add_articles(story_doc(m, bodies.get(str(m["id"]))) for m in metas if m["id"] in missing)

    def regroup(self, ids: Sequence[str]) -> None:
        """Group articles again whose entities changed (a new extractor): their features changed too."""
        stories = self._stories()
        if stories is None or self.read_only or not ids:
            return
        if not self.group_stories or stories.needs_rebuild():
            stories.mark_stale()
            return
        docs = [story_doc(meta, self._body_of(i)) for i in ids if (meta := self._meta_of(i)) is not None]
        with self._write(), self._index().transaction():
            stories.add_articles(docs)

    def article_count(self) -> int:  # provided by Store
        raise NotImplementedError

    def _meta_of(self, article_id: str) -> dict[str, Any] | None:  # provided by Store
        raise NotImplementedError

    def _body_of(self, article_id: str) -> dict[str, Any] | None:  # provided by Store
        raise NotImplementedError

    # --- rebuilding -----------------------------------------------------------
    def stories_need_rebuild(self) -> bool:
        """Grouping is on and its tables are behind the articles (new index, or grouping was off)."""
        stories = self._stories()
        return self.group_stories and stories is not None and not self.read_only and stories.needs_rebuild()

    def rebuild_stories(self, on_progress: Callable[[int], None] | None = None) -> int:
        """Group every article again from the store's files; returns how many were grouped."""
        stories = self._stories()
        if stories is None or self.read_only:
            return 0
        with self._write(), self._index().transaction(), _feature_workers(self.article_count()) as executor:
            done = stories.rebuild(self._story_docs(), on_progress, executor=executor)
        self._index().rows_written += done
        return done

    # --- questions ------------------------------------------------------------
    def story_of(self, article_id: str) -> str | None:
        stories = self._stories()
        return stories.story_of(article_id) if stories else None

    def story_members(self, story_id: str) -> list[Member]:
        stories = self._stories()
        return stories.members(story_id) if stories else []

    def story_others(self, article_id: str) -> list[Member]:
        stories = self._stories()
        return stories.others(article_id) if stories else []

    def stories_since(self, since: float | None, limit: int | None) -> list[Story]:
        stories = self._stories()
        return stories.stories(since=since, limit=limit) if stories else []

    def stories_latest(self) -> float | None:
        stories = self._stories()
        return stories.latest() if stories else None

    def story_rows_for(self, ids: Sequence[str]) -> tuple[Grouped, dict[int, set[str]]] | None:
        """What folding ``ids`` reads from the index (None: no story tables), for :func:`fold_rows`."""
        stories = self._stories()
        return stories.grouped_for(ids) if stories else None
