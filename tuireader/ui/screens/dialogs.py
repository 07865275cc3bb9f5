"""Small modal dialogs: a one-line prompt, with optional completion."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import Suggester
from textual.widgets import Input, Label

__all__ = ["CompletingInput", "ConfirmScreen", "PromptScreen", "TagSuggester", "parse_tag_changes"]


class TagSuggester(Suggester):
    """Completes the tag being typed from the known tags.

    The input holds several changes separated by commas (``hà nội, -nháp``);
    a tag may hold spaces, so only the text after the last comma is
    completed, a leading ``-`` (remove) kept.
    """

    def __init__(self, tags: Iterable[str]) -> None:
        super().__init__(use_cache=False, case_sensitive=True)
        self._tags = list(dict.fromkeys(tag for tag in tags if tag))

    async def get_suggestion(self, value: str) -> str | None:
        split_at = value.rfind(",")
        head, word = value[: split_at + 1], value[split_at + 1 :]
        lead = word[: len(word) - len(word.lstrip())]
        word = word.lstrip()
        prefix = "-" if word.startswith("-") else ""
        stem = word[len(prefix) :].casefold()
        if not stem:
            return None
        for tag in self._tags:
            if tag.casefold().startswith(stem) and tag.casefold() != stem:
                return f"{head}{lead}{prefix}{tag}"
        return None


def parse_tag_changes(value: str) -> tuple[list[str], list[str]]:
    """``"a, b c, -d"`` → (["a", "b c"], ["d"]): commas separate, a tag may hold spaces."""
    add: list[str] = []
    remove: list[str] = []
    for token in value.split(","):
        token = " ".join(token.split())
        if token.startswith("-"):
            target, token = remove, token[1:].strip()
        else:
            target, token = add, token.removeprefix("+").strip()
        if token:
            target.append(token)
    return add, remove


class CompletingInput(Input):
    """An input where Tab, like →, accepts the completion shown."""

    BINDINGS = [Binding("tab", "cursor_right", "Accept the completion", show=False)]


class PromptScreen(ModalScreen[str | None]):
    """Ask for one line of text; dismisses with the text, or None on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", show=False)]
    AUTO_FOCUS = "#prompt-input"

    DEFAULT_CSS = """
    PromptScreen {
        align: center middle;
    }
    PromptScreen > Vertical {
        width: 70;
        max-width: 90%;
        height: auto;
        border: round $primary;
        background: $panel;
        padding: 0 1;
    }
    PromptScreen Label {
        width: 1fr;
        margin: 0 0 1 0;
    }
    PromptScreen .prompt--help {
        color: $text-muted;
        margin: 0;
    }
    """

    def __init__(
        self,
        title: str,
        *,
        value: str = "",
        placeholder: str = "",
        help: str = "",
        suggester: Suggester | None = None,
    ) -> None:
        super().__init__()
        self._title = title
        self._value = value
        self._placeholder = placeholder
        self._help = help
        self._suggester = suggester

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title, style="bold"), markup=False)
            yield CompletingInput(
                value=self._value, placeholder=self._placeholder, suggester=self._suggester, id="prompt-input"
            )
            if self._help:
                yield Label(Text(self._help), classes="prompt--help", markup=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """Ask a yes/no question: y or Enter says yes, n or Escape says no."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", show=False),
        Binding("n,escape", "answer(False)", "No", show=False),
    ]

    DEFAULT_CSS = """
    ConfirmScreen {
        align: center middle;
    }
    ConfirmScreen > Vertical {
        width: 70;
        max-width: 90%;
        height: auto;
        border: round $warning;
        background: $panel;
        padding: 0 1;
    }
    ConfirmScreen .confirm--keys {
        color: $text-muted;
    }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self._question = question

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._question, style="bold"), markup=False)
            yield Label(Text("y / Enter: yes    n / Esc: no"), classes="confirm--keys", markup=False)

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
