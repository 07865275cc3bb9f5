"""Rules for people: what follows a title, honorifics, kinship and speech cues.

A title of office or an occupation ("Ngoại trưởng", "ca sĩ") is not part
of any name but announces one, possibly after a country or an organisation
("Ngoại trưởng Nga Sergei Lavrov", "Chủ tịch Tập đoàn Sovico Nguyễn Thanh
Hùng").
"""

from __future__ import annotations

from tuireader.entities import cues, orgs
from tuireader.entities.lexicon import GazetteerEntry
from tuireader.entities.scan import Scan
from tuireader.entities.tokens import looks_vietnamese


def second_syllable(s: Scan, k: int) -> bool:
    """Token ``k`` is a lower-case syllable that completes the word before it."""
    toks = s.toks
    return (
        k < len(toks)
        and s.joined(k)
        and not toks[k].cap
        and not toks[k].blocked
        and toks[k].key.isalpha()
        and toks[k].key not in cues.TITLE_ENDERS
    )


def says_at(s: Scan, k: int) -> bool:
    toks = s.toks
    if k + 1 >= len(toks) or not s.joined(k) or not s.joined(k + 1):
        return False
    return (toks[k].key, toks[k + 1].key) in cues.SPEECH_VERBS


Pending = list[tuple[int, int, GazetteerEntry]]


def _in_apposition(s: Scan, i: int) -> bool:
    """ "Ông Nguyễn Xuân Thắng, Giám đốc Học viện ...": a title in apposition after
    a name describes that person; no second name follows."""
    last = s.mentions[-1] if s.mentions else None
    return (
        last is not None and last.type == "PER" and cues.APPOSITION.match(s.text, last.end, s.toks[i].start) is not None
    )


def _governed(s: Scan, k: int, appositive: bool, pending: Pending) -> int:
    """Read the bodies and places a title governs from ``k`` ("Bộ trưởng Quốc phòng
    Nga", "Chủ tịch Tập đoàn Sovico"); places go to ``pending``.  Returns where the
    holder's name may start."""
    toks = s.toks
    for _ in range(2):
        if k >= len(toks) or not s.joined(k) or toks[k].blocked:
            break
        if not toks[k].cap:
            return _state_before_holder(s, k)
        org_end = orgs.org_at(s, k, before_person=not appositive)
        gaz_len, entry = s.gazetteer_at(k)
        if entry is not None and entry.type == "ORG" and org_end > k + gaz_len and not appositive:
            rest = s.cap_run(k + gaz_len, stop_at_known=False)
            if rest >= 2 and org_end == k + gaz_len + rest:
                # "Người phát ngôn Điện Kremlin | Dmitry Peskov": a known body, then the name.
                org_end = k
        if org_end > k and org_end - k >= gaz_len:
            k = orgs.emit_org(s, k, org_end, None)
        elif entry is not None and entry.type == "ORG":
            k = orgs.emit_org(s, k, k + gaz_len, entry)
        elif entry is not None:
            pending.append((k, k + gaz_len, entry))
            k += gaz_len
        else:
            break
    return k


def _state_before_holder(s: Scan, k: int) -> int:
    """ "Thống đốc bang Florida Ron DeSantis": a state's word, its name, the holder."""
    toks = s.toks
    prefix = s.section_at("loc_prefix_drop", k)
    if prefix and k + prefix < len(toks) and toks[k + prefix].cap and s.joined(k + prefix):
        if s.cap_run(k + prefix, stop_at_known=False) >= 3:
            s.add("LOC", k + prefix, k + prefix + 1)
            return k + prefix + 1
    return k


def _stage_name_with_country(s: Scan, k: int, run: int, pending: Pending) -> int:
    """ "ca sĩ Mỹ Tâm": after an occupation, a country word before one more
    syllable is part of the name.  Returns the end of the name, or 0."""
    start, end, _entry = pending[-1]
    if run != 1 or end - start != 1 or not looks_vietnamese(s.toks[k].text):
        return 0
    for a, b, ent in pending[:-1]:
        s.add("LOC", a, b, ent.canonical, known=True)
    s.add("PER", start, k + 1)
    return k + 1


def _company_then_chief(s: Scan, k: int, run: int) -> int:
    """ "Giám đốc điều hành Apple Tim Cook": after a business title, the company
    comes first, then a foreign name.  Returns the end, or 0."""
    toks = s.toks
    last_two = toks[k + run - 2 : k + run]
    body = toks[k : k + run - 2]
    if (
        all(looks_vietnamese(t.text) for t in last_two)
        or any(t.key in cues.NAME_PARTICLES for t in last_two)
        or not all(t.upper or not looks_vietnamese(t.text) for t in body)
    ):
        return 0
    s.add("ORG", k, k + run - 2)
    s.add("PER", k + run - 2, k + run)
    return k + run


def _body_then_vietnamese_name(s: Scan, k: int, run: int) -> int:
    """ "Chủ tịch HoREA Lê Hoàng Châu", "CEO VinFast Nguyễn Thị Lan Anh": a foreign
    word or an acronym before a Vietnamese name is the body the person leads.
    Returns the end, or 0."""
    toks = s.toks
    for cut in range(k + 1, min(k + 3, k + run - 1)):
        name = toks[cut : k + run]
        if (
            toks[cut].key in s.lex.surnames
            and 2 <= len(name) <= 4
            and all(looks_vietnamese(t.text) for t in name)
            and not any(looks_vietnamese(t.text) and not t.upper for t in toks[k:cut])
        ):
            s.add("ORG", k, cut)
            s.add("PER", cut, k + run)
            return k + run
    return 0


def after_title(s: Scan, i: int, title: int) -> int:
    """Handle what follows a title: portfolio, organisation, country, then the name."""
    toks = s.toks
    occupation = s.section_at("occupations", i) == title and not s.section_at("office_titles", i) == title
    appositive = _in_apposition(s, i)
    k = i + title
    if k < len(toks) and s.joined(k) and toks[k].cap:
        k += s.section_at("portfolios", k)
    pending: Pending = []
    k = _governed(s, k, appositive, pending)
    run = s.cap_run(k, stop_at_known=False) if k < len(toks) and s.joined(k) else 0
    if run and s.is_common(k, run):
        run = 0
    if run and pending and occupation:
        end = _stage_name_with_country(s, k, run, pending)
        if end:
            return end
    for a, b, ent in pending:
        s.add(ent.type, a, b, ent.canonical, known=True)
    if run >= 3 and not occupation:
        business = " ".join(t.key for t in toks[i : i + title]) in cues.BUSINESS_TITLES
        end = (business and _company_then_chief(s, k, run)) or _body_then_vietnamese_name(s, k, run)
        if end:
            return end
    if run:
        # "Warren Buffett, Chủ tịch Berkshire Hathaway": the person is named
        # already, so what the title governs is the body they lead.
        body = appositive and not pending and not occupation and toks[k].key not in s.lex.surnames
        s.add("ORG" if body else "PER", k, k + run)
        return k + run
    return max(k, i + title)


def particles_then_capital(s: Scan, k: int) -> int:
    """Number of name particles at ``k`` when a capitalised word follows them ("von der Leyen")."""
    toks = s.toks
    j = k
    while j < len(toks) and j - k < 3 and toks[j].key in cues.NAME_PARTICLES and (j == k or s.joined(j)):
        j += 1
    return j - k if j > k and j < len(toks) and toks[j].cap and s.joined(j) else 0


def person_cue_before(s: Scan, i: int) -> int:
    """Length of a word before ``i`` that announces a person ("vợ", "đạo diễn"),
    unless it is the second half of another word ("công bố", "công ty mẹ")."""
    cue = s.section_before("person_context", i)
    if cue == 1 and i >= 2 and s.joined(i - 1) and (s.toks[i - 2].key, s.toks[i - 1].key) in cues.NOT_KINSHIP:
        return 0
    return cue


def person_after(s: Scan, k: int) -> int:
    particles = particles_then_capital(s, k)
    run = s.cap_run(k + particles, stop_at_known=False, limit=5) + particles if particles else 0
    if particles:
        s.add("PER", k, k + run)
        return k + run
    run = s.cap_run(k, stop_at_known=False, limit=5)
    if run:
        s.add("PER", k, k + run)
    return k + max(run, 1)


def named_person(s: Scan, i: int) -> int:
    """Length of a person's name at ``i`` that needs no more than the word before
    it: after an honorific in lower case ("ông Tám", "chị Tư", "anh Bùi Văn Minh"),
    or a birth-order name ("Hai Địa", "nhà Tám Xáng"); 0 if none."""
    toks = s.toks
    if i > 0 and s.section_before("honorifics", i) and not toks[i - 1].cap and s.joined(i):
        return s.cap_run(i, stop_at_known=False, limit=4)
    nxt = i + 1
    if (
        toks[i].key in cues.BIRTH_ORDER
        and not toks[i].sent
        and nxt < len(toks)
        and s.joined(nxt)
        and toks[nxt].cap
        and not toks[nxt].upper
        and looks_vietnamese(toks[nxt].text)
        and s.gazetteer_at(nxt)[1] is None
        and not (nxt + 1 < len(toks) and s.joined(nxt + 1) and toks[nxt + 1].cap)
    ):
        return 2
    return 0


def given_name_alone(s: Scan, i: int) -> bool:
    """A lone capitalised word that is a Vietnamese given name names a person:
    inside a sentence ("của Mười"), or opening one as its subject ("Tuấn nói",
    "Vy đã về"), but not as the first syllable of a word ("Thành công là ...")."""
    toks = s.toks
    tok = toks[i]
    if tok.key not in s.lex.given_names and not (tok.key in cues.BIRTH_ORDER and not tok.sent):
        return False
    if tok.key in cues.COMPASS or (i > 0 and s.joined(i) and toks[i - 1].key in cues.NOT_PERSON_BEFORE):
        return False
    nxt = i + 1
    joined_word = nxt < len(toks) and s.joined(nxt) and not toks[nxt].cap
    if joined_word and _begins_word(s, i):
        return False
    if not tok.sent and tok.gap != "start":
        return True
    return joined_word and toks[nxt].key in cues.AFTER_SUBJECT


def _begins_word(s: Scan, i: int) -> bool:
    """Token ``i`` is the first syllable of a word whose second follows in lower
    case: "Quốc | gia", "Hoàng | gia"."""
    pair = (s.toks[i].key, s.toks[i + 1].key)
    return pair in cues.NAME_COMPOUNDS or s.lex.in_section("org_lower_compounds", pair)


def lower_case_name(s: Scan, i: int) -> int:
    """Length of a Vietnamese full name written (after its family name) in lower
    case, at ``i``: "nguyễn hải yến", "trần văn nhật", "Nguyễn đình hùng"; 0 if
    none.  Every word after the family name must be a given or middle name, and
    there must be at least two of them."""
    toks = s.toks
    if toks[i].key not in s.lex.surnames or toks[i].upper:
        return 0
    if not toks[i].cap and toks[i].key not in cues.LOWER_CASE_SURNAMES:
        return 0  # "lại", "vũ", "mạc" are words before they are family names
    j = i + 1
    while j < len(toks) and j - i < 4 and s.joined(j) and not toks[j].cap and not toks[j].blocked:
        if toks[j].key not in s.lex.given_names and toks[j].key not in cues.MIDDLE_NAMES:
            break
        j += 1
    if j - i < 3 or (
        j < len(toks) and s.joined(j) and toks[j].key.isalpha() and not toks[j].cap and _begins_word(s, j - 1)
    ):
        return 0
    return j - i
