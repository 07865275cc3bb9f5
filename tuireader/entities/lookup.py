"""Resolve a name typed by a user to a known entity (for ``entity:`` queries)."""

from __future__ import annotations

from functools import lru_cache

from tuireader.entities.dates import find_dates
from tuireader.entities.lexicon import load, token_keys
from tuireader.text import fold


@lru_cache(maxsize=1)
def _folded_index() -> dict[str, list[tuple[str, str]]]:
    """Diacritic-free phrase -> [(type, canonical)], so "hoa ky" finds "Mỹ"."""
    index: dict[str, list[tuple[str, str]]] = {}
    for keys, entry in load().phrases.items():
        target = (entry.type, entry.canonical)
        bucket = index.setdefault(fold(" ".join(keys)), [])
        if target not in bucket:
            bucket.append(target)
    return index


def resolve_name(name: str, type_: str | None) -> tuple[str, str] | None:
    """(type, canonical) of a known ``name``, or None."""
    if type_ == "DATE" or type_ is None:
        dates = find_dates(name)
        # One date expression, possibly in several spans ("Thứ hai, ngày 4/11").
        if dates and len({d[2] for d in dates}) == 1 and dates[0][0] <= 5 and dates[-1][1] == len(name):
            return "DATE", dates[0][2]
        if type_ == "DATE":
            return None
    keys = token_keys(name)
    entry = load().phrases.get(keys)
    if entry is not None and type_ in (None, entry.type):
        return entry.type, entry.canonical
    # Without diacritics a name may be ambiguous ("ha nam"); answer only when it is not.
    candidates = {c for c in _folded_index().get(fold(" ".join(keys)), []) if type_ in (None, c[0])}
    return candidates.pop() if len(candidates) == 1 else None
