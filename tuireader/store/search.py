"""Questions the derived index answers: the ids of a view, its counts, list rows,
the source pane's counts and the tags in use.

Every SQL statement that reads the index for the library lives here (writing
lives in :mod:`tuireader.store.index`).  A view or a search arrives as a
:class:`~tuireader.store.query.ParsedQuery`; the names of its ``entity:``
qualifiers arrive already resolved to entity keys, so the index needs no
extractor.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from msgspec import Struct

from ..text import fold, tone_key
from .index import SearchIndex
from .query import ParsedQuery, fts_match

EntityKeys = Mapping[str, Sequence[str]]


class SummaryRow(Struct, frozen=True):
    """What one row of the article list shows."""

    id: str
    title: str
    site: str | None
    published: str | None
    read: bool
    bookmarked: bool
    tags: tuple[str, ...]
    url: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "site": self.site,
            "url": self.url,
            "published": self.published,
            "read": self.read,
            "bookmarked": self.bookmarked,
            "tags": list(self.tags),
        }


class GroupCount(Struct, frozen=True):
    """Counts of the articles of one (site, source) pair."""

    site: str | None
    source: str | None
    total: int
    unread: int
    bookmarked: int
    bookmarked_unread: int


def looks_like_entity_key(value: str) -> bool:
    return value[:4] in ("PER:", "LOC:", "ORG:") or value.startswith("DATE:")


def _split_tags(joined: str) -> tuple[str, ...]:
    return tuple(tag for tag in joined.split("\x1f") if tag)


class _Qualifier(Struct, frozen=True):
    """One qualifier of a query: a condition on ``articles a``, or the articles a table of links names.

    ``linked`` is the table and condition of the links (tags, entities);
    ``negated`` keeps the articles it does not name.
    """

    sql: str
    params: tuple[Any, ...]
    linked: bool = False
    negated: bool = False
    by: str = "num"  # the column naming the article in the links: its number, or its full-text row

    @property
    def condition(self) -> str:
        if not self.linked:
            return self.sql
        return f"a.{self.by} {'NOT IN' if self.negated else 'IN'} (SELECT {self.by} FROM {self.sql})"


def _qualifiers(parsed: ParsedQuery, entity_keys: EntityKeys) -> list[_Qualifier]:
    """The conditions of a query's qualifiers (its words: see ``_text_match``)."""
    out: list[_Qualifier] = []
    flag_sql = {"unread": "a.read = 0", "read": "a.read = 1", "bookmarked": "a.bookmarked = 1"}
    out.extend(_Qualifier(flag_sql[flag], ()) for flag in parsed.flags)
    for tags, negated in ((parsed.tags, False), (parsed.not_tags, True)):
        for tag in tags:
            # Typed without any diacritics, a tag matches every spelling that folds to it.
            column, value = ("tag_f", fold(tag)) if tag.isascii() else ("tag_key", tone_key(tag))
            out.append(_Qualifier(f"article_tags WHERE {column} = ?", (value,), True, negated))
    for site in parsed.sites:
        out.append(_Qualifier("(lower(a.site) = lower(?) OR a.site LIKE ?)", (site, f"%{site}%")))
    for source in parsed.sources:
        out.append(_Qualifier("a.source = ?", (source,)))
    for story in parsed.stories:  # story_docs has no full-text column: a plain condition, not a link table
        out.append(_Qualifier("a.num IN (SELECT num FROM story_docs WHERE story = ?)", (story,)))
    for name in parsed.entities:
        keys = list(entity_keys.get(name, ()))
        placeholders = ",".join("?" * len(keys)) or "NULL"
        plain = fold(name.split(":", 1)[1] if looks_like_entity_key(name) else name).strip()
        # A full name, or a short one the text used for it ("Blinken" for "Antony Blinken").
        sql = (
            "article_entities WHERE eid IN"
            f" (SELECT eid FROM entities WHERE key IN ({placeholders}) OR name_f = ? OR last_f = ?)"
        )
        out.append(_Qualifier(sql, (*keys, plain, plain), True, by="fts"))
    if parsed.before:
        out.append(_Qualifier("substr(a.sort_key, 1, 10) < ?", (parsed.before,)))
    if parsed.after:
        out.append(_Qualifier("substr(a.sort_key, 1, 10) >= ?", (parsed.after,)))
    return out


def _conditions(parsed: ParsedQuery, entity_keys: EntityKeys) -> tuple[list[str], list[Any]]:
    """SQL conditions on ``articles a`` for a query's qualifiers, and their parameters."""
    qualifiers = _qualifiers(parsed, entity_keys)
    return [q.condition for q in qualifiers], [value for q in qualifiers for value in q.params]


def _text_match(parsed: ParsedQuery) -> str | None:
    """The full-text expression for a query's words: every one, in the title,
    the text, the tags or the entity names; the last word typed may still be
    incomplete, so it matches as a prefix."""
    match = fts_match(parsed.terms)
    if match is not None and parsed.terms[-1] in parsed.words:
        head, _, tail = match.rpartition('"')
        match = f'{head}"*{tail}' if head else match
    return match


def query_ids(index: SearchIndex, parsed: ParsedQuery, entity_keys: EntityKeys, limit: int | None) -> list[str]:
    """Article ids of a view or search, in display order.

    Newest first; a search puts exact matches of what was typed first, then
    title matches (each group newest first).  A full-text syntax corner case
    gives no articles rather than an error.
    """
    match = _text_match(parsed)
    where, params = _conditions(parsed, entity_keys)
    clause = " WHERE " + " AND ".join(where) if where else ""
    try:
        if limit and match is not None:
            return [f"{num:012x}" for num in _ranked_page(index, parsed, match, where, params, int(limit))]
        if limit or (match is None and where and not index.order_loaded):
            # A page, or a view with qualifiers before the order is kept: SQLite sorts it.  (The
            # whole library's list reads the order, and keeps it.)  The rowid keeps the scan on the index.
            sql = "SELECT a.num FROM articles a" + clause + " ORDER BY a.sort_key DESC, a.num DESC"
            rows = index.db.execute(sql + (f" LIMIT {int(limit)}" if limit else ""), params).fetchall()
            return [f"{num:012x}" for (num,) in rows]
        return _ordered_ids(index, parsed, match, _qualifiers(parsed, entity_keys))
    except sqlite3.OperationalError:
        return []


def _ordered_ids(index: SearchIndex, parsed: ParsedQuery, match: str | None, qualifiers: list[_Qualifier]) -> list[str]:
    """Every article of a view or search, in rank order, by the index's kept display order.

    Each part of the query (the words, the qualifiers, each rank question)
    gives a list of full-text rows; a few hits are sorted by their place in
    the order, many are picked out of it in one pass (see ``ids_in_groups``).
    """
    if match is None and not qualifiers:
        return index.all_ids()
    parts = _parts(index, match, qualifiers)
    ranks = [index.matching_rows(table, question) for table, question in _rank_questions(parsed)] if match else []
    wanted = [rows for rows, negated in parts if not negated]
    if wanted and min(map(len, wanted)) * 64 <= index.order_size():
        return _few_ids(index, parts, ranks)
    # Bits of a row's code: one per part (the words, the qualifiers), then one per rank question.
    members = [(rows, 1 << bit) for bit, rows in enumerate([*(rows for rows, _ in parts), *ranks])]
    mask = (1 << len(members)) - 1
    base = sum(1 << bit for bit, (_rows, negated) in enumerate(parts) if not negated)
    groups = []
    for group in range(1 << len(ranks)):  # in each rank question first, then not (as in ``_rank``)
        inside = [place for place in range(len(ranks)) if not group >> (len(ranks) - 1 - place) & 1]
        groups.append((mask, base + sum(1 << (len(parts) + place) for place in inside)))
    return index.ids_in_groups(members, groups)


def _params(qualifiers: list[_Qualifier]) -> tuple[Any, ...]:
    return tuple(value for q in qualifiers for value in q.params)


def _parts(index: SearchIndex, match: str | None, qualifiers: list[_Qualifier]) -> list[tuple[list[int], bool]]:
    """(full-text rows, negated) for the words and for the qualifiers.

    A tag or an entity alone is read from its table of links, which holds each
    article's full-text row (a look-up of each article would cost more);
    several qualifiers are one question, which SQLite answers by the most
    selective.
    """
    parts = [(index.matching_rows("fold_fts", match), False)] if match else []
    if len(qualifiers) == 1 and qualifiers[0].linked:
        only = qualifiers[0]
        parts.append((index.integers(f"SELECT group_concat(fts) FROM {only.sql}", only.params), only.negated))
    elif qualifiers:
        sql = "SELECT group_concat(a.fts) FROM articles a WHERE " + " AND ".join(q.condition for q in qualifiers)
        parts.append((index.integers(sql, _params(qualifiers)), False))
    return parts


def _few_ids(index: SearchIndex, parts: list[tuple[list[int], bool]], ranks: list[list[int]]) -> list[str]:
    """:func:`_ordered_ids` for few hits: sets, sorted by place in the order."""
    wanted = sorted((rows for rows, negated in parts if not negated), key=len)
    hits = set(wanted[0]).intersection(*wanted[1:])
    for rows, negated in parts:
        if negated:
            hits.difference_update(rows)
    return index.ids_of(_rank(index, [hits.intersection(rows) for rows in ranks], index.in_display_order(hits)))


def _rank_questions(parsed: ParsedQuery) -> list[tuple[str, str]]:
    """The full-text questions that rank a search's hits, best group first."""
    # Typed without diacritics, an exact match is a folded one: skip the costly passes.
    typed_plain = all(fold(t) == t.casefold() for t in parsed.terms)
    questions = [
        ("title_fts", None if typed_plain else fts_match(parsed.terms, "title_t", folded=False)),
        ("exact_fts", None if typed_plain else fts_match(parsed.terms, folded=False, phrases=False, marked=True)),
        ("title_fts", fts_match(parsed.terms, "title_f")),
    ]
    return [(table, match) for table, match in questions if match]


def _ranked_page(
    index: SearchIndex, parsed: ParsedQuery, match: str, where: list[str], params: list[Any], limit: int
) -> list[int]:
    """The first ``limit`` hits in rank order, asked of SQLite group by group, newest first.

    The same order as :func:`_rank` over the display order, for a command
    that asks once and exits: each group walks the display-order index and
    stops at the page's end, so no hit is sorted and no order is kept.
    """
    questions = _rank_questions(parsed)
    found: list[int] = []
    for group in range(1 << len(questions)):
        conditions = ["a.fts IN (SELECT rowid FROM fold_fts WHERE fold_fts MATCH ?)", *where]
        args: list[Any] = [match, *params]
        for place, (table, question) in enumerate(questions):
            outside = group >> (len(questions) - 1 - place) & 1
            conditions.append(
                f"a.fts {'NOT IN' if outside else 'IN'} (SELECT rowid FROM {table} WHERE {table} MATCH ?)"
            )
            args.append(question)
        sql = (
            "SELECT a.num FROM articles a INDEXED BY articles_order WHERE " + " AND ".join(conditions)
            + f" ORDER BY a.sort_key DESC, a.num DESC LIMIT {limit - len(found)}"
        )  # fmt: skip
        found.extend(row[0] for row in index.db.execute(sql, args))
        if len(found) >= limit:
            break
    return found


def _rank(index: SearchIndex, sets: list[set[int]], nums: list[int]) -> list[int]:
    """Stable partition of date-ordered hits into rank groups: in the first set or not, then the second..."""
    if not sets or not nums:
        return nums
    first, rest = sets[0], sets[1:]
    inside = [num for num in nums if num in first]
    outside = [num for num in nums if num not in first]
    return _rank(index, rest, inside) + _rank(index, rest, outside)


def count(index: SearchIndex, parsed: ParsedQuery, entity_keys: EntityKeys) -> tuple[int, int]:
    """(unread, total) of a view or search."""
    match = _text_match(parsed)
    where, params = _conditions(parsed, entity_keys)
    try:
        if match is not None and not where:
            # Only words: count the hits the list just found (the index keeps them).
            return index.count_among(index.matching("fold_fts", match))
        if match is not None:
            where.append("a.fts IN (SELECT rowid FROM fold_fts WHERE fold_fts MATCH ?)")
            params.append(match)
        sql = "SELECT count(*), coalesce(sum(1 - a.read), 0) FROM articles a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        total, unread = index.db.execute(sql, params).fetchone()
    except sqlite3.OperationalError:
        return 0, 0
    return int(unread), int(total)


def summary_rows(index: SearchIndex, ids: Sequence[str]) -> list[SummaryRow]:
    """List rows for ``ids``, in the same order (unknown ids are skipped)."""
    rows: dict[str, SummaryRow] = {}
    for start in range(0, len(ids), 500):
        chunk = [int(i, 16) for i in ids[start : start + 500]]
        placeholders = ",".join("?" * len(chunk))
        for num, title, site, published, read, bookmarked, tags, url in index.db.execute(
            "SELECT num, title, site, published, read, bookmarked, tags, url FROM articles"
            f" WHERE num IN ({placeholders})",
            chunk,
        ):
            art_id = f"{num:012x}"
            rows[art_id] = SummaryRow(
                art_id, title, site, published, bool(read), bool(bookmarked), _split_tags(tags), url
            )
    return [rows[i] for i in ids if i in rows]


def summary_pages(
    index: SearchIndex, parsed: ParsedQuery, entity_keys: EntityKeys, limit: int | None, size: int = 500
) -> Iterator[list[SummaryRow]]:
    """List rows of a view without words (its qualifiers only), in display order, ``size`` at a time."""
    where, params = _conditions(parsed, entity_keys)
    sql = (
        "SELECT a.num, a.title, a.site, a.published, a.read, a.bookmarked, a.tags, a.url FROM articles a"
        + (" WHERE " + " AND ".join(where) if where else "")
        + " ORDER BY a.sort_key DESC, a.num DESC"
        + (f" LIMIT {int(limit)}" if limit else "")
    )
    cursor = index.db.execute(sql, params)
    while True:
        rows = cursor.fetchmany(size)
        if not rows:
            return
        yield [
            SummaryRow(f"{num:012x}", title, site, published, bool(read), bool(marked), _split_tags(tags), url)
            for num, title, site, published, read, marked, tags, url in rows
        ]


def ids_with_prefix(index: SearchIndex, prefix: str, limit: int = 2) -> list[str]:
    """Stored ids that start with ``prefix`` (at most ``limit``)."""
    if not prefix or len(prefix) > 12 or any(c not in "0123456789abcdef" for c in prefix):
        return []
    shift = 4 * (12 - len(prefix))
    low = int(prefix, 16) << shift
    rows = index.db.execute(
        "SELECT num FROM articles WHERE num BETWEEN ? AND ? ORDER BY num LIMIT ?", (low, low + (1 << shift) - 1, limit)
    )
    return [f"{row[0]:012x}" for row in rows]


def group_counts(index: SearchIndex) -> list[GroupCount]:
    """Counts per (site, source): one pass gives the library's, the feeds' and the sites'."""
    rows = index.db.execute(
        "SELECT site, source, total, unread, marked, marked_unread FROM site_counts WHERE total > 0"
    )
    return [GroupCount(site, source, int(t), int(u), int(b), int(bu)) for site, source, t, u, b, bu in rows]


def tag_counts(index: SearchIndex) -> list[tuple[str, int, int]]:
    """(tag, unread, total) for every tag in use, in alphabetical order of its key."""
    rows = index.db.execute("SELECT tag, unread, total FROM tag_totals WHERE total > 0 ORDER BY tag_key")
    return [(tag, int(unread), int(total)) for tag, unread, total in rows]


def tags_by_use(index: SearchIndex) -> list[tuple[str, int]]:
    """(tag, articles) for every tag in use, the most used first."""
    rows = index.db.execute(
        "SELECT min(tag), count(*) FROM article_tags GROUP BY tag_key ORDER BY count(*) DESC, tag_key"
    )
    return [(tag, int(total)) for tag, total in rows]


def tag_spellings(index: SearchIndex, keys: Sequence[str]) -> dict[str, str]:
    """The spelling in use (the first, alphabetically) of each tag key that is in use.

    One index seek per key and read state (``article_tags_counts`` is ordered
    by key, read, spelling), however many articles carry the tag.
    """
    spellings: dict[str, str] = {}
    for key in keys:
        found = [
            index.db.execute(
                "SELECT min(tag) FROM article_tags WHERE tag_key = ? AND read = ?", (key, read)
            ).fetchone()[0]
            for read in (0, 1)
        ]
        if in_use := [tag for tag in found if tag is not None]:
            spellings[key] = min(in_use)
    return spellings


def ids_with_other_extractor(index: SearchIndex, version: str) -> list[str]:
    """Articles whose entities were found by another extractor version."""
    rows = index.db.execute("SELECT num FROM articles WHERE extractor IS NULL OR extractor != ?", (version,))
    return [f"{row[0]:012x}" for row in rows]


def shard_rows(index: SearchIndex, bounds: tuple[int, int]) -> dict[str, dict[str, Any]]:
    """What the index knows of the articles in a range of rowids, as article metadata."""
    rows = index.db.execute(
        "SELECT num, title, site, source, published, sort_key, read, bookmarked, tags, url, extractor"
        " FROM articles WHERE num BETWEEN ? AND ?",
        bounds,
    )
    out: dict[str, dict[str, Any]] = {}
    for num, title, site, source, published, sort_key, read, marked, tags, url, extractor in rows:
        art_id = f"{num:012x}"
        out[art_id] = {
            "id": art_id,
            "title": title,
            "site": site,
            "source": source,
            "published": published,
            "added": sort_key,
            "url": url,
            "extractor": extractor,
            "read": bool(read),
            "bookmarked": bool(marked),
            "tags": list(_split_tags(tags)),
        }
    return out


def entity_rows(index: SearchIndex, bounds: tuple[int, int]) -> dict[str, list[dict[str, Any]]]:
    """The entities (key, type, name) the index links to each article of a range of rowids."""
    linked = index.db.execute("SELECT num, eids FROM articles WHERE num BETWEEN ? AND ? AND eids != ''", bounds)
    eids = {num: [int(e) for e in joined.split()] for num, joined in linked}
    known: dict[int, tuple[str, str, str]] = {}
    wanted = sorted({e for nums in eids.values() for e in nums})
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        sql = f"SELECT eid, key, type, name FROM entities WHERE eid IN ({','.join('?' * len(chunk))})"
        known.update((eid, (key, etype, name)) for eid, key, etype, name in index.db.execute(sql, chunk))
    out: dict[str, list[dict[str, Any]]] = {}
    for num, nums in eids.items():
        for key, etype, name in (known[e] for e in nums if e in known):
            out.setdefault(f"{num:012x}", []).append({"key": key, "type": etype, "text": name, "count": 0})
    return out
