"""The command line against the reader's speed: list and search at 10,000 and 50,000 articles.

    python benchmarks/cli.py --sizes 10000 50000 [--keep DIR] [--rounds 7]

In one run, for each size, against the same command on the 5-article sample
library (each a real ``tuireader`` process; medians of alternating rounds):

* ``list --json --limit 100`` and ``search QUERY --json --limit 100``, as a
  ratio to the 5-article library (target: at most 1.3x);
* ``list --json`` of every article: seconds and peak memory (target at
  50,000: 2 s and 200 MB);
* ``list --json | head -c 200``: the output is streamed, so a closed pipe
  stops the command early and quietly.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

QUERIES = ["ngoai truong", "Lavrov", "thượng đỉnh"]


def tuireader() -> list[str]:
    script = Path(sys.executable).with_name("tuireader")
    return [str(script)] if script.exists() else [sys.executable, "-m", "tuireader"]


def run(library: Path, *args: str) -> float:
    """Seconds of one command."""
    start = time.perf_counter()
    proc = subprocess.run([*tuireader(), "--library", str(library), *args], capture_output=True)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{args} failed: {proc.stderr.decode()}")
    return seconds


def peak_of(library: Path, *args: str) -> tuple[float, float]:
    """Seconds and peak memory of one command, in a fresh child whose children are only it."""
    code = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, *tuireader(), "--library", str(library), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, mb = out.stdout.split()
    return float(seconds), float(mb)


def medians(libraries: dict[str, Path], commands: list[list[str]], rounds: int) -> dict[tuple[str, int], float]:
    """Median seconds per (library, command), the libraries taking turns within each round."""
    samples: dict[tuple[str, int], list[float]] = {}
    for _ in range(rounds):
        for n, command in enumerate(commands):
            for name, path in libraries.items():
                samples.setdefault((name, n), []).append(run(path, *command))
    return {key: statistics.median(values) for key, values in samples.items()}


def head_stops_early(library: Path) -> str:
    cmd = " ".join([*tuireader(), "--library", str(library), "list", "--json"])
    start = time.perf_counter()
    out = subprocess.run(["bash", "-c", f"{cmd} | head -c 200 > /dev/null"], capture_output=True)
    seconds = time.perf_counter() - start
    quiet = "quiet" if not out.stderr else f"stderr: {out.stderr.decode()[:200]!r}"
    return f"{seconds:.2f} s, {quiet}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000, 50000])
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    from make_library import build

    from tuireader.library import Library, sample_corpus_path

    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        small = Path(tmp) / "small"
        with Library.open(small) as library:
            library.import_paths([sample_corpus_path()])
        libraries = {"5": small}
        for size in args.sizes:
            path = root / f"lib{size}"
            if not (path / "tuireader.json").exists():
                print(f"building {size} articles ...", flush=True)
                build(path, size)
            run(path, "list", "--limit", "1")  # the index up to date, as after any session
            libraries[str(size)] = path
        commands = [["list", "--json", "--limit", "100"]] + [["search", q, "--json", "--limit", "100"] for q in QUERIES]
        times = medians(libraries, commands, args.rounds)
        for n, command in enumerate(commands):
            base = times[("5", n)]
            cells = [
                f"{size}: {times[(str(size), n)] * 1000:5.0f} ms ({times[(str(size), n)] / base:.2f}x)"
                for size in args.sizes
            ]
            print(f"{' '.join(command):42} 5: {base * 1000:5.0f} ms   " + "   ".join(cells), flush=True)
        for size in args.sizes:
            seconds, mb = peak_of(libraries[str(size)], "list", "--json")
            print(f"{size:>6} articles: list --json of all: {seconds:.2f} s, peak {mb:.0f} MB", flush=True)
            print(f"{size:>6} articles: list --json | head -c 200: {head_stops_early(libraries[str(size)])}")


if __name__ == "__main__":
    main()
