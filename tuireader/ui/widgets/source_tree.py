"""The sources pane: views, tags, sites and feeds, saved searches, entity feeds.

Fed with a list of source entries (objects with ``kind``, ``label``,
``query``, ``unread``, ``total`` and ``section``); entries with an empty
section are shown at the top, the others grouped under their section.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from rich.style import Style
from rich.text import Text
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ...library import strip_controls
from ..commands import bindings_for

__all__ = ["SourceTree", "SourceLike"]


class SourceLike(Protocol):
    kind: str
    label: str
    query: str
    unread: int
    total: int
    section: str
    id: str | None
    error: str | None


class SourceTree(Tree[Any]):
    """A tree of sources; selecting one posts ``SourceTree.Selected``."""

    COMPONENT_CLASSES = {"source-tree--count", "source-tree--section", "source-tree--error"}

    DEFAULT_CSS = """
    SourceTree {
        background: $surface;
        padding: 0 1 0 0;
    }
    SourceTree > .source-tree--count {
        color: $text-accent;
    }
    SourceTree > .source-tree--error {
        color: $text-error;
        text-style: bold;
    }
    SourceTree > .source-tree--section {
        color: $text-muted;
        text-style: bold;
    }
    """

    BINDINGS = bindings_for("sources")

    entries: reactive[list[Any]] = reactive(list, always_update=True)
    current_query: reactive[str] = reactive("")

    class Selected(Message):
        """The user chose a source; ``query`` is the view query to show."""

        def __init__(self, source_tree: SourceTree, entry: Any) -> None:
            super().__init__()
            self.source_tree = source_tree
            self.entry = entry

        @property
        def query(self) -> str:
            return self.entry.query

    class RefreshRequested(Message):
        """The user asked to refresh feeds: ``source_ids`` None means every feed."""

        def __init__(self, source_ids: list[str] | None) -> None:
            super().__init__()
            self.source_ids = source_ids

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(Text("Sources"), name=name, id=id, classes=classes)  # a string would be read as markup
        self.show_root = False
        self.guide_depth = 2
        self._collapsed_sections: set[str] = set()
        self._section_nodes: dict[str, TreeNode[Any]] = {}

    def _label(self, entry: Any, room: int | None = None) -> Text:
        """The entry's name and count; a name too long for ``room`` cells ends in "…", the count stays."""
        name = Text(strip_controls(str(entry.label)).replace("\n", " "), no_wrap=True, end="")
        suffix = Text(end="")
        # Bookmarks are kept, not read through: they show how many there are.
        count = entry.total if entry.kind == "bookmarks" else entry.unread
        if count:
            suffix.append(f" {count}", self.get_component_rich_style("source-tree--count", partial=True))
        if entry.error:
            # A feed whose last refresh failed; the error shows in the status line when highlighted.
            suffix.append(" !", self.get_component_rich_style("source-tree--error", partial=True))
        if room is not None and name.cell_len + suffix.cell_len > room:
            name.truncate(max(room - suffix.cell_len, 1), overflow="ellipsis")
        return Text.assemble(name, suffix, no_wrap=True, end="")

    def render_label(self, node: TreeNode[Any], base_style: Style, style: Style) -> Text:
        entry = node.data
        if entry is None:
            return super().render_label(node, base_style, style)
        depth = 0
        parent = node.parent
        while parent is not None and parent is not self.root:
            depth, parent = depth + 1, parent.parent
        label = self._label(entry, self.scrollable_content_region.width - self.guide_depth * depth)
        label.stylize(style)
        return label

    def watch_entries(self, entries: Sequence[Any]) -> None:
        self._collapsed_sections = {name for name, node in self._section_nodes.items() if not node.is_expanded}
        # Keep the reader's place while they move in the tree; otherwise show the open view.
        highlighted = self.highlighted_entry
        cursor_query = highlighted.query if self.has_focus and highlighted is not None else self.current_query
        scroll_y = self.scroll_y
        self.clear()
        sections: dict[str, TreeNode[Any]] = {}
        cursor_node: TreeNode[Any] | None = None
        for entry in entries:
            section = entry.section
            if section:
                parent = sections.get(section)
                if parent is None:
                    parent = self.root.add(
                        Text(section, style=self.get_component_rich_style("source-tree--section", partial=True)),
                        data=None,
                    )
                    sections[section] = parent
            else:
                parent = self.root
            node = parent.add_leaf(self._label(entry), data=entry)
            if cursor_node is None and entry.query == cursor_query:
                cursor_node = node
        for section, node in sections.items():
            if section not in self._collapsed_sections:
                node.expand()
        self._section_nodes = sections
        if cursor_node is not None:
            self._move_to(cursor_node)
        self.scroll_to(y=scroll_y, animate=False)

    def watch_current_query(self, query: str) -> None:
        node = self._find(query)
        if node is not None and self.cursor_node is not node:
            self._move_to(node)

    def _move_to(self, node: TreeNode[Any]) -> None:
        # A node added since the tree last laid out its lines has no line yet:
        # reading last_line lays them out now.
        if node.line < 0 and self.last_line < 0:
            return
        self.move_cursor(node)

    def _find(self, query: str) -> TreeNode[Any] | None:
        stack = list(self.root.children)
        while stack:
            node = stack.pop(0)
            if node.data is not None and node.data.query == query:
                return node
            stack[0:0] = list(node.children)
        return None

    @property
    def highlighted_entry(self) -> Any | None:
        node = self.cursor_node
        return node.data if node is not None else None

    def action_refresh_source(self) -> None:
        entry = self.highlighted_entry
        if entry is not None and entry.kind == "feed" and entry.id:
            self.post_message(self.RefreshRequested([entry.id]))
        else:
            self.notify("Highlight a feed to refresh it, or press R to refresh every feed.")

    def action_refresh_all(self) -> None:
        self.post_message(self.RefreshRequested(None))

    def on_tree_node_selected(self, event: Tree.NodeSelected[Any]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.Selected(self, event.node.data))
