"""Date expressions in Vietnamese news text.

Recognised forms (day and month ranges are checked):

* ``21/1/2022``, ``02/03/2025``, ``25-6-2024`` - full dates, always dates;
* ``29/7``, ``25-6`` - day/month, only with a date cue before them
  ("ngày", "hôm", "sáng", "từ", "đến", an opening parenthesis ...) so that a
  fraction ("2/3 dân số") or a score ("thắng 2-1") is not taken;
* ranges ``11-13/6``, ``6-7/10``, ``20 đến 22/9``, and the second half of
  ``30/4 - 1/5`` after a date;
* ``ngày 2 tháng 9 năm 2025``, ``ngày 15 tháng 3`` (day written out with
  "tháng"; canonical without "ngày");
* ``tháng 12/2021``, ``tháng 3-2023``, ``tháng 10 năm 2020`` and a month on
  its own, ``tháng 6`` (a named month counts as a date; "6 tháng", a
  duration, does not);
* ``năm 2025`` (years 1900-2099), ``Mùng 1 Tết``, and a weekday before a
  date, ``Thứ hai, ngày 4/11``.

The canonical text drops a leading "ngày"/"hôm" and leading zeros.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort

from tuireader.entities import cues
from tuireader.entities.lexicon import match_key

_WEEKDAY = r"(?:[Tt]hứ\s+(?:[Hh]ai|[Bb]a|[Tt]ư|[Nn]ăm|[Ss]áu|[Bb]ảy|2|3|4|5|6|7)|[Cc]hủ\s+[Nn]hật|CN)"
_DM = r"(?P<d>\d{1,2})\s*[/\-.]\s*(?P<m>\d{1,2})"

# Order matters: longer forms first; spans found earlier win.
_FULL = re.compile(
    rf"(?<![\w/.\-])(?:(?P<wd>{_WEEKDAY}),?\s+(?:ngày\s+)?)?"
    r"(?:(?P<d0>\d{1,2})\s*(?:-|–|đến|tới)\s*)?"
    r"(?P<d>\d{1,2})(?P<sep>[/\-.])(?P<m>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?![\w/])"
)
_MONTH = re.compile(
    r"(?<![\w/])(?P<word>[Tt]háng)\s+(?P<m>\d{1,2})"
    r"(?:\s*(?:[/\-])\s*(?P<y>(?:19|20)\d{2})|\s+năm\s+(?P<y2>(?:19|20)\d{2}))?(?![\w/]|[.,]\d)"
)
_DAY_WORD_MONTH = re.compile(
    r"(?<![\w/])(?:[Nn]gày|[Hh]ôm|[Mm]ùng|[Mm]ồng)\s+(?P<d>\d{1,2})\s+tháng\s+(?P<m>\d{1,2})"
    r"(?:\s+năm\s+(?P<y>(?:19|20)\d{2}))?(?![\w/]|[.,]\d)"
)
_YEAR = re.compile(r"(?<![\w/])(?P<word>[Nn]ăm)\s+(?P<y>(?:19|20)\d{2})(?![\w/]|\s*[-–]\s*\d)")
_TET = re.compile(r"(?<![\w/])(?P<word>[Mm]ùng|[Mm]ồng)\s+(?P<d>\d{1,2})\s+(?P<t>Tết|tết|tháng\s+Giêng)(?!\w)")
_DAY_MONTH = re.compile(
    rf"(?<![\w/.,\-])(?:(?P<wd>{_WEEKDAY}),?\s+(?:ngày\s+)?)?"
    r"(?:(?P<d0>\d{1,2})\s*(?P<rsep>-|–|đến|tới)\s*)?"
    r"(?P<d>\d{1,2})(?P<sep>[/\-])(?P<m>\d{1,2})(?![\w/]|[.,]\d|-\d)"
    r"(?!\s*(?:ngày|tuần|tháng|năm|giờ|phút|giây|tuổi|lần|người|km|kg|%|triệu|tỷ|nghìn))"
)

_PREV_WORD = re.compile(r"(\w+|\()\s*$")


def _valid(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def _has_cue(text: str, start: int, found: list[tuple[int, int, str]]) -> bool:
    before = text[max(0, start - 24) : start]
    m = _PREV_WORD.search(before)
    if m and (m.group(1) == "(" or match_key(m.group(1)) in cues.DATE_CUES):
        return True
    # "30/4 - 1/5": right after another date joined by a dash.
    joined = before.rstrip()
    if joined.endswith(("-", "–")):
        joined = joined[:-1].rstrip()
        end_of_previous = start - len(before) + len(joined)
        k = bisect_left(found, (start, -1, ""))
        return k > 0 and found[k - 1][1] == end_of_previous
    return False


def _overlaps(found: list[tuple[int, int, str]], start: int, end: int) -> bool:
    """Whether ``start..end`` overlaps a span of ``found`` (sorted, non-overlapping)."""
    k = bisect_left(found, (start, -1, ""))
    return (k < len(found) and found[k][0] < end) or (k > 0 and found[k - 1][1] > start)


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start, end, canonical)`` for every date in ``text``, sorted."""
    found: list[tuple[int, int, str]] = []

    def add(start: int, end: int, canonical: str) -> None:
        if not _overlaps(found, start, end):
            insort(found, (start, end, canonical))

    for m in _FULL.finditer(text):
        d, mo = int(m.group("d")), int(m.group("m"))
        if not _valid(d, mo) or (m.group("d0") and not 1 <= int(m.group("d0")) < d):
            continue
        sep = m.group("sep")
        core = f"{d}{sep}{mo}{sep}{m.group('y')}"
        if m.group("d0"):
            core = f"{int(m.group('d0'))}-{core}"
        if m.group("wd"):
            add(m.start(), m.end(), text[m.start() : m.end()])
        else:
            add(m.start("d0") if m.group("d0") else m.start("d"), m.end(), core)
    for m in _TET.finditer(text):
        add(m.start(), m.end(), " ".join(text[m.start() : m.end()].split()))
    for m in _DAY_WORD_MONTH.finditer(text):
        d, mo = int(m.group("d")), int(m.group("m"))
        if _valid(d, mo):
            # "ngày 2 tháng 9 năm 2025" -> "2 tháng 9 năm 2025"
            core = f"{d} tháng {mo}" + (f" năm {m.group('y')}" if m.group("y") else "")
            add(m.start("d"), m.end(), core)
    for m in _MONTH.finditer(text):
        month = int(m.group("m"))
        if not 1 <= month <= 12:
            continue
        # "3 tháng 6" is a day of June but "6 tháng" is a duration: only the
        # form "tháng N" is taken, which excludes the duration already.
        add(m.start(), m.end(), " ".join(text[m.start() : m.end()].split()))
    for m in _YEAR.finditer(text):
        add(m.start(), m.end(), f"năm {m.group('y')}")
    for m in _DAY_MONTH.finditer(text):
        d, mo = int(m.group("d")), int(m.group("m"))
        if not _valid(d, mo):
            continue
        start = m.start()
        if m.group("wd"):
            if not _overlaps(found, start, m.end()):
                add(start, m.end(), text[start : m.end()])
            continue
        if m.group("d0"):
            d0 = int(m.group("d0"))
            if not 1 <= d0 < d:
                start = m.start("d")
        # A day range ("11-13/6") is a date by its shape; a bare d/m needs a cue.
        if start == m.start("d") and not _has_cue(text, start, found):
            continue
        sep = m.group("sep")
        core = f"{d}{sep}{mo}"
        if start != m.start("d"):
            joiner = m.group("rsep")
            core = f"{int(m.group('d0'))}-{core}" if joiner in "-–" else f"{int(m.group('d0'))} {joiner} {core}"
        add(start, m.end(), core)
    return found
