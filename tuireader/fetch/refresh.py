"""Refresh feeds: fetch every source, parse it, fetch and clean new articles.

Network work runs concurrently on one event loop through one
:class:`~tuireader.fetch.http.Fetcher`, which is made, used and closed in
that loop (pooled keep-alive connections belong to the loop that opened
them).  Parsing, cleaning and the caller's analysis of each article (say,
entity extraction) are CPU-bound and run in worker processes
(:mod:`tuireader.fetch.workers`), so fetching overlaps them and every core
works.  Storage is not this module's business: a :class:`RefreshSink`
decides what is known and stores what arrives.

The work is bounded: the newest ``max_items`` items of each feed are read,
each feed's whole refresh has a deadline, and each URL has the fetcher's.
Nothing escapes :func:`refresh_sources` but a list of reports: a dead
source, a malformed feed or a failing page becomes a reason in its
:class:`SourceReport`, and the other sources carry on.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol
from urllib.parse import urlsplit

from tuireader.fetch.feeds import DEFAULT_MAX_ITEMS, FeedError, FeedItem, ParsedFeed, item_has_full_text, parse_feed
from tuireader.fetch.http import Fetcher, FetchError, FetchOptions, FetchResult, format_seconds
from tuireader.fetch.workers import WorkerPool

if TYPE_CHECKING:
    from tuireader.clean import CleanedArticle

__all__ = [
    "DEFAULT_FEED_DEADLINE",
    "DEFAULT_MAX_ITEMS",
    "AnalyseFunction",
    "CleanFunction",
    "FeedSource",
    "RefreshSink",
    "RefreshStats",
    "SourceReport",
    "clean_page",
    "default_clean",
    "fetch_article",
    "fetch_article_sync",
    "fetch_sync",
    "refresh_sources",
    "refresh_sources_sync",
]

_log = logging.getLogger(__name__)

CleanFunction = Callable[..., "CleanedArticle"]
AnalyseFunction = Callable[[str], Any]
ProgressCallback = Callable[[str, str, int, int], None]

DEFAULT_FEED_DEADLINE = 300.0


@dataclass
class FeedSource:
    """A feed to refresh, with the cache validators of its last fetch."""

    id: str
    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None


def _short_url(url: str) -> str:
    parts = urlsplit(url)
    return (parts.netloc + parts.path).rstrip("/") or url


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@dataclass
class SourceReport:
    """What happened to one source: status is ``"ok"``, ``"unchanged"`` or ``"error"``.

    ``name`` is what to call the feed in a message: its title (the one the
    user gave, else the feed's own), else its URL without the scheme.
    ``reason`` is the short cause of an error ("HTTP 404 Not Found", "timed
    out after 15 s", "not a feed: text/html"); ``error`` the whole sentence,
    URL included.  ``finished_at`` is when the source finished (ISO 8601,
    UTC).  ``unchanged`` counts items already stored (their pages are not
    fetched again) plus those the sink judged unchanged; ``page_errors``
    counts items whose page could not be fetched or cleaned (they are stored
    with their summary).
    """

    source_id: str
    url: str
    status: str
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    error: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    title: str | None = None
    page_errors: int = 0
    warnings: list[str] = field(default_factory=list)
    reason: str | None = None
    finished_at: str | None = None
    name: str = ""

    def fail(self, reason: str, error: str | None = None) -> None:
        self.status, self.reason = "error", reason
        self.error = error or f"{self.url}: {reason}"

    def count(self, outcome: str) -> None:
        """Count one item the sink judged ``new``, ``updated`` or ``unchanged``."""
        if outcome == "new":
            self.new += 1
        elif outcome == "updated":
            self.updated += 1
        else:
            self.unchanged += 1


class RefreshSink(Protocol):
    """Where refreshed items go (implemented by the library/store)."""

    def is_known(self, url: str) -> bool:
        """True if the article at ``url`` is already stored."""
        ...

    def store(
        self,
        source: FeedSource,
        item: FeedItem,
        cleaned: CleanedArticle | None,
        page_url: str | None,
        analysis: Any = None,
    ) -> str:
        """Store one item; return ``"new"``, ``"updated"`` or ``"unchanged"``.

        ``analysis`` is what the refresh's ``analyse`` function made of the
        cleaned text in a worker, or None.
        """
        ...


@dataclass
class RefreshStats:
    """Work counters and time sums, filled in when passed to :func:`refresh_sources`.

    ``fetch_seconds`` sums the time spent awaiting HTTP responses (queueing
    for a connection slot included), ``network_seconds`` the part after the
    URL got its slot, and ``clean_seconds`` the time spent inside parse,
    clean and analyse calls in the workers; with overlap these sums exceed
    the wall time.
    """

    feeds_fetched: int = 0
    pages_fetched: int = 0
    pages_cleaned: int = 0
    contents_cleaned: int = 0
    fetch_seconds: float = 0.0
    network_seconds: float = 0.0
    clean_seconds: float = 0.0


def default_clean(
    data: bytes, *, url: str | None = None, filename: str | None = None, content_type: str | None = None
) -> CleanedArticle:
    """The reader's own cleaner, imported on first use."""
    from tuireader.clean import clean_source

    return clean_source(data, url=url, filename=filename, content_type=content_type)


def clean_page(
    clean: CleanFunction, analyse: AnalyseFunction | None, data: bytes, **options: Any
) -> tuple[CleanedArticle, Any]:
    """Clean one page and analyse its text (runs in a worker): ``(cleaned, analysis)``."""
    cleaned = clean(data, **options)
    text = cleaned.text or ""
    return cleaned, (analyse(text) if analyse is not None and text.strip() else None)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


class _Page(NamedTuple):
    cleaned: CleanedArticle | None
    analysis: Any
    url: str | None


@dataclass
class _Work:
    """What a refresh does with each feed."""

    clean: CleanFunction
    analyse: AnalyseFunction | None
    max_items: int
    feed_deadline: float | None


class _Refresh:
    """State shared by the sources of one refresh run."""

    def __init__(
        self,
        sink: RefreshSink,
        fetcher: Fetcher,
        pool: WorkerPool,
        work: _Work,
        on_progress: ProgressCallback | None,
        stats: RefreshStats,
        total: int,
    ) -> None:
        self.sink = sink
        self.fetcher = fetcher
        self.pool = pool
        self.work = work
        self.on_progress = on_progress
        self.stats = stats
        self.total = total
        self.done = 0
        # One fetch+clean per page URL per run, even when several feeds link it.
        self.pages: dict[str, asyncio.Future[_Page]] = {}

    def progress(self, source_id: str, state: str) -> None:
        if self.on_progress is None:
            return
        try:
            self.on_progress(source_id, state, self.done, self.total)
        except Exception:  # a broken progress display must not stop the refresh
            _log.exception("progress callback failed")

    async def in_worker(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        result, seconds = await self.pool.run(function, *args, **kwargs)
        self.stats.clean_seconds += seconds
        return result

    async def fetch(self, url: str, **validators: str | None) -> FetchResult:
        start = time.perf_counter()
        try:
            return await self.fetcher.get(url, **validators)
        finally:
            self.stats.fetch_seconds += time.perf_counter() - start

    async def run_source(self, source: FeedSource) -> SourceReport:
        report = SourceReport(
            source_id=source.id,
            url=source.url,
            status="ok",
            etag=source.etag,
            last_modified=source.last_modified,
            title=source.title,
            name=source.title or _short_url(source.url),
        )
        try:
            async with asyncio.timeout(self.work.feed_deadline):
                await self._refresh_source(source, report)
        except TimeoutError:
            assert self.work.feed_deadline is not None
            report.fail(f"timed out after {format_seconds(self.work.feed_deadline)} (the feed and its pages)")
        except FetchError as exc:
            report.fail(exc.cause, _describe(exc))
        except FeedError as exc:
            report.fail(_describe(exc), f"could not read the feed at {source.url}: {_describe(exc)}")
        except Exception as exc:  # a broken sink or cleaner must not take the other sources down
            report.fail(f"unexpected {type(exc).__name__}: {_describe(exc)}")
        report.finished_at = _now()
        self.done += 1
        self.progress(source.id, "done" if report.status != "error" else f"error: {report.reason}")
        return report

    async def _refresh_source(self, source: FeedSource, report: SourceReport) -> None:
        self.progress(source.id, "fetching")
        result = await self.fetch(source.url, etag=source.etag, last_modified=source.last_modified)
        self.stats.feeds_fetched += 1
        if result.not_modified:
            report.status = "unchanged"
            report.etag = result.etag or source.etag
            report.last_modified = result.last_modified or source.last_modified
            return
        report.etag, report.last_modified = result.etag, result.last_modified
        feed: ParsedFeed = await self.in_worker(
            parse_feed, result.content, url=result.url, content_type=result.content_type, max_items=self.work.max_items
        )
        report.title = feed.title or source.title
        report.name = source.title or feed.title or report.name
        report.warnings.extend(feed.warnings)
        await self._refresh_items(source, feed.items, report)

    async def _refresh_items(self, source: FeedSource, items: list[FeedItem], report: SourceReport) -> None:
        finished = 0
        self.progress(source.id, f"cleaning 0/{len(items)}")

        async def one(item: FeedItem) -> None:
            nonlocal finished
            try:
                report.count(await self._refresh_item(source, item, report))
            finally:
                finished += 1
                self.progress(source.id, f"cleaning {finished}/{len(items)}")

        # Every item finishes before a failure (say, of the sink) is raised,
        # so nothing keeps storing after the source was reported.
        outcomes = await asyncio.gather(*(one(item) for item in items), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome

    async def _refresh_item(self, source: FeedSource, item: FeedItem, report: SourceReport) -> str:
        if item.url and self.sink.is_known(item.url):
            return "unchanged"
        page = _Page(None, None, item.url)
        try:
            page = await self._item_page(item)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the item is still stored, with its summary
            report.page_errors += 1
            report.warnings.append(f"{item.url or item.guid}: {_describe(exc)}")
        return self.sink.store(source, item, page.cleaned, page.url, page.analysis)

    async def _item_page(self, item: FeedItem) -> _Page:
        """The item's article: its own full content, else its page (fetched once per run)."""
        if item_has_full_text(item):
            assert item.content_html is not None
            data = item.content_html.encode("utf-8")
            cleaned, analysis = await self._clean(data, url=item.url, content_type="text/html; charset=utf-8")
            self.stats.contents_cleaned += 1
            return _Page(cleaned, analysis, cleaned.url or item.url)
        if not item.url:
            return _Page(None, None, None)
        future = self.pages.get(item.url)
        if future is None:
            future = self.pages[item.url] = asyncio.ensure_future(self._fetch_and_clean(item.url))
        return await asyncio.shield(future)

    async def _clean(self, data: bytes, **options: Any) -> tuple[CleanedArticle, Any]:
        return await self.in_worker(clean_page, self.work.clean, self.work.analyse, data, **options)

    async def _fetch_and_clean(self, url: str) -> _Page:
        result = await self.fetch(url)
        self.stats.pages_fetched += 1
        cleaned, analysis = await self._clean(result.content, url=result.url, content_type=result.content_type)
        self.stats.pages_cleaned += 1
        return _Page(cleaned, analysis, cleaned.url or result.url)

    def drop_pages(self) -> None:
        """Cancel page work still running (a deadline) and consume the failures already reported."""
        for future in self.pages.values():
            if future.done() and not future.cancelled():
                future.exception()
            else:
                future.cancel()


async def refresh_sources(
    sources: list[FeedSource],
    sink: RefreshSink,
    *,
    fetcher: Fetcher | None = None,
    options: FetchOptions | None = None,
    clean: CleanFunction | None = None,
    analyse: AnalyseFunction | None = None,
    max_items: int = DEFAULT_MAX_ITEMS,
    feed_deadline: float | None = DEFAULT_FEED_DEADLINE,
    on_progress: ProgressCallback | None = None,
    executor: concurrent.futures.Executor | None = None,
    stats: RefreshStats | None = None,
) -> list[SourceReport]:
    """Refresh ``sources`` concurrently; one report per source, in order.

    ``on_progress(source_id, state, done, total)`` is called on the event
    loop as work proceeds; ``done``/``total`` count finished sources and
    ``state`` is ``"fetching"``, ``"cleaning N/M"``, ``"done"`` or
    ``"error: REASON"``.  ``clean`` (default :func:`default_clean`) and
    ``analyse`` (``text -> anything``, handed to the sink) run in workers and
    must be picklable to run in processes.  Each feed gives at most its
    ``max_items`` newest items and must finish within ``feed_deadline``
    seconds (None: no limit).  A ``fetcher`` or ``executor`` passed in is
    used and left open; otherwise a fetcher is made from ``options`` and
    closed on this loop.
    """
    if max_items < 1:
        raise ValueError("max_items must be at least 1")
    work = _Work(clean or default_clean, analyse, max_items, feed_deadline)
    stats = stats if stats is not None else RefreshStats()
    if fetcher is not None:
        return await _refresh(sources, sink, fetcher, work, executor, on_progress, stats)
    async with Fetcher(options) as own:
        return await _refresh(sources, sink, own, work, executor, on_progress, stats)


async def _refresh(
    sources: list[FeedSource],
    sink: RefreshSink,
    fetcher: Fetcher,
    work: _Work,
    executor: concurrent.futures.Executor | None,
    on_progress: ProgressCallback | None,
    stats: RefreshStats,
) -> list[SourceReport]:
    pool = WorkerPool((work.clean, work.analyse), executor)
    run = _Refresh(sink, fetcher, pool, work, on_progress, stats, len(sources))
    busy_before = fetcher.busy_seconds
    try:
        return list(await asyncio.gather(*(run.run_source(source) for source in sources)))
    finally:
        stats.network_seconds += fetcher.busy_seconds - busy_before
        run.drop_pages()
        pool.close()


def refresh_sources_sync(
    sources: list[FeedSource], sink: RefreshSink, *, options: FetchOptions | None = None, **settings: Any
) -> list[SourceReport]:
    """:func:`refresh_sources` for synchronous callers such as the CLI and the TUI's workers.

    One new event loop makes the fetcher from ``options``, refreshes and
    closes it; ``settings`` are :func:`refresh_sources`'s other keywords
    except ``fetcher``.
    """
    if "fetcher" in settings:
        raise TypeError("refresh_sources_sync makes its own Fetcher in its own event loop; pass options=")
    return asyncio.run(refresh_sources(sources, sink, options=options, **settings))


async def _get(url: str, fetcher: Fetcher | None, options: FetchOptions | None) -> FetchResult:
    if fetcher is not None:
        return await fetcher.get(url)
    async with Fetcher(options) as own:
        return await own.get(url)


def fetch_sync(url: str, *, options: FetchOptions | None = None) -> FetchResult:
    """GET one URL from synchronous code; raises :class:`FetchError`."""
    return asyncio.run(_get(url, None, options))


async def fetch_article(
    url: str, *, fetcher: Fetcher | None = None, options: FetchOptions | None = None, clean: CleanFunction | None = None
) -> tuple[FetchResult, CleanedArticle]:
    """Fetch one page and clean it; raises ``FetchError`` or the cleaner's ``CleanError``."""
    result = await _get(url, fetcher, options)
    cleaned = await asyncio.to_thread(
        clean or default_clean, result.content, url=result.url, content_type=result.content_type
    )
    return result, cleaned


def fetch_article_sync(
    url: str, *, options: FetchOptions | None = None, clean: CleanFunction | None = None
) -> tuple[FetchResult, CleanedArticle]:
    """:func:`fetch_article` for synchronous callers, in one event loop of its own."""
    return asyncio.run(fetch_article(url, options=options, clean=clean))
