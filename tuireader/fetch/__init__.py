"""Getting news in: HTTP fetching, feed parsing, refresh orchestration, OPML, presets.

Importing this package is cheap: httpx, feedparser and lxml are imported
inside the functions that first need them.  Nothing here imports the store
or the UI; the store plugs in through :class:`RefreshSink`::

    reports = refresh_sources_sync(
        [FeedSource(id="vnexpress", url=find_preset("vnexpress").url)], sink,
        on_progress=lambda source_id, state, done, total: ...,
    )

Each report says ``ok``, ``unchanged`` (the server answered 304) or
``error`` with a one-sentence reason; keep its ``etag``/``last_modified``
for the next refresh.  Pages are cleaned in worker processes by default
(one per core), so fetching overlaps cleaning; pass ``executor=`` to choose.
"""

from __future__ import annotations

from tuireader.fetch.feeds import FeedError, FeedItem, ParsedFeed, item_has_full_text, parse_feed
from tuireader.fetch.http import Fetcher, FetchError, FetchResult
from tuireader.fetch.opml import OpmlError, OpmlFeed, build_opml, parse_opml
from tuireader.fetch.presets import PRESETS, Preset, find_preset
from tuireader.fetch.refresh import (
    FeedSource,
    RefreshSink,
    RefreshStats,
    SourceReport,
    fetch_article,
    fetch_article_sync,
    refresh_sources,
    refresh_sources_sync,
)

__all__ = [
    "PRESETS",
    "FeedError",
    "FeedItem",
    "FeedSource",
    "FetchError",
    "FetchResult",
    "Fetcher",
    "OpmlError",
    "OpmlFeed",
    "ParsedFeed",
    "Preset",
    "RefreshSink",
    "RefreshStats",
    "SourceReport",
    "build_opml",
    "fetch_article",
    "fetch_article_sync",
    "find_preset",
    "item_has_full_text",
    "parse_feed",
    "parse_opml",
    "refresh_sources",
    "refresh_sources_sync",
]
