"""The state of one scan of one text, and the primitive look-ups every rule uses.

A :class:`Scan` holds the text, its tokens and the mentions found so far.
Its methods answer the questions the rule families (:mod:`.places`,
:mod:`.orgs`, :mod:`.people`, ...) ask about a position: does a phrase of a
lexicon section start or end here, which known name starts here, how long
is the run of capitalised words.  A :class:`Mention` is one span found.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from tuireader.entities import cues
from tuireader.entities.lexicon import GazetteerEntry, Lexicon
from tuireader.entities.tokens import Token, tokenize


@dataclass(slots=True)
class Mention:
    type: str
    canonical: str
    start: int
    end: int
    known: bool = False  # canonical comes from a gazetteer
    single: bool = False  # a lone capitalised word that is only kept if it names a known person
    fallback: str | None = None  # type to give a lone word that names no known person
    surface: str = ""  # the words as written, when they differ from the canonical name
    guessed: bool = False  # a person only by default: no cue, no family name


class Scan:
    """The tokens and mentions of one text, with the look-ups the rules share."""

    def __init__(self, text: str, lex: Lexicon) -> None:
        self.text = text
        self.lex = lex
        self.toks: list[Token] = tokenize(text, lex)
        self.mentions: list[Mention] = []
        self._gaz_memo: dict[int, tuple[int, GazetteerEntry | None]] = {}
        self.sport: bool | None = None  # the text reports on sport; decided on first use
        self._starts: list[int] | None = None

    def token_at(self, offset: int) -> int:
        """Index of the token that contains (or last starts before) character ``offset``."""
        if self._starts is None:
            self._starts = [t.start for t in self.toks]
        return bisect_right(self._starts, offset) - 1

    def block_spans(self, spans: list[tuple[int, int]]) -> None:
        for s, e in spans:
            k = max(0, self.token_at(s))
            while k < len(self.toks) and self.toks[k].start < e:
                if s < self.toks[k].end:
                    self.toks[k].blocked = True
                k += 1

    def joined(self, i: int) -> bool:
        """Token ``i`` continues the phrase of token ``i - 1``."""
        return self.toks[i].gap in ("space", "dot")

    def section_at(self, name: str, i: int, need_cap: bool | None = None) -> int:
        """Length of the longest phrase of section ``name`` starting at ``i`` (0 if none)."""
        toks = self.toks
        if toks[i].key not in self.lex.section_first.get(name, ()):
            return 0
        limit = self.lex.section_max.get(name, 0)
        phrases = self.lex.sections.get(name, ())
        best = 0
        keys: list[str] = []
        lower = self.lex.section_lower.get(name, {})
        for j in range(i, min(len(toks), i + limit)):
            if j > i and not self.joined(j):
                break
            if toks[j].blocked:
                break
            keys.append(toks[j].key)
            phrase = tuple(keys)
            if phrase in phrases:
                must_lower = lower.get(phrase)
                if must_lower and any(m and toks[i + k].cap for k, m in enumerate(must_lower)):
                    continue  # "Anh Hùng" is a name, "Anh hùng" a word
                best = j - i + 1
        if best and need_cap is not None and toks[i].cap != need_cap:
            return 0
        return best

    def section_before(self, name: str, i: int) -> int:
        """Length of a phrase of section ``name`` ending just before token ``i``."""
        toks = self.toks
        if i == 0 or toks[i - 1].key not in self.lex.section_last.get(name, ()):
            return 0
        if not self.joined(i) and toks[i].gap != "break":
            return 0
        if toks[i].gap == "break" and self.text[toks[i - 1].end : toks[i].start].strip() not in cues.QUOTE_OPEN:
            return 0
        phrases = self.lex.sections.get(name, ())
        keys: list[str] = []
        best = 0
        for j in range(i - 1, max(-1, i - 1 - self.lex.section_max.get(name, 0)), -1):
            keys.insert(0, toks[j].key)
            if tuple(keys) in phrases:
                best = 0 if self.ends_word(j) else i - j  # the longest: "thị xã", not "xã"
            if not self.joined(j):
                break
        return best

    def ends_word(self, j: int) -> bool:
        """Token ``j`` is the second syllable of a word ("gia | đình", "thị | trường")."""
        return j > 0 and self.joined(j) and (self.toks[j - 1].key, self.toks[j].key) in cues.WORD_ENDS

    def gazetteer_at(self, i: int) -> tuple[int, GazetteerEntry | None]:
        """Longest known name starting at ``i``: (length, entry), or (0, None)."""
        toks = self.toks
        first = toks[i].key
        limit = self.lex.max_len.get(first, 0)
        best: tuple[int, GazetteerEntry | None] = (0, None)
        if not limit:
            return best
        cached = self._gaz_memo.get(i)
        if cached is not None:
            return cached
        keys: list[str] = []
        for j in range(i, min(len(toks), i + limit)):
            tok = toks[j]
            if tok.blocked or (j > i and tok.gap == "break"):
                break
            keys.append(tok.key)
            entry = self.lex.phrases.get(tuple(keys))
            if entry is not None and self._caps_fit(i, entry):
                best = (j - i + 1, entry)
        self._gaz_memo[i] = best
        return best

    def _caps_fit(self, i: int, entry: GazetteerEntry) -> bool:
        # Long names are often written in sentence case ("Tổ chức Y tế thế giới"):
        # their first word decides.
        caps = entry.caps[:1] if len(entry.caps) >= 3 else entry.caps
        for offset, must_cap in enumerate(caps):
            tok = self.toks[i + offset]
            if must_cap and not tok.cap:
                return False
        # A lower-case first word ("châu Âu") may be written capitalised too.
        return True

    def cap_run(self, i: int, stop_at_known: bool = True, limit: int = 6) -> int:
        """Length of the run of capitalised words starting at ``i``."""
        toks = self.toks
        j = i
        while j < len(toks) and j - i < limit:
            tok = toks[j]
            if j > i and tok.key in cues.NAME_PARTICLES and not toks[j - 1].upper:
                k = j
                while k < len(toks) and k - j < 3 and toks[k].key in cues.NAME_PARTICLES and self.joined(k):
                    if toks[k].blocked:
                        break
                    k += 1
                if k < len(toks) and k > j and toks[k].cap and self.joined(k) and not toks[k].blocked:
                    j = k  # "Ursula von der Leyen", "Rio de Janeiro"
                    continue
            if j > i and not tok.cap and cues.ARABIC_ARTICLE.match(tok.text) and self.joined(j) and not tok.blocked:
                j += 1  # "Abdel Fattah al-Sisi"
                continue
            if tok.blocked or not tok.cap or (j > i and not self.joined(j)):
                break
            if j > i and stop_at_known and (self.gazetteer_at(j)[0] >= 1 or self.title_at(j)):
                break
            j += 1
        return j - i

    def title_at(self, i: int) -> int:
        if not self.toks[i].cap:
            return 0
        return max(self.section_at("office_titles", i), self.section_at("occupations", i))

    def span_text(self, i: int, j: int) -> str:
        return self.text[self.toks[i].start : self.toks[j - 1].end]

    def add(
        self, type_: str, i: int, j: int, canonical: str | None = None, known: bool = False, single: bool = False
    ) -> None:
        toks = self.toks
        end = toks[j - 1].end
        last = toks[j - 1].text
        if (
            type_ == "PER"
            and (len(last) == 1 and last.isupper() or last in ("Jr", "Sr"))
            and self.text[end : end + 1] == "."
        ):
            end += 1  # "Nguyễn Văn A.", "Ferdinand Marcos Jr."
        surface = self.text[toks[i].start : end]
        written = " ".join(surface.split())
        self.mentions.append(Mention(type_, canonical or written, toks[i].start, end, known, single, surface=written))

    def is_common(self, i: int, run: int) -> bool:
        """The capitalised run at ``i`` starts with an ordinary word ("Nhóm", "Hội nghị")."""
        common = max(self.section_at("sentence_start_words", i), self.section_at("org_heads", i))
        if common >= run:
            return True
        # A common two-word expression that the run cuts in half: "Thông | tư".
        return common > 0 and i + common < len(self.toks) and not self.toks[i + common - 1].cap
