"""Feeds: following, forgetting and refreshing them, and adding one URL (a feed or a page)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..store.store import ArticleRecord, LibraryError
from ..text import clean_input, fold
from .base import now_iso
from .importing import ImportingMixin, build_record
from .reading import ReadingMixin

if TYPE_CHECKING:
    from ..fetch import FeedItem, FeedSource, SourceReport
    from ..fetch.presets import Preset

RefreshProgress = Callable[[str, str, int, int], None]


class FeedsMixin(ReadingMixin, ImportingMixin):
    """Use cases about feeds."""

    @staticmethod
    def presets() -> list[Preset]:
        """The bundled Vietnamese news feeds a reader can follow by name."""
        from ..fetch.presets import PRESETS

        return list(PRESETS)

    @staticmethod
    def find_preset(name: str) -> Preset | None:
        from ..fetch.presets import find_preset

        return find_preset(name)

    def find_feed(self, name: str) -> dict[str, Any] | None:
        """A feed by id, URL or title (diacritics and case ignored)."""
        for feed in self.feeds():
            if name in (feed["id"], feed["url"]) or fold(feed.get("title") or "") == fold(name):
                return feed
        return None

    def feeds_due(self, minutes: float) -> list[str]:
        """Ids of the feeds not refreshed in the last ``minutes`` (never refreshed: due)."""
        from datetime import UTC, datetime, timedelta

        since = (datetime.now(UTC) - timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return [feed["id"] for feed in self.feeds() if (feed.get("last_refresh") or "") < since]

    def rename_feed(self, name: str, title: str) -> dict[str, Any]:
        """Give a feed the title the reader shows (a refresh no longer replaces it)."""
        self._writable()
        title = " ".join(clean_input(title).split())
        if not title:
            raise LibraryError("A feed needs a name.")
        with self._lock:
            feed = self._feed_or_error(name)
            self.store.update_feed(feed["id"], {"title": title})
            return {**feed, "title": title}

    def _feed_or_error(self, name: str) -> dict[str, Any]:
        feed = self.find_feed(name)
        if feed is None:
            raise LibraryError(f"No feed called {name}; see `tuireader sources`.")
        return feed

    def add_feed(self, url: str, *, title: str | None = None, tags: Sequence[str] = ()) -> dict[str, Any]:
        """Follow a feed (the one already followed at this URL is returned as it is)."""
        from hashlib import sha1

        self._writable()
        with self._lock:
            existing = self.find_feed(url)
            if existing:
                return existing
            feed = {
                "id": "feed-" + sha1(url.encode("utf-8")).hexdigest()[:8],
                "url": url,
                "title": clean_input(title) if title else None,
                "tags": list(tags),
                "etag": None,
                "last_modified": None,
                "last_error": None,
                "last_error_at": None,
                "last_refresh": None,
            }
            self.store.put_feed(feed)
            return feed

    def remove_feed(self, name: str) -> dict[str, Any]:
        """Forget a feed; its stored articles stay in the library."""
        self._writable()
        with self._lock:
            feed = self._feed_or_error(name)
            self.store.remove_feed(feed["id"])
            return feed

    def refresh(
        self,
        names: Sequence[str] | None = None,
        *,
        on_progress: RefreshProgress | None = None,
        stats: Any = None,
        **fetch_options: Any,
    ) -> list[SourceReport]:
        """Refresh feeds (all when ``names`` is empty).  Blocking: run it in a worker.

        ``fetch_options`` are :class:`tuireader.fetch.FetchOptions` fields
        (timeout, deadline, retries, ...); ``stats``, a
        :class:`tuireader.fetch.RefreshStats` to fill in.  Cleaning and entity
        extraction run in worker processes; each feed gives its
        ``max_items_per_feed`` newest items.  A failed feed keeps everything
        stored; its reason and time are remembered for the source pane.
        """
        self._writable()
        from ..fetch import FeedSource, FetchOptions, refresh_sources_sync
        from .config import load_config
        from .importing import analyse_page

        feeds = self.feeds() if not names else [self._feed_or_error(n) for n in names]
        if not feeds:
            return []
        sources = [
            FeedSource(
                id=f["id"], url=f["url"], title=f.get("title"), etag=f.get("etag"), last_modified=f.get("last_modified")
            )
            for f in feeds
        ]
        sink = _LibrarySink(self, {f["id"]: f for f in feeds})
        try:
            reports = refresh_sources_sync(
                sources,
                sink,
                options=FetchOptions(**fetch_options),
                on_progress=on_progress,
                max_items=load_config().max_items_per_feed,
                analyse=analyse_page,
                stats=stats,
            )
        finally:
            sink.flush()
        with self._lock:
            self._record_refresh(reports, sink.feeds)
        return reports

    def _record_refresh(self, reports: Sequence[SourceReport], feeds: dict[str, dict[str, Any]]) -> None:
        for report in reports:
            failed = report.status == "error"
            changes: dict[str, Any] = {
                "last_refresh": report.finished_at or now_iso(),
                "last_error": report.reason,
                "last_error_at": report.finished_at if failed else None,
            }
            if not failed:
                changes.update(etag=report.etag, last_modified=report.last_modified)
                if report.title and not feeds[report.source_id].get("title"):
                    changes["title"] = clean_input(report.title)
            self.store.update_feed(report.source_id, changes)

    def add_url(self, url: str, *, tags: Sequence[str] = ()) -> tuple[str, Any]:
        """Add a URL: a feed becomes a source, a page becomes an article.

        Returns ("feed", feed) or ("article", (id, is_new)).  A feed that
        cannot be read (refused as unsafe, malformed) is an error saying so.
        """
        self._writable()
        from ..clean import CleanError, clean_source
        from ..fetch import FeedError, FetchError, fetch_sync, sniff_feed

        try:
            result = fetch_sync(url)
        except FetchError as exc:
            raise LibraryError(str(exc)) from None
        try:
            feed = sniff_feed(result.content, url=result.url, content_type=result.content_type)
        except FeedError as exc:
            raise LibraryError(f"{url}: {exc}") from None
        if feed is not None:
            return "feed", self.add_feed(url, title=feed.title, tags=tags)
        try:
            cleaned = clean_source(result.content, url=result.url, content_type=result.content_type)
        except (CleanError, ValueError) as exc:
            raise LibraryError(f"{url}: {exc}") from None
        record = build_record(b"", url=result.url, cleaned=cleaned, source="Added by hand", tags=tags)
        return "article", self.add_document(record)


class _LibrarySink:
    """Receives refreshed feed items and stores them in batches."""

    def __init__(self, library: FeedsMixin, feeds: dict[str, dict[str, Any]], batch: int = 100) -> None:
        self.library = library
        self.feeds = feeds
        self.batch = batch
        self.pending: dict[str, ArticleRecord] = {}
        self.pending_urls: set[str] = set()
        self.pending_hashes: set[str] = set()
        self.copies: list[ArticleRecord] = []  # the same text as a pending article, from another outlet

    def is_known(self, url: str) -> bool:
        return url in self.pending_urls or self.library.is_known_url(url)

    def _fallback(self, item: FeedItem, page_url: str | None) -> Any:
        """The feed item's own summary, when its page gave no article."""
        from types import SimpleNamespace

        summary = item.summary or ""
        if "<" in summary:
            from ..clean import clean_html

            try:
                summary = clean_html(summary).text
            except Exception:  # a broken summary is stored as it came
                pass
        return SimpleNamespace(
            title=item.title,
            author=item.author,
            site=None,
            url=page_url or item.url,
            published=item.published,
            lead=None,
            text=summary,
            lang=None,
            warnings=[],
        )

    def store(
        self, source: FeedSource, item: FeedItem, cleaned: Any, page_url: str | None, analysis: Any = None
    ) -> str:
        if cleaned is None or not (cleaned.text or "").strip():
            cleaned = self._fallback(item, page_url)
        site = cleaned.site
        if not site and (page_url or item.url):
            from urllib.parse import urlsplit

            site = urlsplit(page_url or item.url).hostname
        hints = {
            "title": item.title or cleaned.title,
            "published": item.published or cleaned.published,
            "site": site,
            "author": item.author or cleaned.author,
        }
        feed = self.feeds.get(source.id, {})
        try:
            record = build_record(
                b"",
                url=cleaned.url or page_url or item.url,
                cleaned=cleaned,
                source=source.id,
                hints={k: v for k, v in hints.items() if v},
                tags=list(feed.get("tags", ())) + list(item.tags or ()),
                entities=analysis[:2] if analysis else None,
                folded_body=analysis[2] if analysis else None,
            )
        except LibraryError:
            return "unchanged"
        chash = record.meta["content_hash"]
        if record.id in self.pending or chash in self.pending_hashes:
            self.copies.append(record)
            return "unchanged"
        if self.library._duplicate_of(record):
            return "unchanged"
        self.pending[record.id] = record
        self.pending_hashes.add(chash)
        self.pending_urls.update(known for known in (record.meta.get("url"), item.url, page_url) if known)
        if len(self.pending) >= self.batch:
            self.flush()
        return "new"

    def flush(self) -> None:
        if self.pending:
            self.library.store_records(list(self.pending.values()))
            self.pending.clear()
        if self.copies:
            self.library.note_copies(self.copies)
            self.copies.clear()
