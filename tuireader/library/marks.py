"""What the reader marks on articles: read state, bookmarks and tags; and the saved views."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..text import clean_input, strip_controls, tone_key
from .base import LibraryBase, locked


def _clean_tag(tag: str) -> str:
    return " ".join(strip_controls(clean_input(tag)).split())


class MarksMixin(LibraryBase):
    """Changes a reader makes; each is on disk when the call returns."""

    @locked
    def set_read(self, ids: Iterable[str], read: bool = True) -> list[str]:
        self._writable()
        return self.store.update_meta(ids, lambda meta: {"read": read})

    @locked
    def set_bookmarked(self, ids: Iterable[str], bookmarked: bool = True) -> list[str]:
        self._writable()
        return self.store.update_meta(ids, lambda meta: {"bookmarked": bookmarked})

    @locked
    def add_tags(self, ids: Iterable[str], tags: Sequence[str]) -> list[str]:
        """Add tags; a tag already in use elsewhere keeps the spelling it has there."""
        self._writable()
        cleaned = [tag for tag in map(_clean_tag, tags) if tag]
        known = self.store.tag_spellings(sorted({tone_key(tag) for tag in cleaned}))
        wanted = [known.get(tone_key(tag), tag) for tag in cleaned]

        def change(meta: dict[str, Any]) -> dict[str, Any]:
            current = list(meta.get("tags", []))
            keys = {tone_key(t) for t in current}
            for tag in wanted:
                if tone_key(tag) not in keys:
                    current.append(tag)
                    keys.add(tone_key(tag))
            return {"tags": current}

        return self.store.update_meta(ids, change)

    @locked
    def remove_tags(self, ids: Iterable[str], tags: Sequence[str]) -> list[str]:
        self._writable()
        drop = {tone_key(t) for t in tags}
        return self.store.update_meta(
            ids, lambda meta: {"tags": [t for t in meta.get("tags", []) if tone_key(t) not in drop]}
        )

    @locked
    def save_view(self, name: str, query: str) -> None:
        self._writable()
        self.store.put_view(" ".join(strip_controls(name).split()) or query, query)

    @locked
    def rename_view(self, name: str, new_name: str) -> None:
        self._writable()
        new_name = " ".join(strip_controls(new_name).split())
        view = next((v for v in self.store.views() if v["name"] == name), None)
        if view is None or not new_name:
            return
        self.store.put_view(new_name, view["query"])
        if new_name != name:
            self.store.remove_view(name)

    @locked
    def delete_view(self, name: str) -> None:
        self._writable()
        self.store.remove_view(name)
