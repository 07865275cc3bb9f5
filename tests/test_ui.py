"""Pilot tests of the reader UI on a real library holding the sample corpus.

Each test waits for what it checks (``settle``, ``until``, a notification on
screen), never for a while; the fixtures are in ``conftest.py``.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass

import pytest
from rich.text import Text
from textual.app import App

from tuireader.library import Library
from tuireader.ui.app import TuiReaderApp
from tuireader.ui.commands import COMMANDS
from tuireader.ui.screens.dialogs import ConfirmScreen
from tuireader.ui.screens.help import HelpScreen
from tuireader.ui.screens.main import MainScreen
from tuireader.ui.widgets.article_list import ArticleList
from tuireader.ui.widgets.article_view import ArticleView
from tuireader.ui.widgets.entity_panel import EntityPanel
from tuireader.ui.widgets.source_tree import SourceTree

from .test_ui_support import (
    MARKUP_TITLE,
    WAIT_LIMIT,
    click_when_drawn,
    main_screen,
    make_app,
    prompt_input,
    run,
    settle,
    shown_notifications,
    strip_lines,
    until,
    until_notified,
    until_palette_lists,
    walk_sources_to,
)

pytestmark = pytest.mark.anyio


async def test_opens_showing_every_article_title(library, tmp_path):
    ids = library.query_ids("")
    titles = [row.title for row in library.summaries(ids)]
    assert len(titles) == 6
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        articles = pilot.app.screen.query_one(ArticleList)
        assert articles.ids == ids
        shown = "\n".join(strip_lines(articles))
        for title in titles:
            assert title[:30] in shown
        assert pilot.app.focused is articles


async def test_j_and_k_move_the_cursor(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        articles = pilot.app.screen.query_one(ArticleList)
        assert articles.cursor == 0
        await pilot.press("j", "j")
        assert articles.cursor == 2
        await pilot.press("k")
        assert articles.cursor == 1
        await pilot.press("down")
        assert articles.cursor == 2
        assert main_screen(pilot.app).current_id == articles.ids[2]
        await pilot.press("k", "k", "k", "k")
        assert articles.cursor == 0


async def test_enter_opens_article_with_body_and_entities_and_marks_it_read(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        articles = screen.query_one(ArticleList)
        opened_id = articles.ids[1]
        await pilot.press("j", "enter")
        await settle(pilot)
        article = library.article(opened_id)
        view = screen.query_one(ArticleView)
        assert view.article.id == opened_id
        shown = " ".join(" ".join(view.plain_lines()).split())
        first_paragraph = next(p for p in article.text.split("\n") if len(p.split()) > 8)
        assert " ".join(first_paragraph.split()[:8]) in shown
        assert f"id {opened_id}" in shown  # the id the command line takes
        panel = screen.query_one(EntityPanel)
        entity_names = {str(e["text"]) for e in article.entities}
        assert entity_names, "the sample article should have entities"
        shown_options = [panel.get_option_at_index(i) for i in range(panel.option_count)]
        shown_names = {opt.prompt.plain.rsplit(" ×", 1)[0] for opt in shown_options if opt.id}
        assert shown_names == entity_names
        assert library.summaries([opened_id])[0].read is True
        row_text = strip_lines(articles)[1]
        assert "●" not in row_text


async def test_read_state_survives_a_restart(library_path, tmp_path):
    lib = Library.open(library_path)
    async with run(make_app(lib, tmp_path)) as pilot:
        await settle(pilot)
        articles = pilot.app.screen.query_one(ArticleList)
        opened_id = articles.ids[2]
        await pilot.press("j", "j", "enter")
        assert main_screen(pilot.app).article.id == opened_id
        await settle(pilot)
        await pilot.press("q")
    lib.close()

    reopened = Library.open(library_path)
    try:
        async with run(make_app(reopened, tmp_path)) as pilot:
            await settle(pilot)
            articles = pilot.app.screen.query_one(ArticleList)
            index = articles.ids.index(opened_id)
            lines = strip_lines(articles)
            assert "●" not in lines[index]
            assert all("●" in line for i, line in enumerate(lines[: len(articles.ids)]) if i != index)
    finally:
        reopened.close()


async def test_n_and_p_walk_the_unread_articles(library, tmp_path):
    ids = library.query_ids("")
    library.set_read([ids[1]], True)
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        await pilot.press("n")  # nothing open yet: the unread article under the cursor
        assert screen.article.id == ids[0]
        await pilot.press("n")  # skips ids[1], already read
        assert screen.article.id == ids[2]
        await pilot.press("p")  # ids[1] is read, ids[0] was read by opening it
        assert screen.article.id == ids[2]
        library.set_read([ids[0]], False)
        await pilot.press("p")
        assert screen.article.id == ids[0]


async def test_bookmark_read_toggle_and_mark_view_read_with_undo(library, tmp_path):
    ids = library.query_ids("")
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        articles = pilot.app.screen.query_one(ArticleList)
        await pilot.press("b")
        assert library.summaries([ids[0]])[0].bookmarked is True
        assert "★" in strip_lines(articles)[0]
        await pilot.press("b")
        assert library.summaries([ids[0]])[0].bookmarked is False
        assert "★" not in strip_lines(articles)[0]

        await pilot.press("r")
        assert library.summaries([ids[0]])[0].read is True
        await pilot.press("r")
        assert library.summaries([ids[0]])[0].read is False

        await pilot.press("R")
        assert all(row.read for row in library.summaries(ids))
        assert not any("●" in line for line in strip_lines(articles))
        await until_notified(pilot, f"Marked {len(ids)} articles read. Press u to undo.")
        await pilot.press("u")
        assert not any(row.read for row in library.summaries(ids))
        assert all("●" in line for line in strip_lines(articles)[: len(ids)])


async def test_tags_dialog_adds_and_removes_tags(library, tmp_path):
    ids = library.query_ids("")
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        tree = pilot.app.screen.query_one(SourceTree)
        await pilot.press("t")
        await prompt_input(pilot, "Tags")
        await pilot.press(*"ngoai-giao, nga", "enter")
        await until(pilot, lambda: set(library.summaries([ids[0]])[0].tags) == {"ngoai-giao", "nga"}, "both tags")
        await settle(pilot)  # the sources are counted again in a worker
        assert any(entry.kind == "tag" and entry.label == "nga" for entry in tree.entries)
        await pilot.press("t")
        await prompt_input(pilot, "Tags")
        await pilot.press(*"-nga", "enter")
        await until(pilot, lambda: library.summaries([ids[0]])[0].tags == ("ngoai-giao",), "the tag nga removed")
        await settle(pilot)
        assert not any(entry.kind == "tag" and entry.label == "nga" for entry in tree.entries)
        # Completion: typing the start of a known tag suggests the rest.
        await pilot.press("j", "t")
        tags = await prompt_input(pilot, "Tags")
        await pilot.press("n", "g", "o")
        await until(
            pilot, lambda: "ngoai-giao" in strip_lines(tags)[0], "the completion shown", shown=lambda: strip_lines(tags)
        )
        await pilot.press("right", "enter")
        await until(pilot, lambda: library.summaries([ids[1]])[0].tags == ("ngoai-giao",), "the completed tag")


async def test_search_is_diacritic_insensitive_and_highlights_matches(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        # The list follows the search box as it is typed, without Enter.
        await pilot.press("slash", *"vuong nghi")
        await until(pilot, lambda: screen.search_text == "vuong nghi", "the list to follow the search box")
        assert screen.article_ids == library.query_ids("vuong nghi")
        assert 0 < len(screen.article_ids) < 6
        await pilot.press("enter")  # back to the list
        assert isinstance(pilot.app.focused, ArticleList)
        await pilot.press("enter")
        view = screen.query_one(ArticleView)
        text = view.article.text
        assert view.matches
        highlighted = {text[start:end].lower() for start, end in view.matches}
        assert highlighted & {"vương", "nghị"}
        await pilot.press("escape")
        assert screen.search_text == ""
        assert len(screen.article_ids) == 6


async def test_search_finds_accented_words_from_plain_query(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        await pilot.press("slash", *"hoan kiem")
        await until(pilot, lambda: screen.search_text == "hoan kiem", "the search to apply")
        titles = [row.title for row in library.summaries(screen.article_ids)]
        assert titles == [MARKUP_TITLE]


@pytest.fixture
def held_start_up(monkeypatch):
    """The start-up's second half waits until the test calls ``finish_startup``."""
    monkeypatch.setattr(MainScreen, "startup_follow_up_delay", 24 * 3600)


async def test_search_typed_before_the_start_up_finishes_is_not_lost(library, tmp_path, held_start_up):
    async with run(make_app(library, tmp_path)) as pilot:
        screen = main_screen(pilot.app)
        assert not screen.started  # the search box joins after the first frame
        await pilot.press("slash", *"vuong nghi", "enter")
        await pilot.pause()
        assert not screen.started
        screen.finish_startup()
        await settle(pilot)
        assert screen.search_text == "vuong nghi"
        assert screen.article_ids == library.query_ids("vuong nghi")
        assert len(screen.query("#search")) == 1


async def test_side_panes_can_be_focused_before_the_start_up_finishes(library, tmp_path, held_start_up):
    async with run(make_app(library, tmp_path)) as pilot:
        screen = main_screen(pilot.app)
        assert not screen.started and not screen.query(SourceTree)  # they join after the first frame
        await pilot.press("4")
        assert isinstance(pilot.app.focused, EntityPanel)
        await pilot.press("1")
        assert isinstance(pilot.app.focused, SourceTree)
        assert not screen.started
        screen.finish_startup()
        await settle(pilot)
        assert len(screen.query(SourceTree)) == len(screen.query(EntityPanel)) == 1
        assert screen.query_one(SourceTree).highlighted_entry.query == screen.view_query


async def test_an_article_opened_before_the_start_up_finishes_is_shown(library, tmp_path, held_start_up):
    async with run(make_app(library, tmp_path)) as pilot:
        screen = main_screen(pilot.app)
        assert not screen.started and not screen.query(ArticleView)  # it joins after the first frame
        opened_id = screen.query_one(ArticleList).ids[0]
        await pilot.press("enter")
        await until(pilot, lambda: screen.article is not None, "the article to open")
        await pilot.press("3", "space")
        assert isinstance(pilot.app.focused, ArticleView)
        assert not screen.started
        screen.finish_startup()
        await settle(pilot)
        view = screen.query_one(ArticleView)
        assert view.article.id == opened_id
        assert f"id {opened_id}" in " ".join(view.plain_lines())
        assert len(screen.query(ArticleView)) == 1


async def test_tab_and_number_keys_switch_regions(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        app = pilot.app
        for key, widget_id in (("1", "sources"), ("3", "article"), ("4", "entities"), ("2", "articles")):
            await pilot.press(key)
            assert app.focused is not None and app.focused.id == widget_id
        await pilot.press("tab")
        assert app.focused.id == "article"
        await pilot.press("tab")
        assert app.focused.id == "entities"
        await pilot.press("shift+tab", "shift+tab")
        assert app.focused.id == "articles"


async def test_selecting_a_source_shows_its_articles(library, tmp_path):
    site_query = "site:sggp.org.vn"
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)  # the sources are counted in a worker
        screen = main_screen(pilot.app)
        tree = screen.query_one(SourceTree)
        await walk_sources_to(pilot, tree, lambda entry: entry.query == site_query)
        await pilot.press("enter")
        await until(pilot, lambda: screen.view_query == site_query, f"the view {site_query}")
        assert screen.article_ids == library.query_ids(site_query)
        assert 0 < len(screen.article_ids) < 6


@pytest.fixture
def held_view_reads(monkeypatch, library):
    """A view longer than two rows is read whole in a worker, which waits until the test sets the event."""
    monkeypatch.setattr(MainScreen, "first_page_rows", 2)
    release = threading.Event()
    query_ids = library.query_ids

    def held(query: str = "", *, limit: int | None = None, order: str = "date") -> list[str]:
        if limit is None and threading.current_thread() is not threading.main_thread():
            assert release.wait(WAIT_LIMIT), "the test never let the view's worker go on"
        return query_ids(query, limit=limit, order=order)

    monkeypatch.setattr(library, "query_ids", held)
    return release


def _folded(library: Library, query: str = "") -> list[str]:
    return [row.id for row in library.fold_stories(library.query_ids(query))]


async def test_a_long_view_shows_its_first_rows_at_once_and_the_rest_once_read(library, tmp_path, held_view_reads):
    async with run(make_app(library, tmp_path)) as pilot:
        screen = main_screen(pilot.app)
        articles = screen.query_one(ArticleList)
        await until(pilot, lambda: screen.started, "the start-up to finish")
        first_page = _folded(library)[:2]
        assert articles.ids == first_page and screen._reading_view
        assert "6 articles" in str(screen.query_one("#status").render())
        await pilot.press("j", "enter")  # the keys do not wait for the view's worker
        assert screen.article is not None and screen.article.id == first_page[1]
        held_view_reads.set()
        await settle(pilot)
        assert articles.ids == _folded(library)
        assert articles.current_id == first_page[1]  # the cursor stays on its article


async def test_a_view_read_whole_after_the_reader_moved_on_is_not_shown(library, tmp_path, held_view_reads):
    async with run(make_app(library, tmp_path)) as pilot:
        screen = main_screen(pilot.app)
        await until(pilot, lambda: screen.started and screen._reading_view, "the whole view to be read in a worker")
        screen.apply_search("vuong nghi")
        assert screen.article_ids == _folded(library, "vuong nghi")
        held_view_reads.set()
        await settle(pilot)
        assert screen.article_ids == _folded(library, "vuong nghi")


async def test_help_lists_every_command(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen) and pilot.app.screen.rows, "the help")
        rows = {title: keys for keys, title, _help in pilot.app.screen.rows}
        for command in COMMANDS:
            assert command.title in rows
        assert rows["Next"] == "j, ↓"
        assert rows["Search"] == "/"
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, MainScreen), "the help to close")


async def test_keymap_from_config_remaps_commands(library, tmp_path):
    config = '[keymap]\nnext-unread = "x"\nhelp = "f1"\n'
    async with run(make_app(library, tmp_path, config)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        await pilot.press("n")
        assert screen.article is None
        await pilot.press("x")
        assert screen.article is not None
        await pilot.press("f1")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen) and pilot.app.screen.rows, "the help")
        rows = {title: keys for keys, title, _help in pilot.app.screen.rows}
        assert rows["Next unread"] == "x"
        assert rows["Help"] == "f1"


async def test_bad_config_is_reported_not_fatal(library, tmp_path):
    async with run(make_app(library, tmp_path, "theme = [\n")) as pilot:
        await settle(pilot)
        await until_notified(pilot, "not valid TOML")
        assert isinstance(pilot.app.screen, MainScreen)
        assert len(main_screen(pilot.app).article_ids) == 6


async def test_theme_change_is_saved_to_config(library, tmp_path):
    config = '[keymap]\nquit = "q"\n'
    saved = tmp_path / "config.toml"
    async with run(make_app(library, tmp_path, config)) as pilot:
        await settle(pilot)
        pilot.app.theme = "nord"
        await until(pilot, lambda: 'theme = "nord"' in saved.read_text(encoding="utf-8"), "the theme saved")
    text = saved.read_text(encoding="utf-8")
    assert text.startswith('theme = "nord"')
    assert '[keymap]\nquit = "q"' in text
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        assert pilot.app.theme == "nord"


async def test_markup_like_title_shows_literally_everywhere(library, tmp_path):
    [markup_id] = library.query_ids("hoan kiem")
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        articles = screen.query_one(ArticleList)
        assert articles.move_to(markup_id)
        row = strip_lines(articles)[articles.cursor]
        assert MARKUP_TITLE[:40] in row
        await pilot.press("enter")
        assert screen.article.id == markup_id
        lines = screen.query_one(ArticleView).plain_lines()
        assert lines[0] == MARKUP_TITLE
        assert "[i]site[/i]" in lines[1]
        assert any("[bold]thời tiết[/bold]" in line for line in lines)


async def test_entity_panel_shows_markup_like_names_literally(tmp_path):
    class PanelApp(App[None]):
        def compose(self):
            yield EntityPanel()

    entities = [
        {"text": "[red]Độc[/red]", "type": "PER", "count": 2, "key": "PER:x", "mentions": [[0, 3], [5, 8]]},
        {"text": "Hà Nội", "type": "LOC", "count": 5, "key": "LOC:ha noi", "mentions": [[10, 16]]},
        {"text": "Hải Phòng", "type": "LOC", "count": 7, "key": "LOC:hai phong", "mentions": [[20, 29]]},
    ]
    async with PanelApp().run_test(size=(40, 20)) as pilot:
        panel = pilot.app.query_one(EntityPanel)
        panel.entities = entities
        await until(pilot, lambda: panel.option_count > 0, "the panel to list the entities")
        prompts = [panel.get_option_at_index(i).prompt for i in range(panel.option_count)]
        plain = [p.plain if isinstance(p, Text) else str(p) for p in prompts]
        assert plain[0].startswith("Người")
        assert plain[1] == "[red]Độc[/red] ×2"
        # Locations: most mentioned first.
        location_rows = [p for p in plain if p.startswith(("Hà", "Hải"))]
        assert location_rows == ["Hải Phòng ×7", "Hà Nội ×5"]


async def test_entity_selection_highlights_mentions_and_pivot_opens_feed(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        panel = screen.query_one(EntityPanel)
        view = screen.query_one(ArticleView)
        await pilot.press("enter", "4", "down")
        await until(pilot, lambda: panel.highlighted_entity is not None and view.mentions, "an entity's mentions")
        text = view.article.text
        assert all(text[s:e] for s, e in view.mentions)
        assert len(view.mentions) > 1 and view.active == 0
        await pilot.press("m")
        assert view.active == 1
        await pilot.press("enter")
        await until(pilot, lambda: screen.view_query.startswith("entity:"), "the entity's feed")
        assert screen.article_ids == library.query_ids(screen.view_query)
        assert view.article.id in screen.article_ids
        await settle(pilot)
        tree = screen.query_one(SourceTree)
        assert any(entry.query == screen.view_query for entry in tree.entries)
        # Save the entity feed as a view.
        await pilot.press("s")
        await prompt_input(pilot, "Save view as")
        await pilot.press("enter")
        await until(
            pilot, lambda: any(saved["query"] == screen.view_query for saved in library.views()), "the view saved"
        )


async def test_read_only_library_refuses_changes_with_a_message(library_path, tmp_path):
    owner = Library.open(library_path)
    second = Library.open(library_path, read_only=True)
    try:
        assert second.read_only
        ids = second.query_ids("")
        async with run(make_app(second, tmp_path)) as pilot:
            await settle(pilot)
            await until_notified(pilot, "open read-only")  # said at start

            def times_said() -> int:
                return sum("open read-only" in shown for shown in shown_notifications(pilot.app))

            assert times_said() == 1
            await pilot.press("b")  # refused, saying why again
            await until(pilot, lambda: times_said() == 2, "the refusal", shown=lambda: shown_notifications(pilot.app))
            await pilot.press("enter")  # reading is allowed
            assert main_screen(pilot.app).article.id == ids[0]
        assert not owner.summaries([ids[0]])[0].bookmarked
        assert not owner.summaries([ids[0]])[0].read
    finally:
        second.close()
        owner.close()


@dataclass
class ListRow:
    id: str
    title: str
    site: str
    published: str | None
    read: bool
    bookmarked: bool


class ListApp(App[None]):
    """An article list alone, over rows made up on demand; ``requested`` holds how many each fetch asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.requested: list[int] = []

    def rows(self, ids: list[str]) -> list[ListRow]:
        self.requested.append(len(ids))
        return [ListRow(i, f"Tin số {i}", "vnexpress.net", "2024-05-31T08:00:00", False, False) for i in ids]

    def compose(self):
        yield ArticleList(self.rows)


HUGE = [str(n) for n in range(50_000)]


async def until_laid_out(pilot, articles: ArticleList) -> None:
    """Wait until the list has been laid out for its ids: its scrollbar shows."""
    await until(pilot, lambda: articles.show_vertical_scrollbar, "the list laid out with its scrollbar")


async def test_article_list_fetches_only_visible_rows_of_a_huge_list(tmp_path):
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        articles.ids = HUGE
        await until_laid_out(pilot, articles)
        assert "Tin số 0" in strip_lines(articles)[0]
        assert "31/05/2024" in strip_lines(articles)[0]
        await pilot.press("end")
        assert articles.cursor == 49_999
        assert "Tin số 49999" in strip_lines(articles)[-1]
        assert sum(app.requested) <= 4 * 30
        assert max(app.requested) <= 30


async def test_the_cursor_stays_in_view_when_it_moves_before_the_new_list_is_laid_out(tmp_path):
    app = ListApp()
    async with app.run_test(size=(100, 30)) as pilot:
        articles = app.query_one(ArticleList)
        articles.ids = HUGE
        articles.action_last()  # as a key handled before the next layout
        await until_laid_out(pilot, articles)
        assert articles.cursor == 49_999
        assert "Tin số 49999" in strip_lines(articles)[-1]


async def test_open_in_browser_without_url_notifies(library, tmp_path, monkeypatch):
    opened: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url: opened.append(url) or True)
    ids = library.query_ids("")
    with_url = next(i for i in ids if library.article(i).url)
    no_url = next(i for i in ids if not library.article(i).url)
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        articles = main_screen(pilot.app).query_one(ArticleList)
        assert articles.move_to(no_url)
        await pilot.press("o")
        await until_notified(pilot, "This article has no web address.")
        assert articles.move_to(with_url)
        await pilot.press("o")
        await until(pilot, lambda: opened, "the browser to be asked to open the address")
        assert opened == [library.article(with_url).url]


async def test_export_writes_the_view_as_markdown_or_json(library, tmp_path):
    target = tmp_path / "out" / "view.json"
    target.parent.mkdir()
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        path = await prompt_input(pilot, "Export 6 articles to")
        path.value = str(target)
        await pilot.press("enter")
        await until_notified(pilot, "Exported 6 articles to")
    exported = json.loads(target.read_text(encoding="utf-8"))
    assert sorted(item["id"] for item in exported) == sorted(library.query_ids(""))


async def test_command_palette_runs_registry_commands(library, tmp_path):
    first = library.query_ids("")[0]
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.press(*"bookm")
        await until_palette_lists(pilot, ["Bookmark"])
        await pilot.press("enter")
        await until(pilot, lambda: library.summaries([first])[0].bookmarked, "the article bookmarked")
        await until_notified(pilot, "Bookmarked.")


async def test_mouse_click_opens_an_article_and_selects_a_source(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        articles = screen.query_one(ArticleList)
        content = articles.content_region
        await pilot.click(offset=(content.x + 10, content.y + 2))
        await until(pilot, lambda: screen.article is not None, "the clicked article to open")
        assert screen.article.id == articles.ids[2]
        tree = screen.query_one(SourceTree)
        line = next(
            y
            for y in range(tree.last_line + 1)
            if tree.get_node_at_line(y) is not None and getattr(tree.get_node_at_line(y).data, "kind", "") == "unread"
        )
        drawn = await click_when_drawn(pilot, tree.content_region.x + 6, tree.content_region.y + line, "line")
        assert drawn == line
        await until(pilot, lambda: screen.view_query == "is:unread", "the Unread view", shown=lambda: screen.view_query)


def _feed_xml(base: str) -> str:
    paragraphs = "".join(
        f"<p>Đoạn {n}: Thành phố Đà Nẵng khai mạc lễ hội pháo hoa quốc tế với các đội đến từ nhiều nước, "
        "thu hút hàng chục nghìn người dân và du khách đến xem bên bờ sông Hàn.</p>"
        for n in range(12)
    )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>Tin Đà Nẵng</title><link>{base}/</link><description>tin</description>
<item><title>Đà Nẵng khai mạc lễ hội pháo hoa</title><link>{base}/bai-1.html</link>
<guid>{base}/bai-1.html</guid><pubDate>Sat, 01 Jun 2024 08:00:00 +0700</pubDate>
<description>Lễ hội pháo hoa</description><content:encoded><![CDATA[{paragraphs}]]></content:encoded></item>
</channel></rss>"""


async def test_refresh_fetches_feeds_in_the_background_and_shows_new_articles(library, tmp_path, httpserver):
    base = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/feed.xml").respond_with_data(_feed_xml(base), content_type="application/rss+xml")
    httpserver.expect_request("/bai-1.html").respond_with_data(
        "<html><body><p>x</p></body></html>", content_type="text/html"
    )
    feed = library.add_feed(httpserver.url_for("/feed.xml"), title="Tin Đà Nẵng")
    before = set(library.query_ids(""))
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        await pilot.press("ctrl+r")
        await until_notified(pilot, "Refreshed 1 feed: 1 new article.")
        await settle(pilot)  # the view and the sources are read again
        new_ids = set(screen.article_ids) - before
        assert len(new_ids) == 1
        [new_id] = new_ids
        assert library.summaries([new_id])[0].title == "Đà Nẵng khai mạc lễ hội pháo hoa"
        tree = screen.query_one(SourceTree)
        assert any(entry.kind == "feed" and entry.id == feed["id"] and entry.unread == 1 for entry in tree.entries)
        assert not screen.query_one("#progress").display


async def test_changes_made_during_a_refresh_are_saved_at_once(library, tmp_path, monkeypatch):
    release = threading.Event()

    def held_refresh(names=None, *, on_progress=None, **options):
        release.wait(WAIT_LIMIT)  # released by the test; the bound only ends a thread the test left behind
        return []

    library.add_feed("http://localhost:9/feed.xml")
    monkeypatch.setattr(library, "refresh", held_refresh)
    first = library.query_ids("")[0]
    try:
        # No refresh of its own at start: the test holds the one it asks for.
        async with run(make_app(library, tmp_path, "refresh_minutes = 0\n")) as pilot:
            await settle(pilot)
            app = pilot.app
            progress = main_screen(app).query_one("#progress")
            await pilot.press("ctrl+r")
            await until(pilot, lambda: app.library_busy and progress.display, "the refresh to start and show")
            await pilot.press("b")
            # Written at once, while the refresh is still running.
            assert library.summaries([first])[0].bookmarked is True
            assert app.library_busy
            release.set()
            await until_notified(pilot, "Refreshed 0 feeds")
            await settle(pilot)
            assert not app.library_busy and not progress.display
            assert library.summaries([first])[0].bookmarked is True
    finally:
        release.set()


async def test_click_on_entity_shows_mentions_double_click_opens_its_feed(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        await pilot.press("enter")
        panel = screen.query_one(EntityPanel)
        # Below the border and the first group heading: the first entity.
        x, y = panel.region.x + 3, panel.region.y + 2
        await click_when_drawn(pilot, x, y, "option")
        await until(
            pilot,
            lambda: panel.highlighted_entity is not None and screen.query_one(ArticleView).mentions,
            "the clicked entity's mentions",
        )
        assert screen.view_query == ""
        await click_when_drawn(pilot, x, y, "option", times=2)
        await until(pilot, lambda: screen.view_query.startswith("entity:"), "the entity's feed")


async def test_space_pages_the_article_then_opens_the_next_unread(library, tmp_path):
    ids = library.query_ids("")
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        view = screen.query_one(ArticleView)
        await pilot.press("space")  # nothing open: opens the article under the cursor
        assert screen.article.id == ids[0]
        # The view lays the article out on its next turn, the screen its scrollbar after that:
        # until then there are no pages to turn.
        await until(
            pilot,
            lambda: not view.at_end and view.show_vertical_scrollbar,
            "the article laid out, longer than the pane",
        )
        pages = 0
        while not view.at_end and pages < 50:
            await pilot.press("space")
            pages += 1
        assert view.at_end and screen.article.id == ids[0]
        await pilot.press("space")
        assert screen.article.id == ids[1]


async def test_save_a_search_as_a_view_then_delete_it(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        await pilot.press("slash", *"lavrov", "enter")
        assert screen.search_text == "lavrov"
        await pilot.press("s")
        await prompt_input(pilot, "Save view as")
        await pilot.press("enter")
        await until(pilot, lambda: library.views(), "the view saved")
        assert [(v["name"], v["query"]) for v in library.views()] == [("lavrov", "lavrov")]
        await settle(pilot)
        tree = screen.query_one(SourceTree)
        assert any(entry.kind == "search" and entry.label == "lavrov" for entry in tree.entries)
        await walk_sources_to(pilot, tree, lambda entry: entry.kind == "search")
        await pilot.press("D")
        await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmScreen), "D to ask first")
        assert [v["name"] for v in library.views()] == ["lavrov"]
        await pilot.press("y")
        await until(pilot, lambda: not library.views(), "the view deleted")
        assert library.views() == []
        await settle(pilot)
        assert not any(entry.kind == "search" for entry in tree.entries)


async def test_notifications_show_untrusted_text_literally(library, tmp_path):
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        pilot.app.notify("Lỗi: [red]tệp[/red] \x1b[31mhỏng\x1b[0m")
        shown = await until_notified(pilot, "Lỗi:")
        assert shown == "Lỗi: [red]tệp[/red] hỏng"


async def test_export_from_the_article_pane_writes_only_that_article(library, tmp_path):
    target = tmp_path / "bai.md"
    first = library.query_ids("")[0]
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        await pilot.press("enter", "3", "e")
        path = await prompt_input(pilot, "Export 1 article to")
        path.value = str(target)
        await pilot.press("enter")
        await until_notified(pilot, "Exported 1 article to")
    markdown = target.read_text(encoding="utf-8")
    assert markdown.startswith("# " + library.article(first).title)
    assert "\n---\n" not in markdown


async def test_keymap_clash_is_reported(library, tmp_path):
    async with run(make_app(library, tmp_path, '[keymap]\nnext-unread = "j"\n')) as pilot:
        await settle(pilot)
        await until_notified(pilot, "key j is given to 'next-article' and 'next-unread'")


async def test_feed_with_a_failed_refresh_is_marked_and_explained(library, tmp_path):
    library.add_feed("http://127.0.0.1:9/feed.xml", title="Tin lỗi")
    await asyncio.to_thread(library.refresh)  # nothing listens on port 9: the error is remembered
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        screen = main_screen(pilot.app)
        tree = screen.query_one(SourceTree)
        await walk_sources_to(pilot, tree, lambda entry: entry.kind == "feed")
        assert tree.cursor_node.label.plain.endswith(" !")
        await until(pilot, lambda: "Tin lỗi: last refresh failed at " in screen.status, "the error in the status bar")
        await pilot.press("k")
        await until(pilot, lambda: "last refresh failed" not in screen.status, "the error to leave the status bar")


async def test_first_start_imports_the_sample_corpus_in_the_background(tmp_path):
    library = Library.open(tmp_path / "empty-library")
    try:
        app = TuiReaderApp(library, config_path=tmp_path / "config.toml")
        async with run(app) as pilot:
            await settle(pilot)
            screen = main_screen(app)
            assert len(screen.article_ids) == 5
            assert screen.article_ids == library.query_ids("")
            assert not screen.query_one("#progress").display
            assert not app.library_busy
            assert any(entry.kind == "site" for entry in screen.query_one(SourceTree).entries)
    finally:
        library.close()


async def test_theme_chosen_with_ctrl_t_is_remembered(library, tmp_path):
    config = tmp_path / "config.toml"
    async with run(make_app(library, tmp_path)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.press(*"gruvbox")
        await until_palette_lists(pilot, ["gruvbox"])
        await pilot.press("enter")
        await until(pilot, lambda: pilot.app.theme == "gruvbox", "the theme gruvbox")
        await until(pilot, lambda: config.exists() and 'theme = "gruvbox"' in config.read_text("utf-8"), "it saved")
