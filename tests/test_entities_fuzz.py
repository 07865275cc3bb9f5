"""Property tests: the extractor never fails and its output is well formed."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.entities import ENTITY_TYPES, entity_key, extract
from tuireader.text import nfc

# Vietnamese-looking material: names, cue words, digits and punctuation that
# the rules react to, mixed with arbitrary text.
PIECES = [
    "Nguyễn",
    "Văn",
    "Bộ",
    "Ngoại",
    "giao",
    "Nga",
    "Mỹ",
    "Anh",
    "ông",
    "bà",
    "Tổng",
    "thống",
    "tỉnh",
    "TP",
    ".",
    "HCM",
    "UBND",
    "(",
    ")",
    "“",
    "”",
    '"',
    "-",
    "–",
    "/",
    "ngày",
    "tháng",
    "năm",
    "hôm",
    "2/3",
    "29/7",
    "21/1/2022",
    "11-13/6",
    "2025",
    "Thứ",
    "hai",
    ",",
    ":",
    "\n",
    "phim",
    "Công",
    "ty",
    "WHO",
    "Hoa",
    "Kỳ",
    "Thụy",
    "Sỹ",
    "Mùng",
    "1",
    "Tết",
    "sông",
    "Hồng",
    "\u0301",
    "\u200b",
    "Ca",
    "sĩ",
]
words = st.one_of(st.sampled_from(PIECES), st.text(max_size=6))
texts = st.lists(words, max_size=60).map(" ".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(texts)
def test_extract_is_total_and_well_formed(text: str) -> None:
    entities = extract(text)
    analysed = nfc(text)
    seen = set()
    for e in entities:
        assert e.type in ENTITY_TYPES
        assert e.text and e.count == len(e.mentions)
        assert e.key.startswith(e.type + ":")
        assert (e.type, e.key) not in seen
        seen.add((e.type, e.key))
        for s, end in e.mentions:
            assert 0 <= s < end <= len(analysed)
        assert e.mentions == sorted(set(e.mentions))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40), st.sampled_from([None, *ENTITY_TYPES]))
def test_entity_key_is_total(name: str, type_: str | None) -> None:
    key = entity_key(name, type_)
    assert key is None or key.split(":", 1)[0] in ENTITY_TYPES
