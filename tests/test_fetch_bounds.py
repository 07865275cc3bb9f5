"""Bounded refresh work: a huge feed costs its newest items only, and a killed refresh leaves no process."""

from __future__ import annotations

import concurrent.futures
import os
import select
import signal
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from tests.servers import MemorySink
from tuireader.fetch import FeedSource, FetchOptions, refresh_sources_sync
from tuireader.library import Library

REPO = Path(__file__).resolve().parents[1]
ITEMS = 100_000


def huge_feed(base: str) -> bytes:
    items = "".join(f"<item><title>Tin số {n:06d}</title><link>{base}/bai/{n}</link></item>\n" for n in range(ITEMS))
    head = '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Báo lớn</title>'
    return (head + items + "</channel></rss>").encode()


def test_a_feed_of_100000_items_stores_its_newest_200_in_bounded_memory(news_site, tmp_path):
    feed = huge_feed(news_site.base)
    assert 7 * 10**6 < len(feed) < 10 * 2**20  # under the download cap: nothing but the item limit bounds it
    # No page is served: each item answers 404 at once and is stored with what the feed says.
    url = news_site.feed("/lon.xml", feed)
    sink = MemorySink()
    tracemalloc.start()
    try:
        # Parsing in a thread keeps its allocations in this process, where they are traced.
        with concurrent.futures.ThreadPoolExecutor(2) as threads:
            options = FetchOptions(retries=0)
            (report,) = refresh_sources_sync([FeedSource("lon", url)], sink, options=options, executor=threads)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert report.status == "ok" and report.new == 200 and len(sink.stored) == 200
    assert {item.title for _, item, _, _ in sink.stored} == {f"Tin số {n:06d}" for n in range(200)}
    assert report.warnings[0] == f"the feed has {ITEMS} items; the newest 200 were read"
    assert len([p for p in news_site.paths() if p.startswith("/bai/")]) <= 200
    # A few copies of the 8.6 MB document (bytes, text, UTF-8 again) at a time;
    # reading all 100,000 items peaked above 150 MB traced (190 MB of RSS).
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.1f} MB"


def descendants(pid: int) -> list[int]:
    """Every process below ``pid``, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child)
    return found


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "(gone)"


@pytest.mark.skipif(not hasattr(os, "pidfd_open") or not Path("/proc").is_dir(), reason="needs Linux pidfds and /proc")
def test_kill_9_of_a_refresh_leaves_no_process_behind(news_site, tmp_path):
    pages = "".join(
        f"<item><title>Bài {n}</title><link>{news_site.url(f'/never-{n}.html')}</link></item>" for n in range(4)
    )
    news_site.feed("/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel>{pages}</channel></rss>')
    for n in range(4):
        news_site.silent(f"/never-{n}.html")  # the refresh is mid-way when it is killed
    library = tmp_path / "lib"
    with Library.open(library) as lib:
        lib.add_feed(news_site.url("/feed.xml"))
    command = [sys.executable, "-m", "tuireader", "--library", str(library), "refresh"]
    refresh = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        # A page is asked for only after the feed was parsed in a worker process.
        news_site.wait_for("/never-0.html")
        below = descendants(refresh.pid)
        watched = {pid: os.pidfd_open(pid) for pid in below}
        assert len(watched) >= 2, "expected the forkserver and a worker below the refresh"
    finally:
        refresh.send_signal(signal.SIGKILL)
        refresh.wait()
    survivors = []
    for pid, fd in watched.items():
        # A pidfd becomes readable when its process ends: this waits on the process, not the clock.
        ended, _, _ = select.select([fd], [], [], 60)
        if not ended:
            survivors.append(f"{pid}: {command_line(pid)}")
        os.close(fd)
    assert not survivors, "still running after kill -9 of the refresh:\n" + "\n".join(survivors)
