"""What grouping needs from an article, computed once when it is added.

* shingles: runs of three accent-folded syllables of the title and text, so
  a copy that lost or changed its tone marks still matches;
* entity units: the folded names of the people, places and organisations
  it names (a name of several words gives its word pairs, so "Antony
  Blinken" still meets "Mỹ Antony Blinken" misread in a text without tone
  marks), each with its mention count;
* figures: the numbers it gives (12.000 người, 4,78 điểm, 7h55), which a
  rewrite keeps and the next day's report of the same kind does not;
* its time: published when known, else added (the days it names are in
  :mod:`tuireader.stories.days`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

from msgspec import Struct, field

from ..text import fold

SHINGLE = 3
MAX_SYLLABLES = 1500  # a long article is compared by its first syllables: they hold the news
_WORD = re.compile(r"\w+")
# Tokens with a digit, then the figures among them: 12.000, 4,78, 7h55, 2-1 (not 29/7, a date).
_WITH_DIGIT = re.compile(r"(?<!\S)\S*\d\S*")
_FIGURE = re.compile(r"\d+(?:[.,h:-]\d+)*")
_PUNCTUATION = "()[]{}.,;:!?\"'“”‘’«»…"
LEAD_CHARS = 600
_NAME_TYPES = ("PER", "LOC", "ORG")


class StoryDoc(Struct, frozen=True):
    """One article as grouping sees it.

    ``entities`` are dicts with ``type``, ``text`` and ``count`` (the shape
    of an article's stored metadata); ``time`` is an ISO date-time or
    seconds since the epoch.
    """

    id: str
    title: str
    text: str
    time: str | float | None = None
    site: str | None = None
    entities: Sequence[Mapping[str, Any]] = field(default_factory=tuple)

    @property
    def num(self) -> int:
        return int(self.id, 16)

    @classmethod
    def from_record(cls, meta: Mapping[str, Any], body: Mapping[str, Any] | None) -> StoryDoc:
        """From an article's stored metadata and body."""
        return cls(
            id=meta["id"],
            title=meta.get("title") or "",
            text=(body or {}).get("text") or "",
            time=meta.get("published") or meta.get("added"),
            site=meta.get("site") or meta.get("source"),
            entities=tuple(meta.get("entities") or ()),
        )


def words(text: str) -> list[str]:
    """The accent-folded syllables (and numbers) of ``text``."""
    # Words first, then folding: punctuation such as “ ” – would send fold() down its slow path.
    return fold(" ".join(_WORD.findall(text))).split()


def shingles(title: str, text: str) -> set[str]:
    """The distinct runs of :data:`SHINGLE` syllables of an article."""
    syllables = words(f"{title}\n{text[: MAX_SYLLABLES * 8]}")[:MAX_SYLLABLES]
    if len(syllables) <= SHINGLE:
        return {" ".join(syllables)} if syllables else set()
    return set(map(" ".join, zip(*(syllables[i:] for i in range(SHINGLE)), strict=False)))


@cache
def _name_prefixes() -> frozenset[str]:
    data = resources.files("tuireader.stories").joinpath("data/name_prefixes.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in data.splitlines() if line.strip() and not line.startswith("#"))


def _units_of(parts: list[str]) -> list[str]:
    prefixes = _name_prefixes()
    while len(parts) > 1 and parts[0] in prefixes:
        parts = parts[1:]
    if len(parts) < 2:
        return parts
    return [f"{a} {b}" for a, b in zip(parts, parts[1:], strict=False)]


def name_units(name: str) -> list[str]:
    """The units a name is compared by: itself if one word, else its word pairs."""
    return _units_of(words(name))


def entity_units(entities: Iterable[Mapping[str, Any]]) -> dict[str, float]:
    """Units of the named people, places and organisations, each with its weight in the article.

    A name weighs 1 + log(mentions), shared out among its units so that a
    long name counts as much as a short one.
    """
    named = [e for e in entities if e.get("type") in _NAME_TYPES]
    # One folding for all the names, a line each.
    folded = fold("\n".join(" ".join(_WORD.findall(str(e.get("text") or ""))) for e in named)).split("\n")
    units: dict[str, float] = {}
    for entity, name in zip(named, folded, strict=False):
        parts = _units_of(name.split())
        weight = (1.0 + math.log(max(1, int(entity.get("count") or 1)))) / math.sqrt(len(parts) or 1)
        for unit in parts:
            units[unit] = round(units.get(unit, 0.0) + weight, 3)
    return units


def split_lead(title: str, text: str) -> tuple[str, str]:
    """(title and first paragraph, the rest): where news names its event's day."""
    first = text.find("\n\n")
    cut = min(LEAD_CHARS, first if first >= 0 else len(text))
    return f"{title}\n{text[:cut]}", text[cut:]


def digit_tokens(text: str) -> list[str]:
    """The whitespace-separated tokens of ``text`` that hold a digit, without surrounding punctuation."""
    return [token.strip(_PUNCTUATION) for token in _WITH_DIGIT.findall(text)]


def figures(tokens: Iterable[str]) -> dict[str, float]:
    """The figures of two digits or more among ``tokens``, as units of weight 1 ("#12.000")."""
    found = (t for t in tokens if _FIGURE.fullmatch(t) and sum(c.isdigit() for c in t) >= 2)
    return {f"#{figure.replace(':', 'h')}": 1.0 for figure in found}


def main_names(entities: Iterable[Mapping[str, Any]], limit: int = 6) -> list[str]:
    """The most mentioned names, for a story's heading."""
    named = [e for e in entities if e.get("type") in _NAME_TYPES and e.get("text")]
    named.sort(key=lambda e: -int(e.get("count") or 1))
    return list(dict.fromkeys(str(e["text"]) for e in named))[:limit]


def parse_time(value: str | float | None) -> float | None:
    """Seconds since the epoch of an ISO date-time (UTC when it names no zone)."""
    if value is None or isinstance(value, (int, float)):
        return None if value is None else float(value)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()
