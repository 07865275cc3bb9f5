"""Messages between the app and its main screen.

The app owns the library and its background jobs; the main screen owns the
reader's state.  Neither calls the other's methods: the screen asks for a job
with a request message, and the app reports progress and changes with a
notice message posted to the screen.
"""

from __future__ import annotations

from textual.message import Message


class RefreshRequested(Message):
    """Refresh feeds: ``source_ids`` None means every feed."""

    def __init__(self, source_ids: list[str] | None = None) -> None:
        super().__init__()
        self.source_ids = source_ids


class AddUrlRequested(Message):
    """Fetch a URL: a feed is followed, a page stored as an article."""

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url


class JobProgress(Message):
    """A background job moved on: ``done`` None with an empty message means it ended."""

    def __init__(self, done: int | None, total: int | None, message: str) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.message = message


class LibraryChanged(Message):
    """Articles or sources changed behind the screen's back: read the view again."""


class UnreadCountChanged(Message):
    """The library's unread count changed (the app shows it in the terminal title)."""

    def __init__(self, unread: int) -> None:
        super().__init__()
        self.unread = unread


class CommandRequested(Message):
    """Run a registry command (from the command palette) on whatever owns it."""

    def __init__(self, command_id: str) -> None:
        super().__init__()
        self.command_id = command_id
