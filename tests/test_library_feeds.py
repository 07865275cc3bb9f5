"""Feeds through the library and the real ``tuireader`` command, against a keep-alive news site."""

from __future__ import annotations

import json

import pytest

from tests.conftest import run_cli
from tests.servers import ARTICLES, BOMB, page_html, rss_feed, serve_site
from tuireader.library import Library


def article_page(title: str, paragraphs: list[str]) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<nav>Trang chủ · Thế giới · Kinh tế</nav><article><h1>{title}</h1>{body}</article>"
        f"<aside><h3>Tin liên quan</h3><ul><li><a href='/x'>Tin khác</a></li></ul></aside></body></html>"
    )


@pytest.fixture
def site(news_site):
    """Three articles and one feed (ETag, Last-Modified, gzip, kept-alive connections), one broken feed."""
    items = []
    for n, article in enumerate(ARTICLES[:3]):
        url = news_site.serve(f"/bai-{n}.html", article_page(article.title, article.paragraphs))
        items.append((url, article))
    news_site.feed("/rss.xml", rss_feed("Báo thử", items))
    news_site.status("/broken.xml", 500)
    return {"feed": news_site.url("/rss.xml"), "broken": news_site.url("/broken.xml"), "server": news_site}


def page_requests(site) -> list[str]:
    return [path for path in site["server"].paths() if path.startswith("/bai-")]


def test_refresh_stores_articles_with_entities_then_costs_a_304(tmp_path, site):
    with Library.open(tmp_path / "lib") as lib:
        feed = lib.add_feed(site["feed"], tags=["thế giới"])
        broken = lib.add_feed(site["broken"])
        reports = {r.source_id: r for r in lib.refresh(retries=0)}
        assert reports[feed["id"]].status == "ok" and reports[feed["id"]].new == 3
        assert reports[broken["id"]].reason == "HTTP 500 Internal Server Error"
        ids = lib.query_ids(f"source:{feed['id']}")
        assert len(ids) == 3
        article = lib.article(ids[0])
        assert len(article.text) > 200 and "Tin liên quan" not in article.text
        assert article.tags == ["thế giới"] and article.entities  # extracted in the workers
        assert lib.query_ids('tag:"the gioi"') == ids
        entries = {e.id: e for e in lib.source_tree() if e.kind == "feed"}
        assert entries[feed["id"]].unread == 3
        assert entries[broken["id"]].error == "HTTP 500 Internal Server Error"
        saved = {f["id"]: f for f in lib.feeds()}
        assert saved[feed["id"]]["etag"] and saved[feed["id"]]["last_modified"] and saved[feed["id"]]["title"]
        assert saved[broken["id"]]["last_error_at"] == saved[broken["id"]]["last_refresh"]
        pages_before = page_requests(site)
        again = {r.source_id: r for r in lib.refresh([feed["id"]], retries=0)}
        assert again[feed["id"]].status == "unchanged"
        assert page_requests(site) == pages_before  # no page fetched again
        assert len(lib.query_ids("")) == 3


def test_failed_refresh_keeps_what_was_stored(tmp_path, site):
    with Library.open(tmp_path / "lib") as lib:
        feed = lib.add_feed(site["feed"])
        lib.refresh(retries=0)
        site["server"].status("/rss.xml", 404)  # the feed goes away
        reports = lib.refresh(retries=0)
        assert reports[0].status == "error" and reports[0].reason == "HTTP 404 Not Found"
        assert len(lib.query_ids(f"source:{feed['id']}")) == 3


def test_max_items_per_feed_comes_from_the_config(tmp_path, news_site, monkeypatch):
    config = tmp_path / "config.toml"
    config.write_text("max_items_per_feed = 2\n", encoding="utf-8")
    monkeypatch.setenv("TUIREADER_CONFIG", str(config))
    feed_url = serve_site(news_site, "n", ARTICLES[:4], full_content=True)
    with Library.open(tmp_path / "lib") as lib:
        lib.add_feed(feed_url)
        (report,) = lib.refresh(retries=0)
        assert report.new == 2 and len(lib.query_ids("")) == 2


# --- the real command -------------------------------------------------------------


def test_add_then_refresh_a_keep_alive_feed_saves_its_state(tmp_path, site):
    """The crash of issue 11: a second event loop closed the first one's connections."""
    lib_path = tmp_path / "lib"
    added = run_cli("add", site["feed"], library=lib_path)
    assert added.returncode == 0, added.stderr
    out = run_cli("refresh", "--json", library=lib_path)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr
    (report,) = json.loads(out.stdout)
    assert report["status"] == "ok" and report["new"] == 3 and report["name"] == "Báo thử"
    (listed,) = json.loads(run_cli("sources", "--json", library=lib_path).stdout)
    assert listed["url"] == site["feed"] and listed["total"] == 3
    assert listed["title"] == "Báo thử" and listed["last_refresh"] and listed["last_error"] is None
    pages = page_requests(site)
    again = run_cli("refresh", "--json", library=lib_path)
    assert json.loads(again.stdout)[0]["status"] == "unchanged"
    feed_requests = [seen for seen in site["server"].log if seen.path == "/rss.xml"]
    assert feed_requests[-1].headers.get("If-None-Match")  # a conditional GET, answered 304
    assert page_requests(site) == pages


def test_refresh_messages_name_feeds_by_title_with_the_reason(tmp_path, site):
    lib_path = tmp_path / "lib"
    run_cli("add", site["feed"], library=lib_path)
    with Library.open(lib_path) as lib:
        lib.add_feed(site["broken"], title="Báo hỏng")
    out = run_cli("refresh", library=lib_path)
    assert out.returncode == 1
    lines = out.stderr.decode().splitlines()
    assert any(line.startswith("Báo thử  ok") for line in lines), lines
    assert any(line.startswith("Báo hỏng  error") and "(HTTP 500 Internal Server Error)" in line for line in lines)
    assert "feed-" not in out.stderr.decode()


def test_add_of_an_unsafe_feed_says_it_was_refused_as_unsafe(tmp_path, news_site):
    url = news_site.feed("/bomb.xml", BOMB)
    external = news_site.feed(
        "/external.xml",
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<rss version="2.0"><channel><title>&e;</title></channel></rss>',
    )
    for target in (url, external):
        out = run_cli("add", target, library=tmp_path / "lib")
        assert out.returncode == 1
        assert "refused as unsafe" in out.stderr.decode() and "no article" not in out.stderr.decode()


def test_clean_of_a_feed_url_says_it_is_a_feed_and_lists_its_items(news_site):
    feed_url = serve_site(news_site, "c", ARTICLES[:2])
    out = run_cli("clean", feed_url)
    assert out.returncode == 1 and out.stdout == b""
    message = out.stderr.decode()
    assert "is a feed" in message and "“Báo c”" in message and "<rss" not in message
    for i, article in enumerate(ARTICLES[:2]):
        assert article.title in message and news_site.url(f"/c/article-{i}.html") in message


def test_clean_of_an_archive_served_as_a_page_names_its_type(news_site):
    url = news_site.serve("/big.gz", b"\x1f\x8b" + bytes(1000), "application/gzip")
    out = run_cli("clean", url)
    assert out.returncode == 1
    assert "not a web page or a feed: application/gzip" in out.stderr.decode()


def test_add_of_a_page_stores_the_article(tmp_path, news_site):
    url = news_site.serve("/bai.html", page_html(ARTICLES[0], news_site.url("/bai.html")))
    out = run_cli("add", url, library=tmp_path / "lib")
    assert out.returncode == 0 and out.stdout.startswith(b"added article "), out.stderr


OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><body>
  <outline text="Tin tức">
    <outline type="rss" text="Báo A" xmlUrl="http://127.0.0.1:9/a.rss"/>
    <outline type="rss" text="Báo B" xmlUrl="http://127.0.0.1:9/b.rss"/>
    <outline type="rss" text="Lừa đảo" xmlUrl="javascript:alert(1)"/>
    <outline type="rss" text="Kho cũ" xmlUrl="ftp://files.example/feed.xml"/>
    <outline type="rss" text="Không có địa chỉ"/>
  </outline>
</body></opml>
"""


def test_opml_import_again_says_nothing_new_and_names_what_it_skipped(tmp_path):
    path = tmp_path / "feeds.opml"
    path.write_text(OPML, encoding="utf-8")
    lib_path = tmp_path / "lib"
    first = run_cli("opml", "import", str(path), library=lib_path).stderr.decode()
    second = run_cli("opml", "import", str(path), library=lib_path).stderr.decode()
    assert "2 new, 0 already there" in first
    assert "0 new, 2 already there" in second
    assert "skipped Lừa đảo: javascript: URLs cannot be fetched; only http and https" in second
    assert "skipped Kho cũ: ftp: URLs cannot be fetched; only http and https" in second
    assert "skipped Không có địa chỉ: no feed URL" in second
