"""Refresh feeds: fetch every source, parse it, fetch and clean new articles.

Network work runs concurrently on the event loop (bounded by the
:class:`~tuireader.fetch.http.Fetcher`); parsing and cleaning are CPU-bound
and run in an executor so fetching overlaps them.  Storage is not this
module's business: a :class:`RefreshSink` decides what is known and stores
what arrives.

Nothing escapes :func:`refresh_sources` but a list of reports: a dead
source, a malformed feed or a failing page becomes a message in its
:class:`SourceReport`, and the other sources carry on.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import io
import logging
import multiprocessing
import os
import pickle
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from tuireader.fetch.feeds import FeedError, FeedItem, ParsedFeed, item_has_full_text, parse_feed
from tuireader.fetch.http import Fetcher, FetchError, FetchResult

if TYPE_CHECKING:
    from tuireader.clean import CleanedArticle

__all__ = [
    "CleanFunction",
    "FeedSource",
    "RefreshSink",
    "RefreshStats",
    "SourceReport",
    "default_clean",
    "fetch_article",
    "fetch_article_sync",
    "refresh_sources",
    "refresh_sources_sync",
]

_log = logging.getLogger(__name__)

CleanFunction = Callable[..., "CleanedArticle"]
ProgressCallback = Callable[[str, str, int, int], None]


@dataclass
class FeedSource:
    """A feed to refresh, with the cache validators of its last fetch."""

    id: str
    url: str
    title: str | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class SourceReport:
    """What happened to one source: status is ``"ok"``, ``"unchanged"`` or ``"error"``.

    ``unchanged`` counts items already stored (their pages are not fetched
    again) plus those the sink judged unchanged; ``page_errors`` counts items
    whose page could not be fetched or cleaned (they are stored with their
    summary).
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


class RefreshSink(Protocol):
    """Where refreshed items go (implemented by the library/store)."""

    def is_known(self, url: str) -> bool:
        """True if the article at ``url`` is already stored."""
        ...

    def store(self, source: FeedSource, item: FeedItem, cleaned: CleanedArticle | None, page_url: str | None) -> str:
        """Store one item; return ``"new"``, ``"updated"`` or ``"unchanged"``."""
        ...


@dataclass
class RefreshStats:
    """Work counters and time sums, filled in when passed to :func:`refresh_sources`.

    ``fetch_seconds`` sums the time spent awaiting HTTP responses (queueing
    for a connection slot included), ``network_seconds`` the part with the
    request actually in flight, and ``clean_seconds`` the time spent inside
    parse and clean calls; with overlap these sums exceed the wall time.
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


def _timed(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, float]:
    """Run ``function`` and return its result with the seconds it took (runs in workers)."""
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def _probe() -> bool:
    """A no-op run in a fresh worker pool to see that it works at all."""
    return True


def _start_resource_tracker() -> None:
    """Start multiprocessing's resource tracker even when stderr is not a file.

    The tracker is started on the first pool and inherits
    ``sys.stderr.fileno()``; under a TUI that captures output the descriptor
    is invalid (Textual reports -1) and the start fails.  Starting it with
    stderr briefly pointed at the null device avoids that.
    """
    if os.name != "posix":
        return
    try:
        valid = sys.stderr is not None and sys.stderr.fileno() >= 0
        if valid:
            os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        valid = False
    if valid:
        return
    from multiprocessing import resource_tracker

    saved = sys.stderr
    with open(os.devnull, "w") as devnull:
        sys.stderr = devnull
        try:
            resource_tracker.ensure_running()
        finally:
            sys.stderr = saved


def _picklable(value: Any) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


def make_executor(clean: CleanFunction, kind: str = "auto") -> concurrent.futures.Executor:
    """An executor for parsing and cleaning.

    ``"process"`` gives one worker process per core: cleaning is pure-Python
    CPU work that threads cannot spread over cores under the GIL.  ``"auto"``
    uses processes when there is more than one core and the clean function
    can be sent to a worker, threads otherwise.
    """
    cores = os.cpu_count() or 1
    if kind == "auto":
        kind = "process" if cores > 1 and _picklable(clean) else "thread"
    if kind == "process":
        # Not plain fork: the caller (a TUI, a test server) may be running
        # threads, and forking a threaded process can copy a held lock.
        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("forkserver" if "forkserver" in methods else None)
        try:
            _start_resource_tracker()
            return concurrent.futures.ProcessPoolExecutor(max_workers=cores, mp_context=context)
        except (OSError, ValueError, NotImplementedError, ImportError) as exc:  # e.g. no semaphores
            _log.warning("worker processes unavailable (%s); cleaning in threads", exc)
            kind = "thread"
    if kind == "thread":
        return concurrent.futures.ThreadPoolExecutor(max_workers=max(2, cores), thread_name_prefix="tuireader-clean")
    raise ValueError(f"unknown executor kind {kind!r} (auto, process or thread)")


_MAX_POOL_REPLACEMENTS = 3


def _is_process_pool(executor: concurrent.futures.Executor) -> bool:
    return isinstance(executor, concurrent.futures.ProcessPoolExecutor)


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


class _Refresh:
    """State shared by the sources of one refresh run."""

    def __init__(
        self,
        sink: RefreshSink,
        fetcher: Fetcher,
        clean: CleanFunction,
        executor: concurrent.futures.Executor,
        on_progress: ProgressCallback | None,
        stats: RefreshStats,
        total: int,
    ) -> None:
        self.sink = sink
        self.fetcher = fetcher
        self.clean = clean
        self.executor = executor
        self.on_progress = on_progress
        self.stats = stats
        self.total = total
        self.done = 0
        # One fetch+clean per page URL per run, even when several feeds link it.
        self.pages: dict[str, asyncio.Future[tuple[CleanedArticle, str]]] = {}
        self.replacements: list[concurrent.futures.Executor] = []
        self.replacing = asyncio.Lock()

    def progress(self, source_id: str, state: str) -> None:
        if self.on_progress is None:
            return
        try:
            self.on_progress(source_id, state, self.done, self.total)
        except Exception:  # a broken progress display must not stop the refresh
            _log.exception("progress callback failed")

    async def in_executor(self, function: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        loop = asyncio.get_running_loop()
        call = functools.partial(_timed, function, *args, **kwargs)
        for attempt in range(2):
            executor = self.executor
            try:
                result, seconds = await loop.run_in_executor(executor, call)
            except concurrent.futures.BrokenExecutor:
                # A worker died and every call in flight failed with it: each
                # gets one more try on a replacement pool.
                if attempt or not await self._replace_broken(executor):
                    raise
                continue
            self.stats.clean_seconds += seconds
            return result
        raise AssertionError("unreachable")

    async def _replace_broken(self, broken: concurrent.futures.Executor) -> bool:
        """Swap in a new executor after ``broken`` died; False when giving up."""
        async with self.replacing:
            if self.executor is not broken:
                return True  # another call already replaced it
            if len(self.replacements) >= _MAX_POOL_REPLACEMENTS:
                return False
            replacement = make_executor(self.clean, "process" if _is_process_pool(broken) else "thread")
            if _is_process_pool(replacement):
                # A page may have killed its worker (keep isolating pages in
                # processes), or processes cannot run here at all (use threads).
                try:
                    await asyncio.get_running_loop().run_in_executor(replacement, _probe)
                except concurrent.futures.BrokenExecutor:
                    _log.warning("worker processes fail here; cleaning in threads")
                    replacement.shutdown(wait=False, cancel_futures=True)
                    replacement = make_executor(self.clean, "thread")
            self.replacements.append(replacement)
            self.executor = replacement
            return True

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
        )
        try:
            await self._refresh_source(source, report)
        except asyncio.CancelledError:
            raise
        except FetchError as exc:
            report.status, report.error = "error", _describe(exc)
        except FeedError as exc:
            report.status, report.error = "error", f"could not read the feed at {source.url}: {_describe(exc)}"
        except Exception as exc:  # a broken sink or cleaner must not take the other sources down
            report.status, report.error = "error", f"unexpected {type(exc).__name__}: {_describe(exc)}"
        self.done += 1
        self.progress(source.id, "done" if report.status != "error" else f"error: {report.error}")
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
        feed: ParsedFeed = await self.in_executor(
            parse_feed, result.content, url=result.url, content_type=result.content_type
        )
        report.title = feed.title or source.title
        report.warnings.extend(feed.warnings)
        count = len(feed.items)
        finished = 0
        self.progress(source.id, f"cleaning 0/{count}")

        async def one(item: FeedItem) -> str:
            nonlocal finished
            try:
                return await self._refresh_item(source, item, report)
            finally:
                finished += 1
                self.progress(source.id, f"cleaning {finished}/{count}")

        # Every item finishes before a failure (say, of the sink) is raised,
        # so nothing keeps storing after the source was reported.
        outcomes = await asyncio.gather(*(one(item) for item in feed.items), return_exceptions=True)
        for outcome in outcomes:
            if isinstance(outcome, BaseException):
                raise outcome
        for outcome in outcomes:
            if outcome == "new":
                report.new += 1
            elif outcome == "updated":
                report.updated += 1
            else:
                report.unchanged += 1

    async def _refresh_item(self, source: FeedSource, item: FeedItem, report: SourceReport) -> str:
        if item.url and self.sink.is_known(item.url):
            return "unchanged"
        cleaned: CleanedArticle | None = None
        page_url = item.url
        try:
            if item_has_full_text(item):
                assert item.content_html is not None
                cleaned = await self.in_executor(
                    self.clean,
                    item.content_html.encode("utf-8"),
                    url=item.url,
                    content_type="text/html; charset=utf-8",
                )
                self.stats.contents_cleaned += 1
            elif item.url:
                cleaned, page_url = await self._page(item.url)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # the item is still stored, with its summary
            report.page_errors += 1
            report.warnings.append(f"{item.url or item.guid}: {_describe(exc)}")
            cleaned = None
        if cleaned is not None and cleaned.url:
            page_url = cleaned.url
        return self.sink.store(source, item, cleaned, page_url)

    async def _page(self, url: str) -> tuple[CleanedArticle, str]:
        future = self.pages.get(url)
        if future is None:
            future = self.pages[url] = asyncio.ensure_future(self._fetch_and_clean(url))
        return await asyncio.shield(future)

    async def _fetch_and_clean(self, url: str) -> tuple[CleanedArticle, str]:
        result = await self.fetch(url)
        self.stats.pages_fetched += 1
        cleaned = await self.in_executor(self.clean, result.content, url=result.url, content_type=result.content_type)
        self.stats.pages_cleaned += 1
        return cleaned, result.url


async def refresh_sources(
    sources: list[FeedSource],
    sink: RefreshSink,
    *,
    fetcher: Fetcher | None = None,
    clean: CleanFunction | None = None,
    on_progress: ProgressCallback | None = None,
    executor: concurrent.futures.Executor | None = None,
    stats: RefreshStats | None = None,
) -> list[SourceReport]:
    """Refresh ``sources`` concurrently; one report per source, in order.

    ``on_progress(source_id, state, done, total)`` is called on the event
    loop as work proceeds; ``done``/``total`` count finished sources and
    ``state`` is ``"fetching"``, ``"cleaning N/M"``, ``"done"`` or
    ``"error: ..."``.  ``clean`` defaults to :func:`default_clean`; a
    ``fetcher`` or ``executor`` passed in is used and left open.
    """
    clean = clean or default_clean
    stats = stats if stats is not None else RefreshStats()
    own_fetcher = fetcher is None
    own_executor = executor is None
    active_fetcher = fetcher if fetcher is not None else Fetcher()
    active_executor = executor if executor is not None else make_executor(clean)
    run = _Refresh(sink, active_fetcher, clean, active_executor, on_progress, stats, len(sources))
    busy_before = active_fetcher.busy_seconds
    try:
        return list(await asyncio.gather(*(run.run_source(source) for source in sources)))
    finally:
        stats.network_seconds += active_fetcher.busy_seconds - busy_before
        for future in run.pages.values():
            if future.done() and not future.cancelled():
                future.exception()  # consumed: failures were reported per item
            else:
                future.cancel()
        if own_fetcher:
            await active_fetcher.aclose()
        if own_executor:
            active_executor.shutdown(wait=True, cancel_futures=True)
        for replacement in run.replacements:
            replacement.shutdown(wait=True, cancel_futures=True)


def refresh_sources_sync(sources: list[FeedSource], sink: RefreshSink, **options: Any) -> list[SourceReport]:
    """:func:`refresh_sources` for synchronous callers such as the CLI."""
    return asyncio.run(refresh_sources(sources, sink, **options))


async def fetch_article(
    url: str, *, fetcher: Fetcher | None = None, clean: CleanFunction | None = None
) -> tuple[FetchResult, CleanedArticle]:
    """Fetch one page and clean it; raises ``FetchError`` or the cleaner's ``CleanError``."""
    clean = clean or default_clean
    active = fetcher if fetcher is not None else Fetcher()
    try:
        result = await active.get(url)
    finally:
        if fetcher is None:
            await active.aclose()
    cleaned = await asyncio.to_thread(clean, result.content, url=result.url, content_type=result.content_type)
    return result, cleaned


def fetch_article_sync(url: str, **options: Any) -> tuple[FetchResult, CleanedArticle]:
    """:func:`fetch_article` for synchronous callers."""
    return asyncio.run(fetch_article(url, **options))
