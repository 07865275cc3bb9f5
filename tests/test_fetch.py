"""Fetching and refreshing against a real HTTP server on 127.0.0.1.

Feeds and article pages are built from the sample corpus; every failure mode
a refresh meets in the wild (404, 5xx, timeouts, trickling servers, huge
bodies, malformed feeds, entity bombs, lying charsets, redirect loops) is
served for real and must end as a per-source error while the other sources
still refresh.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import html
import os
import signal
import subprocess
import sys
import threading
import time
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug.wrappers import Request, Response

from tuireader.clean import CleanedArticle
from tuireader.fetch import (
    PRESETS,
    FeedError,
    FeedItem,
    FeedSource,
    Fetcher,
    FetchError,
    RefreshStats,
    fetch_article,
    find_preset,
    item_has_full_text,
    parse_feed,
    refresh_sources,
)
from tuireader.fetch.http import parse_retry_after
from tuireader.fetch.refresh import default_clean
from tuireader.fetch.xmlsafe import check_no_entity_declarations

REPO = Path(__file__).resolve().parents[1]


def _corpus_dir() -> Path:
    local = REPO / "sample_corpus"
    if any(local.glob("*.txt")):
        return local
    return REPO.parent / "shared" / "seeds"


@dataclass
class Article:
    title: str
    paragraphs: list[str]

    @property
    def summary(self) -> str:
        return self.paragraphs[0][:200]

    def sentence(self) -> str:
        """A long body sentence, for checking that full text arrived."""
        return max(self.paragraphs[:8], key=len)[:80]


def load_articles() -> list[Article]:
    articles = []
    for path in sorted(_corpus_dir().glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        articles.append(Article(lines[0], lines[1:]))
    assert articles, "the sample corpus is missing"
    return articles


ARTICLES = load_articles()


def page_html(article: Article, url: str) -> bytes:
    body = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
    return (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
        f"<title>{html.escape(article.title)}</title>"
        f'<link rel="canonical" href="{html.escape(url)}"></head><body>'
        '<nav><a href="/">Trang chủ</a> <a href="/the-gioi">Thế giới</a></nav>'
        f"<article><h1>{html.escape(article.title)}</h1>{body}</article>"
        "<footer>© Báo điện tử</footer></body></html>"
    ).encode()


def rss_feed(title: str, items: list[tuple[str, Article]], *, full_content: bool = False) -> bytes:
    parts = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>',
        f"<title>{html.escape(title)}</title><link>http://news.example/</link>",
    ]
    for url, article in items:
        parts.append(
            f"<item><title>{html.escape(article.title)}</title><link>{html.escape(url)}</link>"
            f"<guid>{html.escape(url)}</guid>"
            f"<description>{html.escape(article.summary)}</description>"
            "<pubDate>Sat, 30 Jul 2022 08:15:00 +0700</pubDate>"
        )
        if full_content:
            body = "".join(f"<p>{html.escape(p)}</p>" for p in article.paragraphs)
            parts.append(f"<content:encoded><![CDATA[{body}]]></content:encoded>")
        parts.append("</item>")
    parts.append("</channel></rss>")
    return "\n".join(parts).encode("utf-8")


@dataclass
class MemorySink:
    known: set[str] = field(default_factory=set)
    stored: list[tuple[FeedSource, FeedItem, CleanedArticle | None, str | None]] = field(default_factory=list)

    def is_known(self, url: str) -> bool:
        return url in self.known

    def store(self, source: FeedSource, item: FeedItem, cleaned: CleanedArticle | None, page_url: str | None) -> str:
        self.stored.append((source, item, cleaned, page_url))
        for url in (item.url, page_url):
            if url:
                self.known.add(url)
        return "new"

    def texts(self) -> dict[str, str]:
        return {item.url or item.guid: (cleaned.text if cleaned else "") for _, item, cleaned, _ in self.stored}


@pytest.fixture(scope="module")
def shared_server() -> Iterator[HTTPServer]:
    # Threaded: a sleeping handler must not stall the other sources.
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    if srv.is_running():
        srv.stop()


@pytest.fixture
def own_server() -> Iterator[HTTPServer]:
    """A server of its own, for tests whose handlers outlive the test."""
    srv = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    srv.start()
    yield srv
    srv.clear()
    srv.stop()


@pytest.fixture
def server(shared_server: HTTPServer) -> Iterator[HTTPServer]:
    shared_server.clear()
    yield shared_server
    shared_server.clear()


@pytest.fixture
def threads() -> Iterator[concurrent.futures.ThreadPoolExecutor]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


def fast_fetcher(**overrides) -> Fetcher:
    options = dict(timeout=2.0, retries=1, backoff=0.01, max_retry_after=0.05)
    options.update(overrides)
    return Fetcher(**options)


def serve_site(server: HTTPServer, prefix: str, articles: list[Article], **feed_options) -> str:
    items = []
    for i, article in enumerate(articles):
        url = server.url_for(f"/{prefix}/article-{i}.html")
        server.expect_request(f"/{prefix}/article-{i}.html").respond_with_data(
            page_html(article, url), content_type="text/html; charset=utf-8"
        )
        items.append((url, article))
    feed_path = f"/{prefix}/rss.xml"
    server.expect_request(feed_path).respond_with_data(
        rss_feed(f"Báo {prefix}", items, **feed_options), content_type="application/rss+xml"
    )
    return server.url_for(feed_path)


def requested_paths(server: HTTPServer) -> list[str]:
    return [request.path for request, _ in server.log]


def run(coro):
    return asyncio.run(coro)


# --- refresh: the happy path -----------------------------------------------------


def test_refresh_stores_full_text_of_new_articles(server, threads):
    feed_url = serve_site(server, "vne", ARTICLES)
    sink = MemorySink()
    progress: list[tuple[str, str, int, int]] = []
    stats = RefreshStats()

    async def go():
        async with fast_fetcher() as fetcher:
            return await refresh_sources(
                [FeedSource(id="vne", url=feed_url)],
                sink,
                fetcher=fetcher,
                executor=threads,
                on_progress=lambda *args: progress.append(args),
                stats=stats,
            )

    (report,) = run(go())
    assert report.status == "ok", report.error
    assert report.new == len(ARTICLES) and report.page_errors == 0
    assert report.title == "Báo vne"
    texts = sink.texts()
    for i, article in enumerate(ARTICLES):
        url = server.url_for(f"/vne/article-{i}.html")
        assert article.sentence() in texts[url]
    assert all(page_url and page_url.startswith("http://127.0.0.1") for *_, page_url in sink.stored)
    assert stats.pages_fetched == len(ARTICLES) and stats.pages_cleaned == len(ARTICLES)
    states = [state for _, state, _, _ in progress]
    assert states[0] == "fetching" and states[-1] == "done"
    assert f"cleaning {len(ARTICLES)}/{len(ARTICLES)}" in states
    assert progress[-1][2:] == (1, 1)


def test_feed_with_full_content_is_cleaned_without_fetching_pages(server, threads):
    feed_url = serve_site(server, "full", ARTICLES, full_content=True)
    sink = MemorySink()
    (report,) = run(refresh_sources([FeedSource("full", feed_url)], sink, fetcher=fast_fetcher(), executor=threads))
    assert report.status == "ok" and report.new == len(ARTICLES)
    assert requested_paths(server) == ["/full/rss.xml"]
    by_url = {item.url: (item, cleaned) for _, item, cleaned, _ in sink.stored}
    for i, article in enumerate(ARTICLES):
        item, cleaned = by_url[server.url_for(f"/full/article-{i}.html")]
        assert item_has_full_text(item)
        assert cleaned is not None and article.sentence() in cleaned.text


def test_second_refresh_costs_a_304_and_no_page_fetches(server, threads):
    etag = '"feed-v1"'
    feed = rss_feed("Báo", [(server.url_for(f"/p/{i}.html"), a) for i, a in enumerate(ARTICLES)])
    conditional_headers: list[str | None] = []

    def feed_handler(request: Request) -> Response:
        conditional_headers.append(request.headers.get("If-None-Match"))
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(feed, content_type="application/rss+xml", headers={"ETag": etag})

    server.expect_request("/feed.xml").respond_with_handler(feed_handler)
    for i, article in enumerate(ARTICLES):
        server.expect_request(f"/p/{i}.html").respond_with_data(
            page_html(article, server.url_for(f"/p/{i}.html")), content_type="text/html"
        )
    sink = MemorySink()
    source = FeedSource("s", server.url_for("/feed.xml"))
    (first,) = run(refresh_sources([source], sink, fetcher=fast_fetcher(), executor=threads))
    assert first.status == "ok" and first.etag == etag
    pages_after_first = len(server.log)

    source.etag, source.last_modified = first.etag, first.last_modified
    (second,) = run(refresh_sources([source], sink, fetcher=fast_fetcher(), executor=threads))
    assert conditional_headers == [None, etag]
    assert second.status == "unchanged" and second.etag == etag and second.error is None
    assert len(server.log) == pages_after_first + 1
    assert len(sink.stored) == len(ARTICLES)


def test_known_articles_are_not_fetched_again(server, threads):
    feed_url = serve_site(server, "k", ARTICLES)
    sink = MemorySink()
    run(refresh_sources([FeedSource("k", feed_url)], sink, fetcher=fast_fetcher(), executor=threads))
    server.clear_log()
    (report,) = run(refresh_sources([FeedSource("k", feed_url)], sink, fetcher=fast_fetcher(), executor=threads))
    assert report.status == "ok" and report.new == 0 and report.unchanged == len(ARTICLES)
    assert requested_paths(server) == ["/k/rss.xml"]


def test_article_in_two_feeds_is_fetched_once(server, threads):
    url = server.url_for("/shared/story.html")
    server.expect_request("/shared/story.html").respond_with_data(page_html(ARTICLES[0], url), content_type="text/html")
    for name in ("a", "b"):
        server.expect_request(f"/{name}.xml").respond_with_data(rss_feed(name, [(url, ARTICLES[0])]))
    sink = MemorySink()
    sources = [FeedSource("a", server.url_for("/a.xml")), FeedSource("b", server.url_for("/b.xml"))]
    reports = run(refresh_sources(sources, sink, fetcher=fast_fetcher(), executor=threads))
    assert [r.status for r in reports] == ["ok", "ok"]
    assert requested_paths(server).count("/shared/story.html") == 1
    # Both feeds hand the same cleaned canonical URL to the sink, which dedups.
    assert {page_url for *_, page_url in sink.stored} == {url}


def test_same_article_at_two_urls_reaches_the_sink_under_its_canonical_url(server, threads):
    canonical = server.url_for("/news/story.html")
    page = page_html(ARTICLES[4], canonical)
    server.expect_request("/news/story.html").respond_with_data(page, content_type="text/html")
    server.expect_request("/m/story.html").respond_with_data(page, content_type="text/html")
    server.expect_request("/desktop.xml").respond_with_data(rss_feed("d", [(canonical, ARTICLES[4])]))
    server.expect_request("/mobile.xml").respond_with_data(
        rss_feed("m", [(server.url_for("/m/story.html"), ARTICLES[4])])
    )
    sink = MemorySink()
    sources = [FeedSource("d", server.url_for("/desktop.xml")), FeedSource("m", server.url_for("/mobile.xml"))]
    run(refresh_sources(sources, sink, fetcher=fast_fetcher(), executor=threads))
    assert len(sink.stored) == 2
    assert {page_url for *_, page_url in sink.stored} == {canonical}


def test_failing_page_keeps_item_with_summary(server, threads):
    good = server.url_for("/ok.html")
    missing = server.url_for("/gone.html")
    server.expect_request("/ok.html").respond_with_data(page_html(ARTICLES[1], good), content_type="text/html")
    server.expect_request("/gone.html").respond_with_data("nope", status=404)
    server.expect_request("/feed.xml").respond_with_data(rss_feed("x", [(good, ARTICLES[1]), (missing, ARTICLES[2])]))
    sink = MemorySink()
    (report,) = run(
        refresh_sources([FeedSource("x", server.url_for("/feed.xml"))], sink, fetcher=fast_fetcher(), executor=threads)
    )
    assert report.status == "ok" and report.new == 2 and report.page_errors == 1
    assert any("404" in w and "gone.html" in w for w in report.warnings)
    by_url = {item.url: (item, cleaned) for _, item, cleaned, _ in sink.stored}
    item, cleaned = by_url[missing]
    assert cleaned is None and item.summary == ARTICLES[2].summary


class ExplodingSink(MemorySink):
    def store(self, source, item, cleaned, page_url):
        if source.id == "bad":
            raise OSError("disk full")
        return super().store(source, item, cleaned, page_url)


def test_sink_failure_is_a_source_error_and_progress_failure_is_ignored(server, threads):
    bad_url = serve_site(server, "bad", ARTICLES[:2], full_content=True)
    good_url = serve_site(server, "fine", ARTICLES[:2], full_content=True)
    sink = ExplodingSink()

    def broken_progress(*args):
        raise RuntimeError("display gone")

    reports = run(
        refresh_sources(
            [FeedSource("bad", bad_url), FeedSource("fine", good_url)],
            sink,
            fetcher=fast_fetcher(),
            executor=threads,
            on_progress=broken_progress,
        )
    )
    assert reports[0].status == "error" and "disk full" in reports[0].error
    assert reports[1].status == "ok" and reports[1].new == 2


CRASH_MARKER = "Tin này làm sập tiến trình"


def clean_or_crash(data: bytes, **options) -> CleanedArticle:
    """Cleans like the real cleaner, but kills its worker process on one page."""
    if CRASH_MARKER.encode() in data:
        os._exit(1)
    return default_clean(data, **options)


def test_a_page_killing_its_worker_costs_only_that_page(server):
    crash = Article(CRASH_MARKER, [CRASH_MARKER] + ARTICLES[0].paragraphs)
    feed_url = serve_site(server, "crash", [ARTICLES[1], crash, ARTICLES[2], ARTICLES[3]])
    sink = MemorySink()
    (report,) = run(
        refresh_sources([FeedSource("crash", feed_url)], sink, fetcher=fast_fetcher(), clean=clean_or_crash)
    )
    assert report.status == "ok" and report.new == 4
    crashed_url = server.url_for("/crash/article-1.html")
    cleaned_by_url = {item.url: cleaned for _, item, cleaned, _ in sink.stored}
    assert cleaned_by_url[crashed_url] is None
    assert report.page_errors >= 1
    assert report.page_errors + sum(1 for c in cleaned_by_url.values() if c is not None) == 4


def test_a_dead_worker_pool_falls_back_to_a_working_one(server):
    feed_url = serve_site(server, "dead", ARTICLES[:3])
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=1)
    worker = pool.submit(os.getpid).result()
    os.kill(worker, signal.SIGKILL)
    with pytest.raises(concurrent.futures.BrokenExecutor):
        pool.submit(os.getpid).result()
    sink = MemorySink()
    (report,) = run(refresh_sources([FeedSource("dead", feed_url)], sink, fetcher=fast_fetcher(), executor=pool))
    assert report.status == "ok" and report.page_errors == 0
    assert all(cleaned is not None for _, _, cleaned, _ in sink.stored) and len(sink.stored) == 3
    pool.shutdown()


def test_worker_processes_start_under_a_tui_that_captures_stderr():
    """Textual replaces sys.stderr with an object whose fileno() is -1."""
    script = (
        "import io, sys\n"
        "from tuireader.fetch.refresh import make_executor, default_clean, _probe\n"
        "class Capture(io.TextIOBase):\n"
        "    def write(self, text): return len(text)\n"
        "    def fileno(self): return -1\n"
        "if __name__ == '__main__':\n"
        "    sys.stderr = Capture()\n"
        "    pool = make_executor(default_clean, 'process')\n"
        "    print(type(pool).__name__, pool.submit(_probe).result())\n"
        "    pool.shutdown()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.split() == ["ProcessPoolExecutor", "True"], done.stdout + done.stderr


def test_default_executor_and_cleaner(server):
    """No executor or clean given: the real cleaner runs in the default pool."""
    feed_url = serve_site(server, "d", ARTICLES[:2])
    sink = MemorySink()
    (report,) = run(refresh_sources([FeedSource("d", feed_url)], sink, fetcher=fast_fetcher()))
    assert report.status == "ok" and report.new == 2
    assert ARTICLES[0].sentence() in sink.texts()[server.url_for("/d/article-0.html")]


# --- refresh: every kind of broken source ----------------------------------------------

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><link>http://news.example/1</link></item></channel></rss>"""


def test_each_broken_source_is_a_clear_error_and_others_still_refresh(own_server, threads):
    server = own_server
    good_url = serve_site(server, "good", ARTICLES[:2])
    server.expect_request("/missing.xml").respond_with_data("not here", status=404)
    server.expect_request("/broken.xml").respond_with_data("oops", status=500)

    def sleepy(request: Request) -> Response:
        time.sleep(1.5)
        return Response(rss_feed("late", []), content_type="application/rss+xml")

    server.expect_request("/sleepy.xml").respond_with_handler(sleepy)

    def trickle(request: Request) -> Response:
        def body():
            for _ in range(40):
                yield b"<"
                time.sleep(0.05)

        return Response(body(), content_type="application/rss+xml")

    server.expect_request("/trickle.xml").respond_with_handler(trickle)

    huge_sent = [0]

    def huge(request: Request) -> Response:
        def body():
            chunk = b"x" * 65536
            for _ in range(50 * 16):  # 50 MB in 64 KB chunks
                huge_sent[0] += len(chunk)
                yield chunk

        return Response(body(), content_type="application/rss+xml")

    server.expect_request("/huge.xml").respond_with_handler(huge)
    server.expect_request("/malformed.xml").respond_with_data(
        b"<rss><channel><title>half a feed <<<< \x00", content_type="application/rss+xml"
    )
    server.expect_request("/bomb.xml").respond_with_data(BOMB, content_type="application/rss+xml")
    server.expect_request("/loop-a").respond_with_data("", status=302, headers={"Location": "/loop-b"})
    server.expect_request("/loop-b").respond_with_data("", status=302, headers={"Location": "/loop-a"})

    sources = [
        FeedSource(name, server.url_for(path))
        for name, path in [
            ("missing", "/missing.xml"),
            ("broken", "/broken.xml"),
            ("sleepy", "/sleepy.xml"),
            ("trickle", "/trickle.xml"),
            ("huge", "/huge.xml"),
            ("malformed", "/malformed.xml"),
            ("bomb", "/bomb.xml"),
            ("loop", "/loop-a"),
        ]
    ]
    sources.append(FeedSource("good", good_url))
    sink = MemorySink()
    fetcher = Fetcher(timeout=0.5, retries=1, backoff=0.01, max_bytes=2**20)
    reports = {r.source_id: r for r in run(refresh_sources(sources, sink, fetcher=fetcher, executor=threads))}

    assert reports["good"].status == "ok" and reports["good"].new == 2
    expected = {
        "missing": "HTTP 404 Not Found",
        "broken": "HTTP 500 Internal Server Error",
        "sleepy": "timed out after 0.5 s",
        "trickle": "too slow: response not complete after 0.5 s",
        "huge": "larger than 1 MB",
        "malformed": "malformed feed",
        "bomb": "entities",
        "loop": "redirect loop",
    }
    for name, phrase in expected.items():
        report = reports[name]
        assert report.status == "error", name
        assert phrase in report.error, (name, report.error)
        assert report.url in report.error, report.error
    assert huge_sent[0] < 20 * 2**20  # the download stopped near the cap, far from 50 MB
    assert requested_paths(server).count("/broken.xml") == 2  # retried once
    assert requested_paths(server).count("/missing.xml") == 1  # 4xx is not retried
    assert {item.url for _, item, _, _ in sink.stored} == {server.url_for(f"/good/article-{i}.html") for i in range(2)}


def test_wrong_declared_charset_over_http(server):
    title = "Hà Nội: người dân đổ xô mua sắm, giá tăng mạnh"
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title><item><title>'
    tail = "</title><link>http://news.example/1</link><description>Tóm tắt</description></item></channel></rss>"
    server.expect_request("/cp1258.xml").respond_with_data(
        head.encode() + encode_windows_1258(title) + encode_windows_1258(tail),
        content_type="application/rss+xml; charset=utf-8",
    )

    async def go():
        async with fast_fetcher() as fetcher:
            result = await fetcher.get(server.url_for("/cp1258.xml"))
        return parse_feed(result.content, url=result.url, content_type=result.content_type)

    feed = run(go())
    assert feed.items[0].title == title
    assert feed.items[0].summary == "Tóm tắt"


# --- the fetcher on its own -----------------------------------------------------------


def test_retry_after_is_honoured_then_success(server):
    calls = []

    def flaky(request: Request) -> Response:
        calls.append(time.monotonic())
        if len(calls) == 1:
            return Response("busy", status=503, headers={"Retry-After": "0"})
        return Response("fine", content_type="text/plain")

    server.expect_request("/flaky").respond_with_handler(flaky)
    result = run(_get(fast_fetcher(retries=2), server.url_for("/flaky")))
    assert result.content == b"fine" and len(calls) == 2


def test_retry_after_is_capped(server):
    server.expect_ordered_request("/later").respond_with_data("busy", status=429, headers={"Retry-After": "3600"})
    server.expect_ordered_request("/later").respond_with_data("now")
    result = run(_get(fast_fetcher(retries=1, max_retry_after=0.01), server.url_for("/later")))
    assert result.content == b"now"


def test_5xx_gives_up_after_retries(server):
    server.expect_request("/down").respond_with_data("down", status=502)
    with pytest.raises(FetchError, match=r"HTTP 502"):
        run(_get(fast_fetcher(retries=2), server.url_for("/down")))
    assert requested_paths(server).count("/down") == 3


def test_redirects_are_followed_to_the_final_url(server):
    server.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new"})
    server.expect_request("/new").respond_with_data(
        "here", headers={"ETag": '"e1"', "Last-Modified": "Sat, 30 Jul 2022 08:00:00 GMT"}
    )
    result = run(_get(fast_fetcher(), server.url_for("/old")))
    assert result.url == server.url_for("/new") and result.content == b"here"
    assert result.etag == '"e1"' and result.last_modified == "Sat, 30 Jul 2022 08:00:00 GMT"


def test_too_many_redirects(server):
    for i in range(5):
        server.expect_request(f"/hop{i}").respond_with_data("", status=302, headers={"Location": f"/hop{i + 1}"})
    with pytest.raises(FetchError, match="too many redirects"):
        run(_get(fast_fetcher(max_redirects=3), server.url_for("/hop0")))


def test_if_modified_since_gives_not_modified(server):
    stamp = "Sat, 30 Jul 2022 08:00:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(status=304)
        return Response("body", headers={"Last-Modified": stamp})

    server.expect_request("/lm").respond_with_handler(handler)
    result = run(_get(fast_fetcher(), server.url_for("/lm"), last_modified=stamp))
    assert result.not_modified and result.status == 304 and result.content == b""


def test_user_agent_is_honest(server):
    server.expect_request("/ua").respond_with_data("ok")
    run(_get(fast_fetcher(), server.url_for("/ua")))
    ((request, _),) = server.log
    assert request.headers["User-Agent"].startswith("tuireader/")


def test_connection_refused_is_a_clear_error():
    srv = HTTPServer(host="127.0.0.1", port=0)
    srv.start()
    url = srv.url_for("/gone")
    srv.stop()
    with pytest.raises(FetchError, match="connection failed") as info:
        run(_get(fast_fetcher(retries=1), url))
    assert url in str(info.value)


@pytest.mark.parametrize(
    ("url", "phrase"),
    [
        ("ftp://example.com/feed", "unsupported URL scheme"),
        ("file:///etc/passwd", "unsupported URL scheme"),
        ("not a url", "unsupported URL scheme"),
        ("", "not a URL"),
        ("http:///path-only", "no host name"),
        ("http://[::1/", "not a valid URL"),
        ("http://127.0.0.1:99999/", "not a valid URL"),
        ("http://xn--/", "not a valid URL"),
    ],
)
def test_unfetchable_urls_are_refused(url, phrase):
    with pytest.raises(FetchError, match=phrase):
        run(_get(fast_fetcher(retries=0), url))


def test_concurrency_per_host_is_bounded(server):
    lock = threading.Lock()
    active = [0]
    peak = [0]

    def handler(request: Request) -> Response:
        with lock:
            active[0] += 1
            peak[0] = max(peak[0], active[0])
        time.sleep(0.05)
        with lock:
            active[0] -= 1
        return Response("ok")

    server.expect_request("/slowish").respond_with_handler(handler)

    async def go():
        async with Fetcher(per_host=2, concurrency=8) as fetcher:
            await asyncio.gather(*(fetcher.get(server.url_for("/slowish")) for _ in range(8)))

    run(go())
    assert peak[0] == 2


def test_one_fetcher_serves_successive_event_loops(server):
    server.expect_request("/again").respond_with_data("ok")
    fetcher = fast_fetcher()
    first = asyncio.run(fetcher.get(server.url_for("/again")))
    second = asyncio.run(fetcher.get(server.url_for("/again")))
    assert first.content == second.content == b"ok"


def test_fetch_article_cleans_one_page(server):
    url = server.url_for("/one.html")
    server.expect_request("/one.html").respond_with_data(
        page_html(ARTICLES[3], url), content_type="text/html; charset=utf-8"
    )
    result, article = run(fetch_article(url))
    assert result.status == 200
    assert article.title == ARTICLES[3].title
    assert ARTICLES[3].sentence() in article.text


def test_parse_retry_after_forms():
    now = datetime(2026, 1, 1, tzinfo=UTC)
    later = format_datetime(now + timedelta(seconds=90), usegmt=True)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(later, now=now.timestamp()) == pytest.approx(90.0)
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


async def _get(fetcher: Fetcher, url: str, **validators):
    async with fetcher:
        return await fetcher.get(url, **validators)


# --- feed parsing ---------------------------------------------------------------------

from tests.legacy_encoding import to_cp1258 as encode_windows_1258  # noqa: E402


def _one_item_rss(title_bytes: bytes, declared: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>T</title><item><title>'.encode()
        + title_bytes
        + b"</title><link>http://news.example/a</link></item></channel></rss>"
    )


@pytest.mark.parametrize(
    ("encode", "declared"),
    [
        (encode_windows_1258, "utf-8"),  # declares UTF-8, sends windows-1258
        (lambda t: t.encode("utf-8"), "iso-8859-1"),  # declares Latin-1, sends UTF-8
        (encode_windows_1258, "windows-1258"),  # honest legacy charset
        (encode_windows_1258, "iso-8859-1"),
    ],
    ids=["1258-declared-utf8", "utf8-declared-latin1", "1258-declared-1258", "1258-declared-latin1"],
)
def test_wrong_declared_charset_still_reads(encode, declared):
    title = "Thủ tướng: Hà Nội sẽ khởi công đường vành đai, người dân đồng tình ủng hộ"
    feed = parse_feed(_one_item_rss(encode(title), declared))
    assert feed.items[0].title == title
    assert unicodedata.is_normalized("NFC", feed.items[0].title)


def test_utf8_feed_with_a_few_broken_bytes_stays_utf8():
    title = "Thủ tướng: Hà Nội sẽ khởi công đường vành đai"
    feed = parse_feed(_one_item_rss(title.encode("utf-8") + b" \xff\xfe end", "utf-8"))
    assert feed.items[0].title.startswith(title)


def test_latin_text_in_windows_1252_is_not_turned_vietnamese():
    title = "Café crème à la française, naïve über façade"
    feed = parse_feed(_one_item_rss(title.encode("cp1252"), "utf-8"))
    assert feed.items[0].title == title


def test_rss091_with_public_doctype_and_image_teaser():
    doc = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Tin mới nhất</title><link>https://news.example</link>
<item><title>Một tuần Hà Nội có 1.400 người bệnh</title>
<description><![CDATA[<a href="https://news.example/a-1.html"><img width=130 src="https://img.example/x.jpg" ></a></br>Từ ngày 17-23/7, Hà Nội ghi nhận 1.400 ca.]]></description>
<pubDate>Wed, 26 Jul 2017 19:41:14 +0700</pubDate>
<link>
https://news.example/a-1.html
</link></item></channel></rss>""".encode()
    (item,) = parse_feed(doc).items
    assert item.url == "https://news.example/a-1.html" and item.guid
    assert item.summary == "Từ ngày 17-23/7, Hà Nội ghi nhận 1.400 ca."
    assert item.published == "2017-07-26T12:41:14+00:00"
    assert item.content_html is None and not item_has_full_text(item)


def test_rss1_rdf_feed():
    rdf = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://news.example/"><title>Tin RDF</title><link>http://news.example/</link>
    <items><rdf:Seq><rdf:li rdf:resource="http://news.example/1"/></rdf:Seq></items></channel>
  <item rdf:about="http://news.example/1"><title>Ngoại trưởng Nga, Mỹ điện đàm</title>
    <link>http://news.example/1</link><description>Cuộc điện đàm đầu tiên.</description>
    <dc:date>2022-07-29T20:00:00+07:00</dc:date><dc:creator>Việt Hà</dc:creator><dc:subject>Thế giới</dc:subject></item>
</rdf:RDF>""".encode()
    feed = parse_feed(rdf)
    assert feed.title == "Tin RDF" and feed.site_url == "http://news.example/"
    (item,) = feed.items
    assert item.title == "Ngoại trưởng Nga, Mỹ điện đàm"
    assert item.url == "http://news.example/1" and item.guid
    assert item.published == "2022-07-29T13:00:00+00:00"
    assert item.author == "Việt Hà" and item.tags == ["Thế giới"]
    assert not item_has_full_text(item)


def test_atom_feed_with_relative_links_and_html_title():
    body = "".join(f"<p>{html.escape(p)}</p>" for p in ARTICLES[0].paragraphs)
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom tin</title><link href="/"/>
<entry><id>tag:news.example,2022:1</id><title type="html">&lt;b&gt;Nóng:&lt;/b&gt; {html.escape(html.escape(ARTICLES[0].title))}</title>
<link href="bai/1.html"/><updated>2022-07-29T20:00:00+07:00</updated>
<author><name>Phóng viên</name></author><category term="Thời sự"/>
<summary>Tóm tắt ngắn.</summary><content type="html">{html.escape(body)}</content></entry></feed>""".encode()
    feed = parse_feed(atom, url="https://news.example/feeds/atom.xml")
    (item,) = feed.items
    assert item.title == f"Nóng: {ARTICLES[0].title}"
    assert item.url == "https://news.example/feeds/bai/1.html"
    assert item.guid == "tag:news.example,2022:1"
    assert item.summary == "Tóm tắt ngắn."
    assert item_has_full_text(item) and ARTICLES[0].paragraphs[2][:50] in item.content_html
    assert item.author == "Phóng viên" and item.tags == ["Thời sự"]


def test_titles_lose_escape_sequences_but_keep_markup_like_text():
    raw = _one_item_rss(
        "[bold]Tin\u200b nóng[/bold] \x1b]8;;http://evil\x07link\x1b]8;;\x07 <b>x</b>".encode(), "utf-8"
    )
    raw = raw.replace(b"<b>x</b>", b"&lt;b&gt;x&lt;/b&gt;")
    (item,) = parse_feed(raw).items
    assert "\x1b" not in item.title and "\u200b" not in item.title
    assert item.title.startswith("[bold]Tin nóng[/bold]")
    assert "link" in item.title and "evil" not in item.title


def test_malformed_feed_with_recoverable_items_is_accepted():
    truncated = rss_feed("x", [("http://news.example/1", ARTICLES[0]), ("http://news.example/2", ARTICLES[1])])[:-40]
    feed = parse_feed(truncated)
    assert len(feed.items) == 2 and feed.warnings


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01 not xml at all", "malformed"),
        (b"<!doctype html><html><body><p>Trang chu</p></body></html>", "HTML page"),
        (BOMB, "entities"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss version="2.0"><channel><title>&x;</title></channel></rss>',
            "entities",
        ),
        (
            BOMB.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>').encode("utf-16"),
            "entities",
        ),
        (str(Path(__file__).resolve()).encode(), "not an RSS or Atom feed|malformed"),  # never opened as a path
    ],
    ids=["empty", "blank", "binary", "html-page", "entity-bomb", "external-entity", "utf16-entity-bomb", "a-file-path"],
)
def test_unusable_documents_raise_clear_feed_errors(data, phrase):
    with pytest.raises(FeedError, match=phrase):
        parse_feed(data)


def test_entity_check_ignores_mentions_in_cdata_and_comments():
    check_no_entity_declarations("<!-- <!ENTITY x 'y'> --><rss><![CDATA[<!ENTITY in text>]]></rss>")


def test_description_carrying_the_whole_article_counts_as_full_text():
    body = "".join(f"<p>{html.escape(p)}</p>" for p in ARTICLES[1].paragraphs)
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item>'
        f"<title>x</title><link>http://news.example/1</link><description>{html.escape(body)}</description>"
        "</item></channel></rss>"
    ).encode()
    (item,) = parse_feed(rss).items
    assert item_has_full_text(item)


# --- presets ----------------------------------------------------------------------------


def test_presets_are_found_ignoring_case_and_diacritics():
    assert find_preset("vnexpress").site == "vnexpress.net"
    assert find_preset("Tuổi Trẻ").name == "tuoitre"
    assert find_preset("tuoi tre").name == "tuoitre"
    assert find_preset("DÂN TRÍ").name == "dantri"
    assert find_preset("bao quoc te").name == "baoquocte"
    assert find_preset("kinh te do thi").name == "kinhtedothi"
    assert find_preset("no such paper") is None
    assert find_preset("") is None


def test_presets_are_well_formed():
    names = [p.name for p in PRESETS]
    assert len(names) == len(set(names))
    wanted = {
        "vnexpress",
        "tuoitre",
        "thanhnien",
        "dantri",
        "vietnamnet",
        "baoquocte",
        "sggp",
        "kinhtedothi",
        "vietgiaitri",
        "nhandan",
    }
    assert wanted <= set(names)
    for preset in PRESETS:
        assert preset.url.startswith("https://") and preset.site in preset.url
