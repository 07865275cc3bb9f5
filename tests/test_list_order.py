"""The list's order: newest first by the moment an article was published, else when it was added."""

from __future__ import annotations

from types import SimpleNamespace

from tuireader.library import Library
from tuireader.library.importing import build_record

TEXT = "Bài viết số {n} kể chuyện thành phố Đà Nẵng mở thêm tuyến xe buýt mới cho người dân đi làm mỗi sáng."


def add(library: Library, n: int, published: str | None) -> str:
    cleaned = SimpleNamespace(
        title=f"Bài {n}", text=TEXT.format(n=n), url=f"https://example.vn/{n}", site="example.vn",
        author=None, published=published, lead=None, lang="vi", warnings=[],
    )  # fmt: skip
    article_id, _new = library.add_document(build_record(b"", cleaned=cleaned, source="Test"))
    return article_id


def test_undated_and_unreadable_dates_sort_by_when_they_were_added(tmp_path):
    with Library.open(tmp_path / "lib") as library:
        old = add(library, 1, "2001-05-01T08:00:00+07:00")
        undated = add(library, 2, None)
        garbled = add(library, 3, "Thứ Hai, 20/5/2001 08:00")  # a date in a form the list cannot read
        older = add(library, 4, "2001-04-30")
        order = library.query_ids("")
    # Added today, the undated and the garbled one are newer than anything published in 2001.
    assert order[:2] == [garbled, undated] or order[:2] == [undated, garbled]
    assert order[2:] == [old, older]


def test_times_with_different_offsets_sort_by_the_moment_they_name(tmp_path):
    with Library.open(tmp_path / "lib") as library:
        hanoi_morning = add(library, 1, "2024-05-01T08:00:00+07:00")  # 01:00 UTC
        utc_later = add(library, 2, "2024-05-01T02:00:00Z")
        assert library.query_ids("") == [utc_later, hanoi_morning]
