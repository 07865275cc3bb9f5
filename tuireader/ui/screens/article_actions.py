"""The main screen's article commands: reading on, marks, tags, export, the browser and the clipboard."""

from __future__ import annotations

from pathlib import Path

from textual import work

from ...library import export_file_name, plural, save_setting
from ..widgets.article_list import ArticleList
from ..widgets.article_view import ArticleView
from .reader_state import ScreenPart


def _run_browser_command(template: str, url: str) -> str | None:
    """Run ``template`` with ``%u`` standing for ``url``; what went wrong, or None.

    The address reaches the shell as an argument ("$1"), never as shell code.
    """
    import subprocess

    command = template.replace("%u", '"$1"') if "%u" in template else f'{template} "$1"'
    try:
        done = subprocess.run(["sh", "-c", command, "tuireader-browser", url], check=False)
    except OSError as error:
        return error.strerror or str(error)
    return f"exit status {done.returncode}" if done.returncode else None


class ArticleActions(ScreenPart):
    """Commands on the open or highlighted article."""

    def _step_unread(self, direction: int) -> None:
        articles = self.query_one(ArticleList)
        unread = set(self._unread_ids())
        ids = self.article_ids
        position = articles.cursor
        order = list(range(position + 1, len(ids)) if direction > 0 else range(position - 1, -1, -1))
        # The article under the cursor counts when nothing is open yet.
        if self.article is None and 0 <= position < len(ids):
            order.insert(0, position)
        for index in order:
            if ids[index] in unread:
                articles.cursor = index
                self.open_article(ids[index])
                return
        self.notify("No more unread articles in this view." if direction > 0 else "No earlier unread article.")

    def action_next_unread(self) -> None:
        self._step_unread(1)

    def action_prev_unread(self) -> None:
        self._step_unread(-1)

    def action_page_article(self) -> None:
        view = self.article_view
        if self.article is None:
            current = self.query_one(ArticleList).current_id
            if current is not None:
                self.open_article(current)
        elif view.at_end:
            self._step_unread(1)
        else:
            view.scroll_page_down(animate=False, force=True)  # force: a just-opened article is not laid out yet

    def action_page_article_up(self) -> None:
        self.article_view.scroll_page_up(animate=False)

    def action_toggle_read(self) -> None:
        row = self._target_summary()
        if row is None or not self._writable():
            return
        story = self._folded_story(row.id)
        if story:  # a story's row, folded: the story is read (or unread again) as a whole
            read = any(not article.read for article in story)
            ids = [article.id for article in story]
            self._do("Cannot change the read mark", self.library.set_read, ids, read)
            self._refresh_rows(ids)
            self.notify(f"Story of {len(ids)} articles marked {'read' if read else 'unread'}.", timeout=2)
            return
        self._do("Cannot change the read mark", self.library.set_read, [row.id], not row.read)
        self._refresh_rows([row.id])
        self.notify("Marked unread." if row.read else "Marked read.", timeout=2)

    def action_mark_view_read(self) -> None:
        if not self._writable():
            return
        ids = self._unread_ids()
        if not ids:
            self.notify("Nothing unread in this view.")
            return
        self._do("Cannot mark read", self.library.set_read, ids, True)
        self._undo_ids = ids
        self.query_one(ArticleList).invalidate()
        self._refresh_rows([])
        self.notify(f"Marked {len(ids)} articles read. Press u to undo.", timeout=8)

    def action_undo(self) -> None:
        if not self._undo_ids:
            self.notify("Nothing to undo.")
            return
        if not self._writable():
            return
        ids, self._undo_ids = self._undo_ids, []
        self._do("Cannot undo", self.library.set_read, ids, False)
        self.query_one(ArticleList).invalidate()
        self._refresh_rows([])
        self.notify(f"{len(ids)} articles unread again.", timeout=3)

    def action_toggle_bookmark(self) -> None:
        row = self._target_summary()
        if row is None or not self._writable():
            return
        self._do("Cannot change the bookmark", self.library.set_bookmarked, [row.id], not row.bookmarked)
        self._refresh_rows([row.id])
        self._sync_open_article(row.id)
        self.notify("Bookmark removed." if row.bookmarked else "Bookmarked.", timeout=2)

    def action_edit_tags(self) -> None:
        from .dialogs import PromptScreen, TagSuggester, parse_tag_changes

        row = self._target_summary()
        if row is None or not self._writable():
            return
        known = [tag for tag, _count in (self._call("Cannot list tags", self.library.all_tags) or [])]
        current = ", ".join(row.tags) if row.tags else "none"

        def apply(value: str | None) -> None:
            if not value:
                return
            add, remove = parse_tag_changes(value)
            if add:
                self._do("Cannot add tags", self.library.add_tags, [row.id], add)
            if remove:
                self._do("Cannot remove tags", self.library.remove_tags, [row.id], remove)
            self._refresh_rows([row.id])
            self._sync_open_article(row.id)
            self.reload_sources()

        self.app.push_screen(
            PromptScreen(
                "Tags",
                placeholder="lễ hội, -nháp",
                help=f"Now: {current}.  Commas separate tags (a tag may hold spaces); "
                "'-x' removes x.  Tab or → accepts the completion.",
                suggester=TagSuggester(known),
            ),
            apply,
        )

    def action_export(self) -> None:
        from .dialogs import ConfirmScreen, PromptScreen

        # From the article pane: the open article; anywhere else: the whole view.
        if isinstance(self.focused, ArticleView) and self.article is not None:
            ids = [self.article.id]
        else:
            ids = list(self.article_ids)
        if not ids:
            self.notify("Nothing to export in this view.")
            return
        name = self.article.title if len(ids) == 1 and self.article is not None else self.view_label or "articles"
        folder = self.config.export_folder or Path.home()
        default = str(folder / export_file_name(name, "md"))

        def export(value: str | None) -> None:
            if not value or not value.strip():
                return
            path = Path(value.strip()).expanduser()
            fmt = "json" if path.suffix.lower() == ".json" else "md"
            if path.is_dir():
                path = path / export_file_name(name, fmt)
            if not path.exists():
                self._export(ids, fmt, path)
                return

            def replace(yes: bool | None) -> None:
                if yes:
                    self._export(ids, fmt, path)

            self.app.push_screen(ConfirmScreen(f"{path} already exists. Replace it?"), replace)

        self.app.push_screen(
            PromptScreen(
                f"Export {plural(len(ids), 'article')} to",
                value=default,
                help="A .json path exports JSON, anything else Markdown; a folder gets a file named after the export.",
            ),
            export,
        )

    @work(thread=True, exclusive=True, group="export")
    def _export(self, ids: list[str], fmt: str, path: Path) -> None:
        try:
            self.library.export(ids, fmt, path)
        except Exception as error:
            self.app.call_from_thread(self.notify, f"Export failed: {error}", severity="error")
            return
        self.app.call_from_thread(self._exported, len(ids), path)

    def _exported(self, count: int, path: Path) -> None:
        self.notify(f"Exported {plural(count, 'article')} to {path}")
        if self.config.export_folder != path.parent:
            self.config.export_folder = path.parent
            try:
                save_setting(self.config.path, "export_folder", str(path.parent))
            except (OSError, ValueError) as error:
                reason = error.strerror if isinstance(error, OSError) and error.strerror else error
                self.notify(f"Could not remember the export folder: {reason}.", severity="warning")

    def action_open_browser(self) -> None:
        url = self.article.url if self.article else None
        if not url:
            row_id = self._target_id()
            if row_id is not None:
                article = self._call("Cannot open the article", self.library.article, row_id)
                url = article.url if article else None
        if not url:
            self.notify("This article has no web address.")
            return
        if self.config.browser:
            self._run_browser(self.config.browser, str(url))
        else:
            self._open_url(str(url))

    def _run_browser(self, template: str, url: str) -> None:
        """Run the configured browser command as newsboat does: in the terminal, the reader suspended."""
        from textual.app import SuspendNotSupported

        try:
            with self.app.suspend():
                status = _run_browser_command(template, url)
        except SuspendNotSupported:  # no terminal to hand over (a test, the web): run it beside the reader
            status = _run_browser_command(template, url)
        if status:
            self.notify(f"The browser command failed ({status}).", severity="warning")

    @work(thread=True, group="browser")
    def _open_url(self, url: str) -> None:
        try:
            import webbrowser

            opened = webbrowser.open(url)
        except Exception:
            opened = False
        if not opened:
            self.app.call_from_thread(self.notify, f"No browser available. Address: {url}", severity="warning")

    def action_copy_url(self) -> None:
        url = self.article.url if self.article else None
        if not url:
            row = self._target_summary()
            article = self._call("Cannot read the article", self.library.article, row.id) if row else None
            url = article.url if article else None
        if not url:
            self.notify("This article has no web address.")
            return
        self.app.copy_to_clipboard(url)
        self.notify(f"Copied {url}", timeout=3)
