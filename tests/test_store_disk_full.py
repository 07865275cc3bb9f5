"""A full disk: one sentence, nothing half-written, and the library stays readable.

On a small tmpfs when this machine lets the tests mount one; else (and also)
under a file-size limit (``RLIMIT_FSIZE``) in the writing subprocess, which
fails writes the same way a full disk does.
"""

from __future__ import annotations

import resource
import signal
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from tests.conftest import SAMPLE_CORPUS, run_cli


def _cli(library: Path, *args: str, fsize: int | None = None) -> subprocess.CompletedProcess:
    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "tuireader", "--library", str(library), *args],
        capture_output=True,
        timeout=120,
        preexec_fn=limit if fsize is not None else None,
    )


def _one_sentence(out: subprocess.CompletedProcess) -> str:
    err = out.stderr.decode()
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip() and "Importing" not in line]
    assert len(lines) == 1 and "disk is full" in lines[0], err
    return lines[0]


def _articles(library: Path) -> list[dict]:
    out = run_cli("list", "--json", library=library)
    assert out.returncode == 0 and b"Traceback" not in out.stderr, out.stderr.decode()
    return orjson.loads(out.stdout)


def _more_articles(tmp_path: Path, count: int = 5) -> Path:
    from tests.test_library import _dated_page

    folder = tmp_path / "more"
    folder.mkdir(exist_ok=True)
    for n in range(count):
        page = _dated_page(f"Tin thêm số {n}", 1 + n, "dự án đường sắt tốc độ cao " * 40)
        (folder / f"more{n}.html").write_text(page, encoding="utf-8")
    return folder


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here; the file-size limit test covers a full disk")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def _fill(disk: Path) -> Path:
    filler = disk / "filler"
    # Unbuffered: a buffered file keeps what the last write could not place and fails again on closing.
    with open(filler, "wb", buffering=0) as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
        except OSError:
            pass
    return filler


def test_a_full_tmpfs(small_disk, tmp_path):
    library = small_disk / "lib"
    first = SAMPLE_CORPUS / sorted(p.name for p in SAMPLE_CORPUS.glob("*.txt"))[0]
    assert _cli(library, "import", str(first)).returncode == 0
    before = _articles(library)
    filler = _fill(small_disk)
    _one_sentence(_cli(library, "import", str(_more_articles(tmp_path))))
    assert _articles(library) == before, "opening and reading a library needs no free space"
    _one_sentence(_cli(library, "bookmark", before[0]["id"]))
    opml = tmp_path / "feeds.opml"
    opml.write_text(
        '<opml version="2.0"><body><outline type="rss" xmlUrl="https://example.invalid/rss" text="Tin"/></body></opml>',
        encoding="utf-8",
    )
    _one_sentence(_cli(library, "opml", "import", str(opml)))
    assert not [p for p in library.rglob("*.tmp")], "a failed write leaves no temporary file"
    filler.unlink()
    assert _cli(library, "bookmark", before[0]["id"]).returncode == 0
    assert _articles(library)[0]["bookmarked"]
    assert _cli(library, "import", str(_more_articles(tmp_path))).returncode == 0
    assert len(_articles(library)) == len(before) + 5


def test_a_file_size_limit(tmp_path):
    library = tmp_path / "lib"
    assert _cli(library, "import", str(SAMPLE_CORPUS)).returncode == 0
    before = _articles(library)
    biggest = max(p.stat().st_size for p in library.rglob("*") if p.is_file())
    _one_sentence(_cli(library, "import", str(_more_articles(tmp_path)), fsize=biggest + 1))
    after = _articles(library)  # the shards written before the limit hit are whole, the rest untouched
    assert before == [row for row in after if row in before] and len(after) < len(before) + 5
    for row in after:
        shown = run_cli("show", row["id"], "--json", library=library)
        assert shown.returncode == 0 and orjson.loads(shown.stdout)["text"], "no article without its text"
    assert not [p for p in library.rglob("*.tmp")]
    assert _cli(library, "import", str(_more_articles(tmp_path))).returncode == 0
    assert len(_articles(library)) == len(before) + 5
