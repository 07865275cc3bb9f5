"""Exporting articles as Markdown or JSON, to a file, a folder or standard output."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..store.jsonstorage import atomic_write_bytes
from ..store.store import LibraryError
from ..text import safe_filename, strip_controls
from .reading import ReadingMixin

ENTITY_TYPES = ("PER", "LOC", "ORG", "DATE")


def export_file_name(name: str, fmt: str) -> str:
    """A safe file name for an export called ``name`` (a title, a view)."""
    return safe_filename(name, ".md" if fmt == "md" else ".json")


def markdown(article: dict[str, Any]) -> str:
    """One article as Markdown: title, a list of its details and entities, then the text."""
    lines = [f"# {strip_controls(article['title'])}", ""]
    for label, key in (("Site", "site"), ("Author", "author"), ("URL", "url"), ("Published", "published")):
        if article.get(key):
            lines.append(f"- {label}: {strip_controls(str(article[key]))}")
    if article.get("tags"):
        lines.append("- Tags: " + ", ".join(article["tags"]))
    groups: dict[str, list[str]] = {}
    for entity in article.get("entities") or ():
        groups.setdefault(entity["type"], []).append(entity["text"])
    lines.extend(f"- {etype}: " + ", ".join(groups[etype]) for etype in ENTITY_TYPES if groups.get(etype))
    lines += ["", strip_controls(article.get("text") or "")]
    return "\n".join(lines)


class ExportMixin(ReadingMixin):
    def export(
        self, ids: Sequence[str], fmt: str, output: Path | None = None, *, name: str = "articles"
    ) -> Path | None:
        """Write articles as Markdown or JSON (always a list) to ``output``: a file, a folder, or None for stdout.

        In a folder the file is named after ``name``, sanitised.  Returns the path written, or None for stdout.
        """
        payload = self.export_text(ids, fmt)
        if output is None:
            sys.stdout.write(payload)
            sys.stdout.flush()
            return None
        target = output / export_file_name(name, fmt) if output.is_dir() else output
        if not target.parent.is_dir():
            raise LibraryError(f"Cannot export to {target}: the folder {target.parent} does not exist.")
        try:
            atomic_write_bytes(target, payload.encode("utf-8"), keep_backup=False)
        except OSError as exc:
            raise LibraryError(f"Cannot export to {target}: {exc.strerror or exc}.") from None
        return target

    def export_text(self, ids: Sequence[str], fmt: str) -> str:
        """The export itself: Markdown articles separated by rules, or a JSON list."""
        articles = [self.article_json(i, full=True) for i in ids]
        if fmt == "json":
            return json.dumps(articles, ensure_ascii=False, indent=2) + "\n"
        return "\n\n---\n\n".join(markdown(a) for a in articles) + "\n"
