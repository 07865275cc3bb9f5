"""``tuireader import`` cleans in worker processes, which never outlive it: kill -9 or Ctrl+C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_library import _dated_page


def _pages(folder: Path, count: int) -> Path:
    folder.mkdir()
    for n in range(count):
        page = _dated_page(f"Tin số {n}", 1 + n % 27, f"dự án số {n} về đường sắt tốc độ cao " * 60)
        (folder / f"page{n}.html").write_text(page, encoding="utf-8")
    return folder


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def _start_import(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    folder = _pages(tmp_path / "in", 400)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tuireader", "--library", str(tmp_path / "lib"), "import", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    workers: list[int] = []
    for _ in range(20000):  # until both workers run (the import takes far longer than that)
        workers = _children(proc.pid)
        if len(workers) >= 2 or proc.poll() is not None:
            break
        time.sleep(0.005)
    assert len(workers) >= 2, "the import did not clean in worker processes"
    return proc, workers


def _wait_gone(pids: list[int]) -> None:
    for _ in range(20000):
        if not any(_alive(pid) for pid in pids):
            return
        time.sleep(0.005)
    pytest.fail(f"worker processes {pids} outlived the import")


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the import cleans in its own process")
def test_kill_9_leaves_no_worker(tmp_path):
    proc, workers = _start_import(tmp_path)
    proc.kill()
    proc.wait()
    _wait_gone(workers)


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the import cleans in its own process")
def test_ctrl_c_stops_the_workers_and_keeps_what_was_stored(tmp_path):
    proc, workers = _start_import(tmp_path)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and b"Traceback" not in err, err.decode()
    _wait_gone(workers)
    out = subprocess.run(
        [sys.executable, "-m", "tuireader", "--library", str(tmp_path / "lib"), "list", "--json"], capture_output=True
    )
    assert out.returncode == 0 and b"Traceback" not in out.stderr


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the import cleans in its own process")
def test_ctrl_c_while_the_pool_is_built_still_stops_the_workers(tmp_path, monkeypatch):
    # The signal reaches another thread (the progress bar runs one) and Python
    # raises it in the main thread: here, after the pool's threads started but
    # before it registered its own clean-up.
    import multiprocessing.pool
    import multiprocessing.util
    import threading

    from tuireader.library.importing import cleaned_files

    register = multiprocessing.util.Finalize
    building, sent = threading.Event(), threading.Event()

    def send_ctrl_c() -> None:  # a thread started before the import, as the progress bar's is
        building.wait()
        signal.raise_signal(signal.SIGINT)
        sent.set()

    def finalize(obj, *args, **kwargs):
        if isinstance(obj, multiprocessing.pool.Pool) and not building.is_set():
            building.set()
            sent.wait()
        return register(obj, *args, **kwargs)

    threading.Thread(target=send_ctrl_c, daemon=True).start()
    monkeypatch.setattr(multiprocessing.util, "Finalize", finalize)
    folder = _pages(tmp_path / "in", 40)
    jobs = [(str(path), {}, "in", ()) for path in sorted(folder.iterdir())]
    with pytest.raises(KeyboardInterrupt):
        list(cleaned_files(jobs))
    for worker in multiprocessing.active_children():
        worker.join()  # a pool nobody stopped replaces its workers for ever
