"""The story tables in the derived SQLite index, and the few queries on them.

``story_docs`` holds, per article, its story, the article it re-publishes
and the features grouping compares (signature, entity units, days named);
``story_bands`` finds re-publications at any time by their strict LSH
bands; ``story_units`` counts the articles naming each unit, for rarity.
The candidates inside the time window (by LSH band and by name) are found
among the window's rows, read by time and held while a batch is placed:
their keys come from the signature and the units, so no table holds them.
Articles are numbered as in the rest of the index: their 12-hex-digit id
as an integer.
"""

from __future__ import annotations

import sqlite3
import sys
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from msgspec import Struct

from .days import Days

# 2: 16-bit signature values, 32-bit look-up keys, whole seconds in the look-up tables; 3: entity units as
# 32-bit keys packed in bytes; 4: only the strict bands in a table (the window's candidates found in memory);
# 5: the bands without the time (an article's is in its row), sites numbered; 6: the heading's names numbered
SCHEMA_VERSION = "6"
TABLES = ("story_info", "story_docs", "story_bands", "story_units", "story_sites", "story_names")
DROPPED = ("story_postings",)  # tables of earlier versions
SCHEMA = """
CREATE TABLE IF NOT EXISTS story_info (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS story_docs (
    num INTEGER PRIMARY KEY,
    story INTEGER NOT NULL,
    copy_of INTEGER,
    t REAL,
    site INTEGER,  -- story_sites.id
    size INTEGER NOT NULL,
    sig BLOB NOT NULL,
    units BLOB NOT NULL,  -- entity unit keys (32-bit) then their weights (thousandths, 16-bit)
    days TEXT NOT NULL,
    names TEXT NOT NULL  -- story_names.id of each, space-separated
);
CREATE INDEX IF NOT EXISTS story_docs_story ON story_docs (story, site);  -- a story's outlets, from the index alone
CREATE INDEX IF NOT EXISTS story_docs_t ON story_docs (t);
CREATE TABLE IF NOT EXISTS story_bands (
    key INTEGER NOT NULL, num INTEGER NOT NULL, PRIMARY KEY (key, num)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_units (unit INTEGER PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS story_sites (id INTEGER PRIMARY KEY, site TEXT UNIQUE NOT NULL);
CREATE TABLE IF NOT EXISTS story_names (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);
"""
_CHUNK = 500  # bound parameters per IN (...) list


class DocRow(Struct, frozen=True):
    """One article's row of ``story_docs``."""

    num: int
    story: int
    copy_of: int | None
    t: float | None
    site: str | None
    size: int
    sig: bytes
    units: dict[int, float]  # unit key (:func:`unit_key`) -> weight
    days: Days
    names: tuple[str, ...]


SITE = "(SELECT s.site FROM story_sites s WHERE s.id = story_docs.site)"  # a row's site, by name
# What grouping reads of a row: not the outlet or the heading names, which only the lists show.
_GROUPING_COLUMNS = "num, story, copy_of, t, size, sig, units, days"
_STORED = "num, story, copy_of, t, site, size, sig, units, days, names"


_BIG_ENDIAN = sys.byteorder == "big"  # stored little-endian


def encode_units(units: dict[int, float]) -> bytes:
    """The keys (4 bytes each) then the weights in thousandths (2 bytes each: as exact as they are rounded)."""
    keys = array("i", units)
    weights = array("H", (min(0xFFFF, round(w * 1000)) for w in units.values()))
    if _BIG_ENDIAN:
        keys.byteswap()
        weights.byteswap()
    return keys.tobytes() + weights.tobytes()


def decode_unit_keys(data: bytes) -> list[int]:
    """The unit keys alone (what a look-up needs)."""
    keys = array("i", data[: 4 * (len(data) // 6)])
    if _BIG_ENDIAN:
        keys.byteswap()
    return keys.tolist()


def decode_units(data: bytes) -> dict[int, float]:
    count = len(data) // 6
    keys, weights = array("i", data[: 4 * count]), array("H", data[4 * count :])
    if _BIG_ENDIAN:
        keys.byteswap()
        weights.byteswap()
    return dict(zip(keys, (w / 1000 for w in weights), strict=True))


def _row(raw: Sequence) -> DocRow:
    num, story, copy_of, t, size, sig, units, days = raw
    return DocRow(num, story, copy_of, t, None, size, bytes(sig), decode_units(units), Days.decode(days), ())


def name_numbers(names: str) -> list[int]:
    """The numbers a row's ``names`` column holds."""
    return [int(n) for n in names.split()]


def unit_key(unit: str) -> int:
    """A signed 32-bit key standing for an entity unit, odd for a figure ("#12.000"), even for a name.

    (Two units sharing a key, once in billions of pairs, count as one.)
    """
    return unit_keys({unit: 0.0}).popitem()[0]


def unit_keys(units: dict[str, float]) -> dict[int, float]:
    # hashlib loads OpenSSL (~5 ms): the reader's first paint folds stories without it.
    from hashlib import blake2b

    found: dict[int, float] = {}
    for unit, weight in units.items():
        key = int.from_bytes(blake2b(unit.encode("utf-8"), digest_size=4).digest(), "little", signed=True)
        key = key | 1 if unit.startswith("#") else key & ~1
        found[key] = found.get(key, 0.0) + weight
    return found


def is_name(unit: int) -> bool:
    """Names are looked up by; figures only weigh in the comparison."""
    return not unit & 1


def chunks(items: Sequence, size: int = _CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(count: int) -> str:
    return ",".join("?" * count)


@contextmanager
def atomic(conn: sqlite3.Connection) -> Iterator[None]:
    """A savepoint: one transaction of its own, or nested in the caller's."""
    conn.execute("SAVEPOINT stories")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK TO stories")
        conn.execute("RELEASE stories")
        raise
    conn.execute("RELEASE stories")


def create(conn: sqlite3.Connection) -> None:
    """The tables, if missing (statement by statement: executescript would commit the caller's transaction)."""
    for statement in SCHEMA.split(";"):
        if statement.strip():
            conn.execute(statement)


def recreate(conn: sqlite3.Connection) -> None:
    """The tables emptied and made again in this version's layout (the version row kept)."""
    for table in (*TABLES[1:], *DROPPED):
        conn.execute(f"DROP TABLE IF EXISTS {table}")
    create(conn)


def info(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM story_info WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_info(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO story_info (key, value) VALUES (?, ?)", (key, value))


def doc_count(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM story_docs").fetchone()[0]


def rows(conn: sqlite3.Connection, nums: Iterable[int]) -> dict[int, DocRow]:
    """The rows of ``nums`` as grouping reads them: without their site and heading names."""
    found: dict[int, DocRow] = {}
    for part in chunks(list(nums)):
        query = f"SELECT {_GROUPING_COLUMNS} FROM story_docs WHERE num IN ({marks(len(part))})"
        found.update((raw[0], _row(raw)) for raw in conn.execute(query, tuple(part)))
    return found


def placements(conn: sqlite3.Connection, nums: Iterable[int]) -> dict[int, tuple[int, int | None]]:
    """The story and the copied article of each of ``nums``: what grouping changes in a row."""
    found: dict[int, tuple[int, int | None]] = {}
    for part in chunks(list(nums)):
        query = f"SELECT num, story, copy_of FROM story_docs WHERE num IN ({marks(len(part))})"
        found.update((num, (story, copy_of)) for num, story, copy_of in conn.execute(query, tuple(part)))
    return found


def known(conn: sqlite3.Connection, nums: Iterable[int]) -> set[int]:
    """Which of ``nums`` are grouped."""
    found: set[int] = set()
    for part in chunks(list(nums)):
        query = f"SELECT num FROM story_docs WHERE num IN ({marks(len(part))})"
        found.update(num for (num,) in conn.execute(query, tuple(part)))
    return found


def grouped(conn: sqlite3.Connection) -> dict[int, tuple[int, int | None, str | None, int, float | None]]:
    """The articles of stories of two or more: num -> (story, copy_of, site, size, t).

    One scan of the table in its own order: finding the rows story by story visits them at
    random, over twice as slow on a large library.
    """
    shared = {story for (story,) in conn.execute("SELECT story FROM story_docs GROUP BY story HAVING count(*) > 1")}
    sites = dict(conn.execute("SELECT id, site FROM story_sites"))
    rows = conn.execute("SELECT num, story, copy_of, site, size, t FROM story_docs")
    return {
        num: (story, copy_of, sites.get(site), size, t)
        for num, story, copy_of, site, size, t in rows
        if story in shared
    }


def grouped_among(
    conn: sqlite3.Connection, nums: Sequence[int]
) -> tuple[dict[int, tuple[int, int | None, str | None, int, float | None]], dict[int, set[str]]]:
    """As :func:`grouped` for ``nums`` only, and the outlets of their stories (cheap however large a story)."""
    found: dict[int, tuple[int, int | None, str | None, int, float | None]] = {}
    for part in chunks(nums):
        query = f"SELECT num, story, copy_of, {SITE}, size, t FROM story_docs WHERE num IN ({marks(len(part))})"
        found.update((num, (story, c, site, size, t)) for num, story, c, site, size, t in conn.execute(query, part))
    sites: dict[int, set[str]] = {}
    sizes: Counter[int] = Counter()
    for part in chunks(sorted({row[0] for row in found.values()})):
        query = (
            f"SELECT story, {SITE}, count(*) FROM story_docs WHERE story IN ({marks(len(part))}) GROUP BY story, site"
        )
        for story, site, count in conn.execute(query, tuple(part)):
            sites.setdefault(story, set()).add(site or "")
            sizes[story] += count
    return {num: row for num, row in found.items() if sizes[row[0]] > 1}, sites


def latest(conn: sqlite3.Connection) -> float | None:
    """The time of the newest grouped article."""
    return conn.execute("SELECT max(t) FROM story_docs").fetchone()[0]


def exists(conn: sqlite3.Connection) -> bool:
    """Whether the story tables are in this database."""
    return conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'story_info'").fetchone() is not None


def _numbers_of(conn: sqlite3.Connection, table: str, column: str, values: Iterable[str]) -> dict[str, int]:
    """The numbers of ``values`` in a numbering table (``story_sites``, ``story_names``), numbered as they come."""
    wanted = sorted(values)
    conn.executemany(f"INSERT OR IGNORE INTO {table} ({column}) VALUES (?)", [(value,) for value in wanted])
    found: dict[str, int] = {}
    for part in chunks(wanted):
        query = f"SELECT {column}, id FROM {table} WHERE {column} IN ({marks(len(part))})"
        found.update(conn.execute(query, tuple(part)))
    return found


def site_ids(conn: sqlite3.Connection, sites: Iterable[str]) -> dict[str, int]:
    """The numbers of ``sites``."""
    return _numbers_of(conn, "story_sites", "site", sites)


def name_ids(conn: sqlite3.Connection, names: Iterable[str]) -> dict[str, int]:
    """The numbers of ``names`` (of stories' headings)."""
    return _numbers_of(conn, "story_names", "name", names)


def name_texts(conn: sqlite3.Connection, numbers: Iterable[int]) -> dict[int, str]:
    """The names of ``numbers``."""
    found: dict[int, str] = {}
    for part in chunks(sorted(numbers)):
        found.update(conn.execute(f"SELECT id, name FROM story_names WHERE id IN ({marks(len(part))})", part))
    return found


def insert_docs(conn: sqlite3.Connection, batch: Sequence[tuple[DocRow, Sequence[int]]]) -> None:
    """Articles' rows and strict band keys (each its own story until clustered), a statement each.

    Keys go in sorted, so each B-tree page is found once for all the keys it holds.
    """
    sites = site_ids(conn, {row.site for row, _bands in batch if row.site is not None})
    names = name_ids(conn, {name for row, _bands in batch for name in row.names})
    conn.executemany(
        f"INSERT OR REPLACE INTO story_docs ({_STORED}) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [
            (
                row.num, row.story, row.copy_of, row.t, sites.get(row.site) if row.site is not None else None,
                row.size, row.sig, encode_units(row.units),
                row.days.encode(), " ".join(str(names[name]) for name in row.names),
            )
            for row, _bands in sorted(batch, key=lambda item: item[0].num)
        ],
    )  # fmt: skip
    bands = sorted((key, row.num) for row, keys in batch for key in keys)
    conn.executemany("INSERT OR IGNORE INTO story_bands (key, num) VALUES (?,?)", bands)


def delete_doc(conn: sqlite3.Connection, row: DocRow, bands: Sequence[int]) -> None:
    """Forget an article's row and band keys (found by their keys, not scanned for)."""
    conn.executemany("DELETE FROM story_bands WHERE key = ? AND num = ?", [(k, row.num) for k in bands])
    conn.execute("DELETE FROM story_docs WHERE num = ?", (row.num,))


def count_units(conn: sqlite3.Connection, counts: dict[int, int]) -> None:
    """Add ``counts`` (articles per unit, negative to remove) to the document frequencies."""
    conn.executemany(
        "INSERT INTO story_units (unit, df) VALUES (?, ?) ON CONFLICT (unit) DO UPDATE SET df = df + excluded.df",
        list(counts.items()),
    )
    gone = [(unit,) for unit, n in counts.items() if n < 0]
    conn.executemany("DELETE FROM story_units WHERE unit = ? AND df <= 0", gone)


def frequencies(conn: sqlite3.Connection, units: Iterable[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for part in chunks(list(units)):
        query = f"SELECT unit, df FROM story_units WHERE unit IN ({marks(len(part))})"
        found.update(conn.execute(query, tuple(part)))
    return found


def by_bands(conn: sqlite3.Connection, keys: Sequence[int], t: float | None, limit: int) -> set[int]:
    """Articles sharing one of the strict band ``keys``, whenever they appeared.

    It keeps the ``limit`` articles sharing the most keys (the nearest in time
    first among equals).  Each key reads at most ``limit`` articles, so a text
    published a thousand times costs a look-up of ``limit``, not of a thousand;
    which of its copies are read is then arbitrary (any ``limit`` of them).
    """
    if not keys:
        return set()
    near, at = ("ifnull(abs(d.t - ?), 1e18)", (t,)) if t is not None else ("0", ())  # the undated last
    per_key = " UNION ALL ".join(["SELECT num FROM (SELECT num FROM story_bands WHERE key = ? LIMIT ?)"] * len(keys))
    query = (
        f"SELECT b.num FROM ({per_key}) b JOIN story_docs d ON d.num = b.num"
        f" GROUP BY b.num ORDER BY count(*) DESC, min({near}) LIMIT ?"
    )
    return {num for (num,) in conn.execute(query, (*(x for key in keys for x in (key, limit)), *at, limit))}


_KEYED = "SELECT num, t, sig, units FROM story_docs"


Keyed = tuple[int, float | None, bytes, list[int]]


def keyed_between(conn: sqlite3.Connection, low: float, high: float) -> Iterator[Keyed]:
    """(num, time, signature, unit keys) of the articles of ``low`` <= time <= ``high``, earliest first."""
    for num, t, sig, units in conn.execute(f"{_KEYED} WHERE t BETWEEN ? AND ? ORDER BY t", (low, high)):
        yield num, t, bytes(sig), decode_unit_keys(units)


def keyed_undated(conn: sqlite3.Connection, *, every: bool = False) -> Iterator[Keyed]:
    """As :func:`keyed_between` for the articles without a time (or, ``every``, for all of them)."""
    for num, t, sig, units in conn.execute(_KEYED if every else f"{_KEYED} WHERE t IS NULL"):
        yield num, t, bytes(sig), decode_unit_keys(units)


def rows_in_order(conn: sqlite3.Connection, nums: Sequence[int]) -> Iterator[DocRow]:
    """The rows of ``nums`` in that order, read a chunk at a time."""
    for part in chunks(nums):
        found = rows(conn, part)
        yield from (found[num] for num in part if num in found)


def spans(conn: sqlite3.Connection, stories: Iterable[int]) -> dict[int, tuple[float | None, float | None]]:
    """The first and last time of each of ``stories``."""
    found: dict[int, tuple[float | None, float | None]] = {}
    for part in chunks(list(stories)):
        query = f"SELECT story, min(t), max(t) FROM story_docs WHERE story IN ({marks(len(part))}) GROUP BY story"
        found.update((story, (first, last)) for story, first, last in conn.execute(query, tuple(part)))
    return found


def set_story(conn: sqlite3.Connection, num: int, story: int, copy_of: int | None) -> None:
    conn.execute("UPDATE story_docs SET story = ?, copy_of = ? WHERE num = ?", (story, copy_of, num))


def rename_story(conn: sqlite3.Connection, gone: int) -> None:
    """A story named after an article that went takes the name of one that stays.

    (Otherwise an article stored again under that number would start inside it.)
    """
    (rest,) = conn.execute("SELECT min(num) FROM story_docs WHERE story = ?", (gone,)).fetchone()
    if rest is not None:
        conn.execute("UPDATE story_docs SET story = ? WHERE story = ?", (rest, gone))


def merge_stories(conn: sqlite3.Connection, into: int, others: Iterable[int]) -> None:
    conn.executemany("UPDATE story_docs SET story = ? WHERE story = ?", [(into, other) for other in others])
