"""Test HTTP servers that answer like news sites do.

:class:`NewsSite` is a threaded HTTP/1.1 server on 127.0.0.1 that keeps
connections alive, sends an ETag and a Last-Modified with every document it
serves, answers a conditional GET with 304 and gzips bodies for clients that
accept it.  Routes that need a behaviour of their own (errors, silence,
trickling, endless bodies) take a handler that returns a :class:`Reply`.

Tests wait on what the server saw (:meth:`NewsSite.wait_for`), never on the
clock.  Registered as a pytest plugin in ``conftest.py``: the ``news_site``
fixture gives each test a fresh server and stops it afterwards.

What such a site serves is built here too: article pages and RSS feeds made
from the sample corpus (:data:`ARTICLES`, :func:`page_html`,
:func:`rss_feed`), and :class:`MemorySink`, which keeps what a refresh
stored.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import html
import itertools
import socket
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from email.message import Message
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

__all__ = [
    "ARTICLES",
    "BOMB",
    "LAST_MODIFIED",
    "Article",
    "MemorySink",
    "NewsSite",
    "Reply",
    "Seen",
    "news_site",
    "page_html",
    "rss_feed",
    "serve_site",
]

LAST_MODIFIED = "Sat, 30 Jul 2022 08:00:00 GMT"
# A wait for the server is for an event that must come; this only bounds a failure.
EVENT_WAIT = 60.0


@dataclass
class Seen:
    """One request as the server saw it; ``connection`` numbers the TCP connection it came on."""

    method: str
    path: str
    headers: Message
    connection: int


@dataclass
class Reply:
    """A response; ``body`` may be an iterable of chunks, sent chunked as they come."""

    status: int = 200
    body: bytes | Iterable[bytes] = b""
    content_type: str | None = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Seen], Reply]


def _validators_match(seen: Seen, etag: str, modified: str) -> bool:
    """True when a conditional GET names the current version (If-None-Match wins, as in RFC 9110)."""
    wanted = seen.headers.get("If-None-Match")
    if wanted is not None:
        return etag in [tag.strip() for tag in wanted.split(",")]
    since = seen.headers.get("If-Modified-Since")
    if since is None:
        return False
    try:
        return parsedate_to_datetime(since) >= parsedate_to_datetime(modified)
    except (TypeError, ValueError):
        return False


def document(body: bytes, content_type: str, *, modified: str = LAST_MODIFIED) -> Handler:
    """A handler serving ``body`` with an ETag and a Last-Modified, 304 when unchanged."""
    etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
    validators = {"ETag": etag, "Last-Modified": modified}

    def handler(seen: Seen) -> Reply:
        if _validators_match(seen, etag, modified):
            return Reply(304, b"", None, dict(validators))
        return Reply(200, body, content_type, dict(validators))

    return handler


class _Connection(BaseHTTPRequestHandler):
    """One keep-alive connection; requests go to the site's routes."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: without this, the body
    # waits for the client's delayed ACK.
    disable_nagle_algorithm = True
    site: NewsSite

    def setup(self) -> None:
        super().setup()
        self.number = self.site._opened(self.connection)

    def finish(self) -> None:
        self.site._closed(self.connection)
        super().finish()

    def handle(self) -> None:
        try:
            super().handle()
        except OSError:  # the client went away between two requests
            self.close_connection = True

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        seen = Seen(self.command, self.path, self.headers, self.number)
        reply = self.site._answer(seen)
        try:
            self._send(reply, seen)
        except OSError:  # the client hung up, as it does on a size cap, a deadline or kill -9
            self.close_connection = True

    def _send(self, reply: Reply, seen: Seen) -> None:
        body = reply.body
        zipped = isinstance(body, bytes) and body and "gzip" in (seen.headers.get("Accept-Encoding") or "")
        self.send_response(reply.status)
        if reply.content_type:
            self.send_header("Content-Type", reply.content_type)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        if isinstance(body, bytes):
            if zipped:
                body = gzip.compress(body, mtime=0)
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            if reply.status != 304:
                self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self._stream(body)

    def _stream(self, chunks: Iterable[bytes]) -> None:
        for chunk in chunks:
            if chunk:
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.flush()
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        pass


class NewsSite:
    """A keep-alive HTTP/1.1 server on 127.0.0.1; see the module docstring."""

    def __init__(self) -> None:
        self.log: list[Seen] = []
        self.stopping = threading.Event()
        self._routes: dict[str, Handler] = {}
        self._changed = threading.Condition()
        self._sockets: set[socket.socket] = set()
        self._numbers = itertools.count(1)
        connection = type("Connection", (_Connection,), {"site": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), connection)
        self._server.daemon_threads = True
        # A short poll interval only makes stop() quick; requests are served at once.
        serve = functools.partial(self._server.serve_forever, poll_interval=0.02)
        self._thread = threading.Thread(target=serve, name="news-site", daemon=True)

    # -- lifecycle -------------------------------------------------------------

    def start(self) -> NewsSite:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving: blocked handlers return, open connections are cut."""
        self.stopping.set()
        self._server.shutdown()
        with self._changed:
            sockets = list(self._sockets)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        self._server.server_close()
        self._thread.join()

    # -- what it serves ----------------------------------------------------------

    @property
    def base(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def serve(self, path: str, body: bytes | str, content_type: str = "text/html; charset=utf-8") -> str:
        """Serve a document at ``path`` with validators; returns its URL."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        return self.route(path, document(data, content_type))

    def feed(self, path: str, body: bytes | str) -> str:
        return self.serve(path, body, "application/rss+xml; charset=utf-8")

    def route(self, path: str, handler: Handler) -> str:
        self._routes[path] = handler
        return self.url(path)

    def status(self, path: str, status: int, body: bytes = b"", **headers: str) -> str:
        """Answer ``path`` with a fixed status (and headers such as Location)."""
        return self.route(path, lambda seen: Reply(status, body, "text/plain", dict(headers)))

    def silent(self, path: str) -> str:
        """A route that never answers: the handler waits until the site stops."""

        def handler(seen: Seen) -> Reply:
            self.stopping.wait()
            return Reply(503)

        return self.route(path, handler)

    def trickle(self, path: str, *, every: float, content_type: str = "application/rss+xml") -> str:
        """A route sending one byte every ``every`` seconds until the client leaves."""

        def drip() -> Iterator[bytes]:
            while not self.stopping.wait(every):
                yield b"<"

        return self.route(path, lambda seen: Reply(200, drip(), content_type))

    def remove(self, path: str) -> None:
        self._routes.pop(path, None)

    # -- what it saw ----------------------------------------------------------------

    def paths(self) -> list[str]:
        with self._changed:
            return [seen.path for seen in self.log]

    def count(self, path: str) -> int:
        return self.paths().count(path)

    def clear_log(self) -> None:
        with self._changed:
            self.log.clear()

    def wait_for(self, path: str, count: int = 1) -> None:
        """Wait until ``path`` has been requested ``count`` times; fail saying so otherwise."""
        with self._changed:
            arrived = self._changed.wait_for(lambda: self._count(path) >= count, EVENT_WAIT)
        assert arrived, f"the server never saw {count} request(s) for {path}; it saw {self.paths()}"

    def _count(self, path: str) -> int:
        return sum(1 for seen in self.log if seen.path == path)

    # -- called by connections ---------------------------------------------------------

    def _answer(self, seen: Seen) -> Reply:
        with self._changed:
            self.log.append(seen)
            self._changed.notify_all()
        handler = self._routes.get(seen.path.split("?", 1)[0])
        if handler is None:
            return Reply(404, b"not here", "text/plain")
        return handler(seen)

    def _opened(self, sock: socket.socket) -> int:
        with self._changed:
            self._sockets.add(sock)
            return next(self._numbers)

    def _closed(self, sock: socket.socket) -> None:
        with self._changed:
            self._sockets.discard(sock)


@pytest.fixture
def news_site() -> Iterator[NewsSite]:
    """A fresh keep-alive news site for one test."""
    site = NewsSite().start()
    try:
        yield site
    finally:
        site.stop()


# --- what the site serves ---------------------------------------------------------

CORPUS = Path(__file__).resolve().parents[1] / "sample_corpus"


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


def _load_articles() -> list[Article]:
    articles = []
    for path in sorted(CORPUS.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        articles.append(Article(lines[0], lines[1:]))
    assert articles, "the sample corpus is missing"
    return articles


ARTICLES = _load_articles()


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


# An entity-expansion bomb ("billion laughs") dressed as a feed.
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


def serve_site(site: NewsSite, prefix: str, articles: list[Article], **feed_options: Any) -> str:
    """A feed at ``/PREFIX/rss.xml`` linking one page per article; returns the feed's URL."""
    items = []
    for i, article in enumerate(articles):
        url = site.serve(f"/{prefix}/article-{i}.html", page_html(article, site.url(f"/{prefix}/article-{i}.html")))
        items.append((url, article))
    return site.feed(f"/{prefix}/rss.xml", rss_feed(f"Báo {prefix}", items, **feed_options))


@dataclass
class MemorySink:
    """A refresh sink that keeps what it was given."""

    known: set[str] = field(default_factory=set)
    stored: list[tuple[Any, Any, Any, str | None]] = field(default_factory=list)
    analyses: list[Any] = field(default_factory=list)

    def is_known(self, url: str) -> bool:
        return url in self.known

    def store(self, source: Any, item: Any, cleaned: Any, page_url: str | None, analysis: Any = None) -> str:
        self.stored.append((source, item, cleaned, page_url))
        self.analyses.append(analysis)
        for url in (item.url, page_url):
            if url:
                self.known.add(url)
        return "new"

    def texts(self) -> dict[str, str]:
        return {item.url or item.guid: (cleaned.text if cleaned else "") for _, item, cleaned, _ in self.stored}
