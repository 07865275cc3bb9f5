"""Bringing articles in: files and folders, the sample corpus, single documents,
and entities found again when the extractor changes."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..store.index import body_values, text_values
from ..store.store import ArticleRecord, LibraryError, article_id_for, content_hash, shard_of
from ..store.stories import story_features
from ..text import clean_input
from .base import LibraryBase, ProgressCallback, locked, now_iso
from .config import sample_corpus_path
from .models import ImportReport

IMPORTABLE_SUFFIXES = (".txt", ".html", ".htm", ".txt.gz", ".html.gz", ".htm.gz")
MAX_IMPORT_BYTES = 50 * 2**20


def analyse_page(text: str) -> tuple[list[dict[str, Any]], str, dict[str, str]]:
    """What a refresh's workers compute beside the cleaning: the entities, the extractor version and
    the body's full-text columns (the title comes later, from the feed item)."""
    found, version = entities_for(text)
    return found, version, body_values(text)


def entities_for(text: str) -> tuple[list[dict[str, Any]], str]:
    """Run the extractor; returns (entities as dicts, extractor version)."""
    from .. import entities as extractor

    found = extractor.extract(text)
    return [dict(e.to_json(), key=e.key) for e in found], extractor.EXTRACTOR_VERSION


def _meta_entities(full: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": e["key"], "type": e["type"], "text": e["text"], "count": e["count"]} for e in full]


def collect_files(paths: Iterable[Path | str]) -> tuple[list[Path], list[tuple[str, str]]]:
    """The importable files named by ``paths`` (folders are searched), and what was refused."""
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


def build_record(
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
    folded_body: dict[str, str] | None = None,
) -> ArticleRecord:
    """Clean a document (unless ``cleaned`` is given), extract its entities (unless given, as
    :func:`entities_for` gives them) and shape the stored record."""
    from ..clean import CleanError, clean_source

    if cleaned is None:
        if len(data) > MAX_IMPORT_BYTES:
            raise LibraryError(f"larger than {MAX_IMPORT_BYTES // 2**20} MB")
        try:
            cleaned = clean_source(data, url=url, filename=filename, content_type=content_type)
        except CleanError as exc:
            raise LibraryError(str(exc)) from None
    hints = hints or {}
    text = cleaned.text or ""
    if not text.strip():
        raise LibraryError("; ".join(getattr(cleaned, "warnings", None) or ()) or "no article text found")
    title = clean_input(hints.get("title") or cleaned.title or "").strip() or (filename or "Untitled")
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
        "added": now_iso(),
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
    }
    doubt = getattr(cleaned, "low_confidence", None)
    if doubt:  # why the page may not be an article (a home or section page); kept only when there is one
        body["low_confidence"] = doubt
    # Folded for the index and sketched for grouping here, where the text is cleaned: in a worker
    # process during an import.
    return ArticleRecord(
        meta=meta,
        body=body,
        text_values=text_values(title, text, folded_body),
        story_features=story_features(meta, body),
    )


ImportJob = tuple[str, dict[str, Any], str, tuple[str, ...]]  # path, sidecar hints, source, tags
ImportResult = tuple[str, ArticleRecord | None, str | None]  # path, record or None, why not
# Below this many files the workers cost more to start than they save.
POOL_FROM_FILES = 16


def clean_file(job: ImportJob) -> ImportResult:
    """Read, clean and analyse one file (in a worker process, or here)."""
    path, hint, source, tags = job
    try:
        data = Path(path).read_bytes()[: MAX_IMPORT_BYTES + 1]
        record = build_record(
            data, filename=Path(path).name, url=hint.get("url"), source=source, hints=hint, tags=tags, origin=path
        )
    except LibraryError as exc:
        return path, None, str(exc)
    except OSError as exc:
        return path, None, f"cannot read: {exc.strerror or exc}"
    return path, record, None


def cleaned_files(jobs: list[ImportJob]) -> Iterator[ImportResult]:
    """Results of :func:`clean_file` in the order of ``jobs``, using every core.

    The workers die with this process (kill -9 included) and ignore Ctrl+C,
    which this process answers by cancelling what is queued and waiting for
    the files being cleaned.
    """
    workers = min(os.cpu_count() or 1, 4)
    if len(jobs) < POOL_FROM_FILES or workers < 2:
        yield from map(clean_file, jobs)
        return
    import multiprocessing

    entities_for("")  # load the cleaner and the extractor once, before the workers fork
    with _ctrl_c_held() as interrupted:  # a Ctrl+C mid-construction would leave a pool nobody stops
        pool = multiprocessing.get_context("fork").Pool(workers, _worker_start, (os.getpid(),))
    try:
        if interrupted:
            raise KeyboardInterrupt
        yield from pool.imap(clean_file, jobs, chunksize=4)
    except BaseException:
        pool.terminate()  # what is being cleaned is dropped; what was stored stays
        raise
    else:
        pool.close()
    finally:
        pool.join()


@contextlib.contextmanager
def _ctrl_c_held() -> Iterator[list[bool]]:
    """Hold a Ctrl+C back for the block; the list it gives is non-empty if one came.

    Whichever thread the signal reaches, Python raises it in the main thread,
    so masking the signal there is not enough: the handler itself waits.
    """
    import signal
    import threading

    arrived: list[bool] = []
    if threading.current_thread() is not threading.main_thread():
        yield arrived  # only the main thread gets KeyboardInterrupt
        return
    previous = signal.signal(signal.SIGINT, lambda *_: arrived.append(True))
    try:
        yield arrived
    finally:
        signal.signal(signal.SIGINT, signal.SIG_DFL if previous is None else previous)


def _worker_start(parent: int) -> None:
    """In each worker: leave Ctrl+C to the parent, and die when it dies."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # the parent died before the line above
        os._exit(1)


class ImportingMixin(LibraryBase):
    """Use cases that add articles."""

    @locked
    def _duplicate_of(self, record: ArticleRecord) -> str | None:
        """The stored article with this URL or text; a copy of its text from another outlet is noted on it."""
        found = self.store.find_duplicate(record.meta.get("url"), record.meta.get("content_hash"))
        if found and record.meta.get("site") and not self.read_only:
            self._note_outlet(found, str(record.meta["site"]))
        return found

    def _note_outlet(self, article_id: str, site: str) -> None:
        """Record another outlet that published this very text (it is not stored twice)."""

        def change(meta: dict[str, Any]) -> dict[str, Any] | None:
            outlets = list(meta.get("outlets") or ())
            if site == meta.get("site") or site in outlets:
                return None
            return {"outlets": [*outlets, site]}

        self.store.update_meta([article_id], change)

    def note_copies(self, records: Iterable[ArticleRecord]) -> None:
        """Copies dropped before they reached the store (the same text twice in one batch): note their outlets."""
        for record in records:
            self._duplicate_of(record)

    @locked
    def is_known_url(self, url: str) -> bool:
        return self.store.find_duplicate(url, None) is not None

    @locked
    def store_records(self, records: list[ArticleRecord]) -> list[str]:
        """Store new articles (an id already stored is skipped); returns the stored ids."""
        self._writable()
        return self.store.put_articles(records)

    def ensure_sample_corpus(self, on_progress: ProgressCallback | None = None) -> int:
        """Import the bundled sample corpus into an empty library, once."""
        corpus = sample_corpus_path()
        with self._lock:
            if self.read_only or self.store.setting("samples_imported") or self.store.has_articles():
                return 0
        if corpus is None:
            return 0
        report = self.import_paths([corpus], on_progress=on_progress, source="Sample corpus")
        with self._lock:
            self.store.set_setting("samples_imported", True)
        return len(report.imported)

    def import_paths(
        self,
        paths: Iterable[Path | str],
        *,
        on_progress: ProgressCallback | None = None,
        source: str | None = None,
        tags: Sequence[str] = (),
        batch_size: int = 200,
    ) -> ImportReport:
        """Import files and folders; bad files are reported by name and skipped.

        Files are cleaned and analysed in worker processes (one per core) and
        stored here; the write lock is taken per batch, so the reader's key
        presses are served meanwhile.
        """
        self._writable()
        files, problems = collect_files(paths)
        report = ImportReport(failed=list(problems))
        sidecars: dict[Path, dict[str, Any]] = {}
        jobs = [(str(p), _sidecar(p, sidecars), source or p.parent.name, tuple(tags)) for p in files]
        batch: list[ArticleRecord] = []
        copies: list[ArticleRecord] = []
        seen: set[str] = set()
        for done, (path, record, error) in enumerate(cleaned_files(jobs)):
            if on_progress:
                on_progress(done, len(files), Path(path).name)
            if record is None:
                report.failed.append((path, error or "not imported"))
                continue
            if record.id in seen or self._duplicate_of(record):
                report.duplicates.append(path)
                copies.append(record)
                continue
            seen.add(record.id)
            batch.append(record)
            if len(batch) >= batch_size:
                report.imported.extend(self.store_records(batch))
                batch = []
        if batch:
            report.imported.extend(self.store_records(batch))
        if not self.read_only:
            self.note_copies(r for r in copies if r.meta.get("site"))
        if on_progress:
            on_progress(len(files), len(files), "")
        return report

    @locked
    def add_document(self, record: ArticleRecord) -> tuple[str, bool]:
        """Store one record unless a copy is already stored.  Returns (id, is_new)."""
        self._writable()
        existing = self._duplicate_of(record)
        if existing:
            return existing, False
        stored = self.store.put_articles([record])
        return (stored[0], True) if stored else (record.id, False)

    @locked
    def stale_entity_ids(self) -> list[str]:
        """Articles whose entities came from another extractor version."""
        from .. import entities as extractor

        return self.store.ids_with_other_extractor(extractor.EXTRACTOR_VERSION)

    def recompute_entities(self, ids: Sequence[str], on_progress: ProgressCallback | None = None) -> int:
        """Extract entities again for ``ids``, writing each shard once."""
        self._writable()
        by_shard: dict[str, list[str]] = {}
        for article_id in ids:
            by_shard.setdefault(shard_of(article_id), []).append(article_id)
        done = 0
        for shard_ids in by_shard.values():
            done += self._recompute_shard(shard_ids)
            if on_progress:
                on_progress(done, len(ids), shard_ids[-1])
        return done

    def _recompute_shard(self, shard_ids: list[str]) -> int:
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
            self.store.regroup(list(metas))  # new entities: the articles are grouped again
        return len(metas)
