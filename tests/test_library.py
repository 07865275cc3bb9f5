"""Use cases on a real library folder: import, views, search, tags, export."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.legacy_encoding import to_cp1258
from tuireader.library import Library, LibraryError


@pytest.fixture
def library(tmp_path):
    lib = Library.open(tmp_path / "lib")
    assert lib.ensure_sample_corpus() == 5
    yield lib
    lib.close()


def titles(lib: Library, query: str) -> list[str]:
    return [s.title for s in lib.summaries(lib.query_ids(query))]


def test_sample_corpus_has_the_real_titles(library):
    all_titles = titles(library, "")
    assert len(all_titles) == 5
    assert "Bộ trưởng Quốc phòng Nga, Mỹ điện đàm" in all_titles
    assert "Ngoại trưởng Mỹ: Thượng đỉnh Biden - Putin có lợi cho cả Washington và Moscow" in all_titles
    assert not any(t.startswith("Trang chủ") or t.startswith("Đại hội đại biểu") for t in all_titles)


def test_sample_corpus_is_imported_once(library):
    assert library.ensure_sample_corpus() == 0
    report = library.import_paths([library_sample()])
    assert report.imported == [] and len(report.duplicates) == 5
    assert library.count("")[1] == 5


def library_sample():
    from tuireader.library import sample_corpus_path

    return sample_corpus_path()


def test_bad_files_are_reported_by_name_and_the_rest_imports(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "dangling.txt").symlink_to(folder / "missing-target.txt")
    good = (
        "Giá vàng tăng mạnh\n\nSáng 3/3, giá vàng trong nước tăng mạnh theo giá thế giới, các doanh nghiệp cho biết.\n"
    )
    (folder / "good.txt").write_text(good, encoding="utf-8")
    legacy_page = (
        "<html><head><meta charset='windows-1258'><title>Thời tiết</title></head><body><article>"
        "<h1>Thời tiết Hà Nội</h1><p>Hà Nội hôm nay có mưa rào rải rác, nhiệt độ thấp nhất khoảng 18 độ C "
        "và cao nhất 24 độ C, theo Trung tâm Dự báo khí tượng thủy văn quốc gia.</p></article></body></html>"
    )
    (folder / "legacy.html.gz").write_bytes(gzip.compress(to_cp1258(legacy_page)))
    with Library.open(tmp_path / "lib") as lib:
        report = lib.import_paths([folder, tmp_path / "nope.txt"])
        failed = {p.rsplit("/", 1)[-1] for p, _ in report.failed}
        assert {"empty.txt", "binary.txt", "dangling.txt", "nope.txt"} <= failed
        assert all(reason for _, reason in report.failed)
        got = titles(lib, "")
        assert "Giá vàng tăng mạnh" in got
        assert any("Thời tiết" in t for t in got)


def test_search_ignores_diacritics_and_ranks_exact_title_first(library):
    hits = titles(library, "ngoai truong")
    assert len(hits) >= 3
    assert titles(library, "Ngoại trưởng")[0].count("Ngoại trưởng") >= 1
    assert titles(library, "dien dam")  # finds "điện đàm"
    assert set(titles(library, "DIEN DAM")) == set(titles(library, "điện đàm"))
    # Title matches come before body-only matches.
    ranked = titles(library, "điện đàm")
    in_title = [("điện đàm" in t.lower()) for t in ranked]
    assert in_title == sorted(in_title, reverse=True)


def test_search_prefix_while_typing(library):
    assert titles(library, "thuong din")  # "thượng đỉnh" as it is being typed


def test_entity_view_finds_every_article_mentioning_it(library):
    blinken = titles(library, 'entity:"Antony Blinken"')
    assert len(blinken) >= 3
    assert set(titles(library, "entity:Blinken")) == set(blinken)
    assert titles(library, 'entity:"Hoa Kỳ"') == titles(library, "entity:Mỹ")


def test_tags_compare_case_and_tone_insensitively(library):
    ids = library.query_ids("")
    library.add_tags([ids[0]], ["Kinh tế", "ngoại giao"])
    library.add_tags([ids[1]], ["KINH TẾ"])
    tags = dict(library.all_tags())
    assert tags == {"Kinh tế": 2, "ngoại giao": 1}
    assert len(library.query_ids('tag:"kinh tế"')) == 2
    assert len(library.query_ids('tag:"kinh te"')) == 2  # typed without diacritics
    library.add_tags([ids[2]], ["hoà bình"])
    assert len(library.query_ids('tag:"hòa bình"')) == 1  # other tone-mark placement
    library.remove_tags([ids[0]], ["KINH TẾ"])
    assert dict(library.all_tags())["Kinh tế"] == 1


def test_a_new_tag_takes_the_spelling_in_use_on_read_and_unread_articles(library):
    ids = library.query_ids("")
    library.set_read([ids[0]], True)
    library.add_tags([ids[0]], ["Ngoại giao"])  # in use on a read article only
    library.add_tags([ids[1]], ["NGOẠI GIAO"])
    library.remove_tags([ids[0]], ["ngoại giao"])  # now on an unread article only
    library.add_tags([ids[2]], ["ngoai giao", "ngoại giao"])
    assert dict(library.all_tags()) == {"Ngoại giao": 2, "ngoai giao": 1}


def test_read_bookmark_and_views_persist(tmp_path):
    with Library.open(tmp_path / "lib") as lib:
        lib.ensure_sample_corpus()
        first = lib.query_ids("")[0]
        lib.set_read([first])
        lib.set_bookmarked([first])
        lib.save_view("Nga", "nga is:unread")
    with Library.open(tmp_path / "lib") as lib:
        assert lib.count("is:unread") == (4, 4)
        assert lib.query_ids("is:bookmarked") == [first]
        entry = next(e for e in lib.source_tree() if e.label == "Nga")
        assert entry.section == "Saved" and entry.total >= 1


def test_source_tree_counts(library):
    entries = {(e.section, e.label): e for e in library.source_tree()}
    assert entries[("Library", "All")].total == 5
    assert entries[("Library", "Unread")].unread == 5
    assert entries[("Sites", "VGT")].total == 2


def test_export_markdown_and_json_with_safe_names(library, tmp_path):
    art_id = library.query_ids("")[0]
    library.store.update_meta([art_id], lambda m: {"title": "../../etc/passwd [red]x[/red]"})
    out = tmp_path / "out"
    out.mkdir()
    path = library.export([art_id], "md", out, name=library.article(art_id).title)
    assert path.parent == out and path.name.endswith(".md") and "/" not in path.name[:-3]
    assert path.read_text(encoding="utf-8").startswith("# ../../etc/passwd [red]x[/red]")
    path = library.export(library.query_ids(""), "json", out, name="all")
    data = json.loads(path.read_text(encoding="utf-8"))
    assert len(data) == 5 and {"title", "url", "site", "tags", "entities", "text"} <= set(data[0])


def test_read_only_second_library_refuses_changes(tmp_path):
    with Library.open(tmp_path / "lib") as first:
        first.ensure_sample_corpus()
        with Library.open(tmp_path / "lib", read_only=True) as second:
            assert second.read_only
            with pytest.raises(LibraryError):
                second.set_read(second.query_ids(""))


def test_query_errors_are_reported(library):
    from tuireader.store.query import parse_query

    assert parse_query("before:soon").errors
    assert parse_query("is:sleeping").errors
    # An unterminated quote is a phrase to the end of the query, not an error.
    assert library.query_ids('"dien dam') == library.query_ids('"dien dam"') != []
    assert library.query_ids('"khongcotu') == []


def test_free_words_find_tags_and_forget_removed_ones(library):
    # The first article mentions Ukraine, the second need not.
    ids = sorted(library.query_ids(""), key=lambda i: "ukraine" not in library.article(i).text.lower())
    library.add_tags([ids[0]], ["đặc san"])
    assert library.query_ids("dac san") == [ids[0]]  # a free word finds the tag
    # Mixed: a tag word plus a word of the text.
    assert library.query_ids("dac san ukraine") == [ids[0]]
    assert library.query_ids("dac san khongcotu") == []
    library.remove_tags([ids[0]], ["đặc san"])
    assert library.query_ids("dac san") == []
    library.add_tags([ids[1]], ["đặc san"])
    assert library.query_ids("dac san") == [ids[1]]
    # The full-text index stays consistent through replaced rows and re-indexing.
    check_full_text_tables(library)
    shard = ids[1][:2]
    library.store.index.set_shard_stamp(shard, "stale")
    library.store.sync_index()
    assert library.query_ids("dac san") == [ids[1]]
    check_full_text_tables(library)


def check_full_text_tables(library) -> None:
    from tuireader.store.index import FTS_TABLES

    for table in FTS_TABLES:  # raises when a table's structure is damaged
        library.store.index.db.execute(f"INSERT INTO {table} ({table}, rank) VALUES ('integrity-check', 0)")


def test_entity_names_are_searchable_as_words(library):
    # "Hoa Kỳ" is not in the texts, but articles about Mỹ have the entity, whose aliases merge.
    hits = library.query_ids("lau nam goc")
    assert hits and all("Lầu Năm Góc" in library.article(i).text for i in hits)


def test_entities_from_an_older_extractor_are_recomputed(library):
    ids = library.query_ids("")
    library.store.update_meta(ids[:3], lambda meta: {"extractor": "old", "entities": []})
    library.store.update_bodies({i: {"entities": []} for i in ids[:3]})
    assert sorted(library.stale_entity_ids()) == sorted(ids[:3])
    seen = []
    assert library.recompute_entities(library.stale_entity_ids(), on_progress=lambda d, t, _: seen.append((d, t))) == 3
    assert library.stale_entity_ids() == []
    assert seen[-1] == (3, 3)
    assert all(library.article(i).entities for i in ids[:3])
    blinken = library.query_ids('entity:"Antony Blinken"')
    assert len(blinken) >= 3


def _dated_page(title: str, day: int, words: str) -> str:
    return (
        f"<html><head><title>{title}</title>"
        f"<meta property='article:published_time' content='2025-03-{day:02d}T08:00:00+07:00'></head>"
        f"<body><article><h1>{title}</h1><p>{title}: sáng nay {words} được bàn tại hội nghị ở Hà Nội, "
        "với nhiều đại biểu tham dự và thảo luận sôi nổi về kế hoạch của năm tới.</p></article></body></html>"
    )


@pytest.mark.parametrize("fillers", [0, 40], ids=["most-articles-hit", "few-articles-hit"])
def test_search_order_follows_articles_added_here_and_by_another_instance(tmp_path, fillers):
    folder = tmp_path / "in"
    folder.mkdir()
    for n in range(fillers):
        (folder / f"filler{n}.html").write_text(
            _dated_page(f"Tin vắn số {n}", 1 + n % 20, "giá lúa gạo"), encoding="utf-8"
        )

    def add(lib: Library, name: str, title: str, day: int) -> None:
        page = folder / f"{name}.html"
        page.write_text(_dated_page(title, day, "dự án thủy điện"), encoding="utf-8")
        assert lib.import_paths([page]).imported

    with Library.open(tmp_path / "lib") as writer:
        writer.import_paths([folder])
        add(writer, "a", "Thủy điện ngày mùng một", 1)
        assert titles(writer, "thuy dien") == ["Thủy điện ngày mùng một"]
        add(writer, "b", "Thủy điện ngày mùng năm", 5)  # newer: first
        assert titles(writer, "thuy dien") == ["Thủy điện ngày mùng năm", "Thủy điện ngày mùng một"]
        with Library.open(tmp_path / "lib", read_only=True) as reader:  # a second instance, its own connection
            assert reader.read_only
            assert titles(reader, "thuy dien") == ["Thủy điện ngày mùng năm", "Thủy điện ngày mùng một"]
            add(writer, "c", "Thủy điện ngày mùng ba", 3)
            expected = ["Thủy điện ngày mùng năm", "Thủy điện ngày mùng ba", "Thủy điện ngày mùng một"]
            assert titles(writer, "thuy dien") == expected
            assert titles(reader, "thuy dien") == expected  # the other instance's change is seen
            assert titles(reader, "thuy dien site:nowhere.example") == []


def test_view_counts_agree_with_the_list_through_read_changes_here_and_elsewhere(library):
    def expected(lib: Library, query: str) -> tuple[int, int]:
        rows = lib.summaries(lib.query_ids(query))
        return sum(not row.read for row in rows), len(rows)

    queries = ["nga", "ngoai truong", "Ngoại trưởng", "dien dam is:unread", "khongcotu"]
    for query in queries:
        assert library.count(query) == expected(library, query)
    hits = library.query_ids("nga")
    assert len(hits) >= 2
    with Library.open(library.path, read_only=True) as other:  # a second instance counts too
        assert other.count("nga") == (len(hits), len(hits)) == library.count("nga")
        library.set_read(hits[:1])
        assert library.count("nga") == (len(hits) - 1, len(hits))
        assert other.count("nga") == (len(hits) - 1, len(hits))  # it sees this one's change
    library.set_read(hits[:1], False)
    for query in queries:
        assert library.count(query) == expected(library, query)
