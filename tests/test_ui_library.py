"""The reader and its library folder: re-indexing after the first paint, damaged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.test_ui import anyio_backend, main_screen  # noqa: F401
from tests.test_ui_support import UI_SIZE, _library_template, library_path  # noqa: F401
from tuireader.ui.app import TuiReaderApp
from tuireader.ui.widgets.article_list import ArticleList

pytestmark = pytest.mark.anyio


async def test_a_lost_index_is_rebuilt_in_the_background(library_path: Path, tmp_path: Path):
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (library_path / name).unlink(missing_ok=True)
    app = TuiReaderApp(library_path, config_path=tmp_path / "config.toml", import_samples=False)
    async with app.run_test(size=UI_SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        articles = main_screen(app).query_one(ArticleList)
        assert len(articles.ids) == 6
        assert app.library.query_ids("dien dam")


async def test_a_damaged_shard_is_reported_and_recovered(library_path: Path, tmp_path: Path):
    shard = sorted((library_path / "articles").glob("*.json"))[0]
    shard.write_bytes(b"{ broken")
    app = TuiReaderApp(library_path, config_path=tmp_path / "config.toml", import_samples=False)
    async with app.run_test(size=UI_SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = " ".join(n.message for n in app._notifications)
        assert "damaged" in messages and "kept aside" in messages
        assert len(main_screen(app).query_one(ArticleList).ids) == 6
    assert list((library_path / "articles").glob("*.corrupt-*"))
