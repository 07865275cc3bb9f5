"""Unit tests of the UI's plain helpers: wrapping, highlights, tags, config, command registry."""

from __future__ import annotations

import asyncio

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from tuireader.library.highlight import mention_ranges, search_ranges, search_terms
from tuireader.ui.commands import COMMANDS, COMMANDS_BY_ID, bindings_for
from tuireader.ui.config import load_config, save_theme
from tuireader.ui.screens.dialogs import TagSuggester, parse_tag_changes
from tuireader.ui.widgets.article_list import format_date
from tuireader.ui.widgets.article_view import wrap_offsets
from tuireader.ui.widgets.entity_panel import group_of

WORDS = st.lists(
    st.text(alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậ中文", min_size=1, max_size=14),
    min_size=0,
    max_size=40,
)


@given(WORDS, st.integers(min_value=1, max_value=60))
def test_wrapped_lines_fit_and_keep_every_character(words, width):
    text = " ".join(words)
    starts = wrap_offsets(text, width)
    assert starts[0] == 0
    assert starts == sorted(set(starts))
    pieces = [text[a:b] for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert "".join(pieces) == text
    for piece in pieces:
        assert cell_len(piece.rstrip()) <= max(width, 2)  # a wide character may not fit a 1-cell line


def test_wrap_breaks_between_words():
    text = "Ngoại trưởng Nga Sergei Lavrov điện đàm"
    starts = wrap_offsets(text, 16)
    lines = [text[a:b].rstrip() for a, b in zip(starts, [*starts[1:], len(text)], strict=True)]
    assert lines == ["Ngoại trưởng Nga", "Sergei Lavrov", "điện đàm"]


def test_search_ranges_map_folded_matches_back_to_the_original():
    text = "Người dân Hà Nội và HÀ NỘI; không phải Hà Nam."
    ranges = search_ranges(text, "ha noi")
    assert [text[a:b] for a, b in ranges] == ["Hà Nội", "HÀ NỘI", "Hà"]
    # Words are matched separately; filters are not text to look for.
    assert [text[a:b] for a, b in search_ranges(text, "is:unread nam tag:x")] == ["Nam"]

    # Inside a word is not a match; the last word may be a prefix.
    def shown(sample: str, query: str) -> list[str]:
        return [sample[a:b] for a, b in search_ranges(sample, query)]

    assert shown("Thành phố Hà Nội", "pho") == ["phố"]
    assert shown("Thành phố", "han") == []
    assert shown("Thành phố", "phố tha") == ["Thà", "phố"]
    assert search_terms('site:vnexpress.net "Đà Nẵng" before:2024-01-01') == ["da", "nang"]


def test_search_ranges_handle_decomposed_text():
    text = "Ha\u0300 No\u0323\u0302i"  # NFD spelling of Hà Nội
    assert [text[a:b] for a, b in search_ranges(text, "hà nội")] == [text]


def test_mention_ranges_drop_out_of_range_and_malformed_mentions():
    entity = {"mentions": [[0, 3], [5, 2], [8, 99], ["x", 4], [4, 6], [5, 7]]}
    assert mention_ranges(entity, 10) == [(0, 3), (4, 7)]
    assert mention_ranges(None, 10) == []


def test_tags_are_separated_by_commas_only_and_may_hold_spaces():
    assert parse_tag_changes("kinh tế, -Nga, +đọc sau") == (["kinh tế", "đọc sau"], ["Nga"])
    assert parse_tag_changes("lễ hội") == (["lễ hội"], [])
    assert parse_tag_changes("a -b  c") == (["a -b c"], [])
    assert parse_tag_changes(" , - ,") == ([], [])


def test_tag_suggester_completes_the_last_tag_keeping_the_removal_sign():
    suggester = TagSuggester(["Ngoại giao", "kinh tế", "Nga"])

    def suggest(value: str) -> str | None:
        return asyncio.run(suggester.get_suggestion(value))

    assert suggest("ngo") == "Ngoại giao"
    assert suggest("kinh tế, -ng") == "kinh tế, -Ngoại giao"
    assert suggest("kinh t") == "kinh tế"  # a tag with a space is completed whole
    assert suggest("") is None
    assert suggest("zzz") is None


def test_config_keymap_theme_and_problems(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('theme = "nord"\n[keymap]\nnext-unread = ["x", "N"]\nno-such = "z"\nhelp = ""\n', encoding="utf-8")
    config = load_config(path)
    assert config.theme == "nord"
    assert config.keymap == {"next-unread": "x,N"}
    assert any("no-such" in problem for problem in config.problems)
    assert any("'help'" in problem for problem in config.problems)

    path.write_text("[keymap\n", encoding="utf-8")
    broken = load_config(path)
    assert broken.keymap == {} and broken.problems

    assert load_config(tmp_path / "missing.toml").problems == []


def test_save_theme_keeps_the_rest_of_the_file(tmp_path):
    path = tmp_path / "sub" / "config.toml"
    save_theme(path, "gruvbox")
    assert load_config(path).theme == "gruvbox"
    path.write_text('# mine\n[keymap]\nquit = "Q"\n', encoding="utf-8")
    save_theme(path, 'odd"name')
    config = load_config(path)
    assert config.theme == 'odd"name' and config.keymap == {"quit": "Q"}
    assert path.read_text(encoding="utf-8").count("theme =") == 1
    save_theme(path, "nord")
    assert load_config(path).theme == "nord"
    assert path.read_text(encoding="utf-8").count("theme =") == 1


def test_command_registry_is_consistent():
    ids = [command.id for command in COMMANDS]
    assert len(ids) == len(set(ids)) == len(COMMANDS_BY_ID)
    main_keys = [key for binding in bindings_for("main") for key in binding.key.split(",")]
    assert len(main_keys) == len(set(main_keys)), "two main-screen commands share a key"
    assert all(binding.id for binding in bindings_for("main"))


def test_entity_types_from_any_tagset_are_grouped():
    assert group_of("PER") == group_of("person") == "person"
    assert group_of("LOC") == group_of("GPE") == "location"
    assert group_of("ORG") == "organization"
    assert group_of("DATE") == group_of("TIME") == "time"
    assert group_of("MISC") == group_of(None) == "other"


def test_dates_are_shown_day_first_or_not_at_all():
    assert format_date("2024-05-31T08:00:00+07:00") == "31/05/2024"
    assert format_date("2024-05-31") == "31/05/2024"
    assert format_date("hôm qua") == ""
    assert format_date(None) == ""


def test_starting_the_ui_module_does_not_load_heavy_parsers():
    import json
    import subprocess
    import sys

    probe = "import sys, json, tuireader.ui.app\nprint(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    loaded = set(json.loads(out.stdout.strip().splitlines()[-1]))
    assert "textual" in loaded
    assert not loaded & {"lxml", "readability", "httpx", "feedparser"}
