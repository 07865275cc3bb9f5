"""Refreshing feeds from the sources pane, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from tuireader.library import Library
from tuireader.ui.widgets.source_tree import SourceTree

from .test_ui_support import main_screen, make_app, prompt_input, run, settle, until_notified, walk_sources_to

pytestmark = pytest.mark.anyio

ARTICLE = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>{title}: sáng nay, Ủy ban nhân dân thành phố Đà Nẵng họp bàn kế hoạch chống ngập cho mùa mưa bão sắp tới, "
    "với sự tham gia của các sở, ngành và chính quyền các quận ven biển.</p>"
    "<p>Theo kế hoạch, thành phố sẽ nạo vét hệ thống cống thoát nước và lắp thêm trạm bơm ở những khu vực "
    "thường xuyên ngập sâu trong các năm trước.</p></article></body></html>"
)


def serve_feed(server: HTTPServer, titles: list[str]) -> str:
    items = ""
    for n, title in enumerate(titles):
        path = f"/tin-{n}.html"
        server.expect_request(path).respond_with_data(ARTICLE.format(title=title), content_type="text/html")
        items += (
            f"<item><title>{title}</title><link>{server.url_for(path)}</link><description>Tóm tắt</description></item>"
        )
    feed = (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel>"
        f"<title>Tin Đà Nẵng</title>{items}</channel></rss>"
    )
    server.expect_request("/rss.xml").respond_with_data(feed, content_type="application/rss+xml")
    return server.url_for("/rss.xml")


async def test_r_on_a_feed_refreshes_it_and_its_articles_appear(
    library: Library, tmp_path: Path, httpserver: HTTPServer
):
    titles = ["Đà Nẵng chuẩn bị chống ngập", "Đà Nẵng lắp thêm trạm bơm"]
    url = serve_feed(httpserver, titles)
    feed = library.add_feed(url)
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        screen = main_screen(app)
        await settle(pilot)  # the sources are counted after the first frame
        tree = screen.query_one(SourceTree)
        await walk_sources_to(pilot, tree, lambda entry: entry.id == feed["id"])
        await pilot.press("r")
        await until_notified(pilot, "Refreshed 1 feed: 2 new articles.")
        await settle(pilot)
        assert len(library.query_ids(f"source:{feed['id']}")) == 2
        entry = next(e for e in library.source_tree() if e.id == feed["id"])
        assert entry.unread == 2 and entry.label == "Tin Đà Nẵng"
        # The source pane shows the feed's new title and unread count.
        labels = [str(n.label) for n in tree.root.children for n in [n, *n.children]]
        assert any(label.startswith("Tin Đà Nẵng") and label.endswith("2") for label in labels), labels
        assert screen is app.main_screen


async def test_r_on_a_non_feed_entry_explains_what_to_do(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await pilot.press("r")
        await until_notified(pilot, "Highlight a feed")
        assert not app.library_busy


async def test_open_url_adds_a_page_as_an_article(library: Library, tmp_path: Path, httpserver: HTTPServer):
    httpserver.expect_request("/bai.html").respond_with_data(
        ARTICLE.format(title="Đà Nẵng mở đường bay mới"), content_type="text/html; charset=utf-8"
    )
    before = set(library.query_ids(""))
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await settle(pilot)
        await pilot.press("A")
        await prompt_input(pilot, "Open URL")
        await pilot.press(*httpserver.url_for("/bai.html"))
        await pilot.press("enter")
        await until_notified(pilot, "Added the article")
        await settle(pilot)
        new = set(library.query_ids("")) - before
        assert len(new) == 1
        [new_id] = new
        assert library.article(new_id).title == "Đà Nẵng mở đường bay mới"
        assert new_id in main_screen(app).article_ids


async def test_preset_feed_is_added_from_the_prompt(library: Library, tmp_path: Path):
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await settle(pilot)
        await pilot.press("P")
        await prompt_input(pilot, "Add a preset feed")
        await pilot.press(*"vnexpress")
        await pilot.press("enter")
        await until_notified(pilot, "Following")
        feeds = library.feeds()
        assert len(feeds) == 1 and "vnexpress" in feeds[0]["url"]
        # Nothing is fetched until the user asks.
        assert feeds[0]["last_refresh"] is None
        assert library.query_ids(f"source:{feeds[0]['id']}") == []


def test_config_refresh_interval_and_library_path(tmp_path: Path, monkeypatch):
    from tuireader.library import default_library_path
    from tuireader.ui.config import load_config

    config = tmp_path / "config.toml"
    config.write_text('refresh_minutes = 15\nlibrary = "~/tin-tuc"\n', encoding="utf-8")
    monkeypatch.setenv("TUIREADER_CONFIG", str(config))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert load_config().refresh_minutes == 15
    assert default_library_path() == tmp_path / "tin-tuc"
    monkeypatch.setenv("TUIREADER_LIBRARY", str(tmp_path / "env-lib"))
    assert default_library_path() == tmp_path / "env-lib"  # the environment wins
    config.write_text("refresh_minutes = 0\n", encoding="utf-8")
    loaded = load_config()
    assert loaded.refresh_minutes == 0 and not loaded.problems  # 0 turns background refresh off
    config.write_text("refresh_minutes = 0.5\n", encoding="utf-8")
    loaded = load_config()
    assert loaded.refresh_minutes == 30 and any("refresh_minutes" in p for p in loaded.problems)
