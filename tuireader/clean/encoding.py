"""Turn raw page bytes into text: BOM, HTTP charset, <meta> charset, then fallbacks.

Legacy Vietnamese pages are often windows-1258, whose codec yields decomposed
tone marks, so every result is NFC-normalised by the caller's ``clean_input``.
When the declared charset cannot be right (bytes invalid in it) we fall back
to UTF-8, then windows-1258 or windows-1252, whichever reads as more plausible
text.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from tuireader.text import clean_input

__all__ = ["decode_bytes", "declared_charset"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.IGNORECASE)
# Single-byte Western codecs that pages often declare by mistake.
_WESTERN = {"cp1252", "latin_1", "iso8859_15", "ascii", "cp1258"}
# In windows-1258 these bytes are the five combining tone marks.
_CP1258_TONE_BYTES = re.compile(rb"[a-zA-Z\xc3\xe3\xc2\xe2\xca\xea\xd4\xf4\xd5\xf5\xdd\xfd][\xcc\xec\xd2\xde\xf2]")
_CP1258_LETTERS = re.compile(rb"[\xc3\xe3\xd5\xf5\xdd\xfd\xd0\xf0]")


def _lookup(name: str | None) -> str | None:
    """Canonical Python codec name for a charset label, or None if unknown."""
    if not name:
        return None
    label = name.strip().strip("\"'").lower()
    aliases = {
        "windows-1258": "cp1258",
        "x-user-defined": "cp1252",
        "iso-8859-1": "cp1252",
        "latin1": "cp1252",
        "latin-1": "cp1252",
        "us-ascii": "cp1252",
        "ascii": "cp1252",
        "utf8": "utf-8",
        "unicode": "utf-8",
        "gb2312": "gb18030",
        "gbk": "gb18030",
    }
    label = aliases.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """The charset the page claims: HTTP header first, then a <meta> tag near the top."""
    if content_type:
        header = _HEADER_CHARSET.search(content_type)
        if header and _lookup(header.group(1)):
            return _lookup(header.group(1))
    meta = _META_CHARSET.search(data[:8192])
    if meta:
        return _lookup(meta.group(1).decode("ascii", "ignore"))
    return None


def _looks_vietnamese_legacy(data: bytes) -> bool:
    """True when the bytes carry windows-1258 tone marks / letters in quantity."""
    sample = data[:200_000]
    high = sum(1 for b in sample if b >= 0x80)
    if not high:
        return False
    marks = len(_CP1258_TONE_BYTES.findall(sample)) + len(_CP1258_LETTERS.findall(sample))
    return marks >= max(3, high // 4)


def _is_utf8_with_non_ascii(data: bytes) -> bool:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return any(ord(ch) > 127 for ch in text[:200_000])


def _mostly_utf8(data: bytes) -> bool:
    """True when the bytes are UTF-8 but for a few broken bytes: its letters decode, a stray byte does not."""
    text = data[:200_000].decode("utf-8", "replace")
    broken = text.count("\ufffd")
    letters = sum(1 for ch in text if ord(ch) > 127) - broken
    return letters >= 3 and broken * 4 <= letters


def _decode_raw(data: bytes, content_type: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(codec, "replace")
    declared = declared_charset(data, content_type)
    if declared and declared not in _WESTERN and declared != "utf-8":
        try:
            return data.decode(declared)
        except (UnicodeDecodeError, LookupError):
            pass  # wrong label: fall through to the guesses below
    if declared in _WESTERN and _is_utf8_with_non_ascii(data):
        return data.decode("utf-8")
    if declared in (None, "utf-8") or declared not in _WESTERN:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            if declared != "cp1258" and _mostly_utf8(data):
                return data.decode("utf-8", "replace")
    if declared == "cp1258" or _looks_vietnamese_legacy(data):
        return data.decode("cp1258", "replace")
    if declared in _WESTERN and declared != "cp1258":
        return data.decode(declared, "replace")
    return data.decode("cp1252", "replace")


def decode_bytes(data: bytes, *, content_type: str | None = None) -> str:
    """Decode page bytes to NFC text without control characters."""
    text = _decode_raw(bytes(data), content_type)
    return clean_input(unicodedata.normalize("NFC", text))
