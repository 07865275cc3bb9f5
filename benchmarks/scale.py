"""200,000 articles in one run: first paint, j, a change on disk, search, idle memory, size, import rate.

    python benchmarks/scale.py --size 200000 [--keep DIR] [--rounds 7] [--import-files 2000]

Targets (issue 15): first paint at most 1.3x a minimal Textual app (median of
paired ratios), j at most 50 ms, a bookmark, tag or read change at most 10 ms
on disk when it returns, search at most 150 ms, the idle reader at most
300 MB, the folder at most 3x the text.  The import rate is that of
``tuireader import`` on a folder of generated pages, with the CPU time it
used per second of wall time (about 2 when both cores clean).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from make_library import base_articles, build  # noqa: E402
from store import QUERIES, size_table  # noqa: E402
from ttfp import FIRST_PAINT, first_paint_pairs, harness, median_ms, reader_command, reader_memory_mb  # noqa: E402

from tuireader.library import Library  # noqa: E402


def changes_ms(path: Path) -> None:
    """Median ms of a bookmark, a read mark and a tag change, each fsync'd before it returns."""
    with Library.open(path) as library:
        ids = library.query_ids("")
        target = ids[len(ids) // 2]
        for label, change in (
            ("bookmark", lambda on: library.set_bookmarked([target], on)),
            ("read", lambda on: library.set_read([target], on)),
            (
                "tag",
                lambda on: (
                    library.add_tags([target], ["đọc sau"]) if on else library.remove_tags([target], ["đọc sau"])
                ),
            ),
        ):
            samples = []
            for n in range(21):
                start = time.perf_counter()
                change(n % 2 == 0)
                samples.append((time.perf_counter() - start) * 1000)
            print(f"  {label} change, on disk when it returns: {statistics.median(samples):6.2f} ms (target 10)")


def search_ms(path: Path) -> None:
    with Library.open(path) as library:
        library.prepare_search()
        worst = 0.0
        for query in QUERIES:
            samples = []
            for _ in range(5):
                library.store.index.forget_matches()
                start = time.perf_counter()
                hits = library.query_ids(query)
                samples.append((time.perf_counter() - start) * 1000)
            worst = max(worst, statistics.median(samples))
            print(f"  search {query!r:32} {statistics.median(samples):7.1f} ms ({len(hits)} hits)")
        print(f"  search worst: {worst:.1f} ms (target 150)")


def pages(folder: Path, count: int) -> None:
    """Varied HTML pages built from the sample corpus's paragraphs, each a distinct article."""
    rng = random.Random(15)
    bases = base_articles()
    folder.mkdir(parents=True)
    for n in range(count):
        base = bases[n % len(bases)]
        paragraphs = rng.sample(base["paragraphs"], k=max(2, len(base["paragraphs"]) * 2 // 3))
        body = "".join(f"<p>{p}</p>" for p in paragraphs)
        title = f"{base['title']} ({n})"
        html = (
            f"<html><head><title>{title}</title><link rel='canonical' href='https://example.invalid/a/{n}'>"
            f"</head><body><article><h1>{title}</h1>{body}<p>Bản tin số {n}.</p></article></body></html>"
        )
        (folder / f"page{n:05d}.html").write_text(html, encoding="utf-8")


_SPLIT = (
    "import resource, sys; from tuireader.cli import main; code = main(sys.argv[1:]); "
    "own = resource.getrusage(resource.RUSAGE_SELF); pool = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(own.ru_utime + own.ru_stime, pool.ru_utime + pool.ru_stime, file=sys.stderr); sys.exit(code)"
)


def import_rate(count: int) -> None:
    """``tuireader import`` of generated pages: rate, CPU per second, and the writer's share against the pool's.

    The split holds on a busy machine too: the workers' share of the CPU
    time is the work that runs beside the writer, on the other core.
    """
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "pages"
        pages(folder, count)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-c", _SPLIT, "--library", str(Path(tmp) / "lib"), "import", str(folder)],
            check=True,
            capture_output=True,
            text=True,
        )
        wall = time.perf_counter() - start
        writer, pool = (float(x) for x in done.stderr.split()[-2:])
        cpu = writer + pool
        print(
            f"  tuireader import of {count} pages: {wall:.1f} s, {count / wall:.0f} articles/s, "
            f"{cpu / wall:.2f} CPU-seconds per second on {os.cpu_count()} cores; "
            f"the writer {writer:.1f} CPU-s, the cleaning pool {pool:.1f} CPU-s ({pool / cpu:.0%} of the work)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=200000)
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--import-files", type=int, default=2000)
    args = parser.parse_args()
    exe = reader_command()
    if exe is None:
        raise SystemExit("install the reader first: python3 -m pip install -e .")
    with tempfile.TemporaryDirectory() as tmp:
        path = (args.keep or Path(tmp)) / f"lib{args.size}"
        if not (path / "tuireader.json").exists():
            print(f"building {args.size} articles ...", flush=True)
            build(path, args.size)
        Library.open(path).close()
        print(f"== {args.size} articles ==")
        print("size on disk, by part:")
        size_table(path)
        home = Path(tmp) / "home"
        env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data")}
        first_paint_pairs(
            exe, path, env, [sys.executable, str(REPO / "benchmarks" / "minimal_app.py")], args.size, args.rounds
        )
        keys = harness(
            ["--runs", "3", "--expect", FIRST_PAINT, "--then-keys", "j", "--key-repeats", "5",
             "--settle", "1.5", "--idle"],
            [exe, "--library", str(path)],
            env,
        )  # fmt: skip
        print(f"  j key-to-paint: {median_ms(keys, 'key_to_paint_s'):.1f} ms (target 50)")
        print(f"  idle reader memory: {reader_memory_mb(path, env):.0f} MB (target 300)")
        changes_ms(path)
        search_ms(path)
    import_rate(args.import_files)


if __name__ == "__main__":
    os.environ.setdefault("LANG", "C.UTF-8")
    main()
