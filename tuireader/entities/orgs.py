"""Rules for organisations: a head word, its name, its place, its short name.

An organisation is opened by a head word ("Bộ", "Công ty", "UBND" ...) and
followed by its name, written in title or sentence case ("Cục Quản lý thị
trường"), and by an optional place ("Bộ Quốc phòng Nga", "UBND tỉnh Quảng
Nam"); a short name in brackets after it ("(WHO)") is an alias.  Also: a
suffix that makes a brand a body ("Hà Nội FC"), a local branch ("Samsung
Việt Nam"), and names guessed to be people that are listed with bodies.
"""

from __future__ import annotations

from tuireader.entities import cues, places
from tuireader.entities.lexicon import GazetteerEntry, match_key
from tuireader.entities.scan import Mention, Scan
from tuireader.entities.tokens import looks_vietnamese


def org_at(s: Scan, i: int, before_person: bool = False, heads: str = "org_heads", lower_head: bool = False) -> int:
    """End of an organisation name opened by a head word at ``i`` (``i`` if none).

    With ``before_person`` (after a title) the name stops where a
    Vietnamese personal name closes the capitalised run:
    "Chủ tịch Tập đoàn Sovico | Nguyễn Thanh Hùng".
    """
    toks = s.toks
    if not toks[i].cap and not lower_head:
        return i
    head = s.section_at(heads, i)
    if not head:
        return i
    j = i + head
    name_start = j
    while j < len(toks) and (s.joined(j) or _joins_name(s, j, name_start)) and not toks[j].blocked:
        tok = toks[j]
        compound = s.section_at("org_lower_compounds", j)
        if compound and tok.cap and not toks[j + compound - 1].cap:
            j += compound  # "Hàng không", "Nhân dân" written with one capital
            continue
        if tok.cap:
            if j > name_start and _title_ends_name(s, j):
                break
            if j == name_start and before_person:
                length, entry = s.gazetteer_at(j)
                after = j + length
                if entry is not None and entry.type == "LOC" and after < len(toks) and s.joined(after):
                    rest = s.cap_run(after, stop_at_known=False)
                    if 1 <= rest <= 4 and not (
                        after + rest < len(toks) and toks[after + rest].cap and s.joined(after + rest)
                    ):
                        j = after  # "Người phát ngôn Quân đội Philippines | Padilla"
                        break
            if j > name_start or (before_person and s.gazetteer_at(i)[0] == head):
                length, entry = s.gazetteer_at(j)
                if entry is not None and entry.type == "LOC":
                    if not before_person and _place_inside_name(s, i, head, j + length):
                        j += length  # "Ngân hàng TMCP Sài Gòn Thương Tín"
                        continue
                    break  # the place qualifies the body: "Bộ Quốc phòng | Nga"
                named = (
                    any(t.cap for t in toks[name_start:j])
                    or s.gazetteer_at(i)[0] == head
                    or (j - name_start >= 2 and (toks[j - 2].key, toks[j - 1].key) in cues.NAME_CLOSERS)
                )
                if before_person and tok.key in s.lex.surnames and named:
                    rest = s.cap_run(j, stop_at_known=False)
                    run_ends = not (j + rest < len(toks) and toks[j + rest].cap and s.joined(j + rest))
                    # "Bệnh viện Bạch Mai | Nguyễn Văn Chi": a rare family name ("Mai")
                    # gives way to a common one just after it.
                    later = tok.key not in cues.COMMON_SURNAMES and any(
                        toks[k].key in cues.COMMON_SURNAMES for k in range(j + 1, j + rest - 1)
                    )
                    if 2 <= rest <= 4 and run_ends and not later:
                        break
            j += 1
            continue
        if (
            tok.key == "và"
            and j + 1 < len(toks)
            and j > name_start
            and toks[j + 1].cap
            and s.joined(j + 1)
            and not s.section_at("org_heads", j + 1)
            and not s.gazetteer_at(j + 1)[0]
        ):
            j += 1  # "Bộ Giáo dục và Đào tạo", but not "Vietcombank và Ngân hàng BIDV"
            continue
        prev = toks[j - 1]
        # Only the rest of a word begun by one capitalised syllable ("Chữ | thập đỏ"):
        # after a finished name ("Hòa Phát", "FPT") lower case words are what follows it.
        single_capital = (
            prev.cap and not prev.upper and looks_vietnamese(prev.text) and (j - 1 == name_start or not toks[j - 2].cap)
        )
        within = j > name_start and single_capital
        compound = s.section_at("org_lower_compounds", j)
        closing = compound == 2 and (tok.key, toks[j + 1].key) in cues.NAME_CLOSERS
        if compound and (within or closing or _name_goes_on(s, j + compound)):
            j += compound  # "Viện Vệ sinh dịch tễ Trung ương", "Tòa án nhân dân"
            continue
        if prev.cap and j > i and s.lex.in_section("org_lower_words", (tok.key,)) and not places.place_ends_at(s, j):
            j += 1
            continue
        inner = 0
        if within:
            place = s.gazetteer_at(j - 1)[1]
            # "hãng Nhật | sản xuất": a country's name is a finished word.
            inner = _lower_inside_name(s, j, place is None or place.type != "LOC")
        elif j > name_start and not prev.cap:
            # After a finished lower-case word only a short stretch leading to
            # a capital belongs to the name: "Cảnh sát | biển | Việt Nam".
            inner = _lower_inside_name(s, j, False, limit=2)
        if inner:
            j += inner  # "Hội Chữ thập đỏ Việt Nam", "Cục Quản lý thị trường tỉnh Lạng Sơn"
            continue
        if _number_ends_name(s, j, name_start):
            j += 1  # "Bệnh viện Nhi Đồng 1", "lữ đoàn Hải quân 125"
        break
    if j == name_start:
        # A bare head word ("Bộ", "Lực lượng") names nothing; an acronym head
        # does, and so does one qualified by a place ("Tòa án nhân dân tỉnh X")
        # or a numbered unit ("Quân khu 7", "Bệnh viện 108").
        if toks[i].upper and head == 1:
            return i if places.unnamed_admin(s, j) else j
        numbered = " ".join(t.key for t in toks[i:j]) in cues.NUMBERED_HEADS
        if numbered and j < len(toks) and s.joined(j) and toks[j].text.isdigit() and len(toks[j].text) <= 3:
            return j + 1
        return j if head > 1 and org_qualifier(s, j) > j else i
    return j


def _joins_name(s: Scan, j: int, name_start: int) -> bool:
    """A dash or "&" between capitalised words inside a name: "Văn phòng Kinh tế -
    Văn hóa", "Bộ Lao động - Thương binh & Xã hội" (not "Bộ A - Bộ B")."""
    toks = s.toks
    return (
        toks[j].gap in ("hyphen", "amp")
        and j > name_start
        and toks[j].cap
        and toks[j - 1].key.isalpha()
        and not s.section_at("org_heads", j)
        and not s.title_at(j)
    )


def _number_ends_name(s: Scan, j: int, name_start: int) -> bool:
    toks = s.toks
    if j <= name_start or not toks[j].text.isdigit() or len(toks[j].text) > 3:
        return False
    after = j + 1
    return not (after < len(toks) and s.joined(after) and toks[after].key in cues.MEASURE_UNITS)


def _lower_inside_name(s: Scan, j: int, word_begun: bool, limit: int = 7) -> int:
    """Length of the lower-case syllables at ``j`` that belong to a name written
    in sentence case ("Cục Quản | lý thị trường | tỉnh Lạng Sơn", "Hội Chữ |
    thập đỏ | Việt Nam"); 0 when they look like the words after the name.

    They belong to it when the name goes on after them (a capital, "và" and a
    capital, a place, a bracketed acronym) or when they end with a word that
    closes names ("quốc gia", "trung ương").  ``word_begun``: the syllable
    before is the capitalised start of a word, so the first one may be any
    syllable ("Phát | triển").
    """
    toks = s.toks
    k = j
    closed = 0
    soft: int | None = None
    soft_closed = 0
    while k < len(toks) and k - j < limit and not toks[k].cap and s.joined(k) and not toks[k].blocked:
        key = toks[k].key
        if key in ("về", "các") and k > j and soft is None:
            # "Viện Nghiên cứu cao cấp về Toán (VIASM)", "Ban Quản lý các khu công
            # nghiệp tỉnh Long An": only when the name clearly goes on.
            soft, soft_closed = k, closed
            k += 1
            continue
        # The syllable after a capitalised one may be a verb's ("Phát | triển"), never a function word.
        begun_word = k == j and word_begun and key not in cues.TITLE_ENDERS
        if not key.isalpha() or key == "và" or (key in cues.NAME_ENDERS and not begun_word):
            break
        k += 1
        if k - j >= 2 and (toks[k - 2].key, toks[k - 1].key) in cues.NAME_CLOSERS:
            closed = k - j
    if k == j:
        return 0
    if _name_goes_on(s, k):
        return k - j
    if soft is not None:
        k, closed = soft, soft_closed
    if k - j == limit and limit < 7:
        return 0
    if not closed and word_begun and limit == 7 and toks[j].key not in cues.NAME_ENDERS:
        return 1  # "Trung tâm Dự báo | cho biết": the capitalised word's second syllable
    return closed


def acronym_follows(s: Scan, i: int) -> bool:
    """The phrase starting at ``i`` ends with an acronym in brackets."""
    k = i + 1
    while k < len(s.toks) and k - i < 10 and s.joined(k):
        k += 1
    return bracketed_acronym_at(s, k)


def bracketed_acronym_at(s: Scan, k: int) -> bool:
    """An all-capital word in brackets follows token ``k - 1``: "... (WFP)"."""
    toks = s.toks
    if k >= len(toks) or not toks[k].upper:
        return False
    return s.text[toks[k - 1].end : toks[k].start].strip() == "(" and s.text[toks[k].end : toks[k].end + 1] == ")"


def _title_ends_name(s: Scan, k: int) -> bool:
    """A title at ``k`` introduces a person after an organisation name
    ("Sở Y tế | Giám đốc ..."); a title followed by a place or by nothing
    capitalised is part of the name ("Hội Nhà báo Việt Nam")."""
    title = s.title_at(k)
    if not title:
        return False
    after = k + title
    if after >= len(s.toks) or not s.joined(after) or not s.toks[after].cap:
        return False
    length, entry = s.gazetteer_at(after)
    return entry is None or entry.type != "LOC"


def _name_goes_on(s: Scan, k: int) -> bool:
    """An organisation name continues at ``k``: a capital, "và" and a capital,
    a place ("tỉnh An Giang", "châu Âu") or a bracketed acronym."""
    toks = s.toks
    if k >= len(toks) or toks[k].blocked:
        return False
    if not s.joined(k):
        between = s.text[toks[k - 1].end : toks[k].start]
        return between.strip() == "(" and toks[k].upper and "\n" not in between
    nxt = toks[k]
    if nxt.cap:
        return not _title_ends_name(s, k)
    if nxt.key == "và":
        return k + 1 < len(toks) and toks[k + 1].cap and s.joined(k + 1) and not toks[k + 1].blocked
    return org_qualifier(s, k) > k


def org_qualifier(s: Scan, j: int) -> int:
    """Extend an organisation ending at ``j`` by a place: "... Nga", "... tỉnh Quảng Nam"."""
    toks = s.toks
    if j >= len(toks) or not s.joined(j) or toks[j].blocked:
        return j
    if toks[j].key == "tại" and j + 1 < len(toks) and s.joined(j + 1) and _embassy_before(s, j):
        # "Đại sứ quán Việt Nam tại Hàn Quốc"
        length, entry = s.gazetteer_at(j + 1)
        if entry is not None and entry.type == "LOC":
            return j + 1 + length
        return j
    length, entry = s.gazetteer_at(j)
    if entry is not None and entry.type == "LOC" and toks[j].cap and length > 1:
        return j + length  # "TP.HCM", before "TP" is read as a prefix
    prefix = s.section_at("loc_prefix_drop", j)
    admin = prefix and " ".join(t.key for t in toks[j : j + prefix]) in cues.ADMIN_PREFIXES
    if admin:
        k = j + prefix
        numbered = places.numbered_place(s, j)
        if numbered:
            return j + numbered  # "Công an quận 7"
        if k < len(toks) and toks[k].cap and s.joined(k):
            length, entry = s.gazetteer_at(k)
            run = s.cap_run(k, stop_at_known=False, limit=4)
            if (
                entry is not None
                and entry.type == "LOC"
                and not (run > length and tuple(t.key for t in toks[k : k + run]) in s.lex.admin)
            ):
                return k + length  # but "huyện Đức Linh" is no "Đức" (Germany)
            # Place names are short: "huyện Bình Chánh | Nguyễn Văn A" is a name after the place.
            for cut in range(k + 1, k + run):
                if toks[cut].key in s.lex.surnames and run - (cut - k) >= 2:
                    run = cut - k
                    break
            return k + run if run else j
        return j
    length, entry = s.gazetteer_at(j)
    if entry is not None and entry.type == "LOC" and (toks[j].cap or (length > 1 and not entry.caps[0])):
        return j + length  # "... Nga", "Liên minh châu Phi"
    return j


def _embassy_before(s: Scan, j: int) -> bool:
    """A diplomatic mission's head word stands a few words before ``j``."""
    for k in range(max(0, j - 6), j):
        for n in (1, 2, 3, 4):
            if k + n <= j and " ".join(t.key for t in s.toks[k : k + n]) in cues.MISSION_HEADS:
                return True
    return False


def bodies_listed_with_bodies(s: Scan) -> None:
    """A name guessed to be a person but listed with organisations is one:
    "Lockheed Martin và Boeing", "Saab, Airbus và Thales"."""
    ordered = sorted(s.mentions, key=lambda m: m.start)
    changed = True
    while changed:
        changed = False
        for k, m in enumerate(ordered):
            if not (m.guessed and m.type == "PER"):
                continue
            for other, left, _right in (
                (ordered[k - 1] if k else None, "prev", m),
                (ordered[k + 1] if k + 1 < len(ordered) else None, m, "next"),
            ):
                if other is None or not (other.type == "ORG" or (other.single and other.fallback == "ORG")):
                    continue
                a, b = (other, m) if left == "prev" else (m, other)
                if cues.LIST_JOINER.fullmatch(s.text, a.end, b.start):
                    m.type, m.guessed, changed = "ORG", False, True
                    break


def company_verb_at(s: Scan, k: int) -> bool:
    """What follows ``k`` is something companies do ("ra mắt", "báo lãi")."""
    toks = s.toks
    if k + 1 >= len(toks) or not s.joined(k) or not s.joined(k + 1):
        return False
    return (toks[k].key, toks[k + 1].key) in cues.COMPANY_VERBS


def _place_inside_name(s: Scan, i: int, head: int, after: int) -> bool:
    """A company's name goes on after a place: "Ngân hàng TMCP Sài Gòn | Thương Tín"."""
    toks = s.toks
    if " ".join(t.key for t in toks[i : i + head]) not in cues.COMPANY_HEADS:
        return False
    if after >= len(toks) or not s.joined(after) or not toks[after].cap:
        return False
    rest = s.cap_run(after, stop_at_known=True, limit=3)
    words = toks[after : after + rest]
    return (
        rest > 0
        and toks[after].key not in s.lex.surnames
        and all(looks_vietnamese(t.text) and not t.upper for t in words)
        and not (after + rest < len(toks) and toks[after + rest].cap and s.joined(after + rest))
    )


def emit_org(s: Scan, i: int, end: int, entry: GazetteerEntry | None) -> int:
    """Record the organisation ``i..end`` (``entry`` if known) with its qualifier and bracketed alias."""
    toks = s.toks
    if entry is None:
        length, named = s.gazetteer_at(i)
        if named is not None and named.type == "ORG" and i + length == end:
            entry = named  # "Bộ GD-ĐT" found through its head is still the known ministry
    head = s.section_at("org_heads", i)
    if end - i == 1 and head == 1 and toks[i].upper and places.unnamed_admin(s, end):
        return end
    qualified = end
    if entry is None or head:
        # "Ủy ban MTTQ Việt Nam tỉnh Quảng Trị": a country, then a province.
        qualified = org_qualifier(s, org_qualifier(s, end))
    head_words = " ".join(t.key for t in toks[i : i + head])
    # "Ngân hàng Standard Chartered" is the bank Standard Chartered.
    brand_head = head_words in cues.BRAND_HEADS or (
        head_words == "ngân hàng"
        and i + head < end
        and not any(looks_vietnamese(t.text) or t.upper for t in toks[i + head : end])
    )
    if entry is None and brand_head and i + head < end:
        length, named = s.gazetteer_at(i + head)
        if named is not None and named.source == "countries" and i + head + length == end == qualified:
            # "báo Mỹ", "hãng Nhật": the press or the makers of a country, not one body.
            s.add("LOC", i + head, end, named.canonical, known=True)
            return end
    if entry is None and qualified == end and i + head < end and (brand_head or head_words in cues.GENERIC_HEADS):
        # "Hãng tin Reuters", "Tập đoàn Vingroup", "Công ty FPT": a head before a known name.
        name_len, named = s.gazetteer_at(i + head)
        if named is not None and named.type == "ORG" and i + head + name_len == end:
            entry = named
    if qualified > end and brand_head and entry is None:
        # "Hãng hàng không Garuda Indonesia": the brand with its place, without the head.
        s.add("ORG", i, qualified, s.span_text(i + head, qualified))
    elif qualified > end:
        s.add("ORG", i, qualified)
    elif entry is None and brand_head:
        # "Tập đoàn Sovico" is the group Sovico: keep the brand as the name.
        s.add("ORG", i, end, s.span_text(i + head, end))
    elif entry is not None:
        suffix = suffix_extension(s, end) or local_branch(s, end)
        if suffix:
            s.add("ORG", i, suffix)  # "ASEAN Cup", "AFC Champions League", "Samsung Việt Nam"
            qualified = suffix
        else:
            s.add("ORG", i, end, entry.canonical, known=True)
    else:
        s.add("ORG", i, end)
    _brand_span(s, i, head, head_words)
    return _bracketed_alias(s, qualified)


def _brand_span(s: Scan, i: int, head: int, head_words: str) -> None:
    """A media or brand classifier is outside the span when the rest is the name
    ("hãng tin AFP" gives "AFP"); a legal form stays inside ("công ty HYBE"),
    though the name shown is the brand."""
    toks = s.toks
    m = s.mentions[-1]
    if not head or m.type != "ORG" or m.start != toks[i].start or i + head >= len(toks):
        return
    name = toks[i + head]
    if head_words in cues.MEDIA_HEADS and not match_key(m.canonical).startswith(head_words):
        m.start = name.start
    elif (
        not toks[i].cap
        and head_words in cues.GENERIC_HEADS
        and not m.known
        and m.end == name.end
        and (name.upper or not looks_vietnamese(name.text))
    ):
        m.canonical = name.text


def _bracketed_alias(s: Scan, end: int) -> int:
    """After an organisation ending at ``end``, take "(WHO)" or "(Vietcombank)" as its alias."""
    toks = s.toks
    if end >= len(toks) or s.text[toks[end - 1].end : toks[end].start].strip() != "(":
        return end
    length, named = s.gazetteer_at(end)
    known = named is not None and named.type == "ORG"
    if named is not None and not known:
        return end  # "Đại học Wageningen (Hà Lan)": a place, not a short name
    word = toks[end].text
    # "(HoREA)", "(Vinafruit)": a foreign-looking single word is the body's short name.
    coined = (
        word[0].isupper()
        and not looks_vietnamese(word)
        and word.isalpha()
        and not (end + 1 < len(toks) and s.joined(end + 1) and toks[end + 1].cap)
    )
    if not (toks[end].upper or known or coined):
        return end
    close = end + 1
    while close < len(toks) and s.joined(close) and toks[close].cap:
        close += 1
    if s.text[toks[close - 1].end : toks[close - 1].end + 1] != ")":
        return end
    owner = s.mentions[-1]
    if named is not None and known and end + length == close and not owner.known:
        # "Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank)": the known name wins.
        owner.canonical, owner.known = named.canonical, True
    alias = s.span_text(end, close)
    s.mentions.append(Mention("ORG", owner.canonical, toks[end].start, toks[close - 1].end, owner.known, surface=alias))
    return close


def suffix_extension(s: Scan, end: int) -> int:
    """End of up to three capitalised words after ``end`` that contain an
    organisation suffix ("United", "Cup", "FC"), or 0."""
    toks = s.toks
    k = end
    while k < len(toks) and k - end < 3 and s.joined(k) and toks[k].cap and not toks[k].blocked:
        k += 1
    suffixes = [j for j in range(end, k) if s.lex.in_section("org_suffixes", (toks[j].key,))]
    if not suffixes:
        return 0
    if k < len(toks) and s.joined(k) and toks[k].text.isdigit() and len(toks[k].text) <= 4:
        k += 1  # an edition: "World Cup 2026", "SEA Games 32"
    return k


def local_branch(s: Scan, end: int) -> int:
    """End of "Việt Nam" right after a company name ("Samsung Việt Nam"), or 0."""
    toks = s.toks
    if end + 1 < len(toks) and s.joined(end) and toks[end].key == "việt" and toks[end + 1].key == "nam":
        after = end + 2
        if after >= len(toks) or not (toks[after].cap and s.joined(after)):
            return after
    return 0


def lower_head_org(s: Scan, i: int) -> int:
    """End of an organisation opened by a head written in lower case, or ``i``:
    "bệnh viện Bạch Mai", "ubnd huyện Sông Cầu", "công ty nước tinh khiết Hapro",
    "học viện hành chính quốc gia"."""
    toks = s.toks
    head = s.section_at("org_heads", i)
    # A one-syllable head must start a word: "thị trường Nhật Bản" is a market.
    if not head or (head == 1 and s.ends_word(i)):
        return i
    words = " ".join(t.key for t in toks[i : i + head])
    if words not in cues.LOWER_HEADS or s.section_at("office_titles", i) > head or _compound_at(s, i):
        return i
    nxt = i + head
    if nxt >= len(toks) or not s.joined(nxt) or toks[nxt].blocked:
        return i
    if toks[nxt].cap:
        if words in cues.PLACE_DESCRIPTOR_HEADS and s.gazetteer_at(nxt)[1] is not None:
            return i  # "trung tâm Đà Nẵng": the centre of the city
        if toks[nxt].key in cues.ADMIN_PREFIXES and org_qualifier(s, nxt) == nxt:
            return i  # "ubnd TP": which city is not said
        end = org_at(s, i, before_person=True, lower_head=True)
        return end if end > nxt else i
    if toks[nxt].key in cues.ADMIN_PREFIXES and words not in cues.PLACE_DESCRIPTOR_HEADS:
        end = org_qualifier(s, nxt)
        return end if end > nxt + 1 else i  # "ubnd huyện Sông Cầu", "bệnh viện tỉnh Khánh Hòa"
    if words in cues.DESCRIPTIVE_HEADS:
        return _described_body(s, i, nxt)
    return i


def _described_body(s: Scan, i: int, k: int) -> int:
    """After a lower-case head, a few lower-case words saying what the body does,
    then its name ("nhà máy dệt | Thành Công") or a word that closes names
    ("trung tâm tư vấn phòng chống AIDS", "... quốc gia"); ``i`` if neither."""
    toks = s.toks
    j = k
    while j < len(toks) and j - k < 6 and s.joined(j) and not toks[j].blocked and not toks[j].cap:
        if toks[j].key in cues.NAME_ENDERS or toks[j].key in cues.ADMIN_PREFIXES or not looks_vietnamese(toks[j].text):
            break
        j += 1
        if j - k >= 2 and (toks[j - 2].key, toks[j - 1].key) in cues.NAME_CLOSERS:
            return org_qualifier(s, j)  # "học viện hành chính quốc gia"
    if j == k or j - k > 4 or j >= len(toks) or not s.joined(j) or toks[j].blocked or not toks[j].cap:
        return i
    run = s.cap_run(j, stop_at_known=False, limit=5)
    if toks[j].key in s.lex.surnames and run >= 2 and not toks[j].upper:
        return i  # "công ty thuê Nguyễn Văn A": a person after the words
    return org_qualifier(s, j + run)


def _compound_at(s: Scan, i: int) -> bool:
    """A word that begins with a head's syllable starts at ``i``: "hội nghị", "hạt nhân"."""
    toks = s.toks
    for n in (2, 3, 4):
        if i + n <= len(toks) and all(s.joined(k) for k in range(i + 1, i + n)):
            if tuple(t.key for t in toks[i : i + n]) in cues.HEAD_COMPOUNDS:
                return True
    return False
