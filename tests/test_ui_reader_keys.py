"""Keys a newsboat or elfeed user reaches for: g/G, next unread source, copy the address, sort, wide search."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tuireader.library import Library
from tuireader.library.importing import build_record
from tuireader.text import fold
from tuireader.ui.widgets.article_list import ArticleList
from tuireader.ui.widgets.article_view import ArticleView
from tuireader.ui.widgets.source_tree import SourceTree

from .test_ui_support import make_app, run, settle

pytestmark = pytest.mark.anyio


def add(library: Library, title: str, site: str, url: str | None = None) -> str:
    cleaned = SimpleNamespace(
        title=title, text=f"{title}: Đà Nẵng mở thêm tuyến xe buýt mới cho người dân đi làm mỗi sáng.", url=url,
        site=site, author=None, published=None, lead=None, lang="vi", warnings=[],
    )  # fmt: skip
    return library.add_document(build_record(b"", cleaned=cleaned, source="Test"))[0]


async def test_g_and_capital_g_go_to_the_top_and_bottom_of_the_list(library, tmp_path):
    async with run(make_app(library, tmp_path), (140, 40)) as pilot:
        await settle(pilot)
        articles = pilot.app.screen.query_one(ArticleList)
        await pilot.press("G")
        assert articles.cursor == len(articles.ids) - 1
        await pilot.press("g")
        assert articles.cursor == 0
        await pilot.press("1", "G")
        tree = pilot.app.screen.query_one(SourceTree)
        assert tree.cursor_line == tree.last_line


async def test_capital_j_opens_the_next_source_with_unread_articles(library, tmp_path):
    sites = [s for s in library.source_tree() if s.kind == "site"]
    read_site = sites[0]
    library.set_read(library.query_ids(read_site.query), True)
    async with run(make_app(library, tmp_path), (140, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await pilot.press("J")
        await settle(pilot)
        first = screen.view_query
        assert first.startswith("site:") and first != read_site.query  # the read site is passed over
        await pilot.press("J")
        await settle(pilot)
        assert screen.view_query != first and screen.view_query.startswith("site:")
        await pilot.press("K")
        await settle(pilot)
        assert screen.view_query == first


async def test_y_copies_the_address_of_the_article(library, tmp_path):
    add(library, "Tin có địa chỉ", "example.vn", url="https://example.vn/tin-co-dia-chi")
    async with run(make_app(library, tmp_path), (140, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one(ArticleList).move_to(library.query_ids("Tin có địa chỉ")[0])
        await pilot.press("y")
        await settle(pilot)
        assert pilot.app.clipboard == "https://example.vn/tin-co-dia-chi"


async def test_capital_s_sorts_by_title_then_site_and_the_view_remembers_it(library, tmp_path):
    add(library, "Ấp Bắc mở hội", "zz.vn")
    add(library, "Ăn tết sớm", "aa.vn")
    # Their texts are all but the same (one story): every article is listed, to see it sorted.
    async with run(make_app(library, tmp_path, config="group_stories = false\n"), (140, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        await pilot.press("S")
        await settle(pilot)
        titles = [row.title for row in library.summaries(screen.article_ids)]
        assert titles == sorted(titles, key=fold)
        assert titles.index("Ăn tết sớm") < titles.index("Ấp Bắc mở hội")  # diacritics ignored: "an" before "ap"
        await pilot.press("S")
        await settle(pilot)
        sites = [row.site or "" for row in library.summaries(screen.article_ids)]
        assert sites == sorted(sites, key=fold) and sites.index("aa.vn") < sites.index("zz.vn")
        assert "sorted by site" in str(screen.query_one("#status").render())
    assert library.view_order("") == "site"


async def test_a_search_starting_with_all_looks_beyond_the_open_view(library, tmp_path):
    sites = [s for s in library.source_tree() if s.kind == "site"]
    async with run(make_app(library, tmp_path), (140, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        screen.show_view(sites[0].query, sites[0].label)
        await pilot.press("slash", *"dien dam", "enter")
        await settle(pilot)
        in_view = list(screen.article_ids)
        await pilot.press("slash", *"all: ", "enter")
        screen.apply_search("all: dien dam")
        await settle(pilot)
        everywhere = list(screen.article_ids)
        assert set(in_view) < set(everywhere) and everywhere == library.query_ids("dien dam")
        assert "(whole library)" in str(screen.query_one("#status").render())


async def test_o_runs_the_configured_browser_command_with_the_address(library, tmp_path):
    add(library, "Tin có địa chỉ", "example.vn", url="https://example.vn/a?b=1&c='x'")
    out = tmp_path / "opened.txt"
    app = make_app(library, tmp_path, f"browser = \"printf '%s' %u > {out}\"\n")
    async with run(app, (140, 40)) as pilot:
        await settle(pilot)
        pilot.app.screen.query_one(ArticleList).move_to(library.query_ids("Tin có địa chỉ")[0])
        await pilot.press("o")
        await settle(pilot)
    assert out.read_text(encoding="utf-8") == "https://example.vn/a?b=1&c='x'"


async def test_the_palette_lists_theme_and_quit_once(library, tmp_path):
    app = make_app(library, tmp_path)
    async with run(app, (140, 40)) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Theme" not in titles and "Quit" not in titles  # the reader's own entries carry them
        assert "Keys" in titles


async def test_space_right_after_opening_pages_down_the_same_article(library, tmp_path):
    longest = max(library.query_ids(""), key=lambda i: len(library.article(i).text))
    async with run(make_app(library, tmp_path), (140, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        screen.open_article(longest)
        screen.action_page_article()  # space in the same turn: the article is not laid out yet
        await settle(pilot)
        view = screen.query_one(ArticleView)
        assert view.article.id == longest and view.scroll_y > 0
