"""Rules for match reports: a city next to a result verb is its club.

"Nam Định thắng Hà Tĩnh 2-0": both are teams.  Countries stay places
(national teams are reported under the country's name).
"""

from __future__ import annotations

from tuireader.entities import cues
from tuireader.entities.scan import Scan


def sporty(s: Scan) -> bool:
    """The text reports on sport (a score or football words)."""
    if s.sport is None:
        s.sport = bool(cues.SCORE.search(s.text) or cues.SPORT_WORDS.search(s.text))
    return s.sport


def _sentences(s: Scan) -> list[int]:
    """The number of the sentence of every token."""
    numbers = []
    current = 0
    for t in s.toks:
        current += t.sent
        numbers.append(current)
    return numbers


def _scored_sentences(s: Scan, sentence_of: list[int]) -> set[int]:
    """The sentences with a match score in them (a date is no score)."""
    dates = [(m.start, m.end) for m in s.mentions if m.type == "DATE"]
    return {
        sentence_of[s.token_at(score.start())]
        for score in cues.SCORE.finditer(s.text)
        if score.start() >= s.toks[0].start and not any(a < score.end() and score.start() < b for a, b in dates)
    }


def clubs_in_match_reports(s: Scan) -> None:
    """In a sentence about a match, a Vietnamese city next to a result verb is its club.

    "Nam Định thắng Hà Tĩnh 2-0": both are teams.  Countries stay places
    (national teams are reported under the country's name).
    """
    if not sporty(s):
        return
    toks = s.toks
    sentence_of = _sentences(s)
    scored = _scored_sentences(s, sentence_of)
    for mention in s.mentions:
        if mention.type != "LOC" or not mention.known:
            continue
        first = s.token_at(mention.start)
        last = s.token_at(mention.end - 1)
        if sentence_of[first] not in scored:
            continue
        entry = s.lex.phrases.get(tuple(t.key for t in toks[first : last + 1]))
        if entry is None or entry.source != "provinces_vn":
            continue
        before = toks[first - 1].key if first > 0 and s.joined(first) else ""
        after = toks[last + 1].key if last + 1 < len(toks) and s.joined(last + 1) else ""
        if before in cues.RESULT_WORDS or after in cues.RESULT_WORDS:
            mention.type, mention.known = "ORG", False
