"""The reader's use cases: what the command line and the TUI both call.

Nothing here imports Textual, runs SQL or queries TinyDB: storage questions
are named methods of :class:`tuireader.store.Store`.  Heavy modules (the
cleaner, the extractor, the fetcher) are imported where first needed, so
opening a library and listing articles stays fast.
"""

from __future__ import annotations

from ..store.store import LibraryError
from ..text import strip_controls
from .config import Config, config_file_path, default_library_path, load_config, sample_corpus_path, save_setting
from .core import Library
from .export import export_file_name
from .models import Article, ArticleSummary, ImportReport, SourceEntry, quote_value
from .reading import SORT_ORDERS, query_problems
from .stories import StoryArticle, StoryRow, StorySummary
from .words import plural

__all__ = [
    "SORT_ORDERS",
    "Article",
    "ArticleSummary",
    "Config",
    "ImportReport",
    "Library",
    "LibraryError",
    "SourceEntry",
    "StoryArticle",
    "StoryRow",
    "StorySummary",
    "config_file_path",
    "default_library_path",
    "export_file_name",
    "load_config",
    "plural",
    "query_problems",
    "quote_value",
    "sample_corpus_path",
    "save_setting",
    "strip_controls",
]
