"""The open library: every use case on one object, opened and closed here."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..store.store import WRITE_WAIT_SECONDS, LibraryError, Store
from .base import ProgressCallback, locked
from .config import default_library_path
from .export import ExportMixin
from .feeds import FeedsMixin
from .marks import MarksMixin
from .models import SourceEntry
from .stories import StoriesMixin


class Library(FeedsMixin, MarksMixin, ExportMixin, StoriesMixin):
    """An open library.  Create with :meth:`open`; close with :meth:`close`.

    Public calls are serialised by a re-entrant lock, so a refresh or import
    running in a worker thread and key presses on the UI thread take turns.
    Long calls (import, refresh, recomputing entities) take the lock per batch.
    """

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self._notices_shown = 0

    @classmethod
    def open(
        cls,
        path: Path | str | None = None,
        *,
        read_only: bool = False,
        sync: bool = True,
        wait: float | None = None,
        group_stories: bool = True,
    ) -> Library:
        """Open a library; ``sync=False`` defers re-indexing to :meth:`sync_index`.

        ``group_stories=False`` (the config key) adds articles without grouping them into stories.

        A writer waits up to ``wait`` seconds (default: a few) for another one
        to finish its write, then opens read-only.
        """
        root = Path(path).expanduser() if path else default_library_path()
        if root.exists() and not root.is_dir():
            raise LibraryError(f"{root} is a file, not a library folder; give --library a folder.")
        try:
            wait = WRITE_WAIT_SECONDS if wait is None else wait
            store = Store.open(root, read_only=read_only, sync=sync, wait=wait, group_stories=group_stories)
        except LibraryError:
            raise
        except OSError as exc:
            raise LibraryError(f"Cannot open the library at {root}: {exc.strerror or exc}.") from None
        return cls(store)

    @locked
    def close(self) -> None:
        self.store.close()

    def _writable(self) -> None:
        self.store.check_writable()

    def changed_elsewhere(self) -> bool:
        """True once after another tuireader changed the library: cheap enough to ask every second.

        While a worker holds the library (a long read), the answer waits for the next time it is
        asked rather than the asker (the reader's UI thread, on a timer) for the worker.
        """
        if not self._lock.acquire(blocking=False):
            return False
        try:
            return self.store.changed_elsewhere()
        finally:
            self._lock.release()

    @locked
    def try_become_writer(self) -> bool:
        """A library opened read-only while another tuireader wrote: True when this one can now write."""
        return self.store.try_become_writer()

    @property
    def may_become_writer(self) -> bool:
        """Read-only only until the other tuireader's write ends."""
        return self.store.may_become_writer

    @locked
    def summaries_json(self, ids: list[str]) -> list[dict[str, Any]]:
        """The command line's JSON of list rows, straight from the index (no article file is read)."""
        return [row.to_json() for row in self.store.summary_rows(ids)]

    def iter_summaries_json(self, query: str = "", *, limit: int | None = None) -> Iterator[list[dict[str, Any]]]:
        """The JSON rows of a view (or search), page by page in display order, for streaming them out."""
        from ..store.query import parse_query

        parsed = parse_query(query)
        if parsed.terms:  # a search: ranked, so its ids come first
            ids = self.query_ids(query, limit=limit)
            for start in range(0, len(ids), 500):
                yield self.summaries_json(ids[start : start + 500])
            return
        with self._lock:
            pages = self.store.summary_pages(parsed, self._entity_keys(parsed), limit)
        for page in pages:
            yield [row.to_json() for row in page]

    def source_tree(self) -> list[SourceEntry]:
        """The source pane, with the Stories section when grouping is on."""
        return [*super().source_tree(), *self.story_sources()]

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self.store.root

    @property
    def notice(self) -> str | None:
        return " ".join(self.store.notices) or None

    def take_notices(self) -> list[str]:
        """Messages about the library (read-only, repairs) not yet shown to the user."""
        shown, self._notices_shown = self._notices_shown, len(self.store.notices)
        return self.store.notices[shown:]

    def sync_index(self, on_progress: ProgressCallback | None = None) -> int:
        """Bring the derived index up to date, one shard at a time (others may use the library meanwhile)."""
        if self.read_only:
            return 0
        with self._lock:
            stale = self.store.stale_shards()
        for done, shard in enumerate(stale, 1):
            with self._lock:
                self.store.reindex_shard(shard)
            if on_progress:
                on_progress(done, len(stale), shard)
        return len(stale)
