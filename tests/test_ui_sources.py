"""The sources pane as the reader sees it: names that fit, counts that stay visible."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tuireader.library.importing import build_record
from tuireader.ui.widgets.source_tree import SourceTree

from .test_ui_support import make_app, run, settle

pytestmark = pytest.mark.anyio

LONG_TITLE = "Báo Thử Nghiệm - Tin mới nhất về mọi lĩnh vực của đời sống xã hội"


def tree_rows(tree: SourceTree) -> list[str]:
    return [tree.render_line(y).text.rstrip() for y in range(tree.scrollable_content_region.height)]


async def test_a_long_feed_title_ends_in_an_ellipsis_and_keeps_its_count(library, tmp_path):
    feed = library.add_feed("http://127.0.0.1:9/rss.xml", title=LONG_TITLE)
    for n in (1, 2):
        cleaned = SimpleNamespace(
            title=f"Tin {n}", text=f"Bài số {n}: Đà Nẵng mở thêm tuyến xe buýt mới cho người dân đi làm.",
            url=f"https://example.vn/{n}", site="example.vn", author=None, published=None, lead=None,
            lang="vi", warnings=[],
        )  # fmt: skip
        library.add_document(build_record(b"", cleaned=cleaned, source=feed["id"]))
    (tmp_path / "config.toml").write_text("refresh_minutes = 0\n", encoding="utf-8")  # no refresh: no error mark
    app = make_app(library, tmp_path)
    async with run(app, (140, 40)) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(SourceTree)
        row = next(line for line in tree_rows(tree) if "Báo Thử" in line)
        assert row.endswith("… 2"), row
        assert len(row) <= tree.scrollable_content_region.width


async def test_bookmarks_show_how_many_there_are_even_when_all_are_read(library, tmp_path):
    ids = library.query_ids("")[:2]
    library.set_bookmarked(ids, True)
    library.set_read(ids, True)
    app = make_app(library, tmp_path)
    async with run(app, (140, 40)) as pilot:
        await settle(pilot)
        rows = tree_rows(app.screen.query_one(SourceTree))
        assert any(row.endswith("Bookmarks 2") for row in rows), rows
