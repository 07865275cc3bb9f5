"""The one list of reader commands.

Every command the reader understands is declared here once, with its id, its
default keys, a title and a help line.  Key bindings, the command palette and
the help screen are all derived from this table, and users remap keys by
command id in the config file (``[keymap] next-article = "j,down"``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from msgspec import Struct
from textual.binding import Binding, BindingType

Scope = Literal["app", "main", "list", "entities", "sources"]

__all__ = [
    "Command",
    "COMMANDS",
    "COMMANDS_BY_ID",
    "SCOPE_NOTE",
    "bindings_for",
    "commands_for",
    "markdown_keys_table",
    "Scope",
]


class Command(Struct, frozen=True):
    """A reader command.

    ``keys`` is a comma-separated Textual key list.  ``action`` is the Textual
    action string run on the object that owns ``scope`` (the app, the main
    screen, the article list or the entity panel).  ``bind`` is False for
    commands whose key is handled natively by a widget and that appear in the
    registry only so help and palette show them.
    """

    id: str
    keys: str
    title: str
    help: str
    action: str
    scope: Scope = "main"
    show: bool = False
    bind: bool = True
    palette: bool = True
    group: str = ""

    def binding(self) -> Binding:
        return Binding(self.keys, self.action, self.title, show=self.show, id=self.id)


COMMANDS: tuple[Command, ...] = (
    # Navigation
    Command(
        "next-article",
        "j,down",
        "Next",
        "Next article in the list, or down in the focused pane",
        "move(1)",
        palette=False,
        group="Moving around",
    ),
    Command(
        "previous-article",
        "k,up",
        "Previous",
        "Previous article in the list, or up in the focused pane",
        "move(-1)",
        palette=False,
        group="Moving around",
    ),
    Command(
        "open-article",
        "enter",
        "Open",
        "Open the highlighted article (marks it read)",
        "open",
        scope="list",
        show=True,
        group="Moving around",
    ),
    Command(
        "next-unread",
        "n",
        "Next unread",
        "Open the next unread article",
        "next_unread",
        show=True,
        group="Moving around",
    ),
    Command(
        "prev-unread", "p", "Previous unread", "Open the previous unread article", "prev_unread", group="Moving around"
    ),
    Command(
        "scroll-article",
        "space,pagedown",
        "Scroll article",
        "Page down in the article; at its end go to the next unread",
        "page_article",
        group="Moving around",
    ),
    Command(
        "scroll-article-up",
        "pageup",
        "Scroll article up",
        "Page up in the article",
        "page_article_up",
        group="Moving around",
    ),
    Command(
        "focus-next", "tab", "Next pane", "Focus the next pane", "app.focus_next", palette=False, group="Moving around"
    ),
    Command(
        "focus-previous",
        "shift+tab",
        "Previous pane",
        "Focus the previous pane",
        "app.focus_previous",
        palette=False,
        group="Moving around",
    ),
    Command(
        "focus-sources", "1", "Sources", "Focus the sources pane", "focus_region('sources')", group="Moving around"
    ),
    Command("focus-list", "2", "Article list", "Focus the article list", "focus_region('list')", group="Moving around"),
    Command(
        "focus-article", "3", "Article", "Focus the article pane", "focus_region('article')", group="Moving around"
    ),
    Command(
        "focus-entities", "4", "Entities", "Focus the entity panel", "focus_region('entities')", group="Moving around"
    ),
    Command(
        "top", "g,home", "Top", "Go to the top of the focused list or article", "edge(False)", group="Moving around"
    ),
    Command(
        "bottom",
        "G,end",
        "Bottom",
        "Go to the bottom of the focused list or article",
        "edge(True)",
        group="Moving around",
    ),
    Command(
        "next-unread-source",
        "J,ctrl+n",
        "Next unread source",
        "Open the next feed, site or tag with unread articles",
        "step_source(1)",
        group="Moving around",
    ),
    Command(
        "prev-unread-source",
        "K",
        "Previous unread source",
        "Open the previous feed, site or tag with unread articles",
        "step_source(-1)",
        group="Moving around",
    ),
    # Article actions
    Command(
        "open-browser",
        "o",
        "Open in browser",
        "Open the article's web address in the browser",
        "open_browser",
        group="Reading and organising",
    ),
    Command(
        "toggle-read",
        "r",
        "Read/unread",
        "Toggle the read mark of the current article",
        "toggle_read",
        show=True,
        group="Reading and organising",
    ),
    Command(
        "toggle-story",
        "x",
        "Expand story",
        "Show or hide the other articles of the story under the cursor (its +N nguồn mark)",
        "toggle_story",
        group="Stories",
    ),
    Command(
        "story-previous",
        "left_square_bracket",
        "Previous in story",
        "Open the previous article of the open article's story (Cùng sự kiện)",
        "story_step(-1)",
        group="Stories",
    ),
    Command(
        "story-next",
        "right_square_bracket",
        "Next in story",
        "Open the next article of the open article's story (Cùng sự kiện)",
        "story_step(1)",
        group="Stories",
    ),
    Command(
        "toggle-grouping",
        "X",
        "Group stories",
        "Show each story once, or every article, in this view",
        "toggle_grouping",
        group="Stories",
    ),
    Command(
        "mark-view-read",
        "R",
        "Mark view read",
        "Mark every article of the current view read",
        "mark_view_read",
        group="Reading and organising",
    ),
    Command(
        "copy-url",
        "y",
        "Copy address",
        "Copy the article's web address to the clipboard (works over SSH)",
        "copy_url",
        group="Reading and organising",
    ),
    Command("undo", "u", "Undo", "Undo the last 'mark view read'", "undo", group="Reading and organising"),
    Command(
        "sort",
        "S",
        "Sort",
        "Sort the list by date, title or site (remembered for the view)",
        "cycle_sort",
        group="Reading and organising",
    ),
    Command(
        "bookmark",
        "b",
        "Bookmark",
        "Toggle the bookmark of the current article",
        "toggle_bookmark",
        show=True,
        group="Reading and organising",
    ),
    Command(
        "tags",
        "t",
        "Tags",
        "Edit tags: 'x' adds x, '-x' removes x",
        "edit_tags",
        show=True,
        group="Reading and organising",
    ),
    Command(
        "search",
        "slash",
        "Search",
        "Search the current view (accents optional)",
        "search",
        show=True,
        group="Reading and organising",
    ),
    Command(
        "clear",
        "escape",
        "Clear",
        "Clear the search and mention highlights",
        "clear",
        palette=False,
        group="Reading and organising",
    ),
    Command(
        "save-view",
        "s",
        "Save view",
        "Save the current search or entity feed as a view",
        "save_view",
        group="Reading and organising",
    ),
    Command(
        "delete-view",
        "D",
        "Delete",
        "Delete the highlighted saved view, or stop following the highlighted feed (asks first)",
        "delete_view",
        group="Reading and organising",
    ),
    Command(
        "rename",
        "E",
        "Rename",
        "Rename the highlighted feed or saved view",
        "rename_source",
        group="Reading and organising",
    ),
    Command(
        "export",
        "e",
        "Export",
        "Export the open article (from the article pane) or the view, as Markdown or JSON",
        "export",
        group="Reading and organising",
    ),
    Command(
        "refresh",
        "ctrl+r",
        "Refresh",
        "Fetch new articles from the feeds",
        "refresh_sources",
        group="Reading and organising",
    ),
    Command("open-url", "A", "Open URL…", "Add a feed or an article by its web address", "open_url", group="Feeds"),
    Command(
        "add-preset",
        "P",
        "Add a preset feed…",
        "Follow one of the bundled Vietnamese news feeds",
        "add_preset",
        group="Feeds",
    ),
    Command(
        "refresh-source",
        "r",
        "Refresh feed",
        "Refresh the highlighted feed (sources pane)",
        "refresh_source",
        scope="sources",
        palette=False,
        group="Feeds",
    ),
    Command(
        "refresh-all",
        "R",
        "Refresh all feeds",
        "Refresh every feed (sources pane)",
        "refresh_all",
        scope="sources",
        palette=False,
        group="Feeds",
    ),
    # Entities
    Command(
        "next-mention",
        "m",
        "Next mention",
        "Jump to the next mention of the selected entity or search match",
        "mention(1)",
        group="Entities",
    ),
    Command("prev-mention", "M", "Previous mention", "Jump to the previous mention", "mention(-1)", group="Entities"),
    Command(
        "entity-feed",
        "enter",
        "Entity feed",
        "Open the feed of every article mentioning the entity",
        "pivot",
        scope="entities",
        bind=False,
        palette=False,
        group="Entities",
    ),
    # Application
    Command("help", "question_mark", "Help", "Show every key", "help", show=True, group="Application"),
    Command(
        "command-palette",
        "ctrl+p",
        "Commands",
        "Search every command",
        "app.command_palette",
        scope="app",
        bind=False,
        palette=False,
        group="Application",
    ),
    Command(
        "change-theme",
        "ctrl+t",
        "Theme",
        "Choose a colour theme (remembered)",
        "app.change_theme",
        scope="app",
        group="Application",
    ),
    Command("quit", "q", "Quit", "Quit the reader", "app.quit", show=True, group="Application"),
)

COMMANDS_BY_ID: dict[str, Command] = {command.id: command for command in COMMANDS}


def commands_for(scope: Scope) -> list[Command]:
    """The commands that belong to ``scope``, in declaration order."""
    return [command for command in COMMANDS if command.scope == scope]


def bindings_for(scope: Scope) -> list[BindingType]:
    """Textual bindings for the commands of ``scope`` that need one."""
    return [command.binding() for command in commands_for(scope) if command.bind]


def effective_keys(command: Command, keymap: dict[str, str]) -> list[str]:
    """The keys a command answers to, after the user's keymap."""
    keys = keymap.get(command.id, command.keys)
    return [key.strip() for key in keys.split(",") if key.strip()]


def palette_commands() -> Iterable[Command]:
    return (command for command in COMMANDS if command.palette)


# Said after a help line when the command works in one pane only.
SCOPE_NOTE = {"list": " (article list)", "entities": " (entity panel)"}

_KEY_NAMES = {
    "question_mark": "?",
    "slash": "/",
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "down": "↓",
    "up": "↑",
    "home": "Home",
    "end": "End",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def plain_key(key: str) -> str:
    """A key as a README writes it: ``ctrl+r`` is Ctrl+R, ``question_mark`` is ?."""
    if key in _KEY_NAMES:
        return _KEY_NAMES[key]
    if key.startswith("ctrl+"):
        return "Ctrl+" + key.removeprefix("ctrl+").upper()
    return key


def markdown_keys_table() -> str:
    """The README's table of keys, one row a command, grouped as the help screen groups them."""
    rows = ["| keys | id | does |", "| --- | --- | --- |"]
    group = None
    for command in COMMANDS:
        if command.group != group:
            group = command.group
            rows.append(f"| **{group}** | | |")
        keys = ", ".join(plain_key(key.strip()) for key in command.keys.split(","))
        rows.append(f"| {keys} | `{command.id}` | {command.help}{SCOPE_NOTE.get(command.scope, '')} |")
    return "\n".join(rows)
