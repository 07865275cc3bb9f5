"""Extraction benchmark for the cleaner, against readability-lxml and trafilatura.

Runs ``tuireader.clean.clean_source``, plain readability-lxml and trafilatura
over the pages of each development suite in the same run, scores all three
with the suite's own ``score.py`` and prints, per suite, F1, precision,
recall, the CPU-time ratio to readability and the pages where the cleaner is
furthest behind each baseline.

    python benchmarks/clean.py [--suite NAME] [--limit N] [--worst N] [--jobs N]
    python benchmarks/clean.py --ablate RULE [--ablate RULE ...]   # ours only, rules off
    python benchmarks/clean.py --ablation                          # every rule off in turn

The suites live next to the repository under ``shared/benchmarks`` (or give
``--root``): ``article-extraction`` (shingle F1) and ``trafilatura-eval``
(snippet F1).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ROOT = REPO.parent / "shared" / "benchmarks"
sys.path.insert(0, str(REPO))


@dataclass(frozen=True)
class Suite:
    name: str
    pages: str  # folder of <id>.html.gz
    gold: str  # gold file name


SUITES = (Suite("article-extraction", "html", "ground-truth.json"), Suite("trafilatura-eval", "pages", "gold.json"))
EXTRACTORS = ("ours", "readability", "trafilatura")


def _load_scorer(folder: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"score_{folder.name.replace('-', '_')}", folder / "score.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _ours(data: bytes) -> str:
    from tuireader.clean import clean_source

    return clean_source(data).text


def _readability(data: bytes) -> str:
    """Plain readability, its choice turned into text the same block-aware way."""
    import lxml.html
    from readability import Document

    from tuireader.clean import decode_bytes
    from tuireader.clean.blocks import blocks_to_text, element_blocks

    summary = Document(decode_bytes(data)).summary(html_partial=True)
    return blocks_to_text(element_blocks(lxml.html.fragment_fromstring(summary, create_parent="div")))


def _trafilatura(data: bytes) -> str:
    import trafilatura

    from tuireader.clean import decode_bytes

    return trafilatura.extract(decode_bytes(data)) or ""


_RUNNERS: dict[str, Callable[[bytes], str]] = {"ours": _ours, "readability": _readability, "trafilatura": _trafilatura}


def _work(job: tuple[str, tuple[str, ...], list[str]]) -> dict[str, tuple[str, float]]:
    """Run the extractors on one page: {name: (text, CPU seconds)}."""
    path, ablate, names = job
    from tuireader.clean.rules import ablated

    data = gzip.decompress(Path(path).read_bytes())
    out: dict[str, tuple[str, float]] = {}
    for name in names:
        start = time.process_time()
        try:
            with ablated(*ablate):
                text = _RUNNERS[name](data)
        except Exception:  # noqa: BLE001 - a failing page scores as no output
            text = ""
        out[name] = (text, time.process_time() - start)
    return out


def _run(suite_dir: Path, suite: Suite, names: list[str], ablate: tuple[str, ...], args: argparse.Namespace) -> dict:
    pages = sorted((suite_dir / suite.pages).glob("*.html.gz"))[: args.limit or None]
    jobs = [(str(p), ablate, names) for p in pages]
    if args.jobs > 1:
        with ProcessPoolExecutor(args.jobs) as pool:
            results = list(pool.map(_work, jobs, chunksize=8))
    else:
        results = [_work(job) for job in jobs]
    ids = [p.name.removesuffix(".html.gz") for p in pages]
    return {
        name: ({i: r[name][0] for i, r in zip(ids, results, strict=True)}, sum(r[name][1] for r in results))
        for name in names
    }


def _score(suite_dir: Path, suite: Suite, predictions: dict[str, str]) -> tuple[dict, dict[str, float]]:
    """Overall figures and a per-page score (higher is better) for ``predictions``."""
    scorer = _load_scorer(suite_dir)
    gold = json.loads((suite_dir / suite.gold).read_text(encoding="utf-8"))
    gold = {k: v for k, v in gold.items() if k in predictions}
    if suite.name == "article-extraction":
        result = scorer.score({k: v.get("articleBody") or "" for k, v in gold.items()}, predictions, n_bootstrap=0)
        per_page = {k: m["tp"] - m["fp"] - m["fn"] for k, m in result["per_page"].items()}
        return result, per_page
    result, pages = scorer.score(gold, predictions)
    return result, {k: m["tp"] - m["fp"] - m["fn"] for k, m in pages.items()}


def _line(name: str, result: dict, seconds: float, base_seconds: float | None) -> str:
    ratio = f"  time x{seconds / max(base_seconds, 1e-9):.2f}" if base_seconds else ""
    return f"  {name:<12} F1 {result['f1']:.4f}  P {result['precision']:.4f}  R {result['recall']:.4f}{ratio}"


def _compare(suite_dir: Path, suite: Suite, args: argparse.Namespace) -> None:
    runs = _run(suite_dir, suite, list(EXTRACTORS), (), args)
    base_seconds = runs["readability"][1]
    scores = {}
    print(f"{suite.name} ({len(runs['ours'][0])} pages)")
    for name in EXTRACTORS:
        result, per_page = _score(suite_dir, suite, runs[name][0])
        scores[name] = per_page
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            (args.save / f"{suite.name}.{name}.json").write_text(json.dumps(runs[name][0], ensure_ascii=False))
        print(_line(name, result, runs[name][1], base_seconds))
    for name in EXTRACTORS[1:]:
        behind = sorted(scores["ours"], key=lambda k: scores["ours"][k] - scores[name][k])[: args.worst]
        behind = [k for k in behind if scores["ours"][k] < scores[name][k]]
        if behind:
            print(f"  furthest behind {name}:")
            for k in behind:
                print(f"    {k}  ours {scores['ours'][k]:+.2f}  {name} {scores[name][k]:+.2f}")


def _ablation(root: Path, suites: list[Suite], rules: list[tuple[str, ...]], args: argparse.Namespace) -> None:
    print(f"{'rule off':<22}" + "".join(f"{s.name:>22}" for s in suites))
    for ablate in rules:
        cells = []
        for suite in suites:
            runs = _run(root / suite.name, suite, ["ours"], ablate, args)
            cells.append(f"{_score(root / suite.name, suite, runs['ours'][0])[0]['f1']:>22.4f}")
        print(f"{'+'.join(ablate) or '(none)':<22}" + "".join(cells), flush=True)


def main(argv: list[str] | None = None) -> int:
    from tuireader.clean.rules import RULES

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="folder holding the suites")
    parser.add_argument("--suite", action="append", choices=[s.name for s in SUITES], help="only this suite")
    parser.add_argument("--limit", type=int, default=0, help="only the first N pages of each suite")
    parser.add_argument("--worst", type=int, default=8, help="pages listed behind each baseline")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes")
    parser.add_argument("--save", type=Path, help="write each extractor's output here as JSON")
    parser.add_argument("--ablate", action="append", default=[], choices=sorted(RULES), help="switch a rule off")
    parser.add_argument("--ablation", action="store_true", help="F1 with each rule off in turn")
    args = parser.parse_args(argv)
    suites = [s for s in SUITES if not args.suite or s.name in args.suite]
    missing = [s.name for s in suites if not (args.root / s.name / "score.py").is_file()]
    if missing:
        print(f"suite(s) not found under {args.root}: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.ablation:
        _ablation(args.root, suites, [(), *((name,) for name in RULES)], args)
    elif args.ablate:
        _ablation(args.root, suites, [tuple(args.ablate)], args)
    else:
        for suite in suites:
            _compare(args.root / suite.name, suite, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
