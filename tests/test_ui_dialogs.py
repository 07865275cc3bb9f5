"""Prompts in the reader: tag completion, export that asks before replacing a file."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tuireader.library import load_config
from tuireader.ui.screens.dialogs import ConfirmScreen, PromptScreen

from .test_ui_support import make_app, run, settle

pytestmark = pytest.mark.anyio


async def type_into_prompt(pilot, text: str) -> None:
    """Put all but the last character in the prompt at once and type the last one, as a paste then a key."""
    assert isinstance(pilot.app.screen, PromptScreen)
    field = pilot.app.screen.query_one(Input)
    field.value = text[:-1]
    field.cursor_position = len(field.value)
    await pilot.press(text[-1])


@pytest.mark.parametrize("accept", ["tab", "right"])
async def test_tab_or_right_accepts_the_completion_and_enter_saves_it(library, tmp_path, accept):
    first, second = library.query_ids("")[:2]
    library.add_tags([first], ["quốc phòng"])
    async with run(make_app(library, tmp_path), (140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("j", "t")  # the second article
        await type_into_prompt(pilot, "q")
        await pilot.press(accept, "enter")
        await settle(pilot)
    assert library.article(second).tags == ["quốc phòng"]


async def test_a_tag_may_hold_spaces_and_commas_separate_tags(library, tmp_path):
    first = library.query_ids("")[0]
    async with run(make_app(library, tmp_path), (140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await type_into_prompt(pilot, "lễ hội, nga")
        await pilot.press("enter")
        await settle(pilot)
    assert library.article(first).tags == ["lễ hội", "nga"]


async def test_export_asks_before_replacing_a_file_and_remembers_the_folder(library, tmp_path):
    folder = tmp_path / "exports"
    folder.mkdir()
    target = folder / "mine.md"
    target.write_text("keep me", encoding="utf-8")
    app = make_app(library, tmp_path)
    async with run(app, (140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await type_into_prompt(pilot, str(target))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert target.read_text(encoding="utf-8") == "keep me"
        await pilot.press("e")
        await type_into_prompt(pilot, str(target))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(pilot)
        assert target.read_text(encoding="utf-8").startswith("# ")
        await pilot.press("e")
        await pilot.pause()
        prompt_value = app.screen.query_one(Input).value
        assert prompt_value.startswith(str(folder) + "/") and prompt_value.endswith(".md")
    assert load_config(tmp_path / "config.toml").export_folder == folder
