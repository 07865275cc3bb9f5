"""A library with known stories, built from written test articles (holds no tests itself).

``tests/data/stories.json`` holds one story told by five outlets (typhoon Yagi
making landfall: the original, two rewrites, two re-publications with other
boilerplate) and one distractor (a festival in the same province the next
day).  The library also holds the five sample articles, which are five
different events and must stay apart, and one exact copy of the original's
text under a sixth outlet, which is not stored twice but noted on it.
"""

from __future__ import annotations

import json
from pathlib import Path
from unittest import mock

from tests.conftest import REPO, SAMPLE_CORPUS
from tuireader.library import Library

ARTICLES = json.loads((REPO / "tests" / "data" / "stories.json").read_text(encoding="utf-8"))
STORY = [a["id"] for a in ARTICLES if a["story"] == "d-yagi-landfall"]
DISTRACTOR = "d-quangninh-festival"
COPY_SITE = "baohaiphong.vn"  # publishes the original's very text
ADDED = "2024-09-08T00:00:00Z"


def _write(folder: Path, items: list[dict], site: str | None = None) -> Path:
    folder.mkdir(parents=True)
    files = {}
    for item in items:
        name = f"{item['id']}.txt"
        (folder / name).write_text(f"{item['title']}\n\n{item['text']}\n", encoding="utf-8")
        files[name] = {"title": item["title"], "site": site or item["site"], "published": item["published"]}
    (folder / "index.json").write_text(json.dumps({"files": files}, ensure_ascii=False), encoding="utf-8")
    return folder


def build_story_library(root: Path, *, group_stories: bool = True) -> dict[str, str]:
    """The library at ``root``; returns the article id of each test article (by its label) and sample file."""
    news = _write(root.parent / f"{root.name}-news", ARTICLES)
    copy = _write(root.parent / f"{root.name}-copy", [a for a in ARTICLES if a["id"] == "d-yagi"], COPY_SITE)
    library = Library.open(root, group_stories=group_stories)
    try:
        with mock.patch("tuireader.library.importing.now_iso", return_value=ADDED):
            library.import_paths([SAMPLE_CORPUS], source="Sample corpus")
            library.import_paths([news], source="Tin")
            library.import_paths([copy], source="Tin")
        ids = {}
        for article_id in library.query_ids(""):
            origin = Path(library.store.get_meta(article_id)["origin"]).name
            ids[origin.removesuffix(".txt")] = article_id
    finally:
        library.close()
    return ids
