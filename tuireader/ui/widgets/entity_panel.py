"""The entity panel: who, where, which organisations and when an article mentions.

Fed with the article's entity list (dicts with ``text``, ``type``, ``count``,
``key``, ``mentions``).  Moving onto an entity posts ``EntityPanel.Selected``
(the screen highlights its mentions); Enter or a double click posts
``EntityPanel.Pivot`` (the screen opens the entity's feed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual import events
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...library import strip_controls

__all__ = ["EntityPanel", "GROUPS", "group_of"]

# Display order and Vietnamese headings of entity groups.
GROUPS: tuple[tuple[str, str], ...] = (
    ("person", "Người"),
    ("location", "Địa điểm"),
    ("organization", "Tổ chức"),
    ("time", "Thời gian"),
    ("other", "Khác"),
)

_TYPE_ALIASES = {
    "per": "person",
    "person": "person",
    "people": "person",
    "nguoi": "person",
    "người": "person",
    "loc": "location",
    "location": "location",
    "gpe": "location",
    "place": "location",
    "địa điểm": "location",
    "org": "organization",
    "organization": "organization",
    "organisation": "organization",
    "tổ chức": "organization",
    "time": "time",
    "date": "time",
    "datetime": "time",
    "thời gian": "time",
}


def group_of(entity_type: str | None) -> str:
    """The display group of an entity type name, whatever tagset it comes from."""
    return _TYPE_ALIASES.get((entity_type or "").strip().lower(), "other")


def _salience(entity: dict[str, Any]) -> tuple[int, int]:
    mentions = entity.get("mentions") or []
    first = min((int(m[0]) for m in mentions if m), default=1 << 30)
    return (-int(entity.get("count") or len(mentions) or 0), first)


class EntityPanel(OptionList):
    """Entities of the open article, grouped and most salient first."""

    COMPONENT_CLASSES = {"entity-panel--heading", "entity-panel--count"}

    DEFAULT_CSS = """
    EntityPanel {
        background: $surface;
        border: none;
        padding: 0 0 0 1;
        text-wrap: nowrap;
        text-overflow: ellipsis;
    }
    EntityPanel > .entity-panel--heading {
        color: $text-primary;
        text-style: bold;
    }
    EntityPanel > .entity-panel--count {
        color: $text-muted;
    }
    """

    entities: reactive[list[dict[str, Any]]] = reactive(list, always_update=True)

    class Selected(Message):
        """The cursor moved onto an entity (``entity`` is None when it left them)."""

        def __init__(self, panel: EntityPanel, entity: dict[str, Any] | None) -> None:
            super().__init__()
            self.panel = panel
            self.entity = entity

    class Pivot(Message):
        """The user asked for the feed of every article mentioning ``entity``."""

        def __init__(self, panel: EntityPanel, entity: dict[str, Any]) -> None:
            super().__init__()
            self.panel = panel
            self.entity = entity

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes, markup=False)
        self._by_key: dict[str, dict[str, Any]] = {}

    def watch_entities(self, entities: Sequence[dict[str, Any]]) -> None:
        self.clear_options()
        self._by_key = {}
        grouped: dict[str, list[dict[str, Any]]] = {}
        for entity in entities or ():
            if not isinstance(entity, dict) or not entity.get("text"):
                continue
            grouped.setdefault(group_of(entity.get("type")), []).append(entity)
        heading_style = self.get_component_rich_style("entity-panel--heading", partial=True)
        count_style = self.get_component_rich_style("entity-panel--count", partial=True)
        options: list[Option | None] = []
        for group, heading in GROUPS:
            members = sorted(grouped.get(group, []), key=_salience)
            if not members:
                continue
            if options:
                options.append(None)
            options.append(
                Option(Text.assemble((heading, heading_style), (f" {len(members)}", count_style)), disabled=True)
            )
            for entity in members:
                key = str(entity.get("key") or entity["text"])
                if key in self._by_key:
                    continue
                self._by_key[key] = entity
                name = strip_controls(str(entity["text"])).replace("\n", " ")
                count = int(entity.get("count") or len(entity.get("mentions") or ()) or 0)
                prompt = Text.assemble(name, (f" ×{count}", count_style), no_wrap=True, overflow="ellipsis")
                options.append(Option(prompt, id=key))
        if not options:
            options.append(Option(Text("No entities.", style=count_style), disabled=True))
        self.add_options(options)
        self.highlighted = None

    def entity(self, key: str | None) -> dict[str, Any] | None:
        return self._by_key.get(key) if key else None

    @property
    def highlighted_entity(self) -> dict[str, Any] | None:
        if self.highlighted is None:
            return None
        return self.entity(self.get_option_at_index(self.highlighted).id)

    async def _on_click(self, event: events.Click) -> None:
        """A click shows the entity's mentions; a double click opens its feed."""
        event.prevent_default()  # not OptionList's click, which selects at once
        clicked = event.style.meta.get("option")
        if clicked is None or self.get_option_at_index(clicked).disabled:
            return
        self.highlighted = clicked
        if event.chain >= 2:
            self.action_select()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Selected(self, self.entity(event.option_id)))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entity = self.entity(event.option_id)
        if entity is not None:
            self.post_message(self.Pivot(self, entity))
