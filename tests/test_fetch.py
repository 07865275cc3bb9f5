"""Fetching and refreshing against a keep-alive news site on 127.0.0.1.

Feeds and article pages are built from the sample corpus and served by
``tests.servers.NewsSite``, which keeps connections open, sends ETag and
Last-Modified and gzips, as news sites do.  Every failure mode a refresh
meets in the wild (404, 5xx, silence, trickling servers, huge bodies,
malformed feeds, entity bombs, redirect loops, archives served as pages) is
served for real and must end as a per-source reason while the other sources
still refresh.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.servers import ARTICLES, BOMB, Article, MemorySink, NewsSite, Reply, Seen, page_html, rss_feed, serve_site
from tuireader.clean import CleanedArticle
from tuireader.fetch import (
    PRESETS,
    FeedSource,
    Fetcher,
    FetchError,
    FetchOptions,
    RefreshStats,
    fetch_article,
    fetch_article_sync,
    fetch_sync,
    find_preset,
    item_has_full_text,
    refresh_sources,
    refresh_sources_sync,
)
from tuireader.fetch.http import parse_retry_after
from tuireader.fetch.refresh import default_clean

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def threads() -> Iterator[concurrent.futures.ThreadPoolExecutor]:
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        yield pool


FAST = FetchOptions(timeout=2.0, deadline=10.0, retries=1, backoff=0.01, max_retry_after=0.05)


def fast_fetcher(**overrides) -> Fetcher:
    return Fetcher(FAST, **overrides)


def run(coro):
    return asyncio.run(coro)


def refresh(sources, sink, executor, **options):
    """One refresh in its own event loop, cleaning in ``executor``."""
    return refresh_sources_sync(sources, sink, options=options.pop("fetch", FAST), executor=executor, **options)


# --- the test server is a real news site ------------------------------------------


def test_the_news_site_keeps_connections_alive_and_answers_conditional_gets(news_site):
    import http.client

    news_site.feed("/feed.xml", rss_feed("Báo", [("http://news.example/1", ARTICLES[0])]))
    connection = http.client.HTTPConnection("127.0.0.1", int(news_site.base.rsplit(":", 1)[1]))
    connection.request("GET", "/feed.xml", headers={"Accept-Encoding": "gzip"})
    first = connection.getresponse()
    body = gzip.decompress(first.read())
    etag, modified = first.getheader("ETag"), first.getheader("Last-Modified")
    connection.request("GET", "/feed.xml", headers={"If-None-Match": etag})
    second = connection.getresponse()
    second.read()
    connection.request("GET", "/feed.xml", headers={"If-Modified-Since": modified})
    third = connection.getresponse()
    third.read()
    connection.close()
    assert first.status == 200 and first.getheader("Content-Encoding") == "gzip" and b"<rss" in body
    assert (second.status, third.status) == (304, 304)
    assert [seen.connection for seen in news_site.log] == [1, 1, 1]


# --- refresh: the happy path -----------------------------------------------------


def test_refresh_stores_full_text_of_new_articles_over_kept_alive_connections(news_site, threads):
    feed_url = serve_site(news_site, "vne", ARTICLES)
    sink = MemorySink()
    progress: list[tuple[str, str, int, int]] = []
    stats = RefreshStats()
    source = FeedSource(id="vne", url=feed_url)
    (report,) = refresh([source], sink, threads, on_progress=lambda *args: progress.append(args), stats=stats)
    assert report.status == "ok", report.error
    assert report.new == len(ARTICLES) and report.page_errors == 0
    assert report.title == report.name == "Báo vne"
    assert report.etag and report.last_modified and report.finished_at.endswith("Z")
    texts = sink.texts()
    for i, article in enumerate(ARTICLES):
        assert article.sentence() in texts[news_site.url(f"/vne/article-{i}.html")]
    assert all(page_url and page_url.startswith("http://127.0.0.1") for *_, page_url in sink.stored)
    assert stats.pages_fetched == len(ARTICLES) and stats.pages_cleaned == len(ARTICLES)
    states = [state for _, state, _, _ in progress]
    assert states[0] == "fetching" and states[-1] == "done"
    assert f"cleaning {len(ARTICLES)}/{len(ARTICLES)}" in states
    assert progress[-1][2:] == (1, 1)
    connections = {seen.connection for seen in news_site.log}
    assert len(connections) < len(news_site.log)  # the fetcher reused kept-alive connections


def test_feed_with_full_content_is_cleaned_without_fetching_pages(news_site, threads):
    feed_url = serve_site(news_site, "full", ARTICLES, full_content=True)
    sink = MemorySink()
    (report,) = refresh([FeedSource("full", feed_url)], sink, threads)
    assert report.status == "ok" and report.new == len(ARTICLES)
    assert news_site.paths() == ["/full/rss.xml"]
    by_url = {item.url: (item, cleaned) for _, item, cleaned, _ in sink.stored}
    for i, article in enumerate(ARTICLES):
        item, cleaned = by_url[news_site.url(f"/full/article-{i}.html")]
        assert item_has_full_text(item)
        assert cleaned is not None and article.sentence() in cleaned.text


def test_second_refresh_costs_a_304_and_no_page_fetches(news_site, threads):
    feed_url = serve_site(news_site, "p", ARTICLES)
    sink = MemorySink()
    source = FeedSource("s", feed_url)
    (first,) = refresh([source], sink, threads)
    assert first.status == "ok" and first.etag and first.last_modified
    requests_after_first = len(news_site.log)

    source.etag, source.last_modified = first.etag, first.last_modified
    (second,) = refresh([source], sink, threads)
    feed_requests = [seen for seen in news_site.log if seen.path == "/p/rss.xml"]
    assert [seen.headers.get("If-None-Match") for seen in feed_requests] == [None, first.etag]
    assert feed_requests[1].headers.get("If-Modified-Since") == first.last_modified
    assert second.status == "unchanged" and second.etag == first.etag and second.error is None
    assert len(news_site.log) == requests_after_first + 1
    assert len(sink.stored) == len(ARTICLES)


def test_known_articles_are_not_fetched_again(news_site, threads):
    feed_url = serve_site(news_site, "k", ARTICLES)
    sink = MemorySink()
    refresh([FeedSource("k", feed_url)], sink, threads)
    news_site.clear_log()
    (report,) = refresh([FeedSource("k", feed_url)], sink, threads)
    assert report.status == "ok" and report.new == 0 and report.unchanged == len(ARTICLES)
    assert news_site.paths() == ["/k/rss.xml"]


def test_article_in_two_feeds_is_fetched_once(news_site, threads):
    url = news_site.serve("/shared/story.html", page_html(ARTICLES[0], news_site.url("/shared/story.html")))
    for name in ("a", "b"):
        news_site.feed(f"/{name}.xml", rss_feed(name, [(url, ARTICLES[0])]))
    sink = MemorySink()
    sources = [FeedSource("a", news_site.url("/a.xml")), FeedSource("b", news_site.url("/b.xml"))]
    reports = refresh(sources, sink, threads)
    assert [r.status for r in reports] == ["ok", "ok"]
    assert news_site.count("/shared/story.html") == 1
    # Both feeds hand the same cleaned canonical URL to the sink, which dedups.
    assert {page_url for *_, page_url in sink.stored} == {url}


def test_same_article_at_two_urls_reaches_the_sink_under_its_canonical_url(news_site, threads):
    canonical = news_site.url("/news/story.html")
    page = page_html(ARTICLES[4], canonical)
    news_site.serve("/news/story.html", page)
    mobile = news_site.serve("/m/story.html", page)
    news_site.feed("/desktop.xml", rss_feed("d", [(canonical, ARTICLES[4])]))
    news_site.feed("/mobile.xml", rss_feed("m", [(mobile, ARTICLES[4])]))
    sink = MemorySink()
    sources = [FeedSource("d", news_site.url("/desktop.xml")), FeedSource("m", news_site.url("/mobile.xml"))]
    refresh(sources, sink, threads)
    assert len(sink.stored) == 2
    assert {page_url for *_, page_url in sink.stored} == {canonical}


def test_failing_page_keeps_item_with_summary(news_site, threads):
    good = news_site.serve("/ok.html", page_html(ARTICLES[1], news_site.url("/ok.html")))
    missing = news_site.status("/gone.html", 404)
    news_site.feed("/feed.xml", rss_feed("x", [(good, ARTICLES[1]), (missing, ARTICLES[2])]))
    sink = MemorySink()
    (report,) = refresh([FeedSource("x", news_site.url("/feed.xml"))], sink, threads)
    assert report.status == "ok" and report.new == 2 and report.page_errors == 1
    assert any("404" in w and "gone.html" in w for w in report.warnings)
    by_url = {item.url: (item, cleaned) for _, item, cleaned, _ in sink.stored}
    item, cleaned = by_url[missing]
    assert cleaned is None and item.summary == ARTICLES[2].summary


def first_words(text: str) -> str:
    """An analysis for tests: picklable, and visibly made from the cleaned text."""
    return " ".join(text.split()[:3])


def test_analysis_of_each_article_runs_in_the_workers_and_reaches_the_sink(news_site):
    feed_url = serve_site(news_site, "an", ARTICLES[:2])
    sink = MemorySink()
    (report,) = refresh_sources_sync([FeedSource("an", feed_url)], sink, options=FAST, analyse=first_words)
    assert report.status == "ok" and report.new == 2
    for (_, _, cleaned, _), analysis in zip(sink.stored, sink.analyses, strict=True):
        assert analysis == first_words(cleaned.text) and analysis


class ExplodingSink(MemorySink):
    def store(self, source, item, cleaned, page_url, analysis=None):
        if source.id == "bad":
            raise OSError("disk full")
        return super().store(source, item, cleaned, page_url, analysis)


def test_sink_failure_is_a_source_error_and_progress_failure_is_ignored(news_site, threads):
    bad_url = serve_site(news_site, "bad", ARTICLES[:2], full_content=True)
    good_url = serve_site(news_site, "fine", ARTICLES[:2], full_content=True)
    sink = ExplodingSink()

    def broken_progress(*args):
        raise RuntimeError("display gone")

    sources = [FeedSource("bad", bad_url), FeedSource("fine", good_url)]
    reports = refresh(sources, sink, threads, on_progress=broken_progress)
    assert reports[0].status == "error" and "disk full" in reports[0].reason
    assert reports[1].status == "ok" and reports[1].new == 2


# --- refresh in worker processes ------------------------------------------------

CRASH_MARKER = "Tin này làm sập tiến trình"


def clean_or_crash(data: bytes, **options) -> CleanedArticle:
    """Cleans like the real cleaner, but kills its worker process on one page."""
    if CRASH_MARKER.encode() in data:
        os._exit(1)
    return default_clean(data, **options)


def test_a_page_killing_its_worker_costs_only_that_page(news_site):
    crash = Article(CRASH_MARKER, [CRASH_MARKER] + ARTICLES[0].paragraphs)
    feed_url = serve_site(news_site, "crash", [ARTICLES[1], crash, ARTICLES[2], ARTICLES[3]])
    sink = MemorySink()
    (report,) = refresh_sources_sync([FeedSource("crash", feed_url)], sink, options=FAST, clean=clean_or_crash)
    assert report.status == "ok" and report.new == 4
    cleaned_by_url = {item.url: cleaned for _, item, cleaned, _ in sink.stored}
    assert cleaned_by_url[news_site.url("/crash/article-1.html")] is None
    assert report.page_errors >= 1
    assert report.page_errors + sum(1 for c in cleaned_by_url.values() if c is not None) == 4


def test_a_dead_worker_pool_falls_back_to_a_working_one(news_site):
    feed_url = serve_site(news_site, "dead", ARTICLES[:3])
    pool = concurrent.futures.ProcessPoolExecutor(max_workers=1)
    worker = pool.submit(os.getpid).result()
    os.kill(worker, signal.SIGKILL)
    with pytest.raises(concurrent.futures.BrokenExecutor):
        pool.submit(os.getpid).result()
    sink = MemorySink()
    (report,) = refresh([FeedSource("dead", feed_url)], sink, pool)
    assert report.status == "ok" and report.page_errors == 0
    assert all(cleaned is not None for _, _, cleaned, _ in sink.stored) and len(sink.stored) == 3
    pool.shutdown()


def test_worker_processes_start_under_a_tui_that_captures_stderr():
    """Textual replaces sys.stderr with an object whose fileno() is -1."""
    script = (
        "import io, sys\n"
        "from tuireader.fetch.refresh import default_clean\n"
        "from tuireader.fetch.workers import make_executor, probe\n"
        "class Capture(io.TextIOBase):\n"
        "    def write(self, text): return len(text)\n"
        "    def fileno(self): return -1\n"
        "if __name__ == '__main__':\n"
        "    sys.stderr = Capture()\n"
        "    pool = make_executor(default_clean, kind='process')\n"
        "    print(type(pool).__name__, pool.submit(probe).result())\n"
        "    pool.shutdown()\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.split() == ["ProcessPoolExecutor", "True"], done.stdout + done.stderr


def test_default_executor_and_cleaner(news_site):
    """No executor or clean given: the real cleaner runs in the default pool."""
    feed_url = serve_site(news_site, "d", ARTICLES[:2])
    sink = MemorySink()
    (report,) = refresh_sources_sync([FeedSource("d", feed_url)], sink, options=FAST)
    assert report.status == "ok" and report.new == 2
    assert ARTICLES[0].sentence() in sink.texts()[news_site.url("/d/article-0.html")]


def test_refresh_with_the_callers_fetcher_leaves_it_open(news_site, threads):
    feed_url = serve_site(news_site, "own", ARTICLES[:1])

    async def go():
        async with fast_fetcher() as fetcher:
            sources = [FeedSource("own", feed_url)]
            (report,) = await refresh_sources(sources, MemorySink(), fetcher=fetcher, executor=threads)
            return report, await fetcher.get(feed_url, etag=report.etag)

    report, again = run(go())
    assert report.status == "ok" and again.not_modified


def test_the_sync_entry_point_takes_options_not_a_fetcher_from_another_loop():
    with pytest.raises(TypeError, match="options="):
        refresh_sources_sync([], MemorySink(), fetcher=Fetcher())


def test_a_fetcher_refuses_a_second_event_loop(news_site):
    url = news_site.serve("/again", b"ok", "text/plain")
    fetcher = fast_fetcher()
    assert asyncio.run(fetcher.get(url)).content == b"ok"
    with pytest.raises(RuntimeError, match="event loop"):
        asyncio.run(fetcher.get(url))


# --- refresh: every kind of broken source ----------------------------------------------


def endless(sent: list[int]) -> Iterator[bytes]:
    """50 MB in 64 KB chunks, counting what went out."""
    chunk = b"x" * 65536
    for _ in range(50 * 16):
        sent[0] += len(chunk)
        yield chunk


def test_each_broken_source_is_a_clear_reason_and_others_still_refresh(news_site, threads):
    site = news_site
    good_url = serve_site(site, "good", ARTICLES[:2])
    site.status("/missing.xml", 404)
    site.status("/broken.xml", 500)
    site.silent("/silent.xml")
    site.trickle("/trickle.xml", every=0.05)
    huge_sent = [0]
    site.route("/huge.xml", lambda seen: Reply(200, endless(huge_sent), "application/rss+xml"))
    site.feed("/malformed.xml", b"<rss><channel><title>half a feed <<<< \x00")
    site.feed("/bomb.xml", BOMB)
    site.status("/loop-a", 302, Location="/loop-b")
    site.status("/loop-b", 302, Location="/loop-a")
    site.serve("/page.html", page_html(ARTICLES[0], site.url("/page.html")))
    site.serve("/archive.gz", gzip.compress(b"x" * 1000), "application/gzip")
    names = ["missing", "broken", "silent", "trickle", "huge", "malformed", "bomb", "loop", "page", "archive"]
    paths = ["/missing.xml", "/broken.xml", "/silent.xml", "/trickle.xml", "/huge.xml", "/malformed.xml"]
    paths += ["/bomb.xml", "/loop-a", "/page.html", "/archive.gz"]
    sources = [FeedSource(name, site.url(path)) for name, path in zip(names, paths, strict=True)]
    sources.append(FeedSource("good", good_url))
    sink = MemorySink()
    options = FetchOptions(timeout=0.5, retries=1, backoff=0.01, max_bytes=2**20)
    reports = {r.source_id: r for r in refresh(sources, sink, threads, fetch=options)}

    assert reports["good"].status == "ok" and reports["good"].new == 2
    expected = {
        "missing": "HTTP 404 Not Found",
        "broken": "HTTP 500 Internal Server Error",
        "silent": "timed out after 0.5 s",
        "trickle": "too slow: response not complete after 0.5 s",
        "huge": "larger than 1 MB",
        "malformed": "malformed feed",
        "bomb": "entities",
        "loop": "redirect loop",
        "page": "not a feed: text/html",
        "archive": "not a web page or a feed: application/gzip",
    }
    for name, phrase in expected.items():
        report = reports[name]
        assert report.status == "error", name
        assert phrase in report.reason, (name, report.reason)
        assert report.url in report.error, report.error
        assert report.name == report.url.removeprefix("http://") and report.finished_at
    assert huge_sent[0] < 20 * 2**20  # the download stopped near the cap, far from 50 MB
    assert site.count("/broken.xml") == 2  # retried once
    assert site.count("/missing.xml") == 1  # 4xx is not retried
    assert {item.url for _, item, _, _ in sink.stored} == {site.url(f"/good/article-{i}.html") for i in range(2)}


def test_a_refused_content_type_is_not_downloaded(news_site):
    sent = [0]
    url = news_site.route("/video.mp4", lambda seen: Reply(200, endless(sent), "video/mp4"))
    with pytest.raises(FetchError, match="not a web page or a feed: video/mp4"):
        fetch_sync(url, options=FAST)
    assert sent[0] < 20 * 2**20


def test_a_trickling_server_fails_at_the_deadline_not_after_every_try(news_site):
    url = news_site.trickle("/slow.xml", every=0.05)
    options = FetchOptions(timeout=1.0, deadline=1.5, retries=3, backoff=0.01)
    with pytest.raises(FetchError) as caught:
        fetch_sync(url, options=options)
    assert caught.value.cause == "timed out after 1.5 s in all"
    # Without the deadline, all four tries of 1 s would have run.
    assert news_site.count("/slow.xml") <= 2


def test_a_feed_whose_pages_never_answer_fails_at_the_feed_deadline(news_site, threads):
    silent = news_site.silent("/never.html")
    news_site.feed("/feed.xml", rss_feed("Chậm", [(silent, ARTICLES[0])]))
    sink = MemorySink()
    (report,) = refresh([FeedSource("slow", news_site.url("/feed.xml"))], sink, threads, feed_deadline=0.5)
    assert report.status == "error"
    assert report.reason == "timed out after 0.5 s (the feed and its pages)"
    assert report.name == "Chậm" and sink.stored == []


# --- the fetcher on its own -----------------------------------------------------------


def test_retry_after_is_honoured_then_success(news_site):
    calls: list[Seen] = []

    def flaky(seen: Seen) -> Reply:
        calls.append(seen)
        if len(calls) == 1:
            return Reply(503, b"busy", "text/plain", {"Retry-After": "0"})
        return Reply(200, b"fine", "text/plain")

    url = news_site.route("/flaky", flaky)
    fetcher = fast_fetcher(retries=2, backoff=0)
    result = run(_get(fetcher, url))
    assert result.content == b"fine" and len(calls) == 2
    assert fetcher.waits == [0]


def test_retry_after_is_capped(news_site):
    answers = iter([Reply(429, b"busy", "text/plain", {"Retry-After": "3600"}), Reply(200, b"now", "text/plain")])
    url = news_site.route("/later", lambda seen: next(answers))
    fetcher = fast_fetcher(retries=1, max_retry_after=0.01)
    result = run(_get(fetcher, url))
    assert result.content == b"now"
    assert fetcher.waits == [0.01]  # not the hour the server asked for


def test_5xx_gives_up_after_retries(news_site):
    url = news_site.status("/down", 502)
    with pytest.raises(FetchError, match=r"HTTP 502"):
        run(_get(fast_fetcher(retries=2), url))
    assert news_site.count("/down") == 3


def test_redirects_are_followed_to_the_final_url(news_site):
    old = news_site.status("/old", 301, Location="/new")
    new = news_site.serve("/new", b"here", "text/plain")
    result = run(_get(fast_fetcher(), old))
    assert result.url == new and result.content == b"here"
    assert result.etag and result.last_modified == "Sat, 30 Jul 2022 08:00:00 GMT"


def test_too_many_redirects(news_site):
    for i in range(5):
        news_site.status(f"/hop{i}", 302, Location=f"/hop{i + 1}")
    with pytest.raises(FetchError, match="too many redirects"):
        run(_get(fast_fetcher(max_redirects=3), news_site.url("/hop0")))


def test_if_modified_since_gives_not_modified(news_site):
    url = news_site.serve("/lm", b"body", "text/plain")
    result = run(_get(fast_fetcher(), url, last_modified="Sat, 30 Jul 2022 08:00:00 GMT"))
    assert result.not_modified and result.status == 304 and result.content == b""


def test_gzip_bodies_arrive_decoded(news_site):
    body = page_html(ARTICLES[0], "http://news.example/a")
    url = news_site.serve("/zipped.html", body)
    result = fetch_sync(url, options=FAST)
    (seen,) = news_site.log
    assert "gzip" in seen.headers["Accept-Encoding"] and result.content == body


def test_user_agent_is_honest(news_site):
    url = news_site.serve("/ua", b"ok", "text/plain")
    run(_get(fast_fetcher(), url))
    (seen,) = news_site.log
    assert seen.headers["User-Agent"].startswith("tuireader/")


def test_connection_refused_is_a_clear_error():
    site = NewsSite().start()
    url = site.url("/gone")
    site.stop()
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


def test_concurrency_per_host_is_bounded(news_site):
    total = 8
    changed = threading.Condition()
    state = {"active": 0, "peak": 0, "arrived": 0}

    def handler(seen: Seen) -> Reply:
        # Each request waits for a partner in flight (or for the last
        # arrival), so requests overlap as far as the fetcher lets them.
        with changed:
            state["active"] += 1
            state["arrived"] += 1
            state["peak"] = max(state["peak"], state["active"])
            changed.notify_all()
            changed.wait_for(lambda: state["active"] >= 2 or state["arrived"] == total, timeout=60)
            state["active"] -= 1
        return Reply(200, b"ok", "text/plain")

    url = news_site.route("/slowish", handler)

    async def go():
        async with Fetcher(FAST, per_host=2, concurrency=8) as fetcher:
            await asyncio.gather(*(fetcher.get(url) for _ in range(total)))

    run(go())
    assert state["arrived"] == total
    assert 1 <= state["peak"] <= 2


def test_fetch_article_cleans_one_page(news_site):
    url = news_site.serve("/one.html", page_html(ARTICLES[3], news_site.url("/one.html")))
    result, article = run(fetch_article(url, options=FAST))
    assert result.status == 200
    assert article.title == ARTICLES[3].title
    assert ARTICLES[3].sentence() in article.text
    _, again = fetch_article_sync(url, options=FAST)
    assert again.text == article.text


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
