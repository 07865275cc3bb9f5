"""Stories in the reader: each story once in the list, expanded in place, read as a whole,
"Cùng sự kiện" under the article with [ and ], the Stories source, and grouping turned off.

The library holds one story told by three stored articles (a re-publication and a rewrite
folded with the original; see ``tests/stories_support.py``), a distractor and the five
sample articles, which are five events and must never be grouped.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.stories_support import DISTRACTOR, build_story_library
from tests.test_ui_support import main_screen, make_app, run, settle, strip_lines, until, until_notified
from tuireader.library import Library
from tuireader.ui.widgets.article_list import ArticleList
from tuireader.ui.widgets.article_view import SAME_STORY, ArticleView
from tuireader.ui.widgets.source_tree import SourceTree

pytestmark = pytest.mark.anyio

STORY = ["d-yagi-c1", "d-yagi-r1", "d-yagi-r2"]  # the stored articles of the story, earliest first


@pytest.fixture(scope="session")
def _template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    root = tmp_path_factory.mktemp("ui-stories") / "library"
    return root, build_story_library(root)


@pytest.fixture
def stories(_template, tmp_path):
    """(the open library, the id of each test article by label)."""
    root, ids = _template
    target = tmp_path / "library"
    shutil.copytree(root, target, ignore=shutil.ignore_patterns("*.lock"))
    library = Library.open(target)
    yield library, ids
    library.close()


async def _story_row(pilot) -> int:
    """Settle, then put the list's cursor on the story's row (the last row: its articles are the oldest)."""
    await settle(pilot)
    await pilot.press("G")
    return main_screen(pilot.app).query_one(ArticleList).cursor


async def test_the_list_shows_the_story_once_with_its_other_outlets(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await _story_row(pilot)
        screen = main_screen(app)
        assert screen.article_ids[-1] == ids["d-yagi-c1"]
        assert len(screen.article_ids) == len(ids) - 2  # the story's two other articles are folded
        assert not set(screen.article_ids) & {ids["d-yagi-r1"], ids["d-yagi-r2"]}
        lines = strip_lines(screen.query_one(ArticleList))
        marked = [line for line in lines if "+2 nguồn" in line]
        assert len(marked) == 1 and "Siêu bão Yagi" in marked[0]


async def test_x_expands_the_story_in_place_and_collapses_it_again(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        row = await _story_row(pilot)
        screen = main_screen(app)
        folded = list(screen.article_ids)
        await pilot.press("x")
        assert screen.article_ids[row:] == [ids[k] for k in ("d-yagi-c1", "d-yagi-r2", "d-yagi-r1")]
        assert screen.article_ids[:row] == folded[:row]
        lines = strip_lines(screen.query_one(ArticleList))
        assert sum("└" in line for line in lines) == 2 and any("▾ +2 nguồn" in line for line in lines)
        await pilot.press("j", "x")  # from one of its articles: the story folds back, the cursor on its row
        assert screen.article_ids == folded
        assert screen.query_one(ArticleList).cursor == row


async def test_in_a_small_terminal_the_expanded_articles_come_into_view(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path)
    async with run(app, (80, 24)) as pilot:
        await _story_row(pilot)
        screen = main_screen(app)
        await pilot.press("x")
        lines = strip_lines(screen.query_one(ArticleList))
        assert sum("└" in line for line in lines) == 2 and any("▾ +2 nguồn" in line for line in lines), lines
        status = str(screen.query_one("#status").render())
        assert f"{len(ids)} articles" in status, status  # every article of the view, not the rows


async def test_a_click_on_the_mark_expands_the_story(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        row = await _story_row(pilot)
        articles = main_screen(app).query_one(ArticleList)
        start, _end = articles._mark_cells[ids["d-yagi-c1"]]
        region = articles.content_region
        await pilot.click(offset=(region.x + start + 1, region.y + row - int(articles.scroll_y)))
        assert len(main_screen(app).article_ids) == len(ids)
        assert main_screen(app).article is None  # the click expanded; it opened nothing


async def test_r_on_a_folded_story_marks_every_article_of_it_read(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await _story_row(pilot)
        await pilot.press("r")
        await until_notified(pilot, "Story of 3 articles marked read.")
        assert all(library.article(ids[k]).read for k in STORY)
        assert not library.article(ids[DISTRACTOR]).read
        await pilot.press("x", "j", "r")  # expanded: one article at a time
        await until_notified(pilot, "Marked unread.")
        assert [library.article(ids[k]).read for k in STORY] == [True, True, False]


async def test_the_article_names_its_story_and_brackets_move_through_it(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await _story_row(pilot)
        await pilot.press("enter")
        screen = main_screen(app)
        view = screen.query_one(ArticleView)
        await until(pilot, lambda: SAME_STORY in view.plain_lines(), "the Cùng sự kiện section")
        tail = view.plain_lines()[view.plain_lines().index(SAME_STORY) :]
        assert any(line.startswith("tuoitre.vn · 07/09/2024 17:30 · Bão số 3 quần thảo Hạ Long") for line in tail)
        assert any(line.startswith("thanhnien.vn · 07/09/2024 19:00 · ") for line in tail)
        await pilot.press("right_square_bracket")
        assert screen.article is not None and screen.article.id == ids["d-yagi-r1"]
        assert screen.query_one(ArticleList).current_id == ids["d-yagi-r1"]  # the list follows, the story expanded
        assert "Siêu bão Yagi" in "\n".join(view.plain_lines()[view.plain_lines().index(SAME_STORY) :])
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert screen.article.id == ids["d-yagi-r2"]
        await until_notified(pilot, "The last article of this story.")
        await pilot.press("left_square_bracket", "left_square_bracket")
        assert screen.article.id == ids["d-yagi-c1"]


async def test_a_sample_article_has_no_story(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        sample = ids["000_af6f8fecb0776f9f"]
        assert screen.query_one(ArticleList).move_to(sample)
        await pilot.press("enter")
        assert screen.article is not None and screen.article.id == sample
        assert screen.same_story == () and SAME_STORY not in screen.query_one(ArticleView).plain_lines()
        await pilot.press("right_square_bracket")
        await until_notified(pilot, "shares its story with no other")


async def test_the_stories_source_lists_the_story_by_its_entities_and_opens_it(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        tree = screen.query_one(SourceTree)
        entries = [entry for entry in screen.sources if entry.section == "Stories"]
        assert len(entries) == 1 and "Hải Phòng" in entries[0].label and entries[0].total == 3
        tree.post_message(SourceTree.Selected(tree, entries[0]))
        await until(pilot, lambda: screen.view_query.startswith("story:"), "the story's view")
        await settle(pilot)
        assert sorted(screen.article_ids) == sorted(ids[k] for k in STORY)
        assert screen.story_marks == {}  # a story's own view lists every article of it


async def test_grouping_is_toggled_per_view(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        await pilot.press("X")
        await until_notified(pilot, "Every article, stories not grouped.")
        assert len(screen.article_ids) == len(ids) and screen.story_marks == {}
        await pilot.press("X")
        assert len(screen.article_ids) == len(ids) - 2


async def test_group_stories_false_in_config_turns_grouping_off(stories, tmp_path):
    library, ids = stories
    app = make_app(library, tmp_path, config="group_stories = false\n")
    async with run(app) as pilot:
        await _story_row(pilot)
        screen = main_screen(app)
        assert len(screen.article_ids) == len(ids) and screen.story_marks == {}
        assert not [entry for entry in screen.sources if entry.section == "Stories"]
        await pilot.press("x")
        await until_notified(pilot, "group_stories = false")
        await pilot.press("enter")
        assert screen.same_story == ()


async def test_the_five_sample_articles_are_never_grouped(library, tmp_path):
    app = make_app(library, tmp_path)
    async with run(app) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        assert screen.story_marks == {} and len(screen.article_ids) == 6


async def test_a_library_whose_grouping_is_due_is_grouped_after_the_first_paint(tmp_path):
    root = tmp_path / "library"
    ids = build_story_library(root, group_stories=False)
    with Library.open(root) as library:
        app = make_app(library, tmp_path)
        async with run(app) as pilot:
            await settle(pilot)
            screen = main_screen(app)
            assert ids["d-yagi-c1"] in screen.article_ids
            assert not {ids["d-yagi-r1"], ids["d-yagi-r2"]} & set(screen.article_ids)  # folded under it
            assert not library.stories_need_rebuild()
