"""Stories: the same event from every outlet, re-published copies folded.

An article joins the story of an earlier one when, inside a time window,
their texts overlap (MinHash over shingles of accent-folded syllables) and
they name the same rare people, places and organisations.  Copies of one
text under other outlets' names are marked as re-publications.

The grouping lives in tables of the derived SQLite index, kept up to date
article by article and rebuildable from the store: see :class:`StoryIndex`.
Importing this package is cheap; the MinHash library is loaded on first use.
"""

from __future__ import annotations

from .features import StoryDoc
from .index import Member, Story, StoryIndex, StoryRow
from .match import Settings

__all__ = ["Member", "Settings", "Story", "StoryDoc", "StoryIndex", "StoryRow"]
