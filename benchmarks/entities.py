"""Quality and speed of the entity extractor.

Quality: precision / recall / F1 per type and overall on the gold set
(``benchmarks/data/entities/gold.jsonl``), for the dev and test splits
separately (and for the second held-out split ``test2``), plus the number of duplicate entries (two output entities for
one gold entity, i.e. an alias that was not merged).  Entities are compared
document by document through their keys, so a curated alias in the text
("Hoa Kỳ") matches its canonical gold name ("Mỹ").

Speed: articles per second on one core, extracting repeatedly from the
sample corpus article bodies (as cut out by the cleaner) and, for reference,
from the whole page dumps (several times longer: related-news lists etc.).

    python benchmarks/entities.py [--data DIR] [--gold FILE] [--errors dev]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tuireader.entities import ENTITY_TYPES, Entity, entity_key, extract  # noqa: E402
from tuireader.text import tone_key  # noqa: E402

DEFAULT_GOLD = REPO / "benchmarks" / "data" / "entities" / "gold.jsonl"


def load_gold(path: Path) -> list[dict]:
    items = []
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line:
                continue
            try:
                items.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise SystemExit(f"{path}:{n}: not valid JSON ({exc.msg})") from None
    return items


def gold_key(type_: str, name: str) -> str:
    return entity_key(name, type_) or f"{type_}:{tone_key(name)}"


def _words(key: str) -> tuple[str, ...]:
    return tuple(key.split(":", 1)[1].split())


def _refers_to(entity: Entity, key: str) -> bool:
    """Whether an output entity names the gold entity ``key`` (also partially)."""
    if entity.key == key:
        return True
    if entity.type != key.split(":", 1)[0]:
        return False
    gold = _words(key)
    for form in [entity.text, *entity.aliases]:
        own = tuple(tone_key(form).split())
        # A short form of the gold name: "Blinken" for "Antony Blinken".
        if own and any(gold[k : k + len(own)] == own for k in range(len(gold) - len(own) + 1)):
            return True
    return False


def score(items: list[dict], show_errors: bool) -> dict:
    counts = {t: Counter() for t in ENTITY_TYPES}
    duplicates = 0
    for item in items:
        gold = {(t, gold_key(t, name)) for t, name in item["entities"]}
        found = extract(item["text"])
        predicted = {(e.type, e.key) for e in found}
        for t in ENTITY_TYPES:
            g = {k for tt, k in gold if tt == t}
            p = {k for tt, k in predicted if tt == t}
            counts[t]["tp"] += len(g & p)
            counts[t]["fp"] += len(p - g)
            counts[t]["fn"] += len(g - p)
        gold_keys = {k for _, k in gold}
        for _, key in gold:
            # An output entity that is itself another gold entity ("Huế" next to
            # "Thừa Thiên Huế") is no duplicate.
            refs = sum(1 for e in found if _refers_to(e, key) and (e.key == key or e.key not in gold_keys))
            duplicates += max(0, refs - 1)
        if show_errors and gold != predicted:
            print(f"--- {item['id']}: {item['text'][:160]}")
            for t, k in sorted(gold - predicted):
                print(f"    missed  {k}")
            for t, k in sorted(predicted - gold):
                print(f"    extra   {k}")
    return {"counts": counts, "duplicates": duplicates, "items": len(items)}


def prf(c: Counter) -> tuple[float, float, float]:
    p = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
    r = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f


def report(name: str, result: dict) -> None:
    print(f"\n{name}: {result['items']} items")
    print(f"  {'type':<8}{'P':>7}{'R':>7}{'F1':>7}{'gold':>7}")
    total = Counter()
    for t, c in result["counts"].items():
        total.update(c)
        p, r, f = prf(c)
        print(f"  {t:<8}{p:7.3f}{r:7.3f}{f:7.3f}{c['tp'] + c['fn']:7d}")
    p, r, f = prf(total)
    print(f"  {'overall':<8}{p:7.3f}{r:7.3f}{f:7.3f}{total['tp'] + total['fn']:7d}")
    print(f"  duplicate entries: {result['duplicates']}")


def corpus_texts(data: Path) -> list[str]:
    for folder in (REPO / "sample_corpus", data / "seeds", data):
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if files:
            return [f.read_text(encoding="utf-8") for f in files]
    return []


def article_bodies(pages: list[str]) -> list[str]:
    """The article text of each page, as the reader would analyse it."""
    try:
        from tuireader.clean import clean_text_dump
    except ImportError:
        return []
    bodies = []
    for page in pages:
        try:
            article = clean_text_dump(page)
        except Exception:  # a page the cleaner rejects is simply not timed
            continue
        body = "\n\n".join(part for part in (article.title, article.lead, article.text) if part)
        if body:
            bodies.append(body)
    return bodies


def speed(label: str, texts: list[str], seconds: float) -> None:
    if not texts:
        print(f"\nspeed ({label}): nothing to time (use --data)")
        return
    extract(texts[0])  # load gazetteers outside the timing
    done = 0
    chars = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        for text in texts:
            extract(text)
            chars += len(text)
        done += len(texts)
    elapsed = time.perf_counter() - start
    print(
        f"speed ({label}): {done / elapsed:.0f} articles/s ({chars / elapsed / 1000:.0f} k chars/s), "
        f"{len(texts)} texts of {sum(map(len, texts)) // len(texts)} chars on average"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared", help="shared benchmark data folder")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold set (JSONL)")
    parser.add_argument(
        "--errors", choices=["dev"], help="print the differences for the dev split (held-out splits are only scored)"
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to run the speed test")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"gold set not found: {args.gold}", file=sys.stderr)
        return 2
    items = load_gold(args.gold)
    for split in ("dev", "test", "test2"):
        chosen = [i for i in items if i.get("split") == split]
        report(split, score(chosen, show_errors=args.errors == split))
    pages = corpus_texts(args.data)
    print()
    speed("article bodies", article_bodies(pages), args.seconds)
    speed("whole page dumps", pages, args.seconds)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
