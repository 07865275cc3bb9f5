"""The main screen's source commands: feeds and saved views added, renamed, removed, refreshed, stepped through."""

from __future__ import annotations

from ...library import SourceEntry, strip_controls
from ..messages import AddUrlRequested, RefreshRequested
from ..widgets.source_tree import SourceTree
from .reader_state import ScreenPart


class SourceActions(ScreenPart):
    """Commands on feeds and saved views."""

    def action_open_url(self) -> None:
        from .dialogs import PromptScreen

        if not self._writable():
            return

        def apply(value: str | None) -> None:
            url = (value or "").strip()
            if url:
                if not url.startswith(("http://", "https://")):
                    self.notify("A web address starts with http:// or https://.", severity="warning")
                    return
                self.app.post_message(AddUrlRequested(url))

        self.app.push_screen(
            PromptScreen(
                "Open URL", placeholder="https://…", help="A feed becomes a source; a page becomes an article."
            ),
            apply,
        )

    def action_add_preset(self) -> None:
        from .dialogs import PromptScreen, TagSuggester

        if not self._writable():
            return
        presets = self.library.presets()
        names = ", ".join(preset.name for preset in presets)

        def apply(value: str | None) -> None:
            name = (value or "").strip()
            if not name:
                return
            preset = self.library.find_preset(name)
            if preset is None:
                self.notify(f"No preset called {name}.", severity="warning")
                return
            feed = self._call("Cannot add the feed", self.library.add_feed, preset.url, title=preset.title)
            if feed:
                self.notify(f"Following {preset.title}. Press r on it in the sources pane to fetch it.")
                self.reload_sources()

        self.app.push_screen(
            PromptScreen(
                "Add a preset feed",
                placeholder="vnexpress",
                help=f"Presets: {names}",
                suggester=TagSuggester([p.name for p in presets]),
            ),
            apply,
        )

    def action_save_view(self) -> None:
        from .dialogs import PromptScreen

        query = self.full_query
        if not query:
            self.notify("Search (/) or open an entity feed first, then save it.")
            return
        if not self._writable():
            return
        default = self.search_text or self.view_label

        def save(name: str | None) -> None:
            name = strip_controls(name or "").strip()
            if not name:
                return
            if not self._do("Cannot save the view", self.library.save_view, name, query):
                return
            self.reload_sources()
            self.notify(f"Saved view “{name}”.", timeout=3)

        self.app.push_screen(PromptScreen("Save view as", value=default, help=f"Query: {query}"), save)

    def _highlighted_source(self, action: str) -> SourceEntry | None:
        """The feed or saved view highlighted in the sources pane, if it is one (else say how to pick one)."""
        entry = self.query_one(SourceTree).highlighted_entry
        if not isinstance(entry, SourceEntry) or entry.kind not in ("feed", "search", "entity") or not entry.id:
            self.notify(f"Highlight a feed or a saved view in the sources pane (1) to {action} it.")
            return None
        return entry if self._writable() else None

    def action_delete_view(self) -> None:
        from .dialogs import ConfirmScreen

        entry = self._highlighted_source("delete")
        if entry is None:
            return
        name, entry_id = strip_controls(str(entry.label)), entry.id or ""
        is_feed = entry.kind == "feed"
        if is_feed:
            question, done = (
                f"Stop following the feed “{name}”? Its articles stay in the library.",
                "No longer following",
            )
        else:
            question, done = f"Delete the saved view “{name}”?", "Deleted the view"
        delete = self.library.remove_feed if is_feed else self.library.delete_view

        def answer(yes: bool | None) -> None:
            if yes and self._do("Cannot delete it", delete, entry_id):
                self.reload_sources()
                self.notify(f"{done} “{name}”.", timeout=3)

        self.app.push_screen(ConfirmScreen(question), answer)

    def action_rename_source(self) -> None:
        from .dialogs import PromptScreen

        entry = self._highlighted_source("rename")
        if entry is None:
            return
        entry_id, old = entry.id or "", strip_controls(str(entry.label))
        rename = self.library.rename_feed if entry.kind == "feed" else self.library.rename_view

        def apply(value: str | None) -> None:
            new = " ".join((value or "").split())
            if new and new != old and self._do("Cannot rename it", rename, entry_id, new):
                self.reload_sources()
                self.notify(f"Renamed “{old}” to “{new}”.", timeout=3)

        self.app.push_screen(
            PromptScreen("Rename", value=old, help="Enter saves the new name; Esc keeps the old."), apply
        )

    def action_step_source(self, direction: int) -> None:
        """Open the next (or previous) source with unread articles, as newsboat's next-unread-feed."""
        sources = [s for s in self.sources if s.kind not in ("all", "unread", "bookmarks")]
        here = next((i for i, s in enumerate(sources) if s.query == self.view_query), -1 if direction > 0 else 0)
        for step in range(1, len(sources) + 1):
            candidate = sources[(here + direction * step) % len(sources)]
            if candidate.unread and candidate.query != self.view_query:
                self.show_view(candidate.query, strip_controls(str(candidate.label)))
                return
        self.notify("No other source has unread articles.")

    def action_refresh_sources(self) -> None:
        if self._writable():
            self.app.post_message(RefreshRequested(None))
