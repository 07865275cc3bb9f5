"""Parse RSS 2.0, RSS 1.0 (RDF) and Atom feeds into plain items.

feedparser does the format work; this module adds what a Vietnamese reader
needs around it:

* the bytes are decoded first by the decoder pages use
  (:func:`tuireader.clean.decode_bytes`), the XML declaration counting as
  the declared charset, so a page and a feed read the same bytes the same
  (a feed declaring UTF-8 while sending windows-1258 still reads correctly);
* documents declaring XML entities are refused before parsing (entity
  expansion bombs never reach a parser);
* only the newest ``max_items`` items are read: a long feed is cut down in
  one streaming pass before feedparser sees it;
* every string that leaves goes through :func:`tuireader.text.clean_input`;
* dates come out as ISO 8601 in UTC.

:func:`sniff_feed` tells a feed from a page, for callers that get either.
"""

from __future__ import annotations

import calendar
import hashlib
import heapq
import io
import math
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from tuireader.fetch.http import media_type
from tuireader.fetch.xmlsafe import UnsafeXMLError, check_no_entity_declarations
from tuireader.text import clean_input

__all__ = [
    "DEFAULT_MAX_ITEMS",
    "FULL_TEXT_MIN_CHARS",
    "FeedError",
    "FeedItem",
    "IsAFeedError",
    "ParsedFeed",
    "decode_feed",
    "describe_feed",
    "html_to_text",
    "item_has_full_text",
    "looks_like_feed",
    "parse_feed",
    "refuse_feed",
    "sniff_feed",
]

# The items of a feed read per refresh, newest first.
DEFAULT_MAX_ITEMS = 200

# An item whose content has at least this much text is treated as the whole
# article; shorter bodies are teasers and the page is fetched instead.
FULL_TEXT_MIN_CHARS = 1000


class FeedError(ValueError):
    """The document is not a usable feed; the message says why."""


@dataclass
class FeedItem:
    """One feed entry. ``summary`` is plain text, ``content_html`` is HTML."""

    guid: str
    url: str | None
    title: str | None
    summary: str | None
    content_html: str | None
    published: str | None
    author: str | None
    tags: list[str] = field(default_factory=list)
    # Text length of content_html, measured once at parse time (off the event loop).
    content_chars: int | None = field(default=None, repr=False, compare=False)


@dataclass
class ParsedFeed:
    title: str | None
    site_url: str | None
    items: list[FeedItem]
    warnings: list[str] = field(default_factory=list)


# --- decoding ------------------------------------------------------------------

_XML_DECLARATION = re.compile(rb"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""", re.IGNORECASE)
_CHARSET_PARAM = re.compile(r"""charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _declared_type(data: bytes, content_type: str | None) -> str:
    """The content type to decode by: the HTTP charset, else the XML declaration's, else UTF-8 (XML's default)."""
    if content_type and _CHARSET_PARAM.search(content_type):
        return content_type
    declaration = _XML_DECLARATION.match(data)
    match = _DECLARED_ENCODING.search(declaration.group(0)) if declaration else None
    charset = match.group(1).decode("ascii") if match else "utf-8"
    return f"{media_type(content_type) or 'application/xml'}; charset={charset}"


def safe_xml_text(data: bytes, content_type: str | None, error: type[Exception]) -> str:
    """:func:`decode_feed`'s text, refused as ``error`` when it declares XML entities."""
    text = decode_feed(data, content_type)
    try:
        check_no_entity_declarations(text)
    except UnsafeXMLError as exc:
        raise error(str(exc)) from None
    return text


def decode_feed(data: bytes, content_type: str | None = None) -> str:
    """Feed or OPML bytes as text, read by the decoder pages use (:func:`tuireader.clean.decode_bytes`).

    The XML declaration counts as the declared charset when the HTTP header
    names none, so a page and a feed that declare the same charset over the
    same bytes read the same.
    """
    from tuireader.clean import decode_bytes

    return decode_bytes(data, content_type=_declared_type(data, content_type))


# --- text helpers ----------------------------------------------------------------

_BLOCK_TAGS = (
    "p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "section", "article", "figure", "figcaption",
)  # fmt: skip
_TAG = re.compile(r"<[^>]*>")
_SPACES = re.compile(r"[ \t\u00a0]+")


def html_to_text(html: str) -> str:
    """Plain text of an HTML fragment: tags dropped, blocks on their own lines."""
    if "<" not in html and "&" not in html:
        text = html
    else:
        from lxml import etree
        from lxml import html as lxml_html

        try:
            root = lxml_html.fragment_fromstring(html, create_parent="div")
        except (etree.ParserError, ValueError, TypeError):
            import html as stdlib_html

            text = stdlib_html.unescape(_TAG.sub(" ", html))
        else:
            for element in list(root.iter("script", "style", "noscript")):
                element.drop_tree()
            for element in root.iter("br", *_BLOCK_TAGS):
                element.tail = "\n" + (element.tail or "")
            text = root.text_content()
    lines = (_SPACES.sub(" ", line).strip() for line in clean_input(text).split("\n"))
    return "\n".join(line for line in lines if line)


def _one_line(value: Any, *, html: bool = False) -> str | None:
    if not isinstance(value, str):
        return None
    text = html_to_text(value) if html else clean_input(value)
    text = " ".join(text.split())
    return text or None


def _iso_date(entry: Any) -> str | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parsed = entry.get(key)
        if parsed:
            try:
                moment = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
            except (OverflowError, ValueError, OSError, TypeError):
                continue
            return moment.isoformat()
    for key in ("published", "updated"):
        raw = entry.get(key)
        if isinstance(raw, str):
            try:
                moment = datetime.fromisoformat(raw.strip())
            except ValueError:
                continue
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC)
            return moment.isoformat()
    return None


def _http_url(value: Any, base: str | None) -> str | None:
    if not isinstance(value, str):
        return None
    value = clean_input(value).strip()
    if not value:
        return None
    if base:
        value = urljoin(base, value)
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return value


def _best_content(entry: Any) -> str | None:
    bodies = [
        c.get("value") for c in entry.get("content") or [] if isinstance(c.get("value"), str) and c.get("value").strip()
    ]
    if not bodies:
        return None
    return clean_input(max(bodies, key=len))


def _is_html(detail: Any) -> bool:
    return bool(detail) and "html" in str(detail.get("type", ""))


def _item(entry: Any, base: str | None) -> FeedItem:
    url = _http_url(entry.get("link"), base)
    title = _one_line(entry.get("title"), html=_is_html(entry.get("title_detail")))
    raw_summary = entry.get("summary") if isinstance(entry.get("summary"), str) else None
    summary = html_to_text(raw_summary) if raw_summary else None
    content_html = _best_content(entry)
    if content_html is None and raw_summary and summary and len(summary) >= FULL_TEXT_MIN_CHARS:
        content_html = clean_input(raw_summary)  # the description carries the whole article
    if content_html is not None and summary and content_html.strip() == clean_input(raw_summary or "").strip():
        # Atom entries with only <content> get it mirrored as the summary.
        summary = _first_paragraph(summary)
    tags: list[str] = []
    for tag in entry.get("tags") or []:
        term = _one_line(tag.get("term") or tag.get("label"))
        if term and term not in tags:
            tags.append(term)
    guid = _one_line(entry.get("id")) or url
    if not guid:
        seed = "\x1f".join(str(x) for x in (title, summary, entry.get("published")))
        guid = "sha1:" + hashlib.sha1(seed.encode("utf-8")).hexdigest()
    return FeedItem(
        guid=guid,
        url=url,
        title=title,
        summary=summary or None,
        content_html=content_html,
        published=_iso_date(entry),
        author=_one_line(entry.get("author")),
        tags=tags,
    )


def _first_paragraph(text: str) -> str:
    return text.split("\n", 1)[0]


def item_has_full_text(item: FeedItem) -> bool:
    """True when the item's own content is long enough to stand for the article."""
    if not item.content_html:
        return False
    if item.content_chars is None:
        item.content_chars = len(html_to_text(item.content_html))
    return item.content_chars >= FULL_TEXT_MIN_CHARS


# --- bounding ---------------------------------------------------------------------

_ITEM_START = re.compile(r"<(?:[\w.-]+:)?(?:item|entry)[\s>/]")
_ITEM_END = re.compile(rb"</(?:[\w.-]+:)?(?:item|entry)\s*>")
_DATE_TAGS = ("pubDate", "published", "updated", "date", "issued", "modified", "created")


def _local(tag: Any) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _timestamp(text: str | None) -> float:
    """Seconds since the epoch of an RFC 822 or ISO 8601 date; -inf when there is none."""
    import email.utils

    if not text or not text.strip():
        return -math.inf
    try:
        moment = email.utils.parsedate_to_datetime(text.strip())
    except (TypeError, ValueError, IndexError):
        try:
            moment = datetime.fromisoformat(text.strip())
        except ValueError:
            return -math.inf
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _element_time(element: Any) -> float:
    for child in element:
        if _local(child.tag) in _DATE_TAGS:
            return _timestamp(child.text)
    return -math.inf


def _cut_after(document: bytes, limit: int) -> bytes:
    """The document cut after its ``limit``-th item (for XML too broken to prune)."""
    for number, match in enumerate(_ITEM_END.finditer(document), 1):
        if number == limit:
            return document[: match.end()]
    return document


class _Newest:
    """The ``limit`` newest items of a document being parsed; the others leave the tree once complete."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.count = 0
        self._heap: list[tuple[float, int, Any]] = []
        self._finished: list[Any] = []  # dropped items whose end the parser has just passed

    def add(self, element: Any) -> None:
        self.flush()
        entry = (_element_time(element), -self.count, element)
        self.count += 1
        if len(self._heap) < self.limit:
            heapq.heappush(self._heap, entry)
            return
        dropped = heapq.heappushpop(self._heap, entry)[2]
        if dropped is element:
            element.clear()  # the parser still stands at its end: removed with the next item
            self._finished.append(element)
        else:
            dropped.getparent().remove(dropped)

    def flush(self) -> None:
        for element in self._finished:
            element.getparent().remove(element)
        self._finished.clear()


def _keep_newest(document: bytes, limit: int) -> tuple[bytes, int]:
    """The document with only its ``limit`` newest items, in their order, and how many it had.

    One streaming pass that holds ``limit`` items at a time.  Undated items
    rank below dated ones, earlier above later.
    """
    from lxml import etree

    newest = _Newest(limit)
    parser = etree.iterparse(
        io.BytesIO(document), events=("end",), resolve_entities=False, no_network=True, load_dtd=False, recover=True
    )
    try:
        for _event, element in parser:
            if _local(element.tag) in ("item", "entry"):
                newest.add(element)
        newest.flush()
        root = parser.root
        if root is None:
            return _cut_after(document, limit), newest.count
        return etree.tostring(root, encoding="utf-8", xml_declaration=True), newest.count
    except etree.LxmlError:
        return _cut_after(document, limit), newest.count


def _newest(items: list[FeedItem], limit: int | None) -> list[FeedItem]:
    """The ``limit`` newest items in feed order (undated ones count as oldest, earlier first)."""
    if limit is None or len(items) <= limit:
        return items
    # A stable sort keeps feed order among equals, also in reverse.
    key = lambda i: (items[i].published is not None, items[i].published or "")  # noqa: E731
    ranked = sorted(range(len(items)), key=key, reverse=True)
    return [items[i] for i in sorted(ranked[:limit])]


# --- parsing ---------------------------------------------------------------------


def _utf8_document(text: str) -> bytes:
    """The decoded text as UTF-8 XML, its declaration saying so (one copy of a large feed at a time)."""
    encoded = text.encode("utf-8")
    declaration = _XML_DECLARATION.match(encoded)
    start = declaration.end() if declaration else 0
    while encoded[start : start + 1].isspace():
        start += 1
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + memoryview(encoded)[start:]


def _feedparser(document: bytes, url: str | None) -> Any:
    import feedparser

    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url
    try:
        # A file object, never bytes: feedparser would try bytes as a file path.
        return feedparser.parse(io.BytesIO(document), response_headers=headers, sanitize_html=True)
    except Exception as exc:  # feedparser should not raise, but a feed must never crash a refresh
        raise FeedError(f"the feed could not be parsed ({type(exc).__name__}: {exc})") from None


def _html_reason(content_type: str | None) -> str:
    kind = media_type(content_type)
    return f"not a feed: {kind if kind and 'html' in kind else 'the document is an HTML page'}"


def _check_parsed(parsed: Any, text: str, content_type: str | None) -> list[str]:
    """Warnings about a parsed document; raises :class:`FeedError` when it is no usable feed."""
    entries = parsed.get("entries")
    if not parsed.get("version") and not entries and _looks_like_html(text):
        raise FeedError(_html_reason(content_type))
    if parsed.get("bozo"):
        problem = str(parsed.get("bozo_exception") or "unknown error").replace("<unknown>:", "line ")
        if not entries:
            raise FeedError(f"malformed feed with no readable items ({problem})")
        return [f"malformed feed, items recovered ({problem})"]
    if not parsed.get("version"):
        raise FeedError("not an RSS or Atom feed")
    return []


def parse_feed(
    data: bytes, *, url: str | None = None, content_type: str | None = None, max_items: int | None = None
) -> ParsedFeed:
    """Parse feed bytes; raises :class:`FeedError` with a clear message if unusable.

    A feed with syntax errors is accepted when items could be recovered (the
    problem is reported in ``warnings``).  With ``max_items``, only that many
    of the newest items are read, and a long feed is cut down before
    feedparser sees it, so time and memory stay bounded.
    """
    if not isinstance(data, (bytes, bytearray)):
        raise FeedError("feed data must be bytes")
    if not data.strip():
        raise FeedError("the feed is empty")
    text = safe_xml_text(bytes(data), content_type, FeedError)
    document = _utf8_document(text)
    warnings: list[str] = []
    if max_items is not None and sum(1 for _ in _ITEM_START.finditer(text)) > max_items:
        document, total = _keep_newest(document, max_items)
        warnings.append(f"the feed has {total} items; the newest {max_items} were read")
    parsed = _feedparser(document, url)
    warnings[:0] = _check_parsed(parsed, text, content_type)
    feed = parsed.get("feed") or {}
    items = _newest([_item(entry, url) for entry in parsed.get("entries") or []], max_items)
    for item in items:
        item_has_full_text(item)  # measures content_chars now, in the parsing worker
    return ParsedFeed(
        title=_one_line(feed.get("title"), html=_is_html(feed.get("title_detail"))),
        site_url=_http_url(feed.get("link"), url),
        items=items,
        warnings=warnings,
    )


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head


# --- is it a feed? ------------------------------------------------------------------

_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
_FEED_ROOT = re.compile(r"<(?:rss|feed|rdf:RDF)\b")
_HTML_ROOT = re.compile(r"<html\b|<!doctype\s+html", re.IGNORECASE)


def looks_like_feed(data: bytes, content_type: str | None = None) -> bool:
    """True when a document is meant as a feed: by its type, its root element, or as XML that is no page."""
    if media_type(content_type) in _FEED_TYPES:
        return True
    head = decode_feed(data[:8192], content_type)
    html = _HTML_ROOT.search(head)
    feed = _FEED_ROOT.search(head)
    if feed:
        return html is None or feed.start() < html.start()
    return html is None and head.lstrip().startswith("<?xml")


def sniff_feed(
    data: bytes, *, url: str | None = None, content_type: str | None = None, max_items: int = DEFAULT_MAX_ITEMS
) -> ParsedFeed | None:
    """The feed when the document is one, None when it is something else (a page).

    Raises :class:`FeedError` when the document is meant as a feed but
    cannot be read: refused as unsafe (entity declarations), malformed.
    """
    if not looks_like_feed(data, content_type):
        return None
    return parse_feed(data, url=url, content_type=content_type, max_items=max_items)


def describe_feed(feed: ParsedFeed, *, limit: int = 20) -> str:
    """Lines saying what a feed is, with the title and link of its first ``limit`` items."""
    named = f" \u201c{feed.title}\u201d" if feed.title else ""
    lines = [f"this is a feed{named} of {len(feed.items)} item(s), not an article; its items:"]
    for item in feed.items[:limit]:
        lines.append(f"  {item.title or '(no title)'}")
        lines.append(f"    {item.url or '(no link)'}")
    if len(feed.items) > limit:
        lines.append(f"  ... and {len(feed.items) - limit} more")
    return "\n".join(lines)


class IsAFeedError(ValueError):
    """An article was wanted, but the document is a feed; the message lists its items."""

    def __init__(self, feed: ParsedFeed) -> None:
        super().__init__(describe_feed(feed))
        self.feed = feed


def refuse_feed(data: bytes, *, url: str | None = None, content_type: str | None = None) -> None:
    """Raise :class:`IsAFeedError` when the document is a feed (:class:`FeedError` when an unreadable one)."""
    feed = sniff_feed(data, url=url, content_type=content_type)
    if feed is not None:
        raise IsAFeedError(feed)
