"""A capitalised word that no gazetteer, title or head word claimed: what is it?

:func:`unknown_run` tries rules in order.  The first ones look at the words
around one capitalised word: a region ("miền Bắc"), a place word before it
("xã Gio Mỹ", "sông Hương"), the other end of a route ("Bến Thành - Suối
Tiên"), a country by its first syllable ("Việt - Nhật"), a person named after
an honorific or by a birth-order name ("ông Tám", "Hai Địa").  Then the run of
capitalised words from it is classified by the words before it (a work cue,
an honorific, "tờ"/"hãng", "ở"/"tại"), by its shape (an acronym, a model
number, an organisation suffix, a code), and by what it is known to be (a
Vietnamese district, a given name); what is left is taken as a person.

Each rule returns where the scan goes on, or None when it does not apply.
"""

from __future__ import annotations

from collections.abc import Callable

from tuireader.entities import cues, orgs, people, places, sport
from tuireader.entities.lexicon import match_key
from tuireader.entities.scan import Scan
from tuireader.entities.tokens import looks_vietnamese

Rule = Callable[[Scan, int], "int | None"]
RunRule = Callable[[Scan, int, int], "int | None"]


def unknown_run(s: Scan, i: int) -> int:
    """Classify the capitalised word at ``i`` and the run it opens; return the next index."""
    for rule in _AROUND_THE_WORD:
        end = rule(s, i)
        if end is not None:
            return end
    surname_first = _surname_first(s, i)
    run = s.cap_run(i, stop_at_known=not surname_first, limit=5 if surname_first else 6)
    if run == 0:
        return i + 1
    if s.is_common(i, run):
        return i + run
    for run_rule in _ON_THE_RUN:
        end = run_rule(s, i, run)
        if end is not None:
            return end
    return _person_by_default(s, i, run)


def _surname_first(s: Scan, i: int) -> bool:
    return s.toks[i].key in s.lex.surnames and not s.toks[i].upper


# --- the words around one capitalised word -------------------------------------


def _region(s: Scan, i: int) -> int | None:
    if not places.region_at(s, i):
        return None
    s.add("LOC", i - 1, i + 1)  # "miền Bắc", "biển Đông"
    return i + 1


def _described_place(s: Scan, i: int) -> int | None:
    """ "thành phố biên giới Cúcuta", "huyện đảo Lý Sơn": a place word, a description, the name."""
    if not places.described_place_before(s, i):
        return None
    run = s.cap_run(i, stop_at_known=False, limit=4)
    if run == 1 and s.toks[i].key in cues.COMPASS:
        return i + 1  # a compass word alone names no place
    s.add("LOC", i, i + run)
    return i + run


def _after_place_word(s: Scan, i: int) -> int | None:
    """ "xã Gio Mỹ", "sông Hương": the whole run after a place word is the place."""
    toks = s.toks
    prefix, keep = places.place_word_before(s, i)
    if not prefix:
        return None
    run = s.cap_run(i, stop_at_known=False, limit=4)
    if run == 1 and toks[i].key in cues.COMPASS:
        return i + 1
    if keep == 1 and toks[i - 1].key == "biển" and all(looks_vietnamese(t.text) for t in toks[i : i + run]):
        keep = 0  # "biển Mỹ Khê" is the beach Mỹ Khê; "biển Baltic" keeps its word
    end = i + run
    if end < len(toks) and toks[end].text.isdigit() and len(toks[end].text) <= 2 and s.joined(end):
        end += 1  # "cầu Thủ Thiêm 4"
    s.add("LOC", i - keep, end)
    return end


def _route_end(s: Scan, i: int) -> int | None:
    """ "Bến Thành - Suối Tiên", "Hà Nội - Côn Đảo": the other end of a route;
    "Mỹ - Trung": a country by its first syllable."""
    toks = s.toks
    tok = toks[i]
    last = s.mentions[-1] if s.mentions else None
    if tok.gap != "hyphen" or last is None or last.type != "LOC" or last.end != toks[i - 1].end:
        return None
    run = s.cap_run(i, stop_at_known=False, limit=4)
    if run == 1 and tok.key in cues.COMPASS:
        return i + 1
    if places.joins_double_name(s, i, run):
        return i + run
    short = cues.SHORT_COUNTRIES.get(tok.key) if run == 1 else None
    s.add("LOC", i, i + run, short, known=short is not None)
    return i + run


def _short_country(s: Scan, i: int) -> int | None:
    """ "Việt - Nhật": two countries by their first syllables."""
    toks = s.toks
    tok = toks[i]
    if tok.key not in cues.SHORT_COUNTRIES or i + 1 >= len(toks) or toks[i + 1].gap != "hyphen":
        return None
    entry = s.gazetteer_at(i + 1)[1]
    if toks[i + 1].key not in cues.SHORT_COUNTRIES and (entry is None or entry.source != "countries"):
        return None
    s.add("LOC", i, i + 1, cues.SHORT_COUNTRIES[tok.key], known=True)
    return i + 1


def _named_person(s: Scan, i: int) -> int | None:
    """ "ông Tám", "anh Ba", "nhà Tám Xáng", "Nguyễn đình hùng"."""
    person = people.named_person(s, i) or people.lower_case_name(s, i)
    if not person:
        return None
    s.add("PER", i, i + person)
    return i + person


def _no_name(s: Scan, i: int) -> int | None:
    """A word that names nothing ("Olympic | Paris 2024"), or a common word that
    opens a sentence ("Theo", "Sau khi")."""
    toks = s.toks
    if s.lex.in_section("not_names", (toks[i].key,)):
        return i + 1
    common = s.section_at("sentence_start_words", i)
    if common and (common > 1 or not (i + 1 < len(toks) and toks[i + 1].cap and s.joined(i + 1))):
        return i + common
    return None


_AROUND_THE_WORD: tuple[Rule, ...] = (
    _region,
    _described_place,
    _after_place_word,
    _route_end,
    _short_country,
    _named_person,
    _no_name,
)


# --- the run of capitalised words ------------------------------------------------


def _body_before_place(s: Scan, i: int, run: int) -> int | None:
    """ "SHB Đà Nẵng", "Becamex Bình Dương": a sponsor and a city make a club;
    "Real Madrid", "Garuda Indonesia": a foreign word before a place names a body."""
    toks = s.toks
    tok = toks[i]
    if run != 1 or i + 1 >= len(toks) or tok.gap == "hyphen":
        return None
    length, entry = s.gazetteer_at(i + 1) if s.joined(i + 1) else (0, None)
    if entry is None or entry.type != "LOC":
        return None
    acronym = tok.upper and not s.lex.in_section("not_acronyms", (tok.key,))
    foreign = (
        not tok.upper
        and tok.text.isalpha()
        and not looks_vietnamese(tok.text)
        and not tok.key.endswith(cues.SURNAME_ENDINGS)
        and not s.lex.in_section("not_names", (tok.key,))
        and not s.section_before("honorifics", i)
        and not people.person_cue_before(s, i)
    )
    after = i + 1 + length
    ends = after >= len(toks) or not (toks[after].cap and s.joined(after))
    if not ends or not ((acronym and entry.source == "provinces_vn") or foreign):
        return None
    s.add("ORG", i, after)
    return after


def _hidden_by_cue(s: Scan, i: int, run: int) -> int | None:
    """After a work cue ("phim", "bài hát") the run is a title, no entity."""
    if s.section_before("work_title_cues", i) or s.section_before("not_entity_cues", i):
        return i + run
    return None


def _person_after_cue(s: Scan, i: int, run: int) -> int | None:
    if s.section_before("honorifics", i) or people.person_cue_before(s, i):
        s.add("PER", i, i + run)
        return i + run
    return None


def _body_after_cue(s: Scan, i: int, run: int) -> int | None:
    """ "tờ New York Times", "đảng Dân chủ": the run after a body cue is the body."""
    if not s.section_before("org_context", i):
        return None
    end = places.home_province(s, i + run)
    if run == 1 and looks_vietnamese(s.toks[i].text) and end == i + 1 and people.second_syllable(s, end):
        end += 1  # "đảng Dân chủ", "đảng Cộng hòa": a word written in sentence case
    s.add("ORG", i, end)
    return end


def _club(s: Scan, i: int, run: int) -> int | None:
    """ "Sông Lam Nghệ An", "Thép Xanh Nam Định": in a match report, a name and a province."""
    toks = s.toks
    end = i + run
    if not (1 <= run <= 2) or _surname_first(s, i) or not sport.sporty(s):
        return None
    if not all(looks_vietnamese(t.text) and not t.upper for t in toks[i:end]):
        return None
    club_end = places.home_province(s, end)
    if club_end <= end:
        return None
    s.add("ORG", i, club_end)
    return club_end


def _place_after_cue(s: Scan, i: int, run: int) -> int | None:
    """ "ở Bình Chương", "tại Cúcuta": the run after a place preposition is a place."""
    if not s.section_before("loc_context", i) or (_surname_first(s, i) and run >= 2):
        return None
    if run >= 2 or not s.toks[i].upper:
        s.add("LOC", i, i + run)
        return i + run
    return None


def _product(s: Scan, i: int, run: int) -> int | None:
    """ "Galaxy S25", "Artemis II": a product, not an entity."""
    last = s.toks[i + run - 1]
    if run > 1 and (cues.MODEL.match(last.text) or s.lex.in_section("not_names", (s.toks[i].key,))):
        return i + run
    return None


def _body_by_shape(s: Scan, i: int, run: int) -> int | None:
    """ "ASEAN Cup", "Samsung Electronics", "World Cup 2026": an acronym or an
    organisation suffix in the run makes it a body."""
    toks = s.toks
    tok, end = toks[i], i + run
    last = toks[end - 1]
    suffix = s.lex.in_section("org_suffixes", (last.key,))
    if run < 2 or not (
        (tok.upper and not s.lex.in_section("not_acronyms", (tok.key,)))
        or suffix
        or (last.upper and "-" not in last.text and not s.lex.in_section("not_acronyms", (last.key,)))
    ):
        return None
    if suffix and end < len(toks) and s.joined(end) and toks[end].text.isdigit() and len(toks[end].text) <= 4:
        end += 1  # an edition
    s.add("ORG", i, end)
    return end


def _local_branch(s: Scan, i: int, run: int) -> int | None:
    """ "Unilever Việt Nam": a company's branch in Vietnam."""
    tok = s.toks[i]
    if run != 1 or looks_vietnamese(tok.text):
        return None
    branch = orgs.local_branch(s, i + 1)
    if not branch or s.lex.in_section("not_names", (tok.key,)) or s.lex.in_section("not_acronyms", (tok.key,)):
        return None
    s.add("ORG", i, branch)
    return branch


def _code_or_acronym(s: Scan, i: int, run: int) -> int | None:
    """One word of code shape ("ST25", "VTV3"), an acronym ("NATO") or a brand in
    camel case ("TikTok")."""
    tok = s.toks[i]
    if run != 1:
        return None
    if cues.CODE.match(tok.text):
        maker = s.lex.phrases.get((match_key(tok.text.rstrip("0123456789")),))
        if maker is not None and maker.type == "ORG":
            s.add("ORG", i, i + 1)  # "VTV3", "HTV7": a broadcaster's channel
        return i + 1  # "ST25", "VN123", "SE1": a product, flight or train code
    if tok.upper and not s.lex.in_section("not_acronyms", (tok.key,)) and not tok.text.isdigit():
        if any(ch.isalpha() for ch in tok.text):
            s.add("ORG", i, i + 1)
        return i + 1
    if any(a.islower() and b.isupper() for a, b in zip(tok.text, tok.text[1:], strict=False)):
        s.add("ORG", i, i + 1)  # "TikTok", "VinFast"
        return i + 1
    return None


def _lone_word(s: Scan, i: int, run: int) -> int | None:
    """A lone capitalised word: a given name ("Tuấn nói"), a foreign family name
    ("Lewandowski ghi bàn"), a brand ("Microsoft và OpenAI"); otherwise kept only
    if it names a person or body found elsewhere in the text."""
    if run != 1:
        return None
    toks = s.toks
    tok = toks[i]
    s.add("PER", i, i + 1, single=True)
    if people.given_name_alone(s, i):
        s.mentions[-1].fallback = "PER"
        return i + 1
    surname_like = (tok.key.endswith(cues.SURNAME_ENDINGS) and len(tok.text) > 4) or s.lex.in_section(
        "known_people", (tok.key,)
    )
    not_name = s.lex.in_section("not_names", (tok.key,))
    if surname_like and not not_name:
        s.mentions[-1].fallback = "PER"
        return i + 1
    follows_name = len(s.mentions) > 1 and s.mentions[-2].end == toks[i - 1].end and tok.gap == "space"
    opens_sentence = tok.sent and i + 1 < len(toks) and not toks[i + 1].cap
    if (
        len(tok.text) > 2
        and (opens_sentence or not tok.sent)
        and not surname_like
        and not (follows_name or tok.upper or looks_vietnamese(tok.text) or not_name)
    ):
        s.mentions[-1].fallback = "PER" if _acts_as_person(s, i) else "ORG"
    return i + 1


def _acts_as_person(s: Scan, i: int) -> bool:
    """A lone foreign word in a person's place: after a kinship word ("mẹ của
    Xinmei", "cùng Fred") or as the subject of a verb of people ("Xinmei gửi ...")."""
    toks = s.toks
    before = toks[i - 1].key if i > 0 and s.joined(i) else ""
    if before == "của" and i > 1 and s.joined(i - 1):
        before = toks[i - 2].key  # "mẹ của Xinmei"
    after = toks[i + 1].key if i + 1 < len(toks) and s.joined(i + 1) else ""
    return before in cues.BEFORE_PERSON or after in cues.PERSON_VERBS


def _the_body(s: Scan, i: int, run: int) -> int | None:
    if s.toks[i].key == "the" and run > 1:
        s.add("ORG", i, i + run)  # "The Guardian", "The Masters"
        return i + run
    return None


def _admin_unit(s: Scan, i: int, run: int) -> int | None:
    if places.admin_unit(s, i, run):
        s.add("LOC", i, i + run)  # "ở Duy Xuyên, Quảng Nam": a district, not a person
        return i + run
    return None


_ON_THE_RUN: tuple[RunRule, ...] = (
    _body_before_place,
    _hidden_by_cue,
    _person_after_cue,
    _body_after_cue,
    _club,
    _place_after_cue,
    _product,
    _body_by_shape,
    _local_branch,
    _code_or_acronym,
    _lone_word,
    _the_body,
    _admin_unit,
)


def _person_by_default(s: Scan, i: int, run: int) -> int:
    """A run nothing else claimed is a person, guessed unless a family name opens it;
    a foreign one doing what companies do is a body ("Lockheed Martin ra mắt ...")."""
    end = i + run
    surname_first = _surname_first(s, i)
    s.add("PER", i, end)
    s.mentions[-1].guessed = not surname_first
    if not surname_first and not all(looks_vietnamese(t.text) for t in s.toks[i:end]) and orgs.company_verb_at(s, end):
        s.mentions[-1].type = "ORG"
    return end
