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
into a store with grouping off, then grouped from scratch by the store's
rebuild (time, memory); more articles are then imported the way
``tuireader import`` does, the store grouping each write as it does for
every import and refresh: printed is grouping's share of that import time.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import sqlite3
import sys
import tempfile
import time
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
            ("  named days off (time keeps its window)", Settings(use_days=False)),
            ("  figures off (entities keep the names)", Settings(figures=False)),
        ]
    for title, settings in variants:
        print(f"{title}:")
        for name, items in splits.items():
            print(evaluate(name, items, settings, show=args.show and name == "dev"))
        print(f"  sample articles grouped together (pairs, want 0): {samples_apart(settings)}")


# --- scale -------------------------------------------------------------------
WORDS = json.loads((DATA / "synthetic.json").read_text(encoding="utf-8"))
SITES: list[str] = WORDS["sites"]


class Synthetic:
    """Deterministic synthetic news: article ``n`` is the same whenever it is asked for.

    Sentences come from a syllable bigram chain trained on the repository's own
    Vietnamese texts; names are drawn from Zipf-like pools (a few very common);
    a share of articles rewrite an earlier one (paragraphs shuffled and cut,
    sentences replaced, sometimes the tone marks lost) or re-publish it with
    other boilerplate under another outlet.  Entities are given, not extracted.
    """

    def __init__(self, count: int, *, seed: int = 11, per_day: int = 140, rewrites: float = 0.2, copies: float = 0.1):
        self.count, self.seed, self.rewrites, self.copies = count, seed, rewrites, copies
        self.span = 86400 / per_day  # seconds between two articles
        self.reach = max(1, int(2 * 86400 / self.span))  # a rewrite or copy follows its original within two days
        rng = random.Random(seed)
        self.sentences = self._sentences(rng, 20000)
        w = WORDS
        self.people = [
            f"{rng.choice(w['surnames'])} {rng.choice(w['middle_names'])} {rng.choice(w['given_names'])}"
            for _ in range(6000)
        ]
        syllables = w["place_syllables"]
        self.places = list(dict.fromkeys(f"{rng.choice(syllables)} {rng.choice(syllables)}" for _ in range(800)))
        self.orgs = [f"{rng.choice(w['organisation_heads'])} {rng.choice(self.places)}" for _ in range(600)]

    @staticmethod
    def _sentences(rng: random.Random, count: int) -> list[str]:
        texts = [p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))]
        texts += [json.loads(line).get("text") or "" for f in sorted(DATA.glob("*.jsonl")) for line in f.open()]
        words = [w.strip(".,:;\"'“”()").lower() for t in texts for w in t.split()]
        words = [w for w in words if w and not any(c.isdigit() for c in w)]
        chain: dict[str, list[str]] = {}
        for a, b in zip(words, words[1:], strict=False):
            chain.setdefault(a, []).append(b)
        out = []
        for _ in range(count):
            word = rng.choice(words)
            sentence = [word]
            for _ in range(rng.randint(10, 24)):
                word = rng.choice(chain.get(word) or words)
                sentence.append(word)
            out.append(" ".join(sentence))
        return out

    def _pick(self, rng: random.Random, pool: list[str]) -> str:
        return pool[int(len(pool) * rng.random() ** 3)]  # skewed: the first names are the common ones

    def kind(self, n: int) -> str:
        roll = random.Random(self.seed * 7919 + n).random()
        if n < 50 or roll >= self.rewrites + self.copies:
            return "original"
        return "rewrite" if roll < self.rewrites else "copy"

    def story_of(self, n: int) -> int:
        """The original an article reports again (itself for an original): the last before a random earlier point."""
        if self.kind(n) == "original":
            return n
        n = max(0, n - random.Random(self.seed * 104729 + n).randint(1, self.reach))
        while self.kind(n) != "original":
            n -= 1
        return n

    def _original(self, n: int) -> tuple[str, list[list[str]], dict[str, tuple[str, int]]]:
        rng = random.Random(self.seed * 31 + n)
        names = {name: ("PER", 0) for name in {self._pick(rng, self.people) for _ in range(rng.randint(2, 4))}}
        names.update((p, ("LOC", 0)) for p in {self._pick(rng, self.places) for _ in range(rng.randint(1, 3))})
        names.update((o, ("ORG", 0)) for o in {self._pick(rng, self.orgs) for _ in range(rng.randint(1, 2))})
        day = time.gmtime(self._time(n) + 7 * 3600)
        paragraphs = []
        for i in range(rng.randint(4, 8)):
            sentences = []
            for _ in range(rng.randint(2, 4)):
                name = rng.choice(list(names))
                figure = f"{rng.randint(2, 999)}.{rng.randint(100, 999)}" if rng.random() < 0.4 else ""
                sentences.append(f"{rng.choice(self.sentences).capitalize()} {name} {figure}".strip() + ".")
            if i == 0:
                sentences.insert(0, f"Ngày {day.tm_mday}/{day.tm_mon}, {names and next(iter(names))} cho biết.")
            paragraphs.append(sentences)
        title = rng.choice(self.sentences).capitalize()
        return title, paragraphs, names

    def _rewrite(self, rng: random.Random, paragraphs: list[list[str]]) -> list[list[str]]:
        kept = [p[:] for p in paragraphs if rng.random() < 0.75] or [paragraphs[0][:]]
        rng.shuffle(kept)
        for p in kept:
            for i in range(len(p)):
                if rng.random() < 0.35:
                    p[i] = rng.choice(self.sentences).capitalize() + "."
        return kept

    def _time(self, n: int) -> float:
        return 1_700_000_000 + n * self.span

    def record(self, n: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """(meta, body) of article ``n``, shaped as the store keeps them."""
        from tuireader.text import tone_key

        kind, base = self.kind(n), self.story_of(n)
        rng = random.Random(self.seed * 65537 + n)
        title, paragraphs, names = self._original(base)
        site = rng.choice(SITES)
        if kind == "rewrite":
            paragraphs, title = self._rewrite(rng, paragraphs), rng.choice(self.sentences).capitalize()
        text = "\n\n".join(" ".join(p) for p in paragraphs)
        if kind == "copy":
            text += "\n\n" + rng.choice(WORDS["boilerplate"]).format(site=SITES[base % len(SITES)])
        if kind == "rewrite" and rng.random() < 0.15:
            text, title = _untone(text), _untone(title)
        entities = [
            {"key": f"{etype}:{tone_key(name)}", "type": etype, "text": name, "count": text.count(name)}
            for name, (etype, _) in names.items()
            if name in text
        ]
        article_id = f"{(n * 2654435761 + 12345) % (1 << 48):012x}"
        published = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(self._time(n) + rng.randint(0, 3600)))
        meta = {"id": article_id, "title": title, "site": site, "published": published, "added": published,
                "source": "synthetic", "entities": entities, "content_hash": None, "url": None, "read": False,
                "bookmarked": False, "tags": [], "extractor": "synthetic"}  # fmt: skip
        return meta, {"id": article_id, "text": text, "entities": entities}


def _untone(text: str) -> str:
    import unicodedata

    stripped = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped.replace("đ", "d").replace("Đ", "D"))


def _rss_mb() -> tuple[float, float]:
    """(resident, peak since the last reset) in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def scale(args: argparse.Namespace) -> None:
    """Times are CPU seconds of this process (the machine is shared), wall seconds in brackets."""
    from tuireader.store.store import ArticleRecord, Store

    synthetic = Synthetic(args.count + args.extra)
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "library", durable=False, group_stories=False)
        clock = Clock()
        for first in range(0, args.count, 2000):
            batch = [ArticleRecord(*synthetic.record(n)) for n in range(first, min(args.count, first + 2000))]
            clock.run("store", store.put_articles, batch)
        print(f"store import of {args.count} articles without grouping: {clock.show('store')}")
        clock.run("read", lambda: sum(1 for _ in store._story_docs()))
        store.group_stories = True
        rss0, _ = _rss_mb()
        _reset_peak()
        clock.run("rebuild", store.rebuild_stories)
        rss1, peak = _rss_mb()
        print(f"rebuild of the grouping from the store: {clock.show('rebuild')}, of which reading the store"
              f" {clock.show('read')}; memory +{peak - rss0:.0f} MB at peak, +{rss1 - rss0:.0f} MB after")  # fmt: skip
        _one_process_rebuild(store, clock)
        share = (clock.cpu["one process"] - clock.cpu["read"]) / clock.cpu["store"]
        print(f"  grouping {args.count} articles = {share * 100:.1f} % of their store import time (CPU of a rebuild"
              f" in one process, {clock.show('one process')}, so that the workers' CPU is counted)")  # fmt: skip
        stories = store._stories()
        assert stories is not None
        _quality_on(synthetic, stories, args.count)
        _incremental(synthetic, stories, store, args)
        store.close()


def _one_process_rebuild(store: Any, clock: Clock) -> None:
    """The rebuild again with its features computed in this process (a pool's workers' CPU is not this process's)."""
    import tuireader.store.stories as story_store

    pooled_from = story_store._POOLED_REBUILD
    story_store._POOLED_REBUILD = sys.maxsize
    try:
        clock.run("one process", store.rebuild_stories)
    finally:
        story_store._POOLED_REBUILD = pooled_from


class Clock:
    """CPU and wall seconds summed per label."""

    def __init__(self) -> None:
        self.cpu: dict[str, float] = {}
        self.wall: dict[str, float] = {}

    def run(self, label: str, fn: Any, *args: Any) -> Any:
        cpu, wall = time.process_time(), time.perf_counter()
        result = fn(*args)
        self.cpu[label] = self.cpu.get(label, 0.0) + time.process_time() - cpu
        self.wall[label] = self.wall.get(label, 0.0) + time.perf_counter() - wall
        return result

    def show(self, label: str) -> str:
        return f"{self.cpu.get(label, 0.0):.1f} s ({self.wall.get(label, 0.0):.1f} s wall)"


def _quality_on(synthetic: Synthetic, stories: StoryIndex, count: int) -> None:
    """Pairwise P/R on a slice of the synthetic set (a sanity check: its rewrites are crude)."""
    sample = range(max(0, count - 3000), count)
    ids = {n: synthetic.record(n)[0]["id"] for n in sample}
    labels = {ids[n]: str(synthetic.story_of(n)) for n in sample}
    precision, recall, _, _ = pairwise(labels, {i: stories.story_of(i) for i in labels})
    copies = [n for n in sample if synthetic.kind(n) == "copy" and synthetic.story_of(n) in ids]
    row_of = {i: row.id for row in stories.fold(list(ids.values())) for i in (row.id, *row.folded)}
    once = sum(row_of[ids[n]] == row_of[ids[synthetic.story_of(n)]] for n in copies)
    print(f"  synthetic set, last {len(sample)} articles: P={precision:.3f} R={recall:.3f};"
          f" copies listed once {once}/{len(copies)}")  # fmt: skip


def _incremental(synthetic: Synthetic, stories: StoryIndex, store: Any, args: argparse.Namespace) -> None:
    """Import more articles the way `tuireader import` does, into the full library, grouping each write.

    Grouping costs twice: its features (shingles, signature, entity units) are computed with the
    cleaning, in the import's worker processes, and the writer places each article in a story.
    Both are timed apart: the features by computing them again, the placing inside the store's write.
    """
    from tuireader.library.importing import build_record
    from tuireader.store.stories import story_features

    clock = Clock()
    group = stories.add_articles  # the store groups each write through it: timed apart
    stories.add_articles = lambda docs: clock.run("group", group, list(docs))  # type: ignore[method-assign]
    rss0, _ = _rss_mb()
    _reset_peak()
    for first in range(args.count, args.count + args.extra, 100):
        raws = [synthetic.record(n) for n in range(first, min(args.count + args.extra, first + 100))]
        data = [(f"{m['title']}\n\n{b['text']}".encode(), m) for m, b in raws]
        records = clock.run("clean", lambda d=data: [build_record(x, filename="a.txt", hints=m) for x, m in d])
        clock.run("features", lambda r=records: [story_features(x.meta, x.body) for x in r])
        clock.run("store", store.put_articles, records)
    _, peak = _rss_mb()
    for label in ("store", "group"):  # the store's own write, less grouping
        clock.cpu[label], clock.wall[label] = clock.cpu.get(label, 0.0), clock.wall.get(label, 0.0)
    clock.cpu["store"] -= clock.cpu["group"]
    clock.wall["store"] -= clock.wall["group"]
    clock.cpu["clean"] -= clock.cpu["features"]  # cleaning and extraction alone
    clock.wall["clean"] -= clock.wall["features"]
    n = args.extra
    clean_ms, store_ms = clock.cpu["clean"] / n * 1000, clock.cpu["store"] / n * 1000
    features_ms, place_ms = clock.cpu["features"] / n * 1000, clock.cpu["group"] / n * 1000
    pages = [(p.read_bytes(), p.name) for p in sorted(SAMPLES.glob("*.txt"))] * 20
    built = clock.run("pages", lambda: [build_record(data, filename=name) for data, name in pages])
    clock.run("page features", lambda: [story_features(r.meta, r.body) for r in built])
    page_ms = (clock.cpu["pages"] - clock.cpu["page features"]) / len(pages) * 1000
    page_features_ms = clock.cpu["page features"] / len(pages) * 1000
    print(f"import of {n} more articles into the {args.count}-article library, batches of 100:")
    print(f"  clean+extract {clock.show('clean')}, grouping features {clock.show('features')} (with the cleaning,"
          f" in the import's workers), store {clock.show('store')}, placing in stories {clock.show('group')}"
          f" (in the store's write)")  # fmt: skip
    print(f"  per article: clean+extract {clean_ms:.2f} ms here, {page_ms:.2f} ms for the real pages of the sample"
          f" corpus; store {store_ms:.2f} ms; grouping: features {features_ms:.2f} ms ({page_features_ms:.2f} ms"
          f" for the real pages) + placing {place_ms:.2f} ms")  # fmt: skip
    for what, cost in (("all of it", page_features_ms + place_ms), ("the writer's part (placing)", place_ms)):
        print(f"  grouping adds {cost / (page_ms + store_ms) * 100:.1f} % to an import of real pages: {what}")
    synthetic_cost = (features_ms + place_ms) / (clean_ms + store_ms) * 100
    print(f"  grouping adds {synthetic_cost:.1f} % to the import of these synthetic texts;"
          f" memory +{peak - rss0:.0f} MB at peak")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    q = sub.add_parser("quality")
    q.add_argument("--splits", nargs="+", default=["dev", "heldout", "heldout2"])
    q.add_argument("--no-ablation", action="store_true")
    q.add_argument("--show", action="store_true", help="list the dev set's wrong and missed pairs")
    sc = sub.add_parser("scale")
    sc.add_argument("--count", type=int, default=50000)
    sc.add_argument("--extra", type=int, default=1000, help="articles imported through the full path afterwards")
    args = parser.parse_args()
    if args.command == "quality":
        quality(args)
    else:
        scale(args)


if __name__ == "__main__":
    main()
