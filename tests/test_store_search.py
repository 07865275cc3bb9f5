"""Search order on real index files: the same answer whether few or many articles match.

A search picks its hits out of the kept display order in one of two ways: a
few hits are sorted by their place in it, many are picked out of it row by
row.  A query without words is asked of SQLite until the order is kept.
Each question here is asked of a library where its hits are a handful among
hundreds of articles, and of one holding little but its hits.
"""

from __future__ import annotations

import pytest

from tests.test_store import make_record
from tuireader.store.query import parse_query
from tuireader.store.store import Store

# (number, title, text, published); the fillers never match "thuy dien".
HITS = [
    (1, "Thủy điện Sơn La tích nước", "Hồ thủy điện Sơn La tích nước sớm.", "2024-03-05"),
    (2, "Tin ngắn buổi sáng", "Nhà máy thủy điện Hòa Bình xả lũ.", "2024-03-07"),
    (3, "Tin ngắn buổi chiều", "Nha may thuy dien Lai Chau van hanh.", "2024-03-06"),
    (4, "Thuy dien nho o mien nui", "Cac du an thuy dien nho bi ra soat.", "2024-03-01"),
    (5, "Điện gió ngoài khơi", "Dự án thủy điện tích năng và điện gió.", "2024-03-09"),
]
QUERIES = [
    "thủy điện",
    "thuy dien",
    "thuy di",
    "Thủy điện",
    "thủy điện is:unread",
    "thủy điện -tag:xem",
    "tag:xem",
    "-tag:xem thuy",
    "tag:xem is:bookmarked",
    "entity:Châu thuy",
    "is:bookmarked",
]


def _library(path, fillers: int) -> Store:
    store = Store.open(path)
    records = [make_record(100 + n, text=f"Bản tin số {n} về giá lúa gạo.") for n in range(fillers)]
    for n, title, text, published in HITS:
        entities = [{"key": "LOC:lai châu", "type": "LOC", "text": "Lai Châu", "count": 1}] if n == 3 else []
        records.append(make_record(n, title=title, text=text, published=published, entities=entities))
    store.put_articles(records)
    ids = {record.meta["title"]: record.id for record in records}
    store.update_meta([ids[HITS[1][1]], ids[HITS[3][1]]], lambda meta: {"read": True})
    store.update_meta([ids[HITS[0][1]], ids[HITS[2][1]]], lambda meta: {"tags": ["xem"]})
    store.update_meta([ids[HITS[2][1]], ids[HITS[4][1]]], lambda meta: {"bookmarked": True})
    return store


def _titles(store: Store, query: str) -> list[str]:
    parsed = parse_query(query)
    keys = {name: [] for name in parsed.entities}
    return [row.title for row in store.summary_rows(store.query_ids(parsed, keys))]


@pytest.fixture(scope="module")
def answers(tmp_path_factory):
    """Each query's titles: (among 400 fillers, alone)."""
    out: dict[str, tuple[list[str], ...]] = {q: () for q in QUERIES}
    for fillers in (400, 0):
        store = _library(tmp_path_factory.mktemp("lib"), fillers)
        try:
            for query in QUERIES:
                out[query] += (_titles(store, query),)
        finally:
            store.close()
    return out


@pytest.mark.parametrize("query", QUERIES)
def test_few_hits_among_many_come_in_the_order_most_hits_do(answers, query):
    among_many, alone = answers[query]
    assert among_many == alone


def test_search_ranks_exact_matches_first_newest_first_in_each_group(answers):
    among_many, _alone = answers["thủy điện"]
    assert among_many == [
        "Thủy điện Sơn La tích nước",  # typed exactly, in the title
        "Điện gió ngoài khơi",  # typed exactly, in the text: newest first
        "Tin ngắn buổi sáng",
        "Thuy dien nho o mien nui",  # folded, in the title
        "Tin ngắn buổi chiều",  # folded, in the text
    ]
    assert answers["thủy điện -tag:xem"][0] == ["Điện gió ngoài khơi", "Tin ngắn buổi sáng", "Thuy dien nho o mien nui"]
    assert answers["tag:xem is:bookmarked"][0] == ["Tin ngắn buổi chiều"]
    assert answers["entity:Châu thuy"][0] == ["Tin ngắn buổi chiều"]


def test_a_view_without_words_is_the_same_before_and_after_the_order_is_kept(tmp_path):
    store = _library(tmp_path / "lib", 400)
    try:
        views = ["", "is:unread", "tag:xem", "-tag:xem", "is:bookmarked", "tag:xem is:bookmarked", "entity:Châu"]
        asked = [store.query_ids(parse_query(v), {"Châu": []}) for v in views]
        store.prepare_search()
        assert store.index.order_loaded
        assert [store.query_ids(parse_query(v), {"Châu": []}) for v in views] == asked
        assert len(asked[0]) == 405 and len(asked[3]) == 403
    finally:
        store.close()


def test_an_index_of_version_13_is_upgraded_in_place_and_answers_the_same(tmp_path):
    from tuireader.store.index import INDEX_VERSION

    views = ["tag:xem", "-tag:xem", "entity:Châu", "entity:Châu thuy", "is:unread thuy", "site:vnexpress.net thuy"]
    store = _library(tmp_path / "lib", 400)
    try:
        asked = [_titles(store, v) for v in views]
        db = store.index.db
        db.executescript(  # the layout of version 13: links without full-text rows
            "DROP TABLE article_entities; CREATE TABLE article_entities (eid INTEGER NOT NULL, num INTEGER NOT NULL,"
            " PRIMARY KEY (eid, num)) WITHOUT ROWID; INSERT INTO article_entities SELECT value, a.num FROM articles a,"
            " json_each('[' || replace(a.eids, ' ', ',') || ']'); ALTER TABLE article_tags DROP COLUMN fts;"
            " DROP INDEX articles_counts; CREATE INDEX articles_counts ON articles (site, source, read, bookmarked);"
            " UPDATE info SET value = '13' WHERE key = 'index_version';"
        )
    finally:
        store.close()
    store = Store.open(tmp_path / "lib")
    try:
        assert store.index.rebuilt is None, "upgraded, not rebuilt"
        assert store.index.info("index_version") == str(INDEX_VERSION)
        assert [_titles(store, v) for v in views] == asked
        assert store.index.db.execute("SELECT count(*) FROM article_entities WHERE fts = 0").fetchone()[0] == 0
    finally:
        store.close()


def test_a_body_folded_ahead_gives_the_same_full_text_columns():
    from tuireader.store.index import body_values, text_values

    title, body = "Hoà bình ở Thủy Nguyên", "Người dân xã Hòa Bình đón tin vui: đường mới thông xe từ ngày 2/9."
    assert text_values(title, body, body_values(body)) == text_values(title, body)
