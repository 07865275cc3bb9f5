"""Text the scan must not read names in: shouting lines and titles of works.

Headings and bylines written in capitals carry no case cues; the title of a
film, song or show ("phim Nhà bà Nữ") is a name of no entity.  Their tokens
are blocked before the scan.
"""

from __future__ import annotations

import re

from tuireader.entities import cues, orgs
from tuireader.entities.scan import Scan


def block_shouting(s: Scan) -> None:
    """Lines written all in capitals (headings, bylines) carry no case cues: skip them."""
    spans = []
    for line in re.finditer(r"[^\n]+", s.text):
        words = re.findall(r"[^\W\d_]+", line.group(0))
        if len(words) >= 2 and all(w.isupper() for w in words) and sum(len(w) > 1 for w in words) >= 2:
            spans.append((line.start(), line.end()))
    if spans:
        s.block_spans(spans)


def block_work_titles(s: Scan) -> None:
    """Hide titles of films, songs and shows: quoted or capitalised after a cue."""
    toks = s.toks
    spans: list[tuple[int, int]] = []
    for i in range(len(toks)):
        cue = s.section_before("work_title_cues", i)
        if cue and i - cue > 0 and toks[i - cue - 1].key in cues.MAKER_WORDS:
            cue = 0  # "hãng phim Walt Disney" names the studio, not a film
        plain = 0
        if not cue:
            plain = cue = s.section_before("not_entity_cues", i)
        if not cue or (toks[i - cue].cap and not toks[i - cue].sent):
            continue
        between = s.text[toks[i - 1].end : toks[i].start]
        quote = next((c for c in between if c in cues.QUOTE_OPEN), None)
        if not quote and orgs.acronym_follows(s, i):
            continue  # "Chương trình Lương thực Thế giới (WFP)" is a body, not a show
        if quote:
            close = s.text.find(cues.QUOTE_CLOSE[quote], toks[i].start)
            if close != -1 and close - toks[i].start < 120:
                spans.append((toks[i].start, close))
        elif toks[i].cap and plain:
            spans.append((toks[i].start, toks[i + s.cap_run(i, stop_at_known=False) - 1].end))
        elif toks[i].cap:
            # Titles are written in sentence case ("Nhà bà Nữ"): run on to a
            # joining word or punctuation.
            j = i + 1
            while j < len(toks) and j - i < 6 and s.joined(j) and toks[j].key not in cues.TITLE_ENDERS:
                j += 1
            spans.append((toks[i].start, toks[j - 1].end))
    if spans:
        s.block_spans(spans)
