"""The result type of the cleaner and its error type."""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["CleanError", "CleanedArticle"]

_JSON_FIELDS = ("title", "author", "site", "url", "published", "lead", "text", "lang", "low_confidence")


class CleanError(Exception):
    """Input that cannot be cleaned at all (empty, binary); the message is one sentence."""


@dataclass
class CleanedArticle:
    """One article reduced to metadata plus plain-text paragraphs."""

    title: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None
    published: str | None = None
    lead: str | None = None
    text: str = ""
    lang: str | None = None
    # Why the text may not be an article (a home or section page, hardly any
    # text); None when the cleaner trusts its result.
    low_confidence: str | None = None
    warnings: list[str] = field(default_factory=list)

    def to_json(self) -> dict:
        """The article fields as a JSON-ready dict; missing values are ``None``."""
        out: dict = {name: getattr(self, name) or None for name in _JSON_FIELDS}
        out["text"] = self.text or ""
        return out
