"""The library on disk: files of record, plus a derived index.

Layout of a library folder::

    tuireader.json        sources, saved views, settings, schema version
    tuireader.json.bak    a copy of it, written with it (so as new as it)
    articles/XX.json      list metadata and reading state, 256 TinyDB shards by id
    articles/XX.log       the latest reading-state and tag changes of a shard,
                          appended until folded into it (see jsonstorage.py)
    bodies/XX.jsonl       cleaned text, lead, entities and a copy of the
                          article's fixed metadata, appended (see bodies.py)
    index.sqlite          derived index (order, counts, search); rebuildable
    library.lock          taken for each write (see lock.py)

Sharding keeps every write small: a bookmark appends one line to its
shard's log, and the log is folded into its shard of a few hundred articles
now and then, never into the library.  Bodies live apart from metadata so the
list never loads text.

Every piece of the user's data lives in two places, so that a damaged file is
rebuilt from the other: an articles shard from the index (reading state, tags,
titles) and the copy of the fixed fields in its bodies; ``tuireader.json``
from its copy; the index from the shards.  The text of an article has one
copy; a damaged bodies file loses only its unreadable lines, and the sentence
that reports it says which articles lost their text.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from msgspec import Struct
from tinydb import Query, TinyDB
from tinydb.table import Document, Table

from ..stories.tables import DocRow
from . import search
from .bodies import BodyShard
from .index import IndexDamaged, IndexRow, SearchIndex, shard_bounds
from .jsonstorage import LOG_SUFFIX, AtomicJSONStorage, CorruptFileError, log_path, read_json_file, read_logged
from .lock import WriteLock, set_aside
from .query import ParsedQuery
from .stories import StoryDoc, StoryStore, story_doc

SCHEMA_VERSION = 2
MAIN_FILE = "tuireader.json"
LOCK_FILE = "library.lock"
INDEX_FILE = "index.sqlite"
# How long a writer waits for another one to finish before giving up.
WRITE_WAIT_SECONDS = 5.0
# Fields of an article that never change after import.  Its body keeps a copy
# of those the index does not hold (the index has the title, site, source,
# dates, URL and state; the content hash comes from the text).
FIXED_FIELDS = (
    "title", "site", "author", "url", "published", "added", "source", "origin", "content_hash", "extractor",
)  # fmt: skip
COPIED_FIELDS = ("author", "added", "origin")
# What an article's metadata holds when a field is left out of its shard: a field with this value
# is not written (most articles have no author, no tags, are unread), a reader fills it back.
META_DEFAULTS: dict[str, Any] = {**dict.fromkeys(FIXED_FIELDS), "read": False, "bookmarked": False, "tags": []}
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
DISK_FULL_SENTENCE = "The disk is full, so this change was not saved; the library is unchanged and still readable."
INDEX_BEHIND_SENTENCE = (
    "The disk is full: the change is saved, but the index could not be updated; it shows once space is freed."
)


class LibraryError(Exception):
    """A library problem a user can act on; the message is one clear sentence."""


def article_id_for(url: str | None, content_hash: str) -> str:
    """Stable 12-hex-digit id: from the canonical URL when known, else the text."""
    import hashlib

    basis = f"url:{url}" if url else f"text:{content_hash}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


def shard_of(article_id: str) -> str:
    return article_id[:2]


def _shard_names(folder: Path, suffix: str) -> list[str]:
    """The shards with a file ending ``suffix`` in ``folder`` (none if it cannot be listed)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return [n[: -len(suffix)] for n in names if n.endswith(suffix) and len(n) == 2 + len(suffix) and n[0] != "."]


def _doc_id(article_id: str) -> int:
    return int(article_id, 16)


def _is_disk_full(exc: BaseException) -> bool:
    """A write refused for lack of space (or past a file-size limit, which SQLite calls an I/O error)."""
    if isinstance(exc, OSError):
        return exc.errno in _DISK_FULL
    name = getattr(exc, "sqlite_errorname", "")
    return isinstance(exc, sqlite3.OperationalError) and name in ("SQLITE_FULL", "SQLITE_IOERR_WRITE")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


class ArticleRecord(Struct):
    """One article as stored: ``meta`` goes to articles/, ``body`` to bodies/."""

    meta: dict[str, Any]
    body: dict[str, Any]
    text_values: dict[str, str] | None = None  # precomputed full-text columns (see index.text_values)
    story_features: tuple[str, DocRow] | None = None  # precomputed grouping features (see stories.story_features)

    @property
    def id(self) -> str:
        return self.meta["id"]


def _entity_triples(entities: Iterable[Any]) -> list[tuple[str, str, str]]:
    out = []
    for e in entities or ():
        if isinstance(e, dict) and e.get("key"):
            out.append((e["key"], e["type"], e["text"]))
        elif isinstance(e, list) and len(e) >= 3 and e[2]:
            out.append((e[2], e[0], e[1]))
    return out


def index_row(meta: dict[str, Any], body: dict[str, Any] | None, text_values: dict[str, str] | None = None) -> IndexRow:
    body = body or {}
    return IndexRow(
        id=meta["id"],
        title=meta.get("title") or "",
        site=meta.get("site"),
        source=meta.get("source"),
        published=meta.get("published"),
        added=meta.get("added") or "",
        read=bool(meta.get("read")),
        bookmarked=bool(meta.get("bookmarked")),
        tags=list(meta.get("tags", ())),
        entities=_entity_triples(body.get("entities") or meta.get("entities") or ()),
        body=body.get("text", ""),
        content_hash=meta.get("content_hash") or (content_hash(body["text"]) if body.get("text") else None),
        url=meta.get("url"),
        extractor=meta.get("extractor"),
        text_values=text_values,
    )


def _stored_meta(meta: dict[str, Any]) -> dict[str, Any]:
    """The metadata kept in articles/: entities live in the body and the index."""
    return {k: v for k, v in meta.items() if k != "entities"}


def full_meta(doc: Mapping[str, Any]) -> dict[str, Any]:
    """An article's metadata as stored, with the fields its shard leaves out (see META_DEFAULTS) filled back."""
    meta = dict(doc)
    for key, value in META_DEFAULTS.items():
        if key not in meta:
            meta[key] = list(value) if isinstance(value, list) else value
    return meta


def _stored_body(record: ArticleRecord) -> dict[str, Any]:
    body = {k: v for k, v in record.body.items() if k != "meta"}
    body["id"] = record.id
    body["meta"] = {k: record.meta.get(k) for k in COPIED_FIELDS if record.meta.get(k) is not None}
    return body


@dataclass
class Store(StoryStore):
    """Open library folder.  Use :meth:`open`; close with :meth:`close`."""

    root: Path
    read_only: bool = False
    notices: list[str] = field(default_factory=list)
    durable: bool = True
    group_stories: bool = True  # group articles into stories as they arrive

    def __post_init__(self) -> None:
        self._lock = WriteLock(self.root / LOCK_FILE)
        self._shards: dict[str, TinyDB] = {}
        self._bodies: dict[str, BodyShard] = {}
        self._unreadable: set[str] = set()
        self.main: TinyDB | None = None
        self.index: SearchIndex | None = None
        self._read_only_reason = "The library is open read-only."
        self._may_become_writer = False
        self._seen_version = 0
        self._outside_version = 0
        self._batch_durable = True  # False while a write to many shards defers its fsyncs to one sync

    # --- opening -----------------------------------------------------------
    @classmethod
    def open(
        cls,
        root: Path,
        *,
        read_only: bool = False,
        durable: bool = True,
        sync: bool = True,
        wait: float = WRITE_WAIT_SECONDS,
        group_stories: bool = True,
    ) -> Store:
        """Open (creating) a library folder.

        ``sync=False`` leaves out-of-date index shards for :meth:`sync_index`,
        so that a reader can paint first and re-index in the background.  A
        writer waits up to ``wait`` seconds for another one to finish; past
        that the library opens read-only, and :meth:`try_become_writer` tries
        again later.
        """
        store = cls(Path(root), read_only=read_only, durable=durable, group_stories=group_stories)
        store._open(sync=sync, wait=wait)
        return store

    def _open(self, *, sync: bool, wait: float) -> None:
        if self.read_only:
            self._read_only_reason = "The library is open read-only."
            self.notices.append(self._read_only_reason)
        else:
            self._make_folders()
        got = not self.read_only and self._lock.acquire(wait)
        if not self.read_only and not got:
            self._become_read_only(
                f"Another tuireader has been writing to this library for over {wait:g} seconds, "
                "so it is open read-only until that ends.",
                may_return=True,
            )
        try:
            self._open_files(maintain=got, sync=sync)
        finally:
            self._release()
        self._outside_version = self._seen_version = self._data_version()

    def _make_folders(self) -> None:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            (self.root / "articles").mkdir(exist_ok=True)
            (self.root / "bodies").mkdir(exist_ok=True)
        except OSError as exc:
            if not self.root.is_dir():
                raise LibraryError(f"Cannot create the library folder {self.root}: {exc.strerror or exc}.") from None
        if not os.access(self.root, os.W_OK) or not os.access(self.root / "articles", os.W_OK):
            self._become_read_only(f"Cannot write to the library folder {self.root}, so it is open read-only.")

    def _become_read_only(self, reason: str, *, may_return: bool = False) -> None:
        self.read_only = True
        self._read_only_reason = reason
        self._may_become_writer = may_return
        self.notices.append(reason)

    def _open_files(self, *, maintain: bool, sync: bool) -> None:
        if maintain:
            self._remove_leftovers()
        self.main = self._open_main()
        self._open_index(maintain=maintain)
        self._check_schema()
        if maintain:
            self._start_stories(is_empty=lambda: not self.existing_shards())
        if maintain and sync:
            try:
                self.sync_index()
            except (OSError, sqlite3.OperationalError) as exc:
                if not _is_disk_full(exc):
                    raise
                self.notices.append(
                    "The disk is full, so the index could not be brought up to date; "
                    "the library is open as it was last indexed."
                )

    def _release(self) -> None:
        self._lock.release()
        if self._lock.notices:
            self.notices.extend(self._lock.notices)
            self._lock.notices.clear()

    def _remove_leftovers(self) -> None:
        """Temporary files of a writer killed mid-write (the lock is held: no write is under way)."""
        for folder in (self.root, self.root / "articles", self.root / "bodies"):
            for tmp in folder.glob(".*.tmp"):
                try:
                    tmp.unlink()
                except OSError:
                    pass

    def try_become_writer(self) -> bool:
        """For a store opened read-only because another one was writing: take over when it is done."""
        if not self.read_only or not self._may_become_writer:
            return False
        if not self._lock.acquire(0):
            return False
        try:
            self.read_only = False
            self._may_become_writer = False
            self._remove_leftovers()
            for db in [self.main, *self._shards.values()]:
                if db is not None:
                    db.storage.read_only = False  # type: ignore[attr-defined]
            if self.index is not None and self.index.read_only:
                self.index.close()
                self._open_index(maintain=True)
        finally:
            self._release()
        self.notices.append("The other tuireader has finished writing: this one can now change the library.")
        return True

    @property
    def may_become_writer(self) -> bool:
        return self.read_only and self._may_become_writer

    # --- tuireader.json and its copy ------------------------------------------
    def _open_main(self) -> TinyDB:
        path = self.root / MAIN_FILE
        backup = path.with_name(path.name + ".bak")
        main_ok, main_problem = _readable_json(path)
        copy_ok, copy_problem = _readable_json(backup)
        db = TinyDB(path, storage=AtomicJSONStorage, read_only=self.read_only, durable=self.durable, mirror=True)
        if main_ok and not copy_ok:
            self._repair_copy(path, backup, copy_problem)
        elif not main_ok and copy_ok:
            self._restore_main(db, path, backup, main_problem)
        elif not main_ok and main_problem != "missing":
            self._lose_main(path, backup, main_problem, copy_problem)
        return db

    def _repair_copy(self, path: Path, backup: Path, problem: str) -> None:
        if self.read_only:
            return
        data = path.read_bytes()
        aside = set_aside(backup, "corrupt") if problem != "missing" else None
        from .jsonstorage import atomic_write_bytes

        atomic_write_bytes(backup, data, durable=self.durable)
        kept = f"; it was kept aside as {aside.name}" if aside else ""
        self.notices.append(f"{backup.name} was {problem}{kept}; written again from {path.name}; nothing was lost.")

    def _restore_main(self, db: TinyDB, path: Path, backup: Path, problem: str) -> None:
        copy = read_json_file(backup)
        feeds, views = len(copy.get("sources") or {}), len(copy.get("views") or {})
        what = f"{_plural(feeds, 'feed')} and {_plural(views, 'saved view')}"
        if self.read_only:
            db.storage.use(copy)  # type: ignore[attr-defined]
            self.notices.append(f"{path.name} is {problem}; reading its copy {backup.name} ({what}).")
            return
        aside = set_aside(path, "corrupt") if problem != "missing" else None
        from .jsonstorage import atomic_write_bytes

        atomic_write_bytes(path, backup.read_bytes(), durable=self.durable)
        kept = f"; it was kept aside as {aside.name}" if aside else ""
        self.notices.append(
            f"{path.name} was {problem}{kept}; restored from its copy {backup.name}, as new as it was "
            f"({what}); nothing was lost."
        )

    def _lose_main(self, path: Path, backup: Path, problem: str, copy_problem: str) -> None:
        if self.read_only:
            self.notices.append(f"{path.name} is {problem} and so is its copy; feeds and saved views are not shown.")
            return
        aside = set_aside(path, "corrupt")
        self.notices.append(
            f"{path.name} was {problem} and its copy {backup.name} was {copy_problem}: it was kept aside as "
            f"{aside.name}; feeds, saved views and settings are lost, every article is kept."
        )

    # --- the index ------------------------------------------------------------
    def _open_index(self, *, maintain: bool) -> None:
        path = self.root / INDEX_FILE
        if maintain:
            self._keep_old_log(path)
            if path.is_file() and path.stat().st_size == 0 and self.existing_shards():
                aside = set_aside(path, "corrupt")
                self.notices.append(
                    f"{INDEX_FILE} was empty; kept aside as {aside.name} and rebuilt from the articles; "
                    "nothing was lost."
                )
        try:
            self.index = SearchIndex(path, read_only=not maintain)
        except IndexDamaged as exc:
            problem = str(exc)
        else:
            if self.index.rebuilt and self.index.rebuilt != "of an older tuireader" and self.existing_shards():
                self.notices.append(
                    f"{INDEX_FILE} was {self.index.rebuilt}; it is rebuilt from the articles; nothing was lost."
                )
            return
        if not maintain:
            # Read-only: index the articles in memory, for this session only, from the files of record.
            self.index = SearchIndex(Path(":memory:"), read_only=False)
            indexed = self._index_in_memory()
            if path.exists():
                self.notices.append(
                    f"{INDEX_FILE} cannot be read ({problem}) and this reader cannot repair it now, so this "
                    f"session lists the articles from their own files ({_plural(indexed, 'article')})."
                )
            return
        asides = [set_aside(p, "corrupt").name for p in self._index_files(path)]
        self.index = SearchIndex(path)
        if asides:
            self.notices.append(
                f"{INDEX_FILE} was damaged ({problem}); kept aside as {', '.join(asides)} and rebuilt from "
                "the articles; nothing was lost."
            )

    def _articles_with_bodies(self, shard: str) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
        """A shard's articles, each with its body (None for all when the bodies file cannot be read)."""
        metas = self._articles_docs(shard)
        try:
            bodies = self._body_shard(shard).all()
        except OSError:
            bodies = {}
        return [(full_meta(meta), bodies.get(meta["id"])) for meta in metas.values() if meta.get("id")]

    def _index_in_memory(self) -> int:
        """Fill a fresh in-memory index from every shard (nothing is written to the library)."""
        index = self._index()
        count = 0
        for shard in self.existing_shards():
            rows = [index_row(meta, body) for meta, body in self._articles_with_bodies(shard)]
            with index.transaction():
                index.upsert(rows)
            count += len(rows)
        return count

    @staticmethod
    def _index_files(path: Path) -> list[Path]:
        names = [path, *(path.with_name(path.name + s) for s in ("-wal", "-shm", "-journal"))]
        return [p for p in names if p.exists() or p.is_symlink()]

    def _keep_old_log(self, path: Path) -> None:
        """A write-ahead log left by an older tuireader or a crash: keep a copy, then let SQLite apply it."""
        wal = path.with_name(path.name + "-wal")
        if not (wal.exists() or wal.is_symlink()):
            return
        try:
            if not wal.is_file():
                raise IsADirectoryError(errno.EISDIR, "not a regular file")
            data = wal.read_bytes()
        except OSError as exc:
            aside = set_aside(wal, "corrupt")
            self.notices.append(
                f"{wal.name} could not be read ({exc.strerror or exc}); kept aside as {aside.name}. The index "
                "is checked against the articles and re-indexed where needed; nothing was lost."
            )
            return
        if not data:
            aside = set_aside(wal, "corrupt")
            self.notices.append(
                f"{wal.name} was an empty log, left by an older tuireader or a crash; kept aside as {aside.name}; "
                "nothing was lost."
            )
            return
        from .jsonstorage import atomic_write_bytes

        copy = wal.with_name(f"{wal.name}.found-{int(os.path.getmtime(wal))}")
        try:
            atomic_write_bytes(copy, data, durable=False)
        except OSError:
            copy = wal
        self.notices.append(
            f"{wal.name}, the index's log from an older tuireader or a crash, was applied (a copy is kept as "
            f"{copy.name}); the index is checked against the articles, so nothing was lost."
        )

    def _data_version(self) -> int:
        try:
            return self._index().data_version()
        except sqlite3.Error:
            return 0

    def changed_elsewhere(self) -> bool:
        """True once after another tuireader changed the library (cheap: ask it on a timer)."""
        version = self._data_version()
        changed, self._outside_version = version != self._outside_version, version
        if changed:
            self._forget_cached_files()
        return changed

    # --- schema ---------------------------------------------------------------
    def schema_version(self) -> int:
        row = self._table("info").get(doc_id=1)
        return int(row.get("schema_version", 0)) if isinstance(row, dict) else 0

    def _check_schema(self) -> None:
        assert self.main is not None
        info = self.main.table("info")
        row = info.get(doc_id=1)
        if row is None:
            if not self.read_only:
                version = SCHEMA_VERSION if not any((self.root / "bodies").glob("*.json")) else 1
                info.insert(Document({"schema_version": version, "created": _now()}, doc_id=1))
                if version < SCHEMA_VERSION:
                    self._migrate(version)
            return
        version = row.get("schema_version", 0)
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"This library was written by a newer tuireader (schema {version}); please upgrade tuireader."
            )
        if version < SCHEMA_VERSION and not self.read_only:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        """Schema 2: bodies as appended lines, no rolling .bak copies, entities out of articles/."""
        assert self.main is not None
        if version < 2 and self._lock.held:
            from .migrate import to_schema_2

            to_schema_2(self)
        self.main.table("info").update({"schema_version": SCHEMA_VERSION}, doc_ids=[1])

    def close(self) -> None:
        if self.index is not None and not self.read_only and self.index.rows_written:
            self._compact_index()
        for db in self._shards.values():
            db.close()
        self._shards.clear()
        self._bodies.clear()
        if self.main is not None:
            self.main.close()
        if self.index is not None:
            self.index.close()
        self._lock.release()

    def _compact_index(self) -> None:
        """Pack the index after many rows were written (an import, a rebuild): see SearchIndex.compact."""
        assert self.index is not None
        try:
            # Asked before taking the lock: most sessions wrote a few rows and need no second hold of it.
            if self.index.compact_due:
                with self._write():
                    self.index.compact()
        except (LibraryError, sqlite3.Error):  # another tuireader is writing, or the index is damaged: not now
            pass
        finally:
            self.index.rows_written = 0

    # --- writing ----------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[None]:
        """Hold the write lock for one change (re-entrant); a full disk becomes one sentence."""
        if self.read_only:
            raise LibraryError(self._read_only_reason)
        if self._lock.held:
            yield
            return
        if not self._lock.acquire(WRITE_WAIT_SECONDS):
            raise LibraryError(
                f"Another tuireader has been writing to this library for over {WRITE_WAIT_SECONDS:g} seconds, "
                "so this change was not made; try again in a moment."
            )
        try:
            self._catch_up()
            yield
        except (OSError, sqlite3.OperationalError) as exc:
            if _is_disk_full(exc):
                raise LibraryError(DISK_FULL_SENTENCE) from None
            raise
        finally:
            self._release()
            self._seen_version = self._data_version()

    def _catch_up(self) -> None:
        """Another process wrote since this one last did: read files again rather than trust caches."""
        version = self._data_version()
        if version != self._seen_version:
            self._forget_cached_files()
            self._seen_version = version

    def _forget_cached_files(self) -> None:
        for db in [self.main, *self._shards.values()]:
            if db is not None:
                db.storage.forget()  # type: ignore[attr-defined]
                db.clear_cache()

    def _main_write(self, change: Callable[[], Any]) -> None:
        """A change to tuireader.json, announced to other readers through the index."""
        with self._write():
            change()
            try:
                self._index().note_write()
            except sqlite3.Error:
                pass  # the others notice at their next article change

    # --- shards ------------------------------------------------------------
    def _articles(self, shard: str) -> TinyDB:
        """The articles shard, rebuilt from the index and the bodies when it is missing or damaged."""
        db = self._shards.get(shard)
        if db is None:
            path = self.root / "articles" / f"{shard}.json"
            durable = self.durable and self._batch_durable
            db = TinyDB(
                path,
                storage=AtomicJSONStorage,
                read_only=self.read_only,
                durable=durable,
                journal=True,
                omit=META_DEFAULTS,
            )
            self._shards[shard] = db
            self._check_articles(shard, db)
        return db

    def _check_articles(self, shard: str, db: TinyDB) -> None:
        storage: AtomicJSONStorage = db.storage  # type: ignore[assignment]
        damaged = storage.path
        try:
            if storage.read() is not None:
                return
            problem = "missing"
        except CorruptFileError as exc:
            damaged, problem = exc.path, f"damaged ({exc.reason})"
        except OSError as exc:
            problem = f"unreadable ({exc.strerror or exc})"
        self._rebuild_articles(shard, storage, problem, damaged)

    def _shard_docs(self, shard: str) -> dict[str, dict[str, Any]]:
        """The documents of an articles shard as stored (by doc id, a string), without TinyDB's copies."""
        db = self._articles(shard)
        try:
            data = db.storage.read()
        except (CorruptFileError, OSError):
            self._shards.pop(shard, None)
            data = self._articles(shard).storage.read()
        table = (data or {}).get("_default")
        return table if isinstance(table, dict) else {}

    def _articles_docs(self, shard: str) -> dict[int, dict[str, Any]]:
        """Every document of an articles shard by doc id (recovering a file damaged since it was opened)."""
        db = self._articles(shard)
        try:
            return {doc.doc_id: doc for doc in db.all()}
        except (CorruptFileError, OSError):
            self._shards.pop(shard, None)
            return {doc.doc_id: doc for doc in self._articles(shard).all()}

    def _rebuild_articles(self, shard: str, storage: AtomicJSONStorage, problem: str, damaged: Path) -> None:
        known = search.shard_rows(self._index(), shard_bounds(shard))
        bodies = self._body_shard(shard).all() if shard not in self._unreadable else {}
        if problem == "missing" and not known and not bodies:
            return  # a shard no article has reached yet
        docs, unknown_state = _rebuilt_metas(known, bodies)
        data = {"_default": {str(_doc_id(art_id)): meta for art_id, meta in docs.items()}}
        name = f"articles/{damaged.name}"
        lost = (
            f"; the reading state and tags of {_plural(unknown_state, 'article')} were not in the index"
            if (unknown_state)
            else "; nothing was lost"
        )
        if self.read_only:
            storage.use(data)
            self.notices.append(f"{name} is {problem}; showing its {len(docs)} articles from the index and bodies.")
            return
        with self._write():
            aside = set_aside(damaged, "corrupt") if damaged.exists() or damaged.is_symlink() else None
            storage.write(data)
        kept = f"; kept aside as {aside.name}" if aside else ""
        self.notices.append(
            f"{name} was {problem}{kept}; rebuilt its {_plural(len(docs), 'article')} from the index and the "
            f"copies in bodies/{shard}.jsonl{lost}."
        )

    def _body_shard(self, shard: str) -> BodyShard:
        body = self._bodies.get(shard)
        if body is None:
            body = BodyShard(self.root / "bodies" / f"{shard}.jsonl", durable=self.durable and self._batch_durable)
            self._bodies[shard] = body
        return body

    def _stamp(self, shard: str) -> str:
        """What the index remembers of a shard's files: a change to either makes it re-index them.

        The bodies file only grows, so its size tells (a failed append is cut back to it).
        """
        parts = []
        root = str(self.root)  # string paths: opening stamps every shard, and pathlib costs more than the stat
        articles, bodies = os.path.join(root, "articles", shard), os.path.join(root, "bodies", shard)
        for path, fields in ((f"{articles}.json", 3), (f"{bodies}.jsonl", 2), (f"{articles}{LOG_SUFFIX}", 3)):
            try:
                st = os.stat(path)
            except OSError:
                parts.append("missing")
                continue
            parts.append(":".join(map(str, (st.st_ino, st.st_size, st.st_mtime_ns)[:fields])))
        if parts[-1] == "missing":  # no log: the stamp an index of an older tuireader kept
            parts.pop()
        return "|".join(parts)

    def existing_shards(self) -> list[str]:
        names = {*_shard_names(self.root / "articles", ".json"), *_shard_names(self.root / "bodies", ".jsonl")}
        return sorted(names)

    def stale_shards(self) -> list[str]:
        """Shards whose files changed since the index last saw them."""
        known = self._index().shard_stamps()
        shards = sorted(set(self.existing_shards()) | set(known))
        return [s for s in shards if known.get(s) != self._stamp(s)]

    def sync_index(self, *, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Re-index every shard whose files changed since they were indexed."""
        stale = self.stale_shards()
        for done, shard in enumerate(stale, 1):
            self.reindex_shard(shard)
            if on_progress:
                on_progress(done, len(stale))
        if len(stale) > 16:
            with self._write():
                self._index().optimize()
        return len(stale)

    def reindex_shard(self, shard: str) -> None:
        """Index a shard again from its files (repairing them first when damaged).

        A shard not open before is closed after: re-indexing the library must
        not leave all of it in memory.
        """
        was_open = shard in self._shards
        try:
            self._reindex_shard(shard)
        finally:
            if not was_open:
                self._shards.pop(shard, None)
                self._bodies.pop(shard, None)

    def _reindex_shard(self, shard: str) -> None:
        with self._write():
            self._check_log(shard)
            metas = self._articles_docs(shard)
            bodies = self._checked_bodies(shard, metas)
            index = self._index()

            def body_of(num: int) -> str | None:
                body = bodies.get(f"{num:012x}")
                return body.get("text", "") if body is not None and not body.get("lost") else None

            with index.transaction():
                before = index.nums_in_shard(shard)
                index.remove_shard(before, body_of)
                kept = [full_meta(m) for m in metas.values() if m.get("id")]
                index.upsert([index_row(m, bodies.get(m["id"])) for m in kept])
                self._group_shard({f"{num:012x}" for num in before}, kept, bodies)
                # An unreadable bodies file is tried again at the next open.
                index.set_shard_stamp(shard, "unreadable" if shard in self._unreadable else self._stamp(shard))

    def _check_log(self, shard: str) -> None:
        """A shard's log gone or cut short since it was indexed, the shard itself untouched: its
        changes are in the index only, so the shard is rebuilt from there."""
        problem = _log_loss(self._index().shard_stamps().get(shard), self._stamp(shard))
        if problem is not None:
            storage: AtomicJSONStorage = self._articles(shard).storage  # type: ignore[assignment]
            self._rebuild_articles(shard, storage, problem, log_path(storage.path))

    def _checked_bodies(self, shard: str, metas: dict[int, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        """The bodies of a shard; a damaged or missing file is repaired, and its lost texts named."""
        body = self._body_shard(shard)
        try:
            damage = body.check()
            found = body.all()
        except OSError as exc:
            self._report_unreadable_bodies(shard, exc, len(metas))
            return {}
        self._unreadable.discard(shard)
        missing = [m["id"] for m in metas.values() if m.get("id") and m["id"] not in found]
        if damage is None and not missing:
            return found
        return self._repair_bodies(shard, found, missing, damage.reason if damage else "missing lines")

    def _repair_bodies(
        self, shard: str, found: dict[str, dict[str, Any]], missing: list[str], reason: str
    ) -> dict[str, dict[str, Any]]:
        body = self._body_shard(shard)
        entities = search.entity_rows(self._index(), shard_bounds(shard))
        new_loss = [i for i in missing]
        placeholders = {i: {"id": i, "text": "", "lost": True, "entities": entities.get(i, [])} for i in missing}
        already_lost = [i for i, b in found.items() if b.get("lost")]
        path = body.path
        exists = path.exists() or path.is_symlink()
        aside = set_aside(path, "corrupt") if exists else None
        body.rewrite([*found.values(), *placeholders.values()])
        if not new_loss and aside is None:
            return {**found, **placeholders}
        kept = f"; kept aside as {aside.name}" if aside else ""
        state = "damaged (" + reason + ")" if exists else "missing"
        lost = (
            f"the text of {_plural(len(new_loss), 'article')} is lost (titles, tags, reading state and entities "
            "are kept)"
            if new_loss
            else "no text was lost"
        )
        recovered = len(found) - len(already_lost)
        self.notices.append(
            f"bodies/{shard}.jsonl was {state}{kept}; recovered the text of {_plural(recovered, 'article')}, {lost}."
        )
        return {**found, **placeholders}

    def _report_unreadable_bodies(self, shard: str, exc: OSError, count: int) -> None:
        if shard in self._unreadable:
            return
        self._unreadable.add(shard)
        self.notices.append(
            f"bodies/{shard}.jsonl cannot be read ({exc.strerror or exc}): the text of its "
            f"{_plural(count, 'article')} stays in it, untouched, and shows again once it can be read."
        )

    # --- articles ----------------------------------------------------------
    def put_articles(self, records: Iterable[ArticleRecord]) -> list[str]:
        """Store new articles, one write per touched shard.  Returns the stored ids.

        An id already stored is skipped: an id stands for one text.
        """
        by_shard: dict[str, list[ArticleRecord]] = {}
        for record in records:
            by_shard.setdefault(shard_of(record.id), []).append(record)
        stored: list[str] = []
        with self._write(), self._one_sync(len(by_shard) > 4), self._grouping() as grouped:
            index = self._index()
            for shard, group in sorted(by_shard.items()):
                metas = self._articles(shard)
                fresh = list({r.id: r for r in group if metas.get(doc_id=_doc_id(r.id)) is None}.values())
                if not fresh:
                    continue
                self._store_files(shard, metas, fresh)
                try:
                    with index.transaction():
                        index.upsert([index_row(r.meta, r.body, r.text_values) for r in fresh])
                        index.set_shard_stamp(shard, self._stamp(shard))
                except sqlite3.OperationalError as exc:
                    if _is_disk_full(exc):
                        raise LibraryError(INDEX_BEHIND_SENTENCE) from None
                    raise
                stored.extend(r.id for r in fresh)
                grouped.extend(fresh)
        return stored

    @contextmanager
    def _one_sync(self, many: bool) -> Iterator[None]:
        """Writes to many shards: each file written without its own fsync, then the folder's
        file system synced once, before the call returns (one disk flush instead of hundreds)."""
        if not many or not self.durable or not _syncfs_available():
            yield
            return
        self._set_durable(False)
        try:
            yield
        finally:
            self._set_durable(True)
            _syncfs(self.root)

    def _set_durable(self, durable: bool) -> None:
        for db in self._shards.values():
            db.storage.durable = durable  # type: ignore[attr-defined]
        for body in self._bodies.values():
            body.durable = durable
        self._batch_durable = durable

    def _store_files(self, shard: str, metas: TinyDB, fresh: list[ArticleRecord]) -> None:
        """Bodies, then metadata: a failure in between cuts the bodies back, so both stay as they were."""
        bodies = self._body_shard(shard)
        try:
            size = bodies.path.stat().st_size
        except FileNotFoundError:
            size = 0
        bodies.append([_stored_body(r) for r in fresh])
        try:
            _upsert_docs(metas, [(r.id, _stored_meta(r.meta)) for r in fresh])
        except BaseException:
            bodies.cut(size)
            raise

    def _meta_of(self, article_id: str) -> dict[str, Any] | None:
        return self.get_meta(article_id)

    def _body_of(self, article_id: str) -> dict[str, Any] | None:
        return self.get_body(article_id)

    def get_meta(self, article_id: str) -> dict[str, Any] | None:
        doc = self._shard_docs(shard_of(article_id)).get(str(_doc_id(article_id)))
        return full_meta(doc) if doc is not None else None

    def get_body(self, article_id: str) -> dict[str, Any] | None:
        shard = shard_of(article_id)
        try:
            return self._body_shard(shard).get(article_id)
        except OSError as exc:
            self._report_unreadable_bodies(shard, exc, len(self._index().nums_in_shard(shard)))
            return None

    def update_meta(
        self, article_ids: Iterable[str], changes: Callable[[dict[str, Any]], dict[str, Any] | None]
    ) -> list[str]:
        """Apply ``changes(meta) -> fields`` to articles; one write per shard.

        The change reaches the shard file (fsync'd) before the index.
        Entities given here go to the index only (the body holds them).
        """
        by_shard: dict[str, list[str]] = {}
        for article_id in article_ids:
            by_shard.setdefault(shard_of(article_id), []).append(article_id)
        changed: list[str] = []
        with self._write():
            for shard, ids in sorted(by_shard.items()):
                changed.extend(self._update_shard(shard, ids, changes))
        return changed

    def _update_shard(
        self, shard: str, ids: list[str], changes: Callable[[dict[str, Any]], dict[str, Any] | None]
    ) -> list[str]:
        docs = self._shard_docs(shard)
        updates: dict[int, dict[str, Any]] = {}
        for article_id in ids:
            stored = docs.get(str(_doc_id(article_id)))
            if stored is None:
                continue
            doc = full_meta(stored)
            fields = changes(dict(doc))
            if fields and any(doc.get(k) != v for k, v in fields.items()):
                updates[_doc_id(article_id)] = fields
        if not updates:
            return []
        db = self._articles(shard)
        db.storage.change("_default", {str(n): _stored_meta(f) for n, f in updates.items()})  # type: ignore[attr-defined]
        db.clear_cache()
        index = self._index()
        with index.transaction():
            for doc_id, fields in updates.items():
                self._index_change(f"{doc_id:012x}", fields)
            index.set_shard_stamp(shard, self._stamp(shard))
        return [f"{doc_id:012x}" for doc_id in updates]

    def _index_change(self, article_id: str, fields: dict[str, Any]) -> None:
        index = self._index()
        if "read" in fields or "bookmarked" in fields:
            index.update_state(article_id, read=fields.get("read"), bookmarked=fields.get("bookmarked"))
        if "tags" in fields or "entities" in fields:
            meta = self.get_meta(article_id) or {}
            body = self.get_body(article_id) or {}
            entities = _entity_triples(fields["entities"]) if "entities" in fields else None
            index.update_labels(
                article_id, list(meta.get("tags", ())), entities, body.get("text", ""), fields.get("extractor")
            )

    def update_bodies(self, changes: dict[str, dict[str, Any]]) -> None:
        """Set fields of stored bodies (``{id: fields}``), one append per shard."""
        by_shard: dict[str, list[dict[str, Any]]] = {}
        for article_id, fields in changes.items():
            by_shard.setdefault(shard_of(article_id), []).append({"id": article_id, **fields})
        with self._write():
            for shard, docs in sorted(by_shard.items()):
                self._body_shard(shard).append(docs)

    def iter_meta(self) -> Iterator[dict[str, Any]]:
        """Every article's metadata, shard by shard.

        Shards not already open are read without being kept: a scan of the
        whole library must not leave it all in memory.
        """
        for shard in self.existing_shards():
            db = self._shards.get(shard)
            if db is not None:
                docs = list(db.all())
            else:
                path = self.root / "articles" / f"{shard}.json"
                try:
                    docs = list((read_logged(path).get("_default") or {}).values())
                except (CorruptFileError, OSError):
                    docs = list(self._articles_docs(shard).values())  # recovers it
            yield from map(full_meta, docs)

    def _story_docs(self) -> Iterator[StoryDoc]:
        """Every article as grouping sees it, shard by shard (a shard not open before is not kept)."""
        for shard in self.existing_shards():
            was_open = shard in self._shards
            docs = [story_doc(meta, body) for meta, body in self._articles_with_bodies(shard)]
            if not was_open:
                self._shards.pop(shard, None)
                self._bodies.pop(shard, None)
            yield from docs

    # --- questions the index answers ----------------------------------------
    def _index(self) -> SearchIndex:
        assert self.index is not None, "the store is closed"
        return self.index

    def data_version(self) -> int:
        return self._data_version()

    def check_writable(self) -> None:
        """Raise the sentence that says why this store cannot write, if it cannot."""
        if self.read_only:
            raise LibraryError(self._read_only_reason)

    def query_ids(self, parsed: ParsedQuery, entity_keys: search.EntityKeys, limit: int | None = None) -> list[str]:
        """Ids of a view or search in display order (see :func:`search.query_ids`)."""
        return search.query_ids(self._index(), parsed, entity_keys, limit)

    def count(self, parsed: ParsedQuery, entity_keys: search.EntityKeys) -> tuple[int, int]:
        return search.count(self._index(), parsed, entity_keys)

    def summary_rows(self, ids: list[str]) -> list[search.SummaryRow]:
        return search.summary_rows(self._index(), ids)

    def summary_pages(
        self, parsed: ParsedQuery, entity_keys: search.EntityKeys, limit: int | None
    ) -> Iterator[list[search.SummaryRow]]:
        """List rows of a view without words, in display order, a page at a time (one query)."""
        return search.summary_pages(self._index(), parsed, entity_keys, limit)

    def ids_with_prefix(self, prefix: str) -> list[str]:
        return search.ids_with_prefix(self._index(), prefix)

    def group_counts(self) -> list[search.GroupCount]:
        return search.group_counts(self._index())

    def tag_counts(self) -> list[tuple[str, int, int]]:
        return search.tag_counts(self._index())

    def tags_by_use(self) -> list[tuple[str, int]]:
        return search.tags_by_use(self._index())

    def tag_spellings(self, keys: list[str]) -> dict[str, str]:
        return search.tag_spellings(self._index(), keys) if keys else {}

    def ids_with_other_extractor(self, version: str) -> list[str]:
        return search.ids_with_other_extractor(self._index(), version)

    def find_duplicate(self, url: str | None, content_hash: str | None) -> str | None:
        """The id of a stored article with this URL or this text, if any."""
        return self._index().find_duplicate(url, content_hash)

    def article_count(self) -> int:
        return self._index().count()

    def has_articles(self) -> bool:
        return not self._index().is_empty()

    def prepare_search(self) -> None:
        """Load what the first search would otherwise wait for (the display order)."""
        self._index().load_order()

    # --- small tables: feeds, saved views, settings --------------------------
    def _table(self, name: str) -> Table:
        assert self.main is not None, "the store is closed"
        return self.main.table(name)

    def feeds(self) -> list[dict[str, Any]]:
        return [dict(feed) for feed in self._table("sources").all()]

    def put_feed(self, feed: dict[str, Any]) -> None:
        """Add or replace a feed (by its ``id``)."""
        self._main_write(lambda: self._table("sources").upsert(feed, Query().id == feed["id"]))

    def update_feed(self, feed_id: str, changes: dict[str, Any]) -> None:
        self._main_write(lambda: self._table("sources").update(changes, Query().id == feed_id))

    def remove_feed(self, feed_id: str) -> None:
        self._main_write(lambda: self._table("sources").remove(Query().id == feed_id))

    def views(self) -> list[dict[str, Any]]:
        return [dict(view) for view in self._table("views").all()]

    def put_view(self, name: str, query: str) -> None:
        self._main_write(lambda: self._table("views").upsert({"name": name, "query": query}, Query().name == name))

    def remove_view(self, name: str) -> None:
        self._main_write(lambda: self._table("views").remove(Query().name == name))

    def setting(self, key: str) -> Any:
        row = self._table("settings").get(doc_id=1)
        return row.get(key) if isinstance(row, dict) else None

    def set_setting(self, key: str, value: Any) -> None:
        def change() -> None:
            table = self._table("settings")
            row = table.get(doc_id=1)
            values = dict(row) if isinstance(row, dict) else {}
            values[key] = value
            table.upsert(Document(values, doc_id=1))

        self._main_write(change)


def _libc() -> Any:
    import ctypes

    return ctypes.CDLL(None, use_errno=True)


def _syncfs_available() -> bool:
    try:
        return hasattr(_libc(), "syncfs")
    except OSError:
        return False


def _syncfs(root: Path) -> None:
    """Flush every file written on the library's file system (Linux ``syncfs``)."""
    import ctypes

    fd = os.open(root, os.O_RDONLY)
    try:
        if _libc().syncfs(fd) != 0:
            err = ctypes.get_errno()
            raise OSError(err, os.strerror(err))
    finally:
        os.close(fd)


def _log_loss(indexed: str | None, now: str) -> str | None:
    """How a shard's log was lost, from its stamps when indexed and now (None: it was not).

    Only a fold removes a log, and a fold writes the shard anew: a log that
    shrank or went while the shard file kept its size and time was damaged.
    Inode numbers are left out, so a copied library compares the same.
    """
    before, after = (indexed or "").split("|"), now.split("|")
    if len(before) < 3 or before[0].split(":")[1:] != after[0].split(":")[1:]:
        return None
    if len(after) < 3:
        return "deleted"
    return "cut short" if int(after[2].split(":")[1]) < int(before[2].split(":")[1]) else None


def _readable_json(path: Path) -> tuple[bool, str]:
    """(parses as a JSON object, what is wrong otherwise: "missing" or a reason)."""
    try:
        data = read_json_file(path)
    except FileNotFoundError:
        return False, "missing"
    except CorruptFileError as exc:
        return False, f"damaged ({exc.reason})"
    except OSError as exc:
        return False, f"unreadable ({exc.strerror or exc})"
    return (True, "") if isinstance(data, dict) else (False, "damaged (not a JSON object)")


def _rebuilt_metas(
    known: dict[str, dict[str, Any]], bodies: dict[str, dict[str, Any]]
) -> tuple[dict[str, dict[str, Any]], int]:
    """Article metadata from what the index knows and the copies in the bodies; and how many lack a state."""
    docs: dict[str, dict[str, Any]] = {}
    unknown_state = 0
    for art_id in sorted(set(known) | set(bodies)):
        copy = dict((bodies.get(art_id) or {}).get("meta") or {})
        row = known.get(art_id)
        meta: dict[str, Any] = {"id": art_id, "read": False, "bookmarked": False, "tags": [], **copy}
        if row is not None:
            added = copy.get("added") or row["added"]
            meta.update({k: v for k, v in row.items() if v is not None or k not in meta}, added=added)
        else:
            unknown_state += 1
        for key in FIXED_FIELDS:
            meta.setdefault(key, None)
        text = (bodies.get(art_id) or {}).get("text")
        if text and not meta.get("content_hash"):
            meta["content_hash"] = content_hash(text)
        meta["title"] = meta.get("title") or "Untitled"
        docs[art_id] = meta
    return docs, unknown_state


# TinyDB's private ``Table._update_table`` writes many documents in one file
# write (its public calls write once per call); pyproject caps tinydb below 5.
def _upsert_docs(db: TinyDB, docs: list[tuple[str, dict[str, Any]]]) -> None:
    def apply(table: dict[int, Mapping[str, Any]]) -> None:
        for article_id, doc in docs:
            table[_doc_id(article_id)] = doc

    db.table("_default")._update_table(apply)


def _dumps(data: Any) -> bytes:
    import orjson

    return orjson.dumps(data)


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def content_hash(text: str) -> str:
    import hashlib

    from ..text import fold

    return hashlib.sha1(" ".join(fold(text).split()).encode("utf-8")).hexdigest()
