"""Gazetteers and cue-word lists for the entity extractor.

The data lives in plain text files under ``data/`` (one entry a line,
``Canonical | alias | alias``; ``#`` starts a comment).  Everything is loaded
once, on first use, into lookup tables keyed by :func:`match_key`, which
folds case, tone-mark placement and the i/y spelling variation
("Thụy Sĩ" / "Thụy Sỹ").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from tuireader.text import nfc, tone_key

DATA_DIR = Path(__file__).parent / "data"

# A word: letters/digits, possibly joined by hyphens, apostrophes, "&" or a dot before a
# lower-case letter ("Jean-Noël", "S&P", "Co.op").
TOKEN_RE = re.compile(r"\w+(?:(?:['’\-‐&]|\.(?=[a-zà-ỹđ]))\w+)*")

_Y_TO_I = str.maketrans("yýỳỷỹỵ", "iíìỉĩị")
_CONSONANTS = "bcdđghklmnpqrstvx"
# A syllable made of consonants and a final y: "sỹ", "mỹ", "kỳ", "lý" (not "thụy").
_CONSONANT_Y = re.compile(rf"\b([{_CONSONANTS}]+)([yýỳỷỹỵ])\b")


@lru_cache(maxsize=65536)
def match_key(text: str) -> str:
    """Comparison key: :func:`tone_key` plus i/y folding and unified dashes."""
    key = tone_key(text.replace("–", "-").replace("—", "-").replace("‐", "-").replace("’", "'"))
    return _CONSONANT_Y.sub(lambda m: m.group(1) + m.group(2).translate(_Y_TO_I), key)


def token_keys(text: str) -> tuple[str, ...]:
    """The match keys of the words of ``text``, as used for phrase lookup."""
    return tuple(match_key(m.group(0)) for m in TOKEN_RE.finditer(nfc(text)))


@dataclass(frozen=True)
class GazetteerEntry:
    type: str  # LOC or ORG
    canonical: str
    caps: tuple[bool, ...]  # which words must be capitalised in running text
    source: str  # data file stem, e.g. "countries"


@dataclass
class Lexicon:
    phrases: dict[tuple[str, ...], GazetteerEntry] = field(default_factory=dict)
    max_len: dict[str, int] = field(default_factory=dict)  # first key -> longest phrase
    sections: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    section_max: dict[str, int] = field(default_factory=dict)
    section_last: dict[str, set[str]] = field(default_factory=dict)  # last word of each phrase
    section_first: dict[str, set[str]] = field(default_factory=dict)
    # For phrases whose later words are written in lower case in the lexicon:
    # which words must not be capitalised in running text ("Anh hùng" is not "Anh Hùng").
    section_lower: dict[str, dict[tuple[str, ...], tuple[bool, ...]]] = field(default_factory=dict)
    surnames: set[str] = field(default_factory=set)
    given_names: set[str] = field(default_factory=set)
    # Vietnamese administrative units: the keys of a name -> its highest level
    # (1 province, 2 district, 3 commune); admin_first: the first keys of them.
    admin: dict[tuple[str, ...], int] = field(default_factory=dict)
    admin_max: int = 0
    place_first: set[str] = field(default_factory=set)  # first keys of admin units and of places of 2+ words
    portfolios: set[tuple[str, ...]] = field(default_factory=set)

    def add_phrase(self, surface: str, entry: GazetteerEntry) -> None:
        keys = token_keys(surface)
        if not keys:
            return
        caps = tuple(m.group(0)[0].isupper() for m in TOKEN_RE.finditer(surface))
        known = self.phrases.get(keys)
        if known is not None:
            # Two spellings differing only in case: demand only the capitals both have.
            if known.canonical == entry.canonical:
                merged = tuple(a and b for a, b in zip(known.caps, caps, strict=True))
                self.phrases[keys] = GazetteerEntry(known.type, known.canonical, merged, known.source)
            return
        self.phrases[keys] = GazetteerEntry(entry.type, entry.canonical, caps, entry.source)
        if len(keys) > self.max_len.get(keys[0], 0):
            self.max_len[keys[0]] = len(keys)

    def in_section(self, name: str, keys: tuple[str, ...]) -> bool:
        return keys in self.sections.get(name, ())


def _entries(path: Path) -> list[list[str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            rows.append([nfc(part.strip()) for part in line.split("|") if part.strip()])
    return rows


def read_sections(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out.setdefault(current, [])
        elif current is not None:
            out[current].append(nfc(line))
    return out


def _admin_units(path: Path) -> dict[tuple[str, ...], int]:
    """``level TAB name`` lines: the keys of each name and its highest level."""
    units: dict[tuple[str, ...], int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            level, name = line.split("\t", 1)
            keys = token_keys(name)
            units[keys] = min(int(level), units.get(keys, 3))
    return units


@lru_cache(maxsize=1)
def load() -> Lexicon:
    """Load every data file once."""
    lex = Lexicon()
    for stem, etype in (("countries", "LOC"), ("provinces_vn", "LOC"), ("places", "LOC"), ("orgs", "ORG")):
        for row in _entries(DATA_DIR / f"{stem}.txt"):
            entry = GazetteerEntry(etype, row[0], (), stem)
            for surface in row:
                lex.add_phrase(surface, entry)
    for name, phrases in read_sections(DATA_DIR / "lexicon.txt").items():
        lower = lex.section_lower.setdefault(name, {})
        for p in phrases:
            words = [m.group(0) for m in TOKEN_RE.finditer(p)]
            if len(words) > 1:
                keys = token_keys(p)
                pattern = tuple(k > 0 and w[0].islower() for k, w in enumerate(words))
                # Spellings that differ in case ("Chánh Văn phòng", "Chánh văn phòng"):
                # a word must be lower case only if it is in every spelling.
                seen = lower.get(keys)
                lower[keys] = pattern if seen is None else tuple(a and b for a, b in zip(seen, pattern, strict=True))
        keyed = {token_keys(p) for p in phrases}
        keyed.discard(())
        lex.sections[name] = keyed
        lex.section_max[name] = max((len(k) for k in keyed), default=0)
    lex.surnames = {match_key(row[0]) for row in _entries(DATA_DIR / "surnames.txt")}
    lex.given_names = {match_key(row[0]) for row in _entries(DATA_DIR / "given_names.txt")}
    lex.admin = _admin_units(DATA_DIR / "admin_units.txt")
    lex.admin_max = max(map(len, lex.admin), default=0)
    lex.place_first = {k[0] for k in lex.admin} | {
        k[0] for k, e in lex.phrases.items() if e.type == "LOC" and len(k) > 1
    }
    for keys, entry in list(lex.phrases.items()):
        if entry.type == "ORG" and len(keys) > 1 and keys[0] == "bộ":
            tail = keys[1:]
            # "Bộ Ngoại giao Nga" does not make "Ngoại giao Nga" a portfolio.
            if not any(lex.phrases.get(tail[k:], entry).type == "LOC" for k in range(1, len(tail))):
                lex.portfolios.add(tail)
    lex.portfolios.update(lex.sections["portfolios"])
    lex.section_lower.pop("portfolios", None)  # "Bộ trưởng Kinh Tế" is written in any case
    lex.section_max["portfolios"] = max(len(k) for k in lex.portfolios)
    lex.sections["portfolios"] = lex.portfolios
    for name, keyed in lex.sections.items():
        lex.section_last[name] = {k[-1] for k in keyed}
        lex.section_first[name] = {k[0] for k in keyed}
    return lex
