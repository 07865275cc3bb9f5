"""Multilingual labels of page furniture, read from the data files next to this module.

``section_labels.txt`` lists headings that open a box of other articles
("Tin liên quan", "See also", "Lesen Sie auch"); ``furniture_lines.txt``
lists short lines that are furniture wherever they stand ("Quảng cáo",
"Back to top"), alone or several run together ("Jump to RecipePrint
Recipe").  Both are compared without case, surrounding punctuation or a
count such as "(12)" or a leading "12".
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from .rules import enabled

__all__ = ["is_furniture_label", "is_label_run", "is_section_label", "label_key"]

_COUNT = re.compile(r"\(\s*\d+\s*\)\s*$")
_LEADING_COUNT = re.compile(r"^\d+\s+(?=\D)")
_EDGE = " \t:.!?¿¡›»«>|*•·-–—_/()[]"


def label_key(text: str) -> str:
    """The comparison form of a label: case, edge punctuation and a count dropped."""
    key = " ".join(text.casefold().replace("’", "'").split())
    key = _COUNT.sub("", key).strip(_EDGE)
    if not enabled("leading-counts"):
        return key
    return _LEADING_COUNT.sub("", key)  # "12 comments" is the "comments" label


@cache
def _labels(name: str) -> tuple[frozenset[str], tuple[str, ...]]:
    exact: set[str] = set()
    prefixes: list[str] = []
    text = resources.files("tuireader.clean").joinpath("data", name).read_text(encoding="utf-8")
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("…"):
            prefixes.append(label_key(line[:-1]))
        else:
            exact.add(label_key(line))
    return frozenset(exact), tuple(prefixes)


def _matches(text: str, name: str) -> bool:
    key = label_key(text)
    if not key:
        return False
    exact, prefixes = _labels(name)
    return key in exact or any(key == p or key.startswith(p + " ") for p in prefixes)


def is_section_label(text: str) -> bool:
    """A heading that opens a box of related articles, comments or a newsletter."""
    return _matches(text, "section_labels.txt")


def is_furniture_label(text: str) -> bool:
    """A short line of page furniture ("Advertisement", "Zurück zur Übersicht")."""
    return _matches(text, "furniture_lines.txt")


# Labels of buttons run together without a space: "RecipePrint".
_GLUED = re.compile(r"(?<=[a-zà-ÿ])(?=[A-Z])")


def is_label_run(text: str, longest: int = 4) -> bool:
    """A short line made of two furniture labels or more ("Rezept drucken Pin it", "Jump to RecipePrint Recipe")."""
    words = _GLUED.sub(" ", text).split()
    exact = _labels("furniture_lines.txt")[0]
    fewest = {0: 0}  # words covered -> the fewest labels that cover them
    for stop in range(1, len(words) + 1):
        counts = [
            fewest[start] + 1
            for start in range(max(0, stop - longest), stop)
            if start in fewest and label_key(" ".join(words[start:stop])) in exact
        ]
        if counts:
            fewest[stop] = min(counts)
    return fewest.get(len(words), 0) >= 2
