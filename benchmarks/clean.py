"""Article-extraction benchmark for the cleaner.

Runs ``tuireader.clean.clean_html`` and plain readability-lxml over the pages
of the article-extraction benchmark in one process, scores both with the
benchmark's own ``score.py`` and prints F1 (precision/recall) for each plus
the time ratio cleaner / ``Document(html).summary()``.

    python benchmarks/clean.py [--data DIR] [--limit N] [--worst N]
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "benchmarks" / "article-extraction"
sys.path.insert(0, str(REPO))


def _readability_text(html: str) -> str:
    """Plain readability with the same block-aware text conversion."""
    import lxml.html
    from readability import Document

    from tuireader.clean.blocks import blocks_to_text, element_blocks

    summary = Document(html).summary(html_partial=True)
    return blocks_to_text(element_blocks(lxml.html.fragment_fromstring(summary, create_parent="div")))


def _write_temp(data: dict) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False)
        return handle.name


def _score(data_dir: Path, predictions: dict[str, str], worst: int) -> dict:
    """Score ``predictions`` with the benchmark's score.py, on the scored pages only."""
    gold = json.loads((data_dir / "ground-truth.json").read_text(encoding="utf-8"))
    gold = {page_id: value for page_id, value in gold.items() if page_id in predictions}
    gold_path, pred_path = _write_temp(gold), _write_temp(predictions)
    try:
        args = [
            sys.executable,
            str(data_dir / "score.py"),
            pred_path,
            "--ground-truth",
            gold_path,
            "--bootstrap",
            "0",
            "--json",
        ]
        if worst:
            args += ["--worst", str(worst)]
        done = subprocess.run(args, capture_output=True, text=True, check=True)
    finally:
        Path(gold_path).unlink(missing_ok=True)
        Path(pred_path).unlink(missing_ok=True)
    return json.loads(done.stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--data", type=Path, default=DEFAULT_DATA, help="benchmark directory with html/, ground-truth.json and score.py"
    )
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages")
    parser.add_argument("--worst", type=int, default=0, help="list the N worst pages of the cleaner")
    args = parser.parse_args(argv)

    from readability import Document

    from tuireader.clean import clean_html

    pages = sorted((args.data / "html").glob("*.html.gz"))
    if not pages:
        print(f"no pages under {args.data / 'html'}", file=sys.stderr)
        return 2
    if args.limit:
        pages = pages[: args.limit]
    ours: dict[str, str] = {}
    plain: dict[str, str] = {}
    time_ours = time_summary = 0.0
    ratios: list[float] = []
    for page in pages:
        page_id = page.name.split(".")[0]
        html = gzip.decompress(page.read_bytes()).decode("utf-8", "replace")
        start = time.perf_counter()
        Document(html).summary()
        spent_summary = time.perf_counter() - start
        start = time.perf_counter()
        ours[page_id] = clean_html(html).text
        spent_ours = time.perf_counter() - start
        time_summary += spent_summary
        time_ours += spent_ours
        ratios.append(spent_ours / max(spent_summary, 1e-9))
        plain[page_id] = _readability_text(html)

    for name, predictions in (("cleaner", ours), ("readability", plain)):
        result = _score(args.data, predictions, 0)
        print(
            f"{name:<12} F1 {result['f1']:.4f}  (P {result['precision']:.4f}  R {result['recall']:.4f})  "
            f"accuracy {result['accuracy']:.3f}"
        )
    print(
        f"time: cleaner {time_ours:.2f} s, readability summary {time_summary:.2f} s, "
        f"ratio {time_ours / max(time_summary, 1e-9):.2f} over {len(pages)} pages"
    )
    ratios.sort()
    print(
        f"per-page ratio: median {statistics.median(ratios):.2f}, "
        f"90th percentile {ratios[int(0.9 * (len(ratios) - 1))]:.2f}, max {ratios[-1]:.2f}"
    )
    if args.worst:
        result = _score(args.data, ours, args.worst)
        per_page = sorted(result["per_page"].items(), key=lambda kv: kv[1]["precision"] + kv[1]["recall"])
        for page_id, m in per_page[: args.worst]:
            print(f"  {page_id}  P {m['precision']:.3f}  R {m['recall']:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
