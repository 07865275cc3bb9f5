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

import re

from tuireader.entities import hidden, names, orgs, people, places, sport
from tuireader.entities.dates import find_dates
from tuireader.entities.lexicon import load
from tuireader.entities.scan import Mention, Scan
from tuireader.entities.tokens import looks_vietnamese


def scan(text: str) -> list[Mention]:
    """Find all mentions in ``text`` (already NFC), in no particular order."""
    s = Scan(text, load())
    _dates(s)
    return run(s)


_UNIT_WORD = re.compile(r"^[Nn]gày\s+")


def _dates(s: Scan) -> None:
    """Dates first: their words are then no part of any name."""
    dates = find_dates(s.text)
    for k, (start, end, canonical) in enumerate(dates):
        # The date as written, without its unit word; a piece of a date in several
        # spans ("Thứ hai" of "Thứ hai, ngày 4/11") is written as the whole.
        pieces = sum(1 for d in dates[max(0, k - 1) : k + 2] if d[2] == canonical)
        written = " ".join(_UNIT_WORD.sub("", s.text[start:end]).split())
        s.mentions.append(
            Mention("DATE", canonical, start, end, known=True, surface=canonical if pieces > 1 else written)
        )
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


def _at_capital(s: Scan, i: int) -> int:
    toks = s.toks
    tok = toks[i]
    if i > 0 and s.section_before("honorifics", i) and not toks[i - 1].cap:
        return names.unknown_run(s, i)  # "anh Mỹ", "chị Hà": a name after an honorific
    title = s.title_at(i)
    org_end = orgs.org_at(s, i)
    gaz_len, entry = s.gazetteer_at(i)
    known_len = max(title, org_end - i, gaz_len)
    if not known_len and s.section_at("acronym_org_heads", i):
        # "Chương trình Lương thực Thế giới (WFP)": a programme or a community
        # is a body when it goes by an acronym.
        body_end = orgs.org_at(s, i, heads="acronym_org_heads")
        if body_end > i and orgs.bracketed_acronym_at(s, body_end):
            return orgs.emit_org(s, i, body_end, None)

    if tok.sent or toks[i].gap == "start":
        stop = s.section_at("sentence_start_words", i)
        if stop and stop >= known_len:
            return i + stop
        honorific = s.section_at("honorifics", i)
        if (
            honorific
            and i + honorific < len(toks)
            and s.joined(i + honorific)
            and (toks[i + honorific].cap or people.particles_then_capital(s, i + honorific))
        ):
            if known_len <= honorific:
                return people.person_after(s, i + honorific)
        if not known_len and i + 1 < len(toks) and toks[i + 1].cap and s.joined(i + 1):
            # "Trang Avia Pro ...", "Tờ New York Times ...": a cue word opens the sentence.
            for section, kind in (("org_context", "ORG"), ("loc_context", "LOC")):
                cue = s.section_at(section, i)
                if cue == 1:
                    k = i + 1
                    length, entry = s.gazetteer_at(k)
                    if entry is not None:
                        return k
                    run = s.cap_run(k)
                    s.add(kind, k, k + run)
                    return k + run
        if honorific and gaz_len == honorific and not title:
            nxt = toks[i + honorific] if i + honorific < len(toks) else None
            listed = nxt is not None and (
                nxt.key == "và" or nxt.gap == "hyphen" or s.text[toks[i].end : nxt.start].strip() == ","
            )
            if not listed:
                # "Anh nhớ ..." at a sentence start is a pronoun, not the country.
                return i + honorific

    if title and title >= gaz_len and title >= org_end - i:
        return people.after_title(s, i, title)
    venue_end = orgs.org_at(s, i, heads="loc_heads")
    if venue_end > i + 1 and venue_end - i > gaz_len and venue_end >= org_end:
        s.add("LOC", i, orgs.org_qualifier(s, venue_end))  # "Nhà hát Lớn Hà Nội"
        return orgs.org_qualifier(s, venue_end)
    prefix = s.section_at("loc_prefix_drop", i)
    if prefix and prefix >= known_len:
        k = i + prefix
        if k < len(toks) and toks[k].cap and s.joined(k) and not toks[k].blocked:
            # "TP Vũng Tàu", "Tỉnh Quảng Nam": the prefix is not part of the name.
            length, place = s.gazetteer_at(k)
            if place is not None and place.type == "LOC" and length > s.cap_run(k, stop_at_known=False, limit=4):
                s.add("LOC", k, k + length, place.canonical, known=True)  # "Tỉnh Bà Rịa - Vũng Tàu"
                return k + length
            return names.unknown_run(s, k)
    if org_end > i and org_end - i > gaz_len:
        return orgs.emit_org(s, i, org_end, None)
    if entry is not None and entry.type == "LOC" and places.place_word_before(s, i)[0]:
        after = i + gaz_len
        numbered = after < len(toks) and toks[after].text.isdigit() and len(toks[after].text) <= 2 and s.joined(after)
        if numbered or s.cap_run(i, stop_at_known=False, limit=4) > gaz_len:
            return names.unknown_run(s, i)  # "sân Mỹ Đình", "xã Gio Mỹ", "cầu Thủ Thiêm 4"
    if entry is not None and s.section_before("org_context", i) and not s.section_before("person_context", i):
        if s.cap_run(i, stop_at_known=False, limit=5) > gaz_len:
            return names.unknown_run(s, i)  # "báo Sài Gòn Giải Phóng": the whole run is the body
    if entry is not None and entry.source == "countries" and gaz_len == 1 and places.country_starts_name(s, i):
        return names.unknown_run(s, i)  # "tại Mỹ Đình", "Đức Huy": a country's word begins another name
    if entry is not None and entry.type == "LOC":
        tail = orgs.suffix_extension(s, i + gaz_len)
        if tail:
            s.add("ORG", i, tail)  # "Bangkok United", "Hà Nội FC"
            return tail
    if entry is not None:
        if entry.type == "ORG":
            return orgs.emit_org(s, i, i + gaz_len, entry)
        # "Anh hùng", "Mỹ nhân": a country name that is the first half of a word.
        if gaz_len == 1 and s.section_at("sentence_start_words", i) > 1:
            return i + s.section_at("sentence_start_words", i)
        s.add(entry.type, i, i + gaz_len, entry.canonical, known=True)
        if gaz_len == 1 and entry.type == "LOC" and looks_vietnamese(tok.text) and people.says_at(s, i + 1):
            # "Đức cho biết ...": a one-word place that speaks may be a person's
            # given name; resolution decides once the people of the text are known.
            s.mentions[-1].fallback = "PER"
        return i + gaz_len
    return names.unknown_run(s, i)
