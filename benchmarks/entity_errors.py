"""Count the extractor's errors on the NER-VTB dev set by the families of issue 14.

Each family is a mechanical test on the gold and predicted spans of one
sentence; a span may fall in more than one family, and most errors fall in
none (a plain miss or a plain extra).  The counts are for comparing two
versions of the extractor, not a breakdown that adds up.

    python benchmarks/entity_errors.py [--data DIR] [--show FAMILY]

1. category word left out of a LOC span, head word out of an ORG span: the
   prediction has the gold type and ends where the gold span ends, but starts
   later;
2. a place typed PER: a PER prediction overlapping a gold LOC;
3. an abbreviation, code or product typed ORG: a one-word ORG prediction with
   capitals or digits that overlaps no gold span;
4. a long name cut at a lower-case or numeric tail: the prediction has the
   gold type, starts inside the gold LOC/ORG and ends before it;
5. a person typed ORG or LOC: an ORG or LOC prediction overlapping a gold PER;
6. an organisation reduced to its place: a LOC prediction inside a gold ORG;
7. a fragment of a lower-case phrase: a prediction that ends on a capitalised
   word followed by a lower-case one, and either overlaps no gold span or lies
   inside one that goes on past it ("Khoa Cấp" of "Khoa Cấp cứu");
8. a bare given name missed: a one-word gold PER (or a birth-order name, "Hai
   Địa") that is not predicted;
9. names glued together: one prediction overlapping two or more gold spans;
10. a lower-cased name missed: a gold span whose name (after its category
    word) has a word in lower case, not predicted exactly.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import entities as bench  # noqa: E402

Span = tuple[int, int, str]

FAMILIES = {
    1: "category/head word left out of LOC/ORG",
    2: "place typed PER",
    3: "abbreviation or code typed ORG",
    4: "long name cut at a lower-case/numeric tail",
    5: "person typed ORG or LOC",
    6: "organisation reduced to its place",
    7: "fragment of a lower-case phrase",
    8: "bare given name missed",
    9: "names glued together",
    10: "lower-cased name missed",
}
# Lower-case words that open a LOC or ORG span (the guidelines' category and head words).
_CATEGORY = set(
    "tỉnh thành phố tp tp. thị xã trấn quận huyện phường ấp thôn bản buôn làng xóm khu sông suối rạch kênh "
    "hồ đầm biển vịnh đảo quần bán cù lao hòn núi dãy đèo mũi bãi rừng cao nguyên đồng bằng châu miền đường "
    "phố quốc lộ ql hẻm ngõ cầu chợ bến cảng sân bay ga công viên quảng trường cửa khẩu nghiệp chế xuất "
    "nghĩa trang chùa nhà thờ đình đền vàm nóc hầm phi xe vòng xoay chiến bộ sở ban ủy ủy ubnd hđnd "
    "công ty tnhh cp cổ phần tập đoàn ngân hàng trường đại học viện bệnh trung tâm hội đội hãng báo đài "
    "cục vụ tổng hạt quán nhà máy hàng khách sạn hợp tác htx cơ quan cảnh sát an điều tra lữ tiểu sư "
    "liên hiệp văn phòng".split()
)
_BIRTH_ORDER = {"hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "út", "cả"}


def _overlaps(a: Span, b: Span) -> bool:
    return a[0] < b[1] and b[0] < a[1]


def _inside(a: Span, b: Span) -> bool:
    return b[0] <= a[0] and a[1] <= b[1] and a[:2] != b[:2]


def _name_words(text: str) -> list[str]:
    words = text.split()
    while words and words[0].lower() in _CATEGORY:
        words = words[1:]
    return words


def _family_spans(text: str, gold: set[Span], pred: set[Span]) -> dict[int, list[Span]]:
    """The spans (gold or predicted) of each family found in one sentence."""
    missed = gold - pred
    extra = pred - gold
    out: dict[int, list[Span]] = {n: [] for n in FAMILIES}
    for g in missed:
        same = [p for p in extra if p[2] == g[2] and _overlaps(p, g)]
        if g[2] in ("LOC", "ORG") and any(p[1] == g[1] and p[0] > g[0] for p in same):
            out[1].append(g)
        if g[2] == "LOC" and any(p[2] == "PER" and _overlaps(p, g) for p in extra):
            out[2].append(g)
        if g[2] in ("LOC", "ORG") and any(p[0] >= g[0] and p[1] < g[1] for p in same):
            out[4].append(g)
        if g[2] == "PER" and any(p[2] in ("ORG", "LOC") and _overlaps(p, g) for p in extra):
            out[5].append(g)
        if g[2] == "ORG" and any(p[2] == "LOC" and _inside(p, g) for p in extra):
            out[6].append(g)
        words = text[g[0] : g[1]].split()
        if g[2] == "PER" and (len(words) == 1 or (len(words) == 2 and words[0].lower() in _BIRTH_ORDER)):
            out[8].append(g)
        if any(w[:1].islower() for w in _name_words(text[g[0] : g[1]])):
            out[10].append(g)
    for p in extra:
        word = text[p[0] : p[1]]
        if (
            p[2] == "ORG"
            and " " not in word
            and (any(c.isdigit() for c in word) or sum(c.isupper() for c in word) >= 2)
            and not any(_overlaps(p, g) for g in gold)
        ):
            out[3].append(p)
        after = text[p[1] : p[1] + 2]
        lower_next = len(after) == 2 and after[0] == " " and after[1].islower()
        covering = [g for g in gold if _overlaps(p, g)]
        if (
            lower_next
            and text[p[0] : p[1]].split()[-1][:1].isupper()
            and (not covering or any(g[0] <= p[0] and g[1] > p[1] for g in covering))
        ):
            out[7].append(p)
        if sum(1 for g in gold if _overlaps(p, g)) >= 2:
            out[9].append(p)
    return out


def count_families(data: Path, show: int | None = None) -> dict[int, int]:
    scorer = bench.vtb_scorer(data)
    if scorer is None:
        raise SystemExit(f"NER-VTB dev not found under {data} (use --data)")
    texts = bench.vtb_texts(data)
    gold = scorer.load_gold(str(data / "benchmarks" / "ner-vtb" / "dev.jsonl"))
    pred = bench.vtb_predictions(texts)
    totals = dict.fromkeys(FAMILIES, 0)
    for sid, spans in gold.items():
        found = _family_spans(texts[sid], spans, pred.get(sid, set()))
        for n, hits in found.items():
            totals[n] += len(hits)
            if show == n:
                for s, e, t in hits:
                    print(f"  {sid}: {t} {texts[sid][s:e]!r}   in {texts[sid][max(0, s - 40) : e + 40]!r}")
    return totals


def main(argv: list[str] | None = None, out: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=bench.REPO.parent / "shared", help="shared benchmark data folder")
    parser.add_argument("--show", type=int, choices=sorted(FAMILIES), help="list the spans of one family")
    args = parser.parse_args(argv)
    totals = count_families(args.data, args.show)
    for n, label in FAMILIES.items():
        out(f"{n:>3}  {label:<45}{totals[n]:>5}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
