"""The reader and its library folder: re-indexing after the first paint, damaged files."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.ui.app import TuiReaderApp
from tuireader.ui.widgets.article_list import ArticleList

from .test_ui_support import main_screen, run, settle, until_notified

pytestmark = pytest.mark.anyio


async def test_a_lost_index_is_rebuilt_in_the_background(library_path: Path, tmp_path: Path):
    for name in ("index.sqlite", "index.sqlite-wal", "index.sqlite-shm"):
        (library_path / name).unlink(missing_ok=True)
    app = TuiReaderApp(library_path, config_path=tmp_path / "config.toml", import_samples=False)
    async with run(app) as pilot:
        await settle(pilot)  # the index is rebuilt after the first paint, then the view is read again
        articles = main_screen(app).query_one(ArticleList)
        assert len(articles.ids) == 6
        assert app.library.query_ids("dien dam")


async def test_a_damaged_shard_is_reported_and_recovered(library_path: Path, tmp_path: Path):
    shard = sorted((library_path / "articles").glob("*.json"))[0]
    shard.write_bytes(b"{ broken")
    app = TuiReaderApp(library_path, config_path=tmp_path / "config.toml", import_samples=False)
    async with run(app) as pilot:
        await settle(pilot)
        shown = await until_notified(pilot, "damaged")
        assert "kept aside" in shown
        assert len(main_screen(app).query_one(ArticleList).ids) == 6
    assert list((library_path / "articles").glob("*.corrupt-*"))
