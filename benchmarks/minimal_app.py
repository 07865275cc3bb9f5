"""The baseline for first-paint figures: a minimal Textual app showing one line."""

from textual.app import App, ComposeResult
from textual.widgets import Label


class MinimalApp(App):
    def compose(self) -> ComposeResult:
        yield Label("minimal app ready")


if __name__ == "__main__":
    MinimalApp().run()
