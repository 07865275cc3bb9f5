"""Whether two articles report the same event: the three signals and the rule.

* text: the estimated share of the shorter article's shingles found in the
  other (containment), which copies and light rewrites keep high;
* entities: the cosine of the two articles' entity units weighted by
  rarity (inverse document frequency) and by mention counts, which
  rewrites keep and another event with the same people does not;
* time: both articles inside the window, and the days they name allowing
  one event (:func:`tuireader.stories.days.days_agree`).

Two articles link when their times agree and either the text alone is
close enough or text and entities together are.  A copy (a
re-publication) is an article whose text is nearly the other's, naming the
same days; it links whenever it appeared.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from msgspec import Struct


class Settings(Struct, frozen=True):
    """What grouping decides with.  The defaults are the tuned ones."""

    window_hours: float = 72.0
    date_slack_days: int = 0
    num_perm: int = 128
    bands: int = 8  # LSH bands looked up inside the window...
    rows: int = 2
    copy_bands: int = 4  # ...and strict ones, for re-publications at any time
    copy_rows: int = 8
    copy_similarity: float = 0.8  # estimated Jaccard of a re-publication
    text_alone: float = 0.5  # containment that links without entities
    link: float = 0.66  # text + entities that links
    rare_units: int = 8  # names an article looks its candidates up by, at most...
    min_lookups: int = 3  # ...and at least, however common
    rare_share: float = 0.0005  # a name is rare in at most this share of the articles...
    rare_floor: int = 3  # ...or in this many
    max_candidates: int = 50
    use_text: bool = True
    use_entities: bool = True
    use_time: bool = True
    use_days: bool = True  # part of time: the days the articles name
    figures: bool = True  # part of entities: the figures the articles give

    def key(self) -> str:
        """What stored features depend on: a change needs a rebuild."""
        return f"p{self.num_perm}-b{self.bands}x{self.rows}-c{self.copy_bands}x{self.copy_rows}"


class Evidence(Struct, frozen=True):
    """What two articles share."""

    similarity: float  # estimated Jaccard of their shingles
    containment: float
    entities: float
    in_window: bool
    days_ok: bool  # the days they name allow one event


class Weighted(Struct, frozen=True):
    """An article's entity units weighted by rarity, and the vector's length."""

    weights: dict[int, float]  # by unit key
    norm: float


def weigh(units: Mapping[int, float], rarity: Mapping[int, float]) -> Weighted:
    weights = {u: w * rarity.get(u, 0.0) for u, w in units.items()}
    return Weighted(weights, math.sqrt(sum(w * w for w in weights.values())))


def entity_similarity(a: Weighted, b: Weighted) -> float:
    """Cosine of two articles' weighted entity units."""
    if not a.norm or not b.norm:
        return 0.0
    small, large = sorted((a.weights, b.weights), key=len)
    return sum(w * large[u] for u, w in small.items() if u in large) / (a.norm * b.norm)


def times_agree(ta: float | None, tb: float | None, settings: Settings) -> bool:
    return ta is None or tb is None or abs(ta - tb) <= settings.window_hours * 3600.0


def is_copy(evidence: Evidence, settings: Settings) -> bool:
    """A re-publication: nearly the same text naming the same days, whenever it appeared.

    (A bulletin made from a template, the same sentences on another day, names another day.)
    """
    days_ok = evidence.days_ok or not (settings.use_time and settings.use_days)
    return settings.use_text and days_ok and evidence.similarity >= settings.copy_similarity


def links(evidence: Evidence, settings: Settings) -> bool:
    """Whether the evidence puts two articles in one story."""
    if is_copy(evidence, settings):
        return True
    if settings.use_time and not (evidence.in_window and (evidence.days_ok or not settings.use_days)):
        return False
    text = evidence.containment if settings.use_text else 0.0
    entities = evidence.entities if settings.use_entities else 0.0
    return text >= settings.text_alone or text + entities >= settings.link
