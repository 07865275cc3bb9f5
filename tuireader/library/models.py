"""What the use cases hand to the faces: list rows, articles, source-pane entries, import reports."""

from __future__ import annotations

import math
from typing import Any

from msgspec import Struct, field

from ..store.search import SummaryRow

__all__ = ["Article", "ArticleSummary", "ImportReport", "SourceEntry", "quote_value"]


# One row of the article list, as the index gives it.
ArticleSummary = SummaryRow


class Article(Struct):
    """An article with everything the article pane and the entity panel show."""

    id: str
    title: str
    site: str | None
    author: str | None
    url: str | None
    published: str | None
    lead: str | None
    text: str
    read: bool
    bookmarked: bool
    tags: list[str]
    entities: list[dict[str, Any]]
    source: str | None = None
    added: str | None = None
    outlets: list[str] = field(default_factory=list)  # other outlets that published this very text
    low_confidence: str | None = None  # why the cleaner doubts the page is an article, e.g. "home page"

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(len(self.text.split()) / 200)) if self.text else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "site": self.site,
            "author": self.author,
            "url": self.url,
            "published": self.published,
            "read": self.read,
            "bookmarked": self.bookmarked,
            "tags": self.tags,
            "lead": self.lead,
            "text": self.text,
            "source": self.source,
            "added": self.added,
            "low_confidence": self.low_confidence,
            "entities": [
                {k: e.get(k) for k in ("text", "type", "count", "aliases", "mentions")} for e in self.entities
            ],
        }


class SourceEntry(Struct, frozen=True):
    """One line of the source pane.  Every entry is a query."""

    kind: str  # all | unread | bookmarks | tag | site | feed | search | entity
    label: str
    query: str
    unread: int
    total: int
    section: str = ""
    id: str | None = None
    error: str | None = None
    error_at: str | None = None  # when a feed last failed to refresh, UTC ISO 8601


class ImportReport(Struct):
    imported: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "duplicates": len(self.duplicates),
            "failed": [{"path": p, "error": e} for p, e in self.failed],
        }


def quote_value(value: str) -> str:
    """A qualifier value as the query language reads it back (quoted when it holds spaces)."""
    return f'"{value}"' if any(c.isspace() for c in value) or not value else value
