"""The query language shared by views, saved searches, the TUI and the CLI.

``kinh te tag:"ngoại giao" is:unread site:sggp.org.vn entity:"Antony Blinken"
before:2024-01-01 after:2023-06-01``

Free words match title, body, tags and entity names, ignoring diacritics and
case; qualifiers filter.  Every view in the source pane is a query too ("" is
All, ``is:unread`` is Unread, ``tag:x`` a tag).
"""

from __future__ import annotations

import re
from datetime import date

from msgspec import Struct, field

from ..text import fold, tone_key

_TOKEN = re.compile(r'(-?)(\w+):"([^"]*)"?|(-?)(\w+):(\S+)|"([^"]*)"?|(\S+)')

QUALIFIERS = ("tag", "entity", "site", "source", "is", "before", "after", "id", "story")


class ParsedQuery(Struct):
    words: list[str] = field(default_factory=list)  # as typed (for exact ranking and highlights)
    phrases: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    not_tags: list[str] = field(default_factory=list)
    entities: list[str] = field(default_factory=list)
    sites: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)  # unread, read, bookmarked
    stories: list[int] = field(default_factory=list)  # story:ID, the articles of one story
    before: str | None = None
    after: str | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def terms(self) -> list[str]:
        """Everything to look for in the text."""
        return [*self.words, *self.phrases]


def _parse_date(value: str) -> str | None:
    value = value.strip()
    m = re.fullmatch(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?", value)
    if m:
        y, mo, d = int(m[1]), int(m[2]), int(m[3] or 1)
    else:
        m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", value)
        if not m:
            m2 = re.fullmatch(r"(\d{4})", value)
            if not m2:
                return None
            y, mo, d = int(m2[1]), 1, 1
        else:
            d, mo, y = int(m[1]), int(m[2]), int(m[3])
    try:
        return date(y, mo, d).isoformat()
    except ValueError:
        return None


def parse_query(text: str) -> ParsedQuery:
    query = ParsedQuery()
    for m in _TOKEN.finditer(text or ""):
        if m.group(2) or m.group(5):
            negate = bool(m.group(1) or m.group(4))
            key = (m.group(2) or m.group(5)).lower()
            value = m.group(3) if m.group(2) else m.group(6)
            if key not in QUALIFIERS:
                query.words.append(m.group(0))
                continue
            if key == "tag":
                (query.not_tags if negate else query.tags).append(value)
            elif key == "entity":
                query.entities.append(value)
            elif key == "site":
                query.sites.append(value)
            elif key == "source":
                query.sources.append(value)
            elif key == "story":
                if re.fullmatch(r"[0-9a-fA-F]{12}", value):
                    query.stories.append(int(value, 16))
                else:
                    query.errors.append(f"story:{value} needs a story id (12 hex digits, as `tuireader stories` shows)")
            elif key == "is":
                flag = value.lower()
                if flag in ("unread", "read", "bookmarked", "bookmark", "starred"):
                    query.flags.append("bookmarked" if flag in ("bookmark", "starred") else flag)
                else:
                    query.errors.append(f"unknown is:{value} (use is:unread, is:read or is:bookmarked)")
            elif key in ("before", "after"):
                parsed = _parse_date(value)
                if parsed is None:
                    query.errors.append(f"{key}: needs a date such as 2024-05-31 or 31/5/2024")
                else:
                    setattr(query, key, parsed)
        elif m.group(7) is not None:
            if m.group(7).strip():
                query.phrases.append(m.group(7).strip())
        else:
            query.words.append(m.group(8))
    return query


def fts_match(
    terms: list[str], columns: str | None = None, folded: bool = True, phrases: bool = True, marked: bool = False
) -> str | None:
    """An FTS5 MATCH expression requiring every term (each a phrase of tokens).

    ``columns`` limits it to some columns of the table (all when None);
    ``phrases=False`` asks for each token alone (a table without positions);
    ``marked=True`` only for the tokens with diacritics (a table of those).
    """
    parts = []
    for term in terms:
        key = fold(term) if folded else tone_key(term)
        tokens = [t for t in re.findall(r"\w+", key) if not (marked and t.isascii())]
        if not tokens:
            continue
        parts.extend(['"' + " ".join(tokens) + '"'] if phrases else [f'"{token}"' for token in tokens])
    if not parts:
        return None
    expression = " AND ".join(parts)
    return f"{{{columns}}} : ({expression})" if columns else expression
