"""Date expressions in Vietnamese news text.

Recognised forms (day and month ranges are checked):

* ``21/1/2022``, ``02/03/2025``, ``25-6-2024``, ``21-10 – 2003`` - full
  dates, always dates;
* ``29/7``, ``25-6`` - day/month, only with a date cue before them
  ("ngày", "hôm", "sáng", "từ", "đến", an opening parenthesis ...) so that a
  fraction ("2/3 dân số") or a score ("thắng 2-1") is not taken;
* ranges ``11-13/6``, ``6-7/10``, ``20 đến 22/9``, ``ngày 22 và 23-10``, and
  the second half of ``30/4 - 1/5`` after a date;
* ``ngày 2 tháng 9 năm 2025``, ``30 tháng chạp năm 1959`` (day written out
  with "tháng");
* ``tháng 12/2021``, ``tháng 3-2023``, ``tháng 10 năm 2020``, ``tháng 10, 11-2000``
  and a month on its own, ``tháng 6``, ``tháng chín`` (a named month counts
  as a date; "6 tháng", a duration, does not);
* ``năm 2025`` (years 1900-2099), ``năm 2000-2001``, a bare range of years
  ``(1971-1973)`` (not a period: "nhiệm kỳ 2021-2026"), decades and
  centuries (``thập kỷ 1990``, ``những năm 1920``, ``thế kỷ 20``);
* lunar days ``Mùng 1 Tết``, ``28 tết``, ``20-27 tết``, ``mồng 1-6``;
* a weekday before a date, ``Thứ hai, ngày 4/11``.

Spans follow the benchmark conventions: the unit word ("ngày", "tháng",
"năm", "mồng") is inside, a part of the day or a preposition ("chiều",
"hôm", "từ") outside, and each date of a range or of a weekday and a date is
a span of its own.  The canonical text, which names the entity, is the whole
expression without a leading "ngày"/"hôm" and without leading zeros; the
spans of one expression share it.
"""

from __future__ import annotations

import re
from bisect import bisect_left, insort
from dataclasses import dataclass, field

from tuireader.entities import cues
from tuireader.entities.lexicon import match_key

_WEEKDAY = r"(?:[Tt]hứ\s+(?:[Hh]ai|[Bb]a|[Tt]ư|[Nn]ăm|[Ss]áu|[Bb]ảy|2|3|4|5|6|7)|[Cc]hủ\s+[Nn]hật|CN)"
_YEAR_NUMBER = r"(?:19|20)\d{2}"
_MONTH_WORD = (
    r"(?:[Gg]iêng|[Cc]hạp|[Mm]ười\s+một|[Mm]ười\s+hai|[Mm]ười|[Mm]ột|[Hh]ai|[Bb]a|[Tt]ư|[Ss]áu|[Bb]ảy|[Tt]ám|[Cc]hín)"
)

# Order matters: longer forms first; spans found earlier win.
_FULL = re.compile(
    rf"(?<![\w/.\-])(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<unit>[Nn]gày\s+)?"
    r"(?:(?P<d0>\d{1,2})\s*(?P<rsep>-|–|đến|tới)\s*)?"
    rf"(?P<d>\d{{1,2}})(?P<sep>[/\-.])(?P<m>\d{{1,2}})(?:(?P=sep)|\s*–\s*|\s+-\s+)(?P<y>{_YEAR_NUMBER})(?![\w/])"
)
_MONTH = re.compile(
    r"(?<![\w/])[Tt]háng\s+(?P<m>\d{1,2})(?P<more>(?:\s*,\s*\d{1,2})+(?=\s*[/\-]\s*(?:19|20)\d{2}))?"
    rf"(?:\s*(?:[/\-])\s*(?P<y>{_YEAR_NUMBER})|\s+năm\s+(?P<y2>{_YEAR_NUMBER}))?(?![\w/]|[.,]\d)"
)
_MONTH_NAMED = re.compile(rf"(?<![\w/])[Tt]háng\s+{_MONTH_WORD}(?:\s+năm\s+{_YEAR_NUMBER})?(?!\w)")
_DAY_WORD_MONTH = re.compile(
    r"(?<![\w/])(?:(?P<unit>[Nn]gày|[Mm]ùng|[Mm]ồng)\s+|(?P<hom>[Hh]ôm)\s+)?(?P<d>\d{1,2})\s+tháng\s+"
    rf"(?P<m>\d{{1,2}}|{_MONTH_WORD})(?:\s+năm\s+(?P<y>{_YEAR_NUMBER}))?(?![\w/]|[.,]\d)"
)
_YEAR = re.compile(rf"(?<![\w/])[Nn]ăm\s+(?P<y>{_YEAR_NUMBER})(?:\s*[-–]\s*(?P<y2>{_YEAR_NUMBER}))?(?![\w/]|[.,]\d)")
_YEAR_RANGE = re.compile(rf"(?<![\w/.,\-])(?P<y>{_YEAR_NUMBER})\s*[-–]\s*(?P<y2>{_YEAR_NUMBER})(?![\w/]|[.,]\d)")
_DECADE = re.compile(
    r"(?<![\w/])(?:[Tt]hập\s+(?:kỷ|kỉ|niên)\s+\d{2,4}|[Nn]hững\s+năm\s+(?:19|20)?\d0|[Tt]hế\s+(?:kỷ|kỉ)\s+(?:\d{1,2}|[XVI]{1,5}))"
    r"(?![\w/])"
)
_TET = re.compile(
    r"(?<![\w/])(?:(?P<word>[Mm]ùng|[Mm]ồng)\s+)?(?P<d>\d{1,2})(?:\s*-\s*(?P<d2>\d{1,2}))?\s+"
    r"(?P<t>Tết|tết|tháng\s+Giêng)(?!\w)"
)
_LUNAR_RANGE = re.compile(r"(?<![\w/])(?:[Mm]ùng|[Mm]ồng)\s+\d{1,2}\s*-\s*\d{1,2}(?![\w/])")
_DAY_MONTH = re.compile(
    rf"(?<![\w/.,\-])(?:(?P<wd>{_WEEKDAY}),?\s+)?(?P<unit>[Nn]gày\s+)?"
    r"(?:(?P<d0>\d{1,2})\s*(?P<rsep>-|–|đến|tới|và)\s*)?"
    r"(?P<d>\d{1,2})(?P<sep>[/\-])(?P<m>\d{1,2})(?![\w/]|[.,]\d|-\d)"
    r"(?!\s*(?:giờ|phút|giây|tuổi|lần|người|km|kg|%|triệu|tỷ|nghìn))"
)
# A unit of time after a day/month makes it a fraction ("1/3 năm") unless a cue says date.
_TIME_UNIT_AFTER = re.compile(r"\s*(?:ngày|tuần|tháng|năm)(?!\w)")

_PREV_WORD = re.compile(r"(\w+|\()\s*$")
# Between two dates of one expression: "30/4 - 1/5", "22 và 23-10".
_JOINER = re.compile(r"(?:\s*[-–,]\s*|\s+(?:và|đến|tới)\s+)$")


def _valid(day: int, month: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def _spaced(text: str) -> str:
    return " ".join(text.split())


@dataclass
class _Found:
    """The dates found so far: sorted, non-overlapping ``(start, end, canonical)``."""

    text: str
    spans: list[tuple[int, int, str]] = field(default_factory=list)

    def free(self, start: int, end: int) -> bool:
        k = bisect_left(self.spans, (start, -1, ""))
        return not ((k < len(self.spans) and self.spans[k][0] < end) or (k > 0 and self.spans[k - 1][1] > start))

    def add(self, canonical: str, *spans: tuple[int, int]) -> None:
        """One date expression, in one or several spans that share its canonical text."""
        if all(self.free(a, b) for a, b in spans):
            for a, b in spans:
                insort(self.spans, (a, b, canonical))

    def ends_at(self, offset: int) -> bool:
        k = bisect_left(self.spans, (offset, -1, ""))
        return k > 0 and self.spans[k - 1][1] == offset

    def has_cue(self, start: int) -> bool:
        """A cue word before ``start``, or another date joined to it ("30/4 - 1/5")."""
        before = self.text[max(0, start - 24) : start]
        m = _PREV_WORD.search(before)
        if m and (m.group(1) == "(" or match_key(m.group(1)) in cues.DATE_CUES):
            return True
        joiner = _JOINER.search(before)
        return joiner is not None and self.ends_at(start - len(before) + joiner.start())

    def period_before(self, start: int) -> bool:
        """A period noun before ``start``: "nhiệm kỳ 2021-2026" names no dates."""
        words = self.text[max(0, start - 30) : start].split()
        return any(match_key(" ".join(words[-n:])) in cues.PERIOD_WORDS for n in (1, 2) if len(words) >= n)


def find_dates(text: str) -> list[tuple[int, int, str]]:
    """Return ``(start, end, canonical)`` for every date span in ``text``, sorted."""
    found = _Found(text)
    for rule in (
        _full_dates,
        _lunar_days,
        _days_with_thang,
        _months,
        _decades,
        _years,
        _year_ranges,
        _days_and_months,
    ):
        rule(found)
    return found.spans


def _weekday_and_date(found: _Found, m: re.Match[str], date_start: int, canonical: str) -> None:
    """ "Thứ hai, ngày 4/11": the weekday and the date are two spans of one date."""
    found.add(canonical, (m.start("wd"), m.end("wd")), (date_start, m.end()))


def _full_dates(found: _Found) -> None:
    for m in _FULL.finditer(found.text):
        d, mo = int(m.group("d")), int(m.group("m"))
        if not _valid(d, mo) or (m.group("d0") and not 1 <= int(m.group("d0")) < d):
            continue
        sep = m.group("sep")
        core = f"{d}{sep}{mo}{sep}{m.group('y')}"
        date_start = m.start("unit") if m.group("unit") else m.start("d0") if m.group("d0") else m.start("d")
        if m.group("wd"):
            _weekday_and_date(found, m, date_start, _spaced(m.group(0)))
        elif m.group("d0") and m.group("rsep") in ("đến", "tới"):
            first = m.start("unit") if m.group("unit") else m.start("d0")
            found.add(f"{int(m.group('d0'))} {m.group('rsep')} {core}", (first, m.end("d0")), (m.start("d"), m.end()))
        else:
            found.add(f"{int(m.group('d0'))}-{core}" if m.group("d0") else core, (date_start, m.end()))


def _lunar_days(found: _Found) -> None:
    for m in _TET.finditer(found.text):
        found.add(_spaced(m.group(0)), (m.start(), m.end()))
    for m in _LUNAR_RANGE.finditer(found.text):
        found.add(_spaced(m.group(0)), (m.start(), m.end()))


def _days_with_thang(found: _Found) -> None:
    """ "ngày 2 tháng 9 năm 2025", "30 tháng chạp năm 1959"."""
    for m in _DAY_WORD_MONTH.finditer(found.text):
        month = m.group("m")
        if month.isdigit() and not _valid(int(m.group("d")), int(month)):
            continue
        if not (m.group("unit") or m.group("hom") or m.group("y")):
            continue  # "3 tháng 6 ngày" is a duration
        core = f"{int(m.group('d'))} tháng {month}" + (f" năm {m.group('y')}" if m.group("y") else "")
        # The span starts at the unit word, or after "hôm" (a preposition).
        found.add(core, (m.start("d") if m.group("hom") else m.start(), m.end()))


def _months(found: _Found) -> None:
    for m in _MONTH.finditer(found.text):
        if 1 <= int(m.group("m")) <= 12:
            # "3 tháng 6" is a day of June but "6 tháng" is a duration: only the
            # form "tháng N" is taken, which excludes the duration already.
            found.add(_spaced(m.group(0)), (m.start(), m.end()))
    for m in _MONTH_NAMED.finditer(found.text):
        found.add(_spaced(m.group(0)), (m.start(), m.end()))


def _decades(found: _Found) -> None:
    for m in _DECADE.finditer(found.text):
        found.add(_spaced(m.group(0)), (m.start(), m.end()))


def _years(found: _Found) -> None:
    """ "năm 2025"; "năm 2000-2001" gives two years."""
    for m in _YEAR.finditer(found.text):
        if m.group("y2"):
            found.add(f"năm {m.group('y')}", (m.start(), m.end("y")))
            found.add(f"năm {m.group('y2')}", (m.start("y2"), m.end()))
        else:
            found.add(f"năm {m.group('y')}", (m.start(), m.end()))


def _year_ranges(found: _Found) -> None:
    """ "(1971-1973)": two years, unless a period noun names them ("nhiệm kỳ 2021-2026")."""
    for m in _YEAR_RANGE.finditer(found.text):
        if int(m.group("y")) < int(m.group("y2")) and not found.period_before(m.start()):
            found.add(f"năm {m.group('y')}", (m.start("y"), m.end("y")))
            found.add(f"năm {m.group('y2')}", (m.start("y2"), m.end("y2")))


def _days_and_months(found: _Found) -> None:
    text = found.text
    for m in _DAY_MONTH.finditer(text):
        d, mo = int(m.group("d")), int(m.group("m"))
        if not _valid(d, mo):
            continue
        sep = m.group("sep")
        core = f"{d}{sep}{mo}"
        unit = m.start("unit") if m.group("unit") else None
        if m.group("wd"):
            date_start = unit if unit is not None else m.start("d0") if m.group("d0") else m.start("d")
            _weekday_and_date(found, m, date_start, _spaced(m.group(0)))
            continue
        cued = unit is not None or found.has_cue(m.start("d0") if m.group("d0") else m.start("d"))
        if not cued and _TIME_UNIT_AFTER.match(text, m.end()):
            continue
        d0 = int(m.group("d0")) if m.group("d0") else None
        if d0 is not None and 1 <= d0 < d:
            joiner = m.group("rsep")
            first = unit if unit is not None else m.start("d0")
            if joiner in ("-", "–"):
                # A day range ("11-13/6") is one date, known by its shape.
                found.add(f"{d0}-{core}", (first, m.end()))
            elif cued or joiner != "và":
                # "20 đến 22/9", "29 và 30/7": two days of one date.
                found.add(f"{d0} {joiner} {core}", (first, m.end("d0")), (m.start("d"), m.end()))
            continue
        if not cued and not (d0 is not None and found.has_cue(m.start("d"))):
            continue
        found.add(core, (unit if unit is not None else m.start("d"), m.end()))
