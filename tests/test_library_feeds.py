"""Feeds through the library: a real HTTP server on 127.0.0.1, a real library folder."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from tuireader.library import Library

SEEDS = sorted((Path(__file__).resolve().parents[1] / "sample_corpus").glob("*.txt"))


def article_page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<nav>Trang chủ · Thế giới · Kinh tế</nav><article><h1>{title}</h1>{body}</article>"
        f"<aside><h3>Tin liên quan</h3><ul><li><a href='/x'>Tin khác</a></li></ul></aside></body></html>"
    )


def rss(base: str, items: list[tuple[str, str]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>{base}{path}</link><guid>{base}{path}</guid>"
        f"<description>Tóm tắt ngắn.</description></item>"
        for path, title in items
    )
    return (
        f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Báo thử</title>"
        f"<link>{base}/</link>{entries}</channel></rss>"
    )


@pytest.fixture
def site(httpserver: HTTPServer):
    """Three articles made from sample paragraphs, one feed, with ETag support."""
    base = httpserver.url_for("")
    base = base.rstrip("/")
    items = []
    from tuireader.clean import clean_source

    for n, seed in enumerate(SEEDS[:3]):
        cleaned = clean_source(seed.read_bytes(), filename=seed.name)
        paragraphs = cleaned.text.split("\n\n")[:4]
        path = f"/bai-{n}.html"
        httpserver.expect_request(path).respond_with_data(
            article_page(cleaned.title, paragraphs), content_type="text/html; charset=utf-8"
        )
        items.append((path, cleaned.title))
    feed = rss(base, items)
    state = {"feed_requests": 0, "conditional": 0}

    def feed_handler(request: Request) -> Response:
        state["feed_requests"] += 1
        if request.headers.get("If-None-Match") == '"v1"':
            state["conditional"] += 1
            return Response(status=304)
        return Response(feed, content_type="application/rss+xml; charset=utf-8", headers={"ETag": '"v1"'})

    httpserver.expect_request("/rss.xml").respond_with_handler(feed_handler)
    httpserver.expect_request("/broken.xml").respond_with_data("oops", status=500)
    return {"feed": f"{base}/rss.xml", "broken": f"{base}/broken.xml", "state": state, "server": httpserver}


def test_refresh_stores_articles_then_costs_a_304(tmp_path, site):
    with Library.open(tmp_path / "lib") as lib:
        feed = lib.add_feed(site["feed"], tags=["thế giới"])
        broken = lib.add_feed(site["broken"])
        reports = {r.source_id: r for r in lib.refresh(retries=0)}
        assert reports[feed["id"]].status == "ok" and reports[feed["id"]].new == 3
        assert reports[broken["id"]].status == "error" and "500" in reports[broken["id"]].error
        ids = lib.query_ids(f"source:{feed['id']}")
        assert len(ids) == 3
        article = lib.article(ids[0])
        assert len(article.text) > 200 and "Tin liên quan" not in article.text
        assert article.tags == ["thế giới"]
        assert lib.query_ids('tag:"the gioi"') == ids
        entries = {e.id: e for e in lib.source_tree() if e.kind == "feed"}
        assert entries[feed["id"]].unread == 3
        assert entries[broken["id"]].error and "500" in entries[broken["id"]].error
        pages_before = [r.path for r, _ in site["server"].log if r.path.startswith("/bai-")]
        again = {r.source_id: r for r in lib.refresh([feed["id"]], retries=0)}
        assert again[feed["id"]].status == "unchanged"
        assert site["state"]["conditional"] == 1
        pages_after = [r.path for r, _ in site["server"].log if r.path.startswith("/bai-")]
        assert pages_after == pages_before  # no page fetched again
        assert len(lib.query_ids("")) == 3


def test_failed_refresh_keeps_what_was_stored(tmp_path, site):
    with Library.open(tmp_path / "lib") as lib:
        feed = lib.add_feed(site["feed"])
        lib.refresh(retries=0)
        site["server"].clear()  # the site goes away: every request now fails
        site["server"].expect_request("/rss.xml").respond_with_data("gone", status=404)
        lib.store.update_feed(feed["id"], {"etag": None})
        reports = lib.refresh(retries=0)
        assert reports[0].status == "error" and "404" in reports[0].error
        assert len(lib.query_ids(f"source:{feed['id']}")) == 3


def test_cli_refresh_json_reports_each_source(tmp_path, site):
    from tests.conftest import run_cli

    lib_path = tmp_path / "lib"
    assert run_cli("add", site["feed"], library=lib_path).returncode == 0
    out = run_cli("refresh", "--json", library=lib_path)
    import json

    reports = json.loads(out.stdout)
    assert reports[0]["status"] == "ok" and reports[0]["new"] == 3
    listed = json.loads(run_cli("sources", "--json", library=lib_path).stdout)
    assert listed[0]["url"] == site["feed"] and listed[0]["total"] == 3
    _ = time
