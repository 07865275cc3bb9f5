"""Story grouping: quality on the labelled sets, and cost at scale.

    python benchmarks/stories.py quality            # dev and held-out P/R, copies, samples, ablation
    python benchmarks/stories.py scale --count 50000

quality: every item of ``benchmarks/data/stories/{dev,heldout}.jsonl`` is
cleaned and its entities extracted as an import would, then grouped one
article at a time in a shuffled order (as imports and refreshes come) and
again all at once (a rebuild).  Printed: pairwise precision and recall
against the labelled stories, re-publications folded into their
original's row, and whether any two of the five sample articles, imported
together without dates as the bundled corpus is, share a story.  Then the
same with each signal turned off in turn.

scale: a synthetic library (made here: articles written from a vocabulary,
a share of them rewritten or re-published by other outlets) is imported
into a store in batches, grouping each batch after the store wrote it;
printed are grouping's share of import time, the memory it adds and the
time to rebuild the grouping from scratch.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tuireader.stories import Settings, StoryDoc, StoryIndex  # noqa: E402

DATA = REPO / "benchmarks" / "data" / "stories"
SAMPLES = REPO / "sample_corpus"
IMPORT_TIME = "2026-01-05T10:00:00+00:00"  # "added" for items without a date


# --- quality -----------------------------------------------------------------
def _article(data: bytes, item_id: str, time: str | None, site: str | None) -> StoryDoc:
    """Clean and analyse one document as an import does."""
    from tuireader.clean import clean_source
    from tuireader.library.importing import entities_for

    cleaned = clean_source(data, filename=f"{item_id}.txt")
    entities, _ = entities_for(cleaned.text)
    num = f"{abs(hash(item_id)) & (2**48 - 1):012x}"
    return StoryDoc(id=num, title=cleaned.title or "", text=cleaned.text, time=time or IMPORT_TIME,
                    site=site or cleaned.site, entities=entities)  # fmt: skip


def load_split(name: str) -> list[tuple[dict[str, Any], StoryDoc]]:
    """(label, article) pairs of one labelled file; an item may name a sample file instead of a text."""
    sites = json.loads((SAMPLES / "index.json").read_text(encoding="utf-8"))["files"]
    out = []
    for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        if "sample" in item:
            data, site = (SAMPLES / item["sample"]).read_bytes(), sites[item["sample"]].get("site")
        else:
            data, site = f"{item['title']}\n\n{item['text']}".encode(), item.get("site")
        out.append((item, _article(data, item["id"], item.get("published"), site)))
    return out


def group(docs: list[StoryDoc], settings: Settings, *, one_by_one: bool, seed: int = 3) -> StoryIndex:
    index = StoryIndex(sqlite3.connect(":memory:", isolation_level=None), settings)
    if one_by_one:
        order = docs[:]
        random.Random(seed).shuffle(order)
        for doc in order:
            index.add_articles([doc])
    else:
        index.rebuild(docs)
    return index


def pairwise(labels: dict[str, str], found: dict[str, str | None]) -> tuple[float, float, int, int]:
    """Precision and recall over pairs of articles put in (or labelled as) one story."""
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(labels), 2):
        gold = labels[a] == labels[b]
        guess = found[a] is not None and found[a] == found[b]
        tp += gold and guess
        fp += guess and not gold
        fn += gold and not guess
    return tp / (tp + fp) if tp + fp else 1.0, tp / (tp + fn) if tp + fn else 1.0, fp, fn


def copies_folded(items: list[tuple[dict[str, Any], StoryDoc]], index: StoryIndex) -> tuple[int, int, int]:
    """(copies, listed once with their original, marked as re-publications of one text)."""
    by_label = {item["id"]: doc.id for item, doc in items}
    rows = index.fold([doc.id for _, doc in items])
    row_of = {doc_id: row.id for row in rows for doc_id in (row.id, *row.folded)}
    copies = [(by_label[item["id"]], by_label[item["copy_of"]]) for item, _ in items if item.get("copy_of")]
    once = sum(row_of[c] == row_of[o] for c, o in copies)
    return len(copies), once, sum(_text_of(index, c) == _text_of(index, o) for c, o in copies)


def _text_of(index: StoryIndex, article_id: str) -> str | None:
    """The first publication of an article's text: itself, or the article it copies."""
    story = index.story_of(article_id)
    member = next((m for m in index.members(story) if m.id == article_id), None) if story else None
    return (member.copy_of or member.id) if member else None


def samples_apart(settings: Settings) -> int:
    """How many pairs of the five sample articles, imported together undated, share a story."""
    docs = [_article(p.read_bytes(), p.name, None, None) for p in sorted(SAMPLES.glob("*.txt"))]
    index = group(docs, settings, one_by_one=False)
    stories = [index.story_of(d.id) for d in docs]
    return sum(a == b for a, b in itertools.combinations(stories, 2))


def _differences(items: list[tuple[dict[str, Any], StoryDoc]], found: dict[str, str | None]) -> list[str]:
    """The wrong and the missed pairs, by item id (for the dev set only: never look at held-out ones)."""
    out = []
    for (a, da), (b, db) in itertools.combinations(items, 2):
        gold, guess = a["story"] == b["story"], found[da.id] == found[db.id]
        if gold != guess:
            out.append(f"    {'wrong ' if guess else 'missed'} {a['id']} ~ {b['id']}")
    return out


def evaluate(name: str, items: list[tuple[dict[str, Any], StoryDoc]], settings: Settings, show: bool = False) -> str:
    labels = {doc.id: item["story"] for item, doc in items}
    parts = []
    for mode, one_by_one in (("one by one", True), ("rebuild", False)):
        index = group([doc for _, doc in items], settings, one_by_one=one_by_one)
        found = {doc_id: index.story_of(doc_id) for doc_id in labels}
        precision, recall, fp, fn = pairwise(labels, found)
        copies, once, marked = copies_folded(items, index)
        if show:
            parts += _differences(items, found)
        parts.append(
            f"  {name:8s} {mode:10s} P={precision:.3f} R={recall:.3f} (wrong pairs {fp}, missed {fn});"
            f" copies listed once {once}/{copies}, marked {marked}/{copies}"
        )
    return "\n".join(parts)


def quality(args: argparse.Namespace) -> None:
    splits = {name: load_split(name) for name in args.splits}
    sizes = ", ".join(f"{n}: {len(v)} articles, {len({i['story'] for i, _ in v})} stories" for n, v in splits.items())
    print(f"labelled sets: {sizes}")
    variants = [("all signals", Settings())]
    if not args.no_ablation:
        variants += [
            ("text off", Settings(use_text=False)),
            ("entities off", Settings(use_entities=False)),
            ("time off", Settings(use_time=False)),
        ]
    for title, settings in variants:
        print(f"{title}:")
        for name, items in splits.items():
            print(evaluate(name, items, settings, show=args.show and name == "dev"))
        print(f"  sample articles grouped together (pairs, want 0): {samples_apart(settings)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--splits", nargs="+", default=["dev", "heldout", "heldout2"])
    q.add_argument("--no-ablation", action="store_true")
    q.add_argument("--show", action="store_true", help="list the dev set's wrong and missed pairs")
    args = parser.parse_args()
    if args.command == "quality":
        quality(args)


if __name__ == "__main__":
    main()
