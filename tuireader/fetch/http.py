"""Polite, bounded HTTP fetching for feeds and article pages.

One :class:`Fetcher` owns one ``httpx.AsyncClient`` and enforces everything a
news reader owes both the user and the sites it reads:

* bounded concurrency overall and per host,
* a total time limit per request (a server trickling bytes cannot hold a
  refresh hostage), limited redirects with loop detection,
* a response size cap enforced while streaming,
* conditional GET (ETag / Last-Modified) so an unchanged feed costs a 304,
* retries with exponential backoff on timeouts, connection errors and 5xx,
  honouring ``Retry-After`` up to a cap.

Every failure is a :class:`FetchError` whose message is one sentence naming
the URL and the cause.
"""

from __future__ import annotations

import asyncio
import email.utils
import time
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin, urlsplit

from tuireader import __version__

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_USER_AGENT", "FetchError", "FetchResult", "Fetcher"]

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


def _format_seconds(seconds: float) -> str:
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


class Fetcher:
    """Fetch URLs concurrently within fixed limits; use as ``async with Fetcher() as f``.

    ``timeout`` bounds a whole request including its body; ``retries`` extra
    attempts follow a timeout, a connection error or a 5xx/429, waiting
    ``backoff * 2**attempt`` seconds or what ``Retry-After`` asks, never more
    than ``max_retry_after``.
    """

    def __init__(
        self,
        *,
        timeout: float = 15.0,
        max_bytes: int = 10 * 2**20,
        max_redirects: int = 5,
        concurrency: int = 16,
        per_host: int = 4,
        retries: int = 2,
        backoff: float = 0.5,
        max_retry_after: float = 30.0,
        user_agent: str = DEFAULT_USER_AGENT,
    ) -> None:
        if timeout <= 0 or max_bytes <= 0 or concurrency < 1 or per_host < 1 or retries < 0 or max_redirects < 0:
            raise ValueError("Fetcher limits must be positive")
        self.timeout = timeout
        self.max_bytes = max_bytes
        self.max_redirects = max_redirects
        self.concurrency = concurrency
        self.per_host = per_host
        self.retries = retries
        self.backoff = backoff
        self.max_retry_after = max_retry_after
        self.user_agent = user_agent
        self._client: httpx.AsyncClient | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._overall: asyncio.Semaphore | None = None
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self.requests_made = 0
        # Seconds spent with a request in flight (after waiting for a slot).
        self.busy_seconds = 0.0

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
        if self._client is not None and self._loop is not loop:
            # Used again under a new event loop (say, a second asyncio.run):
            # the old client and semaphores belong to the finished loop.
            self._client = None
            self._hosts.clear()
        if self._client is None:
            self._loop = loop
            import httpx

            self._client = httpx.AsyncClient(
                headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate"},
                timeout=httpx.Timeout(self.timeout),
                follow_redirects=False,
                limits=httpx.Limits(max_connections=self.concurrency, max_keepalive_connections=self.concurrency),
            )
            self._overall = asyncio.Semaphore(self.concurrency)
        return self._client

    def _host_semaphore(self, url: str) -> asyncio.Semaphore:
        host = (urlsplit(url).hostname or "").lower()
        sem = self._hosts.get(host)
        if sem is None:
            sem = self._hosts[host] = asyncio.Semaphore(self.per_host)
        return sem

    # -- fetching -------------------------------------------------------------

    async def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET ``url``; a 304 to the given validators gives ``not_modified=True``.

        Raises :class:`FetchError` for anything but a usable 2xx or 304.
        """
        url = _check_url(url)
        self._ensure_client()
        attempt = 0
        while True:
            try:
                return await self._follow(url, etag=etag, last_modified=last_modified)
            except _Retry as retry:
                if attempt >= self.retries:
                    raise retry.error from None
                delay = self.backoff * (2**attempt)
                if retry.retry_after is not None:
                    delay = max(delay, retry.retry_after)
                await asyncio.sleep(min(delay, self.max_retry_after))
                attempt += 1

    async def _follow(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult:
        seen = {url}
        current = url
        for _ in range(self.max_redirects + 1):
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
        raise FetchError(url, f"too many redirects (more than {self.max_redirects})")

    async def _request_once(self, url: str, *, etag: str | None, last_modified: str | None) -> FetchResult | str:
        """One request; returns a result, or the Location of a redirect."""
        import httpx

        client = self._ensure_client()
        assert self._overall is not None
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        # Host slot first: a task queued behind a busy host must not hold
        # one of the overall slots that other hosts could use.
        async with self._host_semaphore(url), self._overall:
            self.requests_made += 1
            progress = _Progress()
            started = time.perf_counter()
            try:
                async with asyncio.timeout(self.timeout):
                    return await self._stream(client, url, headers, progress)
            except (TimeoutError, httpx.TimeoutException):
                limit = _format_seconds(self.timeout)
                if progress.body_started:
                    cause = f"server too slow: response not complete after {limit} (timed out)"
                else:
                    cause = f"timed out after {limit}"
                raise _Retry(FetchError(url, cause)) from None
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
            finally:
                self.busy_seconds += time.perf_counter() - started

    async def _stream(
        self, client: httpx.AsyncClient, url: str, headers: dict[str, str], progress: _Progress
    ) -> FetchResult | str:
        async with client.stream("GET", url, headers=headers) as response:
            progress.body_started = True
            status = response.status_code
            if status in _REDIRECT_STATUSES:
                location = response.headers.get("Location")
                if not location:
                    raise FetchError(url, f"HTTP {status} redirect without a Location header", status=status)
                return location
            if status == 304:
                return FetchResult(
                    url=str(response.url),
                    status=304,
                    content=b"",
                    content_type=response.headers.get("Content-Type"),
                    etag=response.headers.get("ETag"),
                    last_modified=response.headers.get("Last-Modified"),
                    not_modified=True,
                )
            if status >= 400 or status < 200:
                reason = _reason(status) or response.reason_phrase or ""
                error = FetchError(url, f"HTTP {status} {reason}".rstrip(), status=status)
                if status in _RETRY_STATUSES:
                    raise _Retry(error, parse_retry_after(response.headers.get("Retry-After")))
                raise error
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise FetchError(url, f"response larger than {_format_size(self.max_bytes)}")
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > self.max_bytes:
                    raise FetchError(url, f"response larger than {_format_size(self.max_bytes)}")
                chunks.append(chunk)
            return FetchResult(
                url=str(response.url),
                status=status,
                content=b"".join(chunks),
                content_type=response.headers.get("Content-Type"),
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
                not_modified=False,
            )


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
