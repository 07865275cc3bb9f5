"""The store on real files: atomic writes, locking, corruption, the derived index."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap

import orjson
import pytest

from tuireader.store.store import ArticleRecord, LibraryError, Store, article_id_for, content_hash


def make_record(
    n: int,
    *,
    title: str | None = None,
    text: str | None = None,
    site: str = "vnexpress.net",
    entities: list | None = None,
    published: str | None = None,
) -> ArticleRecord:
    text = text or f"Bài số {n}: Ngoại trưởng Mỹ điện đàm với người đồng cấp tại Hà Nội về hợp tác."
    chash = content_hash(text)
    art_id = article_id_for(None, chash)
    ents = (
        entities
        if entities is not None
        else [
            {"key": "LOC:hà nội", "type": "LOC", "text": "Hà Nội", "count": 1},
        ]
    )
    meta = {
        "id": art_id,
        "title": title or f"Tin số {n}",
        "site": site,
        "url": None,
        "published": published or f"2024-01-{(n % 28) + 1:02d}",
        "added": "2024-02-01T00:00:00Z",
        "source": "test",
        "read": False,
        "bookmarked": False,
        "tags": [],
        "content_hash": chash,
        "entities": ents,
        "extractor": "test",
    }
    body = {"id": art_id, "text": text, "lead": None, "entities": [], "meta": dict(meta)}
    return ArticleRecord(meta=meta, body=body)


@pytest.fixture
def store(tmp_path):
    s = Store.open(tmp_path / "lib")
    yield s
    s.close()


def test_round_trip_keeps_vietnamese_unescaped(store, tmp_path):
    record = make_record(1)
    assert store.put_articles([record]) == [record.id]
    assert store.get_meta(record.id)["title"] == "Tin số 1"
    assert "Hà Nội" in store.get_body(record.id)["text"]
    raw = (tmp_path / "lib" / "bodies" / f"{record.id[:2]}.jsonl").read_bytes()
    assert "điện đàm".encode() in raw  # stored as UTF-8, not \\u escapes


def test_putting_the_same_article_twice_keeps_one(store):
    record = make_record(1)
    store.put_articles([record])
    assert store.put_articles([make_record(1)]) == []
    assert store.index.count() == 1


def test_state_change_survives_reopen_and_touches_one_shard(tmp_path):
    s = Store.open(tmp_path / "lib")
    records = [make_record(n) for n in range(40)]
    s.put_articles(records)

    def stamps() -> dict[str, int]:
        return {p.name: p.stat().st_mtime_ns for p in (tmp_path / "lib" / "articles").iterdir()}

    before = stamps()
    target = records[7].id
    s.update_meta([target], lambda meta: {"bookmarked": True})
    after = stamps()
    changed = [name for name in after if before.get(name) != after[name]]
    assert changed == [f"{target[:2]}.log"]  # one line appended to the shard's log, no shard rewritten
    s.close()
    s = Store.open(tmp_path / "lib")
    assert s.get_meta(target)["bookmarked"] is True
    assert s.index.db.execute("SELECT bookmarked FROM articles WHERE num = ?", (int(target, 16),)).fetchone()[0] == 1
    s.close()


def test_change_is_on_disk_when_kill_9_follows(tmp_path):
    lib = tmp_path / "lib"
    s = Store.open(lib)
    record = make_record(3)
    s.put_articles([record])
    s.close()
    script = textwrap.dedent(
        f"""
        import os, signal
        from tuireader.store.store import Store
        s = Store.open({str(lib)!r})
        s.update_meta([{record.id!r}], lambda m: {{"read": True, "tags": ["kinh tế"]}})
        os.kill(os.getpid(), signal.SIGKILL)
        """
    )
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True)
    assert proc.returncode == -signal.SIGKILL
    s = Store.open(lib)
    meta = s.get_meta(record.id)
    assert meta["read"] is True and meta["tags"] == ["kinh tế"]
    s.close()


def test_a_second_instance_writes_too_and_neither_loses_a_change(tmp_path):
    first = Store.open(tmp_path / "lib")
    record, other = make_record(1), make_record(2)
    first.put_articles([record, other])
    second = Store.open(tmp_path / "lib")
    try:
        assert not second.read_only  # the lock is taken per write, not per session
        second.update_meta([record.id], lambda m: {"read": True})
        first.update_meta([other.id], lambda m: {"bookmarked": True})
        first.update_meta([record.id], lambda m: {"tags": ["kinh tế"]})
        for s in (first, second):
            assert s.get_meta(record.id)["read"] is True and s.get_meta(record.id)["tags"] == ["kinh tế"]
            assert s.get_meta(other.id)["bookmarked"] is True
    finally:
        second.close()
        first.close()


def test_a_writer_that_cannot_have_the_lock_opens_read_only_and_takes_over_later(tmp_path):
    from tuireader.store.lock import WriteLock

    Store.open(tmp_path / "lib").close()
    holder = WriteLock(tmp_path / "lib" / "library.lock")
    assert holder.acquire(0)
    second = Store.open(tmp_path / "lib", wait=0.05)
    try:
        assert second.read_only and any("read-only" in n for n in second.notices)
        with pytest.raises(LibraryError, match="read-only"):
            second.put_articles([make_record(1)])
        assert not second.try_become_writer()
        holder.release()
        assert second.try_become_writer()
        assert second.put_articles([make_record(1)])
    finally:
        holder.release()
        second.close()


def test_corrupt_shard_is_kept_aside_and_rebuilt_with_the_change_of_a_second_ago(tmp_path):
    lib = tmp_path / "lib"
    s = Store.open(lib)
    record = make_record(5)
    s.put_articles([record])
    s.update_meta([record.id], lambda m: {"read": True})
    s.update_meta([record.id], lambda m: {"bookmarked": True})  # a second ago
    s.close()
    shard = lib / "articles" / f"{record.id[:2]}.json"
    shard.write_bytes(b'{"_default": {"1": {"id": ')  # torn write by some other tool
    s = Store.open(lib)
    try:
        meta = s.get_meta(record.id)
        assert meta["title"] == "Tin số 5"
        assert meta["read"] is True and meta["bookmarked"] is True  # no completed change lost
        assert any("damaged" in n for n in s.notices)
        assert list(lib.glob("articles/*.corrupt-*")), "the damaged file must be kept, not deleted"
    finally:
        s.close()


def test_corrupt_shard_without_backup_is_rebuilt_from_bodies_and_index(tmp_path):
    lib = tmp_path / "lib"
    s = Store.open(lib)
    record = make_record(6)
    s.put_articles([record])
    s.update_meta([record.id], lambda m: {"bookmarked": True})
    s.close()
    shard = lib / "articles" / f"{record.id[:2]}.json"
    shard.write_bytes(b"\x00\x00garbage")
    s = Store.open(lib)
    try:
        meta = s.get_meta(record.id)
        assert meta["title"] == "Tin số 6"
        assert meta["bookmarked"] is True  # reading state recovered from the derived index
        assert any("rebuilt" in n for n in s.notices)
    finally:
        s.close()


def test_missing_or_stale_index_is_rebuilt_from_tinydb(tmp_path):
    lib = tmp_path / "lib"
    s = Store.open(lib)
    records = [make_record(n) for n in range(10)]
    s.put_articles(records)
    s.close()
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (lib / name).unlink(missing_ok=True)
    s = Store.open(lib)
    assert s.index.count() == 10
    s.close()
    # Change a shard behind the index's back: it is re-indexed at the next open.
    shard = lib / "articles" / f"{records[0].id[:2]}.json"
    data = orjson.loads(shard.read_bytes())
    for doc in data["_default"].values():
        doc["read"] = True
    shard.write_bytes(orjson.dumps(data))
    s = Store.open(lib)
    assert s.index.db.execute("SELECT read FROM articles WHERE num = ?", (int(records[0].id, 16),)).fetchone()[0] == 1
    s.close()


def test_index_of_an_older_version_is_dropped_and_rebuilt(tmp_path):
    import sqlite3

    from tuireader.store.index import FTS_TABLES, INDEX_VERSION

    lib = tmp_path / "lib"
    s = Store.open(lib)
    s.put_articles([make_record(n) for n in range(6)])
    s.close()
    # What an index of the previous layout looked like: one six-column full-text table.
    db = sqlite3.connect(lib / "index.sqlite", isolation_level=None)
    for table in FTS_TABLES:
        db.execute(f"DROP TABLE {table}")
    db.execute(
        "CREATE VIRTUAL TABLE text_fts USING fts5 (title_f, body_f, extra_f, title_t, body_t, extra_t,"
        " content='', tokenize='unicode61 remove_diacritics 0')"
    )
    db.execute("UPDATE info SET value = ? WHERE key = 'index_version'", ("8",))  # no in-place upgrade from 8
    db.close()
    s = Store.open(lib)
    try:
        tables = {row[0] for row in s.index.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "text_fts" not in tables and set(FTS_TABLES) <= tables
        assert s.index.info("index_version") == str(INDEX_VERSION)
        assert s.index.count() == 6
        assert len(s.index.matching("fold_fts", '"ngoai" AND "truong"')) == 6
    finally:
        s.close()


def test_unwritable_library_location_gives_one_sentence(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(LibraryError) as info:
        Store.open(blocker / "lib")
    message = str(info.value)
    assert message.startswith("Cannot create the library folder") and "\n" not in message


def test_newer_schema_is_refused_clearly(tmp_path):
    lib = tmp_path / "lib"
    Store.open(lib).close()
    main = lib / "tuireader.json"
    data = orjson.loads(main.read_bytes())
    data["info"]["1"]["schema_version"] = 99
    main.write_bytes(orjson.dumps(data))
    with pytest.raises(LibraryError, match="newer tuireader"):
        Store.open(lib)


def test_writes_leave_no_temporary_files(store, tmp_path):
    store.put_articles([make_record(n) for n in range(5)])
    leftovers = [p for p in (tmp_path / "lib").rglob("*.tmp")]
    assert leftovers == []


def test_library_without_a_schema_version_is_migrated(tmp_path):
    lib = tmp_path / "lib"
    s = Store.open(lib)
    record = make_record(9)
    s.put_articles([record])
    s.close()
    main = lib / "tuireader.json"
    data = orjson.loads(main.read_bytes())
    del data["info"]["1"]["schema_version"]  # as written before versions were recorded
    main.write_bytes(orjson.dumps(data))
    s = Store.open(lib)
    try:
        assert s.schema_version() == 2
        assert s.get_meta(record.id)["title"] == "Tin số 9"
    finally:
        s.close()


def test_usual_values_are_left_out_of_the_shard_and_read_back(tmp_path):
    lib = tmp_path / "lib"
    s = Store.open(lib)
    record = make_record(7)
    s.put_articles([record])
    full = s.get_meta(record.id)
    assert full is not None and full["url"] is None and full["author"] is None and full["tags"] == []
    assert s.update_meta([record.id], lambda m: {"read": False}) == [], "unread already: no change"
    s.update_meta([record.id], lambda m: {"read": True, "tags": ["thời sự"]})
    s.update_meta([record.id], lambda m: {"read": False, "tags": []})
    s.close()
    shard = lib / "articles" / f"{record.id[:2]}.json"
    s = Store.open(lib)
    try:
        s._articles(record.id[:2]).storage.write(s._articles(record.id[:2]).storage.read())  # fold the log in
        stored = orjson.loads(shard.read_bytes())["_default"][str(int(record.id, 16))]
        assert not {"url", "author", "origin", "read", "bookmarked", "tags"} & set(stored), stored
        assert s.get_meta(record.id) == full
        assert [m for m in s.iter_meta() if m["id"] == record.id] == [full]
    finally:
        s.close()
    shard.write_bytes(b"\x00garbage")  # rebuilt from the index and the copy in the body: the same fields
    s = Store.open(lib)
    try:
        assert s.get_meta(record.id) == full
    finally:
        s.close()


def test_mentions_as_long_as_the_name_are_stored_as_their_gap_and_read_back(tmp_path):
    from tuireader.store.bodies import compact_entities, expand_entities

    name = {"text": "Sergei Lavrov", "type": "PER", "count": 3, "aliases": ["Lavrov"], "key": "PER:sergei lavrov"}
    entities = [
        {**name, "mentions": [[0, 13], [20, 26], [30, 43]]},
        {**name, "text": "Nga", "key": "ORG:nga", "count": 2, "mentions": [[50, 53], [53, 56]]},
        {**name, "text": "Odd", "key": "ORG:odd", "count": 2, "mentions": [[9, 12], [2, 4]]},  # out of order
    ]
    compact = compact_entities(entities)
    assert compact[0][3] == [-1, 7, 6, -5] and compact[1][3] == [-51, -1] and compact[2][3] == [[9, 12], [2, 4]]
    assert expand_entities(compact) == entities
    # Written before: pairs only, read as they were.
    assert expand_entities([["PER", "Sergei Lavrov", ["Lavrov"], [0, 13, 7, 6]]])[0]["mentions"] == [[0, 13], [20, 26]]
    s = Store.open(tmp_path / "lib")
    try:
        record = make_record(8, entities=[])
        record.body["entities"] = entities
        s.put_articles([record])
        s._bodies.clear()
        assert (s.get_body(record.id) or {})["entities"] == entities
    finally:
        s.close()
