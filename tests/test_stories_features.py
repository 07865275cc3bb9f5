"""What grouping reads off an article: shingles, entity units, figures, named days, times."""

from __future__ import annotations

import math

from tuireader.stories.days import Days, days_agree, event_days
from tuireader.stories.features import digit_tokens, entity_units, figures, name_units, parse_time, shingles, split_lead
from tuireader.stories.sketch import band_keys, containment, jaccard, signature


def test_shingles_ignore_tone_marks_and_case():
    assert shingles("", "Hà Nội mưa to, đường ngập sâu") == shingles("", "HA NOI mua to: duong ngap sau")


def test_shingles_are_runs_of_three_syllables():
    assert shingles("Bão số 3", "đổ bộ") == {"bao so 3", "so 3 do", "3 do bo"}


def test_a_misread_name_still_shares_units_with_the_name():
    assert set(name_units("Antony Blinken")) <= set(name_units("Mỹ Antony Blinken"))


def test_words_a_sentence_leaves_on_a_name_are_dropped_but_not_parts_of_names():
    assert name_units("ông Cao Tường Huy") == name_units("Cao Tường Huy")
    assert name_units("ở Hải Phòng") == ["hai phong"]
    assert name_units("Ba Lan") == ["ba lan"]


def test_a_long_name_weighs_as_much_as_a_short_one():
    units = entity_units(
        [
            {"type": "ORG", "text": "Trung tâm Dự báo khí tượng thủy văn quốc gia", "count": 1},
            {"type": "LOC", "text": "Nghệ An", "count": 1},
        ]
    )
    org = [w for u, w in units.items() if u != "nghe an"]
    assert math.isclose(sum(w * w for w in org), units["nghe an"] ** 2, rel_tol=0.01)


def test_dates_are_not_entity_units():
    assert entity_units([{"type": "DATE", "text": "29/7", "count": 2}]) == {}


def test_figures_are_the_numbers_of_two_digits_or_more_but_not_dates():
    found = figures(digit_tokens("Ngày 29/7, 12.000 người sơ tán; giá 4,78 triệu, lúc 7h55, thắng 2-1, 5 tàu."))
    assert set(found) == {"#12.000", "#4,78", "#7h55", "#2-1"}


def test_the_lead_is_the_title_and_first_paragraph():
    lead, rest = split_lead("Tin nóng", "Đoạn một.\n\nĐoạn hai.")
    assert lead == "Tin nóng\nĐoạn một." and rest.strip() == "Đoạn hai."


def _days(title: str, text: str, published: str | None = None, dates: tuple[str, ...] = ()) -> Days:
    lead, rest = split_lead(title, text)
    entities = [{"type": "DATE", "text": d, "count": 1} for d in dates]
    return event_days(entities, lead, digit_tokens(lead), digit_tokens(rest), parse_time(published))


def test_days_in_the_lead_and_elsewhere():
    days = _days("Giá vàng 12/3", "Sáng nay giá tăng.\n\nHôm 10/3 giá đã giảm.")
    assert days.lead == (72,) and days.all == (70, 72)


def test_days_from_the_extractor_count_too():
    assert _days("Điện đàm", "Ngày 25-6, hai bộ trưởng điện đàm.", dates=("25-6",)).lead == (177,)


def test_days_after_publication_are_announcements_not_events():
    days = _days("Thắng 3-1", "Tối 17/4, đội thắng.\n\nTrận tiếp theo ngày 20/4.", "2024-04-17T23:50:00+07:00")
    assert days.all == (108,)


def test_publication_day_is_the_day_in_vietnam():
    # 23:30 UTC on 28/2 is already 1/3 in Hanoi: 1/3 is not a day after publication.
    assert _days("Tin", "Sáng 1/3, mưa đá.", "2025-02-28T23:30:00Z").lead == (61,)


def test_leads_that_name_days_must_meet():
    first = Days(lead=(108,), all=(108,))
    preview_of_it = Days(lead=(111,), all=(111, 108))
    assert not days_agree(first, preview_of_it, 0)
    assert days_agree(first, Days(lead=(108,), all=(108, 90)), 0)


def test_an_article_without_a_day_in_its_lead_needs_only_a_shared_day():
    assert days_agree(Days(lead=(251,), all=(251, 250)), Days(lead=(), all=(250,)), 0)
    assert not days_agree(Days(lead=(), all=(251,)), Days(lead=(), all=(249,)), 0)
    assert days_agree(Days(), Days(lead=(10,), all=(10,)), 0)


def test_days_wrap_around_the_new_year():
    assert days_agree(Days(lead=(366,), all=(366,)), Days(lead=(1,), all=(1,)), 1)


def test_times_parse_with_and_without_a_zone():
    assert parse_time("2024-06-25T22:10:00+07:00") == parse_time("2024-06-25T15:10:00Z")
    assert parse_time("2024-06-25T15:10:00") == parse_time("2024-06-25T15:10:00+00:00")
    assert parse_time("hôm qua") is None and parse_time(None) is None and parse_time(12.5) == 12.5


def test_signatures_estimate_jaccard_and_containment():
    big = {f"s{i}" for i in range(400)}
    small = {f"s{i}" for i in range(100)}
    a, b = signature(big, 128), signature(small, 128)
    similarity = jaccard(a, b)
    assert 0.15 < similarity < 0.35  # truly 0.25
    assert containment(similarity, 400, 100) > 0.8  # truly 1
    assert jaccard(a, a) == 1.0


def test_band_keys_differ_by_band_and_agree_for_equal_signatures():
    sig = signature({"a b c", "d e f"}, 128)
    keys = band_keys(sig, 16, 2)
    assert len(keys) == 16 and len(set(keys)) == 16
    assert keys == band_keys(bytes(sig), 16, 2)
    assert set(keys).isdisjoint(band_keys(sig, 4, 8, start=32))
