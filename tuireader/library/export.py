"""Exporting articles as Markdown or JSON, to a file, a folder or standard output."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..store.jsonstorage import atomic_write_bytes
from ..text import safe_filename, strip_controls
from .reading import ReadingMixin

ENTITY_TYPES = ("PER", "LOC", "ORG", "DATE")


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
        """Write articles as Markdown or JSON.  ``output``: a file, a folder, ``-`` (stdout) or None (cwd).

        File names made from titles are sanitised.  Returns the path written, or None for stdout.
        """
        articles = [self.article_json(i, full=True) for i in ids]
        if fmt == "json":
            payload = json.dumps(articles if len(articles) != 1 else articles[0], ensure_ascii=False, indent=2)
        else:
            payload = "\n\n---\n\n".join(markdown(a) for a in articles) + "\n"
        if output is not None and str(output) == "-":
            sys.stdout.write(payload if payload.endswith("\n") else payload + "\n")
            return None
        target = output or Path.cwd()
        if target.is_dir():
            target = target / safe_filename(name, ".md" if fmt == "md" else ".json")
        atomic_write_bytes(target, payload.encode("utf-8"), keep_backup=False)
        return target
