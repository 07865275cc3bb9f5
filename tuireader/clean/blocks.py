"""Block-aware conversion of an HTML element into plain-text blocks.

Inline elements keep the whitespace the browser would show, so words in
adjacent tags stay apart exactly where the page separates them; block
elements start new blocks.  List items become ``- item`` lines and quotes
``> text`` lines.  Photo captions (<figcaption>, text in a <figure>, a box
whose class names a caption) are caption blocks, in a gallery's list too.
The walk is iterative, so deep nesting cannot exhaust the Python stack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from .rules import enabled

__all__ = ["Block", "BLOCK_TAGS", "element_blocks", "blocks_to_text", "word_count"]

BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt "
    "fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li "
    "main menu nav ol p pre section summary table tbody thead tfoot tr ul caption "
    "legend noscript".split()
)
HEADING_TAGS = frozenset("h1 h2 h3 h4 h5 h6".split())
SKIP_TAGS = frozenset(
    "script style template svg button select option input textarea iframe object "
    "embed canvas audio video map head title meta link base noscript rt rp".split()
)
_CAPTION_CLASS = re.compile(r"(?:^|[\s_-])caption(?:$|[\s_-])", re.IGNORECASE)
_SPACE = re.compile(r"[ \t\r\f\v\n\u00a0\u2028\u2029\u3000]+")
# Scripts written without spaces between words: Thai, Lao, Myanmar, Khmer,
# kana and Han.  About two of their characters make a word.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def word_count(text: str) -> int:
    """Words in ``text``, counting scripts without spaces by their characters."""
    count = len(text.split())
    unspaced = len(_UNSPACED.findall(text))
    return count + unspaced // 2 if unspaced else count


def _math_text(el: Any) -> str:
    """What a reader should see of a formula: its alt text, else its symbols."""
    alt = el.get("alttext") or el.get("alt")
    if alt:
        return alt
    return " ".join("".join(el.itertext()).split())


@dataclass
class Block:
    """One paragraph-like piece of text with what we know about its shape."""

    text: str
    kind: str = "p"  # "p", "heading", "li", "pre", "caption"
    quote: bool = False
    list_id: int = 0  # the <ul>/<ol> an item belongs to, 0 for none
    ordinal: int = 0  # number of an <ol> item
    link_chars: int = 0
    ordered: bool = False

    @property
    def link_density(self) -> float:
        return self.link_chars / max(1, len(self.text))


def _tag(el: Any) -> str:
    tag = el.tag
    if not isinstance(tag, str):
        return ""
    if "}" in tag:
        tag = tag.rsplit("}", 1)[1]
    return tag.lower()


class _Collector:
    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.parts: list[str] = []
        self.link_chars = 0
        self.kind = "p"
        self.quote = 0
        self.lists: list[list[int]] = []  # [id, ordered, counter]
        self.list_serial = 0
        self.pre = 0
        self.link = 0
        self.item: tuple[int, int, bool] | None = None
        self.figure = 0
        self.caption_boxes: list[Any] = []

    def add(self, text: str | None) -> None:
        if not text:
            return
        if not self.pre:
            text = _SPACE.sub(" ", text)
        self.parts.append(text)
        if self.link:
            self.link_chars += len(text.strip())

    def flush(self) -> None:
        raw = "".join(self.parts)
        self.parts = []
        links = self.link_chars
        self.link_chars = 0
        if self.pre:
            text = raw.strip("\n")
            if not text.strip():
                return
        else:
            lines = [" ".join(line.split()) for line in raw.split("\n")]
            text = "\n".join(line for line in lines if line)
        if not text:
            return
        kind = "pre" if self.pre else ("caption" if self.figure and self.kind == "p" else self.kind)
        block = Block(text=text, kind=kind, quote=self.quote > 0, link_chars=min(links, len(text)))
        if self.item is not None:
            block.list_id, block.ordinal, block.ordered = self.item
            if kind != "caption" or not enabled("gallery-captions"):
                block.kind = "li"  # a caption in a gallery's item stays a caption
        self.blocks.append(block)


def _is_caption_box(el: Any, tag: str) -> bool:
    """A <div> or <p> whose class names it a photo caption ("caption", "wp-caption-text")."""
    if tag not in ("div", "p") or not _CAPTION_CLASS.search(el.get("class") or ""):
        return False
    return enabled("gallery-captions") and len(el.text_content()) <= 1000  # not a wrapper of the page


def element_blocks(root: Any) -> list[Block]:
    """Walk ``root`` and return its text as a list of blocks, in document order."""
    from lxml import etree

    out = _Collector()
    walker = etree.iterwalk(root, events=("start", "end"))
    for event, el in walker:
        tag = _tag(el)
        if event == "start":
            if tag == "math" and enabled("math-text"):
                out.add(f" {_math_text(el)} ")
                walker.skip_subtree()
                out.add(el.tail)
                continue
            if not tag or tag in SKIP_TAGS or tag == "math":
                # Scripts, form controls, comments: no text of theirs, but the
                # text after them belongs to the parent.
                walker.skip_subtree()
                out.add(el.tail)
                continue
            if tag in BLOCK_TAGS:
                out.flush()
                if tag in HEADING_TAGS:
                    out.kind = "heading"
                elif tag in ("figcaption", "caption"):
                    out.kind = "caption"
                elif _is_caption_box(el, tag):
                    out.figure += 1
                    out.caption_boxes.append(el)
                elif tag == "blockquote":
                    out.quote += 1
                elif tag == "pre":
                    out.pre += 1
                elif tag == "figure":
                    out.figure += 1
                elif tag in ("ul", "ol", "dir", "menu"):
                    out.list_serial += 1
                    out.lists.append([out.list_serial, tag == "ol", 0])
                elif tag == "li" and out.lists:
                    current = out.lists[-1]
                    current[2] += 1
                    out.item = (current[0], current[2], bool(current[1]))
            elif tag in ("td", "th"):
                out.add(" ")  # cells of a row share one line
            elif tag == "br":
                out.parts.append("\n")  # a hard line break, not collapsible space
            elif tag == "a":
                out.link += 1
            out.add(el.text)
        else:
            if not tag or tag in SKIP_TAGS or tag == "math":
                continue
            if tag in BLOCK_TAGS:
                out.flush()
                if tag in HEADING_TAGS or tag in ("figcaption", "caption"):
                    out.kind = "p"
                elif tag == "blockquote":
                    out.quote = max(0, out.quote - 1)
                elif tag == "pre":
                    out.pre = max(0, out.pre - 1)
                elif tag == "figure":
                    out.figure = max(0, out.figure - 1)
                elif out.caption_boxes and out.caption_boxes[-1] is el:
                    out.caption_boxes.pop()
                    out.figure = max(0, out.figure - 1)
                elif tag in ("ul", "ol", "dir", "menu"):
                    if out.lists:
                        out.lists.pop()
                    out.item = None
                elif tag == "li":
                    out.item = None
            elif tag == "a":
                out.link = max(0, out.link - 1)
            if el is not root:
                out.add(el.tail)
    out.flush()
    return out.blocks


def blocks_to_text(blocks: list[Block]) -> str:
    """Join blocks into paragraphs separated by one blank line.

    Items of one list stay together as ``- item`` lines; quoted blocks get
    ``> `` in front of every line.
    """
    paragraphs: list[str] = []
    previous_list = 0
    for block in blocks:
        if block.kind == "li" and block.list_id:
            marker = f"{block.ordinal}." if block.ordered else "-"
            line = f"{marker} " + block.text.replace("\n", " ")
            if block.quote:
                line = "> " + line
            if previous_list == block.list_id and paragraphs:
                paragraphs[-1] += "\n" + line
            else:
                paragraphs.append(line)
            previous_list = block.list_id
            continue
        previous_list = 0
        text = block.text
        if block.quote:
            text = "\n".join("> " + line for line in text.split("\n"))
        paragraphs.append(text)
    return "\n\n".join(paragraphs)
