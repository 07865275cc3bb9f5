"""SVG snapshots of the reader (pytest-textual-snapshot).

The library is built from a few short articles written for this test, with
fixed dates, through the library's public ``build_record``/``add_document``
with a given cleaning result and a fixed entity list, so the snapshots change
only when the interface does, not when the cleaner or the extractor improve.
(``scripts/screenshots.py`` shows the real pipeline on the sample corpus.)

Regenerate after an intended visual change with
``pytest tests/test_ui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

import tuireader.library.importing
from tuireader.library import Library
from tuireader.library.importing import build_record
from tuireader.ui.app import TuiReaderApp

from .test_ui_support import UI_SIZE, settle

ENTITIES = {
    "Nguyễn Thị Mai": "PER",
    "Trần Văn Hùng": "PER",
    "Hà Nội": "LOC",
    "Đà Nẵng": "LOC",
    "sông Hàn": "LOC",
    "Sở Giao thông Vận tải": "ORG",
    "UBND thành phố": "ORG",
    "ngày 12/6": "DATE",
    "tháng 7": "DATE",
}

ARTICLES = [
    {
        "title": "Hà Nội mở thêm ba tuyến buýt điện nối các khu đô thị phía tây",
        "site": "tinthudo.vn",
        "author": "Nguyễn Thị Mai",
        "published": "2024-06-12T08:30:00+07:00",
        "url": "https://tinthudo.vn/xe-buyt-dien",
        "text": (
            "Sở Giao thông Vận tải Hà Nội cho biết từ ngày 12/6 thành phố đưa vào khai thác ba tuyến buýt "
            "điện mới, nối trung tâm với các khu đô thị phía tây.\n\n"
            "Theo bà Nguyễn Thị Mai, phó giám đốc Sở Giao thông Vận tải, mỗi tuyến có từ 12 đến 15 xe, "
            "chạy từ 5 giờ sáng đến 22 giờ, giá vé không đổi so với các tuyến buýt hiện có.\n\n"
            "Người dân Hà Nội có thể tra lộ trình và giờ xe trên ứng dụng của thành phố. Sở cho biết sẽ "
            "lấy ý kiến hành khách trong tháng 7 để điều chỉnh tần suất ở giờ cao điểm.\n\n"
            "Đây là đợt mở tuyến thứ tư trong năm; Hà Nội đặt mục tiêu chuyển dần các tuyến buýt "
            "sang xe điện để giảm khí thải và tiếng ồn ở khu dân cư."
        ),
    },
    {
        "title": "Đà Nẵng khai mạc lễ hội pháo hoa bên sông Hàn",
        "site": "mientrung.vn",
        "author": "Trần Văn Hùng",
        "published": "2024-06-08T21:00:00+07:00",
        "url": "https://mientrung.vn/phao-hoa",
        "text": (
            "Tối nay, hàng chục nghìn người dân và du khách đã có mặt hai bên sông Hàn để xem đêm khai "
            "mạc lễ hội pháo hoa Đà Nẵng.\n\n"
            "UBND thành phố cho biết lễ hội kéo dài đến tháng 7 với sáu đêm thi, các đội đến từ nhiều "
            "nước châu Âu và châu Á."
        ),
    },
    {
        "title": "[red]Cảnh báo[/red] giả mạo [link=http://x]tin nhắn[/link] ngân hàng",
        "site": "[i]antoan[/i]",
        "author": None,
        "published": "2024-06-05T10:00:00+07:00",
        "url": None,
        "text": "Nhiều người ở Hà Nội nhận tin nhắn giả danh ngân hàng kèm đường dẫn lạ [bold]bấm vào đây[/bold].",
    },
    {
        "title": "Giá rau xanh tăng nhẹ sau mưa lớn",
        "site": "tinthudo.vn",
        "author": None,
        "published": "2024-06-01T06:00:00+07:00",
        "url": "https://tinthudo.vn/gia-rau",
        "text": "Giá rau xanh tại các chợ ở Hà Nội tăng nhẹ sau ba ngày mưa lớn, tiểu thương cho biết.",
    },
]


def fixed_entities(text: str) -> tuple[list[dict], str]:
    found = []
    for name, entity_type in ENTITIES.items():
        mentions = []
        start = text.find(name)
        while start >= 0:
            mentions.append([start, start + len(name)])
            start = text.find(name, start + len(name))
        if mentions:
            key = f"{entity_type}:{name.lower()}"
            found.append(
                {
                    "text": name,
                    "type": entity_type,
                    "count": len(mentions),
                    "aliases": [],
                    "mentions": mentions,
                    "key": key,
                }
            )
    return found, "snapshot"


@pytest.fixture
def reader_app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(tuireader.library.importing, "entities_for", fixed_entities)
    library = Library.open(tmp_path / "library")
    for article in ARTICLES:
        cleaned = SimpleNamespace(lead=None, warnings=[], lang="vi", **article)
        record = build_record(article["text"].encode("utf-8"), cleaned=cleaned, source="Snapshot")
        library.add_document(record)
    ids = library.query_ids("")
    library.set_read([ids[3]], True)
    library.set_bookmarked([ids[1]], True)
    library.add_tags([ids[1]], ["lễ hội"])
    app = TuiReaderApp(library, config_path=tmp_path / "config.toml", import_samples=False)
    yield app
    library.close()


async def started(pilot) -> None:
    """Wait until the whole view is shown and the start-up work is done."""
    await settle(pilot)


def test_main_screen_with_article_and_entities(snap_compare, reader_app):
    # Open the first article, then move into the entity panel onto the first entity.
    assert snap_compare(reader_app, press=["enter", "4", "down"], terminal_size=UI_SIZE, run_before=started)


def test_help_screen(snap_compare, reader_app):
    assert snap_compare(reader_app, press=["question_mark"], terminal_size=UI_SIZE, run_before=started)


def test_narrow_terminal_with_search(snap_compare, reader_app):
    assert snap_compare(
        reader_app, press=["slash", *"ha noi", "enter", "enter"], terminal_size=(80, 24), run_before=started
    )
