"""First paint and key-to-paint of the real reader in tmux, against a minimal Textual app.

    python benchmarks/ttfp.py --sizes 10000 50000 [--keep DIR] [--rounds 7]

Uses the shared ``ttfp.py`` harness (time to first meaningful paint in a
tmux pane).  For each library size it builds a synthetic library (or reuses
one kept in --keep), then measures in the same run:

* the reader's first paint (article list filled) against the minimal
  Textual app's, in pairs: one run of each, alternating which goes first,
  ``--rounds`` pairs; it reports the median of the paired ratios (a slow
  spell of the machine weighs on both runs of a pair),
* key-to-paint of ``j`` in the article list (move and show the next article),
  once the reader is idle, and while it is still starting (a press every 0.2 s
  from the first paint on: the whole view is read and the sources counted then),
* the reader's resident memory once idle.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
HARNESS = REPO.parent / "shared" / "bench" / "ttfp.py"
# The reader has painted once the pane titles and a dated row of the article list show.
FIRST_PAINT = r"(?s)Sources.*\d\d/\d\d/\d{4}"
sys.path.insert(0, str(REPO / "benchmarks"))


def harness(args: list[str], command: list[str], env: dict[str, str]) -> dict:
    env_args = [f"--env={k}={v}" for k, v in env.items()]
    out = subprocess.run(
        [sys.executable, str(HARNESS), "--json", *env_args, *args, "--", *command],
        capture_output=True,
        text=True,
        timeout=900,
    )
    if out.returncode != 0:
        raise SystemExit(f"ttfp failed:\n{out.stdout}\n{out.stderr}")
    return json.loads(out.stdout)


def median_ms(result: dict, key: str) -> float:
    """The harness reports seconds under ``ttfp_s`` and ``key_to_paint_s``."""
    block = result.get(key) or {}
    value = block.get("median")
    return float(value) * 1000 if value is not None else float("nan")


def samples_ms(result: dict) -> list[float]:
    return [float(value) * 1000 for value in (result.get("ttfp_s") or {}).get("samples", [])]


def reader_command() -> str | None:
    """The ``tuireader`` script of the interpreter running this benchmark.

    The baseline starts with ``sys.executable`` directly, so the reader must
    too: a ``tuireader`` found on PATH may be a version-manager shim (pyenv's
    costs ~60 ms of shell before Python even starts), which is not the app.
    """
    script = Path(sys.executable).with_name("tuireader")
    if script.exists():
        return str(script)
    return shutil.which("tuireader")


def reader_memory_mb(library: Path, env: dict[str, str]) -> float:
    """Start the reader in tmux, wait until it is idle, read its RSS from /proc."""
    with tempfile.TemporaryDirectory() as tmp:
        sock = str(Path(tmp) / "s")
        exe = reader_command() or "tuireader"
        cmd = " ".join([*(f"{k}={v}" for k, v in env.items()), exe, "--library", str(library)])
        subprocess.run(
            [
                "tmux",
                "-S",
                sock,
                "-f",
                "/dev/null",
                "new-session",
                "-d",
                "-s",
                "m",
                "-x",
                "160",
                "-y",
                "48",
                f"env -u COLUMNS -u LINES {cmd}",
            ],
            check=True,
        )
        try:
            time.sleep(6)
            pane_pid = subprocess.run(
                ["tmux", "-S", sock, "display", "-p", "-t", "m", "#{pane_pid}"], capture_output=True, text=True
            ).stdout.strip()
            pids = [pane_pid] + subprocess.run(["pgrep", "-P", pane_pid], capture_output=True, text=True).stdout.split()
            rss = 0
            for pid in pids:
                try:
                    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                        if line.startswith("VmRSS:"):
                            rss = max(rss, int(line.split()[1]))
                except OSError:
                    pass
            return rss / 1024
        finally:
            subprocess.run(["tmux", "-S", sock, "kill-server"], capture_output=True)


def first_paint_pairs(
    exe: str, library: Path, env: dict[str, str], baseline: list[str], size: int, rounds: int
) -> float:
    """Median of paired ratios reader/minimal app, one run of each per pair, alternating order."""
    reader = [exe, "--library", str(library)]
    one = ["--runs", "1", "--warmup", "1"]
    ratios, base_ms, reader_ms = [], [], []
    for n in range(rounds):
        pair = {}
        order = (("base", baseline, "minimal app ready"), ("reader", reader, FIRST_PAINT))
        for name, command, expect in order if n % 2 == 0 else order[::-1]:
            pair[name] = samples_ms(harness([*one, "--expect", expect], command, env))[0]
        ratios.append(pair["reader"] / pair["base"])
        base_ms.append(pair["base"])
        reader_ms.append(pair["reader"])
    ratio = statistics.median(ratios)
    print(
        f"{size:>6} articles: first paint median of {rounds} paired ratios {ratio:.2f}x "
        f"(reader {statistics.median(reader_ms):.0f} ms, minimal Textual app {statistics.median(base_ms):.0f} ms; "
        f"ratios {' '.join(f'{r:.2f}' for r in ratios)})",
        flush=True,
    )
    return ratio


def start_up_keys_ms(exe: str, library: Path, env: dict[str, str], runs: int) -> list[float]:
    """Key-to-paint of ``j`` pressed every 0.2 s from the first paint on, not waiting for idle."""
    args = ["--runs", str(max(2, runs // 2)), "--expect", FIRST_PAINT, "--then-keys", "j"]
    result = harness([*args, "--key-repeats", "10", "--settle", "0.2"], [exe, "--library", str(library)], env)
    return [float(value) * 1000 for value in (result.get("key_to_paint_s") or {}).get("samples", [])]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10000])
    parser.add_argument("--keep", type=Path)
    parser.add_argument("--runs", type=int, default=5, help="measured runs of the key-to-paint harness")
    parser.add_argument("--rounds", type=int, default=7, help="pairs of runs (reader, minimal app) for first paint")
    args = parser.parse_args()
    if not HARNESS.exists():
        raise SystemExit(f"the ttfp harness is missing: {HARNESS}")
    from make_library import build

    exe = reader_command()
    if exe is None:
        raise SystemExit("install the reader first: python3 -m pip install -e .")
    # A regular install ships compiled bytecode, as site-packages (and so the
    # baseline's Textual) has; an editable checkout under PYTHONDONTWRITEBYTECODE
    # would otherwise recompile the reader at every start.
    import compileall

    compileall.compile_dir(str(REPO / "tuireader"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        root = args.keep or Path(tmp)
        home = Path(tmp) / "home"
        env = {"HOME": str(home), "XDG_CONFIG_HOME": str(home / "config"), "XDG_DATA_HOME": str(home / "data")}
        baseline_command = [sys.executable, str(REPO / "benchmarks" / "minimal_app.py")]
        for size in args.sizes:
            library = root / f"lib{size}"
            if not (library / "tuireader.json").exists():
                print(f"building {size} articles ...", flush=True)
                build(library, size)
            # Open once so the derived index is current (as after any earlier session).
            subprocess.run([exe, "--library", str(library), "list", "--limit", "1"], capture_output=True)
            first_paint_pairs(exe, library, env, baseline_command, size, args.rounds)
            keys = harness(
                [
                    "--runs",
                    str(max(2, args.runs // 2)),
                    "--expect",
                    FIRST_PAINT,
                    "--then-keys",
                    "j",
                    "--key-repeats",
                    "5",
                    "--settle",
                    "1.5",
                    "--idle",
                ],
                [exe, "--library", str(library)],
                env,
            )
            key = median_ms(keys, "key_to_paint_s")
            starting = start_up_keys_ms(exe, library, env, args.runs)
            memory = reader_memory_mb(library, env)
            early = f"median {statistics.median(starting):.1f} ms, worst {max(starting):.1f} ms"
            print(f"{size:>6} articles: j key-to-paint {key:6.1f} ms; while starting {early}; memory {memory:.0f} MB")


if __name__ == "__main__":
    os.environ.setdefault("LANG", "C.UTF-8")
    main()
