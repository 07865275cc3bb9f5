"""The open library: every use case on one object, opened and closed here."""

from __future__ import annotations

from pathlib import Path

from ..store.store import LibraryError, Store
from .base import ProgressCallback, locked
from .config import default_library_path
from .export import ExportMixin
from .feeds import FeedsMixin
from .marks import MarksMixin


class Library(FeedsMixin, MarksMixin, ExportMixin):
    """An open library.  Create with :meth:`open`; close with :meth:`close`.

    Public calls are serialised by a re-entrant lock, so a refresh or import
    running in a worker thread and key presses on the UI thread take turns.
    Long calls (import, refresh, recomputing entities) take the lock per batch.
    """

    def __init__(self, store: Store) -> None:
        super().__init__(store)
        self._notices_shown = 0

    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False, sync: bool = True) -> Library:
        """Open a library; ``sync=False`` defers re-indexing to :meth:`sync_index`."""
        root = Path(path).expanduser() if path else default_library_path()
        if root.exists() and not root.is_dir():
            raise LibraryError(f"{root} is a file, not a library folder; give --library a folder.")
        try:
            store = Store.open(root, read_only=read_only, sync=sync)
        except LibraryError:
            raise
        except PermissionError as exc:
            raise LibraryError(f"Cannot write to the library folder {root}: {exc.strerror or exc}.") from None
        except OSError as exc:
            raise LibraryError(f"Cannot open the library at {root}: {exc.strerror or exc}.") from None
        return cls(store)

    @locked
    def close(self) -> None:
        self.store.close()

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
