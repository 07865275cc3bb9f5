"""Decide what a blob of page bytes is and send it to the right cleaner."""

from __future__ import annotations

import re
import zlib

from .article import CleanedArticle, CleanError
from .encoding import decode_bytes

__all__ = ["MAX_GZIP_OUTPUT", "clean_source", "looks_binary", "looks_like_html"]

# A compressed page may not expand beyond this (gzip bombs).
MAX_GZIP_OUTPUT = 64 * 1024 * 1024
_HTML_START = re.compile(r"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE | re.DOTALL)
# Head elements some pages print before <html>: markup when a document tag follows.
_HEAD_FIRST = re.compile(r"^\s*<(?:style|script|link|meta)\b", re.IGNORECASE)
_DOCUMENT_TAG = re.compile(r"<(?:html|head|body)\b[^>]*>", re.IGNORECASE)
_HTML_TAGS = re.compile(r"<(?:p|div|body|head|meta|title|article|span|br|a\s[^>]*href)\b[^>]*>", re.IGNORECASE)
_TEXT_CONTROL = set(range(0x00, 0x09)) | {0x0B, 0x0E, 0x0F} | set(range(0x10, 0x1B)) | set(range(0x1C, 0x20))


def _gunzip(data: bytes) -> tuple[bytes, bool]:
    """Decompress (concatenated) gzip data; the flag says the output was cut."""
    out = bytearray()
    remaining = data
    while remaining[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            chunk = inflater.decompress(remaining, MAX_GZIP_OUTPUT - len(out) + 1)
        except zlib.error as exc:
            if out:
                break
            raise CleanError("The input is gzip-compressed but the data is corrupt.") from exc
        out += chunk
        if len(out) > MAX_GZIP_OUTPUT:
            return bytes(out[:MAX_GZIP_OUTPUT]), True
        if not inflater.eof:
            break  # truncated stream: keep what we have
        remaining = inflater.unused_data
    return bytes(out), False


def looks_binary(data: bytes) -> bool:
    """True for data that is no kind of text (images, archives, executables)."""
    sample = data[:8192]
    if not sample:
        return False
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")) or sample[:4] in (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"):
        return False  # UTF-16/32 text has NUL bytes by nature
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b in _TEXT_CONTROL)
    return controls > len(sample) * 0.05


def looks_like_html(text: str) -> bool:
    """True when ``text`` is markup rather than page text."""
    head = text[:4096]
    if _HTML_START.match(head):
        return True
    if _HEAD_FIRST.match(head) and _DOCUMENT_TAG.search(text, 0, 262_144):
        return True  # a <style> block before <html>
    return len(_HTML_TAGS.findall(head)) >= 2


def clean_source(
    data: bytes, *, url: str | None = None, filename: str | None = None, content_type: str | None = None
) -> CleanedArticle:
    """Clean a page given as bytes: gzip, HTML or a plain-text dump."""
    from . import clean_html, clean_text_dump

    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise CleanError("The input must be bytes, not " + type(data).__name__ + ".")
    data = bytes(data)
    warnings: list[str] = []
    if data[:2] == b"\x1f\x8b":
        data, cut = _gunzip(data)
        if cut:
            warnings.append(f"truncated: page larger than {MAX_GZIP_OUTPUT // (1024 * 1024)} MB once decompressed")
    if not data.strip():
        raise CleanError("The input is empty.")
    if looks_binary(data):
        raise CleanError("The input looks like binary data, not a web page or text.")
    name = (filename or "").lower()
    kind = (content_type or "").split(";")[0].strip().lower()
    text = decode_bytes(data, content_type=content_type)
    if not text.strip():
        raise CleanError("The input holds no text.")
    if name.endswith((".html", ".htm", ".xhtml", ".html.gz", ".htm.gz")) or kind in (
        "text/html",
        "application/xhtml+xml",
    ):
        is_html = True
    elif name.endswith((".txt", ".txt.gz")) or kind == "text/plain":
        is_html = looks_like_html(text) and bool(_HTML_START.match(text[:4096]))
    else:
        is_html = looks_like_html(text)
    article = clean_html(text, url=url) if is_html else clean_text_dump(text, url=url)
    article.warnings[:0] = warnings
    return article
