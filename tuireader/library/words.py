"""Wording shared by the faces' messages."""

from __future__ import annotations


def plural(count: int, noun: str, plural_form: str | None = None) -> str:
    """``plural(1, "article")`` → "1 article"; ``plural(3, "article")`` → "3 articles"."""
    if count == 1:
        return f"1 {noun}"
    return f"{count} {plural_form or noun + 's'}"
