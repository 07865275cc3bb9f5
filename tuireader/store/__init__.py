"""Storage: TinyDB files as the store of record and a derived SQLite index."""

from .store import ArticleRecord, LibraryError, Store

__all__ = ["ArticleRecord", "LibraryError", "Store"]
