"""Grouping: the same event from several outlets is one story; other events stay apart."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Sequence

import pytest
from msgspec.structs import replace

from tuireader.stories import Settings, StoryDoc, StoryIndex

STORM = """Trưa 22/7, bão số 3 đã đổ bộ vào khu vực giữa Thanh Hóa và Nghệ An với sức gió mạnh cấp 9, giật cấp 11.

Tại huyện Quỳnh Lưu, gió mạnh làm hàng trăm cây xanh gãy đổ, nhiều mái tôn bị tốc. Điện lưới ở các xã ven biển bị cắt.

Ông Lê Hồng Vinh, Chủ tịch UBND tỉnh Nghệ An, cho biết tỉnh đã sơ tán hơn 12.000 người dân khỏi vùng nguy hiểm.

Cơ quan khí tượng dự báo bão suy yếu thành áp thấp nhiệt đới, gây mưa 150-250 mm cho Bắc Trung Bộ."""
STORM_REWRITE = """Hơn 12.000 dân Nghệ An đã rời vùng ven biển trước khi bão số 3 vào bờ, ông Lê Hồng Vinh nói.

Khi đổ bộ trưa 22/7, bão còn mạnh cấp 9, giật cấp 11. Huyện Quỳnh Lưu ghi nhận nhiều cây đổ, mái tôn bay.

Mưa lớn 150-250 mm được dự báo ở Bắc Trung Bộ khi bão suy yếu thành áp thấp."""
STORM_NAMES = [("LOC", "Thanh Hóa", 1), ("LOC", "Nghệ An", 2), ("LOC", "Quỳnh Lưu", 1), ("PER", "Lê Hồng Vinh", 1),
               ("ORG", "UBND tỉnh Nghệ An", 1), ("LOC", "Bắc Trung Bộ", 1)]  # fmt: skip
HOSPITAL = """Chiều 23/7, ông Lê Hồng Vinh, Chủ tịch UBND tỉnh Nghệ An, kiểm tra dự án mở rộng Bệnh viện Ung bướu.

Dự án có vốn 650 tỷ đồng với 500 giường bệnh, đã hoàn thành khoảng 70% khối lượng.

Ông Vinh yêu cầu tháo gỡ vướng mắc về mặt bằng trong tháng 8."""
CALL = """Ngày {day}, Ngoại trưởng Nga Sergei Lavrov và người đồng cấp Mỹ Antony Blinken đã có cuộc điện đàm về Ukraine.

Hai bên thảo luận về an ninh lương thực và quan hệ song phương.
Ông Blinken hối thúc Moscow chấp thuận đề xuất của Washington.

Bộ Ngoại giao Nga cho biết ông Lavrov trình bày lập trường của Moscow về tình hình Ukraine."""
CALL_NAMES = [("PER", "Sergei Lavrov", 2), ("PER", "Antony Blinken", 2), ("LOC", "Nga", 2), ("LOC", "Mỹ", 1),
              ("LOC", "Ukraine", 2), ("LOC", "Moscow", 2), ("LOC", "Washington", 1),
              ("ORG", "Bộ Ngoại giao Nga", 1)]  # fmt: skip


def article(n: int, title: str, text: str, time: str | None, site: str, names: Sequence[tuple[str, str, int]] = ()):
    entities = [{"type": t, "text": name, "count": c, "key": f"{t}:{name.lower()}"} for t, name, c in names]
    return StoryDoc(id=f"{n:012x}", title=title, text=text, time=time, site=site, entities=entities)


def untoned(text: str) -> str:
    import unicodedata

    text = text.replace("đ", "d").replace("Đ", "D")
    return unicodedata.normalize(
        "NFC", "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    )


@pytest.fixture
def index() -> StoryIndex:
    return StoryIndex(sqlite3.connect(":memory:", isolation_level=None))


def storm(n: int = 1, time: str = "2025-07-22T14:00:00+07:00", site: str = "vnexpress.net"):
    return article(n, "Bão số 3 đổ bộ Nghệ An - Thanh Hóa", STORM, time, site, STORM_NAMES)


def test_a_rewrite_by_another_outlet_joins_the_story(index):
    rewrite = article(
        2, "Nghệ An sơ tán 12.000 dân", STORM_REWRITE, "2025-07-22T16:00:00+07:00", "tuoitre.vn", STORM_NAMES
    )
    index.add_articles([storm()])
    index.add_articles([rewrite])
    assert index.story_of(rewrite.id) == index.story_of(storm().id)
    assert [m.copy_of for m in index.members(index.story_of(rewrite.id))] == [None, None]


def test_a_copy_with_other_boilerplate_is_a_republication(index):
    copy = article(3, "Bão số 3 đổ bộ", f"(Cập nhật 15h)\n\n{STORM}\n\nTheo VnExpress", "2025-07-22T15:00:00+07:00",
                   "baonghean.vn", STORM_NAMES)  # fmt: skip
    index.add_articles([storm(), copy])
    member = next(m for m in index.members(index.story_of(copy.id)) if m.id == copy.id)
    assert member.copy_of == storm().id


def test_a_copy_that_lost_its_tone_marks_and_entities_is_still_a_republication(index):
    copy = article(4, untoned("Bão số 3 đổ bộ"), untoned(STORM), "2025-07-22T18:00:00+07:00", "forum.vn")
    index.add_articles([storm(), copy])
    assert index.members(index.story_of(copy.id))[1].copy_of == storm().id


def test_a_republication_days_later_is_still_folded(index):
    late = article(5, "Nhìn lại bão số 3", STORM, "2025-08-05T09:00:00+07:00", "baomoi.com", STORM_NAMES)
    index.add_articles([storm(), late])
    assert index.story_of(late.id) == index.story_of(storm().id)


def test_the_same_leader_at_another_event_the_next_day_is_another_story(index):
    visit = article(6, "Chủ tịch tỉnh kiểm tra bệnh viện", HOSPITAL, "2025-07-23T17:00:00+07:00", "baonghean.vn",
                    [("PER", "Lê Hồng Vinh", 2), ("LOC", "Nghệ An", 1), ("ORG", "UBND tỉnh Nghệ An", 1)])  # fmt: skip
    index.add_articles([storm(), visit])
    assert index.story_of(visit.id) != index.story_of(storm().id)


def test_two_calls_between_the_same_ministers_a_month_apart_are_two_stories(index):
    july = article(
        7, "Ngoại trưởng Nga, Mỹ điện đàm", CALL.format(day="29/7"), "2022-07-30T07:00:00+07:00", "vgt.vn", CALL_NAMES
    )
    august = article(
        8, "Ngoại trưởng Nga, Mỹ điện đàm", CALL.format(day="26/8"), "2022-08-27T07:00:00+07:00", "vgt.vn", CALL_NAMES
    )
    index.add_articles([july, august])
    assert index.story_of(july.id) != index.story_of(august.id)


FLOOD = [
    "Mực nước sông Hồng tại Hà Nội tiếp tục dâng cao, nhiều bãi giữa sông bị ngập sâu.",
    "Người dân ở các xã ven sông đã được sơ tán đến nơi an toàn cùng tài sản và vật nuôi.",
    "Lực lượng cứu hộ túc trực suốt đêm tại các điểm đê xung yếu để xử lý sự cố.",
    "Các trường học ven sông cho học sinh nghỉ học, nhiều tuyến đường bị chia cắt.",
    "Cơ quan khí tượng dự báo lũ còn lên trong những ngày tới do mưa lớn ở thượng nguồn.",
    "Hồ thủy điện Hòa Bình tiếp tục mở cửa xả đáy để điều tiết lượng nước về hạ du.",
    "Nhiều hộ dân ở ngoài đê phải dùng thuyền để di chuyển và nhận hàng cứu trợ.",
    "Thành phố huy động thêm bộ đội và thanh niên xung kích gia cố các đoạn đê yếu.",
    "Giá rau xanh ở các chợ nội thành tăng mạnh vì nguồn cung từ vùng bãi bị gián đoạn.",
    "Ngành y tế cử các đội lưu động phun khử khuẩn tại những khu dân cư vừa rút nước.",
]


def test_a_topic_followed_day_after_day_is_a_story_per_few_days_not_one_of_months(index):
    # Each report rewrites the day before's (two sentences of three): a chain of links.
    reports = [
        article(
            20 + day,
            f"Lũ sông Hồng, cập nhật lần {day + 1}",
            "\n".join(FLOOD[day : day + 3]) + f"\nSáng nay đo được mức {900 + day * 7} cm.",
            f"2024-09-{day + 10:02d}T08:00:00+07:00",
            "vnexpress.net",
            [("LOC", "sông Hồng", 1), ("LOC", "Hà Nội", 1)],
        )
        for day in range(8)
    ]
    for report in reports:
        index.add_articles([report])
    stories = {index.story_of(r.id) for r in reports}
    assert len(stories) > 1
    for story in stories:
        times = [m.time for m in index.members(story) if m.time is not None]
        assert max(times) - min(times) <= 72 * 3600


def test_undated_calls_are_kept_apart_by_the_days_they_name(index):
    july = article(9, "Điện đàm Nga - Mỹ", CALL.format(day="29/7"), None, "vgt.vn", CALL_NAMES)
    august = article(10, "Điện đàm Nga - Mỹ", CALL.format(day="26/8"), None, "vgt.vn", CALL_NAMES)
    index.add_articles([july, august])
    assert index.story_of(july.id) != index.story_of(august.id)


def test_without_the_time_signal_the_month_apart_calls_merge():
    index = StoryIndex(sqlite3.connect(":memory:", isolation_level=None), Settings(use_time=False))
    july = article(11, "Điện đàm", CALL.format(day="29/7"), "2022-07-30T07:00:00+07:00", "vgt.vn", CALL_NAMES)
    august = article(12, "Điện đàm", CALL.format(day="26/8"), "2022-08-27T07:00:00+07:00", "vgt.vn", CALL_NAMES)
    index.add_articles([july, august])
    assert index.story_of(july.id) == index.story_of(august.id)


def test_the_sample_articles_are_five_different_events(index, sample_corpus):
    from tuireader.clean import clean_source
    from tuireader.library.importing import entities_for

    docs = []
    for n, path in enumerate(sorted(sample_corpus.glob("*.txt")), 100):
        cleaned = clean_source(path.read_bytes(), filename=path.name)
        docs.append(article(n, cleaned.title or "", cleaned.text, "2026-01-05T10:00:00Z", path.name))
        docs[-1] = replace(docs[-1], entities=entities_for(cleaned.text)[0])
    index.add_articles(docs)
    assert len({index.story_of(d.id) for d in docs}) == 5


def test_importing_the_package_does_not_load_the_minhash_library():
    probe = "import sys, tuireader.stories; print('rensa' in sys.modules, 'textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]
