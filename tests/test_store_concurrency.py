"""Several tuireaders on one library: a command next to an open reader, waiting writers, the lock file."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_store import make_record
from tuireader.library import Library
from tuireader.store.lock import WriteLock
from tuireader.store.store import Store


@pytest.fixture
def lib(tmp_path) -> Path:
    from tuireader.entities import EXTRACTOR_VERSION

    path = tmp_path / "lib"
    store = Store.open(path, durable=False)
    records = [make_record(n) for n in range(12)]
    for record in records:
        record.meta["extractor"] = EXTRACTOR_VERSION
    store.put_articles(records)
    store.set_setting("samples_imported", True)
    store.close()
    return path


def _ids(path: Path) -> list[str]:
    with Library.open(path, read_only=True) as library:
        return library.query_ids("")


def _cli(*args: str, library: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--library", str(library), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def _has_open(pid: int, path: Path) -> bool:
    try:
        return any(os.readlink(f"/proc/{pid}/fd/{fd}") == str(path) for fd in os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return False


def test_parallel_writers_wait_for_each_other_and_lose_nothing(lib):
    ids = _ids(lib)
    procs = [_cli("bookmark", i, library=lib) for i in ids[:6]] + [
        _cli("tag", i, "đọc sau", library=lib) for i in ids[6:]
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err.decode()
    with Library.open(lib, read_only=True) as library:
        rows = {row.id: row for row in library.summaries(ids)}
    assert all(rows[i].bookmarked for i in ids[:6])
    assert all(rows[i].tags == ("đọc sau",) for i in ids[6:])


def test_a_second_writer_waits_for_the_lock_instead_of_refusing(lib):
    target = _ids(lib)[0]
    holder = WriteLock(lib / "library.lock")
    assert holder.acquire(0)
    proc = _cli("bookmark", target, library=lib)
    try:
        for _ in range(20000):  # until it is waiting on the lock we hold (or has given up, which fails below)
            if _has_open(proc.pid, lib / "library.lock") or proc.poll() is not None:
                break
            time.sleep(0.005)
        assert proc.poll() is None, "the second writer did not wait for the lock"
    finally:
        holder.release()
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err.decode()
    with Library.open(lib, read_only=True) as library:
        assert library.summaries([target])[0].bookmarked


def test_a_deleted_lock_file_is_noticed_and_the_next_write_locks_a_new_one(lib):
    lock = WriteLock(lib / "library.lock")
    assert lock.acquire(0)
    (lib / "library.lock").unlink()
    lock.release()
    assert any("removed" in notice for notice in lock.notices)
    assert lock.acquire(0)  # a new file, locked as usual
    other = WriteLock(lib / "library.lock")
    try:
        assert not other.acquire(0)
    finally:
        lock.release()
    assert other.acquire(0)
    other.release()


def test_temporary_files_of_a_killed_writer_go_at_the_next_open(lib):
    leftovers = [
        lib / "articles" / ".05.json.4242.tmp",
        lib / "bodies" / ".05.jsonl.4242.tmp",
        lib / ".tuireader.json.9.tmp",
    ]
    for path in leftovers:
        path.write_bytes(b"{half")
    Store.open(lib).close()
    assert not any(path.exists() for path in leftovers)


def test_an_unreadable_lock_file_does_not_claim_the_folder_is_unwritable(lib):
    lock = lib / "library.lock"
    lock.unlink()
    lock.mkdir()  # as unreadable as a file can be, even for root
    out = run_cli("bookmark", _ids(lib)[0], library=lib)
    assert out.returncode == 0, out.stderr.decode()
    assert b"Cannot write" not in out.stderr and b"library.lock" in out.stderr


def test_asking_for_changes_made_elsewhere_never_waits_for_a_worker_holding_the_library(lib):
    import threading

    library = Library.open(lib, sync=False)
    try:
        assert not library.changed_elsewhere()
        assert run_cli("bookmark", _ids(lib)[0], library=lib).returncode == 0
        holding, release = threading.Event(), threading.Event()

        def worker() -> None:
            with library._lock:
                holding.set()
                release.wait()

        thread = threading.Thread(target=worker)
        thread.start()
        assert holding.wait(30)
        assert not library.changed_elsewhere()  # answered at once: the worker still holds the library
        release.set()
        thread.join()
        assert library.changed_elsewhere()  # the change is told once the library is free
        assert not library.changed_elsewhere()
    finally:
        library.close()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_the_open_reader_shows_a_bookmark_made_in_another_terminal(lib, tmp_path):
    from tests.test_ui_support import UI_SIZE, main_screen, run, settle, until
    from tuireader.ui.app import TuiReaderApp
    from tuireader.ui.widgets.article_list import ArticleList

    # The twelve test articles are one text re-published: listed one by one, not as their story.
    (tmp_path / "config.toml").write_text("group_stories = false\n", encoding="utf-8")
    app = TuiReaderApp(lib, config_path=tmp_path / "config.toml", import_samples=False)
    async with run(app, UI_SIZE) as pilot:
        await settle(pilot)
        articles = main_screen(app).query_one(ArticleList)
        target = articles.ids[3]
        out = run_cli("bookmark", target, library=lib)  # the reader is open and writable meanwhile

        def shown_bookmarked() -> bool:
            row = articles.row(articles.ids.index(target))
            return row is not None and row.bookmarked

        assert out.returncode == 0, out.stderr.decode()
        await until(pilot, shown_bookmarked, "the reader to show the bookmark made in another terminal")


@pytest.mark.anyio
async def test_a_reader_opened_read_only_becomes_the_writer_when_the_lock_frees(lib, tmp_path):
    from tests.test_ui_support import run, until_notified, until_started
    from tuireader.ui.app import TuiReaderApp

    holder = WriteLock(lib / "library.lock")
    assert holder.acquire(0)
    library = Library.open(lib, sync=False, wait=0.01)
    assert library.read_only and library.may_become_writer
    app = TuiReaderApp(library, config_path=tmp_path / "config.toml", import_samples=False)
    app.notification_seconds = 600
    try:
        async with run(app, (160, 48)) as pilot:
            await until_started(pilot)
            holder.release()
            await until_notified(pilot, "can now change the library")
            assert not library.read_only
            target = library.query_ids("")[0]
            library.set_bookmarked([target])
            assert library.summaries([target])[0].bookmarked
    finally:
        holder.release()
        library.close()
