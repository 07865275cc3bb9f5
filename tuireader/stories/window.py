"""The articles inside the time window of those being placed, held with their look-up keys.

Articles are placed in time order, so the window slides: each article of
the index is read once as it comes into the window and let go as it
leaves, and its LSH band keys and names are worked out from its signature
and units then (no table holds them).  The window is kept from one batch
to the next, told of the articles its owner adds and removes (an import's
next batch mostly falls in the same window: only its own articles are new).  Articles without a time are in
every window; an article without a time, or grouping without the time
signal, looks at every article.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter, deque
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from . import tables
from .match import Settings
from .sketch import band_keys

if TYPE_CHECKING:
    from .tables import DocRow


class Window:
    """The window's articles, found by band key and by name."""

    def __init__(self, conn: sqlite3.Connection, settings: Settings) -> None:
        self.conn = conn
        self.settings = settings
        self.seconds = settings.window_hours * 3600.0 if settings.use_time else None
        self._time: dict[int, float | None] = {}
        self._keys: dict[int, tuple[list[int], list[int]]] = {}
        self._by_band: dict[int, set[int]] = {}
        self._by_name: dict[int, set[int]] = {}
        self._dated: deque[int] = deque()  # the dated articles held, earliest first
        self._low: float | None = None
        self._high: float | None = None
        self._undated = False  # the articles without a time are held
        self._every = False  # every article is held

    # --- sliding -------------------------------------------------------------
    def move_to(self, t: float | None) -> None:
        """Hold the articles inside the window of an article of time ``t``."""
        if t is None or self.seconds is None:
            if not self._every:
                self._clear()
                self._add_all(tables.keyed_undated(self.conn, every=True))
                self._every = self._undated = True
            return
        if self._every:
            return  # a superset: the look-ups keep to the window
        if not self._undated:
            self._add_all(tables.keyed_undated(self.conn))
            self._undated = True
        low, high = t - self.seconds, t + self.seconds
        ahead = high + self.seconds / 2  # read ahead: the next articles' windows need no read of their own
        if self._low is None or self._high is None or high < self._low or low > self._high:
            self._drop_dated()
            self._add_all(tables.keyed_between(self.conn, low, ahead))
            self._high = ahead
        else:
            if low < self._low:  # a little back in time (a batch begins before the last ended)
                self._add_all(tables.keyed_between(self.conn, low, self._low))
                self._sort_dated()
            while self._dated and (self._time[self._dated[0]] or 0.0) < low:
                self._remove(self._dated.popleft())
            if high > self._high:
                self._add_all(tables.keyed_between(self.conn, self._high, ahead))
                self._high = ahead
        self._low = low

    def holds(self, t: float | None) -> bool:
        """Whether an article of time ``t`` belongs in what is held now."""
        if self._every:
            return True
        if t is None:
            return self._undated
        return self._low is not None and self._high is not None and self._low <= t <= self._high

    def added(self, rows: Iterable[DocRow]) -> None:
        """Articles the index stored (again): held if they fall in what is held."""
        rows = list(rows)
        self.removed(row.num for row in rows)
        self._add_all((row.num, row.t, row.sig, list(row.units)) for row in rows if self.holds(row.t))
        self._sort_dated()

    def removed(self, nums: Iterable[int]) -> None:
        """Articles the index forgot."""
        for num in nums:
            if num in self._time:
                if self._time[num] is not None:
                    self._dated.remove(num)
                self._remove(num)

    def _clear(self) -> None:
        for mapping in (self._time, self._keys, self._by_band, self._by_name):
            mapping.clear()
        self._dated.clear()
        self._low = self._high = None
        self._undated = self._every = False

    def _sort_dated(self) -> None:
        times = self._time
        self._dated = deque(sorted(self._dated, key=lambda n: times[n] or 0.0))  # earliest first again

    def _drop_dated(self) -> None:
        while self._dated:
            self._remove(self._dated.popleft())

    def _add_all(self, found: Iterable[tuple[int, float | None, bytes, list[int]]]) -> None:
        s = self.settings
        for num, t, sig, units in found:
            if num in self._time:
                continue
            bands = band_keys(sig, s.bands, s.rows) if s.use_text else []
            names = [u for u in units if tables.is_name(u)] if s.use_entities else []
            self._time[num] = t
            self._keys[num] = (bands, names)
            for key in bands:
                self._by_band.setdefault(key, set()).add(num)
            for unit in names:
                self._by_name.setdefault(unit, set()).add(num)
            if t is not None:
                self._dated.append(num)

    def _remove(self, num: int) -> None:
        del self._time[num]
        bands, names = self._keys.pop(num)
        for key, mapping in [*((k, self._by_band) for k in bands), *((u, self._by_name) for u in names)]:
            held = mapping[key]
            held.discard(num)
            if not held:
                del mapping[key]

    # --- looking up ----------------------------------------------------------
    def by_bands(self, keys: Sequence[int], t: float | None, limit: int) -> set[int]:
        """The ``limit`` articles sharing the most window band ``keys`` (the nearest in time first among equals)."""
        return self._most(keys, self._by_band, t, limit)

    def by_names(self, units: Sequence[int], t: float | None, limit: int) -> set[int]:
        """The ``limit`` articles naming the most of ``units`` (the nearest in time first among equals)."""
        return self._most(units, self._by_name, t, limit)

    def _most(self, keys: Sequence[int], held: dict[int, set[int]], t: float | None, limit: int) -> set[int]:
        counts: Counter[int] = Counter()
        for key in keys:
            counts.update(held.get(key, ()))
        if not counts:
            return set()
        times = self._time
        if t is not None and self.seconds is not None:
            low, high = t - self.seconds, t + self.seconds
            inside = [n for n in counts if (when := times[n]) is None or low <= when <= high]
        else:
            inside = list(counts)
        if len(inside) <= limit:
            return set(inside)

        def distance(num: int) -> float:
            when = times[num]
            return 0.0 if t is None else math.inf if when is None else abs(when - t)

        return set(sorted(inside, key=lambda n: (-counts[n], distance(n), n))[:limit])
