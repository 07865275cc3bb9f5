"""Words of a text as the rules see them: case, separator, sentence start.

:func:`tokenize` cuts a text into :class:`Token` s that remember their
capitalisation and what separates them from the previous word (a space, the
dot of "TP.HCM", a dash, or a break such as a comma or a bracket);
:func:`looks_vietnamese` tells a Vietnamese syllable ("Tâm") from a foreign
word ("Lavrov", "Boeing").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from tuireader.entities import cues
from tuireader.entities.lexicon import TOKEN_RE, Lexicon, match_key
from tuireader.text import TONE_MARKS, nfc


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    key: str
    cap: bool  # starts with a capital letter
    upper: bool  # an all-capital acronym ("NATO", "G20")
    gap: str  # separator before it: start | space | dot | hyphen | amp | break
    sent: bool  # first word of a sentence
    blocked: bool = False  # inside a date or a work title


_NO_TONE = dict.fromkeys(map(ord, TONE_MARKS))
_SYLLABLE_SHAPE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?([aăâeêioôơuưy]{1,3})(ng|nh|ch|[cmnpt])?$"
)


@lru_cache(maxsize=16384)
def looks_vietnamese(word: str) -> bool:
    """True when ``word`` could be one Vietnamese syllable ("Tâm", not "Lavrov" or "Boeing")."""
    bare = nfc(unicodedata.normalize("NFD", word.lower()).translate(_NO_TONE))
    m = _SYLLABLE_SHAPE.match(bare)
    if not m:
        return False
    onset, nucleus = m.group(1) or "", m.group(2)
    if onset in ("gi", "qu") and nucleus not in cues.VOWEL_NUCLEI:
        return True  # "giữa", "quyết": the i/u belongs to the onset
    return nucleus in cues.VOWEL_NUCLEI


def _pieces(m: re.Match[str], lex: Lexicon) -> list[tuple[int, int, str]]:
    """One word, or the known names a hyphen joins: "Nga-Mỹ", "Nga-Ukraine"."""
    word = m.group(0)
    if "-" in word or "‐" in word:
        parts = list(re.finditer(r"[^\-‐]+", word))
        if all(p.group(0)[0].isupper() and (match_key(p.group(0)),) in lex.phrases for p in parts):
            return [(m.start() + p.start(), m.start() + p.end(), p.group(0)) for p in parts]
    return [(m.start(), m.end(), word)]


def _gap(between: str, prev: Token | None, piece: str, split: bool, lex: Lexicon) -> str:
    """The separator before a word, from the text between it and the previous one."""
    stripped = between.strip()
    if prev is None:
        return "start"
    if not stripped and "\n" not in between:
        return "space" if between else ("hyphen" if split else "space")
    if stripped == "." and prev.text in ("TP", "Tp", "tp"):
        return "dot"
    if stripped == "." and len(prev.text) == 1 and prev.cap and between != "." and match_key(piece) not in lex.surnames:
        return "space"  # an initial: "Patrick S. Ryder" (but "... Văn A. Nguyễn Văn B" is two sentences)
    if between == "." and (prev.upper or (len(prev.text) == 1 and prev.cap)):
        return "dot"
    if stripped in cues.DASHES and "\n" not in between:
        return "hyphen"
    if stripped == "&" and "\n" not in between:
        return "amp"
    return "break"


def tokenize(text: str, lex: Lexicon) -> list[Token]:
    """Cut ``text`` into words, noting case, the separator before each and sentence starts."""
    tokens: list[Token] = []
    prev_end = 0
    for m in TOKEN_RE.finditer(text):
        for start, end, piece in _pieces(m, lex):
            between = text[prev_end:start]
            prev = tokens[-1] if tokens else None
            upper = len(piece) > 1 and piece.isupper()
            if between == " " and prev is not None:  # the common case, kept fast
                gap, sent = "space", False
            else:
                gap = _gap(between, prev, piece, start > m.start(), lex)
                sent = prev is None or (gap == "break" and bool(cues.SENTENCE_BREAK.search(between)))
            tokens.append(Token(start, end, piece, match_key(piece), piece[0].isupper(), upper, gap, sent))
            prev_end = end
    return tokens
