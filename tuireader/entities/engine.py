"""The scan: finds entity mentions in Vietnamese text, left to right.

Dates are found first with regular expressions (:mod:`.dates`); shouting
lines and titles of works are blocked (:mod:`.hidden`); then a left-to-right
scan tries, at each capitalised word:

1. a title of office or an occupation ("Ngoại trưởng", "ca sĩ"), which is not
   part of any name but announces one (:mod:`.people`);
2. an organisation: a known one, or one opened by a head word ("Bộ",
   "Công ty", "UBND" ...) and followed by its name and an optional place
   (:mod:`.orgs`);
3. a known place (:mod:`.places`);
4. otherwise a run of capitalised words, classified by the words before it
   (honorifics, place prefixes, "tờ"/"hãng" ...), by Vietnamese family names
   and by shape (acronyms).

Lower-case words are read only where a gazetteer or a head word says a name
starts ("châu Âu", "bệnh viện Bạch Mai").  Last come the passes over the
mentions found: clubs in match reports (:mod:`.sport`), bodies listed with
bodies.  The result is a flat list of :class:`~.scan.Mention`; grouping them
into entities happens in :mod:`.resolve`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from tuireader.entities import hidden, names, orgs, people, places, sport
from tuireader.entities.dates import find_dates
from tuireader.entities.lexicon import GazetteerEntry, load
from tuireader.entities.scan import Mention, Scan
from tuireader.entities.tokens import looks_vietnamese


def scan(text: str) -> list[Mention]:
    """Find all mentions in ``text`` (already NFC), in no particular order."""
    s = Scan(text, load())
    _dates(s)
    return run(s)


def _dates(s: Scan) -> None:
    """Dates first: their words are then no part of any name."""
    dates = find_dates(s.text)
    for start, end, canonical in dates:
        s.mentions.append(Mention("DATE", canonical, start, end, known=True))
    if dates:
        s.block_spans([(a, b) for a, b, _ in dates])


def run(s: Scan) -> list[Mention]:
    hidden.block_shouting(s)
    hidden.block_work_titles(s)
    toks = s.toks
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok.blocked:
            i += 1
            continue
        if not tok.cap:
            length, entry = s.gazetteer_at(i)
            if entry is not None and not entry.caps[0]:
                s.add(entry.type, i, i + length, entry.canonical, known=True)
                i += length
                continue
            numbered = places.numbered_place(s, i)
            if numbered:
                s.add("LOC", i, i + numbered)  # "quận 2", "quốc lộ 1A": the number needs its word
                i += numbered
                continue
            end = orgs.lower_head_org(s, i)
            if end > i:
                i = orgs.emit_org(s, i, end, None)  # "bệnh viện Bạch Mai", "sở Y tế Hà Nội"
                continue
            i = _lower_case_name(s, i)
            continue
        numbered = places.numbered_place(s, i)
        if numbered:
            s.add("LOC", i, i + numbered)
            i += numbered
            continue
        i = _at_capital(s, i)
    sport.clubs_in_match_reports(s)
    orgs.bodies_listed_with_bodies(s)
    places.category_words_inside(s)
    places.no_demonyms(s)
    return s.mentions


def _lower_case_name(s: Scan, i: int) -> int:
    """A name written in lower case: a person ("nguyễn hải yến"), a place after its
    category word ("huyện phú lộc") or a province ("quảng ngãi")."""
    person = people.lower_case_name(s, i)
    if person:
        s.add("PER", i, i + person)
        return i + person
    place = places.lower_case_place(s, i)
    if place:
        s.add("LOC", i, i + place)
        return i + place
    return i + 1


@dataclass(frozen=True)
class _Claims:
    """What the lexicons say starts at a capitalised word: a title, an
    organisation opened by a head word (its end), a known name."""

    title: int
    org_end: int
    gaz_len: int
    entry: GazetteerEntry | None

    @property
    def longest(self) -> int:
        return max(self.title, self.org_end, self.gaz_len)


def _at_capital(s: Scan, i: int) -> int:
    """Read what starts at the capitalised word ``i``; return the next index."""
    toks = s.toks
    if i > 0 and (s.section_before("honorifics", i) or s.section_before("name_cues", i)) and not toks[i - 1].cap:
        return names.unknown_run(s, i)  # "anh Mỹ", "người tên Đức": a name after an honorific
    gaz_len, entry = s.gazetteer_at(i)
    claims = _Claims(s.title_at(i), orgs.org_at(s, i) - i, gaz_len, entry)
    for rule in _CAPITAL_RULES:
        end = rule(s, i, claims)
        if end is not None:
            return end
    return names.unknown_run(s, i)


def _acronym_body(s: Scan, i: int, c: _Claims) -> int | None:
    """ "Chương trình Lương thực Thế giới (WFP)": a programme or a community is a
    body when it goes by an acronym."""
    if c.longest or not s.section_at("acronym_org_heads", i):
        return None
    body_end = orgs.org_at(s, i, heads="acronym_org_heads")
    if body_end > i and orgs.bracketed_acronym_at(s, body_end):
        return orgs.emit_org(s, i, body_end, None)
    return None


def _sentence_opening(s: Scan, i: int, c: _Claims) -> int | None:
    """A capitalised word because it opens a sentence: a common word ("Theo"), an
    honorific ("Ông Lavrov"), a cue word ("Tờ New York Times ..."), a pronoun
    that is also a country ("Anh nhớ ...")."""
    toks = s.toks
    if not (toks[i].sent or toks[i].gap == "start"):
        return None
    stop = s.section_at("sentence_start_words", i)
    if stop and stop >= c.longest:
        return i + stop
    honorific = s.section_at("honorifics", i)
    k = i + honorific
    if honorific and k < len(toks) and s.joined(k) and (toks[k].cap or people.particles_then_capital(s, k)):
        if c.longest <= honorific:
            return people.person_after(s, k)
    if not c.longest and i + 1 < len(toks) and toks[i + 1].cap and s.joined(i + 1):
        for section, kind in (("org_context", "ORG"), ("loc_context", "LOC")):
            if s.section_at(section, i) == 1:
                if s.gazetteer_at(i + 1)[1] is not None:
                    return i + 1
                run = s.cap_run(i + 1)
                s.add(kind, i + 1, i + 1 + run)
                return i + 1 + run
    if honorific and c.gaz_len == honorific and not c.title:
        nxt = toks[k] if k < len(toks) else None
        listed = nxt is not None and (
            nxt.key == "và" or nxt.gap == "hyphen" or s.text[toks[i].end : nxt.start].strip() == ","
        )
        if not listed:
            return k
    return None


def _title(s: Scan, i: int, c: _Claims) -> int | None:
    if c.title and c.title >= c.gaz_len and c.title >= c.org_end:
        return people.after_title(s, i, c.title)
    return None


def _venue(s: Scan, i: int, c: _Claims) -> int | None:
    """ "Nhà hát Lớn Hà Nội": a venue opened by its head word."""
    venue_end = orgs.org_at(s, i, heads="loc_heads")
    if venue_end > i + 1 and venue_end - i > c.gaz_len and venue_end - i >= c.org_end:
        end = orgs.org_qualifier(s, venue_end)
        s.add("LOC", i, end)
        return end
    return None


def _capitalised_place_word(s: Scan, i: int, c: _Claims) -> int | None:
    """ "TP Vũng Tàu", "Tỉnh Quảng Nam": a place word written with a capital."""
    toks = s.toks
    prefix = s.section_at("loc_prefix_drop", i)
    if not prefix or prefix < c.longest:
        return None
    k = i + prefix
    if k >= len(toks) or not toks[k].cap or not s.joined(k) or toks[k].blocked:
        return None
    length, place = s.gazetteer_at(k)
    if place is not None and place.type == "LOC" and length > s.cap_run(k, stop_at_known=False, limit=4):
        s.add("LOC", k, k + length, place.canonical, known=True)  # "Tỉnh Bà Rịa - Vũng Tàu"
        return k + length
    return names.unknown_run(s, k)


def _headed_body(s: Scan, i: int, c: _Claims) -> int | None:
    if c.org_end > 0 and c.org_end > c.gaz_len:
        return orgs.emit_org(s, i, i + c.org_end, None)
    return None


def _longer_than_known(s: Scan, i: int, c: _Claims) -> int | None:
    """A known name that begins a longer one: "sân Mỹ Đình", "xã Gio Mỹ", "cầu Thủ
    Thiêm 4", "báo Sài Gòn Giải Phóng", "tại Mỹ Đình", "Đức Huy"."""
    toks = s.toks
    entry = c.entry
    if entry is None:
        return None
    if entry.type == "LOC" and places.place_word_before(s, i)[0]:
        after = i + c.gaz_len
        numbered = after < len(toks) and toks[after].text.isdigit() and len(toks[after].text) <= 2 and s.joined(after)
        if numbered or s.cap_run(i, stop_at_known=False, limit=4) > c.gaz_len:
            return names.unknown_run(s, i)
    if s.section_before("org_context", i) and not s.section_before("person_context", i):
        if s.cap_run(i, stop_at_known=False, limit=5) > c.gaz_len:
            return names.unknown_run(s, i)
    if entry.source == "countries" and c.gaz_len == 1 and places.country_starts_name(s, i):
        return names.unknown_run(s, i)
    return None


def _known_name(s: Scan, i: int, c: _Claims) -> int | None:
    """A gazetteer name: a body, a place, or a place with a club's suffix ("Hà Nội FC")."""
    entry, end = c.entry, i + c.gaz_len
    if entry is None:
        return None
    if entry.type == "LOC":
        tail = orgs.suffix_extension(s, end)
        if tail:
            s.add("ORG", i, tail)  # "Bangkok United", "Hà Nội FC"
            return tail
    if entry.type == "ORG":
        return orgs.emit_org(s, i, end, entry)
    # "Anh hùng", "Mỹ nhân": a country name that is the first half of a word.
    if c.gaz_len == 1 and s.section_at("sentence_start_words", i) > 1:
        return i + s.section_at("sentence_start_words", i)
    s.add(entry.type, i, end, entry.canonical, known=True)
    if c.gaz_len == 1 and entry.type == "LOC" and looks_vietnamese(s.toks[i].text) and people.says_at(s, i + 1):
        # "Đức cho biết ...": a one-word place that speaks may be a person's
        # given name; resolution decides once the people of the text are known.
        s.mentions[-1].fallback = "PER"
    return end


_CAPITAL_RULES: tuple[Callable[[Scan, int, _Claims], int | None], ...] = (
    _acronym_body,
    _sentence_opening,
    _title,
    _venue,
    _capitalised_place_word,
    _headed_body,
    _longer_than_known,
    _known_name,
)
