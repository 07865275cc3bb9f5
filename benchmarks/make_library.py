"""Build a varied synthetic library of N articles from the sample corpus, quickly.

    python benchmarks/make_library.py 10000 --library lib10k

The five sample articles are cleaned and analysed once; each synthetic article
takes a base article, keeps a leading share of its paragraphs, numbers its title and
gives it a site, a date, a reading state and sometimes tags, so lists, counts
and search see realistic variety.  The days its text names become days up to
its own, so articles from one base are other events unless they appeared on
the same day (then they are one story told by several outlets, or a
re-publication).  Records go straight to the store in large batches (the
cost of cleaning is not what this measures), ungrouped; the stories are
built once at the end, by the same rebuild a user can run (its features
computed in worker processes), which is much faster than grouping each
batch as it arrives.
"""

from __future__ import annotations

import argparse
import copy
import random
import re
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tuireader.library import Library, sample_corpus_path  # noqa: E402
from tuireader.library.importing import entities_for  # noqa: E402
from tuireader.store.store import ArticleRecord, Store, article_id_for, content_hash  # noqa: E402

SITES = [
    "vnexpress.net",
    "tuoitre.vn",
    "thanhnien.vn",
    "dantri.com.vn",
    "vietnamnet.vn",
    "baoquocte.vn",
    "sggp.org.vn",
    "kinhtedothi.vn",
    "nhandan.vn",
    "vietgiaitri.com",
]
TAGS = ["kinh tế", "Ngoại giao", "thế giới", "đọc sau", "Nga", "Mỹ"]


def base_articles() -> list[dict]:
    from tuireader.clean import clean_source

    corpus = sample_corpus_path()
    assert corpus is not None, "sample_corpus/ not found"
    bases = []
    for path in sorted(corpus.glob("*.txt")):
        cleaned = clean_source(path.read_bytes(), filename=path.name)
        bases.append({"title": cleaned.title or path.stem, "paragraphs": cleaned.text.split("\n\n")})
    return bases


# A day and month, perhaps with a year: "29/7", "29-7-2022".
_DATE = re.compile(r"\b(\d{1,2})([/-])(\d{1,2})(?:\2((?:19|20)\d{2}))?\b")


def redated(text: str, entities: list[dict], when: datetime) -> tuple[str, list[dict]]:
    """``text`` naming ``when`` (and days months before it) where it named other days; mentions moved to match."""
    days: dict[str, str] = {}
    shifts: list[tuple[int, int]] = []  # (where a date ended in the old text, the length change so far)

    def new_date(found: re.Match[str]) -> str:
        old = found.group(0)
        if old not in days:
            back = when - timedelta(days=30 * len(days))  # earlier events, outside any story's window
            year = f"{found.group(2)}{back.year}" if found.group(4) else ""
            days[old] = f"{back.day}{found.group(2)}{back.month}{year}"
        new = days[old]
        change = (shifts[-1][1] if shifts else 0) + len(new) - len(old)
        shifts.append((found.end(), change))
        return new

    text = _DATE.sub(new_date, text)

    def moved(offset: int) -> int:
        change = 0
        for end, total in shifts:
            if end > offset:
                break
            change = total
        return offset + change

    out = copy.deepcopy(entities)
    for entity in out:
        entity["mentions"] = [[moved(start), moved(end)] for start, end in entity.get("mentions", ())]
        if entity["type"] == "DATE":
            entity["text"] = _DATE.sub(lambda found: days.get(found.group(0), found.group(0)), entity["text"])
            entity["key"] = f"DATE:{entity['text']}"
            entity["aliases"] = [_DATE.sub(lambda f: days.get(f.group(0), f.group(0)), a) for a in entity["aliases"]]
    return text, out


def build(path: Path, count: int, *, seed: int = 7, batch: int = 2000, progress: bool = False) -> float:
    rng = random.Random(seed)
    bases = base_articles()
    started = time.perf_counter()
    store = Store.open(path, durable=False, group_stories=False)
    pending: list[ArticleRecord] = []
    entity_cache: dict[tuple[int, int], list] = {}
    version = entities_for("")[1]
    for n in range(count):
        which = n % len(bases)
        base = bases[which]
        paragraphs = base["paragraphs"]
        keep = rng.randint(min(2, len(paragraphs)), len(paragraphs))
        kept = "\n\n".join(paragraphs[:keep])
        if (which, keep) not in entity_cache:
            entity_cache[(which, keep)] = entities_for(kept)[0]
        day = rng.randint(0, 3 * 365)
        moment = 1_600_000_000 + day * 86400 + n
        kept, full = redated(kept, entity_cache[(which, keep)], datetime.fromtimestamp(moment, UTC))
        # A numbered closing line makes every article distinct without moving entity offsets.
        text = f"{kept}\n\nBản tin số {n}."
        chash = content_hash(text)
        art_id = article_id_for(None, chash)
        published = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(moment))
        meta = {
            "id": art_id,
            "title": f"{base['title']} ({n})",
            "site": rng.choice(SITES),
            "author": None,
            "url": f"https://example.invalid/{n}",
            "published": published,
            "added": published,
            "source": "synthetic",
            "origin": None,
            "read": rng.random() < 0.6,
            "bookmarked": rng.random() < 0.03,
            "tags": rng.sample(TAGS, rng.choice([0, 0, 0, 1, 2])),
            "content_hash": chash,
            "entities": [{"key": e["key"], "type": e["type"], "text": e["text"], "count": e["count"]} for e in full],
            "extractor": version,
        }
        body = {
            "id": art_id,
            "text": text,
            "lead": kept.split("\n\n", 1)[0],
            "entities": full,
            "meta": dict(meta),
        }
        pending.append(ArticleRecord(meta=meta, body=body))
        if len(pending) >= batch:
            store.put_articles(pending)
            pending = []
            if progress and (n + 1) % 10_000 == 0:
                print(f"  {n + 1} articles, {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)
    if pending:
        store.put_articles(pending)
    store.group_stories = True

    def placed(done: int) -> None:
        if progress and done % 20_000 == 0:
            print(f"  {done} articles placed in stories, {time.perf_counter() - started:.0f} s", file=sys.stderr)

    grouped = store.rebuild_stories(placed)
    if progress:
        print(f"  {grouped} articles grouped into stories, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    store.close()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int)
    parser.add_argument("--library", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.library.exists() and any(args.library.iterdir()):
        sys.exit(f"{args.library} is not empty")
    seconds = build(args.library, args.count, seed=args.seed, progress=True)
    size = sum(p.stat().st_size for p in args.library.rglob("*") if p.is_file())
    print(
        f"built {args.count} articles in {seconds:.1f} s ({args.count / seconds:.0f}/s), {size / 2**20:.0f} MB on disk"
    )
    with Library.open(args.library) as library:
        print(f"library holds {library.count('')[1]} articles")


if __name__ == "__main__":
    main()
