"""Feeds in the reader against a real HTTP server on 127.0.0.1: refresh by itself, add, rename, remove."""

from __future__ import annotations

import asyncio

import pytest
from pytest_httpserver import HTTPServer
from textual.widgets import Input

from tuireader.ui.app import TuiReaderApp
from tuireader.ui.screens.dialogs import ConfirmScreen, PromptScreen
from tuireader.ui.widgets.source_tree import SourceTree

from .test_ui_support import make_app, run, settle, shown_notifications

pytestmark = pytest.mark.anyio

PAGE = (
    "<html><head><meta charset='utf-8'><title>{title}</title></head><body><article><h1>{title}</h1>"
    "<p>{title}: sáng nay, Ủy ban nhân dân thành phố Đà Nẵng họp bàn kế hoạch chống ngập cho mùa mưa bão sắp tới, "
    "với sự tham gia của các sở, ngành và chính quyền các quận ven biển.</p>"
    "<p>Theo kế hoạch, thành phố sẽ nạo vét hệ thống cống thoát nước và lắp thêm trạm bơm ở những khu vực "
    "thường xuyên ngập sâu trong các năm trước.</p></article></body></html>"
)


def serve_feed(server: HTTPServer, titles: list[str], path: str = "/rss.xml", name: str = "Tin Đà Nẵng") -> str:
    items = ""
    for n, title in enumerate(titles):
        page = f"{path}-{n}.html"
        server.expect_request(page).respond_with_data(PAGE.format(title=title), content_type="text/html")
        items += f"<item><title>{title}</title><link>{server.url_for(page)}</link></item>"
    feed = f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{name}</title>{items}"
    server.expect_request(path).respond_with_data(feed + "</channel></rss>", content_type="application/rss+xml")
    return server.url_for(path)


def feed_requests(server: HTTPServer, path: str = "/rss.xml") -> int:
    return sum(1 for request, _response in server.log if request.path == path)


async def until_requested(pilot, server: HTTPServer, count: int = 1, rounds: int = 400) -> None:
    """Wait until the server has been asked for the feed ``count`` times (each round waits on the app)."""
    for _ in range(rounds):
        if feed_requests(server) >= count:
            return
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    raise AssertionError(f"the feed was requested {feed_requests(server)} times, not {count}")


async def test_feeds_due_are_refreshed_after_the_first_paint(library, tmp_path, httpserver):
    library.add_feed(serve_feed(httpserver, ["Đà Nẵng chống ngập"]))
    async with run(make_app(library, tmp_path, "refresh_minutes = 30\n"), (140, 40)) as pilot:
        await until_requested(pilot, httpserver)
        await settle(pilot)
        assert library.query_ids("Đà Nẵng chống ngập")
        assert set(library.query_ids("Đà Nẵng chống ngập")) <= set(pilot.app.screen.article_ids)


async def test_the_interval_refreshes_while_the_reader_is_open(library, tmp_path, httpserver, monkeypatch):
    feed = library.add_feed(serve_feed(httpserver, ["Đà Nẵng lắp trạm bơm"]))
    await asyncio.to_thread(library.refresh)  # just refreshed: not due when the reader opens
    assert feed_requests(httpserver) == 1
    monkeypatch.setattr(TuiReaderApp, "minute", 0.05)
    app = make_app(library, tmp_path, "refresh_minutes = 1\n")
    async with run(app, (140, 40)) as pilot:
        await until_requested(pilot, httpserver, count=3)  # the timer fired, and again after that refresh
        pilot.app.minute = 60.0  # the next one, armed when this refresh ends, is an hour away
        await settle(pilot)
    assert library.find_feed(feed["id"])["last_refresh"]


async def test_refresh_off_makes_no_request_at_start(library, tmp_path, httpserver):
    library.add_feed(serve_feed(httpserver, ["Đà Nẵng lắp trạm bơm"]))
    async with run(make_app(library, tmp_path, "refresh_minutes = 0\n"), (140, 40)) as pilot:
        await settle(pilot)
    assert feed_requests(httpserver) == 0


async def test_adding_a_feed_by_its_address_fetches_it_at_once(library, tmp_path, httpserver):
    url = serve_feed(httpserver, ["Đà Nẵng mở đường bay mới"])
    async with run(make_app(library, tmp_path, "refresh_minutes = 0\n"), (140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("A")
        assert isinstance(pilot.app.screen, PromptScreen)
        pilot.app.screen.query_one(Input).value = url
        await pilot.press("enter")
        await until_requested(pilot, httpserver, count=2)  # once to recognise it, once to refresh it
        await settle(pilot)
        assert library.query_ids("Đà Nẵng mở đường bay mới")


async def test_a_failed_feed_is_named_by_its_title(library, tmp_path, httpserver):
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    library.add_feed(httpserver.url_for("/gone.xml"), title="Báo Đã Dừng")
    app = make_app(library, tmp_path, "refresh_minutes = 0\n")
    async with run(app, (140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        text = " ".join(shown_notifications(pilot.app))
        assert "1 failed: Báo Đã Dừng (" in text and "feed-" not in text


async def highlight_feed(pilot, title: str) -> None:
    tree = pilot.app.screen.query_one(SourceTree)
    await pilot.press("1")
    for _ in range(40):
        entry = tree.highlighted_entry
        if entry is not None and entry.kind == "feed" and entry.label == title:
            return
        await pilot.press("j")
    raise AssertionError(f"the feed {title} never got highlighted")


async def test_a_feed_is_renamed_and_removed_in_the_reader(library, tmp_path):
    feed = library.add_feed("http://127.0.0.1:9/rss.xml", title="Tin cũ")
    async with run(make_app(library, tmp_path, "refresh_minutes = 0\n"), (140, 40)) as pilot:
        await settle(pilot)
        await highlight_feed(pilot, "Tin cũ")
        await pilot.press("E")
        pilot.app.screen.query_one(Input).value = "Tin mới"
        await pilot.press("enter")
        await settle(pilot)
        assert library.find_feed(feed["id"])["title"] == "Tin mới"
        await highlight_feed(pilot, "Tin mới")
        await pilot.press("D")
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await pilot.press("n")
        assert library.find_feed(feed["id"]) is not None
        await pilot.press("D", "y")
        await settle(pilot)
        assert library.find_feed(feed["id"]) is None
        assert not any(e.kind == "feed" for e in pilot.app.screen.query_one(SourceTree).entries)


async def test_a_failed_feed_shows_the_reason_and_time_in_its_view(library, tmp_path, httpserver):
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)
    library.add_feed(httpserver.url_for("/gone.xml"), title="Báo Đã Dừng")
    await asyncio.to_thread(library.refresh)
    async with run(make_app(library, tmp_path, "refresh_minutes = 0\n"), (140, 40)) as pilot:
        await settle(pilot)
        await highlight_feed(pilot, "Báo Đã Dừng")
        tree = pilot.app.screen.query_one(SourceTree)
        assert any(line.endswith("Báo Đã Dừng !") for line in (tree.render_line(y).text.rstrip() for y in range(20)))
        await pilot.press("enter", "2")
        await settle(pilot)
        status = str(pilot.app.screen.query_one("#status").render())
        assert "last refresh failed at " in status and "404" in status
