"""Getting news in: HTTP fetching, feed parsing, refresh orchestration, OPML, presets.

Importing this package is cheap: httpx, feedparser and lxml are imported
inside the functions that first need them.  Nothing here imports the store
or the UI; the store plugs in through :class:`RefreshSink`::

    reports = refresh_sources_sync(
        [FeedSource(id="vnexpress", url=find_preset("vnexpress").url)], sink,
        options=FetchOptions(timeout=15, deadline=30),
        max_items=200, analyse=entities_of_text,
        on_progress=lambda source_id, state, done, total: ...,
    )

The synchronous entry points (``refresh_sources_sync``, ``fetch_sync``,
``fetch_article_sync``) run one event loop that makes, uses and closes its
own :class:`Fetcher`.  Each report says ``ok``, ``unchanged`` (the server
answered 304) or ``error`` with a short ``reason``, when it finished and
the feed's ``name``; keep its ``etag``/``last_modified`` for the next
refresh.  Pages are parsed, cleaned and analysed in worker processes (one
per core), so fetching overlaps them; pass ``executor=`` to choose.
"""

from __future__ import annotations

from tuireader.fetch.feeds import (
    DEFAULT_MAX_ITEMS,
    FeedError,
    FeedItem,
    IsAFeedError,
    ParsedFeed,
    describe_feed,
    item_has_full_text,
    looks_like_feed,
    parse_feed,
    refuse_feed,
    sniff_feed,
)
from tuireader.fetch.http import Fetcher, FetchError, FetchOptions, FetchResult
from tuireader.fetch.opml import OpmlError, OpmlFeed, OpmlImport, build_opml, parse_opml, read_opml
from tuireader.fetch.presets import PRESETS, Preset, find_preset
from tuireader.fetch.refresh import (
    FeedSource,
    RefreshSink,
    RefreshStats,
    SourceReport,
    fetch_article,
    fetch_article_sync,
    fetch_sync,
    refresh_sources,
    refresh_sources_sync,
)

__all__ = [
    "DEFAULT_MAX_ITEMS",
    "PRESETS",
    "FeedError",
    "FeedItem",
    "FeedSource",
    "FetchError",
    "FetchOptions",
    "FetchResult",
    "Fetcher",
    "IsAFeedError",
    "OpmlError",
    "OpmlFeed",
    "OpmlImport",
    "ParsedFeed",
    "Preset",
    "RefreshSink",
    "RefreshStats",
    "SourceReport",
    "build_opml",
    "describe_feed",
    "fetch_article",
    "fetch_article_sync",
    "fetch_sync",
    "find_preset",
    "item_has_full_text",
    "looks_like_feed",
    "parse_feed",
    "parse_opml",
    "read_opml",
    "refresh_sources",
    "refresh_sources_sync",
    "refuse_feed",
    "sniff_feed",
]
