"""The library on disk: TinyDB files as the store of record, plus a derived index.

Layout of a library folder::

    tuireader.json        sources, saved views, settings, schema version
    articles/XX.json      list metadata and reading state, 256 shards by id
    bodies/XX.json        cleaned text, lead and entities, same shards
    index.sqlite          derived index (order, counts, search); rebuildable
    library.lock          held by the one process that may write

Sharding keeps every write small: a bookmark rewrites one shard of a few
hundred articles, never the library.  Bodies live apart from metadata so the
list never loads text.
"""

from __future__ import annotations

import errno
import fcntl
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tinydb import Query, TinyDB
from tinydb.table import Document, Table

from . import search
from .index import IndexRow, SearchIndex, shard_bounds
from .jsonstorage import AtomicJSONStorage, CorruptFileError, read_json_file
from .query import ParsedQuery

SCHEMA_VERSION = 1
MAIN_FILE = "tuireader.json"
LOCK_FILE = "library.lock"
INDEX_FILE = "index.sqlite"


class LibraryError(Exception):
    """A library problem a user can act on; the message is one clear sentence."""


def article_id_for(url: str | None, content_hash: str) -> str:
    """Stable 12-hex-digit id: from the canonical URL when known, else the text."""
    import hashlib

    basis = f"url:{url}" if url else f"text:{content_hash}"
    return hashlib.sha1(basis.encode("utf-8")).hexdigest()[:12]


def shard_of(article_id: str) -> str:
    return article_id[:2]


def _doc_id(article_id: str) -> int:
    return int(article_id, 16)


@dataclass
class ArticleRecord:
    """One article as stored: ``meta`` goes to articles/, ``body`` to bodies/."""

    meta: dict[str, Any]
    body: dict[str, Any]

    @property
    def id(self) -> str:
        return self.meta["id"]


def index_row(meta: dict[str, Any], body: dict[str, Any] | None) -> IndexRow:
    entities = [(e["key"], e["type"], e["text"]) for e in meta.get("entities", ())]
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
        entities=entities,
        body=(body or {}).get("text", ""),
        content_hash=meta.get("content_hash"),
        url=meta.get("url"),
        extractor=meta.get("extractor"),
    )


@dataclass
class Store:
    """Open library folder.  Use :meth:`open`; close with :meth:`close`."""

    root: Path
    read_only: bool = False
    notices: list[str] = field(default_factory=list)
    durable: bool = True

    def __post_init__(self) -> None:
        self._lock_handle: Any = None
        self._shards: dict[tuple[str, str], TinyDB] = {}
        self.main: TinyDB | None = None
        self.index: SearchIndex | None = None

    # --- opening -----------------------------------------------------------
    @classmethod
    def open(cls, root: Path, *, read_only: bool = False, durable: bool = True, sync: bool = True) -> Store:
        """Open (creating) a library folder.

        ``sync=False`` leaves out-of-date index shards for :meth:`sync_index`,
        so that a reader can paint first and re-index in the background.
        """
        store = cls(Path(root), read_only=read_only, durable=durable)
        store._open(sync=sync)
        return store

    def _open(self, *, sync: bool = True) -> None:
        root = self.root
        try:
            root.mkdir(parents=True, exist_ok=True)
            (root / "articles").mkdir(exist_ok=True)
            (root / "bodies").mkdir(exist_ok=True)
        except OSError as exc:
            raise LibraryError(f"Cannot create the library folder {root}: {exc.strerror or exc}.") from None
        if not self.read_only:
            self._take_lock()
        self.main = self._open_tinydb(root / MAIN_FILE)
        self._check_schema()
        try:
            self.index = SearchIndex(root / INDEX_FILE, read_only=self.read_only)
        except Exception as exc:  # a corrupt index is only a cache: rebuild it
            if self.read_only:
                raise LibraryError(f"The library index is unreadable and this reader is read-only: {exc}.") from None
            self._set_aside(root / INDEX_FILE, "index could not be opened")
            for suffix in ("-wal", "-shm"):
                (root / (INDEX_FILE + suffix)).unlink(missing_ok=True)
            self.index = SearchIndex(root / INDEX_FILE)
        if not self.read_only and sync:
            self.sync_index()

    def _take_lock(self) -> None:
        path = self.root / LOCK_FILE
        try:
            handle = open(path, "a+")
        except OSError as exc:
            raise LibraryError(f"Cannot write to the library folder {self.root}: {exc.strerror or exc}.") from None
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            handle.close()
            if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                self.read_only = True
                self.notices.append("Another tuireader is using this library, so it is open read-only.")
                return
            raise
        # Probe that the folder is really writable (flock works on read-only mounts).
        probe = self.root / f".write-probe-{os.getpid()}"
        try:
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()
            raise LibraryError(f"Cannot write to the library folder {self.root}: {exc.strerror or exc}.") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        self._lock_handle = handle

    def _open_tinydb(self, path: Path) -> TinyDB:
        db = TinyDB(path, storage=AtomicJSONStorage, read_only=self.read_only, durable=self.durable)
        storage: AtomicJSONStorage = db.storage  # type: ignore[assignment]
        if not path.exists() and path.with_name(path.name + ".bak").exists():
            self._restore_backup(path, reason="missing")
        try:
            storage.read()
        except CorruptFileError as exc:
            self._recover(path, str(exc))
            storage._cache = None
            storage.read()
        return db

    def _set_aside(self, path: Path, reason: str) -> Path | None:
        if not path.exists():
            return None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        aside = path.with_name(f"{path.name}.corrupt-{stamp}")
        os.replace(path, aside)
        self.notices.append(f"{path.name} was damaged ({reason}); kept aside as {aside.name}.")
        return aside

    def _restore_backup(self, path: Path, *, reason: str) -> bool:
        backup = path.with_name(path.name + ".bak")
        if not backup.exists():
            return False
        try:
            read_json_file(backup)
        except (CorruptFileError, OSError):
            return False
        if self.read_only:
            return False
        data = backup.read_bytes()
        tmp = path.with_name(f".{path.name}.restore")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        self.notices.append(f"{path.name} was {reason}; restored the last good copy.")
        return True

    def _recover(self, path: Path, reason: str) -> None:
        if self.read_only:
            raise LibraryError(f"{reason}; open the library once without another reader running to repair it.")
        self._set_aside(path, reason)
        if self._restore_backup(path, reason="damaged"):
            if path.parent.name == "articles":
                # The backup may be up to a minute old; the index saw every later change.
                data = read_json_file(path)
                state = self._index_state(path.stem)
                for doc in (data.get("_default") or {}).values():
                    doc.update(state.get(doc.get("id"), {}))
                path.write_bytes(_dumps(data))
            return
        rebuilt = self._rebuild_shard(path)
        self.notices.append(f"{path.name} had no good copy; rebuilt {rebuilt} articles from what is intact.")

    def _rebuild_shard(self, path: Path) -> int:
        """Rebuild a lost shard from its twin (bodies carry the article fields)."""
        kind = path.parent.name
        if kind not in ("articles", "bodies"):
            path.write_bytes(b"{}")
            return 0
        twin = self.root / ("bodies" if kind == "articles" else "articles") / path.name
        docs: dict[str, Any] = {}
        try:
            twin_data = read_json_file(twin) if twin.exists() else {}
        except CorruptFileError:
            twin_data = {}
        state = self._index_state(path.stem) if kind == "articles" else {}
        for doc_id, doc in (twin_data.get("_default") or {}).items():
            if kind == "articles":
                meta = dict(doc.get("meta") or {})
                if not meta.get("id"):
                    continue
                meta.update(state.get(meta["id"], {}))
                docs[doc_id] = meta
            else:
                docs[doc_id] = {"id": doc.get("id"), "text": "", "lead": None, "lost": True}
        path.write_bytes(_dumps({"_default": docs}))
        return len(docs)

    def _index_state(self, shard: str) -> dict[str, dict[str, Any]]:
        """Reading state of a shard's articles as the derived index last saw it."""
        index_path = self.root / INDEX_FILE
        if not index_path.exists():
            return {}
        try:
            idx = SearchIndex(index_path, read_only=True)
            try:
                return search.shard_state(idx, shard_bounds(shard))
            finally:
                idx.close()
        except Exception:  # an unreadable index only means less to recover
            return {}

    def schema_version(self) -> int:
        row = self._table("info").get(doc_id=1)
        return int(row.get("schema_version", 0)) if isinstance(row, dict) else 0

    def _check_schema(self) -> None:
        assert self.main is not None
        info = self.main.table("info")
        row = info.get(doc_id=1)
        if row is None:
            if not self.read_only:
                info.insert(Document({"schema_version": SCHEMA_VERSION, "created": _now()}, doc_id=1))
            return
        version = row.get("schema_version", 0)
        if version > SCHEMA_VERSION:
            raise LibraryError(
                f"This library was written by a newer tuireader (schema {version}); please upgrade tuireader."
            )
        if version < SCHEMA_VERSION and not self.read_only:
            self._migrate(version)

    def _migrate(self, version: int) -> None:
        # Schema 1 is the first released layout; later migrations go here, one step each.
        assert self.main is not None
        self.main.table("info").update({"schema_version": SCHEMA_VERSION}, doc_ids=[1])

    def close(self) -> None:
        for db in self._shards.values():
            db.close()
        self._shards.clear()
        if self.main is not None:
            self.main.close()
        if self.index is not None:
            self.index.close()
        if self._lock_handle is not None:
            try:
                fcntl.flock(self._lock_handle.fileno(), fcntl.LOCK_UN)
            finally:
                self._lock_handle.close()
                self._lock_handle = None

    # --- shards ------------------------------------------------------------
    def _shard(self, kind: str, shard: str) -> TinyDB:
        key = (kind, shard)
        db = self._shards.get(key)
        if db is None:
            db = self._open_tinydb(self.root / kind / f"{shard}.json")
            self._shards[key] = db
        return db

    def _stamp(self, shard: str) -> str:
        try:
            st = (self.root / "articles" / f"{shard}.json").stat()
        except FileNotFoundError:
            return "missing"
        return f"{st.st_mtime_ns}:{st.st_size}"

    def existing_shards(self) -> list[str]:
        return sorted(p.stem for p in (self.root / "articles").glob("*.json"))

    def stale_shards(self) -> list[str]:
        """Shards whose file changed since the index last saw them."""
        assert self.index is not None
        known = self.index.shard_stamps()
        shards = sorted(set(self.existing_shards()) | set(known))
        return [s for s in shards if known.get(s) != self._stamp(s)]

    def sync_index(self, *, on_progress: Callable[[int, int], None] | None = None) -> int:
        """Re-index every shard whose file changed since it was indexed."""
        stale = self.stale_shards()
        for done, shard in enumerate(stale, 1):
            self.reindex_shard(shard)
            if on_progress:
                on_progress(done, len(stale))
        return len(stale)

    def reindex_shard(self, shard: str) -> None:
        assert self.index is not None
        metas = self._shard("articles", shard).all() if (self.root / "articles" / f"{shard}.json").exists() else []
        bodies = self._shard("bodies", shard)

        def body_of(num: int) -> str | None:
            doc = bodies.get(doc_id=num)
            return doc.get("text", "") if doc is not None else None

        with self.index.transaction():
            self.index.remove_shard(self.index.nums_in_shard(shard), body_of)
            rows = []
            for meta in metas:
                body = bodies.get(doc_id=meta.doc_id)
                rows.append(index_row(dict(meta), dict(body) if body else None))
            self.index.upsert(rows)
            self.index.set_shard_stamp(shard, self._stamp(shard))

    # --- articles ----------------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise LibraryError("The library is open read-only (another tuireader is using it).")

    def put_articles(self, records: Iterable[ArticleRecord]) -> list[str]:
        """Store new articles, one write per touched shard.  Returns the stored ids.

        An id already stored is skipped: an id stands for one text.
        """
        self._writable()
        assert self.index is not None
        by_shard: dict[str, list[ArticleRecord]] = {}
        for record in records:
            by_shard.setdefault(shard_of(record.id), []).append(record)
        stored: list[str] = []
        for shard, group in sorted(by_shard.items()):
            metas = self._shard("articles", shard)
            bodies = self._shard("bodies", shard)
            fresh = [r for r in group if metas.get(doc_id=_doc_id(r.id)) is None]
            if not fresh:
                continue
            # Bodies first: a crash in between leaves an unlisted body, never a listed article without text.
            _upsert_docs(bodies, [(r.id, r.body) for r in fresh])
            _upsert_docs(metas, [(r.id, r.meta) for r in fresh])
            with self.index.transaction():
                self.index.upsert([index_row(r.meta, r.body) for r in fresh])
                self.index.set_shard_stamp(shard, self._stamp(shard))
            stored.extend(r.id for r in fresh)
        return stored

    def get_meta(self, article_id: str) -> dict[str, Any] | None:
        doc = self._shard("articles", shard_of(article_id)).get(doc_id=_doc_id(article_id))
        return dict(doc) if doc is not None else None

    def get_body(self, article_id: str) -> dict[str, Any] | None:
        doc = self._shard("bodies", shard_of(article_id)).get(doc_id=_doc_id(article_id))
        return dict(doc) if doc is not None else None

    def update_meta(
        self, article_ids: Iterable[str], changes: Callable[[dict[str, Any]], dict[str, Any] | None]
    ) -> list[str]:
        """Apply ``changes(meta) -> fields`` to articles; one write per shard.

        The change reaches the TinyDB file (fsync'd) before the index.
        """
        self._writable()
        assert self.index is not None
        by_shard: dict[str, list[str]] = {}
        for article_id in article_ids:
            by_shard.setdefault(shard_of(article_id), []).append(article_id)
        changed: list[str] = []
        for shard, ids in sorted(by_shard.items()):
            metas = self._shard("articles", shard)
            updates: dict[int, dict[str, Any]] = {}
            for article_id in ids:
                doc = metas.get(doc_id=_doc_id(article_id))
                if doc is None:
                    continue
                fields = changes(dict(doc))
                if fields and any(doc.get(k) != v for k, v in fields.items()):
                    updates[doc.doc_id] = fields

            if not updates:
                continue
            _update_docs(metas, updates)
            with self.index.transaction():
                for doc_id, fields in updates.items():
                    article_id = f"{doc_id:012x}"
                    if "read" in fields or "bookmarked" in fields:
                        self.index.update_state(
                            article_id, read=fields.get("read"), bookmarked=fields.get("bookmarked")
                        )
                    if "tags" in fields or "entities" in fields:
                        meta = metas.get(doc_id=doc_id) or {}
                        body = self._shard("bodies", shard).get(doc_id=doc_id) or {}
                        row = index_row(dict(meta), dict(body))
                        self.index.update_labels(article_id, row.tags, row.entities, row.body, row.extractor)
                    changed.append(article_id)
                self.index.set_shard_stamp(shard, self._stamp(shard))
        return changed

    def update_bodies(self, changes: dict[str, dict[str, Any]]) -> None:
        """Set fields of stored bodies (``{id: fields}``), one write per shard."""
        self._writable()
        by_shard: dict[str, dict[int, dict[str, Any]]] = {}
        for article_id, fields in changes.items():
            by_shard.setdefault(shard_of(article_id), {})[_doc_id(article_id)] = fields

        for shard, updates in sorted(by_shard.items()):
            _update_docs(self._shard("bodies", shard), updates)

    def iter_meta(self) -> Iterator[dict[str, Any]]:
        """Every article's metadata, shard by shard.

        Shards not already open are read without being kept: a scan of the
        whole library must not leave it all in memory.
        """
        for shard in self.existing_shards():
            db = self._shards.get(("articles", shard))
            if db is not None:
                docs = [dict(doc) for doc in db.all()]
            else:
                path = self.root / "articles" / f"{shard}.json"
                try:
                    docs = list((read_json_file(path).get("_default") or {}).values())
                except CorruptFileError:
                    docs = [dict(doc) for doc in self._shard("articles", shard).all()]  # recovers it
            yield from docs

    # --- questions the index answers ----------------------------------------
    def _index(self) -> SearchIndex:
        assert self.index is not None, "the store is closed"
        return self.index

    def query_ids(self, parsed: ParsedQuery, entity_keys: search.EntityKeys, limit: int | None = None) -> list[str]:
        """Ids of a view or search in display order (see :func:`search.query_nums`)."""
        return [f"{num:012x}" for num in search.query_nums(self._index(), parsed, entity_keys, limit)]

    def count(self, parsed: ParsedQuery, entity_keys: search.EntityKeys) -> tuple[int, int]:
        return search.count(self._index(), parsed, entity_keys)

    def summary_rows(self, ids: list[str]) -> list[search.SummaryRow]:
        return search.summary_rows(self._index(), ids)

    def ids_with_prefix(self, prefix: str) -> list[str]:
        return search.ids_with_prefix(self._index(), prefix)

    def group_counts(self) -> list[search.GroupCount]:
        return search.group_counts(self._index())

    def tag_counts(self) -> list[tuple[str, int, int]]:
        return search.tag_counts(self._index())

    def tags_by_use(self) -> list[tuple[str, int]]:
        return search.tags_by_use(self._index())

    def ids_with_other_extractor(self, version: str) -> list[str]:
        return search.ids_with_other_extractor(self._index(), version)

    def find_duplicate(self, url: str | None, content_hash: str | None) -> str | None:
        """The id of a stored article with this URL or this text, if any."""
        return self._index().find_duplicate(url, content_hash)

    def article_count(self) -> int:
        return self._index().count()

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
        self._writable()
        self._table("sources").upsert(feed, Query().id == feed["id"])

    def update_feed(self, feed_id: str, changes: dict[str, Any]) -> None:
        self._writable()
        self._table("sources").update(changes, Query().id == feed_id)

    def remove_feed(self, feed_id: str) -> None:
        self._writable()
        self._table("sources").remove(Query().id == feed_id)

    def views(self) -> list[dict[str, Any]]:
        return [dict(view) for view in self._table("views").all()]

    def put_view(self, name: str, query: str) -> None:
        self._writable()
        self._table("views").upsert({"name": name, "query": query}, Query().name == name)

    def remove_view(self, name: str) -> None:
        self._writable()
        self._table("views").remove(Query().name == name)

    def setting(self, key: str) -> Any:
        row = self._table("settings").get(doc_id=1)
        return row.get(key) if isinstance(row, dict) else None

    def set_setting(self, key: str, value: Any) -> None:
        self._writable()
        table = self._table("settings")
        row = table.get(doc_id=1)
        values = dict(row) if isinstance(row, dict) else {}
        values[key] = value
        table.upsert(Document(values, doc_id=1))


# TinyDB's private ``Table._update_table`` writes many documents in one file
# write (its public calls write once per call); pyproject caps tinydb below 5.
def _upsert_docs(db: TinyDB, docs: list[tuple[str, dict[str, Any]]]) -> None:
    def apply(table: dict[int, Mapping[str, Any]]) -> None:
        for article_id, doc in docs:
            table[_doc_id(article_id)] = doc

    db.table("_default")._update_table(apply)


def _update_docs(db: TinyDB, updates: dict[int, dict[str, Any]]) -> None:
    """Set fields of existing documents (``{doc_id: fields}``) in one write."""

    def apply(table: dict[int, Mapping[str, Any]]) -> None:
        for doc_id, fields in updates.items():
            if doc_id in table:
                table[doc_id] = {**table[doc_id], **fields}

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
