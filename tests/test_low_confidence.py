"""A page the cleaner doubts is an article (a home or section page) says so in `show` and in the reader."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_ui_support import main_screen, make_app, run, settle
from tuireader.library import Library
from tuireader.ui.widgets.article_list import ArticleList
from tuireader.ui.widgets.article_view import ArticleView

pytestmark = pytest.mark.anyio

INTRO = (
    "<p>Báo Mẫu cập nhật tin tức thời sự trong nước và quốc tế mỗi ngày, nhanh chóng và chính xác cho bạn đọc,"
    " với các chuyên mục kinh tế, xã hội, văn hóa và thể thao được biên tập kỹ lưỡng.</p>"
)
HEADLINES = "".join(
    f"<li><h3><a href='/thoi-su/bai-{n}.html'>Tin số {n}: Hà Nội mở rộng tuyến đường vành đai phía tây</a></h3></li>"
    for n in range(30)
)
HOME_PAGE = (
    "<html lang='vi'><head><title>Báo Mẫu - Tin tức</title><link rel='canonical' href='https://baomau.vn/'>"
    f"<meta property='og:type' content='website'></head><body><main><section>{INTRO * 3}</section>"
    f"<ul>{HEADLINES}</ul></main></body></html>"
)


def _home_page(tmp_path: Path) -> Path:
    page = tmp_path / "home.html"
    page.write_text(HOME_PAGE, encoding="utf-8")
    return page


def test_show_names_the_doubt_and_json_carries_it(tmp_path):
    root = tmp_path / "lib"
    assert run_cli("import", str(_home_page(tmp_path)), library=root).returncode == 0
    with Library.open(root) as library:
        [article_id] = library.query_ids("site:baomau.vn")
    shown = run_cli("show", article_id, library=root).stdout.decode()
    assert "Maybe not an article: home page" in shown
    data = json.loads(run_cli("show", article_id, "--json", library=root).stdout)
    assert data["low_confidence"] == "home page"


def test_a_real_article_carries_no_doubt(library_path):
    root = library_path
    with Library.open(root) as library:
        article_id = library.query_ids("")[0]
    data = json.loads(run_cli("show", article_id, "--json", library=root).stdout)
    assert data["low_confidence"] is None
    assert "Maybe not an article" not in run_cli("show", article_id, library=root).stdout.decode()


async def test_the_reader_shows_the_doubt_under_the_title(library, tmp_path):
    library.import_paths([_home_page(tmp_path)])
    [article_id] = library.query_ids("site:baomau.vn")
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        assert screen.query_one(ArticleList).move_to(article_id)
        await pilot.press("enter")
        lines = screen.query_one(ArticleView).plain_lines()
        assert "⚠ Maybe not an article: home page" in lines[:6]
