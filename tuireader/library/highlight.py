"""Finding what to highlight in an article body.

Search is diacritic-insensitive (``ha noi`` matches ``Hà Nội``), so matches are
found in the folded text and mapped back to ranges of the original text.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

from ..text import fold, fold_with_map

__all__ = ["search_terms", "search_ranges", "mention_ranges"]

Range = tuple[int, int]

# Query words that are filters of the query language, not text to look for.
_FILTER_PREFIXES = ("is:", "tag:", "site:", "feed:", "entity:", "before:", "after:")


def search_terms(query: str) -> list[str]:
    """The folded free-text words of a search query (filters left out)."""
    terms: list[str] = []
    for word in query.split():
        if word.lower().startswith(_FILTER_PREFIXES):
            continue
        word = word.strip("\"'")
        folded = fold(word)
        if folded:
            terms.append(folded)
    return terms


def _phrase(query: str) -> str | None:
    """All free words of the query as one phrase, when there are several."""
    terms = search_terms(query)
    return " ".join(terms) if len(terms) > 1 else None


def search_ranges(text: str, query: str) -> list[Range]:
    """Ranges of ``text`` matching any free word of ``query``, ignoring accents and case."""
    terms = search_terms(query)
    if not terms or not text:
        return []
    # The last word may be half typed: it matches word starts, like the search.
    prefixes = {terms[-1]}
    phrase = _phrase(query)
    if phrase:
        terms.append(phrase)  # so "ha noi" lights up "Hà Nội" whole, space included
        prefixes.add(phrase)
    folded, index = fold_with_map(text)
    found: set[Range] = set()
    for term in terms:
        position = folded.find(term)
        while position >= 0:
            end = position + len(term)
            starts_word = position == 0 or not folded[position - 1].isalnum()
            ends_word = end == len(folded) or not folded[end].isalnum() or term in prefixes
            if not (starts_word and ends_word):
                position = folded.find(term, position + 1)
                continue
            stop = index[end - 1] + 1
            # Take the combining marks that belong to the last matched letter.
            while stop < len(text) and unicodedata.combining(text[stop]):
                stop += 1
            found.add((index[position], stop))
            position = folded.find(term, end)
    return _merge(sorted(found))


def mention_ranges(entity: dict[str, Any] | None, text_length: int) -> list[Range]:
    """The mention ranges of an entity that fall inside the body."""
    if not entity:
        return []
    ranges: Iterable[Any] = entity.get("mentions") or ()
    clean: list[Range] = []
    for item in ranges:
        try:
            start, end = int(item[0]), int(item[1])
        except (TypeError, ValueError, IndexError):
            continue
        if 0 <= start < end <= text_length:
            clean.append((start, end))
    return _merge(sorted(clean))


def _merge(ranges: list[Range]) -> list[Range]:
    merged: list[Range] = []
    for start, end in ranges:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
