"""Vietnamese text normalisation shared by every part of the reader.

Three jobs, kept apart on purpose:

* ``clean_input`` is applied to all text on the way in: NFC, no terminal
  control or escape sequences, no zero-width junk.  The displayed text keeps
  the article's own spelling.
* ``tone_key`` unifies tone-mark placement (hoà/hòa, uỷ/ủy) and case, so two
  spellings of one word compare equal while diacritics still matter.
* ``fold`` drops every diacritic (``đ`` included) and case: the key that makes
  ``ha noi`` find ``Hà Nội``.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

__all__ = [
    "clean_input",
    "fold",
    "fold_with_map",
    "nfc",
    "strip_controls",
    "TONE_MARKS",
    "tone_key",
    "unify_tone_marks",
]

# CSI / OSC / DCS and other ESC sequences, then any lone C0/C1 control except
# tab and newline.  OSC and DCS bodies end with BEL or ST.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]            # CSI
    | \x1b[\]PX^_].*?(?:\x07|\x1b\\)   # OSC, DCS, SOS, PM, APC
    | \x9b[0-?]*[ -/]*[@-~]            # 8-bit CSI
    | [\x9d\x90\x98\x9e\x9f].*?(?:\x07|\x9c)  # 8-bit OSC etc.
    | \x1b[@-Z\\-_]?                   # two-byte ESC sequences, or a lone ESC
    """,
    re.VERBOSE | re.DOTALL,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Zero-width and invisible formatting characters that scrapers leave behind.
_INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u2060\u2061-\u2064\ufeff\u00ad\u202a-\u202e\u2066-\u2069]")


def nfc(text: str) -> str:
    """Return ``text`` in Unicode normal form C."""
    return unicodedata.normalize("NFC", text)


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences, control characters and invisible marks.

    Newlines and tabs stay; a carriage return becomes a newline (``\\r\\n`` one).
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_SEQUENCE.sub("", text)
    text = _CONTROL.sub("", text)
    return _INVISIBLE.sub("", text)


def clean_input(text: str) -> str:
    """The normalisation every piece of incoming text gets: NFC and no controls."""
    return nfc(strip_controls(text))


# --- tone marks --------------------------------------------------------------

# The five combining tone marks: huyền, sắc, ngã, hỏi, nặng.  The one table of them.
TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")
_VOWELS = set("aăâeêioôơuưyAĂÂEÊIOÔƠUƯY")
_MARKED_VOWELS = set("ăâêôơưĂÂÊÔƠƯ")
_SYLLABLE = re.compile(r"\w+")


@lru_cache(maxsize=65536)
def _place_tone(syllable: str) -> str:
    """Put the tone mark of one syllable on its canonical vowel."""
    decomposed = unicodedata.normalize("NFD", syllable)
    tone = next((ch for ch in decomposed if ch in TONE_MARKS), None)
    if tone is None:
        return syllable
    bare = nfc("".join(ch for ch in decomposed if ch not in TONE_MARKS))
    lower = bare.lower()
    start = 0
    # "qu" and "gi" (before another vowel) are initials, not part of the nucleus.
    if lower.startswith("qu") or (lower.startswith("gi") and len(lower) > 2 and lower[2] in "aăâeêoôơuưy"):
        start = 2
    positions = [i for i in range(start, len(bare)) if bare[i] in _VOWELS]
    if not positions:
        positions = [i for i in range(len(bare)) if bare[i] in _VOWELS]
        if not positions:
            return syllable
    # Only the first contiguous run of vowels is the nucleus.
    run = [positions[0]]
    for p in positions[1:]:
        if p == run[-1] + 1:
            run.append(p)
        else:
            break
    marked = [p for p in run if bare[p] in _MARKED_VOWELS]
    if marked:
        target = marked[-1]  # ươ -> ơ
    elif run[-1] + 1 < len(bare):  # closed syllable: hoàng, thuyết
        target = run[-1]
    elif len(run) == 3:
        target = run[1]
    else:
        target = run[0]  # open: hòa, thủy, mía
    return nfc(bare[: target + 1] + tone + bare[target + 1 :])


def unify_tone_marks(text: str) -> str:
    """Rewrite every syllable with its tone mark in one canonical place."""
    return _SYLLABLE.sub(lambda m: _place_tone(m.group(0)), nfc(text))


def tone_key(text: str) -> str:
    """A comparison key: tone placement unified, case folded, spaces collapsed."""
    return " ".join(unify_tone_marks(text).casefold().split())


# --- folding -----------------------------------------------------------------

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
    return base.translate(_FOLD_EXTRA).casefold()


class _FoldTable(dict[int, str | None]):
    """``str.translate`` table that folds each character the first time it is met, then remembers it."""

    def __missing__(self, code: int) -> str | None:
        folded = _fold_char(chr(code)) or None  # a lone combining mark folds to nothing
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fold(text: str) -> str:
    """Drop diacritics (``đ`` → ``d``) and case: the search key."""
    return unicodedata.normalize("NFC", text).translate(_FOLD_TABLE)


def fold_with_map(text: str) -> tuple[str, list[int]]:
    """Fold ``text`` and return, for every folded character, its index in ``text``.

    Used to highlight a folded match in the original string.
    """
    out: list[str] = []
    index: list[int] = []
    for i, ch in enumerate(text):
        folded = _fold_char(ch)
        out.append(folded)
        index.extend([i] * len(folded))
    return "".join(out), index


_UNSAFE_FILENAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_WINDOWS_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}


def safe_filename(title: str, suffix: str = "", *, max_bytes: int = 120) -> str:
    """A file name made from untrusted text: no separators, no dot-files, bounded length.

    Vietnamese letters stay (NFC); anything a file system or shell treats
    specially becomes ``-``.
    """
    name = _UNSAFE_FILENAME.sub("-", clean_input(title))
    name = "-".join(name.split())
    name = re.sub(r"-{2,}", "-", name).strip("-.")
    encoded = name.encode("utf-8")[:max_bytes]
    name = encoded.decode("utf-8", errors="ignore").rstrip("-.")
    if not name or name.lower().split(".")[0] in _WINDOWS_RESERVED:
        name = f"article-{name}" if name else "article"
    return name + suffix
