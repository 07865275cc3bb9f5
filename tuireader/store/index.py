"""The derived SQLite index: list order, counts, filters and full-text search.

Everything here can be rebuilt from the library's files, which stay the store
of record.  The index keeps, per shard, the stamp (mtime and size) of the shard
file it last indexed, so a shard changed behind its back (a crash between the
TinyDB write and the index update, another process) is re-indexed at open.
Text is indexed twice: folded (no diacritics, the search key) and with tone
marks unified (for ranking exact matches first).
"""

from __future__ import annotations

import operator
import re
import sqlite3
from collections.abc import Callable, Iterable, Mapping, Sequence
from itertools import compress
from pathlib import Path

import orjson
from msgspec import Struct

from ..stories.tables import DROPPED as OLD_STORY_TABLES
from ..stories.tables import TABLES as STORY_TABLES
from ..text import fold, tone_key

_WORD = re.compile(r"\w+")

INDEX_VERSION = 15

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS shard_state (shard TEXT PRIMARY KEY, stamp TEXT);
CREATE TABLE IF NOT EXISTS articles (
    num INTEGER PRIMARY KEY,
    fts INTEGER NOT NULL,
    title TEXT NOT NULL,
    site TEXT,
    source TEXT,
    published TEXT,
    sort_key TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    bookmarked INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '',
    url TEXT,
    url_key INTEGER,
    hash_key INTEGER,
    extractor TEXT,
    eids TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS articles_order ON articles (sort_key DESC, num DESC, fts);
CREATE UNIQUE INDEX IF NOT EXISTS articles_fts ON articles (fts);
CREATE INDEX IF NOT EXISTS articles_counts ON articles (site, source, read, bookmarked, fts);
CREATE INDEX IF NOT EXISTS articles_hash ON articles (hash_key);
CREATE INDEX IF NOT EXISTS articles_url ON articles (url_key);
CREATE TABLE IF NOT EXISTS article_tags (
    num INTEGER NOT NULL, tag_key TEXT NOT NULL, tag_f TEXT NOT NULL, tag TEXT NOT NULL, read INTEGER NOT NULL,
    fts INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS article_tags_key ON article_tags (tag_key, num);
CREATE INDEX IF NOT EXISTS article_tags_counts ON article_tags (tag_key, read, tag);
CREATE INDEX IF NOT EXISTS article_tags_folded ON article_tags (tag_f, num);
CREATE INDEX IF NOT EXISTS article_tags_num ON article_tags (num);
CREATE TABLE IF NOT EXISTS entities (
    eid INTEGER PRIMARY KEY, key TEXT UNIQUE NOT NULL, type TEXT NOT NULL, name TEXT NOT NULL,
    name_f TEXT NOT NULL, last_f TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entities_name ON entities (name_f);
CREATE INDEX IF NOT EXISTS entities_last ON entities (last_f);
CREATE TABLE IF NOT EXISTS article_entities (
    eid INTEGER NOT NULL, fts INTEGER NOT NULL, PRIMARY KEY (eid, fts)
) WITHOUT ROWID;
"""

# Counts of the source pane, kept by triggers as articles come, go and change
# state: reading them costs nothing, where counting 200,000 rows cost 40 ms.
_COUNTS = """
CREATE TABLE IF NOT EXISTS site_counts (
    site_k TEXT NOT NULL, source_k TEXT NOT NULL, site TEXT, source TEXT,
    total INTEGER NOT NULL, unread INTEGER NOT NULL, marked INTEGER NOT NULL, marked_unread INTEGER NOT NULL,
    PRIMARY KEY (site_k, source_k)
);
CREATE TABLE IF NOT EXISTS tag_totals (
    tag_key TEXT PRIMARY KEY, tag TEXT NOT NULL, total INTEGER NOT NULL, unread INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS site_counts_add AFTER INSERT ON articles BEGIN
    INSERT INTO site_counts VALUES (ifnull(NEW.site, char(0)), ifnull(NEW.source, char(0)), NEW.site, NEW.source,
        1, 1 - NEW.read, NEW.bookmarked, NEW.bookmarked * (1 - NEW.read))
    ON CONFLICT (site_k, source_k) DO UPDATE SET total = total + 1, unread = unread + excluded.unread,
        marked = marked + excluded.marked, marked_unread = marked_unread + excluded.marked_unread;
END;
CREATE TRIGGER IF NOT EXISTS site_counts_remove AFTER DELETE ON articles BEGIN
    UPDATE site_counts SET total = total - 1, unread = unread - (1 - OLD.read), marked = marked - OLD.bookmarked,
        marked_unread = marked_unread - OLD.bookmarked * (1 - OLD.read)
    WHERE site_k = ifnull(OLD.site, char(0)) AND source_k = ifnull(OLD.source, char(0));
END;
CREATE TRIGGER IF NOT EXISTS site_counts_change AFTER UPDATE OF read, bookmarked ON articles BEGIN
    UPDATE site_counts SET unread = unread + OLD.read - NEW.read, marked = marked + NEW.bookmarked - OLD.bookmarked,
        marked_unread = marked_unread + NEW.bookmarked * (1 - NEW.read) - OLD.bookmarked * (1 - OLD.read)
    WHERE site_k = ifnull(OLD.site, char(0)) AND source_k = ifnull(OLD.source, char(0));
END;
CREATE TRIGGER IF NOT EXISTS tag_totals_add AFTER INSERT ON article_tags BEGIN
    INSERT INTO tag_totals VALUES (NEW.tag_key, NEW.tag, 1, 1 - NEW.read)
    ON CONFLICT (tag_key) DO UPDATE SET total = total + 1, unread = unread + excluded.unread,
        tag = min(tag, excluded.tag);
END;
CREATE TRIGGER IF NOT EXISTS tag_totals_remove AFTER DELETE ON article_tags BEGIN
    UPDATE tag_totals SET total = total - 1, unread = unread - (1 - OLD.read) WHERE tag_key = OLD.tag_key;
END;
CREATE TRIGGER IF NOT EXISTS tag_totals_change AFTER UPDATE OF read ON article_tags BEGIN
    UPDATE tag_totals SET unread = unread + OLD.read - NEW.read WHERE tag_key = OLD.tag_key;
END;
"""
_FILL_COUNTS = """
DELETE FROM site_counts; DELETE FROM tag_totals;
INSERT INTO site_counts SELECT ifnull(site, char(0)), ifnull(source, char(0)), site, source, count(*),
    total(1 - read), total(bookmarked), total(bookmarked * (1 - read)) FROM articles GROUP BY site, source;
INSERT INTO tag_totals SELECT tag_key, min(tag), count(*), total(1 - read) FROM article_tags GROUP BY tag_key;
"""

# Version 14: the links of tags and entities carry their article's full-text row, so a search
# picks a tag's or an entity's articles without a look-up of each; the counts index covers the
# flags and sites a search filters on.  One transaction: an upgrade cut short is done again.
_LINKED_ROWS = """
BEGIN;
ALTER TABLE article_entities ADD COLUMN fts INTEGER NOT NULL DEFAULT 0;
UPDATE article_entities SET fts = ifnull((SELECT fts FROM articles a WHERE a.num = article_entities.num), 0);
ALTER TABLE article_tags ADD COLUMN fts INTEGER NOT NULL DEFAULT 0;
UPDATE article_tags SET fts = ifnull((SELECT fts FROM articles a WHERE a.num = article_tags.num), 0);
DROP INDEX IF EXISTS articles_counts;
CREATE INDEX articles_counts ON articles (site, source, read, bookmarked, fts);
INSERT OR REPLACE INTO info (key, value) VALUES ('index_version', '14');
COMMIT;
"""

# Version 15: the links of entities name their articles by full-text row alone (the article's
# 48-bit number was a third of the table; an article's entities are in its ``eids``).
_LINKS_BY_ROW = """
BEGIN;
CREATE TABLE article_entities_by_row (
    eid INTEGER NOT NULL, fts INTEGER NOT NULL, PRIMARY KEY (eid, fts)
) WITHOUT ROWID;
INSERT OR IGNORE INTO article_entities_by_row SELECT eid, fts FROM article_entities;
DROP TABLE article_entities;
ALTER TABLE article_entities_by_row RENAME TO article_entities;
INSERT OR REPLACE INTO info (key, value) VALUES ('index_version', '15');
COMMIT;
"""

# Older versions brought up to date in place, one step each (others are rebuilt).
_UPGRADES = {
    "10": "DROP INDEX IF EXISTS articles_order;"
    " CREATE INDEX articles_order ON articles (sort_key DESC, num DESC, fts);",
    "11": _COUNTS + _FILL_COUNTS,
    "13": _LINKED_ROWS,
    "14": _LINKS_BY_ROW,
}

# The full-text tables, contentless (they keep no copy of the text) and
# without column sizes (no query ranks by bm25).  Columns ending in _f hold
# folded text (no diacritics), _t tone-keyed text (as typed, tone marks
# placed one way).  One table per question a search asks, so no query needs a
# column filter over the large body position lists.  The words as typed are
# only asked for ranking, so that table keeps no positions (``detail=none``):
# a phrase typed with its tone marks ranks first when its words all appear
# as typed and the phrase itself matches folded.  That table holds only the
# words that have diacritics: a word without any is the same folded.
#
# Full-text rows are numbered densely (``articles.fts``), not by the article's
# 48-bit number: the gaps between row numbers are what the index stores for
# every word of every article, and small gaps take a byte where large ones
# take five.
FTS_TABLES: dict[str, tuple[str, ...]] = {
    "fold_fts": ("title_f", "body_f", "extra_f"),  # which articles match, accents ignored
    "exact_fts": ("title_x", "body_x"),  # ranking: the words with diacritics as typed, anywhere
    "title_fts": ("title_f", "title_t"),  # ranking: title matches (small, so cheap to ask)
}
_FTS_DETAIL = {"exact_fts": ", detail=none"}
_FTS_SCHEMA = "".join(
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5 ({', '.join(columns)},"
    f" content='', columnsize=0{_FTS_DETAIL.get(table, '')}, tokenize='unicode61 remove_diacritics 0');\n"
    for table, columns in FTS_TABLES.items()
)
_FTS_INSERT = {
    table: f"INSERT INTO {table} (rowid, {', '.join(columns)}) VALUES (?{', ?' * len(columns)})"
    for table, columns in FTS_TABLES.items()
}
_FTS_DELETE = {
    table: f"INSERT INTO {table} ({table}, rowid, {', '.join(columns)}) VALUES ('delete', ?{', ?' * len(columns)})"
    for table, columns in FTS_TABLES.items()
}


_first, _second = operator.itemgetter(0), operator.itemgetter(1)


def key_of(text: str | None) -> int | None:
    """A 63-bit number standing for a URL or a content hash (indexed instead of the text)."""
    if not text:
        return None
    import hashlib

    return int.from_bytes(hashlib.sha1(text.encode("utf-8")).digest()[:8], "big") >> 1


class IndexRow(Struct, frozen=True):
    """What the index needs to know about one article."""

    id: str
    title: str
    site: str | None
    source: str | None
    published: str | None
    added: str
    read: bool
    bookmarked: bool
    tags: Sequence[str]
    entities: Sequence[tuple[str, str, str]]  # (key, type, canonical name)
    body: str
    content_hash: str | None
    url: str | None
    extractor: str | None = None
    text_values: dict[str, str] | None = None  # the title and body columns, when folded already (see text_values)

    @property
    def num(self) -> int:
        return int(self.id, 16)


def sort_time(value: str | None) -> str | None:
    """An ISO 8601 time as UTC ``YYYY-MM-DDTHH:MM:SSZ`` (a date alone: its midnight), else None.

    The list sorts on it, so times given with different offsets compare by
    the moment they name, and a date the feed wrote in another form counts as
    no date (the article sorts by when it was added).
    """
    if not value:
        return None
    from datetime import UTC, datetime

    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def shard_bounds(shard: str) -> tuple[int, int]:
    """The rowid range of a shard: ids are 12 hex digits and start with their shard's two."""
    low = int(shard, 16) << 40
    return low, low + (1 << 40) - 1


def _last_word(folded: str) -> str:
    """The short form a text uses for a full name: "Blinken" for "Antony Blinken"."""
    words = folded.split()
    return words[-1] if len(words) > 1 else ""


def _extra(tags: Iterable[str], names: Iterable[str]) -> str:
    return fold(" \n ".join([*tags, *names]))


def _fts_values(
    title: str, body: str, tags: Iterable[str], names: Iterable[str], columns: Iterable[str] | None = None
) -> dict[str, str]:
    """The full-text columns (all, or those named): title, body and tags+entity names, folded and tone-keyed."""
    makers = {
        "title_f": lambda: fold(title),
        "body_f": lambda: fold(body),
        "extra_f": lambda: _extra(tags, names),
        "title_t": lambda: tone_key(title),
        "title_x": lambda: marked_words(tone_key(title)),
        "body_x": lambda: marked_words(tone_key(body)),
    }
    return {column: makers[column]() for column in (columns or makers)}


BODY_COLUMNS = ("body_f", "body_x")


def body_values(body: str) -> dict[str, str]:
    """The full-text columns of a body alone: what a refresh's workers fold, before the title is known."""
    return _fts_values("", body, (), (), BODY_COLUMNS)


def text_values(title: str, body: str, folded_body: Mapping[str, str] | None = None) -> dict[str, str]:
    """The full-text columns of a title and a body: the costly part of indexing, done where the text is
    cleaned (an import's worker processes) so the writer only stores them.  ``folded_body`` is the
    body's share, computed ahead by :func:`body_values`."""
    if folded_body is None:
        return _fts_values(title, body, (), (), ("title_f", "body_f", "title_t", "title_x", "body_x"))
    return {**_fts_values(title, "", (), (), ("title_f", "title_t", "title_x")), **folded_body}


def marked_words(text: str) -> str:
    """The words of ``text`` that carry diacritics (the others are the same folded)."""
    return " ".join(word for word in _WORD.findall(text) if not word.isascii())


class IndexDamaged(Exception):
    """The index file cannot be used: set it aside and build it again."""


class SearchIndex:
    """A SQLite database derived from the library's files.

    It runs in rollback-journal mode: a reader needs no file of its own and
    no free space, and no write-ahead log grows beside the database.
    """

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        try:
            self.db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        except sqlite3.Error as exc:
            raise IndexDamaged(str(exc)) from None
        # What searches keep between calls, valid while the stamp holds: SQLite's
        # data_version (changes by other connections) and our own change count.
        self._generation = 0  # bumped whenever articles or their indexed text change
        self.rows_written = 0  # articles (and story rows) written since open: see compact
        self._stamp: tuple[int, int] | None = None
        self._order: list[int] = []  # full-text rows in display order
        self._ids: list[str] = []  # article ids, in the same order
        self._top = 0  # the largest full-text row of the order
        self._positions: dict[int, int] = {}  # full-text row -> place in the order (built when asked)
        self._known: set[int] | None = None
        self._matches: dict[tuple[str, str], list[int]] = {}
        self._match_sets: dict[tuple[str, str], set[int]] = {}
        self._unread: set[int] | None = None
        self.rebuilt: str | None = None  # why the index starts empty, when it does
        try:
            self._prepare()
        except IndexDamaged:
            self.db.close()
            raise
        except sqlite3.DatabaseError as exc:
            self.db.close()
            raise IndexDamaged(str(exc)) from None

    def _prepare(self) -> None:
        self.db.execute("PRAGMA busy_timeout = 5000")
        # A 32 MB page cache; no memory map, whose touched pages would count
        # against the reader's memory on a large library.
        self.db.execute("PRAGMA cache_size = -32768")
        self._check_file()
        if self.read_only:
            # A reader cannot upgrade the index, and this version's questions need its layout.
            if self.info_or_none("index_version") not in (str(INDEX_VERSION), None):
                raise IndexDamaged("it was made by another version of tuireader")
            return
        # The index is derived: losing its last transaction costs a re-index, never data.
        self.db.execute("PRAGMA synchronous = OFF")
        if self.db.execute("PRAGMA journal_mode").fetchone()[0] != "delete":
            self.db.execute("PRAGMA journal_mode = DELETE")  # an index of an older version used a WAL
        version = self.info_or_none("index_version")
        while version in _UPGRADES:
            self.db.executescript(_UPGRADES[version])
            version = str(int(version) + 1)
            self.set_info("index_version", version)
        if version != str(INDEX_VERSION):
            self.rebuilt = "empty or missing" if version is None else "of an older tuireader"
            self.reset()  # before any statement of this version's layout: an older one lacks its columns

    def _check_file(self) -> None:
        """Fail now, not at some later query, on a file that is not a whole database."""
        pages = self.db.execute("PRAGMA page_count").fetchone()[0]
        page_size = self.db.execute("PRAGMA page_size").fetchone()[0]
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            size = 0
        if size < pages * page_size:
            raise IndexDamaged(f"the file is cut short ({size} of {pages * page_size} bytes)")
        self.db.execute("SELECT count(*) FROM sqlite_master").fetchone()

    # --- bookkeeping -------------------------------------------------------
    def info_or_none(self, key: str) -> str | None:
        try:
            return self.info(key)
        except sqlite3.OperationalError:  # no info table yet
            return None

    def info(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_info(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO info (key, value) VALUES (?, ?)", (key, value))

    def data_version(self) -> int:
        """Changes whenever another connection (another tuireader) committed a change."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

    def note_write(self) -> None:
        """Record that the library changed, so other readers' :meth:`data_version` moves."""
        with self.transaction():
            self.db.execute(
                "INSERT INTO info (key, value) VALUES ('writes', '1')"
                " ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
            )

    def reset(self) -> None:
        """Drop everything; the caller re-indexes from the library's files."""
        old = ["text_fts", "extra_fts", "text_indexed", *FTS_TABLES]
        tables = ["articles", "article_tags", "article_entities", "entities", "shard_state", *old]
        tables += [
            "site_counts",
            "tag_totals",
            *STORY_TABLES,
            *OLD_STORY_TABLES,
        ]  # grouping starts over: a rebuild is due
        self.db.executescript("".join(f"DROP TABLE IF EXISTS {table};" for table in tables))
        try:
            self.db.execute("VACUUM")  # give the dropped tables' pages back to the disk
        except sqlite3.OperationalError:  # another instance is reading: the space is reused later
            pass
        self.db.executescript(_SCHEMA + _FTS_SCHEMA + _COUNTS)
        self._generation += 1
        self.set_info("index_version", str(INDEX_VERSION))

    def optimize(self) -> None:
        """Merge the full-text tables' segments (after indexing many articles at once)."""
        for table in FTS_TABLES:
            self.db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")

    @property
    def compact_due(self) -> bool:
        """Whether this session wrote enough rows for :meth:`compact` to pack the file."""
        return not self.read_only and self.rows_written >= max(1000, self.count() // 10)

    def compact(self) -> bool:
        """Write the file again packed, when this session wrote many rows; True when it did.

        Rows come in the random order of their ids, so the pages they fill are
        about two thirds full; VACUUM packs them (a twentieth of the file, the
        cost of reading and writing it once: after an import or a rebuild only).
        """
        if not self.compact_due:
            return False
        try:
            self.db.execute("VACUUM")
        except sqlite3.OperationalError:  # another instance is reading, or no room for the copy: later
            return False
        self.rows_written = 0
        return True

    def shard_stamps(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT shard, stamp FROM shard_state"))

    def close(self) -> None:
        self.db.close()

    # --- writing -----------------------------------------------------------
    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def _write_fts(
        self, fts: int, values: dict[str, str], *, delete: bool = False, tables: Sequence[str] = tuple(FTS_TABLES)
    ) -> None:
        self._generation += 1
        statements = _FTS_DELETE if delete else _FTS_INSERT
        for table in tables:
            self.db.execute(statements[table], (fts, *(values[column] for column in FTS_TABLES[table])))

    def _next_fts(self) -> int:
        return int(self.db.execute("SELECT coalesce(max(fts), 0) + 1 FROM articles").fetchone()[0])

    def _names(self, eids: str) -> list[str]:
        """Entity names of a stored ``eids`` list, in its order."""
        nums = [int(e) for e in eids.split()]
        if not nums:
            return []
        placeholders = ",".join("?" * len(nums))
        names = dict(self.db.execute(f"SELECT eid, name FROM entities WHERE eid IN ({placeholders})", nums))
        return [names[e] for e in nums if e in names]

    def _indexed_values(
        self, num: int, body: str, tables: Sequence[str] = tuple(FTS_TABLES)
    ) -> tuple[int, dict[str, str]] | None:
        """The full-text row of ``num`` and what ``tables`` hold for it (its body is not stored: given)."""
        row = self.db.execute("SELECT title, tags, eids, fts FROM articles WHERE num = ?", (num,)).fetchone()
        if row is None:
            return None
        tags = [t for t in row[1].split("\x1f") if t]
        columns = {column for table in tables for column in FTS_TABLES[table]}
        return row[3], _fts_values(row[0], body, tags, self._names(row[2]), columns)

    def _forget(self, num: int, body: str | None) -> None:
        """Remove an article from every table.

        The full-text tables are contentless (they keep no copy of the text),
        so they forget a row only when given the values they indexed: rebuilt
        here from the other tables and the body.  Without the body (its text
        was lost) the stale full-text row stays; queries join on ``articles``
        and never show it.
        """
        row = self.db.execute("SELECT eids, fts FROM articles WHERE num = ?", (num,)).fetchone()
        if row is None:
            return
        if body is not None:
            indexed = self._indexed_values(num, body)
            if indexed is not None:
                self._write_fts(*indexed, delete=True)
        self.db.execute("DELETE FROM articles WHERE num = ?", (num,))
        self._generation += 1
        self.db.execute("DELETE FROM article_tags WHERE num = ?", (num,))
        self._unlink_entities(row[1], row[0])

    def _unlink_entities(self, fts: int, eids: str) -> None:
        self.db.executemany(
            "DELETE FROM article_entities WHERE eid = ? AND fts = ?", [(int(e), fts) for e in eids.split()]
        )

    def upsert(self, rows: Iterable[IndexRow]) -> None:
        """Insert or replace articles (call inside :meth:`transaction`).

        An article's body never changes under the same id, so a replaced row
        is forgotten with the body it is indexed again with.
        """
        for row in rows:
            num = row.num
            self.rows_written += 1
            self._forget(num, row.body)
            eids = self._entity_ids(row.entities)
            fts = self._next_fts()
            self.db.execute(
                "INSERT INTO articles (num, fts, title, site, source, published, sort_key, read, bookmarked,"
                " tags, url, url_key, hash_key, extractor, eids) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    num,
                    fts,
                    row.title,
                    row.site,
                    row.source,
                    row.published,
                    sort_time(row.published) or sort_time(row.added) or row.added,
                    int(row.read),
                    int(row.bookmarked),
                    "\x1f".join(row.tags),
                    row.url,
                    key_of(row.url),
                    key_of(row.content_hash),
                    row.extractor,
                    " ".join(map(str, eids)),
                ),
            )
            self._write_tags(num, fts, row.tags, row.read)
            self._link_entities(fts, eids)
            names = self._names(" ".join(map(str, eids)))
            if row.text_values is not None:
                values = {**row.text_values, "extra_f": _extra(row.tags, names)}
            else:
                values = _fts_values(row.title, row.body, row.tags, names)
            self._write_fts(fts, values)

    def _write_tags(self, num: int, fts: int, tags: Sequence[str], read: bool) -> None:
        self.db.executemany(
            "INSERT INTO article_tags (num, tag_key, tag_f, tag, read, fts) VALUES (?,?,?,?,?,?)",
            [(num, tone_key(tag), fold(tag), tag, int(read), fts) for tag in tags],
        )

    def _entity_ids(self, entities: Sequence[tuple[str, str, str]]) -> list[int]:
        """The ids of these entities in the ``entities`` table (added when new), each once."""
        eids: list[int] = []
        for key, etype, name in entities:
            row = self.db.execute("SELECT eid FROM entities WHERE key = ?", (key,)).fetchone()
            if row is None:
                folded = fold(name)
                cursor = self.db.execute(
                    "INSERT INTO entities (key, type, name, name_f, last_f) VALUES (?,?,?,?,?)",
                    (key, etype, name, folded, _last_word(folded)),
                )
                row = (cursor.lastrowid,)
            if row[0] not in eids:
                eids.append(row[0])
        return eids

    def _link_entities(self, fts: int, eids: Sequence[int]) -> None:
        self.db.executemany("INSERT OR IGNORE INTO article_entities (eid, fts) VALUES (?, ?)", [(e, fts) for e in eids])

    def update_state(self, article_id: str, *, read: bool | None = None, bookmarked: bool | None = None) -> None:
        num = int(article_id, 16)
        if read is not None:
            self._unread = None
            self.db.execute("UPDATE articles SET read = ? WHERE num = ?", (int(read), num))
            self.db.execute("UPDATE article_tags SET read = ? WHERE num = ?", (int(read), num))
        if bookmarked is not None:
            self.db.execute("UPDATE articles SET bookmarked = ? WHERE num = ?", (int(bookmarked), num))

    def update_labels(
        self,
        article_id: str,
        tags: Sequence[str],
        entities: Sequence[tuple[str, str, str]] | None,
        body: str,
        extractor: str | None = None,
    ) -> None:
        """New tags or entities (None: keep them) for an article (its body is needed to re-index its text)."""
        num = int(article_id, 16)
        if extractor is not None:
            self.db.execute("UPDATE articles SET extractor = ? WHERE num = ?", (extractor, num))
        row = self.db.execute("SELECT title, read, eids, fts FROM articles WHERE num = ?", (num,)).fetchone()
        if row is None:
            return
        # Tags and entity names live in one column of one table: only that row is written again.
        indexed = self._indexed_values(num, body, tables=("fold_fts",))
        if indexed is not None:
            self._write_fts(*indexed, delete=True, tables=("fold_fts",))
        self.db.execute("DELETE FROM article_tags WHERE num = ?", (num,))
        self._write_tags(num, row[3], tags, bool(row[1]))
        if entities is None:
            joined = row[2]
        else:
            self._unlink_entities(row[3], row[2])
            eids = self._entity_ids(entities)
            self._link_entities(row[3], eids)
            joined = " ".join(map(str, eids))
        self.db.execute("UPDATE articles SET tags = ?, eids = ? WHERE num = ?", ("\x1f".join(tags), joined, num))
        if indexed is not None:
            fts, values = indexed
            values["extra_f"] = _extra(tags, self._names(joined))
            self._write_fts(fts, values, tables=("fold_fts",))

    def remove_shard(self, nums: Iterable[int], body_of: Callable[[int], str | None]) -> None:
        for num in nums:
            self._forget(num, body_of(num))

    def set_shard_stamp(self, shard: str, stamp: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO shard_state (shard, stamp) VALUES (?, ?)", (shard, stamp))

    # --- reading -----------------------------------------------------------
    def _check_kept(self) -> None:
        """Forget what searches kept if articles changed since (here or elsewhere)."""
        stamp = (self.data_version(), self._generation)
        if stamp != self._stamp:
            self._stamp = stamp
            self._order, self._ids = [], []
            self._positions, self._known = {}, None
            self._matches.clear()
            self._match_sets.clear()
            self._unread = None

    def integers(self, sql: str, params: Sequence[object] = ()) -> list[int]:
        """The list a ``SELECT group_concat(<integer>) ...`` gives: one string, parsed in C
        (a Python row for each of 100,000 numbers costs several times more)."""
        joined = self.db.execute(sql, params).fetchone()[0]
        return orjson.loads(f"[{joined}]") if joined else []

    def matching_rows(self, table: str, expression: str) -> list[int]:
        """Full-text rows a table matches (``expression`` in FTS5 syntax): ``articles.fts`` numbers, ascending.

        The last few answers are kept (the list and its counts ask the same
        question): treat the returned list as read-only.
        """
        self._check_kept()
        key = (table, expression)
        found = self._matches.get(key)
        if found is None:
            found = self.integers(f"SELECT group_concat(rowid) FROM {table} WHERE {table} MATCH ?", (expression,))
            if len(self._matches) >= 8:
                self._matches.clear()
            self._matches[key] = found
        return found

    def matching(self, table: str, expression: str) -> set[int]:
        """:meth:`matching_rows` as a set (kept too: treat it as read-only)."""
        rows = self.matching_rows(table, expression)
        key = (table, expression)
        found = self._match_sets.get(key)
        if found is None:
            found = set(rows)
            if len(self._match_sets) >= 8:
                self._match_sets.clear()
            self._match_sets[key] = found
        return found

    def forget_matches(self) -> None:
        """Drop the kept full-text answers (the next question asks SQLite again)."""
        self._matches.clear()
        self._match_sets.clear()

    @property
    def order_loaded(self) -> bool:
        """True while the kept display order is current (no load needed)."""
        self._check_kept()
        return bool(self._order)

    def load_order(self) -> None:
        """Read the display order of the whole library unless the kept one is current."""
        self._check_kept()
        if not self._order:
            rows = self.db.execute("SELECT fts, num FROM articles ORDER BY sort_key DESC, num DESC").fetchall()
            self._order = list(map(_first, rows))
            self._ids = list(map("{:012x}".format, map(_second, rows)))
            self._top = max(self._order, default=0)

    def all_ids(self) -> list[str]:
        """Every article id, in display order."""
        self.load_order()
        return list(self._ids)

    def order_size(self) -> int:
        """How many articles the kept display order holds."""
        self.load_order()
        return len(self._order)

    def ids_in_groups(
        self, members: Sequence[tuple[Sequence[int], int]], groups: Sequence[tuple[int, int]]
    ) -> list[str]:
        """Article ids in display order, one group after another.

        Each full-text row gets a code, the OR of the bits of the lists it is
        in (``members``: (rows, bit)); a group, (mask, wanted), holds the rows
        whose ``code & mask == wanted``.  Every step over the 200,000 rows of a
        large library runs in C (a byte a row, big integers, ``translate``,
        ``compress``), where a Python loop over them cost tens of milliseconds.
        """
        self.load_order()
        length = self._top + 1
        code = 0
        for rows, bit in members:
            code |= int.from_bytes(_marks(rows, bit, length), "little")
        codes = code.to_bytes(max(length, (code.bit_length() + 7) // 8), "little")
        in_order = bytes(map(codes.__getitem__, self._order))
        found: list[str] = []
        for mask, wanted in groups:
            chosen = in_order.translate(bytes(int(c & mask == wanted) for c in range(256)))
            if 1 in chosen:
                found.extend(compress(self._ids, chosen))
        return found

    def ids_of(self, rows: Sequence[int]) -> list[str]:
        """The article ids of full-text rows (as :meth:`in_display_order` returned them)."""
        self.load_order()
        positions = self._place_of()
        return list(map(self._ids.__getitem__, map(positions.__getitem__, rows)))

    def _place_of(self) -> dict[int, int]:
        if not self._positions:
            self._positions = {num: place for place, num in enumerate(self._order)}
        return self._positions

    def count_among(self, nums: set[int]) -> tuple[int, int]:
        """(unread, total) of the stored articles among ``nums`` (full-text rows)."""
        self.load_order()
        if self._known is None:
            self._known = set(self._order)
        if self._unread is None:
            self._unread = {row[0] for row in self.db.execute("SELECT fts FROM articles WHERE read = 0")}
        return len(self._unread.intersection(nums)), len(self._known.intersection(nums))

    def in_display_order(self, nums: set[int]) -> list[int]:
        """The full-text rows among ``nums`` in display order (newest first).

        The order of the whole library is kept until articles are added or
        removed, here or by another process (SQLite's data_version tells), so
        a search orders its hits without asking the database to sort them.
        """
        self.load_order()
        if len(nums) * 8 > len(self._order):  # many hits: one pass over the order beats a sort
            return list(filter(nums.__contains__, self._order))
        positions = self._place_of()
        return sorted(filter(positions.__contains__, nums), key=positions.__getitem__)

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def is_empty(self) -> bool:
        return self.db.execute("SELECT 1 FROM articles LIMIT 1").fetchone() is None

    def nums_in_shard(self, shard: str) -> list[int]:
        return [
            r[0] for r in self.db.execute("SELECT num FROM articles WHERE num BETWEEN ? AND ?", shard_bounds(shard))
        ]

    def find_duplicate(self, url: str | None, content_hash: str | None) -> str | None:
        if url:
            for num, stored in self.db.execute("SELECT num, url FROM articles WHERE url_key = ?", (key_of(url),)):
                if stored == url:
                    return f"{num:012x}"
        if content_hash:
            row = self.db.execute("SELECT num FROM articles WHERE hash_key = ?", (key_of(content_hash),)).fetchone()
            if row:
                return f"{row[0]:012x}"
        return None


def _marks(rows: Sequence[int], bit: int, length: int) -> bytearray:
    """A byte a full-text row: ``bit`` for those in ``rows``, else 0."""
    marks = bytearray(length)
    try:
        for row in rows:
            marks[row] = bit
    except IndexError:  # a row past the order's end (a stale full-text row): make room
        marks.extend(bytes(max(rows) + 1 - length))
        for row in rows:
            marks[row] = bit
    return marks


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            try:
                self.db.execute("COMMIT")
                return
            except sqlite3.Error:
                self._rollback()
                raise
        self._rollback()

    def _rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")
