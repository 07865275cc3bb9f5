"""The derived SQLite index: list order, counts, filters and full-text search.

Everything here can be rebuilt from the TinyDB files, which stay the store of
record.  The index keeps, per shard, the stamp (mtime and size) of the shard
file it last indexed, so a shard changed behind its back (a crash between the
TinyDB write and the index update, another process) is re-indexed at open.
Text is indexed twice: folded (no diacritics, the search key) and with tone
marks unified (for ranking exact matches first).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..text import fold, tone_key

INDEX_VERSION = 9

_SCHEMA = """
CREATE TABLE IF NOT EXISTS info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS shard_state (shard TEXT PRIMARY KEY, stamp TEXT);
CREATE TABLE IF NOT EXISTS articles (
    num INTEGER PRIMARY KEY,
    id TEXT UNIQUE NOT NULL,
    title TEXT NOT NULL,
    site TEXT,
    source TEXT,
    published TEXT,
    sort_key TEXT NOT NULL,
    read INTEGER NOT NULL DEFAULT 0,
    bookmarked INTEGER NOT NULL DEFAULT 0,
    tags TEXT NOT NULL DEFAULT '',
    content_hash TEXT,
    url TEXT,
    extractor TEXT
);
CREATE INDEX IF NOT EXISTS articles_order ON articles (sort_key DESC, num DESC);
CREATE INDEX IF NOT EXISTS articles_site ON articles (site);
CREATE INDEX IF NOT EXISTS articles_counts ON articles (site, source, read, bookmarked);
CREATE INDEX IF NOT EXISTS articles_hash ON articles (content_hash);
CREATE INDEX IF NOT EXISTS articles_url ON articles (url);
CREATE TABLE IF NOT EXISTS article_tags (
    num INTEGER NOT NULL, tag_key TEXT NOT NULL, tag_f TEXT NOT NULL, tag TEXT NOT NULL, read INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS article_tags_key ON article_tags (tag_key, num);
CREATE INDEX IF NOT EXISTS article_tags_counts ON article_tags (tag_key, read, tag);
CREATE INDEX IF NOT EXISTS article_tags_folded ON article_tags (tag_f, num);
CREATE INDEX IF NOT EXISTS article_tags_num ON article_tags (num);
CREATE TABLE IF NOT EXISTS article_entities (
    num INTEGER NOT NULL, key TEXT NOT NULL, name_f TEXT NOT NULL, last_f TEXT NOT NULL, type TEXT NOT NULL,
    name TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS article_entities_key ON article_entities (key, num);
CREATE INDEX IF NOT EXISTS article_entities_name ON article_entities (name_f, num);
CREATE INDEX IF NOT EXISTS article_entities_last ON article_entities (last_f, num);
CREATE INDEX IF NOT EXISTS article_entities_num ON article_entities (num);
"""

# The full-text tables, contentless (they keep no copy of the text).  Columns
# ending in _f hold folded text (no diacritics), _t tone-keyed text (as typed,
# tone marks placed one way).  One table per question a search asks, so no
# query needs a column filter over the large body position lists.
FTS_TABLES: dict[str, tuple[str, ...]] = {
    "fold_fts": ("title_f", "body_f", "extra_f"),  # which articles match, accents ignored
    "exact_fts": ("title_t", "body_t"),  # ranking: the words as typed, anywhere
    "title_fts": ("title_f", "title_t"),  # ranking: title matches (small, so cheap to ask)
}
_FTS_SCHEMA = "".join(
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {table} USING fts5 ({', '.join(columns)},"
    " content='', tokenize='unicode61 remove_diacritics 0');\n"
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


@dataclass(frozen=True)
class IndexRow:
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


def _fts_values(title: str, body: str, tags: Iterable[str], names: Iterable[str]) -> dict[str, str]:
    """The full-text columns: title, body and tags+entity names, folded and tone-keyed."""
    extra = " \n ".join([*tags, *names])
    return {
        "title_f": fold(title),
        "body_f": fold(body),
        "extra_f": fold(extra),
        "title_t": tone_key(title),
        "body_t": tone_key(body),
    }


def _row_values(row: IndexRow) -> dict[str, str]:
    return _fts_values(row.title, row.body, row.tags, [name for _, _, name in row.entities])


class SearchIndex:
    """A SQLite database derived from the library's TinyDB files."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        uri = f"file:{path}?mode=ro" if read_only else f"file:{path}"
        self.db = sqlite3.connect(uri, uri=True, check_same_thread=False, isolation_level=None)
        # What searches keep between calls, valid while the stamp holds: SQLite's
        # data_version (changes by other connections) and our own change count.
        self._generation = 0  # bumped whenever articles or their indexed text change
        self._stamp: tuple[int, int] | None = None
        self._order: list[int] = []
        self._positions: dict[int, int] = {}
        self._known: set[int] | None = None
        self._matches: dict[tuple[str, str], set[int]] = {}
        self._unread: set[int] | None = None
        self.db.execute("PRAGMA busy_timeout = 5000")
        # A 32 MB page cache; no memory map, whose touched pages would count
        # against the reader's memory on a large library.
        self.db.execute("PRAGMA cache_size = -32768")
        if not read_only:
            self.db.execute("PRAGMA journal_mode = WAL")
            # The index is derived: losing its last transaction costs a re-index, never data.
            self.db.execute("PRAGMA synchronous = OFF")
            self.db.executescript(_SCHEMA + _FTS_SCHEMA)
            version = self.info("index_version")
            if version != str(INDEX_VERSION):
                self.reset()

    # --- bookkeeping -------------------------------------------------------
    def info(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM info WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_info(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO info (key, value) VALUES (?, ?)", (key, value))

    def reset(self) -> None:
        """Drop everything; the caller re-indexes from the TinyDB files."""
        self.db.executescript(
            """
            DROP TABLE IF EXISTS articles; DROP TABLE IF EXISTS article_tags;
            DROP TABLE IF EXISTS article_entities; DROP TABLE IF EXISTS text_fts;
            DROP TABLE IF EXISTS extra_fts; DROP TABLE IF EXISTS shard_state;
            DROP TABLE IF EXISTS text_indexed;
            """
            + "".join(f"DROP TABLE IF EXISTS {table};" for table in FTS_TABLES)
        )
        try:
            self.db.execute("VACUUM")  # give the dropped tables' pages back to the disk
        except sqlite3.OperationalError:  # another instance is reading: the space is reused later
            pass
        self.db.executescript(_SCHEMA + _FTS_SCHEMA)
        self._generation += 1
        self.set_info("index_version", str(INDEX_VERSION))

    def shard_stamps(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT shard, stamp FROM shard_state"))

    def close(self) -> None:
        self.db.close()

    # --- writing -----------------------------------------------------------
    def transaction(self) -> _Transaction:
        return _Transaction(self.db)

    def _write_fts(self, num: int, values: dict[str, str], *, delete: bool = False) -> None:
        self._generation += 1
        statements = _FTS_DELETE if delete else _FTS_INSERT
        for table, columns in FTS_TABLES.items():
            self.db.execute(statements[table], (num, *(values[column] for column in columns)))

    def _indexed_values(self, num: int, body: str) -> dict[str, str] | None:
        """What the full-text table holds for ``num`` (its body is not stored: given)."""
        row = self.db.execute("SELECT title, tags FROM articles WHERE num = ?", (num,)).fetchone()
        if row is None:
            return None
        names = [
            r[0] for r in self.db.execute("SELECT name FROM article_entities WHERE num = ? ORDER BY rowid", (num,))
        ]
        return _fts_values(row[0], body, [t for t in row[1].split("\x1f") if t], names)

    def _forget(self, num: int, body: str | None) -> None:
        """Remove an article from every table.

        The full-text table is contentless (it keeps no copy of the text), so
        it forgets a row only when given the values it indexed: rebuilt here
        from the other tables and the body.  Without the body (its shard was
        lost) the stale full-text row stays; queries join on ``articles`` and
        never show it.
        """
        if body is not None:
            values = self._indexed_values(num, body)
            if values is not None:
                self._write_fts(num, values, delete=True)
        self.db.execute("DELETE FROM articles WHERE num = ?", (num,))
        self._generation += 1
        self.db.execute("DELETE FROM article_tags WHERE num = ?", (num,))
        self.db.execute("DELETE FROM article_entities WHERE num = ?", (num,))

    def upsert(self, rows: Iterable[IndexRow]) -> None:
        """Insert or replace articles (call inside :meth:`transaction`).

        An article's body never changes under the same id, so a replaced row
        is forgotten with the body it is indexed again with.
        """
        for row in rows:
            num = row.num
            self._forget(num, row.body)
            self.db.execute(
                "INSERT INTO articles (num, id, title, site, source, published, sort_key, read, bookmarked,"
                " tags, content_hash, url, extractor) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    num,
                    row.id,
                    row.title,
                    row.site,
                    row.source,
                    row.published,
                    sort_time(row.published) or sort_time(row.added) or row.added,
                    int(row.read),
                    int(row.bookmarked),
                    "\x1f".join(row.tags),
                    row.content_hash,
                    row.url,
                    row.extractor,
                ),
            )
            self._write_tags(num, row.tags, row.read)
            self._write_entities(num, row.entities)
            self._write_fts(num, _row_values(row))

    def _write_tags(self, num: int, tags: Sequence[str], read: bool) -> None:
        self.db.executemany(
            "INSERT INTO article_tags (num, tag_key, tag_f, tag, read) VALUES (?,?,?,?,?)",
            [(num, tone_key(tag), fold(tag), tag, int(read)) for tag in tags],
        )

    def _write_entities(self, num: int, entities: Sequence[tuple[str, str, str]]) -> None:
        self.db.executemany(
            "INSERT INTO article_entities (num, key, name_f, last_f, type, name) VALUES (?,?,?,?,?,?)",
            [(num, key, fold(name), _last_word(fold(name)), etype, name) for key, etype, name in entities],
        )

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
        entities: Sequence[tuple[str, str, str]],
        body: str,
        extractor: str | None = None,
    ) -> None:
        """New tags or entities for an article (its body is needed to re-index its text)."""
        num = int(article_id, 16)
        if extractor is not None:
            self.db.execute("UPDATE articles SET extractor = ? WHERE num = ?", (extractor, num))
        row = self.db.execute("SELECT title, read FROM articles WHERE num = ?", (num,)).fetchone()
        if row is None:
            return
        values = self._indexed_values(num, body)
        if values is not None:
            self._write_fts(num, values, delete=True)
        self.db.execute("UPDATE articles SET tags = ? WHERE num = ?", ("\x1f".join(tags), num))
        self.db.execute("DELETE FROM article_tags WHERE num = ?", (num,))
        self._write_tags(num, tags, bool(row[1]))
        self.db.execute("DELETE FROM article_entities WHERE num = ?", (num,))
        self._write_entities(num, entities)
        self._write_fts(num, _fts_values(row[0], body, tags, [name for _, _, name in entities]))

    def remove_shard(self, nums: Iterable[int], body_of) -> None:
        for num in nums:
            self._forget(num, body_of(num))

    def set_shard_stamp(self, shard: str, stamp: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO shard_state (shard, stamp) VALUES (?, ?)", (shard, stamp))

    # --- reading -----------------------------------------------------------
    def _check_kept(self) -> None:
        """Forget what searches kept if articles changed since (here or elsewhere)."""
        stamp = (self.db.execute("PRAGMA data_version").fetchone()[0], self._generation)
        if stamp != self._stamp:
            self._stamp = stamp
            self._order, self._positions, self._known = [], {}, None
            self._matches.clear()
            self._unread = None

    def matching(self, table: str, expression: str) -> set[int]:
        """Rowids a full-text table matches (``expression`` in FTS5 syntax).

        The last few answers are kept (the list and its counts ask the same
        question): treat the returned set as read-only.
        """
        self._check_kept()
        key = (table, expression)
        found = self._matches.get(key)
        if found is None:
            found = {
                row[0] for row in self.db.execute(f"SELECT rowid FROM {table} WHERE {table} MATCH ?", (expression,))
            }
            if len(self._matches) >= 8:
                self._matches.clear()
            self._matches[key] = found
        return found

    def forget_matches(self) -> None:
        """Drop the kept full-text answers (the next question asks SQLite again)."""
        self._matches.clear()

    def load_order(self) -> None:
        """Read the display order of the whole library unless the kept one is current."""
        self._check_kept()
        if not self._order:
            rows = self.db.execute("SELECT num FROM articles ORDER BY sort_key DESC, num DESC")
            self._order = [num for (num,) in rows]

    def count_among(self, nums: set[int]) -> tuple[int, int]:
        """(unread, total) of the stored articles among ``nums``."""
        self.load_order()
        if self._known is None:
            self._known = set(self._order)
        if self._unread is None:
            self._unread = {row[0] for row in self.db.execute("SELECT num FROM articles WHERE read = 0")}
        return len(self._unread.intersection(nums)), len(self._known.intersection(nums))

    def in_display_order(self, nums: set[int]) -> list[int]:
        """The articles among ``nums`` in display order (newest first).

        The order of the whole library is kept until articles are added or
        removed, here or by another process (SQLite's data_version tells), so
        a search orders its hits without asking the database to sort them.
        """
        self.load_order()
        if len(nums) * 8 > len(self._order):  # many hits: one pass over the order beats a sort
            return [num for num in self._order if num in nums]
        if not self._positions:
            self._positions = {num: place for place, num in enumerate(self._order)}
        positions = self._positions
        return sorted((num for num in nums if num in positions), key=positions.__getitem__)

    def count(self) -> int:
        return self.db.execute("SELECT count(*) FROM articles").fetchone()[0]

    def nums_in_shard(self, shard: str) -> list[int]:
        return [
            r[0] for r in self.db.execute("SELECT num FROM articles WHERE num BETWEEN ? AND ?", shard_bounds(shard))
        ]

    def find_duplicate(self, url: str | None, content_hash: str | None) -> str | None:
        if url:
            row = self.db.execute("SELECT id FROM articles WHERE url = ?", (url,)).fetchone()
            if row:
                return row[0]
        if content_hash:
            row = self.db.execute("SELECT id FROM articles WHERE content_hash = ?", (content_hash,)).fetchone()
            if row:
                return row[0]
        return None


class _Transaction:
    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        self.db.execute("BEGIN")
        return self.db

    def __exit__(self, exc_type, exc, tb) -> None:
        self.db.execute("ROLLBACK" if exc_type else "COMMIT")
