"""Quality and speed of the entity extractor.

Quality, side by side:

* the project's own gold set (``benchmarks/data/entities/gold.jsonl``):
  precision / recall / F1 per type on the dev split (the seeds: paragraphs
  of the sample corpus and news-style sentences) and on the held-out splits
  ``test`` and ``test2``, plus the number of duplicate entries (two output
  entities for one gold entity, i.e. an alias that was not merged).
  Entities are compared document by document through their keys, so a
  curated alias in the text ("Hoa Kỳ") matches its canonical gold name
  ("Mỹ");
* the NER-VTB development set (``../shared/benchmarks/ner-vtb/dev.jsonl``):
  every mention's span and type against the annotated spans, exact and
  overlapping, scored by the set's own ``score.py``.

Speed: articles per second in one process, extracting repeatedly from the
sample corpus article bodies (as cut out by the cleaner) and, for reference,
from the whole page dumps (several times longer: related-news lists etc.);
and the start-up cost: importing the package, and the first extraction in a
new process (which loads the gazetteers).

    python benchmarks/entities.py [--data DIR] [--gold FILE] [--errors dev|vtb]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tuireader.entities import ENTITY_TYPES, Entity, entity_key, extract  # noqa: E402
from tuireader.text import tone_key  # noqa: E402

DEFAULT_GOLD = REPO / "benchmarks" / "data" / "entities" / "gold.jsonl"
VTB_TYPES = ("PER", "LOC", "ORG")


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
            for _t, k in sorted(gold - predicted):
                print(f"    missed  {k}")
            for _t, k in sorted(predicted - gold):
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


# --- the NER-VTB development set ----------------------------------------------


def vtb_scorer(data: Path) -> ModuleType | None:
    """The set's own ``score.py``, imported from the shared folder."""
    path = data / "benchmarks" / "ner-vtb" / "score.py"
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("vtb_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def vtb_predictions(sentences: dict[str, str]) -> dict[str, set[tuple[int, int, str]]]:
    """Every mention of every entity as a ``(start, end, type)`` span, per sentence id."""
    predictions = {}
    for sid, text in sentences.items():
        predictions[sid] = {(s, e, ent.type) for ent in extract(text) for s, e in ent.mentions}
    return predictions


def vtb_texts(data: Path) -> dict[str, str]:
    path = data / "benchmarks" / "ner-vtb" / "dev.jsonl"
    return {r["id"]: r["text"] for r in load_gold(path)}


def vtb_report(data: Path, show_errors: bool) -> dict | None:
    scorer = vtb_scorer(data)
    if scorer is None:
        print(f"\nNER-VTB dev: not found under {data} (use --data)")
        return None
    texts = vtb_texts(data)
    gold = scorer.load_gold(str(data / "benchmarks" / "ner-vtb" / "dev.jsonl"))
    pred = vtb_predictions(texts)
    exact = scorer.score(gold, pred, ENTITY_TYPES)
    overlap = scorer.score(gold, pred, ENTITY_TYPES, overlap=True)
    main3 = scorer.score(gold, pred, VTB_TYPES)
    main3_overlap = scorer.score(gold, pred, VTB_TYPES, overlap=True)
    print(f"\nNER-VTB dev: {len(gold)} sentences (mention spans)")
    print(f"  {'':<12}{'exact':>21}   {'overlap (diagnostic)':>21}")
    print(f"  {'type':<12}{'P':>7}{'R':>7}{'F1':>7}   {'P':>7}{'R':>7}{'F1':>7}{'gold':>7}")
    rows = [(t, exact[t], overlap[t]) for t in ENTITY_TYPES]
    rows += [("PER+LOC+ORG", main3["micro"], main3_overlap["micro"]), ("all", exact["micro"], overlap["micro"])]
    for name, e, o in rows:
        print(
            f"  {name:<12}{e['precision']:7.3f}{e['recall']:7.3f}{e['f1']:7.3f}   "
            f"{o['precision']:7.3f}{o['recall']:7.3f}{o['f1']:7.3f}{e['gold']:7d}"
        )
    if show_errors:
        for sid, spans in gold.items():
            text, found = texts[sid], pred.get(sid, set())
            if spans != found:
                print(f"--- {sid}: {text[:200]}")
                for s, e, t in sorted(spans - found):
                    print(f"    missed  {t} {text[s:e]!r}")
                for s, e, t in sorted(found - spans):
                    print(f"    extra   {t} {text[s:e]!r}")
    return {"exact": exact, "overlap": overlap, "main3": main3}


def side_by_side(own: dict[str, dict], vtb: dict | None) -> None:
    """F1 per type of every gold set in one table."""
    names = list(own)
    header = "".join(f"{n:>8}" for n in names) + ("  VTB exact  overlap" if vtb else "")
    print(f"\nF1 side by side\n  {'type':<12}{header}")
    for t in [*ENTITY_TYPES, "overall"]:
        cells = ""
        for n in names:
            counts = own[n]["counts"]
            c = counts[t] if t in counts else sum(counts.values(), Counter())
            cells += f"{prf(c)[2]:8.3f}"
        if vtb:
            key = "micro" if t == "overall" else t
            cells += f"  {vtb['exact'][key]['f1']:9.3f}{vtb['overlap'][key]['f1']:9.3f}"
        print(f"  {t:<12}{cells}")
    if vtb:
        pad = " " * 8 * len(names)
        print(f"  {'PER+LOC+ORG':<12}{pad}  {vtb['main3']['micro']['f1']:9.3f}")


# --- speed --------------------------------------------------------------------


def corpus_texts(data: Path) -> list[str]:
    for folder in (REPO / "sample_corpus", data / "seeds", data):
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if files:
            return [f.read_text(encoding="utf-8") for f in files]
    return []


def article_bodies(pages: list[str]) -> list[str]:
    """The article text of each page, as the reader would analyse it."""
    from tuireader.clean import clean_text_dump

    bodies = []
    for page in pages:
        article = clean_text_dump(page)
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


_STARTUP = """
import time
t0 = time.perf_counter()
import tuireader.entities as m
t1 = time.perf_counter()
m.extract("Ông Nguyễn Văn An đến xã Tân Phú, huyện Châu Thành, tỉnh Long An ngày 2/9.")
t2 = time.perf_counter()
print((t1 - t0) * 1000, (t2 - t1) * 1000)
"""


def startup(runs: int = 5) -> None:
    """Median import time of the package and of the first extraction, each in a new process."""
    imports, firsts = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _STARTUP], capture_output=True, text=True, check=True, cwd=REPO
        ).stdout.split()
        imports.append(float(out[0]))
        firsts.append(float(out[1]))
    print(
        f"start-up: import tuireader.entities {statistics.median(imports):.0f} ms, "
        f"first extract (loads the gazetteers) {statistics.median(firsts):.0f} ms (median of {runs} processes)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared", help="shared benchmark data folder")
    parser.add_argument("--gold", type=Path, default=DEFAULT_GOLD, help="gold set (JSONL)")
    parser.add_argument(
        "--errors",
        choices=["dev", "vtb"],
        help="print the differences for the own dev split or the VTB dev set (held-out splits are only scored)",
    )
    parser.add_argument("--seconds", type=float, default=3.0, help="how long to run the speed test")
    args = parser.parse_args(argv)
    if not args.gold.is_file():
        print(f"gold set not found: {args.gold}", file=sys.stderr)
        return 2
    items = load_gold(args.gold)
    own = {}
    for split in ("dev", "test", "test2"):
        chosen = [i for i in items if i.get("split") == split]
        own[split] = score(chosen, show_errors=args.errors == split)
        report(f"own gold, {split}", own[split])
    vtb = vtb_report(args.data, show_errors=args.errors == "vtb")
    side_by_side(own, vtb)
    pages = corpus_texts(args.data)
    print()
    speed("article bodies", article_bodies(pages), args.seconds)
    speed("whole page dumps", pages, args.seconds)
    startup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
