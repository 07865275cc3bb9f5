"""The story tables: kept in the caller's SQLite database, incremental, removable, rebuildable."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.test_stories import CALL, CALL_NAMES, STORM, STORM_NAMES, STORM_REWRITE, article, storm
from tuireader.stories import Settings, StoryIndex, tables
from tuireader.stories.sketch import band_keys
from tuireader.stories.window import Window

REWRITE = article(2, "Nghệ An sơ tán 12.000 dân", STORM_REWRITE, "2025-07-22T16:00:00+07:00", "tuoitre.vn", STORM_NAMES)
COPY = article(
    3, "Bão số 3 đổ bộ", f"{STORM}\n\nTheo VnExpress", "2025-07-22T15:00:00+07:00", "baonghean.vn", STORM_NAMES
)
CALL_ARTICLE = article(20, "Ngoại trưởng Nga, Mỹ điện đàm", CALL.format(day="29/7"), "2022-07-30T07:00:00+07:00",
                       "vgt.vn", CALL_NAMES)  # fmt: skip
ALL = [storm(), REWRITE, COPY, CALL_ARTICLE]


def connect(path: Path | str = ":memory:") -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def partition(index: StoryIndex, docs) -> set[frozenset[str]]:
    groups: dict[str | None, set[str]] = {}
    for doc in docs:
        groups.setdefault(index.story_of(doc.id), set()).add(doc.id)
    return {frozenset(g) for g in groups.values()}


def count(conn: sqlite3.Connection, table: str) -> int:
    return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_the_tables_live_in_the_given_database_and_persist(tmp_path):
    path = tmp_path / "index.sqlite"
    StoryIndex(connect(path)).add_articles(ALL)
    again = StoryIndex(connect(path))
    assert again.story_of(REWRITE.id) == again.story_of(storm().id) != again.story_of(CALL_ARTICLE.id)
    names = {row[0] for row in connect(path).execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"story_docs", "story_bands", "story_units", "story_info"} <= names


def test_new_tables_need_a_rebuild_until_one_ran():
    index = StoryIndex(connect())
    assert index.needs_rebuild()
    assert index.rebuild([]) == 0
    assert not index.needs_rebuild()


def test_grouping_left_behind_can_be_marked_for_a_rebuild():
    index = StoryIndex(connect())
    index.rebuild(ALL)
    index.mark_stale()
    assert index.needs_rebuild()


def test_other_settings_start_the_tables_over():
    conn = connect()
    StoryIndex(conn).rebuild(ALL)
    index = StoryIndex(conn, Settings(bands=4))
    assert index.needs_rebuild() and index.story_of(storm().id) is None


def test_tables_of_an_older_layout_are_made_again_and_rebuilt():
    conn = connect()
    conn.execute("CREATE TABLE story_info (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("CREATE TABLE story_units (unit TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID")
    conn.execute("INSERT INTO story_units VALUES ('nghe an', 3)")
    conn.execute("INSERT INTO story_info VALUES ('version', '2:old'), ('complete', '1')")
    index = StoryIndex(conn)
    assert index.needs_rebuild()
    index.rebuild(ALL)
    assert index.story_of(REWRITE.id) == index.story_of(storm().id) != index.story_of(CALL_ARTICLE.id)


def test_the_window_holds_the_articles_of_its_time_and_those_without_one():
    undated = article(7, "Bão số 3", STORM, None, "soha.vn", STORM_NAMES)
    index = StoryIndex(connect())
    index.add_articles([*ALL, undated])
    rows = tables.rows(index.conn, [storm().num, CALL_ARTICLE.num])
    names = [u for u in rows[storm().num].units if tables.is_name(u)]
    window = Window(index.conn, index.settings)
    near = rows[storm().num].t
    window.move_to(near)
    assert window.by_names(names, near, 50) == {storm().num, REWRITE.num, COPY.num, undated.num}
    later = near + 10 * 86400.0
    window.move_to(later)  # the storm's articles left the window; the undated one stays
    assert window.by_names(names, later, 50) == {undated.num}
    window.move_to(rows[CALL_ARTICLE.num].t)  # back in time: read again
    assert window.by_names(names, rows[CALL_ARTICLE.num].t, 50) == {undated.num}
    window.move_to(near)
    assert window.by_names(names, near, 2) <= {storm().num, REWRITE.num, COPY.num}  # the nearest first


def test_adding_one_by_one_in_any_order_groups_as_a_rebuild_does():
    rebuilt = StoryIndex(connect())
    rebuilt.rebuild(ALL)
    one_by_one = StoryIndex(connect())
    for doc in reversed(ALL):
        one_by_one.add_articles([doc])
    assert partition(one_by_one, ALL) == partition(rebuilt, ALL)
    assert len(partition(rebuilt, ALL)) == 2


def test_adding_an_article_again_replaces_it():
    index = StoryIndex(connect())
    index.add_articles(ALL)
    sizes = {table: count(index.conn, table) for table in ("story_docs", "story_bands")}
    index.add_articles([REWRITE])
    assert {table: count(index.conn, table) for table in sizes} == sizes


def test_removing_articles_leaves_no_rows_and_keeps_the_story():
    index = StoryIndex(connect())
    index.add_articles(ALL)
    story = index.story_of(storm().id)
    index.remove([REWRITE.id, CALL_ARTICLE.id])
    assert index.story_of(REWRITE.id) is None
    assert [m.id for m in index.members(story)] == [storm().id, COPY.id]
    index.remove([storm().id, COPY.id])
    for table in ("story_docs", "story_bands", "story_units"):
        assert count(index.conn, table) == 0, table


def test_removing_the_original_makes_its_first_copy_the_original():
    second_copy = article(4, "Bão", f"{STORM}\n\nNguồn: VnExpress", "2025-07-22T17:00:00+07:00", "soha.vn", STORM_NAMES)
    index = StoryIndex(connect())
    index.add_articles([storm(), COPY, second_copy])
    index.remove([storm().id])
    members = {m.id: m.copy_of for m in index.members(index.story_of(COPY.id))}
    assert members == {COPY.id: None, second_copy.id: COPY.id}


def test_a_rebuild_starts_from_scratch():
    index = StoryIndex(connect())
    index.add_articles(ALL)
    assert index.rebuild([CALL_ARTICLE]) == 1
    assert index.story_of(storm().id) is None and index.story_of(CALL_ARTICLE.id) == CALL_ARTICLE.id


def test_it_works_inside_the_callers_transaction():
    conn = connect()
    index = StoryIndex(conn)
    conn.execute("BEGIN")
    index.add_articles(ALL)
    conn.execute("ROLLBACK")
    assert index.story_of(storm().id) is None
    conn.execute("BEGIN")
    index.add_articles(ALL)
    conn.execute("COMMIT")
    assert index.story_of(REWRITE.id) == index.story_of(storm().id)


def test_opening_inside_a_transaction_leaves_it_to_the_caller():
    conn = connect()
    conn.execute("CREATE TABLE other (x)")
    conn.execute("BEGIN")
    conn.execute("INSERT INTO other VALUES (1)")
    StoryIndex(conn)
    conn.execute("ROLLBACK")
    assert count(conn, "other") == 0


def test_stories_are_listed_largest_first_with_their_articles_and_names():
    index = StoryIndex(connect())
    index.add_articles(ALL)
    (story,) = index.stories()
    assert story.id == index.story_of(storm().id)
    assert [m.id for m in story.members] == [storm().id, COPY.id, REWRITE.id]
    assert story.size == 3 and story.sources == 3
    assert "Nghệ An" in story.names
    assert len(index.stories(min_size=1)) == 2
    assert index.stories(since=story.last + 1) == []


def test_others_names_the_rest_of_the_story():
    index = StoryIndex(connect())
    index.add_articles(ALL)
    assert {m.id for m in index.others(REWRITE.id)} == {storm().id, COPY.id}
    assert index.others(CALL_ARTICLE.id) == [] and index.others("ffffffffffff") == []


def test_a_list_is_folded_to_one_row_per_story_in_place():
    index = StoryIndex(connect())
    index.add_articles(ALL)
    unknown = "ffffffffffff"
    rows = index.fold([COPY.id, CALL_ARTICLE.id, REWRITE.id, unknown, storm().id])
    assert [row.id for row in rows] == [storm().id, CALL_ARTICLE.id, unknown]
    first = rows[0]
    assert set(first.folded) == {COPY.id, REWRITE.id}
    assert first.other_sources == 2
    assert (rows[2].story, rows[2].folded) == (None, ())


def test_a_copy_is_never_the_row_shown():
    index = StoryIndex(connect())
    index.add_articles([storm(), COPY])
    (row,) = index.fold([COPY.id])
    assert row.id == COPY.id  # alone in the list it is shown...
    (row,) = index.fold([COPY.id, storm().id])
    assert row.id == storm().id  # ...but never instead of its original


@pytest.mark.parametrize("bad", [[], [storm()]])
def test_removing_unknown_articles_is_harmless(bad):
    index = StoryIndex(connect())
    index.add_articles(bad)
    index.remove(["ffffffffffff"])
    assert index.add_articles([]) == []


def test_candidate_rows_kept_in_a_tiny_cache_group_as_without_one(monkeypatch):
    import tuireader.stories.index as story_index

    plain = StoryIndex(connect())
    plain.rebuild(ALL)
    monkeypatch.setattr(story_index, "_CACHED_ROWS", 0)  # the cache starts over at every look-up
    tiny = StoryIndex(connect())
    tiny.rebuild(ALL)
    for doc in ALL:
        tiny.add_articles([doc])  # each placed again against rows read before and after a start-over
    assert partition(tiny, ALL) == partition(plain, ALL)


def test_a_row_another_connection_changed_is_read_again(tmp_path):
    path = tmp_path / "index.sqlite"
    mine, theirs = StoryIndex(connect(path)), StoryIndex(connect(path))
    call_copy = article(21, "Ngoại trưởng Nga, Mỹ điện đàm", CALL.format(day="29/7"), "2022-07-30T08:00:00+07:00",
                        "baoquocte.vn", CALL_NAMES)  # fmt: skip
    mine.add_articles([CALL_ARTICLE, call_copy])  # the call is read as the copy's candidate, and kept
    # Elsewhere the same article is stored again, now a storm report.
    theirs.add_articles([article(20, "Bão số 3", STORM, "2025-07-22T15:30:00+07:00", "vgt.vn", STORM_NAMES)])
    mine.add_articles([REWRITE])  # read afresh, the storm report is the rewrite's story
    assert mine.story_of(REWRITE.id) == mine.story_of(CALL_ARTICLE.id)


def _published(times: int) -> tuple[StoryIndex, list]:
    """One text published ``times`` times, a day apart, grouped with a look-up limit of 3."""
    copies = [
        article(100 + n, "Bão số 3", f"{STORM}\n\nNguồn {n}", f"2025-{1 + n // 28:02d}-{1 + n % 28:02d}T08:00:00+07:00",
                "a.vn", STORM_NAMES)
        for n in range(times)
    ]  # fmt: skip
    index = StoryIndex(connect(), Settings(max_candidates=3))
    index.rebuild(copies)
    return index, copies


def _vm_steps(conn: sqlite3.Connection, work, *args):
    """How many SQLite virtual-machine steps ``work(*args)`` took on ``conn``, and its result."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    conn.set_progress_handler(count, 1)
    try:
        result = work(*args)
    finally:
        conn.set_progress_handler(None, 1)
    return steps[0], result


def test_a_text_published_more_often_than_the_look_up_limit_is_still_found_as_a_copy():
    index, copies = _published(12)
    late = article(200, "Bão số 3", f"{STORM}\n\nNguồn muộn", "2025-07-30T08:00:00+07:00", "b.vn", STORM_NAMES)
    index.add_articles([late])
    (copied,) = [m.copy_of for m in index.members(index.story_of(late.id)) if m.id == late.id]
    assert copied in {doc.id for doc in copies}


def test_the_copy_look_up_reads_no_more_for_a_text_published_many_times():
    costs = []
    for times in (12, 48):
        index, copies = _published(times)
        s = index.settings
        keys = band_keys(index._features(copies[0]).sig, s.copy_bands, s.copy_rows, start=s.bands * s.rows)
        cost, found = _vm_steps(index.conn, tables.by_bands, index.conn, keys, None, 3)
        costs.append(cost)
        assert 0 < len(found) <= 3
    assert costs[1] < costs[0] * 1.5  # four times the copies; without the bound, about four times the work
