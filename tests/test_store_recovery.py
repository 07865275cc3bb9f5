"""Every kind of library file, damaged every way, in the command line and in the reader.

9 kinds of file x 5 damages = 45 cases (the 8 of issue 15, and an articles
shard's log of its latest changes).  In each: no traceback; every article,
text, feed, view, tag and reading state that still exists somewhere in the
library is there afterwards; one sentence names the file and what was lost;
a damaged file is kept aside, never deleted.

"Unreadable" is ``chmod 000``; as root (who reads anything) it is a folder put
where the file was, which no one can read as a file either.
"""

from __future__ import annotations

import os
import random
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import run_cli
from tests.test_store import make_record
from tuireader.store.store import Store

KINDS = ["articles", "log", "bodies", "main", "index", "wal", "lock", "config", "backup"]
DAMAGES = ["truncated", "garbage", "empty", "unreadable", "deleted"]
CASES = [(kind, damage) for kind in KINDS for damage in DAMAGES]
ARTICLES = 120
RECOVERY_SIZE = (100, 30)  # the sentences and the rows are checked, not the layout: a small screen draws faster
# The words the one sentence about a file names it by (None: nothing to say, see SILENT).
NAMES = {
    "articles": "articles/",
    "log": ".log was",
    "bodies": "bodies/",
    "main": "tuireader.json was",
    "index": "index.sqlite",
    "wal": "index.sqlite-wal",
    "lock": "library.lock",
    "config": "config",
    "backup": "tuireader.json.bak",
}
# A lock's content is never read, a deleted log or lock leaves nothing to recover or to tell, and an
# empty or missing config file is the defaults.
SILENT = {
    ("lock", "truncated"), ("lock", "garbage"), ("lock", "empty"), ("lock", "deleted"), ("wal", "deleted"),
    ("config", "empty"), ("config", "deleted"),
}  # fmt: skip


def _shard_with_most(records) -> str:
    counts: dict[str, int] = {}
    for record in records:
        counts[record.id[:2]] = counts.get(record.id[:2], 0) + 1
    return max(counts, key=lambda shard: counts[shard])


def _leave_a_wal(lib: Path) -> None:
    """A write-ahead log as a crash (or an older tuireader) leaves it: frames not yet in the database."""
    script = (
        "import os, sqlite3, sys\n"
        "db = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
        "db.execute('PRAGMA journal_mode = WAL'); db.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "db.execute(\"INSERT OR REPLACE INTO info (key, value) VALUES ('crashed', '1')\")\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(lib / "index.sqlite")], check=True)
    assert (lib / "index.sqlite-wal").stat().st_size > 0


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A library with state changed a second ago: bookmarks, a tag, read marks, a feed, a view."""
    lib = tmp_path_factory.mktemp("template") / "lib"
    store = Store.open(lib, durable=False)
    from tuireader.entities import EXTRACTOR_VERSION

    records = [make_record(n) for n in range(ARTICLES)]
    for record in records:  # as the extractor of today left them: the reader has no entities to redo
        record.meta["extractor"] = EXTRACTOR_VERSION
    store.put_articles(records)
    shard = _shard_with_most(records)
    in_shard = [r.id for r in records if r.id[:2] == shard]
    store.put_feed({"id": "f1", "url": "https://example.invalid/rss", "title": "Tin nhanh", "tags": []})
    store.put_view("Hà Nội", "ha noi")
    store.update_meta(in_shard[:2], lambda m: {"bookmarked": True})
    store.update_meta([in_shard[0]], lambda m: {"tags": ["kinh tế"], "read": True})
    store.close()
    assert (lib / "articles" / f"{shard}.log").exists(), "the changes of a second ago are in the shard's log"
    return {"lib": lib, "shard": shard, "ids": in_shard, "count": ARTICLES}


def _target(lib: Path, kind: str, shard: str, config: Path) -> Path:
    return {
        "articles": lib / "articles" / f"{shard}.json",
        "log": lib / "articles" / f"{shard}.log",
        "bodies": lib / "bodies" / f"{shard}.jsonl",
        "main": lib / "tuireader.json",
        "index": lib / "index.sqlite",
        "wal": lib / "index.sqlite-wal",
        "lock": lib / "library.lock",
        "config": config,
        "backup": lib / "tuireader.json.bak",
    }[kind]


def _damage(path: Path, damage: str) -> None:
    data = path.read_bytes()
    if damage == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif damage == "garbage":
        path.write_bytes(random.Random(15).randbytes(max(len(data), 64)))
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "deleted":
        path.unlink()
    elif os.geteuid() != 0:
        path.chmod(0)
    else:
        path.unlink()
        path.mkdir()


def _damaged_copy(template, tmp_path: Path, kind: str, damage: str) -> tuple[Path, Path]:
    lib = tmp_path / "lib"
    shutil.copytree(template["lib"], lib)
    config = tmp_path / "config.toml"
    config.write_text('theme = "gruvbox"\nrefresh_minutes = 0\n', encoding="utf-8")
    if kind == "wal":
        _leave_a_wal(lib)
    _damage(_target(lib, kind, template["shard"], config), damage)
    return lib, config


def _sentences_about(text: str, kind: str) -> list[str]:
    return [line for line in text.splitlines() if NAMES[kind] in line]


def _check_kept(lib: Path, template, kind: str, damage: str) -> None:
    """Everything that still existed is there; texts are lost only from a damaged bodies file."""
    store = Store.open(lib, read_only=True)
    try:
        assert store.article_count() == template["count"]
        first, second = template["ids"][:2]
        meta = store.get_meta(first)
        assert meta["bookmarked"] and meta["read"] and meta["tags"] == ["kinh tế"]
        assert store.get_meta(second)["bookmarked"]
        assert [f["id"] for f in store.feeds()] == ["f1"]
        assert [v["name"] for v in store.views()] == ["Hà Nội"]
        texts = [(store.get_body(i) or {}).get("text") for i in template["ids"]]
    finally:
        store.close()
    if kind == "bodies" and damage != "truncated":
        return  # the only copy of those texts is gone (or unreadable, and left as it is)
    if kind == "bodies":
        assert texts[0] and not texts[-1], "the lines before the cut are kept, the cut one is lost"
    else:
        assert all(texts), "no text may be lost"


def _check_kept_aside(lib: Path, config: Path, kind: str, damage: str, shard: str) -> None:
    target = _target(lib, kind, shard, config)
    if kind in ("config", "lock") or (kind, damage) in SILENT:
        assert target.exists() or damage == "deleted" or kind == "lock"
        return
    if damage == "deleted":
        return
    if kind == "bodies" and damage == "unreadable":
        assert target.exists(), "an unreadable text file is left untouched"
        return
    asides = [p for p in target.parent.iterdir() if p.name.startswith(target.name + ".")]
    assert asides, f"{target.name} must be kept aside, not deleted"


@pytest.mark.parametrize(("kind", "damage"), CASES)
def test_the_command_line_recovers(template, tmp_path, kind, damage):
    lib, config = _damaged_copy(template, tmp_path, kind, damage)
    out = run_cli("list", "--json", library=lib, env={"TUIREADER_CONFIG": str(config)})
    stderr = out.stderr.decode()
    assert out.returncode == 0 and "Traceback" not in stderr and "Cannot write" not in stderr, stderr
    rows = orjson.loads(out.stdout)
    assert len(rows) == template["count"]
    first = next(r for r in rows if r["id"] == template["ids"][0])
    assert first["bookmarked"] and first["read"] and first["tags"] == ["kinh tế"]
    if (kind, damage) not in SILENT and kind != "config":
        sentences = _sentences_about(stderr, kind)
        assert len(sentences) == 1, stderr
        assert "lost" in sentences[0] or "untouched" in sentences[0], sentences[0]
    shown = run_cli("show", template["ids"][-1], "--json", library=lib)
    assert shown.returncode == 0 and "Traceback" not in shown.stderr.decode(), shown.stderr.decode()
    _check_kept(lib, template, kind, damage)
    _check_kept_aside(lib, config, kind, damage, template["shard"])


@pytest.mark.anyio
@pytest.mark.parametrize(("kind", "damage"), CASES)
async def test_the_reader_recovers(template, tmp_path, kind, damage):
    from tests.test_ui_support import main_screen, run, settle, shown_notifications, until
    from tuireader.ui.app import TuiReaderApp

    lib, config = _damaged_copy(template, tmp_path, kind, damage)
    app = TuiReaderApp(lib, config_path=config, import_samples=False)
    app.notification_seconds = 600
    expect_sentence = (kind, damage) not in SILENT
    async with run(app, RECOVERY_SIZE) as pilot:
        await settle(pilot)  # the library opened fully, and the reader said what it found

        def messages() -> str:
            return "\n".join(shown_notifications(app))

        if expect_sentence:
            await until(
                pilot, lambda: _sentences_about(messages(), kind), f"a sentence about the {kind}", shown=messages
            )
        assert "Could not" not in messages(), messages()
        # Every article of the view, a story's folded ones too (the test's articles are one text re-published).
        assert len(main_screen(app).view_ids) == template["count"]
    _check_kept(lib, template, kind, damage)
    _check_kept_aside(lib, config, kind, damage, template["shard"])


@pytest.fixture
def anyio_backend():
    return "asyncio"


def test_the_index_log_is_gone_and_the_index_needs_no_free_space_to_read(template, tmp_path):
    lib, _ = _damaged_copy(template, tmp_path, "config", "deleted")
    Store.open(lib).close()
    assert not (lib / "index.sqlite-wal").exists()
    db = sqlite3.connect(lib / "index.sqlite")
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    db.close()
