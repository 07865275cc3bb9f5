"""The sources pane as the reader sees it: names that fit, counts that stay visible."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tuireader.library import Library
from tuireader.library.importing import build_record
from tuireader.ui.app import TuiReaderApp
from tuireader.ui.widgets.source_tree import SourceTree

from .test_ui_support import build_sample_library, settle

pytestmark = pytest.mark.anyio

LONG_TITLE = "Báo Thử Nghiệm - Tin mới nhất về mọi lĩnh vực của đời sống xã hội"


@pytest.fixture
def sample_library(tmp_path):
    library = Library.open(build_sample_library(tmp_path / "library", with_markup_article=False))
    yield library
    library.close()


def tree_rows(tree: SourceTree) -> list[str]:
    return [tree.render_line(y).text.rstrip() for y in range(tree.scrollable_content_region.height)]


async def test_a_long_feed_title_ends_in_an_ellipsis_and_keeps_its_count(sample_library, tmp_path):
    feed = sample_library.add_feed("http://127.0.0.1:9/rss.xml", title=LONG_TITLE)
    for n in (1, 2):
        cleaned = SimpleNamespace(
            title=f"Tin {n}", text=f"Bài số {n}: Đà Nẵng mở thêm tuyến xe buýt mới cho người dân đi làm.",
            url=f"https://example.vn/{n}", site="example.vn", author=None, published=None, lead=None,
            lang="vi", warnings=[],
        )  # fmt: skip
        sample_library.add_document(build_record(b"", cleaned=cleaned, source=feed["id"]))
    app = TuiReaderApp(sample_library, config_path=tmp_path / "config.toml", import_samples=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(SourceTree)
        row = next(line for line in tree_rows(tree) if "Báo Thử" in line)
        assert row.endswith("… 2"), row
        assert len(row) <= tree.scrollable_content_region.width


async def test_bookmarks_show_how_many_there_are_even_when_all_are_read(sample_library, tmp_path):
    ids = sample_library.query_ids("")[:2]
    sample_library.set_bookmarked(ids, True)
    sample_library.set_read(ids, True)
    app = TuiReaderApp(sample_library, config_path=tmp_path / "config.toml", import_samples=False)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        rows = tree_rows(app.screen.query_one(SourceTree))
        assert any(row.endswith("Bookmarks 2") for row in rows), rows
