"""Stories through the library and the command line, on a library with known stories (real files)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.stories_support import COPY_SITE, DISTRACTOR, build_story_library
from tuireader.library import Library

SAMPLES = ["000_af6f8fecb0776f9f", "001_f3f0c5212c1f1538", "002_406376cbe7d86ae0", "003_88d42bd29b8f9cef",
           "004_86bafeeedd454cec"]  # fmt: skip
# The cleaner strips the two re-publications' boilerplate: their text is the original's, stored once
# (as the first of them imported, d-yagi-c1); the rewrites are stored on their own.
STORED = ["d-yagi-c1", "d-yagi-r1", "d-yagi-r2"]


@pytest.fixture(scope="session")
def _stories_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("stories") / "library"
    return root, build_story_library(root)


@pytest.fixture
def story_library(_stories_template, tmp_path) -> tuple[Path, dict[str, str]]:
    root, ids = _stories_template
    target = tmp_path / "library"
    shutil.copytree(root, target, ignore=shutil.ignore_patterns("*.lock"))
    return target, ids


def test_one_event_from_three_outlets_is_one_story_and_other_events_stay_apart(story_library):
    root, ids = story_library
    with Library.open(root) as library:
        story = library.story_of(ids["d-yagi-c1"])
        assert story is not None
        assert {a.id for a in library.story_articles(story)} == {ids[k] for k in STORED}
        for label in [DISTRACTOR, *SAMPLES]:
            assert library.story_of(ids[label]) is None, label


def test_an_exact_copy_is_stored_once_and_records_its_outlet(story_library):
    root, ids = story_library
    with Library.open(root) as library:
        assert "d-yagi" not in ids and "d-yagi-c2" not in ids  # not listed twice
        article = library.article(ids["d-yagi-c1"])
        assert article.site == "baoquangninh.vn"
        assert sorted(article.outlets) == sorted(["vnexpress.net", "forum-otofun.net", COPY_SITE])


def test_the_list_folds_a_story_into_one_row_with_its_other_outlets(story_library):
    root, ids = story_library
    with Library.open(root) as library:
        rows = library.fold_stories(library.query_ids(""))
        assert len(rows) == len(ids) - 2
        row = next(r for r in rows if r.story is not None)
        assert {row.id, *row.folded} == {ids[k] for k in STORED}
        assert row.other_sources == 2


def test_stories_lists_them_largest_first_with_outlets_and_entities(story_library):
    root, ids = story_library
    with Library.open(root) as library:
        assert library.stories(since_days=3) == []  # the test articles are from 2024
        (story,) = library.stories(since_days=None)
        assert story.size == 3 and [a.id for a in story.articles][0] == ids["d-yagi-c1"]
        assert set(story.outlets) == {"baoquangninh.vn", "tuoitre.vn", "thanhnien.vn"}
        assert "Hải Phòng" in story.names


def test_articles_imported_with_grouping_off_are_grouped_by_a_rebuild(tmp_path):
    root = tmp_path / "library"
    ids = build_story_library(root, group_stories=False)
    with Library.open(root, group_stories=False) as library:
        assert library.story_of(ids["d-yagi-r1"]) is None
        assert library.fold_stories([ids["d-yagi-r1"]])[0].story is None
        assert not library.stories_need_rebuild()  # off: nothing is due
    with Library.open(root) as library:
        assert library.stories_need_rebuild()
        assert library.ensure_stories()
        assert library.story_of(ids["d-yagi-r1"]) == library.story_of(ids["d-yagi-r2"]) is not None
        assert not library.stories_need_rebuild()


def test_a_lost_index_is_rebuilt_with_its_stories(story_library):
    root, ids = story_library
    (root / "index.sqlite").unlink()
    with Library.open(root) as library:
        assert library.ensure_stories()
        assert library.story_of(ids["d-yagi-c1"]) == library.story_of(ids["d-yagi-r1"]) is not None
        assert library.story_of(ids[SAMPLES[0]]) is None


def test_cli_stories_json_lists_the_story_with_its_article_ids(story_library):
    root, ids = story_library
    done = run_cli("stories", "--since", "all", "--json", library=root)
    assert done.returncode == 0, done.stderr
    (story,) = json.loads(done.stdout)
    assert {a["id"] for a in story["articles"]} == {ids[k] for k in STORED}
    assert story["size"] == 3 and set(story["outlets"]) == {"baoquangninh.vn", "tuoitre.vn", "thanhnien.vn"}
    assert "Hải Phòng" in story["entities"]
    recent = run_cli("stories", "--json", library=root)
    assert json.loads(recent.stdout) == []


def test_cli_stories_groups_a_library_again_when_its_grouping_is_due_and_says_so(tmp_path):
    root = tmp_path / "library"
    ids = build_story_library(root, group_stories=False)
    done = run_cli("stories", "--since", "all", "--json", library=root)
    assert done.returncode == 0, done.stderr
    assert b"the stories were grouped again" in done.stderr and b"Traceback" not in done.stderr
    (story,) = json.loads(done.stdout)
    assert {a["id"] for a in story["articles"]} == {ids[k] for k in STORED}
    again = run_cli("stories", "--since", "all", "--json", library=root)
    assert b"grouped again" not in again.stderr and json.loads(again.stdout) == [story]


def test_cli_stories_text_names_each_article(story_library):
    root, ids = story_library
    done = run_cli("stories", "--since", "all", library=root)
    out = done.stdout.decode()
    assert "3 bài · 3 nguồn" in out
    for label in STORED:
        assert ids[label] in out
    assert run_cli("stories", "--since", "soon", library=root).returncode == 2


def test_cli_stories_says_so_when_no_story_falls_in_the_span(story_library):
    root, _ids = story_library
    done = run_cli("stories", "--since", "12h", library=root)
    assert done.returncode == 0 and not done.stdout
    assert (
        done.stderr.decode()
        == "tuireader: no story of two or more articles in the last 12 hours; the list shows every article once\n"
    )


def test_cli_show_names_the_other_articles_of_the_story(story_library):
    root, ids = story_library
    out = run_cli("show", ids["d-yagi-r1"], library=root).stdout.decode()
    tail = out.split("Cùng sự kiện:", 1)[1]
    assert ids["d-yagi-c1"] in tail and ids["d-yagi-r2"] in tail and ids["d-yagi-r1"] not in tail
    assert "thanhnien.vn" in tail and "2024-09-07 19:00" in tail
    data = json.loads(run_cli("show", ids["d-yagi-r1"], "--json", library=root).stdout)
    assert {a["id"] for a in data["same_story"]} == {ids["d-yagi-c1"], ids["d-yagi-r2"]}
    sample = run_cli("show", ids[SAMPLES[0]], library=root).stdout.decode()
    assert "Cùng sự kiện" not in sample


def test_group_stories_false_in_config_turns_grouping_off(story_library, tmp_path):
    root, ids = story_library
    config = tmp_path / "config.toml"
    config.write_text("group_stories = false\n", encoding="utf-8")
    env = {"TUIREADER_CONFIG": str(config)}
    out = run_cli("show", ids["d-yagi-r1"], library=root, env=env).stdout.decode()
    assert "Cùng sự kiện" not in out
    done = run_cli("stories", "--since", "all", "--json", library=root, env=env)
    assert json.loads(done.stdout) == [] and b"grouping is off" in done.stderr


def test_a_republication_with_other_boilerplate_is_folded_and_never_listed_twice(tmp_path):
    """Stored apart (its text differs by a line), a copy stays under its original even when the story shows."""
    from types import SimpleNamespace

    from tests.stories_support import ARTICLES
    from tuireader.library.importing import build_record
    from tuireader.ui.screens.reader_state import same_story_lines

    original, rewrite = (next(a for a in ARTICLES if a["id"] == k) for k in ("d-yagi", "d-yagi-r1"))
    copy = {**original, "site": "baoquangninh.vn", "published": "2024-09-07T16:00:00+07:00",
            "text": original["text"] + "\n\nTheo VnExpress"}  # fmt: skip
    with Library.open(tmp_path / "library") as library:
        ids = []
        for item in (original, copy, rewrite):
            fields = {k: item[k] for k in ("title", "site", "published", "text")}
            cleaned = SimpleNamespace(lead=None, warnings=[], lang="vi", author=None, url=None, **fields)
            ids.append(library.add_document(build_record(b"", cleaned=cleaned, source="Test"))[0])
        (row,) = library.fold_stories(library.query_ids(""))
        assert row.id == ids[0] and set(row.folded) == {ids[1], ids[2]} and row.copies == (ids[1],)
        articles = library.story_articles(row.story)
        assert [a.copy_of for a in articles] == [None, ids[0], None]
        lines = same_story_lines(articles, ids[2])  # from the rewrite: the original once, with its copy's outlet
        assert [(a.id, a.site) for a in lines] == [(ids[0], "vnexpress.net, baoquangninh.vn")]
        lines = same_story_lines(articles, ids[0])  # from the original: its copy named as one
        assert [a.title.startswith("đăng lại bài này") for a in lines] == [True, False]


def test_entities_found_again_regroup_the_articles(story_library):
    root, ids = story_library
    with Library.open(root) as library:
        story = library.story_of(ids["d-yagi-c1"])
        assert library.recompute_entities([ids["d-yagi-r1"], ids[SAMPLES[0]]]) == 2
        assert library.story_of(ids["d-yagi-r1"]) == story
        assert library.story_of(ids[SAMPLES[0]]) is None and not library.stories_need_rebuild()
