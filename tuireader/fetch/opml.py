"""OPML import and export of feed subscriptions.

Folders become tags on import: a feed inside ``Tin tức / Thế giới`` gets the
tags ``["Tin tức", "Thế giới"]``.  On export the tags are read back as that
folder path, so import → export → import keeps the tree.  Documents that
declare XML entities are refused before parsing.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from tuireader.fetch.feeds import safe_xml_text
from tuireader.text import clean_input

__all__ = ["OpmlError", "OpmlFeed", "OpmlImport", "build_opml", "parse_opml", "read_opml"]

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*?\?>", re.IGNORECASE)


class OpmlError(Exception):
    """The file is not usable OPML; the message says why."""


@dataclass
class OpmlFeed:
    url: str
    title: str | None = None
    tags: list[str] = field(default_factory=list)


def _attr(element: ET.Element, name: str) -> str | None:
    """An attribute looked up case-insensitively (``xmlUrl``, ``xmlurl``, ``XMLURL``)."""
    wanted = name.lower()
    for key, value in element.attrib.items():
        if key.lower() == wanted:
            cleaned = " ".join(clean_input(value).split())
            return cleaned or None
    return None


def _feed_url(raw: str) -> tuple[str | None, str | None]:
    """``(url, None)`` for a usable feed URL, else ``(None, why it is skipped)``."""
    url = raw.strip()
    if url.lower().startswith("feed://"):
        url = "http://" + url[len("feed://") :]
    elif url.lower().startswith("feed:"):
        url = url[len("feed:") :]
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}: URLs" if scheme else "URLs without a scheme"
        return None, f"{shown} cannot be fetched; only http and https"
    if not parts.hostname:
        return None, "the URL has no host name"
    return url, None


def _category_tags(value: str | None) -> list[str]:
    """Tags from an OPML ``category`` attribute: comma-separated ``/a/b`` paths."""
    tags: list[str] = []
    for path in (value or "").split(","):
        for part in path.split("/"):
            part = part.strip()
            if part and part not in tags:
                tags.append(part)
    return tags


def _outlines(element: ET.Element) -> list[ET.Element]:
    return [child for child in element if child.tag.rsplit("}", 1)[-1].lower() == "outline"]


def _body(data: bytes) -> ET.Element:
    """The ``<body>`` of an OPML document; raises :class:`OpmlError`."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    if not isinstance(data, (bytes, bytearray)) or not bytes(data).strip():
        raise OpmlError("the OPML file is empty")
    text = safe_xml_text(bytes(data), None, OpmlError)
    text = _XML_DECLARATION.sub("", text.lstrip("\ufeff"), count=1)
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise OpmlError(f"not a valid OPML file (XML error: {exc})") from None
    if root.tag.rsplit("}", 1)[-1].lower() != "opml":
        raise OpmlError(f"not an OPML file (the root element is <{root.tag}>, not <opml>)")
    body = next((child for child in root if child.tag.rsplit("}", 1)[-1].lower() == "body"), None)
    if body is None:
        raise OpmlError("not a usable OPML file (no <body> element)")
    return body


@dataclass
class OpmlImport:
    """What an OPML file lists: its feeds, and each entry skipped as ``(name, reason)``."""

    feeds: list[OpmlFeed] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    _by_url: dict[str, OpmlFeed] = field(default_factory=dict, repr=False, compare=False)

    def add(self, url: str, title: str | None, tags: list[str]) -> None:
        """Add a feed; one listed again gains its title and tags."""
        known = self._by_url.get(url)
        if known is None:
            self._by_url[url] = feed = OpmlFeed(url=url, title=title, tags=tags)
            self.feeds.append(feed)
            return
        known.title = known.title or title
        known.tags.extend(tag for tag in tags if tag not in known.tags)


def _entry(outline: ET.Element, folders: list[str], found: OpmlImport) -> None:
    """Take one outline that is not a folder: a feed, or an entry skipped with its reason."""
    title = _attr(outline, "title") or _attr(outline, "text")
    raw_url = _attr(outline, "xmlUrl")
    url, problem = _feed_url(raw_url) if raw_url else (None, "no feed URL")
    if url is None:
        found.skipped.append((title or raw_url or "(an entry with no name)", problem or "unusable"))
        return
    tags = list(folders)
    tags.extend(tag for tag in _category_tags(_attr(outline, "category")) if tag not in tags)
    found.add(url, title, tags)


def read_opml(data: bytes) -> OpmlImport:
    """The feeds an OPML document lists, folder names as tags, and what was skipped; raises :class:`OpmlError`."""
    found = OpmlImport()
    # Depth-first with an explicit stack: deep nesting cannot exhaust recursion.
    stack: list[tuple[ET.Element, list[str]]] = [(child, []) for child in reversed(_outlines(_body(data)))]
    while stack:
        outline, folders = stack.pop()
        children = _outlines(outline)
        title = _attr(outline, "title") or _attr(outline, "text")
        if children and _attr(outline, "xmlUrl") is None:
            inner = [*folders, title] if title else folders
            stack.extend((child, inner) for child in reversed(children))
            continue
        _entry(outline, folders, found)
        stack.extend((child, folders) for child in reversed(children))
    return found


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """Feeds listed in an OPML document, folder names as tags; raises :class:`OpmlError`."""
    return read_opml(data).feeds


def build_opml(feeds: list[OpmlFeed], title: str = "tuireader") -> str:
    """An OPML 2.0 document; each feed's tags are its folder path."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = clean_input(title)
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    folders: dict[tuple[str, ...], ET.Element] = {(): body}

    def folder(path: tuple[str, ...]) -> ET.Element:
        element = folders.get(path)
        if element is None:
            parent = folder(path[:-1])
            element = ET.SubElement(parent, "outline", text=path[-1], title=path[-1])
            folders[path] = element
        return element

    for feed in feeds:
        path = tuple(t for t in (" ".join(clean_input(tag).split()) for tag in feed.tags) if t)
        name = " ".join(clean_input(feed.title or "").split()) or clean_input(feed.url)
        ET.SubElement(folder(path), "outline", type="rss", text=name, title=name, xmlUrl=clean_input(feed.url))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
