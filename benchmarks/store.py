"""Storage and query costs at scale: size by part, open, list, page of rows, state changes, search.

    python benchmarks/store.py --sizes 10000 50000 [--keep DIR] [--sizes-only]

For each size it builds (or reuses, with --keep DIR) a synthetic library and
prints medians of: opening the library, the ids of the All view, the rows of
one screen, a bookmark toggle (on disk when it returns), a tag change, a
diacritic-insensitive search, and the cost of storing versus cleaning an
imported article.  Baselines measured in the same run: TinyDB's default
JSONStorage rewriting one file of the same metadata for one change.
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

QUERIES = [
    "ngoai truong",
    "dien dam",
    "ha noi",
    "Blinken",
    "thượng đỉnh",
    "quan he song phuong",
    'tag:"kinh tế" nga',
    "is:unread moscow",
    'entity:"Antony Blinken"',
    "site:sggp.org.vn ukraine",
]


def timed(fn, repeat: int = 15) -> tuple[float, object]:
    samples = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), result


def tinydb_baseline(library: Library, count: int) -> float:
    """One change in a single TinyDB JSONStorage file holding every article's metadata."""
    from tinydb import TinyDB

    metas = list(library.store.iter_meta())
    with tempfile.TemporaryDirectory() as tmp:
        db = TinyDB(Path(tmp) / "db.json")
        db.insert_multiple(metas)
        doc_id = len(metas) // 2
        ms, _ = timed(lambda: db.update({"bookmarked": True}, doc_ids=[doc_id]), repeat=3)
        db.close()
    return ms


def text_bytes(path: Path) -> int:
    """UTF-8 size of the stored article texts."""
    import orjson

    total = 0
    for shard in sorted((path / "bodies").glob("*.jsonl")):
        for line in shard.read_bytes().splitlines():
            try:
                total += len(orjson.loads(line).get("text", "").encode("utf-8"))
            except orjson.JSONDecodeError:
                pass
    return total


def size_table(path: Path) -> float:
    """Bytes on disk by part, against the texts; returns the folder's size over the texts'."""
    parts: dict[str, int] = {"store: articles/": 0, "store: bodies/": 0, "store: tuireader.json": 0}
    parts.update({"index": 0, "backups (tuireader.json.bak, files kept aside)": 0, "other": 0})
    for file in path.rglob("*"):
        if not file.is_file():
            continue
        rel, size = file.relative_to(path).as_posix(), file.stat().st_size
        if ".corrupt-" in rel or rel.endswith(".bak") or ".found-" in rel:
            parts["backups (tuireader.json.bak, files kept aside)"] += size
        elif rel.startswith("articles/") and rel.endswith(".json"):
            parts["store: articles/"] += size
        elif rel.startswith("bodies/") and rel.endswith(".jsonl"):
            parts["store: bodies/"] += size
        elif rel == "tuireader.json":
            parts["store: tuireader.json"] += size
        elif rel.startswith("index.sqlite"):
            parts["index"] += size
        else:
            parts["other"] += size
    text, total = text_bytes(path), sum(parts.values())
    for name, size in parts.items():
        print(f"  {name:48} {size / 2**20:8.1f} MB  {size / text:5.2f}x text")
    print(f"  {'folder':48} {total / 2**20:8.1f} MB  {total / text:5.2f}x the {text / 2**20:.1f} MB of text")
    return total / text


def bench(path: Path, count: int, *, baseline: bool) -> None:
    print(f"\n== {count} articles ==")
    if not (path / "tuireader.json").exists():
        seconds = build(path, count)
        print(f"build: {seconds:.1f} s")
    Library.open(path).close()  # the index up to date, as after any session
    print("size on disk, by part:")
    size_table(path)
    ms, library = timed(lambda: Library.open(path, read_only=True), repeat=1)
    library.close()
    open_ms, _ = timed(lambda: Library.open(path).close(), repeat=5)
    print(f"open library:            {open_ms:8.1f} ms")
    library = Library.open(path)
    ms, ids = timed(lambda: library.query_ids(""))
    print(f"All view ids ({len(ids)}):     {ms:8.1f} ms")
    ms, _ = timed(lambda: library.summaries(ids[:60]))
    print(f"one screen of rows:      {ms:8.2f} ms")
    ms, _ = timed(lambda: library.source_tree(), repeat=5)
    print(f"source pane counts:      {ms:8.1f} ms")
    target = ids[len(ids) // 3]
    for label, change in (
        ("bookmark toggle (fsync):", library.set_bookmarked),
        ("read toggle (fsync):    ", library.set_read),
    ):
        flag = [False]

        def toggle(change=change, flag=flag):
            flag[0] = not flag[0]
            change([target], flag[0])

        ms, _ = timed(toggle, repeat=21)
        toggle_ms = ms
        print(f"{label} {ms:8.2f} ms")
    tags = [["đọc sau"], []]

    def tag_toggle():
        tags.reverse()
        if tags[0]:
            library.add_tags([target], tags[0])
        else:
            library.remove_tags([target], ["đọc sau"])

    ms, _ = timed(tag_toggle, repeat=21)
    print(f"tag add/remove:          {ms:8.2f} ms")
    worst = 0.0
    for query in QUERIES:
        # The index keeps its last full-text answers; ask SQLite every time.
        def search(q=query):
            library.store.index.forget_matches()
            return library.query_ids(q)

        ms, hits = timed(search, repeat=5)
        worst = max(worst, ms)
        print(f"search {query!r:34} {ms:8.1f} ms  ({len(hits)} hits)")
    print(f"search worst:            {worst:8.1f} ms")
    if baseline:
        base = tinydb_baseline(library, count)
        print(
            f"baseline: TinyDB default JSONStorage, one change in one file: {base:8.1f} ms "
            f"(a toggle here is {base / max(toggle_ms, 1e-6):.0f}x faster)"
        )
    library.close()


def import_overhead() -> None:
    """Share of import time spent storing, versus cleaning and extracting entities."""
    from tuireader.clean import clean_source
    from tuireader.library import sample_corpus_path
    from tuireader.library.importing import entities_for

    corpus = sample_corpus_path()
    files = sorted(corpus.glob("*.txt"))
    datas = [(p.name, p.read_bytes()) for p in files]
    with tempfile.TemporaryDirectory() as tmp:
        library = Library.open(Path(tmp) / "lib")
        process = store = 0.0
        rounds = 40
        for n in range(rounds):
            records = []
            start = time.perf_counter()
            for name, data in datas:
                marked = data + f"\n\nBản sao số {n}.".encode()  # a distinct article each round
                records.append(library.build_record(marked, filename=name, source="bench"))
            process += time.perf_counter() - start
            start = time.perf_counter()
            for record in records:
                library.store.put_articles([record])
            store += time.perf_counter() - start
        library.close()
    print(
        f"\nimport: cleaning+entities {process / (rounds * len(datas)) * 1000:.1f} ms/article, "
        f"storing {store / (rounds * len(datas)) * 1000:.1f} ms/article (one at a time, fsync'd) "
        f"-> storage adds {store / process * 100:.0f}%"
    )
    _ = clean_source, entities_for


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--keep", type=Path, help="folder to keep (and reuse) the synthetic libraries in")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--sizes-only", action="store_true", help="only the size table by part")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        for size in args.sizes:
            path = root / f"lib{size}"
            if args.sizes_only:
                if not (path / "tuireader.json").exists():
                    build(path, size)
                print(f"\n== {count_label(size)} ==")
                size_table(path)
                continue
            bench(path, size, baseline=not args.no_baseline and size <= 10000)
    if not args.sizes_only:
        import_overhead()


def count_label(size: int) -> str:
    return f"{size} articles"


if __name__ == "__main__":
    main()
