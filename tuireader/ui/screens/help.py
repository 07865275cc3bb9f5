"""The help screen: every command and its current keys, from the command registry."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from ..commands import COMMANDS, SCOPE_NOTE, Command, effective_keys

__all__ = ["HelpScreen", "key_display"]


def key_display(app, command: Command, keymap: dict[str, str]) -> str:
    """The keys of a command as shown to the user, e.g. ``j, ↓``."""
    shown = []
    for key in effective_keys(command, keymap):
        try:
            shown.append(app.get_key_display(Binding(key, command.action)))
        except Exception:
            shown.append(key)
    return ", ".join(shown)


class HelpScreen(ModalScreen[None]):
    """Lists every command; escape, q or ? closes it."""

    BINDINGS = [
        Binding("escape,q,question_mark", "close", "Close", show=False),
        Binding("j,down", "scroll('down')", show=False),
        Binding("k,up", "scroll('up')", show=False),
    ]

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 96;
        max-width: 95%;
        height: 90%;
        border: round $primary;
        border-title-color: $text-primary;
        background: $panel;
        padding: 0 1;
    }
    """

    def __init__(self, keymap: dict[str, str] | None = None) -> None:
        super().__init__()
        self._keymap = keymap or {}
        self.rows: list[tuple[str, str, str]] = []

    def compose(self) -> ComposeResult:
        table = Table(box=None, expand=True, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("Keys", no_wrap=True, style="bold", min_width=14)
        table.add_column("Command", no_wrap=True)
        table.add_column("What it does", ratio=1)
        table.add_column("Id (config.toml)", no_wrap=True, style="dim")
        self.rows = [
            (
                key_display(self.app, command, self._keymap),
                command.title,
                command.help + SCOPE_NOTE.get(command.scope, ""),
            )
            for command in COMMANDS
        ]
        group = None
        for command, (keys, title, help_text) in zip(COMMANDS, self.rows, strict=True):
            if command.group != group:
                group = command.group
                table.add_row(Text(), Text(group, style="bold underline"), Text(), Text())
            table.add_row(Text(keys), Text(title), Text(help_text, style="dim"), Text(command.id))
        scroll = VerticalScroll(Static(table, id="help-table"))
        scroll.border_title = "Help — Esc closes"
        yield scroll

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll(self, direction: str) -> None:
        scroll = self.query_one(VerticalScroll)
        if direction == "down":
            scroll.scroll_down(animate=False)
        else:
            scroll.scroll_up(animate=False)
