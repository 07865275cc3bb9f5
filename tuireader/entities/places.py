"""Rules for places: numbered districts, administrative words, double names, routes.

Helpers the scan and the organisation rules ask about a position: is
"quận 7" a numbered district, does a description stand between a place
word and its name ("thành phố biên giới Cúcuta"), do two local names joined
by a dash make one place ("ở Phong Nha - Kẻ Bàng"), does a country's word
begin another name ("tại Mỹ Đình").
"""

from __future__ import annotations

import re

from tuireader.entities import cues
from tuireader.entities.scan import Scan
from tuireader.entities.tokens import looks_vietnamese


def joins_double_name(s: Scan, i: int, run: int) -> bool:
    """ "ở Phong Nha - Kẻ Bàng", "tại Cái Mép - Thị Vải": after "ở"/"tại" two
    local names joined by a dash are one place (a route would follow
    "tuyến", "đường bay" ...; provinces and countries stay apart)."""
    toks = s.toks
    prev = s.mentions[-1]
    first = s.token_at(prev.start)
    if first < 1 or toks[first - 1].key not in ("ở", "tại") or not s.joined(first):
        return False
    for k in (first, i):
        entry = s.gazetteer_at(k)[1]
        if entry is not None and entry.source in ("countries", "provinces_vn"):
            return False
    if not all(looks_vietnamese(t.text) for t in toks[first : i + run]):
        return False
    prev.end = toks[i + run - 1].end
    prev.canonical = prev.surface = " ".join(s.text[prev.start : prev.end].split())
    prev.known = False
    return True


def place_ends_at(s: Scan, j: int) -> bool:
    """A known place ends just before token ``j`` ("Nội các Thái Lan | thông qua")."""
    for k in range(max(0, j - 4), j):
        length, entry = s.gazetteer_at(k)
        if entry is not None and entry.type == "LOC" and k + length == j:
            return True
    return False


def country_starts_name(s: Scan, i: int) -> bool:
    toks = s.toks
    k = i + 1
    if not looks_vietnamese(toks[i].text) or k >= len(toks) or not s.joined(k):
        return False
    nxt = toks[k]
    return (
        nxt.cap
        and not nxt.upper
        and not nxt.blocked
        and looks_vietnamese(nxt.text)
        and nxt.key not in cues.SHORT_COUNTRIES
        and s.gazetteer_at(k)[1] is None
        and not s.title_at(k)
        and not s.section_at("org_heads", k)
        and not s.section_at("sentence_start_words", k)
    )


def described_place_before(s: Scan, i: int) -> bool:
    toks = s.toks
    k = i
    while k > 0 and i - k < 3 and s.joined(k) and toks[k - 1].key in cues.PLACE_DESCRIPTIONS and not toks[k - 1].cap:
        k -= 1
    return k < i and place_word_before(s, k)[0] > 0


def unnamed_admin(s: Scan, j: int) -> bool:
    """An administrative word without a name follows: "Chủ tịch UBND | tỉnh," names
    no particular body."""
    toks = s.toks
    return (
        j < len(toks)
        and s.joined(j)
        and toks[j].key in cues.ADMIN_PREFIXES
        and not (j + 1 < len(toks) and s.joined(j + 1) and (toks[j + 1].cap or toks[j + 1].text.isdigit()))
    )


def home_province(s: Scan, end: int) -> int:
    """End of a Vietnamese province right after ``end`` that closes a name
    ("đội bóng Đông Á | Thanh Hóa"), or ``end``."""
    toks = s.toks
    if end >= len(toks) or not s.joined(end) or not toks[end].cap:
        return end
    length, entry = s.gazetteer_at(end)
    after = end + length
    if entry is None or entry.source != "provinces_vn" or (after < len(toks) and toks[after].cap and s.joined(after)):
        return end
    return after


def category_words_inside(s: Scan) -> None:
    """Put the category word before a place inside its span: "tỉnh Quảng Nam",
    "đường Lê Lợi", "sông Hồng" (the benchmark convention).  The name shown and
    grouped by stays as it was ("Quảng Nam"); so does the name as written."""
    for m in s.mentions:
        if m.type != "LOC":
            continue
        i = s.token_at(m.start)
        if i < 0 or s.toks[i].start != m.start:
            continue
        n = s.section_before("loc_category", i)
        if n and not any(t.blocked for t in s.toks[i - n : i]):
            m.surface = m.surface or " ".join(s.text[m.start : m.end].split())
            m.start = s.toks[i - n].start


def numbered_place(s: Scan, i: int) -> int:
    """Length of a place named by its category word and a number ("quận 7",
    "thôn 3", "quốc lộ 1A"), or 0."""
    toks = s.toks
    n = s.section_at("loc_numbered", i)
    k = i + n
    if not n or k >= len(toks) or not s.joined(k) or toks[k].blocked or not _PLACE_NUMBER.match(toks[k].text):
        return 0
    after = k + 1
    if after < len(toks) and s.joined(after) and (toks[after].cap or toks[after].key in cues.MEASURE_UNITS):
        return 0  # "quận 7 Nguyễn Văn A", "đường 10 km"
    return n + 1


_PLACE_NUMBER = re.compile(r"^\d{1,3}[A-Z]?$")


def place_word_before(s: Scan, i: int) -> tuple[int, int]:
    """The place word before ``i`` ("xã", "sông", "cửa"): (its length, and how many
    of its words belong to the name shown: "sông Hương" keeps "sông", "xã Gio Mỹ"
    drops "xã"); (0, 0) if none.  Some words count only in lower case."""
    keep = s.section_before("loc_prefix_keep", i) or _lower(s, i, s.section_before("loc_prefix_keep_lower", i))
    if keep:
        return keep, keep
    drop = s.section_before("loc_prefix_drop", i) or _lower(s, i, s.section_before("loc_prefix_lower", i))
    return drop, 0


def _lower(s: Scan, i: int, n: int) -> int:
    return n if n and not s.toks[i - n].cap else 0


def region_at(s: Scan, i: int) -> bool:
    """ "miền Bắc", "biển Đông": a compass word after "miền" or "biển" names a
    region or a sea (but "miền Đông Indonesia" is a part of Indonesia)."""
    toks = s.toks
    if toks[i].key not in cues.COMPASS or i == 0 or not s.joined(i):
        return False
    if toks[i - 1].key not in ("miền", "biển") or toks[i - 1].cap:
        return False
    return not (i + 1 < len(toks) and s.joined(i + 1) and toks[i + 1].cap)


def admin_unit(s: Scan, i: int, run: int) -> bool:
    """The capitalised run ``i .. i + run`` is a Vietnamese administrative unit
    taken as a place without a cue word: a province or a district ("Duy Xuyên",
    "Sông Cầu"), or a commune listed next to a place ("Bình Chương và Nam Trà My",
    "Tân Lộc (Cần Thơ)")."""
    toks = s.toks
    level = s.lex.admin.get(tuple(t.key for t in toks[i : i + run]))
    if level is None or toks[i].key in s.lex.surnames:
        return False
    return level <= 2 or _listed_with_place(s, i, i + run)


def _listed_with_place(s: Scan, i: int, end: int) -> bool:
    """A place comes right before ``i`` or right after ``end``, joined by a comma,
    "và", a dash or a bracket."""
    last = s.mentions[-1] if s.mentions else None
    if last is not None and last.type == "LOC" and i > 0:
        if cues.LIST_JOINER.fullmatch(s.text, last.end, s.toks[i].start) or s.toks[i].gap == "hyphen":
            return True
    toks = s.toks
    if end >= len(toks):
        return False
    between = s.text[toks[end - 1].end : toks[end].start].strip()
    if between not in (",", "(", "-", "–") and toks[end].key != "và":
        return False
    k = end + 1 if toks[end].key == "và" else end
    entry = s.gazetteer_at(k)[1] if k < len(toks) else None
    if entry is not None and entry.type == "LOC":
        return True
    return k < len(toks) and toks[k].cap and tuple(t.key for t in toks[k : k + 3]) in s.lex.admin


def lower_case_place(s: Scan, i: int) -> int:
    """Length of a place written in lower case at ``i``: a unit after its category
    word ("huyện phú lộc", "xã hòa châu") or, on its own, a province or a known
    place of two words or more ("quảng ngãi", "hà nội", "trung quốc"); 0 if none.
    Names that are also common words ("hòa bình") need the category word."""
    toks = s.toks
    prefix = s.section_at("loc_category", i)
    k = i + prefix
    if prefix and k < len(toks) and s.joined(k) and not toks[k].cap and toks[k].key not in cues.PLACE_DESCRIPTIONS:
        n = _lower_name_at(s, k, levels=3, common=True)
        return prefix + n if n else 0
    if prefix:
        return 0
    n = _lower_name_at(s, i, levels=1, common=False)
    if not n:
        return 0
    province = s.lex.admin.get(tuple(t.key for t in s.toks[i : i + n]), 9) <= 1
    return n if province or _ends_a_phrase(s, i + n) else 0


def _ends_a_phrase(s: Scan, end: int) -> bool:
    """Nothing lower case runs on from ``end``: the text ends, a mark or a capital
    follows, or a joining word ("biên hòa (Đồng Nai)", "trung quốc và Thái Lan").
    A smaller place spelt inside a longer phrase is no place: "thỏa thuận an ninh"
    holds no "Thuận An" (a province is taken anyway: "từ quảng ngãi chở ra")."""
    toks = s.toks
    if end >= len(toks) or not s.joined(end) or toks[end].cap:
        return True
    return toks[end].key in cues.LIST_WORDS


def _lower_name_at(s: Scan, k: int, levels: int, common: bool) -> int:
    """Length of the longest lower-case admin unit (of level <= ``levels``) or
    known place of two words or more at ``k``; ``common``: also one that is a
    common word."""
    toks = s.toks
    if toks[k].key not in s.lex.place_first:
        return 0
    keys: list[str] = []
    best = 0
    for j in range(k, min(len(toks), k + s.lex.admin_max)):
        if (j > k and not s.joined(j)) or toks[j].cap or toks[j].blocked:
            break
        keys.append(toks[j].key)
        phrase = tuple(keys)
        entry = s.lex.phrases.get(phrase)
        known = entry is not None and entry.type == "LOC" and len(phrase) > 1
        if (s.lex.admin.get(phrase, 9) <= levels or known) and len(phrase) > 1:
            if common or " ".join(phrase) not in cues.COMMON_PLACE_WORDS:
                best = j - k + 1
    return best


def no_demonyms(s: Scan) -> None:
    """ "người Mỹ", "người Rạch Giá": a people named after a place is no mention
    of the place (the benchmark convention); "người đàn ông Mỹ" is."""
    kept = []
    for m in s.mentions:
        i = s.token_at(m.start)
        if m.type == "LOC" and i > 0 and s.toks[i].start == m.start and s.joined(i) and s.toks[i - 1].key == "người":
            continue
        kept.append(m)
    s.mentions[:] = kept
