"""Named entities in Vietnamese news text: people, places, organisations, dates.

A rule engine (capitalisation, cue words, gazetteers written for Vietnamese
news) rather than a statistical model: it needs no download, starts
instantly and runs at hundreds of articles a second.

``extract(text)`` returns one :class:`Entity` per distinct entity with its
mentions; ``entity_key(name)`` turns a name typed by the user into the key
stored with entities, for ``entity:`` searches.

Importing this package is cheap: the gazetteers are read on first use.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tuireader.text import nfc, tone_key

__all__ = ["ENTITY_TYPES", "EXTRACTOR_VERSION", "Entity", "entity_key", "extract"]

EXTRACTOR_VERSION = "23"
ENTITY_TYPES = ("PER", "LOC", "ORG", "DATE")


@dataclass
class Entity:
    text: str
    type: str
    count: int
    aliases: list[str] = field(default_factory=list)
    mentions: list[tuple[int, int]] = field(default_factory=list)
    key: str = ""

    def to_json(self) -> dict:
        return {
            "text": self.text,
            "type": self.type,
            "count": self.count,
            "aliases": list(self.aliases),
            "mentions": [[s, e] for s, e in self.mentions],
        }


def extract(text: str) -> list[Entity]:
    """Entities of ``text``, most salient first within each type.

    Offsets refer to ``nfc(text)``.  Non-string input raises ``TypeError``.
    """
    if not isinstance(text, str):
        raise TypeError(f"extract() needs a str, not {type(text).__name__}")
    from tuireader.entities.engine import scan
    from tuireader.entities.grouping import group_mentions
    from tuireader.entities.resolve import TYPE_ORDER, display_name

    text = nfc(text)
    if not text.strip():
        return []
    entities = []
    for group in group_mentions(scan(text)):
        canonical, aliases = display_name(group, text)
        spans = sorted({(m.start, m.end) for m in group.mentions})
        entities.append(
            Entity(
                text=canonical,
                type=group.type,
                count=len(spans),
                aliases=aliases,
                mentions=spans,
                key=f"{group.type}:{tone_key(canonical)}",
            )
        )
    entities.sort(key=lambda e: (TYPE_ORDER[e.type], -e.count, e.mentions[0][0]))
    return entities


def entity_key(name: str, type: str | None = None) -> str | None:
    """Key for a user-typed ``name`` ("hoa ky", "Hoa Kỳ", "LHQ"), or None if unknown.

    Known names (gazetteer entries and their aliases) resolve to their
    canonical form; diacritics may be left out ("hoa ky").  With ``type``
    given, an unknown name still gets a key of that type.
    """
    if not isinstance(name, str):
        return None
    if type is not None and type not in ENTITY_TYPES:
        raise ValueError(f"unknown entity type {type!r}; expected one of {', '.join(ENTITY_TYPES)}")
    from tuireader.entities.lookup import resolve_name

    name = " ".join(nfc(name).split())
    if not name:
        return None
    found = resolve_name(name, type)
    if found is not None:
        return f"{found[0]}:{tone_key(found[1])}"
    if type is None:
        return None
    return f"{type}:{tone_key(name)}"
