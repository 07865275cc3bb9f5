"""Parse RSS 2.0, RSS 1.0 (RDF) and Atom feeds into plain items.

feedparser does the format work; this module adds what a Vietnamese reader
needs around it:

* the bytes are decoded first, choosing between the declared charset, UTF-8,
  windows-1258 and windows-1252 by how plausible the decoded words are (a
  feed declaring UTF-8 while sending windows-1258 still reads correctly);
* documents declaring XML entities are refused before parsing (entity
  expansion bombs never reach a parser);
* every string that leaves goes through :func:`tuireader.text.clean_input`;
* dates come out as ISO 8601 in UTC.
"""

from __future__ import annotations

import calendar
import codecs
import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from tuireader.fetch.xmlsafe import UnsafeXMLError, check_no_entity_declarations
from tuireader.text import clean_input

__all__ = [
    "FULL_TEXT_MIN_CHARS",
    "FeedError",
    "FeedItem",
    "ParsedFeed",
    "decode_xml_bytes",
    "html_to_text",
    "item_has_full_text",
    "parse_feed",
]

# An item whose content has at least this much text is treated as the whole
# article; shorter bodies are teasers and the page is fetched instead.
FULL_TEXT_MIN_CHARS = 1000


class FeedError(Exception):
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
_WORD = re.compile(r"[^\W\d_]+")

_SHAPE_MARKS = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn
_TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}
# Legacy single-byte charsets Vietnamese sites actually send, best guess first.
_FALLBACK_ENCODINGS = ("windows-1258", "windows-1252", "iso-8859-1")


def _codec_name(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip()).name
    except LookupError:
        return None


def _letter_is_plausible(ch: str) -> bool:
    if ch.isascii() or ch in "đĐ":
        return True
    decomposed = unicodedata.normalize("NFD", ch)
    base, marks = decomposed[0], decomposed[1:]
    return base.isascii() and base.isalpha() and all(m in _SHAPE_MARKS or m in _TONE_MARKS for m in marks)


def _implausible_words(text: str) -> int:
    """Count words that cannot be Vietnamese (or plain Latin) spelling.

    A wrong single-byte guess shows up as stray combining marks, letters
    foreign to the alphabet (Þ, ð), capitals inside words or two tone marks
    in one syllable.
    """
    bad = 0
    for word in _WORD.findall(unicodedata.normalize("NFC", text)):
        if word.isascii():
            continue
        tones = 0
        previous_lower = False
        for ch in word:
            if unicodedata.combining(ch) or not _letter_is_plausible(ch):
                bad += 1
                break
            if ch.isupper() and previous_lower:
                bad += 1
                break
            previous_lower = ch.islower()
            if any(m in _TONE_MARKS for m in unicodedata.normalize("NFD", ch)):
                tones += 1
        else:
            if tones > 1:
                bad += 1
    return bad


def decode_xml_bytes(data: bytes, content_type: str | None = None) -> tuple[str, str]:
    """Decode an XML document, returning ``(text, encoding used)``.

    Valid UTF-8 wins over any declaration (a stray byte sequence that happens
    to be valid UTF-8 is vanishingly rare); otherwise the declared charsets,
    the usual Vietnamese legacy ones and UTF-8 with broken bytes replaced are
    tried, and the reading with the fewest implausible words is kept, the
    declared one winning ties.
    """
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding
    if data.startswith(b"<\x00?\x00"):
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    if data.startswith(b"\x00<\x00?"):
        return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared: list[str | None] = []
    declaration = _XML_DECLARATION.match(data)
    if declaration:
        match = _DECLARED_ENCODING.search(declaration.group(0))
        if match:
            declared.append(_codec_name(match.group(1).decode("ascii")))
    if content_type:
        match = _CHARSET_PARAM.search(content_type)
        if match:
            declared.append(_codec_name(match.group(1)))
    candidates: list[str] = []
    for name in [*declared, *(_codec_name(e) for e in _FALLBACK_ENCODINGS)]:
        if name and name not in candidates and not name.startswith("utf"):
            candidates.append(name)
    # Mostly UTF-8 with a few broken bytes is common too: that reading pays
    # one point per replaced byte.
    lenient = data.decode("utf-8", errors="replace")
    best = (_implausible_words(lenient) + lenient.count("\ufffd"), len(candidates), lenient, "utf-8")
    for rank, name in enumerate(candidates):
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _implausible_words(text)
        if (score, rank) < best[:2]:
            best = (score, rank, text, name)
    return best[2], best[3]


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


# --- parsing ---------------------------------------------------------------------


def parse_feed(data: bytes, *, url: str | None = None, content_type: str | None = None) -> ParsedFeed:
    """Parse feed bytes; raises :class:`FeedError` with a clear message if unusable.

    A feed with syntax errors is accepted when items could be recovered (the
    problem is reported in ``warnings``).
    """
    if not isinstance(data, (bytes, bytearray)):
        raise FeedError("feed data must be bytes")
    if not data.strip():
        raise FeedError("the feed is empty")
    text, _encoding = decode_xml_bytes(bytes(data), content_type)
    try:
        check_no_entity_declarations(text)
    except UnsafeXMLError as exc:
        raise FeedError(str(exc)) from None

    import feedparser

    body = _XML_DECLARATION.sub(b"", text.encode("utf-8"), count=1)
    if text.startswith("\ufeff"):
        body = body.removeprefix(codecs.BOM_UTF8)
    document = b'<?xml version="1.0" encoding="utf-8"?>\n' + body.lstrip()
    headers = {"content-type": "application/xml; charset=utf-8"}
    if url:
        headers["content-location"] = url
    try:
        # A file object, never bytes: feedparser would try bytes as a file path.
        parsed = feedparser.parse(io.BytesIO(document), response_headers=headers, sanitize_html=True)
    except Exception as exc:  # feedparser should not raise, but a feed must never crash a refresh
        raise FeedError(f"the feed could not be parsed ({type(exc).__name__}: {exc})") from None

    entries = parsed.get("entries") or []
    warnings: list[str] = []
    if parsed.get("bozo"):
        problem = str(parsed.get("bozo_exception") or "unknown error").replace("<unknown>:", "line ")
        if not entries:
            if not parsed.get("version") and _looks_like_html(text):
                raise FeedError("not an RSS or Atom feed (the document is an HTML page)")
            raise FeedError(f"malformed feed with no readable items ({problem})")
        warnings.append(f"malformed feed, items recovered ({problem})")
    elif not parsed.get("version"):
        if _looks_like_html(text):
            raise FeedError("not an RSS or Atom feed (the document is an HTML page)")
        raise FeedError("not an RSS or Atom feed")

    feed = parsed.get("feed") or {}
    base = url
    site_url = _http_url(feed.get("link"), base)
    items = [_item(entry, base) for entry in entries]
    for item in items:
        item_has_full_text(item)  # measures content_chars now, in the parsing worker
    return ParsedFeed(
        title=_one_line(feed.get("title"), html=_is_html(feed.get("title_detail"))),
        site_url=site_url,
        items=items,
        warnings=warnings,
    )


def _looks_like_html(text: str) -> bool:
    head = text[:2048].lower()
    return "<html" in head or "<!doctype html" in head
