"""Rules for places: numbered districts, administrative words, double names, routes.

Helpers the scan and the organisation rules ask about a position: is
"quận 7" a numbered district, does a description stand between a place
word and its name ("thành phố biên giới Cúcuta"), do two local names joined
by a dash make one place ("ở Phong Nha - Kẻ Bàng"), does a country's word
begin another name ("tại Mỹ Đình").
"""

from __future__ import annotations

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
    return k < i and s.section_before("loc_prefix_drop", k) > 0


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


def numbered_district(s: Scan, i: int) -> bool:
    toks = s.toks
    return (
        toks[i].key in ("quận", "phường")
        and i + 1 < len(toks)
        and s.joined(i + 1)
        and not toks[i + 1].blocked
        and toks[i + 1].text.isdigit()
        and len(toks[i + 1].text) <= 2
        and not (i + 2 < len(toks) and s.joined(i + 2) and toks[i + 2].cap)
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
