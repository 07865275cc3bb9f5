"""The reader's use cases: what the command line and the TUI both call.

Nothing here imports Textual.  Heavy modules (the cleaner, the entity
extractor, the fetcher) are imported where first needed so that opening a
library and listing articles stays fast.
"""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .store.query import ParsedQuery, fts_match, parse_query
from .store.store import (
    ArticleRecord,
    LibraryError,
    Store,
    article_id_for,
    content_hash,
)
from .text import clean_input, fold, strip_controls, tone_key

__all__ = [
    "Article",
    "ArticleSummary",
    "ImportReport",
    "Library",
    "LibraryError",
    "SourceEntry",
    "default_library_path",
    "sample_corpus_path",
]

IMPORTABLE_SUFFIXES = (".txt", ".html", ".htm", ".txt.gz", ".html.gz", ".htm.gz")
MAX_IMPORT_BYTES = 50 * 2**20
ProgressCallback = Callable[[int, int, str], None]


def config_file_path() -> Path:
    """``$TUIREADER_CONFIG``, else ``config.toml`` in the user's config directory."""
    env = os.environ.get("TUIREADER_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("tuireader", appauthor=False)) / "config.toml"


def _config_value(key: str) -> Any:
    """One value of the config file; None when it is absent or the file unreadable."""
    try:
        import tomllib

        return tomllib.loads(config_file_path().read_text(encoding="utf-8")).get(key)
    except (OSError, UnicodeDecodeError, ValueError):
        return None


def max_items_per_feed() -> int:
    """``max_items_per_feed`` in the config file: the newest items read per feed per refresh (default 200)."""
    from .fetch import DEFAULT_MAX_ITEMS

    value = _config_value("max_items_per_feed")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return value
    return DEFAULT_MAX_ITEMS


def default_library_path() -> Path:
    """``$TUIREADER_LIBRARY``, else ``library = "..."`` in the config file, else the user's data directory."""
    env = os.environ.get("TUIREADER_LIBRARY")
    if env:
        return Path(env).expanduser()
    configured = _config_value("library")
    if isinstance(configured, str) and configured.strip():
        return Path(configured.strip()).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("tuireader", appauthor=False)) / "library"


def sample_corpus_path() -> Path | None:
    """The bundled sample corpus: beside the package in a checkout or install."""
    here = Path(__file__).resolve().parent
    for candidate in (here.parent / "sample_corpus", here / "sample_corpus"):
        if candidate.is_dir():
            return candidate
    return None


@dataclass(frozen=True)
class ArticleSummary:
    """One row of the article list."""

    id: str
    title: str
    site: str | None
    published: str | None
    read: bool
    bookmarked: bool
    tags: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "site": self.site,
            "published": self.published,
            "read": self.read,
            "bookmarked": self.bookmarked,
            "tags": list(self.tags),
        }


@dataclass
class Article:
    """An article with everything the article pane and the entity panel show."""

    id: str
    title: str
    site: str | None
    author: str | None
    url: str | None
    published: str | None
    lead: str | None
    text: str
    read: bool
    bookmarked: bool
    tags: list[str]
    entities: list[dict[str, Any]]
    source: str | None = None
    added: str | None = None

    @property
    def reading_minutes(self) -> int:
        return max(1, math.ceil(len(self.text.split()) / 200)) if self.text else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "site": self.site,
            "author": self.author,
            "url": self.url,
            "published": self.published,
            "read": self.read,
            "bookmarked": self.bookmarked,
            "tags": self.tags,
            "lead": self.lead,
            "text": self.text,
            "source": self.source,
            "added": self.added,
            "entities": [
                {k: e.get(k) for k in ("text", "type", "count", "aliases", "mentions")} for e in self.entities
            ],
        }


@dataclass(frozen=True)
class SourceEntry:
    """One line of the source pane.  Every entry is a query."""

    kind: str  # all | unread | bookmarks | tag | site | feed | search | entity
    label: str
    query: str
    unread: int
    total: int
    section: str = ""
    id: str | None = None
    error: str | None = None


@dataclass
class ImportReport:
    imported: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "imported": len(self.imported),
            "duplicates": len(self.duplicates),
            "failed": [{"path": p, "error": e} for p, e in self.failed],
        }


def quote_value(value: str) -> str:
    return f'"{value}"' if any(c.isspace() for c in value) or not value else value


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def entities_for(text: str) -> tuple[list[dict[str, Any]], str]:
    """Run the extractor; returns (entities as dicts, extractor version)."""
    from . import entities as extractor

    found = extractor.extract(text)
    return [dict(e.to_json(), key=e.key) for e in found], extractor.EXTRACTOR_VERSION


def _meta_entities(full: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": e["key"], "type": e["type"], "text": e["text"], "count": e["count"]} for e in full]


def _locked(method: Callable[..., Any]) -> Callable[..., Any]:
    """Serialise a library call: the TUI's worker threads and its UI thread share one library."""
    import functools

    @functools.wraps(method)
    def wrapper(self: Library, *args: Any, **kwargs: Any) -> Any:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class Library:
    """An open library.  Create with :meth:`open`; close with :meth:`close`.

    Public calls are serialised by a re-entrant lock, so a refresh or import
    running in a worker thread and key presses on the UI thread take turns.
    Long calls (import, refresh, recomputing entities) take the lock per batch.
    """

    def __init__(self, store: Store) -> None:
        import threading

        self.store = store
        self._lock = threading.RLock()

    # --- lifecycle ---------------------------------------------------------
    @classmethod
    def open(cls, path: Path | str | None = None, *, read_only: bool = False, sync: bool = True) -> Library:
        """Open a library; ``sync=False`` defers re-indexing to :meth:`sync_index`."""
        root = Path(path).expanduser() if path else default_library_path()
        try:
            store = Store.open(root, read_only=read_only, sync=sync)
        except LibraryError:
            raise
        except PermissionError as exc:
            raise LibraryError(f"Cannot write to the library folder {root}: {exc.strerror or exc}.") from None
        except OSError as exc:
            raise LibraryError(f"Cannot open the library at {root}: {exc.strerror or exc}.") from None
        return cls(store)

    @_locked
    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def path(self) -> Path:
        return self.store.root

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    @property
    def notice(self) -> str | None:
        return " ".join(self.store.notices) or None

    def take_notices(self) -> list[str]:
        """Messages about the library (read-only, repairs) not yet shown to the user."""
        shown = getattr(self, "_notices_shown", 0)
        self._notices_shown = len(self.store.notices)
        return self.store.notices[shown:]

    def sync_index(self, on_progress: ProgressCallback | None = None) -> int:
        """Bring the derived index up to date, one shard at a time (others may use the library meanwhile)."""
        if self.read_only:
            return 0
        with self._lock:
            stale = self.store.stale_shards()
        for done, shard in enumerate(stale, 1):
            with self._lock:
                self.store.reindex_shard(shard)
            if on_progress:
                on_progress(done, len(stale), shard)
        return len(stale)

    @_locked
    def prepare_search(self) -> None:
        """Load what the first search would otherwise wait for (the library's display order)."""
        assert self.store.index is not None
        self.store.index.load_order()

    @_locked
    def is_empty(self) -> bool:
        assert self.store.index is not None
        return self.store.index.count() == 0

    # --- importing ---------------------------------------------------------
    def ensure_sample_corpus(self, on_progress: ProgressCallback | None = None) -> int:
        """Import the bundled sample corpus into an empty library, once."""
        if self.read_only or not self.is_empty():
            return 0
        settings = self.store.table("settings")
        if settings.get(doc_id=1) and settings.get(doc_id=1).get("samples_imported"):  # type: ignore[union-attr]
            return 0
        corpus = sample_corpus_path()
        if corpus is None:
            return 0
        report = self.import_paths([corpus], on_progress=on_progress, source="Sample corpus")
        from tinydb.table import Document

        settings.upsert(Document({"samples_imported": True}, doc_id=1))
        return len(report.imported)

    @staticmethod
    def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[tuple[str, str]]]:
        files: list[Path] = []
        problems: list[tuple[str, str]] = []
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                found = sorted(p for p in path.rglob("*") if p.name.lower().endswith(IMPORTABLE_SUFFIXES))
                if not found:
                    problems.append((str(path), "no .txt or .html files in this folder"))
                for candidate in found:
                    if candidate.is_file():
                        files.append(candidate)
                    elif not candidate.is_dir():
                        problems.append((str(candidate), "cannot read: not a regular file (a broken link?)"))
            elif path.is_file():
                files.append(path)
            elif path.exists():
                problems.append((str(path), "not a regular file"))
            else:
                problems.append((str(path), "no such file or folder"))
        return files, problems

    def import_paths(
        self,
        paths: Iterable[Path | str],
        *,
        on_progress: ProgressCallback | None = None,
        source: str | None = None,
        tags: Sequence[str] = (),
        batch_size: int = 200,
    ) -> ImportReport:
        """Import files and folders; bad files are reported by name and skipped."""
        self._writable()
        files, problems = self.collect_files(paths)
        report = ImportReport(failed=list(problems))
        sidecars: dict[Path, dict[str, Any]] = {}
        batch: list[ArticleRecord] = []
        seen: set[str] = set()
        for done, path in enumerate(files, 1):
            if on_progress:
                on_progress(done - 1, len(files), path.name)
            meta_hint = self._sidecar(path, sidecars)
            try:
                data = path.read_bytes()[: MAX_IMPORT_BYTES + 1]
                record = self.build_record(
                    data,
                    filename=path.name,
                    url=meta_hint.get("url"),
                    source=source or path.parent.name,
                    hints=meta_hint,
                    tags=tags,
                    origin=str(path),
                )
            except LibraryError as exc:
                report.failed.append((str(path), str(exc)))
                continue
            except OSError as exc:
                report.failed.append((str(path), f"cannot read: {exc.strerror or exc}"))
                continue
            with self._lock:
                duplicate = record.id in seen or self._duplicate_of(record)
            if duplicate:
                report.duplicates.append(str(path))
                continue
            seen.add(record.id)
            batch.append(record)
            if len(batch) >= batch_size:
                with self._lock:
                    report.imported.extend(self.store.put_articles(batch))
                batch = []
        if batch:
            with self._lock:
                report.imported.extend(self.store.put_articles(batch))
        if on_progress:
            on_progress(len(files), len(files), "")
        return report

    @staticmethod
    def _sidecar(path: Path, cache: dict[Path, dict[str, Any]]) -> dict[str, Any]:
        """Per-file metadata from an ``index.json`` beside the file, when there is one."""
        folder = path.parent
        if folder not in cache:
            cache[folder] = {}
            sidecar = folder / "index.json"
            if sidecar.is_file():
                import orjson

                try:
                    data = orjson.loads(sidecar.read_bytes())
                    if isinstance(data, dict) and isinstance(data.get("files"), dict):
                        cache[folder] = data["files"]
                except (orjson.JSONDecodeError, OSError):
                    pass
        hint = cache[folder].get(path.name)
        return hint if isinstance(hint, dict) else {}

    def _duplicate_of(self, record: ArticleRecord) -> str | None:
        assert self.store.index is not None
        return self.store.index.find_duplicate(record.meta.get("url"), record.meta.get("content_hash"))

    def build_record(
        self,
        data: bytes,
        *,
        filename: str | None = None,
        url: str | None = None,
        content_type: str | None = None,
        source: str | None = None,
        hints: dict[str, Any] | None = None,
        tags: Sequence[str] = (),
        origin: str | None = None,
        cleaned: Any = None,
        entities: tuple[list[dict[str, Any]], str] | None = None,
    ) -> ArticleRecord:
        """Clean a document, extract its entities (unless given, as from :func:`entities_for`) and shape the record."""
        from .clean import CleanError, clean_source

        if cleaned is None:
            if len(data) > MAX_IMPORT_BYTES:
                raise LibraryError(f"larger than {MAX_IMPORT_BYTES // 2**20} MB")
            try:
                cleaned = clean_source(data, url=url, filename=filename, content_type=content_type)
            except CleanError as exc:
                raise LibraryError(str(exc)) from None
        hints = hints or {}
        text = cleaned.text or ""
        title = clean_input(hints.get("title") or cleaned.title or "").strip() or (filename or "Untitled")
        if not text.strip():
            reason = "; ".join(cleaned.warnings) if getattr(cleaned, "warnings", None) else "no article text found"
            raise LibraryError(reason)
        full_entities, extractor_version = entities or entities_for(text)
        chash = content_hash(text)
        canonical = hints.get("url") or cleaned.url or url
        article_id = article_id_for(canonical, chash)
        meta = {
            "id": article_id,
            "title": title,
            "site": hints.get("site") or cleaned.site,
            "author": hints.get("author") or cleaned.author,
            "url": canonical,
            "published": hints.get("published") or cleaned.published,
            "added": _now(),
            "source": source,
            "origin": origin,
            "read": False,
            "bookmarked": False,
            "tags": list(dict.fromkeys(t.strip() for t in tags if t.strip())),
            "content_hash": chash,
            "entities": _meta_entities(full_entities),
            "extractor": extractor_version,
        }
        body = {
            "id": article_id,
            "text": text,
            "lead": cleaned.lead,
            "lang": getattr(cleaned, "lang", None),
            "entities": full_entities,
            # A copy of the list fields lets a lost metadata shard be rebuilt.
            "meta": {
                k: meta[k]
                for k in (
                    "id",
                    "title",
                    "site",
                    "author",
                    "url",
                    "published",
                    "added",
                    "source",
                    "origin",
                    "content_hash",
                    "entities",
                    "extractor",
                    "tags",
                )
            },
        }
        return ArticleRecord(meta=meta, body=body)

    @_locked
    def add_document(self, record: ArticleRecord) -> tuple[str, bool]:
        """Store one record unless a copy is already stored.  Returns (id, is_new)."""
        self._writable()
        existing = self._duplicate_of(record)
        if existing:
            return existing, False
        stored = self.store.put_articles([record])
        return (stored[0], True) if stored else (record.id, False)

    # --- reading -----------------------------------------------------------
    def _where(self, parsed: ParsedQuery) -> tuple[list[str], list[Any]]:
        """SQL conditions on ``articles a`` for a query's qualifiers (its words: see ``_text_match``)."""
        where: list[str] = []
        params: list[Any] = []
        for flag in parsed.flags:
            where.append({"unread": "a.read = 0", "read": "a.read = 1", "bookmarked": "a.bookmarked = 1"}[flag])
        for tags, op in ((parsed.tags, "IN"), (parsed.not_tags, "NOT IN")):
            for tag in tags:
                # Typed without any diacritics, a tag matches every spelling that folds to it.
                column, value = ("tag_f", fold(tag)) if tag.isascii() else ("tag_key", tone_key(tag))
                where.append(f"a.num {op} (SELECT num FROM article_tags WHERE {column} = ?)")
                params.append(value)
        for site in parsed.sites:
            where.append("(lower(a.site) = lower(?) OR a.site LIKE ?)")
            params.extend([site, f"%{site}%"])
        for source in parsed.sources:
            where.append("a.source = ?")
            params.append(source)
        for name in parsed.entities:
            keys = self.entity_keys_for(name)
            placeholders = ",".join("?" * len(keys)) or "NULL"
            plain = fold(name.split(":", 1)[1] if _looks_like_key(name) else name).strip()
            # A full name, or a short one the text used for it ("Blinken" for "Antony Blinken").
            where.append(
                f"a.num IN (SELECT num FROM article_entities WHERE key IN ({placeholders}) OR name_f = ? OR last_f = ?)"
            )
            params.extend([*keys, plain, plain])
        if parsed.before:
            where.append("substr(a.sort_key, 1, 10) < ?")
            params.append(parsed.before)
        if parsed.after:
            where.append("substr(a.sort_key, 1, 10) >= ?")
            params.append(parsed.after)
        return where, params

    @_locked
    def entity_keys_for(self, name: str) -> list[str]:
        """Keys an ``entity:`` value may mean: a key itself, or a name resolved by the extractor."""
        if _looks_like_key(name):
            return [name]
        from . import entities as extractor

        key = extractor.entity_key(name)
        return [key] if key else []

    @_locked
    def query_ids(self, query: str = "", *, limit: int | None = None) -> list[str]:
        """Article ids for a view or search, in display order.

        Newest first; a search puts exact matches of what was typed first,
        then title matches (each group newest first).
        """
        import sqlite3

        index = self.store.index
        assert index is not None
        parsed = parse_query(query)
        match = _text_match(parsed)
        where, params = self._where(parsed)
        # Ids are the rowid in hex: reading the rowid keeps the scan on the index alone.
        sql = "SELECT a.num FROM articles a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        try:
            if match is None:
                sql += " ORDER BY a.sort_key DESC, a.num DESC"
                if limit:
                    sql += f" LIMIT {int(limit)}"
                nums = [row[0] for row in index.db.execute(sql, params)]
            else:
                # The words' hits, put in display order by the index's cached
                # order: cheaper than having SQLite sort tens of thousands.
                hits = index.matching("fold_fts", match)
                if where:
                    hits = hits.intersection(row[0] for row in index.db.execute(sql, params))
                nums = index.in_display_order(hits)
                if nums:
                    nums = self._rank(parsed, nums)
        except sqlite3.OperationalError:  # an FTS syntax corner case must not break the view
            return []
        if limit:
            nums = nums[: int(limit)]
        return [f"{num:012x}" for num in nums]

    def _rank(self, parsed: ParsedQuery, nums: list[int]) -> list[int]:
        """Stable partition of date-ordered results into rank groups."""
        assert self.store.index is not None
        # Typed without diacritics, an exact match is a folded one: skip the costly passes.
        typed_plain = all(fold(t) == t.casefold() for t in parsed.terms)
        questions = [
            ("title_fts", None if typed_plain else fts_match(parsed.terms, "title_t", folded=False)),
            ("exact_fts", None if typed_plain else fts_match(parsed.terms, folded=False)),
            ("title_fts", fts_match(parsed.terms, "title_f")),
        ]
        sets = [self.store.index.matching(table, match) for table, match in questions if match]
        # A stable sort on (not in the first set, not in the second, ...), by buckets,
        # written out (it runs on every hit).
        if len(sets) == 1:
            (members,) = sets
            return [num for num in nums if num in members] + [num for num in nums if num not in members]
        first, second, third = ([set()] * (3 - len(sets))) + sets  # at most three questions
        keys = [((n not in first) << 2) | ((n not in second) << 1) | (n not in third) for n in nums]
        buckets: list[list[int]] = [[] for _ in range(8)]
        for key, num in zip(keys, nums):
            buckets[key].append(num)
        return [num for bucket in buckets for num in bucket]

    @_locked
    def count(self, query: str = "") -> tuple[int, int]:
        """(unread, total) for a view."""
        assert self.store.index is not None
        parsed = parse_query(query)
        match = _text_match(parsed)
        where, params = self._where(parsed)
        if match is not None:
            if not where:
                # Only words: count the hits the list just found (the index keeps them).
                import sqlite3

                try:
                    return self.store.index.count_among(self.store.index.matching("fold_fts", match))
                except sqlite3.OperationalError:
                    return 0, 0
            where.append("a.num IN (SELECT rowid FROM fold_fts WHERE fold_fts MATCH ?)")
            params.append(match)
        sql = "SELECT count(*), coalesce(sum(1 - a.read), 0) FROM articles a"
        if where:
            sql += " WHERE " + " AND ".join(where)
        total, unread = self.store.index.db.execute(sql, params).fetchone()
        return int(unread), int(total)

    @_locked
    def summaries(self, ids: Sequence[str]) -> list[ArticleSummary]:
        """Rows for the given ids, in the same order (unknown ids are skipped)."""
        assert self.store.index is not None
        if not ids:
            return []
        rows: dict[str, ArticleSummary] = {}
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            for art_id, title, site, published, read, bookmarked, tags in self.store.index.db.execute(
                "SELECT id, title, site, published, read, bookmarked, tags FROM articles WHERE id IN (%s)"
                % ",".join("?" * len(chunk)),
                chunk,
            ):
                rows[art_id] = ArticleSummary(
                    art_id,
                    title,
                    site,
                    published,
                    bool(read),
                    bool(bookmarked),
                    tuple(t for t in tags.split("\x1f") if t),
                )
        return [rows[i] for i in ids if i in rows]

    @_locked
    def article(self, article_id: str) -> Article:
        meta = self.store.get_meta(article_id)
        if meta is None:
            raise LibraryError(f"No article with id {article_id}.")
        body = self.store.get_body(article_id) or {}
        return Article(
            id=article_id,
            title=meta.get("title") or "",
            site=meta.get("site"),
            author=meta.get("author"),
            url=meta.get("url"),
            published=meta.get("published"),
            lead=body.get("lead"),
            text=body.get("text", ""),
            read=bool(meta.get("read")),
            bookmarked=bool(meta.get("bookmarked")),
            tags=list(meta.get("tags", [])),
            entities=list(body.get("entities", [])),
            source=meta.get("source"),
            added=meta.get("added"),
        )

    @_locked
    def resolve_id(self, prefix: str) -> str:
        """Accept a full id or an unambiguous prefix of one."""
        assert self.store.index is not None
        rows = self.store.index.db.execute(
            "SELECT id FROM articles WHERE id LIKE ? LIMIT 2", (prefix.lower().strip() + "%",)
        ).fetchall()
        if len(rows) != 1:
            raise LibraryError(
                f"No article with id {prefix}." if not rows else f"The id {prefix} is ambiguous; give more digits."
            )
        return rows[0][0]

    @_locked
    def article_json(self, article_id: str, *, full: bool = False) -> dict[str, Any]:
        """The stable JSON shape of an article for the command line and exports."""
        article = self.article(article_id)
        data = {
            "id": article.id,
            "title": article.title,
            "site": article.site,
            "url": article.url,
            "published": article.published,
            "read": article.read,
            "bookmarked": article.bookmarked,
            "tags": article.tags,
        }
        if full:
            full_data = article.to_json()
            data.update({k: full_data[k] for k in ("author", "lead", "text", "entities", "source", "added")})
        return data

    def export(
        self, ids: Sequence[str], fmt: str, output: Path | None = None, *, name: str = "articles"
    ) -> Path | None:
        """Write articles as Markdown or JSON.  ``output``: a file, a folder, ``-`` (stdout) or None (cwd).

        File names made from titles are sanitised.  Returns the path written, or None for stdout.
        """
        from .text import safe_filename

        suffix = ".md" if fmt == "md" else ".json"
        articles = [self.article_json(i, full=True) for i in ids]
        if fmt == "json":
            import json

            payload = json.dumps(articles if len(articles) != 1 else articles[0], ensure_ascii=False, indent=2)
        else:
            payload = "\n\n---\n\n".join(_markdown(a) for a in articles) + "\n"
        if output is not None and str(output) == "-":
            import sys

            sys.stdout.write(payload if payload.endswith("\n") else payload + "\n")
            return None
        target = output or Path.cwd()
        if target.is_dir():
            target = target / safe_filename(name, suffix)
        from .store.jsonstorage import atomic_write_bytes

        atomic_write_bytes(target, payload.encode("utf-8"), keep_backup=False)
        return target

    # --- the source pane ---------------------------------------------------
    @_locked
    def source_tree(self) -> list[SourceEntry]:
        assert self.store.index is not None
        db = self.store.index.db
        entries: list[SourceEntry] = []
        # One pass over the articles gives the library, feed and site counts.
        by_site: dict[str, list[int]] = {}
        by_source: dict[str, list[int]] = {}
        totals = [0, 0, 0, 0]  # total, unread, bookmarked, bookmarked unread
        for site, source, total, unread, marked, marked_unread in db.execute(
            "SELECT site, source, count(*), total(1 - read), total(bookmarked), total(bookmarked * (1 - read))"
            " FROM articles GROUP BY site, source"
        ):
            counts = [int(total), int(unread), int(marked), int(marked_unread)]
            totals = [a + b for a, b in zip(totals, counts)]
            if site:
                by_site.setdefault(site, [0, 0])
                by_site[site][0] += counts[0]
                by_site[site][1] += counts[1]
            if source:
                by_source.setdefault(source, [0, 0])
                by_source[source][0] += counts[0]
                by_source[source][1] += counts[1]
        entries.append(SourceEntry("all", "All", "", totals[1], totals[0], section="Library"))
        entries.append(SourceEntry("unread", "Unread", "is:unread", totals[1], totals[1], section="Library"))
        entries.append(SourceEntry("bookmarks", "Bookmarks", "is:bookmarked", totals[3], totals[2], section="Library"))
        for feed in self.feeds():
            total, unread = by_source.get(feed["id"], [0, 0])
            entries.append(
                SourceEntry(
                    "feed",
                    feed.get("title") or feed["url"],
                    f"source:{quote_value(feed['id'])}",
                    unread,
                    total,
                    section="Feeds",
                    id=feed["id"],
                    error=feed.get("last_error"),
                )
            )
        for site in sorted(by_site, key=str.lower):
            total, unread = by_site[site]
            entries.append(SourceEntry("site", site, f"site:{quote_value(site)}", unread, total, section="Sites"))
        for tag, unread, total in db.execute(
            "SELECT min(tag), total(1 - read), count(*) FROM article_tags GROUP BY tag_key ORDER BY tag_key"
        ):
            entries.append(SourceEntry("tag", tag, f"tag:{quote_value(tag)}", int(unread), int(total), section="Tags"))
        for view in self.views():
            unread, total = self.count(view["query"])
            kind = "entity" if view["query"].startswith("entity:") else "search"
            entries.append(
                SourceEntry(kind, view["name"], view["query"], unread, total, section="Saved", id=view["name"])
            )
        return entries

    # --- state changes -----------------------------------------------------
    def _writable(self) -> None:
        if self.read_only:
            raise LibraryError("The library is open read-only because another tuireader is using it.")

    @_locked
    def set_read(self, ids: Iterable[str], read: bool = True) -> list[str]:
        self._writable()
        return self.store.update_meta(ids, lambda meta: {"read": read})

    @_locked
    def set_bookmarked(self, ids: Iterable[str], bookmarked: bool = True) -> list[str]:
        self._writable()
        return self.store.update_meta(ids, lambda meta: {"bookmarked": bookmarked})

    @_locked
    def all_tags(self) -> list[tuple[str, int]]:
        assert self.store.index is not None
        return [
            (tag, count)
            for tag, count in self.store.index.db.execute(
                "SELECT min(tag), count(*) FROM article_tags GROUP BY tag_key ORDER BY count(*) DESC, tag_key"
            )
        ]

    def _canonical_tag(self, tag: str, known: dict[str, str]) -> str:
        tag = " ".join(strip_controls(clean_input(tag)).split())
        return known.get(tone_key(tag), tag)

    @_locked
    def add_tags(self, ids: Iterable[str], tags: Sequence[str]) -> list[str]:
        self._writable()
        known = {tone_key(t): t for t, _ in self.all_tags()}
        wanted = [self._canonical_tag(t, known) for t in tags if t.strip()]

        def change(meta: dict[str, Any]) -> dict[str, Any]:
            current = list(meta.get("tags", []))
            keys = {tone_key(t) for t in current}
            for tag in wanted:
                if tone_key(tag) not in keys:
                    current.append(tag)
                    keys.add(tone_key(tag))
            return {"tags": current}

        return self.store.update_meta(ids, change)

    @_locked
    def remove_tags(self, ids: Iterable[str], tags: Sequence[str]) -> list[str]:
        self._writable()
        drop = {tone_key(t) for t in tags}
        return self.store.update_meta(
            ids, lambda meta: {"tags": [t for t in meta.get("tags", []) if tone_key(t) not in drop]}
        )

    # --- saved views -------------------------------------------------------
    @_locked
    def views(self) -> list[dict[str, Any]]:
        return [dict(v) for v in self.store.table("views").all()]

    @_locked
    def save_view(self, name: str, query: str) -> None:
        self._writable()
        from tinydb import Query

        name = " ".join(strip_controls(name).split()) or query
        self.store.table("views").upsert({"name": name, "query": query}, Query().name == name)

    @_locked
    def delete_view(self, name: str) -> None:
        self._writable()
        from tinydb import Query

        self.store.table("views").remove(Query().name == name)

    # --- feeds (sources table) ---------------------------------------------
    @_locked
    def feeds(self) -> list[dict[str, Any]]:
        return [dict(f) for f in self.store.table("sources").all()]

    @_locked
    def find_feed(self, name: str) -> dict[str, Any] | None:
        """A feed by id, URL or title (diacritics and case ignored)."""
        for feed in self.feeds():
            if name in (feed["id"], feed["url"]) or fold(feed.get("title") or "") == fold(name):
                return feed
        return None

    @_locked
    def add_feed(self, url: str, *, title: str | None = None, tags: Sequence[str] = ()) -> dict[str, Any]:
        self._writable()
        import hashlib

        from tinydb import Query

        existing = self.find_feed(url)
        if existing:
            return existing
        feed = {
            "id": "feed-" + hashlib.sha1(url.encode("utf-8")).hexdigest()[:8],
            "url": url,
            "title": title,
            "tags": list(tags),
            "etag": None,
            "last_modified": None,
            "last_error": None,
            "last_error_at": None,
            "last_refresh": None,
        }
        self.store.table("sources").upsert(feed, Query().id == feed["id"])
        return feed

    @_locked
    def remove_feed(self, name: str) -> dict[str, Any]:
        """Forget a feed; its stored articles stay in the library."""
        self._writable()
        from tinydb import Query

        feed = self.find_feed(name)
        if feed is None:
            raise LibraryError(f"No feed called {name}.")
        self.store.table("sources").remove(Query().id == feed["id"])
        return feed

    def refresh(
        self,
        names: Sequence[str] | None = None,
        *,
        on_progress: Callable[[str, str, int, int], None] | None = None,
        stats: Any = None,
        **fetch_options: Any,
    ) -> list[Any]:
        """Refresh feeds (all when ``names`` is empty).  Blocking: run it in a worker.

        ``fetch_options`` are :class:`tuireader.fetch.FetchOptions` fields
        (timeout, deadline, retries, ...); ``stats``, a
        :class:`tuireader.fetch.RefreshStats` to fill in.  Cleaning and entity
        extraction run in worker processes; each feed gives its
        ``max_items_per_feed`` newest items.

        A failed feed keeps everything stored; its reason and time are remembered for the source pane.
        """
        self._writable()
        from .fetch import FeedSource, FetchOptions, refresh_sources_sync

        feeds = self.feeds() if not names else [self._feed_or_error(n) for n in names]
        if not feeds:
            return []
        sources = [
            FeedSource(
                id=f["id"], url=f["url"], title=f.get("title"), etag=f.get("etag"), last_modified=f.get("last_modified")
            )
            for f in feeds
        ]
        sink = _LibrarySink(self, {f["id"]: f for f in feeds})
        try:
            reports = refresh_sources_sync(
                sources,
                sink,
                options=FetchOptions(**fetch_options),
                on_progress=on_progress,
                max_items=max_items_per_feed(),
                analyse=entities_for,
                stats=stats,
            )
        finally:
            sink.flush()
        with self._lock:
            self._record_refresh(reports, sink.feeds)
        return reports

    def _record_refresh(self, reports: Sequence[Any], feeds: dict[str, dict[str, Any]]) -> None:
        from tinydb import Query

        table = self.store.table("sources")
        for report in reports:
            failed = report.status == "error"
            changes: dict[str, Any] = {
                "last_refresh": report.finished_at or _now(),
                "last_error": report.reason,
                "last_error_at": report.finished_at if failed else None,
            }
            if not failed:
                changes.update(etag=report.etag, last_modified=report.last_modified)
                feed = feeds[report.source_id]
                if report.title and not feed.get("title"):
                    changes["title"] = clean_input(report.title)
            table.update(changes, Query().id == report.source_id)

    def _feed_or_error(self, name: str) -> dict[str, Any]:
        feed = self.find_feed(name)
        if feed is None:
            raise LibraryError(f"No feed called {name}; see `tuireader sources`.")
        return feed

    def add_url(self, url: str, *, tags: Sequence[str] = ()) -> tuple[str, Any]:
        """Add a URL: a feed becomes a source, a page becomes an article.

        Returns ("feed", feed) or ("article", (id, is_new)).  A feed that
        cannot be read (refused as unsafe, malformed) is an error saying so.
        """
        self._writable()
        from .clean import CleanError, clean_source
        from .fetch import FeedError, FetchError, fetch_sync, sniff_feed

        try:
            result = fetch_sync(url)
        except FetchError as exc:
            raise LibraryError(str(exc)) from None
        try:
            feed = sniff_feed(result.content, url=result.url, content_type=result.content_type)
        except FeedError as exc:
            raise LibraryError(f"{url}: {exc}") from None
        if feed is not None:
            return "feed", self.add_feed(url, title=feed.title, tags=tags)
        try:
            cleaned = clean_source(result.content, url=result.url, content_type=result.content_type)
        except (CleanError, ValueError) as exc:
            raise LibraryError(f"{url}: {exc}") from None
        record = self.build_record(b"", url=result.url, cleaned=cleaned, source="Added by hand", tags=tags)
        return "article", self.add_document(record)

    # --- entities ----------------------------------------------------------
    @_locked
    def stale_entity_ids(self) -> list[str]:
        """Articles whose entities came from another extractor version."""
        from . import entities as extractor

        assert self.store.index is not None
        return [
            row[0]
            for row in self.store.index.db.execute(
                "SELECT id FROM articles WHERE extractor IS NULL OR extractor != ?", (extractor.EXTRACTOR_VERSION,)
            )
        ]

    def recompute_entities(self, ids: Sequence[str], on_progress: ProgressCallback | None = None) -> int:
        """Extract entities again for ``ids``, writing each shard once."""
        self._writable()
        from .store.store import shard_of

        by_shard: dict[str, list[str]] = {}
        for article_id in ids:
            by_shard.setdefault(shard_of(article_id), []).append(article_id)
        done = 0
        for shard_ids in by_shard.values():
            bodies: dict[str, dict[str, Any]] = {}
            metas: dict[str, dict[str, Any]] = {}
            for article_id in shard_ids:
                with self._lock:
                    body = self.store.get_body(article_id)
                if body is None:
                    continue
                full, version = entities_for(body.get("text", ""))
                bodies[article_id] = {"entities": full}
                metas[article_id] = {"entities": _meta_entities(full), "extractor": version}
            with self._lock:
                self.store.update_bodies(bodies)
                self.store.update_meta(list(metas), lambda meta: metas[meta["id"]])
            done += len(metas)
            if on_progress:
                on_progress(done, len(ids), shard_ids[-1])
        return done


class _LibrarySink:
    """Receives refreshed feed items and stores them in batches."""

    def __init__(self, library: Library, feeds: dict[str, dict[str, Any]], batch: int = 100) -> None:
        self.library = library
        self.feeds = feeds
        self.batch = batch
        self.pending: dict[str, ArticleRecord] = {}
        self.pending_urls: set[str] = set()
        self.pending_hashes: set[str] = set()

    def is_known(self, url: str) -> bool:
        assert self.library.store.index is not None
        if url in self.pending_urls:
            return True
        with self.library._lock:
            return self.library.store.index.find_duplicate(url, None) is not None

    def store(self, source: Any, item: Any, cleaned: Any, page_url: str | None, analysis: Any = None) -> str:
        from types import SimpleNamespace

        if cleaned is None or not (cleaned.text or "").strip():
            summary = item.summary or ""
            if "<" in summary:
                from .clean import clean_html

                try:
                    summary = clean_html(summary).text
                except Exception:
                    pass
            cleaned = SimpleNamespace(
                title=item.title,
                author=item.author,
                site=None,
                url=page_url or item.url,
                published=item.published,
                lead=None,
                text=summary,
                lang=None,
                warnings=[],
            )
        site = cleaned.site
        if not site and (page_url or item.url):
            from urllib.parse import urlsplit

            site = urlsplit(page_url or item.url).hostname
        hints = {
            "title": item.title or cleaned.title,
            "published": item.published or cleaned.published,
            "site": site,
            "author": item.author or cleaned.author,
        }
        feed = self.feeds.get(source.id, {})
        try:
            record = self.library.build_record(
                b"",
                url=cleaned.url or page_url or item.url,
                cleaned=cleaned,
                source=source.id,
                hints={k: v for k, v in hints.items() if v},
                tags=list(feed.get("tags", ())) + list(item.tags or ()),
                entities=analysis,
            )
        except LibraryError:
            return "unchanged"
        url, chash = record.meta.get("url"), record.meta["content_hash"]
        with self.library._lock:
            duplicate = self.library._duplicate_of(record)
        if record.id in self.pending or chash in self.pending_hashes or duplicate:
            return "unchanged"
        self.pending[record.id] = record
        self.pending_hashes.add(chash)
        for known in (url, item.url, page_url):
            if known:
                self.pending_urls.add(known)
        if len(self.pending) >= self.batch:
            self.flush()
        return "new"

    def flush(self) -> None:
        if self.pending:
            with self.library._lock:
                self.library.store.put_articles(list(self.pending.values()))
            self.pending.clear()


def _markdown(article: dict[str, Any]) -> str:
    from .text import strip_controls

    lines = [f"# {strip_controls(article['title'])}", ""]
    for label, key in (("Site", "site"), ("Author", "author"), ("URL", "url"), ("Published", "published")):
        if article.get(key):
            lines.append(f"- {label}: {strip_controls(str(article[key]))}")
    if article.get("tags"):
        lines.append("- Tags: " + ", ".join(article["tags"]))
    if article.get("entities"):
        groups: dict[str, list[str]] = {}
        for entity in article["entities"]:
            groups.setdefault(entity["type"], []).append(entity["text"])
        for etype in ("PER", "LOC", "ORG", "DATE"):
            if groups.get(etype):
                lines.append(f"- {etype}: " + ", ".join(groups[etype]))
    lines += ["", strip_controls(article.get("text") or "")]
    return "\n".join(lines)


def _looks_like_key(value: str) -> bool:
    return value[:4] in ("PER:", "LOC:", "ORG:") or value.startswith("DATE:")


def _text_match(parsed: ParsedQuery) -> str | None:
    """The full-text expression for a query's words: every one, in the title,
    the text, the tags or the entity names; the last word typed may still be
    incomplete, so it matches as a prefix."""
    match = fts_match(parsed.terms)
    if match is not None and parsed.terms[-1] in parsed.words:
        match = _prefix(match)
    return match


def _prefix(match: str) -> str:
    """Turn the last token of a MATCH expression into a prefix query."""
    if not match:
        return match
    head, _, tail = match.rpartition('"')
    return f'{head}"*{tail}' if head else match
