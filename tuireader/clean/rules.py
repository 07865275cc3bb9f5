"""Named rules of the HTML cleaner, each of which can be switched off.

The benchmark (``benchmarks/clean.py --ablation``) turns each rule off in
turn to see what it is worth; the product always runs them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["RULES", "ablated", "enabled"]

RULES: dict[str, str] = {
    "furniture-tags": "drop <nav>, <aside>, <footer>, <form> that hold little of the page",
    "furniture-classes": "drop boxes whose class or id names page furniture",
    "embedded-posts": "turn quoted tweets and posts into plain paragraphs",
    "section-boxes": "drop the items under a 'Related'/'Xem thêm' label",
    "furniture-lines": "drop captions credits, share bars, copyright and label lines",
    "dedupe": "drop a paragraph that repeats the one before",
    "prose-captions": "keep captions that are prose, without their photo credit",
    "gallery-captions": "a box whose class names a caption, or a caption in a gallery's list item, is a caption",
    "math-text": "keep the text of formulas (<math> alttext or symbols)",
    "box-evidence": "keep a furniture-named box that holds most of the page's own text",
    "heading-slugs": "ignore an id that spells the box's own heading",
    "box-end": "a plain heading or a non-link list item ends a 'Related' box",
    "container-fallback": "prefer the page's own article container when readability picked too little",
    "h1-site-name": "an <h1> holding the site's or a section's name is not the title",
    "h1-title": "take the article's <h1> as title when the page title names the site",
    "densest-box": "our own pick, the element holding the most paragraph text, competes as a container",
    "sapo": "put back the lead printed above the body (it repeats the page's description)",
    "lead-above": "put back a paragraph the markup names as a lead, just above the body in the same box",
    "sibling-sections": "add the body's other sections, siblings of its box with the same tag and class",
    "intro-above": "put back paragraphs printed between the headline and the body",
    "outlet-leadin": "move an outlet lead-in ('(Dân trí) -', 'TTO -') out of the text",
    "publisher-author": "an author that is only the publisher's name gives way to the visible byline",
    "byline-tail": "take a name under the last paragraph as the author",
    "template-bodies": "read a markup template that is all its box holds (Blogger's post body)",
    "noscript-page": "read a <noscript> that holds most of the page's text",
    "json-body": "read the body the page's structured data holds when the page shows little of it",
    "furniture-wrapper": "a furniture-named box around the headline or the article wraps the page, not a side box",
    "inner-headings": "put back headings printed between two paragraphs of the body",
    "label-runs": "drop a short line made of several furniture labels run together",
    "label-teasers": "drop a line that runs a 'Read also' label into the headline it points to",
    "author-boxes": "drop the small box about the writer ('author-bio', 'author-box') beside the article",
    "credit-tails": "take the '© Agency/Name' photo credit off the end of a caption-sized paragraph",
    "recipe-ingredients": "put back a recipe's ingredients box, found by the ingredients its structured data names",
    "densest-prose": "our own pick holds paragraphs or numbered steps, not only quotes or loose items",
    "leading-counts": "a label with a count in front ('12 Kommentare') is the label",
    "page-classes": "the classes of <body> name the page layout, not a side box",
}

_off: set[str] = set()


def enabled(name: str) -> bool:
    """Whether rule ``name`` runs (all do, unless a benchmark ablates one)."""
    return name not in _off


@contextmanager
def ablated(*names: str) -> Iterator[None]:
    """Switch the named rules off for the duration of the block."""
    unknown = set(names) - set(RULES)
    if unknown:
        raise ValueError(f"unknown rule(s): {', '.join(sorted(unknown))}")
    before = set(_off)
    _off.update(names)
    try:
        yield
    finally:
        _off.clear()
        _off.update(before)
