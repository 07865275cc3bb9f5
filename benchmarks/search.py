"""Search latency over a synthetic library (10,000 articles by default).

    python benchmarks/search.py [--size 10000] [--keep DIR]

Prints, for a set of queries (plain words without diacritics, with
diacritics, qualifiers), the median and worst time of ``Library.query_ids``
in this process (and of the list with its unread/total counts, as the
reader's search shows them), and the same queries answered by a baseline in the same
run: a linear scan that folds every stored title and body and looks for the
folded words (what a reader without an index would do).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from make_library import build  # noqa: E402

from tuireader.library import Library  # noqa: E402
from tuireader.text import fold  # noqa: E402

QUERIES = [
    "ha noi",
    "ngoai truong",
    "dien dam",
    "Ngoại trưởng Nga",
    "thượng đỉnh biden",
    "quan he song phuong",
    "Blinken",
    "thuong din",
    "is:unread moscow",
    'tag:"kinh tế" nga',
    "entity:Lavrov",
    "site:tuoitre.vn ukraine",
]


def median_ms(fn, repeat: int = 9, before=None) -> tuple[float, float, object]:
    samples, result = [], None
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), max(samples), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=10000)
    parser.add_argument("--keep", type=Path)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = (args.keep or Path(tmp)) / f"lib{args.size}"
        if not (path / "tuireader.json").exists():
            print(f"building {args.size} articles ...", flush=True)
            build(path, args.size)
        library = Library.open(path)
        print(f"{library.count('')[1]} articles")
        texts = []
        for meta in library.store.iter_meta():
            body = library.store.get_body(meta["id"]) or {}
            texts.append((meta["id"], meta["title"] + "\n" + body.get("text", "")))

        def scan(query: str) -> list[str]:
            words = [fold(w) for w in query.split() if ":" not in w]
            return [i for i, t in texts if all(w in fold(t) for w in words)]

        worst = 0.0
        ratios = []
        # Every repetition asks SQLite again: the index keeps the last answers
        # (the list and its counts share them), which would flatter a repeat.
        forget = library.store.index.forget_matches
        library.prepare_search()  # as the reader does in the background at start
        for query in QUERIES:
            ms, slowest, hits = median_ms(lambda q=query: library.query_ids(q), before=forget)
            with_counts, _, _ = median_ms(lambda q=query: (library.query_ids(q), library.count(q)), before=forget)
            worst = max(worst, slowest)
            line = (
                f"{query!r:28} {ms:7.1f} ms (worst {slowest:6.1f}; with counts {with_counts:6.1f})  {len(hits):6} hits"
            )
            if ":" not in query:
                base, _, _ = median_ms(lambda q=query: scan(q), repeat=1)
                ratios.append(base / ms)
                line += f"   linear scan {base:8.1f} ms  ({base / ms:5.0f}x)"
            print(line)
        print(
            f"worst single search: {worst:.1f} ms; index vs linear scan: median {statistics.median(ratios):.0f}x faster"
        )
        library.close()


if __name__ == "__main__":
    main()
