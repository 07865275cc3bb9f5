"""The days an article names, and whether two articles' days allow one event.

News names the day of its event in the lead ("Tối 26/12, ..."); later
paragraphs may name days of earlier events ("sau vụ sạt lở hôm 1/8") and
of coming ones ("trận gặp Malaysia ngày 20/4").  So an article keeps

* ``lead``: the days named in its title and first paragraph;
* ``all``: every day it names;

both without the days after its publication day (announcements, not
events).  Two articles that both name days in their leads agree when the
lead of each is named by the other; otherwise any shared day will do, and
an article naming no day agrees with every other.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from msgspec import Struct

_DAY_MONTH = re.compile(r"^(\d{1,2})\s*[/-]\s*(\d{1,2})(?:\s*[/-]\s*(\d{4}))?$")
# A day/month written with a slash anywhere in a text ("phiên 20/5").
_SLASH_DATE = re.compile(r"(\d{1,2})/(\d{1,2})(?:/(?:19|20)\d{2})?")
# Cumulative days before each month, for a day of the year (a leap year: 29/2 exists).
_MONTH_START = (0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335)
_YEAR = 366
_NEWS_ZONE = timezone(timedelta(hours=7))  # the days of Vietnamese news are Hanoi days


class Days(Struct, frozen=True):
    lead: tuple[int, ...] = ()
    all: tuple[int, ...] = ()

    def encode(self) -> str:
        return f"{' '.join(map(str, self.lead))}|{' '.join(map(str, self.all))}"

    @classmethod
    def decode(cls, text: str) -> Days:
        lead, _, rest = text.partition("|")
        return cls(tuple(int(d) for d in lead.split()), tuple(int(d) for d in rest.split()))


def day_of_year(text: str) -> int | None:
    """``29/7`` or ``25-6-2024`` as a day of the year (1-366); None for other dates."""
    found = _DAY_MONTH.match(text.strip())
    if not found:
        return None
    day, month = int(found.group(1)), int(found.group(2))
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return _MONTH_START[month - 1] + day


def _slashed(tokens: Iterable[str]) -> set[int]:
    days = set()
    for token in tokens:
        found = _SLASH_DATE.fullmatch(token)
        day = day_of_year(f"{found.group(1)}/{found.group(2)}") if found else None
        if day is not None:
            days.add(day)
    return days


def _publication_day(t: float | None) -> int | None:
    if t is None:
        return None
    moment = datetime.fromtimestamp(t, UTC).astimezone(_NEWS_ZONE)
    return _MONTH_START[moment.month - 1] + moment.day


def _not_after(days: set[int], published: int | None) -> tuple[int, ...]:
    """The days up to the day after publication (a day up to half a year ahead is a coming one)."""
    if published is None:
        return tuple(sorted(days))
    return tuple(sorted(d for d in days if not 2 <= (d - published) % _YEAR <= _YEAR // 2))


def event_days(
    entities: Iterable[Mapping[str, Any]],
    lead: str,
    lead_tokens: Iterable[str],
    other_tokens: Iterable[str],
    t: float | None,
) -> Days:
    """The days an article names, in its lead and anywhere.

    ``lead`` is its title and first paragraph, the tokens those of the lead
    and of the rest that hold a digit (:func:`tuireader.stories.features.digit_tokens`).
    """
    in_lead, elsewhere = _slashed(lead_tokens), _slashed(other_tokens)
    for date in (str(e.get("text") or "") for e in entities if e.get("type") == "DATE"):
        day = day_of_year(date)
        if day is not None:
            (in_lead if date in lead else elsewhere).add(day)
    published = _publication_day(t)
    return Days(_not_after(in_lead, published), _not_after(in_lead | elsewhere, published))


def _near(a: Iterable[int], b: Iterable[int], slack: int) -> bool:
    return any(min(abs(x - y), _YEAR - abs(x - y)) <= slack for x in a for y in b)


def days_agree(a: Days, b: Days, slack: int) -> bool:
    """Whether the days two articles name allow them to report one event."""
    if a.lead and b.lead:
        return _near(a.lead, b.all, slack) and _near(b.lead, a.all, slack)
    if not a.all or not b.all:
        return True
    return _near(a.all, b.all, slack)
