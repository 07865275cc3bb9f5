"""The base of the reader's Line API widgets: a scrolling view that draws line by line.

``Widget.rich_style`` walks every ancestor's styles each time it is read; a
view drawing line by line would pay that walk on every line of every frame
(about a fifth of a millisecond each).  :attr:`LineView.base_style` keeps it
until the widget's styles change, as Textual keeps its component styles.
"""

from __future__ import annotations

from rich.style import Style
from textual.scroll_view import ScrollView


class LineView(ScrollView):
    """A ``ScrollView`` whose own Rich style is computed once per style change."""

    _base_style: Style | None = None

    @property
    def base_style(self) -> Style:
        """The widget's Rich style (its background and colour over its ancestors')."""
        if self._base_style is None:
            self._base_style = self.rich_style
        return self._base_style

    def notify_style_update(self) -> None:
        self._base_style = None
        super().notify_style_update()
