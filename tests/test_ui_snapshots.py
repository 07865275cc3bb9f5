"""SVG snapshots of the reader (pytest-textual-snapshot).

The library is built from a few short articles written for this test, with
fixed dates, through the library's public ``build_record``/``add_document``
with a given cleaning result and a fixed entity list, so the snapshots change
only when the interface does, not when the cleaner or the extractor improve.
(``scripts/screenshots.py`` shows the real pipeline on the sample corpus.)

Every snapshot is taken once the reader has settled (``settle``: started, no
delayed work, no worker running) after the keys of the test, with the text
cursors steady, so a capture never depends on how fast the machine is.

Regenerate after an intended visual change with
``pytest tests/test_ui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import threading
from pathlib import Path
from types import SimpleNamespace

import pytest
from pytest_textual_snapshot import SVGImageExtension
from textual.widgets import Input
from werkzeug import Request, Response

import tuireader.library.importing
from tuireader.library import Library
from tuireader.library.importing import build_record
from tuireader.ui.app import TuiReaderApp

from .test_ui_support import UI_SIZE, WAIT_LIMIT, main_screen, run, settle, until, until_notified

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


class ENTITIES_HOLDER:
    """The names :func:`fixed_entities` finds (a test of another library swaps them)."""

    entities = ENTITIES


def fixed_entities(text: str) -> tuple[list[dict], str]:
    found = []
    for name, entity_type in ENTITIES_HOLDER.entities.items():
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
def library_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The four articles above in a library folder, one read, one bookmarked and tagged; open while the test runs."""
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
    yield library
    library.close()


def reader(library: Library, tmp_path: Path) -> TuiReaderApp:
    """The reader with no background refresh: a snapshot shows only what its test does."""
    (tmp_path / "config.toml").write_text("refresh_minutes = 0\n", encoding="utf-8")
    return TuiReaderApp(library, config_path=tmp_path / "config.toml", import_samples=False)


@pytest.fixture
def reader_app(library_folder: Library, tmp_path: Path) -> TuiReaderApp:
    return reader(library_folder, tmp_path)


def steady_cursors(app) -> None:
    """Stop the text cursors blinking (a blink is a timer): they show, steadily."""
    for text_input in app.screen.query(Input):
        text_input.cursor_blink = False


def after(*keys: str, until_shown=None):
    """Before the snapshot: settle, press ``keys``, wait for ``until_shown(app)`` when given, settle again."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        if until_shown is not None:
            await until(pilot, lambda: until_shown(pilot.app), f"the screen after {keys}")
        await settle(pilot)
        steady_cursors(pilot.app)

    return run_before


def test_main_screen_with_article_and_entities(snap_compare, reader_app):
    # Open the first article, then move into the entity panel onto the first entity.
    assert snap_compare(reader_app, terminal_size=UI_SIZE, run_before=after("enter", "4", "down"))


def test_help_screen(snap_compare, reader_app):
    from tuireader.ui.screens.help import HelpScreen

    shown = after("question_mark", until_shown=lambda app: isinstance(app.screen, HelpScreen))
    assert snap_compare(reader_app, terminal_size=UI_SIZE, run_before=shown)


def test_narrow_terminal_with_search(snap_compare, reader_app):
    assert snap_compare(reader_app, terminal_size=(80, 24), run_before=after("slash", *"ha noi", "enter", "enter"))


def test_narrow_terminal_with_the_entity_panel_shown(snap_compare, reader_app):
    # At 80 columns the sources pane gives its room to the list and the article; the entity panel stays, focused.
    assert snap_compare(reader_app, terminal_size=(80, 24), run_before=after("enter", "4"))


def test_command_palette(snap_compare, reader_app):
    from .test_ui_support import palette_options

    # Typed: with nothing typed the palette lists its providers in an order that changes between runs.
    shown = after("ctrl+p", *"view", until_shown=lambda app: palette_options(app) == ["Mark view read", "Save view"])
    assert snap_compare(reader_app, terminal_size=UI_SIZE, run_before=shown)


def test_tag_prompt_with_a_completion(snap_compare, reader_app):
    from .test_ui_support import strip_lines

    def completed(app) -> bool:
        return isinstance(app.focused, Input) and "lễ hội" in strip_lines(app.focused)[0]

    assert snap_compare(reader_app, terminal_size=UI_SIZE, run_before=after("t", "l", until_shown=completed))


def test_empty_library(snap_compare, tmp_path):
    library = Library.open(tmp_path / "empty")
    try:
        assert snap_compare(reader(library, tmp_path), terminal_size=UI_SIZE, run_before=after())
    finally:
        library.close()


def test_read_only_library(snap_compare, library_folder, tmp_path):
    second = Library.open(library_folder.path, read_only=True)
    try:
        assert second.read_only
        assert snap_compare(reader(second, tmp_path), terminal_size=UI_SIZE, run_before=after("b"))
    finally:
        second.close()


EMPTY_FEED = (
    "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>Tin Đà Nẵng</title></channel></rss>"
)


@pytest.mark.anyio
async def test_a_refresh_in_progress(library_folder, tmp_path, httpserver, snapshot):
    """The feed's server holds its answer until the snapshot is taken: the refresh is surely under way."""
    arrived, release = threading.Event(), threading.Event()

    def held(request: Request) -> Response:
        arrived.set()
        release.wait(WAIT_LIMIT)
        return Response(EMPTY_FEED, content_type="application/rss+xml")

    httpserver.expect_request("/rss.xml").respond_with_handler(held)
    # A fixed id: the status bar names the feed by it, and add_feed derives it from the URL's random port.
    library_folder.store.put_feed(
        {"id": "feed-snapshot", "url": httpserver.url_for("/rss.xml"), "title": "Tin Đà Nẵng", "tags": [],
         "etag": None, "last_modified": None, "last_error": None, "last_refresh": None}
    )  # fmt: skip
    app = reader(library_folder, tmp_path)
    try:
        async with run(app) as pilot:
            await settle(pilot)
            screen = main_screen(app)
            await pilot.press("ctrl+r")
            await until(pilot, arrived.is_set, "the feed's server to be asked")
            await until(
                pilot, lambda: "fetching" in screen.status, "the progress of the fetch", shown=lambda: screen.status
            )
            progress = screen.query_one("#progress")
            await until(pilot, lambda: progress.display and progress.region.width, "the progress bar laid out")
            await pilot.wait_for_scheduled_animations()
            svg = app.export_screenshot(title=app.title)
            release.set()
            await until_notified(pilot, "Refreshed 1 feed: 0 new articles.")
            await settle(pilot)
    finally:
        release.set()
    assert snapshot.use_extension(SVGImageExtension) == svg


STORY_ENTITIES = {
    "Quảng Ninh": "LOC",
    "Hải Phòng": "LOC",
    "Hạ Long": "LOC",
    "Tuần Châu": "LOC",
    "Vân Đồn": "LOC",
    "miền Bắc": "LOC",
    "Cao Tường Huy": "PER",
    "UBND tỉnh Quảng Ninh": "ORG",
}


@pytest.fixture
def story_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """A story told by four outlets (the same text twice: stored once) and a distractor, with fixed entities."""
    import json

    monkeypatch.setattr(ENTITIES_HOLDER, "entities", STORY_ENTITIES)
    monkeypatch.setattr(tuireader.library.importing, "entities_for", fixed_entities)
    items = json.loads((Path(__file__).parent / "data" / "stories.json").read_text(encoding="utf-8"))
    library = Library.open(tmp_path / "library")
    for item in (i for i in items if i["id"] != "d-yagi-c2"):
        fields = {k: item[k] for k in ("title", "site", "published", "text")}
        cleaned = SimpleNamespace(lead=None, warnings=[], lang="vi", author=None, url=None, **fields)
        library.add_document(build_record(item["text"].encode("utf-8"), cleaned=cleaned, source="Snapshot"))
    yield library
    library.close()


def test_an_expanded_story(snap_compare, story_folder, tmp_path):
    # The story's row is the last (its articles are the oldest); x shows its articles under it.
    assert snap_compare(reader(story_folder, tmp_path), terminal_size=UI_SIZE, run_before=after("G", "x"))
