"""An articles shard's log: a mark appends a line, reading applies the lines, a fold removes them.

On real files in a temporary folder: what a crash can leave (a line cut
short, a log a fold did not get to remove) and what the store then shows.
"""

from __future__ import annotations

import shutil

import pytest

from tests.test_store import make_record
from tuireader.store import jsonstorage
from tuireader.store.store import Store


@pytest.fixture
def lib(tmp_path):
    path = tmp_path / "lib"
    store = Store.open(path)
    records = [make_record(n) for n in range(30)]
    store.put_articles(records)
    store.close()
    return path, records


def _log(path, record):
    return path / "articles" / f"{record.id[:2]}.log"


def test_a_line_cut_short_by_a_crash_is_skipped_and_the_next_change_is_kept(lib):
    path, records = lib
    target = records[0]
    store = Store.open(path)
    store.update_meta([target.id], lambda m: {"read": True})
    store.close()
    with open(_log(path, target), "ab") as log:  # a write killed half-way: never confirmed
        log.write(b'\n{"table":"_default","doc":"1","set":{"bookm')
    store = Store.open(path)
    try:
        assert store.get_meta(target.id)["read"] is True
        store.update_meta([target.id], lambda m: {"tags": ["kinh tế"]})
    finally:
        store.close()
    store = Store.open(path)
    try:
        meta = store.get_meta(target.id)
        assert meta["read"] is True and meta["tags"] == ["kinh tế"] and not meta["bookmarked"]
        assert not store.notices, store.notices
    finally:
        store.close()


def test_a_long_log_is_folded_into_its_shard(lib, monkeypatch):
    path, records = lib
    monkeypatch.setattr(jsonstorage, "LOG_LIMIT", 200)
    target = records[1]
    store = Store.open(path)
    try:
        for n in range(12):
            store.update_meta([target.id], lambda m, n=n: {"read": n % 2 == 0, "tags": [f"thẻ {n}"]})
        log = _log(path, target)
        assert not log.exists() or log.stat().st_size <= 200 + 100  # never much past its limit
    finally:
        store.close()
    shard = jsonstorage.read_json_file(path / "articles" / f"{target.id[:2]}.json")
    folded = shard["_default"][str(int(target.id, 16))]
    assert folded["tags"][0] in {f"thẻ {n}" for n in range(2, 12)}, "the shard file itself holds later changes"
    store = Store.open(path)
    try:
        assert store.get_meta(target.id)["tags"] == ["thẻ 11"] and store.get_meta(target.id)["read"] is False
    finally:
        store.close()


def test_a_log_left_behind_by_a_fold_changes_nothing(lib, tmp_path, monkeypatch):
    path, records = lib
    target = records[2]
    store = Store.open(path)
    store.update_meta([target.id], lambda m: {"bookmarked": True, "tags": ["đọc sau"]})
    old_log = tmp_path / "old.log"
    shutil.copy(_log(path, target), old_log)
    monkeypatch.setattr(jsonstorage, "LOG_LIMIT", 0)  # the next change folds
    store.update_meta([target.id], lambda m: {"read": True})
    store.close()
    assert not _log(path, target).exists()
    shutil.copy(old_log, _log(path, target))  # a crash between the fold and the log's removal
    store = Store.open(path)
    try:
        meta = store.get_meta(target.id)
        assert meta["bookmarked"] is True and meta["tags"] == ["đọc sau"] and meta["read"] is True
        assert [m for m in store.iter_meta() if m["id"] == target.id][0]["read"] is True
    finally:
        store.close()


def test_a_scan_of_the_library_sees_the_logged_changes(lib):
    path, records = lib
    store = Store.open(path)
    store.update_meta([records[3].id], lambda m: {"bookmarked": True})
    store.close()
    store = Store.open(path)
    try:
        assert [m["id"] for m in store.iter_meta() if m["bookmarked"]] == [records[3].id]
    finally:
        store.close()
