"""The real command line, run as a subprocess: stable JSON for other tools."""

from __future__ import annotations

import gzip
import json
import unicodedata
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_CORPUS, run_cli
from tuireader.cli import ReaderOnly, _reader_arguments

SEED_003 = SAMPLE_CORPUS / "003_88d42bd29b8f9cef.txt"
FIELDS = {"title", "author", "site", "url", "published", "lead", "text", "lang", "low_confidence"}


def test_clean_json_has_every_field_and_the_real_title():
    out = run_cli("clean", str(SEED_003), "--json")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert set(data) == FIELDS
    assert data["title"] == "Bộ trưởng Quốc phòng Nga, Mỹ điện đàm"
    assert data["author"] == "KHÁNH HƯNG"
    assert data["url"] == "https://www.sggp.org.vn/bo-truong-quoc-phong-nga-my-dien-dam-post746324.html"
    assert "\n\n" in data["text"] and "\n\n\n" not in data["text"]


def test_clean_plain_prints_title_blank_line_text():
    out = run_cli("clean", str(SEED_003))
    lines = out.stdout.decode().split("\n")
    assert lines[0] == "Bộ trưởng Quốc phòng Nga, Mỹ điện đàm" and lines[1] == ""


def test_clean_jsonl_reports_failures_and_goes_on(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    packed = tmp_path / "page.html.gz"
    packed.write_bytes(
        gzip.compress(
            "<html><head><title>Tin</title></head><body><article><h1>Giá xăng giảm</h1>"
            "<p>Giá xăng trong nước giảm nhẹ từ chiều nay theo quyết định của liên bộ Công Thương - Tài chính, "
            "mức giảm khoảng 300 đồng mỗi lít.</p></article></body></html>".encode()
        )
    )
    out = run_cli("clean", str(SEED_003), str(tmp_path / "missing.txt"), str(empty), str(packed), "--jsonl")
    assert out.returncode == 1
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert [r["source"] for r in rows] == [str(SEED_003), str(tmp_path / "missing.txt"), str(empty), str(packed)]
    assert set(rows[0]) == FIELDS | {"source"}
    assert set(rows[1]) == {"source", "error"} and rows[1]["error"]
    assert set(rows[2]) == {"source", "error"} and rows[2]["error"]
    assert "Giá xăng" in rows[3]["text"]


def test_clean_reads_stdin():
    out = run_cli("clean", "-", "--json", stdin=SEED_003.read_bytes())
    assert json.loads(out.stdout)["title"] == "Bộ trưởng Quốc phòng Nga, Mỹ điện đàm"


def test_entities_json_offsets_point_into_the_analysed_text(tmp_path):
    text = unicodedata.normalize(
        "NFD", "Ngoại trưởng Mỹ Antony Blinken gặp ông Vương Nghị tại Bắc Kinh ngày 9/7. Ông Blinken nói."
    )
    source = tmp_path / "a.txt"
    source.write_text(text, encoding="utf-8")
    out = run_cli("entities", str(source), "--json", "--no-clean")
    assert out.returncode == 0, out.stderr
    entities = json.loads(out.stdout)["entities"]
    analysed = unicodedata.normalize("NFC", text)
    by_name = {e["text"]: e for e in entities}
    assert by_name["Antony Blinken"]["type"] == "PER" and by_name["Antony Blinken"]["count"] == 2
    for entity in entities:
        assert set(entity) == {"text", "type", "count", "aliases", "mentions"}
        for start, end in entity["mentions"]:
            assert analysed[start:end] in {entity["text"], *entity["aliases"]}


def test_entities_jsonl_one_line_per_source():
    out = run_cli("entities", str(SEED_003), str(SAMPLE_CORPUS / "001_f3f0c5212c1f1538.txt"), "--jsonl")
    rows = [json.loads(line) for line in out.stdout.decode().splitlines()]
    assert len(rows) == 2 and all(set(r) == {"source", "entities"} for r in rows)
    names = {e["text"] for e in rows[0]["entities"]}
    assert {"Lloyd Austin", "Lầu Năm Góc"} <= names


def test_library_commands_round_trip(tmp_path):
    lib = tmp_path / "lib"
    listed = json.loads(run_cli("list", "--json", library=lib).stdout)
    assert len(listed) == 5
    assert {"id", "title", "site", "url", "published", "read", "bookmarked", "tags"} <= set(listed[0])
    target = next(r for r in listed if r["title"] == "Bộ trưởng Quốc phòng Nga, Mỹ điện đàm")["id"]
    assert run_cli("bookmark", target[:6], library=lib).returncode == 0
    assert run_cli("tag", target, "Quốc phòng", "kinh tế", library=lib).returncode == 0
    assert run_cli("read", target, library=lib).returncode == 0
    shown = json.loads(run_cli("show", target, "--json", library=lib).stdout)
    assert shown["bookmarked"] and shown["read"] and shown["tags"] == ["Quốc phòng", "kinh tế"]
    assert any(e["text"] == "Lloyd Austin" for e in shown["entities"])
    assert [r["id"] for r in json.loads(run_cli("list", "--bookmarked", "--json", library=lib).stdout)] == [target]
    assert [r["id"] for r in json.loads(run_cli("list", "--tag", "QUOC PHONG", "--json", library=lib).stdout)] == [
        target
    ]
    found = json.loads(run_cli("search", "bo truong quoc phong", "--json", library=lib).stdout)
    assert found[0]["id"] == target
    assert json.loads(run_cli("list", "--entity", "Austin", "--json", library=lib).stdout)[0]["id"] == target
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    assert run_cli("export", "--bookmarked", "--format", "md", "--output", str(out_dir), library=lib).returncode == 0
    exported = list(out_dir.glob("*.md"))
    assert len(exported) == 1 and "Lloyd Austin" in exported[0].read_text(encoding="utf-8")
    assert run_cli("tag", target, "kinh tế", "--remove", library=lib).returncode == 0
    assert run_cli("read", target, "--unread", library=lib).returncode == 0
    shown = json.loads(run_cli("show", target, "--json", library=lib).stdout)
    assert shown["tags"] == ["Quốc phòng"] and not shown["read"]


def test_import_reports_bad_files_and_is_idempotent(tmp_path):
    lib = tmp_path / "lib"
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "good.txt").write_text(
        "Bão số 3 vào Quảng Ninh\n\nChiều 7/9, bão số 3 đổ bộ vào Quảng Ninh với sức gió "
        "mạnh cấp 12, gây mưa lớn trên diện rộng ở các tỉnh miền Bắc.\n",
        encoding="utf-8",
    )
    first = run_cli("import", str(folder), "--json", library=lib)
    report = json.loads(first.stdout)
    assert report["imported"] == 1 and report["failed"][0]["path"].endswith("empty.txt")
    again = json.loads(run_cli("import", str(folder), "--json", library=lib).stdout)
    assert again["imported"] == 0 and again["duplicates"] == 1


def test_unwritable_library_is_one_clear_sentence(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = run_cli("list", library=blocker / "lib")
    assert out.returncode == 1
    message = out.stderr.decode().strip()
    assert message.startswith("tuireader: Cannot create the library folder") and "Traceback" not in message
    assert len(message.splitlines()) == 1


def test_unknown_article_id_is_a_clear_error(tmp_path):
    out = run_cli("show", "ffffffffffff", library=tmp_path / "lib")
    assert out.returncode == 1 and "No article with id" in out.stderr.decode()


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ([], ReaderOnly()),
        (["--library", "news"], ReaderOnly(Path("news"))),
        (["--library=news"], ReaderOnly(Path("news"))),
        (["--library"], None),
        (["--library="], None),
        (["--library", "-h"], None),
        (["list"], None),
        (["--library", "news", "list"], None),
        (["--help"], None),
    ],
)
def test_only_a_plain_reader_start_skips_the_full_parser(arguments, expected):
    assert _reader_arguments(arguments) == expected


def test_a_mistake_after_the_reader_shortcut_is_still_explained(tmp_path):
    out = run_cli("--library", library=tmp_path / "lib")
    assert out.returncode == 2 and "expected one argument" in out.stderr.decode()
