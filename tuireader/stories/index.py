"""The story index: grouping kept in the derived SQLite index.

    stories = StoryIndex(conn)              # creates its tables if missing
    if stories.needs_rebuild():
        stories.rebuild(all_docs)           # from the store of record
    stories.add_articles(new_docs)          # on import and refresh
    stories.remove(ids)                     # when articles go
    stories.fold(ids_in_list_order)         # one row per story

An article added is compared with the articles already grouped: those
sharing an LSH band or a rare entity unit inside the time window (found
among the window's articles, :mod:`tuireader.stories.window`), and those
sharing a strict band at any time (re-publications, found by table).  It joins the
story it links to best; stories it links to both are merged.  Articles
are taken in time order, so a rebuild groups as the imports did unless
they came out of order.
"""

from __future__ import annotations

import math
import sqlite3
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, Future
from contextlib import contextmanager
from itertools import islice

from msgspec import Struct
from msgspec.structs import replace

from . import tables
from .days import days_agree, event_days
from .features import StoryDoc, digit_tokens, entity_units, figures, main_names, parse_time, shingles, split_lead
from .match import Evidence, Settings, Weighted, entity_similarity, is_copy, links, times_agree, weigh
from .sketch import band_keys, containment, jaccard, library_version, signature
from .tables import DocRow, atomic
from .window import Window

Grouped = dict[int, tuple[int, int | None, str | None, int, float | None]]
GROUPING_VERSION = "2"  # 2: a story spans at most the time window (a change regroups)
_BATCH = 500
_IN_FLIGHT = 4  # batches of features computed ahead in a pool's workers
_SHORT_LIST = 2000  # a list folded from its own stories' rows; a longer one from every grouped row (kept)
_CACHED_UNITS = 50_000  # frequencies and rarities kept between look-ups (a few MB)
_CACHED_ROWS = 5_000  # decoded and weighted candidate rows kept (a few MB)


class Member(Struct, frozen=True):
    """One article of a story."""

    id: str
    site: str | None
    time: float | None
    copy_of: str | None  # the article it re-publishes


class Story(Struct, frozen=True):
    """A story: its articles (earliest first), outlets and main entities."""

    id: str
    size: int
    sources: int  # distinct outlets
    members: tuple[Member, ...]
    names: tuple[str, ...]
    first: float | None
    last: float | None


class StoryRow(Struct, frozen=True):
    """One row of a folded list: the article shown and what it stands for."""

    id: str
    story: str | None
    folded: tuple[str, ...]  # the other articles of the list in this story
    other_sources: int  # outlets of the whole story besides the shown article's
    copies: tuple[str, ...] = ()  # those of ``folded`` that re-publish another listed article's text


def _story_sites(grouped: Grouped) -> dict[int, set[str]]:
    sites: dict[int, set[str]] = {}
    for story, _copy, site, _size, _t in grouped.values():
        sites.setdefault(story, set()).add(site or "")
    return sites


def hex_id(num: int) -> str:
    return f"{num:012x}"


def _order_key(row: DocRow) -> tuple[bool, float, int]:
    return (row.t is None, row.t or 0.0, row.num)


def features_key(settings: Settings) -> str:
    return f"{settings.key()}-f{int(settings.figures)}"


def features(doc: StoryDoc, settings: Settings) -> DocRow:
    """What grouping compares of an article (the costly part, done where the article is cleaned on import)."""
    num, t = doc.num, parse_time(doc.time)
    found = shingles(doc.title, doc.text)
    lead, rest = split_lead(doc.title, doc.text)
    lead_tokens, other_tokens = digit_tokens(lead), digit_tokens(rest)
    units = entity_units(doc.entities)
    if settings.figures:
        units |= figures(lead_tokens + other_tokens)
    keys = tables.unit_keys(units)
    return DocRow(
        num=num, story=num, copy_of=None, t=t, site=doc.site, size=len(found),
        sig=signature(found, settings.num_perm), units=keys,
        days=event_days(doc.entities, lead, lead_tokens, other_tokens, t), names=tuple(main_names(doc.entities)),
    )  # fmt: skip


def _features_of_batch(docs: list[StoryDoc], settings: Settings) -> list[DocRow]:
    return [features(doc, settings) for doc in docs]


def features_in_batches(
    docs: Iterable[StoryDoc], settings: Settings, executor: Executor | None = None
) -> Iterator[DocRow]:
    """The features of ``docs`` in their order, computed in ``executor`` when given.

    A few batches are in flight at once, so memory stays bounded however many articles there are.
    """
    it = iter(docs)
    if executor is None:
        yield from (features(doc, settings) for doc in it)
        return
    pending: deque[tuple[list[StoryDoc], Future[list[DocRow]] | None]] = deque()
    while batch := list(islice(it, _BATCH)):
        try:
            future: Future[list[DocRow]] | None = executor.submit(_features_of_batch, batch, settings)
        except (BrokenExecutor, RuntimeError):  # a worker died, or the pool was shut down
            future = None
        pending.append((batch, future))
        if len(pending) > _IN_FLIGHT:
            yield from _result(*pending.popleft(), settings)
    while pending:
        yield from _result(*pending.popleft(), settings)


def _result(batch: list[StoryDoc], future: Future[list[DocRow]] | None, settings: Settings) -> list[DocRow]:
    """A batch's features from its worker, or computed here if the pool broke (a worker was killed)."""
    try:
        if future is not None:
            return future.result()
    except BrokenExecutor:
        pass
    return _features_of_batch(batch, settings)


class StoryIndex:
    """Stories over the articles of one SQLite index (``conn``)."""

    def __init__(self, conn: sqlite3.Connection, settings: Settings | None = None, *, writable: bool = True) -> None:
        self.conn = conn
        self.settings = settings or Settings()
        self._df: dict[int, int] = {}
        self._rarity: dict[int, float] = {}
        self._weighted: dict[int, Weighted] = {}
        self._decoded: dict[int, DocRow] = {}  # candidates' rows as read, their placement read afresh
        self._decoded_version = -1  # the database's data_version they were read at
        self._writes = 0  # own changes, for the kept grouped rows
        self._grouped: tuple[tuple[int, int], Grouped, dict[int, set[str]]] | None = None
        self._window: Window | None = None  # kept between batches while no other process writes
        if not writable:
            return
        tables.create(conn)
        if tables.info(conn, "version") != self._version():
            with atomic(conn):
                tables.recreate(conn)  # another version's tables may differ in their columns
                self._clear()
                tables.set_info(conn, "version", self._version())

    def _version(self) -> str:
        return f"{tables.SCHEMA_VERSION}:{GROUPING_VERSION}:{self.settings.key()}"

    @classmethod
    def readable(cls, conn: sqlite3.Connection, settings: Settings | None = None) -> StoryIndex | None:
        """The stories of a database opened read-only: None unless its tables are there and current."""
        index = cls(conn, settings, writable=False)
        if not tables.exists(conn) or tables.info(conn, "version") != index._version():
            return None
        return index

    # --- state ---------------------------------------------------------------
    def needs_rebuild(self) -> bool:
        """True until :meth:`rebuild` has run over these tables (new, or from another version)."""
        return tables.info(self.conn, "complete") != "1"

    def mark_stale(self) -> None:
        """Note that articles changed without the grouping (it was turned off): a rebuild is due."""
        if not self.needs_rebuild():
            tables.set_info(self.conn, "complete", "0")

    def mark_complete(self) -> None:
        """Note that every article is grouped (after :meth:`mark_stale` guarded a change)."""
        tables.set_info(self.conn, "complete", "1")

    def known(self, ids: Iterable[str]) -> set[str]:
        """Which of ``ids`` are grouped."""
        return {hex_id(num) for num in tables.known(self.conn, [int(i, 16) for i in ids])}

    def _clear(self) -> None:
        self._writes += 1
        for table in tables.TABLES[1:]:
            self.conn.execute(f"DELETE FROM {table}")
        tables.set_info(self.conn, "complete", "0")
        self._df.clear()
        self._decoded.clear()
        self._window = None

    def _check_minhash(self) -> None:
        """Signatures of another MinHash version do not compare: start over (a rebuild is due)."""
        current = library_version()
        stored = tables.info(self.conn, "minhash")
        if stored != current:
            if stored is not None:
                self._clear()
            tables.set_info(self.conn, "minhash", current)

    # --- writing -------------------------------------------------------------
    @property
    def features_key(self) -> str:
        """What features computed ahead (:func:`features`) must have been computed with to be used here."""
        return features_key(self.settings)

    def add_articles(self, docs: Iterable[StoryDoc | DocRow]) -> list[str]:
        """Group new (or changed) articles (or their features, computed ahead with these settings).

        Returns the stories they joined.
        """
        batch = [doc if isinstance(doc, DocRow) else self._features(doc) for doc in docs]
        if not batch:
            return []
        self._writes += 1
        with self._atomic():
            self._check_minhash()
            self._forget(tables.rows(self.conn, [row.num for row in batch]).values())
            self._store(batch)
            ordered = sorted(batch, key=_order_key)
            order = [row.num for row in ordered]
            self._cluster(ordered, set(order))
            found = tables.placements(self.conn, order)
        return list(dict.fromkeys(hex_id(found[num][0]) for num in order))

    def remove(self, ids: Iterable[str]) -> None:
        """Forget articles.  Their stories keep the other articles."""
        nums = [int(article_id, 16) for article_id in ids]
        self._writes += 1
        with self._atomic():
            self._forget(tables.rows(self.conn, nums).values())

    def rebuild(
        self,
        docs: Iterable[StoryDoc],
        on_progress: Callable[[int], None] | None = None,
        *,
        executor: Executor | None = None,
    ) -> int:
        """Group every article again from scratch; returns how many were grouped.

        With ``executor`` (a process pool), the features are computed in its
        workers while this process reads the store and writes their rows.
        """
        with self._atomic():
            self._clear()
            self._check_minhash()
            rows = iter(features_in_batches(docs, self.settings, executor))
            while batch := list(islice(rows, _BATCH)):
                self._store(batch)
            order = [num for (num,) in self.conn.execute("SELECT num FROM story_docs ORDER BY t IS NULL, t, num")]
            self._cluster(tables.rows_in_order(self.conn, order), set(order), on_progress)
            tables.set_info(self.conn, "complete", "1")
        return len(order)

    @contextmanager
    def _atomic(self) -> Iterator[None]:
        """A savepoint; the window held is let go if it rolls back (it may hold what was undone)."""
        try:
            with atomic(self.conn):
                yield
        except BaseException:
            self._window = None
            raise

    def _features(self, doc: StoryDoc) -> DocRow:
        return features(doc, self.settings)

    def _copy_keys(self, row: DocRow) -> list[int]:
        s = self.settings
        return band_keys(row.sig, s.copy_bands, s.copy_rows, start=s.bands * s.rows)

    def _store(self, batch: Sequence[DocRow]) -> None:
        tables.insert_docs(self.conn, [(row, self._copy_keys(row)) for row in batch])
        self._count(batch, +1)
        if self._window is not None:
            self._window.added(batch)

    def _count(self, batch: Iterable[DocRow], sign: int) -> None:
        counts = Counter(unit for row in batch for unit in row.units)
        tables.count_units(self.conn, {unit: sign * n for unit, n in counts.items()})
        for unit in counts:
            self._df.pop(unit, None)

    def _forget(self, found: Iterable[DocRow]) -> None:
        gone = list(found)
        for row in gone:
            self._decoded.pop(row.num, None)
        for row in gone:
            tables.delete_doc(self.conn, row, self._copy_keys(row))
            self._repoint_copies(row)
            tables.rename_story(self.conn, row.num)
        self._count(gone, -1)
        if self._window is not None:
            self._window.removed(row.num for row in gone)

    def _repoint_copies(self, row: DocRow) -> None:
        """The copies of a removed article now copy the earliest of them."""
        copies = self.conn.execute(
            "SELECT num FROM story_docs WHERE story = ? AND copy_of = ? ORDER BY t, num", (row.story, row.num)
        ).fetchall()
        if copies:
            first = copies[0][0]
            self.conn.execute("UPDATE story_docs SET copy_of = NULL WHERE num = ?", (first,))
            self.conn.executemany(
                "UPDATE story_docs SET copy_of = ? WHERE num = ?", [(first, n) for (n,) in copies[1:]]
            )

    # --- grouping ------------------------------------------------------------
    def _cluster(
        self, order: Iterable[DocRow], pending: set[int], on_progress: Callable[[int], None] | None = None
    ) -> None:
        """Place each article of ``order`` (time order, each its own story still) against those already placed."""
        total = tables.doc_count(self.conn)
        self._rarity = {}  # for this count of articles
        self._weighted = {}  # candidates' weighted units, for the same count
        version = int(self.conn.execute("PRAGMA data_version").fetchone()[0])
        if version != self._decoded_version:  # another process wrote: its rows may differ
            self._decoded.clear()
            self._window = None
            self._decoded_version = version
        if self._window is None:
            self._window = Window(self.conn, self.settings)
        window = self._window
        for done, row in enumerate(order, 1):
            pending.discard(row.num)
            window.move_to(row.t)
            candidates = self._candidates(row, total, window) - pending
            if candidates:
                self._place(row, self._candidate_rows(candidates), total)
            if on_progress and done % 1000 == 0:
                on_progress(done)

    def _candidate_rows(self, nums: set[int]) -> list[DocRow]:
        """The rows of ``nums``: decoded once, with the story and copy they hold now."""
        placed = tables.placements(self.conn, nums)
        if len(self._decoded) > _CACHED_ROWS:
            self._decoded.clear()
        missing = [num for num in placed if num not in self._decoded]
        if missing:
            self._decoded.update(tables.rows(self.conn, missing))
        out = []
        for num, (story, copy_of) in placed.items():
            row = self._decoded[num]
            if row.story != story or row.copy_of != copy_of:
                row = self._decoded[num] = replace(row, story=story, copy_of=copy_of)
            out.append(row)
        return out

    def _candidates(self, row: DocRow, total: int, window: Window) -> set[int]:
        s = self.settings
        found: set[int] = set()
        if s.use_text:
            found |= window.by_bands(band_keys(row.sig, s.bands, s.rows), row.t, s.max_candidates)
            found |= tables.by_bands(self.conn, self._copy_keys(row), row.t, s.max_candidates)
        if s.use_entities:
            found |= window.by_names(self._rarest(row, total), row.t, s.max_candidates)
        found.discard(row.num)
        return found

    def _frequency(self, units: Iterable[int]) -> Callable[[int], int]:
        """Document frequencies of ``units`` (cached; the cache starts over when large)."""
        if len(self._df) > _CACHED_UNITS:
            self._df.clear()
        missing = [u for u in units if u not in self._df]
        if missing:
            found = tables.frequencies(self.conn, missing)
            self._df.update((u, found.get(u, 0)) for u in missing)
        return lambda unit: self._df.get(unit, 0)

    def _rarest(self, row: DocRow, total: int) -> list[int]:
        """The names to look candidates up by: the rare ones (at least the rarest few)."""
        s = self.settings
        names = [u for u in row.units if tables.is_name(u)]
        df = self._frequency(names)
        # A name no other article holds (df 1: this one) finds nothing; the lookups go to shared ones,
        # the most mentioned of equally rare ones first.
        ranked = sorted((u for u in names if df(u) > 1), key=lambda u: (df(u), -row.units[u], u))
        rare = max(s.rare_floor, int(total * s.rare_share))
        return ranked[: s.min_lookups] + [u for u in ranked[s.min_lookups : s.rare_units] if df(u) <= rare]

    def _rarities(self, units: set[int], total: int) -> dict[int, float]:
        """Inverse document frequencies, kept while the count of articles holds."""
        known = self._rarity
        if len(known) > _CACHED_UNITS:
            known.clear()
        missing = [u for u in units if u not in known]
        if missing:
            df = self._frequency(missing)
            known.update((u, math.log((total + 1) / (df(u) + 0.5))) for u in missing)
        return known

    def _place(self, row: DocRow, candidates: Iterable[DocRow], total: int) -> None:
        """Join the best-linked story, merge the others, note the copied article."""
        found = list(candidates)
        rarity = self._rarities({u for r in (row, *found) for u in r.units}, total)
        weighted = weigh(row.units, rarity)
        scores: dict[int, float] = {}
        copy: tuple[float, int, int] | None = None  # similarity, the copied article, its story
        for other in found:
            theirs = self._weighted.get(other.num)
            if theirs is None:
                if len(self._weighted) > _CACHED_ROWS:
                    self._weighted.clear()
                theirs = self._weighted[other.num] = weigh(other.units, rarity)
            evidence = self._evidence(row, other, weighted, theirs)
            if not links(evidence, self.settings):
                continue
            score = evidence.containment + evidence.entities
            scores[other.story] = max(scores.get(other.story, 0.0), score)
            if is_copy(evidence, self.settings) and (copy is None or evidence.similarity > copy[0]):
                copy = (evidence.similarity, other.copy_of or other.num, other.story)
        joined = self._joined(row, scores, copy[2] if copy else None)
        if joined:
            tables.merge_stories(self.conn, joined[0], joined[1:])
            tables.set_story(self.conn, row.num, joined[0], copy[1] if copy else None)

    def _joined(self, row: DocRow, scores: dict[int, float], copied: int | None) -> list[int]:
        """The linked stories the article joins, the one it joins first: together they stay inside the window.

        Without this, articles a day apart chain one topic into a story of months.
        A copy joins the story of the article it copies, whenever that was.
        """
        ranked = sorted(scores, key=lambda s: (s != copied, -scores[s], s))
        if not self.settings.use_time or row.t is None or not ranked:
            return ranked
        spans = tables.spans(self.conn, ranked)
        window = self.settings.window_hours * 3600.0
        first = last = row.t
        joined: list[int] = []
        for story in ranked:
            start, end = spans.get(story, (None, None))
            lo = first if start is None else min(first, start)
            hi = last if end is None else max(last, end)
            if hi - lo <= window or story == copied:
                joined.append(story)
                first, last = lo, hi
        return joined

    def _evidence(self, a: DocRow, b: DocRow, wa: Weighted, wb: Weighted) -> Evidence:
        similarity = jaccard(a.sig, b.sig)
        s = self.settings
        return Evidence(
            similarity=similarity,
            containment=containment(similarity, a.size, b.size),
            entities=entity_similarity(wa, wb),
            in_window=times_agree(a.t, b.t, s),
            days_ok=days_agree(a.days, b.days, s.date_slack_days),
        )

    # --- reading -------------------------------------------------------------
    def story_of(self, article_id: str) -> str | None:
        row = self.conn.execute("SELECT story FROM story_docs WHERE num = ?", (int(article_id, 16),)).fetchone()
        return hex_id(row[0]) if row else None

    def members(self, story_id: str) -> list[Member]:
        """The articles of a story, earliest first."""
        rows = self.conn.execute(
            f"SELECT num, {tables.SITE}, t, copy_of FROM story_docs WHERE story = ? ORDER BY t IS NULL, t, num",
            (int(story_id, 16),),
        )
        return [Member(hex_id(num), site, t, None if c is None else hex_id(c)) for num, site, t, c in rows]

    def others(self, article_id: str) -> list[Member]:
        """The other articles of an article's story (for "Cùng sự kiện")."""
        story = self.story_of(article_id)
        return [m for m in self.members(story) if m.id != article_id] if story else []

    def stories(self, since: float | None = None, limit: int | None = 50, min_size: int = 2) -> list[Story]:
        """Stories with an article at or after ``since`` (seconds since the epoch), largest first."""
        params: tuple[float, ...]
        where, params = "", ()
        if since is not None:
            where, params = "WHERE story IN (SELECT story FROM story_docs WHERE t >= ?)", (since,)
        query = (
            f"SELECT story FROM story_docs {where} GROUP BY story HAVING count(*) >= ?"
            " ORDER BY count(*) DESC, max(t) DESC LIMIT ?"
        )
        ids = [s for (s,) in self.conn.execute(query, (*params, min_size, -1 if limit is None else limit))]
        return [self._story(s) for s in ids]

    def _story(self, story: int) -> Story:
        """A story from its rows' small columns (no signature or entity units read)."""
        rows = self.conn.execute(
            f"SELECT num, {tables.SITE}, t, copy_of, names FROM story_docs WHERE story = ? ORDER BY t IS NULL, t, num",
            (story,),
        ).fetchall()
        members = tuple(Member(hex_id(num), site, t, None if c is None else hex_id(c)) for num, site, t, c, _ in rows)
        numbers = [tables.name_numbers(joined) for *_, joined in rows]
        names_of = tables.name_texts(self.conn, {n for row in numbers for n in row})
        names = Counter(names_of[n] for row in numbers for n in row if n in names_of)
        times = [m.time for m in members if m.time is not None]
        return Story(
            id=hex_id(story), size=len(members), sources=len({m.site or "" for m in members}), members=members,
            names=tuple(name for name, _ in names.most_common(5)), first=min(times, default=None),
            last=max(times, default=None),
        )  # fmt: skip

    def fold(self, ids: Sequence[str]) -> list[StoryRow]:
        """One row per story of a list (see :func:`fold_rows`)."""
        return fold_rows(ids, *self.grouped_for(ids))

    def grouped_for(self, ids: Sequence[str]) -> tuple[Grouped, dict[int, set[str]]]:
        """What folding ``ids`` reads: a short list's own stories, or every grouped row (kept) for a long one."""
        return self._grouped_rows() if len(ids) > _SHORT_LIST else self._grouped_among(ids)

    def _grouped_among(self, ids: Sequence[str]) -> tuple[Grouped, dict[int, set[str]]]:
        return tables.grouped_among(self.conn, [int(i, 16) for i in ids])

    def latest(self) -> float | None:
        """The time of the newest grouped article."""
        return tables.latest(self.conn)

    def _grouped_rows(self) -> tuple[Grouped, dict[int, set[str]]]:
        """The articles of stories of two or more, and each story's outlets (kept until a change)."""
        stamp = (self._writes, int(self.conn.execute("PRAGMA data_version").fetchone()[0]))
        if self._grouped is None or self._grouped[0] != stamp:
            grouped = tables.grouped(self.conn)
            self._grouped = (stamp, grouped, _story_sites(grouped))
        return self._grouped[1], self._grouped[2]


def fold_rows(ids: Sequence[str], grouped: Grouped, sites: dict[int, set[str]]) -> list[StoryRow]:
    """One row per story of a list, at the place of its first article in ``ids``, from the grouped
    rows :meth:`StoryIndex.grouped_for` read (pure: the folding needs no lock on the index).

    The row shows the story's most complete original among the listed
    articles (the earliest of equals); the other listed articles of the
    story are folded under it.  Articles alone in their story stay rows.
    """
    ids = list(dict.fromkeys(ids))
    # One pass: each article alone is a row (its id); a story's row takes the place of
    # its first listed article (the story's number), and its listed articles gather.
    slots: list[str | int] = []
    listed: dict[int, list[int]] = {}
    id_of: dict[int, str] = {}
    found_row = grouped.get
    for article_id in ids:
        num = int(article_id, 16)
        found = found_row(num)
        if found is None:
            slots.append(article_id)
            continue
        id_of[num] = article_id
        members = listed.get(found[0])
        if members is None:
            listed[found[0]] = [num]
            slots.append(found[0])
        else:
            members.append(num)
    return [
        StoryRow(slot, None, (), 0)
        if isinstance(slot, str)
        else _folded_row(slot, listed[slot], grouped, sites[slot], id_of)
        for slot in slots
    ]


def _folded_row(story: int, members: list[int], grouped: Grouped, sites: set[str], id_of: dict[int, str]) -> StoryRow:
    def rank(num: int) -> tuple[bool, int, bool, float, int]:
        _story, copy_of, _site, size, t = grouped[num]
        return (copy_of is not None, -size, t is None, t or 0.0, num)

    shown = min(members, key=rank)
    others = tuple(id_of[num] for num in members if num != shown)
    listed = set(members)
    copies = tuple(id_of[n] for n in members if n != shown and grouped[n][1] in listed)
    return StoryRow(id_of[shown], hex_id(story), others, len(sites - {grouped[shown][2] or ""}), copies)
