"""How the names of one entity are compared: comparison words and keys.

The passes that group mentions into entities (:mod:`.grouping`) compare
names through these:

* Known names are already canonical (gazetteer aliases such as "Hoa Kỳ" →
  "Mỹ" are applied by the scanner); other names are grouped by
  :func:`~tuireader.entities.lexicon.match_key`, so tone-mark and i/y
  variants fall together; foreign words of people's names also lose their
  accents and hyphens ("Mbappé" = "Mbappe", "Jong-un" = "Jong Un").
* Organisation names are grouped by a key that spells out abbreviations
  ("UBND", "TAND", "GD-ĐT"), writes places canonically ("TP.HCM") and drops
  administrative words ("tỉnh"), so "UBND tỉnh Nghệ An" and "Ủy ban nhân dân
  Nghệ An" are one body.
* A shorter person name joins the one longer person name that contains all
  its words ("Blinken", "ông Vương" → "Antony Blinken", "Vương Nghị"), also
  out of order or without a middle initial ("Hà Hồ" → "Hồ Ngọc Hà").
  When two longer names could claim it, it stays on its own.
* A shorter organisation name joins the one body it names: without the
  generic head or the trailing place ("Honda" → "Công ty Honda Việt Nam"),
  as a subsequence of a written form ("Ngân hàng Công Thương"), as an
  acronym of it ("UBCKNN"), or as a short name given in brackets
  ("HoREA"), whatever type the cues around the later mention suggested.
* Lone capitalised words found without any cue are kept only when they
  name a person or body already found in the text.

:func:`display_name` chooses the name the panel shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from tuireader.entities import cues
from tuireader.entities.lexicon import load, match_key
from tuireader.entities.scan import Mention
from tuireader.entities.tokens import looks_vietnamese
from tuireader.text import fold

TYPE_ORDER = {"PER": 0, "LOC": 1, "ORG": 2, "DATE": 3}


@dataclass
class Group:
    type: str
    canonical: str
    known: bool
    words: tuple[str, ...]
    mentions: list[Mention] = field(default_factory=list)

    def forms(self) -> list[tuple[str, ...]]:
        """The words of every way the text names this entity, canonical first."""
        seen = [self.words]
        for m in self.mentions:
            words = words_of(m.surface) if m.surface else ()
            if words and words not in seen:
                seen.append(words)
        return seen

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


@lru_cache(maxsize=8192)
def words_of(name: str) -> tuple[str, ...]:
    """Comparison words of a name; foreign words lose their accents as well
    ("Mbappé" = "Mbappe", "Nicolás" = "Nicolas"), Vietnamese ones keep them
    ("Hùng" is not "Hưng")."""
    words: list[str] = []
    for token in match_key(name).rstrip(".").split():
        # "Kim Jong-un" = "Kim Jong Un"; the dash of "Bà Rịa - Vũng Tàu" stays a word.
        words.extend(part for part in token.split("-") if part) if token != "-" else words.append(token)
    return tuple(w if looks_vietnamese(w) else fold(w) for w in words)


def contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[k : k + n] == short for k in range(len(long) - n + 1))


_GENERIC_HEADS = tuple(words_of(h) for h in cues.raw("grouping_heads"))
_ABBREVIATIONS = {k: match_key(v) for k, v in cues.mapping("abbreviations").items()}
_ADMIN_WORDS = sorted(cues.ADMIN_PREFIXES, key=len, reverse=True)


@lru_cache(maxsize=4096)
def org_key(name: str) -> str:
    """Grouping key of an organisation name: "UBND TP.HCM" and "Ủy ban nhân dân
    Thành phố Hồ Chí Minh" fall together (abbreviations spelled out, places in
    their canonical form, administrative words dropped)."""
    words = [w for k in match_key(name).split() for w in _ABBREVIATIONS.get(k, k).split() if w not in ("và", "&")]
    phrases = load().phrases
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(6, len(words) - i), 0, -1):
            entry = phrases.get(tuple(words[i : i + n]))
            if entry is not None and entry.type == "LOC" and (n > 1 or i > 0):
                out.extend(match_key(entry.canonical).split())
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    text = " ".join(out)
    for admin in _ADMIN_WORDS:
        text = text.replace(f" {admin} ", " ")
    return text


_COMPANY_FORMS = tuple(words_of(h) for h in cues.raw("company_forms"))


@lru_cache(maxsize=8192)
def without_head(words: tuple[str, ...]) -> tuple[str, ...]:
    """The name without its generic head and company form: "Công ty Cổ phần
    Tập đoàn Phúc Sơn" → "Phúc Sơn"; () when it has no such head."""
    for head in sorted(_GENERIC_HEADS, key=len, reverse=True):
        if words[: len(head)] == head and len(words) > len(head):
            rest = words[len(head) :]
            stripped = True
            while stripped:
                stripped = False
                for form in _COMPANY_FORMS:
                    if rest[: len(form)] == form and len(rest) > len(form):
                        rest, stripped = rest[len(form) :], True
            return rest
    return ()


@lru_cache(maxsize=8192)
def cores(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Shorter names an organisation goes by: without its generic head ("Công ty
    Honda Việt Nam" → "Honda Việt Nam") and without a trailing place ("Honda")."""
    bare = without_head(words)
    lex = load()
    phrases = lex.phrases
    cores = []
    if len(words) >= 2 and lex.in_section("org_suffixes", words[-1:]):
        cores.append(words[:-1])  # "Toyota Motor", "Sony Group" -> "Toyota", "Sony"
    for form in (bare, words) if bare else (words,):
        if form is bare:
            cores.append(form)
        for n in range(min(4, len(form) - 1), 0, -1):
            entry = phrases.get(form[-n:])
            if entry is not None and entry.type == "LOC":
                rest = form[:-n]
                # "Bayern" for "Bayern Munich": a foreign brand before a place, not "Công an" alone.
                if form is bare or len(rest) >= 2 or not looks_vietnamese(rest[0]):
                    cores.append(rest)
                break
    return tuple(cores)


def acronym_pattern(name: str) -> list[tuple[bool, str]] | None:
    """The name as (is_initial, text) parts when it contains an acronym:
    "Bộ TN-MT" → word "bộ", initials t n m t; None without an acronym."""
    parts: list[tuple[bool, str]] = []
    has_acronym = False
    for word in name.split():
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters) and all(c.isalpha() or c in "-&." for c in word):
            has_acronym = True
            parts.extend((True, fold(c)) for c in letters)
        else:
            parts.extend((False, w) for w in words_of(word))
    return parts if has_acronym else None


def spells_out(pattern: list[tuple[bool, str]], words: tuple[str, ...]) -> bool:
    """``words`` is the full name the acronym ``pattern`` stands for."""
    words = tuple(w for w in words if w not in ("và", "&"))
    if len(words) != len(pattern) or len(words) < 3:
        return False
    for (initial, text), word in zip(pattern, words, strict=False):
        if initial:
            if fold(word)[:1] != text:
                return False
        elif word != text:
            return False
    return True


def subsequence(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    it = iter(long)
    return all(any(w == x for x in it) for w in short)


def root(group: Group, candidates: list[Group]) -> Group:
    """The longest candidate containing ``group`` (itself if none)."""
    best = group
    for g in candidates:
        if len(g.words) > len(best.words) and contains(g.words, group.words):
            best = g
    return best


def display_name(group: Group, text: str) -> tuple[str, list[str]]:
    """Canonical text and sorted aliases of a group."""
    surfaces: list[str] = []
    for m in sorted(group.mentions, key=lambda m: m.start):
        surface = " ".join(text[m.start : m.end].split())
        if surface not in surfaces:
            surfaces.append(surface)
    canonical = group.canonical
    if group.type == "PER":
        # The fullest form seen, e.g. "Antony Blinken" rather than "Blinken".
        canonical = max(surfaces, key=lambda s: (len(s.split()), -surfaces.index(s)))
    aliases = sorted({s for s in surfaces if s != canonical})
    return canonical, aliases
