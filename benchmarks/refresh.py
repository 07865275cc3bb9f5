"""Refresh benchmark: many feeds and pages from a local server, real cleaner.

A server process on 127.0.0.1 serves ``--feeds`` RSS feeds of
``--items`` items each; every item links to its own HTML page built from the
sample corpus (paragraphs rotated and trimmed per page, so no two pages are
alike).  Feeds carry summaries only, so every page is fetched and cleaned.

By default (``--sink library``) the refresh is what ``tuireader refresh``
does: a real library in a temporary folder, pages cleaned and their entities
extracted in worker processes, articles stored.  With ``--sink memory`` the
fetch core runs alone with the real cleaner and an in-memory sink, once with
cleaning in worker processes and once in threads.  Each run prints wall
time, pages per second, how the work split between waiting on the network
and cleaning (sums over overlapping work), how busy the workers were and the
CPU time of the refreshing process itself.  A serial baseline (fetch one
page, clean it, find its entities, next) over the first ``--serial`` pages runs in the same
process for comparison.

    python benchmarks/refresh.py [--sink library|memory] [--feeds 20] [--items 50] [--serial 150]
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import html
import multiprocessing
import os
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def _default_data() -> Path:
    local = REPO / "sample_corpus"
    if any(local.glob("*.txt")):
        return local
    return REPO.parent / "shared" / "seeds"


def load_seeds(folder: Path) -> list[tuple[str, list[str]]]:
    if not folder.is_dir():
        raise SystemExit(f"no seed folder at {folder} (give one with --data)")
    seeds = []
    for path in sorted(folder.glob("*.txt")):
        lines = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        if len(lines) > 2:
            seeds.append((lines[0], lines[1:]))
    if not seeds:
        raise SystemExit(f"no .txt seed pages in {folder}")
    return seeds


def build_site(seeds: list[tuple[str, list[str]]], feeds: int, items: int, base: str) -> dict[str, bytes]:
    """Every path the server answers, with its body."""
    site: dict[str, bytes] = {}
    number = 0
    for f in range(feeds):
        entries = []
        for _ in range(items):
            title, paragraphs = seeds[number % len(seeds)]
            # Vary each page: rotate the body and drop a few paragraphs.
            shift = (number // len(seeds)) % max(1, len(paragraphs))
            body = paragraphs[shift:] + paragraphs[:shift]
            body = body[: max(4, len(body) - (number % 4))]
            page_title = f"{title} ({number})"
            path = f"/site{f}/bai-{number}.html"
            url = base + path
            paragraphs_html = "".join(f"<p>{html.escape(p)}</p>" for p in body)
            site[path] = (
                '<!doctype html><html lang="vi"><head><meta charset="utf-8">'
                f'<title>{html.escape(page_title)}</title><link rel="canonical" href="{url}"></head><body>'
                '<header><nav><a href="/">Trang chủ</a> <a href="/the-gioi">Thế giới</a> '
                '<a href="/kinh-te">Kinh tế</a></nav></header>'
                f'<main><article><h1>{html.escape(page_title)}</h1><p class="lead">Bài số {number}.</p>'
                f"{paragraphs_html}</article>"
                '<aside><h3>Tin liên quan</h3><ul><li><a href="/x">Tin khác</a></li></ul></aside></main>'
                "<footer>© Báo điện tử</footer></body></html>"
            ).encode()
            entries.append(
                f"<item><title>{html.escape(page_title)}</title><link>{url}</link><guid>{url}</guid>"
                f"<description>{html.escape(body[0][:200])}</description>"
                "<pubDate>Sat, 30 Jul 2022 08:15:00 +0700</pubDate></item>"
            )
            number += 1
        site[f"/site{f}/rss.xml"] = (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Báo {f}</title><link>{base}/site{f}/</link>" + "".join(entries) + "</channel></rss>"
        ).encode("utf-8")
    return site


def serve(data: str, feeds: int, items: int, port_queue) -> None:
    """Server process: builds the site and answers GETs until killed."""
    seeds = load_seeds(Path(data))

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body go out in two writes; with Nagle on, the body
        # would wait for a delayed ACK (~40 ms a response on loopback).
        disable_nagle_algorithm = True
        site: dict[str, bytes] = {}

        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            body = self.site.get(self.path)
            if body is None:
                self.send_error(404)
                return
            self.send_response(200)
            kind = "application/rss+xml" if self.path.endswith(".xml") else "text/html; charset=utf-8"
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

        def handle(self) -> None:
            try:
                super().handle()
            except ConnectionResetError:  # the client closed a kept-alive connection
                pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    port = server.server_address[1]
    Handler.site = build_site(seeds, feeds, items, f"http://127.0.0.1:{port}")
    port_queue.put(port)
    server.serve_forever()


class MemorySink:
    def __init__(self) -> None:
        self.articles: dict[str, object] = {}

    def is_known(self, url: str) -> bool:
        return url in self.articles

    def store(self, source, item, cleaned, page_url, analysis=None) -> str:
        key = page_url or item.url or item.guid
        state = "updated" if key in self.articles else "new"
        self.articles[key] = cleaned
        return state


def fetch_settings(per_host: int) -> dict[str, float]:
    """Generous limits: the benchmark measures throughput, not patience."""
    return {"timeout": 30, "deadline": 120, "per_host": per_host, "concurrency": max(16, per_host)}


async def refresh_memory(base: str, feeds: int, executor, per_host: int):
    """The fetch core alone: pages cleaned in ``executor``, kept in memory (no entities, no store)."""
    from tuireader.fetch import FeedSource, FetchOptions, RefreshStats, refresh_sources

    sources = [FeedSource(id=f"site{f}", url=f"{base}/site{f}/rss.xml") for f in range(feeds)]
    sink = MemorySink()
    stats = RefreshStats()
    options = FetchOptions(**fetch_settings(per_host))
    reports = await refresh_sources(sources, sink, options=options, executor=executor, stats=stats)
    cleaned = sum(1 for article in sink.articles.values() if article is not None)
    return stats, cleaned, reports


def refresh_library(base: str, feeds: int, per_host: int):
    """What ``tuireader refresh`` does: a real library, cleaning and entities in workers, articles stored."""
    import tempfile

    from tuireader.fetch import RefreshStats
    from tuireader.library import Library

    stats = RefreshStats()
    with tempfile.TemporaryDirectory() as folder, Library.open(Path(folder) / "library") as library:
        for f in range(feeds):
            library.add_feed(f"{base}/site{f}/rss.xml")
        reports = library.refresh(stats=stats, **fetch_settings(per_host))
        stored = len(library.query_ids(""))
    return stats, stored, reports


def timed(work):
    """``work()``'s result with the wall time and this process's CPU time (event loop, sink, threads)."""
    start, cpu_start = time.perf_counter(), time.process_time()
    result = work()
    return result, time.perf_counter() - start, time.process_time() - cpu_start


async def serial_baseline(base: str, feeds: int, items: int, limit: int):
    """Fetch a page, clean it and find its entities (the workers' share of a refresh), then the next."""
    from tuireader.clean import clean_source
    from tuireader.entities import extract
    from tuireader.fetch import Fetcher

    urls = [f"{base}/site{n // items}/bai-{n}.html" for n in range(min(limit, feeds * items))]
    fetch_seconds = clean_seconds = 0.0
    async with Fetcher(timeout=30) as fetcher:
        start = time.perf_counter()
        for url in urls:
            t0 = time.perf_counter()
            result = await fetcher.get(url)
            t1 = time.perf_counter()
            if url == urls[0]:  # warm up imports and gazetteers outside the timing
                extract(clean_source(result.content, url=result.url).text)
            extract(clean_source(result.content, url=result.url, content_type=result.content_type).text)
            t2 = time.perf_counter()
            fetch_seconds += t1 - t0
            clean_seconds += t2 - t1
        wall = time.perf_counter() - start
    return wall, len(urls), fetch_seconds, clean_seconds


def report(label: str, wall: float, pages: int, fetch_s: float, clean_s: float, workers: int = 1) -> float:
    rate = pages / wall if wall else 0.0
    busy = fetch_s + clean_s
    share = (fetch_s / busy * 100) if busy else 0.0
    print(
        f"{label:<28} {wall:7.2f} s  {rate:7.1f} pages/s   network wait {fetch_s:7.2f} s "
        f"({share:4.1f}%)  cleaning {clean_s:7.2f} s ({100 - share:4.1f}%)"
    )
    if workers > 1 and wall:
        print(f"{'':<28} the {workers} workers were busy {clean_s / (workers * wall) * 100:.0f}% of the wall time")
    return rate


def details(stats, kept: int, reports, cpu: float, wall: float, what: str) -> None:
    errors = [r.error for r in reports if r.status == "error"] + [w for r in reports for w in r.warnings]
    if errors:
        print(f"{'':<28} {len(errors)} errors, first: {errors[0]}")
    print(
        f"{'':<28} {kept} pages {what}, {stats.feeds_fetched} feeds; CPU time of this process "
        f"(event loop, sink, threads) {cpu:.2f} s = {cpu / wall * 100:.0f}% of the wall time"
    )


def run_library(args: argparse.Namespace, base: str) -> dict[str, float]:
    (stats, kept, reports), wall, cpu = timed(lambda: refresh_library(base, args.feeds, args.per_host))
    workers = os.cpu_count() or 1
    rate = report("library refresh", wall, stats.pages_fetched, stats.network_seconds, stats.clean_seconds, workers)
    details(stats, kept, reports, cpu, wall, "stored with their entities")
    return {"process": rate}


def run_memory(args: argparse.Namespace, base: str) -> dict[str, float]:
    from tuireader.fetch.refresh import default_clean
    from tuireader.fetch.workers import make_executor

    rates: dict[str, float] = {}
    kinds = ["process"] if args.skip_threads else ["process", "thread"]
    for kind in kinds:
        with make_executor(default_clean, kind=kind) as executor:
            (stats, kept, reports), wall, cpu = timed(
                functools.partial(asyncio.run, refresh_memory(base, args.feeds, executor, args.per_host))
            )
            workers = getattr(executor, "_max_workers", 1)
        label = f"refresh, clean in {kind}es" if kind == "process" else f"refresh, clean in {kind}s"
        rates[kind] = report(label, wall, stats.pages_fetched, stats.network_seconds, stats.clean_seconds, workers)
        details(stats, kept, reports, cpu, wall, "cleaned")
    return rates


def run_serial(args: argparse.Namespace, base: str, rates: dict[str, float]) -> None:
    wall, count, fetch_s, clean_s = asyncio.run(serial_baseline(base, args.feeds, args.items, args.serial))
    rates["serial"] = report("serial fetch+clean+entities", wall, count, fetch_s, clean_s)
    for kind in ("process", "thread"):
        if kind in rates and rates["serial"]:
            print(f"speed-up of the {kind} refresh over serial: {rates[kind] / rates['serial']:.2f}x")
    if clean_s:
        print(
            f"cleaning-bound ceiling on this machine: {count / clean_s * (os.cpu_count() or 1):.1f} pages/s "
            f"({count / clean_s:.1f} per core)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=_default_data(), help="folder of .txt seed pages")
    parser.add_argument("--feeds", type=int, default=20)
    parser.add_argument("--items", type=int, default=50, help="items (pages) per feed")
    parser.add_argument("--serial", type=int, default=150, help="pages in the serial baseline (0: skip)")
    parser.add_argument("--per-host", type=int, default=8, help="connections per host (all feeds share one host)")
    parser.add_argument("--skip-threads", action="store_true", help="only run the process-pool refresh")
    parser.add_argument(
        "--sink",
        choices=("library", "memory"),
        default="library",
        help="library: a real library, entities included (what `tuireader refresh` does); memory: the fetch core alone",
    )
    args = parser.parse_args(argv)
    if args.feeds < 1 or args.items < 1:
        parser.error("--feeds and --items must be at least 1")

    os.environ["TUIREADER_CONFIG"] = os.devnull  # the defaults, whatever the user's config says
    load_seeds(args.data)  # a clear message now rather than a silent server process

    ctx = multiprocessing.get_context("spawn")  # the server must not share this process's GIL
    queue = ctx.Queue()
    server = ctx.Process(target=serve, args=(str(args.data), args.feeds, args.items, queue), daemon=True)
    server.start()
    try:
        try:
            port = queue.get(timeout=60)
        except Exception:
            raise SystemExit("the benchmark server did not start") from None
        base = f"http://127.0.0.1:{port}"
        pages = args.feeds * args.items
        print(
            f"{args.feeds} feeds x {args.items} items = {pages} pages from {base}, "
            f"{os.cpu_count()} CPU cores, per-host limit {args.per_host}"
        )
        if hasattr(os, "getloadavg"):
            print(
                f"load average before the run: {os.getloadavg()[0]:.2f} (other work on the machine skews the figures)"
            )

        rates = run_library(args, base) if args.sink == "library" else run_memory(args, base)
        if args.serial:
            run_serial(args, base, rates)
    finally:
        server.terminate()
        server.join(timeout=5)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
