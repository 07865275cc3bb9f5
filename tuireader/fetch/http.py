"""Polite, bounded HTTP fetching for feeds and article pages.

One :class:`Fetcher` owns one ``httpx.AsyncClient`` for the life of one
event loop (pooled connections belong to the loop that opened them) and
enforces everything a news reader owes both the user and the sites it reads:

* bounded concurrency overall and per host,
* a time limit per try and an overall deadline per URL (tries, redirects and
  waits between tries included: a server trickling bytes cannot hold a
  refresh hostage), limited redirects with loop detection,
* content types checked before the body is read (an archive or a video
  served as a page is refused by name),
* a response size cap enforced while streaming,
* conditional GET (ETag / Last-Modified) so an unchanged feed costs a 304,
* retries with exponential backoff on timeouts, connection errors and 5xx,
  honouring ``Retry-After`` up to a cap.

Every failure is a :class:`FetchError` whose message is one sentence naming
the URL and the cause; ``cause`` alone is the short reason a user reads.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass, replace
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from tuireader import __version__

if TYPE_CHECKING:
    import httpx

__all__ = [
    "DEFAULT_USER_AGENT",
    "FetchError",
    "FetchOptions",
    "FetchResult",
    "Fetcher",
    "format_seconds",
    "media_type",
    "unreadable_type",
]

DEFAULT_USER_AGENT = f"tuireader/{__version__} (+terminal news reader)"

_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
# 429 is a client status but means "come back later": retried like a 503.
_RETRY_STATUSES = {429, 500, 502, 503, 504}


class FetchError(Exception):
    """A URL could not be fetched; ``str(error)`` says which and why."""

    def __init__(self, url: str, cause: str, *, status: int | None = None, retryable: bool = False) -> None:
        super().__init__(f"could not fetch {url}: {cause}")
        self.url = url
        self.cause = cause
        self.status = status
        self.retryable = retryable


@dataclass
class FetchResult:
    """A fetched response: final URL after redirects, body and cache validators."""

    url: str
    status: int
    content: bytes
    content_type: str | None
    etag: str | None
    last_modified: str | None
    not_modified: bool


def format_seconds(seconds: float) -> str:
    """``15 s``, ``0.5 s``: a duration as messages say it."""
    return f"{seconds:g} s"


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta seconds or HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def _check_url(url: str) -> str:
    if not isinstance(url, str) or not url.strip():
        raise FetchError(repr(url), "not a URL")
    url = url.strip()
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError as exc:
        raise FetchError(url, f"not a valid URL ({exc})") from None
    if parts.scheme not in ("http", "https"):
        shown = parts.scheme or "no scheme"
        raise FetchError(url, f"unsupported URL scheme ({shown}); only http and https can be fetched")
    if not host:
        raise FetchError(url, "the URL has no host name")
    return url


@dataclass(frozen=True)
class FetchOptions:
    """The limits of fetching; see :class:`Fetcher`.

    ``timeout`` bounds one try, body included; ``deadline`` bounds a whole
    URL: every try, redirect and wait between tries.  ``retries`` extra tries
    follow a timeout, a connection error or a 5xx/429, waiting
    ``backoff * 2**try`` seconds or what ``Retry-After`` asks, never more
    than ``max_retry_after``.
    """

    timeout: float = 15.0
    deadline: float = 30.0
    max_bytes: int = 10 * 2**20
    max_redirects: int = 5
    concurrency: int = 16
    per_host: int = 4
    retries: int = 2
    backoff: float = 0.5
    max_retry_after: float = 30.0
    user_agent: str = DEFAULT_USER_AGENT

    def __post_init__(self) -> None:
        positive = (self.timeout, self.deadline, self.max_bytes, self.concurrency, self.per_host)
        if min(positive) <= 0 or self.retries < 0 or self.max_redirects < 0 or self.backoff < 0:
            raise ValueError("fetch limits must be positive")


# Media types a page or a feed may come as; anything else is refused unread.
_READABLE_TYPES = {"application/xhtml+xml", "application/xml", "application/rss+xml", "application/atom+xml"}


def media_type(content_type: str | None) -> str | None:
    """The bare, lower-case media type of a Content-Type header (``text/html``)."""
    if not content_type:
        return None
    return content_type.split(";", 1)[0].strip().lower() or None


def unreadable_type(content_type: str | None) -> str | None:
    """Why a response of this type is not read (``"not a web page or a feed: application/gzip"``), or None."""
    kind = media_type(content_type)
    if kind is None or kind.startswith("text/") or kind in _READABLE_TYPES or kind.endswith("+xml"):
        return None
    return f"not a web page or a feed: {kind}"


class Fetcher:
    """Fetch URLs concurrently within fixed limits; use as ``async with Fetcher() as f``.

    Takes :class:`FetchOptions`, or their fields as keywords.  A fetcher
    belongs to the event loop that first uses it: using it from another loop
    raises ``RuntimeError`` (the synchronous entry points of
    :mod:`tuireader.fetch.refresh` make one per run for that reason).
    """

    def __init__(self, options: FetchOptions | None = None, **changes: Any) -> None:
        self.options = replace(options or FetchOptions(), **changes)
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._overall: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self.requests_made = 0
        # Seconds between one URL getting its slot and its answer, summed.
        self.busy_seconds = 0.0
        # Every wait between tries, in seconds (what Retry-After and backoff asked, capped).
        self.waits: list[float] = []

    # -- lifecycle ------------------------------------------------------------

    async def __aenter__(self) -> Fetcher:
        self._ensure_client()
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if self._client is not None:
            client, self._client = self._client, None
            await client.aclose()

    def _ensure_client(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        if self._loop is not None and self._loop is not loop:
            raise RuntimeError("a Fetcher belongs to the event loop that first used it; make one per loop")
        self._loop = loop
        if self._overall is None:
            self._overall = asyncio.Semaphore(self.options.concurrency)
        if self._client is None:
            self._client = self._new_client()
        return self._client

    def _new_client(self) -> httpx.AsyncClient:
        import httpx

        connections = self.options.concurrency
        return httpx.AsyncClient(
            headers={"User-Agent": self.options.user_agent, "Accept-Encoding": "gzip, deflate"},
            timeout=httpx.Timeout(self.options.timeout),
            follow_redirects=False,
            limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        )

    def _host_semaphore(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.options.per_host)
        return sem

    # -- fetching -------------------------------------------------------------

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url``; a 304 to the given validators gives ``not_modified=True``.

        Raises :class:`FetchError` for anything but a usable 2xx or 304.  The
        deadline starts once the URL has its connection slots.
        """
        url = _check_url(url)
        self._ensure_client()
        assert self._overall is not None
        # Host slot first: a URL queued behind a busy host must not hold
        # one of the overall slots that other hosts could use.
        async with self._host_semaphore(url), self._overall:
            started = time.perf_counter()
            try:
                async with asyncio.timeout(self.options.deadline):
                    return await self._tries(url, etag=etag, last_modified=last_modified)
            except TimeoutError:
                raise FetchError(url, f"timed out after {format_seconds(self.options.deadline)} in all") from None
            finally:
                self.busy_seconds += time.perf_counter() - started

    async def _tries(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult:
        attempt = 0
        while True:
            try:
                return await self._follow(url, etag=etag, last_modified=last_modified)
            except _Retry as retry:
                if attempt >= self.options.retries:
                    raise retry.error from None
                await self._wait_before_retry(attempt, retry.retry_after)
                attempt += 1

    async def _wait_before_retry(self, attempt: int, retry_after: float | None) -> None:
        delay = self.options.backoff * (2**attempt)
        if retry_after is not None:
            delay = max(delay, retry_after)
        delay = min(delay, self.options.max_retry_after)
        self.waits.append(delay)
        await asyncio.sleep(delay)

    async def _follow(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult:
        seen = {url}
        current = url
        for _ in range(self.options.max_redirects + 1):
            outcome = await self._request_once(current, etag=etag, last_modified=last_modified)
            if isinstance(outcome, FetchResult):
                return outcome
            target = urljoin(current, outcome)
            try:
                target = _check_url(target)
            except FetchError as exc:
                raise FetchError(url, f"redirected to an unusable URL ({exc.cause})") from None
            if target in seen:
                raise FetchError(url, f"redirect loop (back to {target})")
            seen.add(target)
            current = target
        raise FetchError(url, f"too many redirects (more than {self.options.max_redirects})")

    async def _request_once(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult | str:
        """One request; returns a result, or the Location of a redirect."""
        import httpx

        client = self._ensure_client()
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        self.requests_made += 1
        progress = _Progress()
        try:
            async with asyncio.timeout(self.options.timeout):
                return await self._stream(client, url, headers, progress)
        except (TimeoutError, httpx.TimeoutException):
            raise _Retry(FetchError(url, _timeout_cause(self.options.timeout, progress))) from None
        except (httpx.ConnectError, httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError) as exc:
            reason = str(exc) or type(exc).__name__
            raise _Retry(FetchError(url, f"connection failed ({reason})")) from None
        except httpx.DecodingError as exc:
            raise FetchError(url, f"could not decode the response body ({exc})") from None
        except httpx.HTTPError as exc:
            raise FetchError(url, f"request failed ({exc or type(exc).__name__})") from None
        except (FetchError, _Retry):
            raise
        except (httpx.InvalidURL, ValueError) as exc:  # IDNA errors are ValueErrors too
            raise FetchError(url, f"not a valid URL ({exc})") from None
        except Exception as exc:  # the contract is FetchError, whatever the transport throws
            raise FetchError(url, f"request failed ({type(exc).__name__}: {exc})") from None

    async def _stream(
        self, client: httpx.AsyncClient, url: str, headers: dict[str, str], progress: _Progress
    ) -> FetchResult | str:
        async with client.stream("GET", url, headers=headers) as response:
            progress.body_started = True
            status = response.status_code
            if status in _REDIRECT_STATUSES:
                return _location(url, response)
            if status == 304:
                return _result(response, b"")
            _check_status(url, response)
            refusal = unreadable_type(response.headers.get("Content-Type"))
            if refusal:
                raise FetchError(url, refusal, status=status)
            return _result(response, await self._body(url, response))

    async def _body(self, url: str, response: httpx.Response) -> bytes:
        """The body, read up to the size cap (the declared length is checked first)."""
        too_large = FetchError(url, f"response larger than {_format_size(self.options.max_bytes)}")
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self.options.max_bytes:
            raise too_large
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self.options.max_bytes:
                raise too_large
            chunks.append(chunk)
        return b"".join(chunks)


def _location(url: str, response: httpx.Response) -> str:
    location = response.headers.get("Location")
    if not location:
        status = response.status_code
        raise FetchError(url, f"HTTP {status} redirect without a Location header", status=status)
    return location


def _check_status(url: str, response: httpx.Response) -> None:
    """Raise for a status that carries no usable body (retryable for 5xx and 429)."""
    status = response.status_code
    if 200 <= status < 400:
        return
    reason = _reason(status) or response.reason_phrase or ""
    error = FetchError(url, f"HTTP {status} {reason}".rstrip(), status=status)
    if status in _RETRY_STATUSES:
        raise _Retry(error, parse_retry_after(response.headers.get("Retry-After")))
    raise error


def _result(response: httpx.Response, content: bytes) -> FetchResult:
    return FetchResult(
        url=str(response.url),
        status=response.status_code,
        content=content,
        content_type=response.headers.get("Content-Type"),
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
        not_modified=response.status_code == 304,
    )


def _timeout_cause(limit: float, progress: _Progress) -> str:
    if progress.body_started:
        return f"server too slow: response not complete after {format_seconds(limit)} (timed out)"
    return f"timed out after {format_seconds(limit)}"


class _Progress:
    """How far a request got, to tell a silent server from a trickling one."""

    body_started = False


def _reason(status: int) -> str | None:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return None


class _Retry(Exception):
    """Internal: the attempt failed in a way worth retrying."""

    def __init__(self, error: FetchError, retry_after: float | None = None) -> None:
        super().__init__(str(error))
        self.error = error
        self.error.retryable = True
        self.retry_after = retry_after


def _format_size(size: int) -> str:
    if size >= 2**20 and size % 2**20 == 0:
        return f"{size // 2**20} MB"
    if size >= 2**10 and size % 2**10 == 0:
        return f"{size // 2**10} KB"
    return f"{size} bytes"
