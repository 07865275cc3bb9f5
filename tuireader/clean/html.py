"""Clean an HTML page: readability finds the article, we turn it into paragraphs.

Steps: bound the input, parse once, read metadata, remove boilerplate the
page marks as such (share bars, related boxes, comments, ads, subscribe
prompts), hand the tree to readability, then convert its choice to text
block by block and drop what is left of boilerplate.  When readability picks
clearly less than the page's own article container holds (or, when it finds
little, than the element holding the most paragraph text), that is used
instead.  A body built of sections (one box per block of a page builder)
gets the sections beside the one readability took.  A markup template that
is all its box holds (Blogger's post body) is read as markup, so is a
<noscript> holding most of the page, and a lead the page prints above the
body (named as a lead by its markup, or standing between the headline and
the body) is put back, as are headings between two paragraphs of the body.
When the page shows little text but its structured data (JSON-LD
``articleBody``) holds the body, that is read instead.  Each rule has a name
in ``rules.py`` so that a benchmark can switch it off.

Low confidence: ``CleanedArticle.low_confidence`` (the ``low_confidence``
field of ``clean --json``) is ``None`` when the result reads as one article,
and otherwise a short reason, judged from the page's own shape, why it may
not be one: "home page" (the URL has no path), "section page: ..." (a page
typed as a website or blog that holds many headline links and little text of
its own), "mostly headlines of other articles: ...", "very little text" or
"no article text".  The text is still returned alongside the flag.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from tuireader.text import clean_input

from .article import CleanedArticle
from .blocks import Block, blocks_to_text, element_blocks, word_count
from .dump import is_byline
from .encoding import decode_bytes
from .labels import is_furniture_label, is_label_run, is_section_label
from .metadata import PageMeta, ascii_key, extract_meta, host_of, pick_lang
from .rules import enabled

__all__ = ["MAX_HTML_CHARS", "MAX_HTML_ELEMENTS", "clean_html"]

# Pages above this size (after dropping scripts and styles) are cut: the work
# of readability grows faster than linearly with the page.
MAX_HTML_CHARS = 1_500_000
# Readability's cost follows the number of elements more than the bytes;
# real article pages have a few thousand.
MAX_HTML_ELEMENTS = 20_000
# libxml2 stops at this nesting depth and drops what lies deeper.
_LIBXML_MAX_DEPTH = 255

_SCRIPT_OPEN = re.compile(r"<(script|style|svg)\b", re.IGNORECASE)
_TAG = re.compile(r"<[a-zA-Z!/?]")
_ELEMENT_START = re.compile(r"<[a-zA-Z]")
_PARSER_UNSAFE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# Long runs of opening or closing tags with nothing between them: the shape
# of pathologically nested markup.  Collapsing them keeps the text.
_OPEN_RUN = re.compile(r"(?:<[a-zA-Z][\w:-]*(?:\s[^<>]*)?>\s*){40,}")
_CLOSE_RUN = re.compile(r"(?:</[a-zA-Z][\w:-]*\s*>\s*){40,}")

# Class/id words of page furniture, matched against whole words of the
# attribute (split on spaces, dashes and underscores).  Strong words name the
# box outright; weak words are also used for layout wrappers, so a box with
# them must hold little of the page's text before it goes.
_STRONG_WORDS = {
    "share",
    "sharing",
    "social",
    "sharebar",
    "socialshare",
    "related",
    "relate",
    "lienquan",
    "tinlienquan",
    "relatednews",
    "recommended",
    "recommendation",
    "comment",
    "comments",
    "binhluan",
    "disqus",
    "subscribe",
    "subscription",
    "newsletter",
    "signup",
    "paywall",
    "advert",
    "advertisement",
    "ads",
    "ad",
    "adsbygoogle",
    "sponsor",
    "sponsored",
    "promo",
    "breadcrumb",
    "breadcrumbs",
    "taglist",
    "popup",
    "modal",
    "cookie",
    "consent",
    "outbrain",
    "taboola",
}
# Embedded posts (tweets, Facebook or Instagram posts) quoted by the article.
_EMBED_WORDS = {
    "embed",
    "embedded",
    "tweet",
    "twitter-tweet",
    "instagram-media",
    "tiktok-embed",
    "fb-post",
    "fb-xfbml-parse-ignore",
}
_WEAK_WORDS = {"sidebar", "widget", "footer", "navbar", "nav", "menu", "banner", "tags", "toolbar"}
# Elements that are page furniture by definition, unless a site wraps the
# whole page in one of them (ASP.NET pages sit inside a <form>).
_FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "form"})
_WORDS = re.compile(r"\w+")
# Quick pre-check: a class or id without any of these cannot name furniture.
_BOX_HINT = re.compile(
    "embed|tweet|shar|soci|relat|lienquan|recommend|comment|binhluan|disqus|subscri|newsletter|signup|paywall|"
    "ad|sponsor|promo|breadcrumb|tag|popup|modal|cookie|consent|outbrain|taboola|sidebar|widget|"
    "footer|nav|menu|banner|toolbar|author|autor|auteur"
)
_SPLIT_WORDS = re.compile(r"[\s_\-]+")

_SHARE_ONLY = re.compile(
    r"^(?:share|chia sẻ)(?: this| bài viết)?(?: (?:article|story|post))? (?:on|via|with|qua|lên) \w+\W*$|"
    r"^(?:(?:share|tweet|email|e-mail|print|facebook|twitter|linkedin|pinterest|whatsapp|reddit|"
    r"zalo|chia sẻ|in bài|gửi bài|copy link|sao chép|save|lưu|like|thích|follow|theo dõi)\W*)+$",
    re.IGNORECASE,
)


def _spells_own_heading(el: Any, ident: str) -> bool:
    """An id made from the box's own heading ("sharing-with-multiple-developers")."""
    key = "".join(_SPLIT_WORDS.split(ident.lower()))
    if len(key) < 8 or not enabled("heading-slugs"):
        return False
    heading = next(el.iter("h1", "h2", "h3", "h4", "h5", "h6"), None)
    if heading is None:
        return False
    words = _WORDS.findall(heading.text_content().casefold())
    spelt = "".join(words).replace("_", "")
    if spelt and (spelt == key or spelt.startswith(key) or key.startswith(spelt)):
        return True
    # An anchor made of the heading's words around a prefix or a count ("nav_nur_die_folie__1").
    parts = [w for w in _SPLIT_WORDS.split(ident.lower()) if w]
    shared = sum(1 for w in parts if w in words)
    return shared >= 2 and shared > len(parts) / 2


def _class_words(el: Any) -> set[str]:
    ident = el.get("id") or ""
    if ident and _spells_own_heading(el, ident):
        ident = ""
    value = f"{el.get('class') or ''} {ident}".lower()
    if not value.strip() or not _BOX_HINT.search(value):
        return set()
    words = set(_SPLIT_WORDS.split(value))
    words.update(value.split())
    return words


def _prose_chars(el: Any) -> int:
    """Characters in the longer paragraphs under ``el``: where articles live."""
    total = 0
    for p in el.iter("p"):
        length = len(p.text_content())
        if length >= 80:
            total += length
    return total


def _own_chars(el: Any) -> int:
    """Characters of ``el`` outside links: the text a page writes itself."""
    linked = sum(len(a.text_content()) for a in el.iter("a"))
    return len(el.text_content()) - linked


def _holds_article(el: Any) -> bool:
    return any(True for _ in el.iter("article", "main", "h1")) or bool(el.xpath(".//*[@itemprop='articleBody']"))


@dataclass
class _Page:
    """Totals of the whole page that furniture boxes are weighed against."""

    chars: int
    prose: int
    own: int
    classes: Counter[str]


def _box_prose(el: Any) -> int:
    """Text of ``el`` held in long paragraphs, <br>-separated lines included."""
    total = 0
    for holder in el.iter("p", "pre", "blockquote", "td", "dd", "li", "div"):
        length = _held_text(holder)
        if length >= 80:
            total += length
    return total


def _is_content_box(el: Any, page: _Page) -> bool:
    """A furniture-named box that the page's evidence says holds the content.

    Either most of the page's own text, or prose in a box whose class is used
    once (comments and teasers repeat their class, an article does not).
    """
    own = _own_chars(el)
    if page.own and own >= 0.5 * page.own:
        return True
    if page.classes[el.get("class") or ""] != 1 or own < 200:
        return False
    return _box_prose(el) >= 0.6 * own


_AUTHOR_STEMS = ("author", "autor", "auteur")
_AUTHOR_BOX_WORDS = frozenset({"bio", "box", "info", "description", "about", "profile", "avatar", "card", "details"})
# An author's box is a few lines; a bigger box named so wraps more than a bio.
_AUTHOR_BOX_CHARS = 1200


def _names_author_box(words: set[str]) -> bool:
    """ "post-author-bio", "author-box", "authorbox": the box about the writer under the article."""
    for word in words:
        if word.startswith(_AUTHOR_STEMS) or word.endswith(_AUTHOR_STEMS):
            compound = word.isalpha() and word.rstrip("s") not in _AUTHOR_STEMS  # "authorbox", not "author-name"
            if compound or words & _AUTHOR_BOX_WORDS:
                return True
    return False


def _is_author_box(el: Any, words: set[str], page: _Page) -> bool:
    if not enabled("author-boxes") or not _names_author_box(words):
        return False
    if len(el.text_content()) > _AUTHOR_BOX_CHARS or (page.prose and _prose_chars(el) >= 0.3 * page.prose):
        return False
    return not _holds_article(el)


def _is_boilerplate_box(el: Any, page: _Page) -> bool:
    words = _class_words(el)
    if not words or words & _EMBED_WORDS:
        return False
    if _is_author_box(el, words, page):
        return True
    if words & _STRONG_WORDS:
        share = 0.4
    elif words & _WEAK_WORDS:
        share = 0.15
    else:
        return False
    if len(el.text_content()) >= share * page.chars:
        return False
    # Wrappers whose class happens to mention, say, "comments" or "non-ad"
    # but which hold the article itself are kept.
    if page.prose and _prose_chars(el) >= 0.3 * page.prose:
        return False
    if enabled("box-evidence") and _is_content_box(el, page):
        return False
    return not _holds_article(el)


def _unwrap_embedded_posts(doc: Any) -> None:
    """Turn quoted tweets and posts into plain paragraphs.

    Their markup is mostly links, so readability would throw away text the
    article quotes on purpose.
    """
    for quote in list(doc.iter("blockquote")):
        if not (_class_words(quote) & _EMBED_WORDS):
            continue
        for link in list(quote.iter("a")):
            link.drop_tag()
        quote.tag = "div"
        # Readability also judges by class names ("tweet", "social").
        for el in (quote, quote.getparent()):
            if el is not None and el.get("class") is not None:
                el.set("class", "embedded-post")


_TEMPLATE_TYPES = ("text/template", "text/html", "text/x-template")


def _expand_template_bodies(doc: Any) -> None:
    """A markup template that is all its box holds (Blogger's post body) becomes the box's content."""
    import lxml.html

    for script in list(doc.iter("script")):
        if (script.get("type") or "").strip().lower() not in _TEMPLATE_TYPES:
            continue
        parent = script.getparent()
        markup = script.text or ""
        if parent is None or not markup.lstrip().startswith("<") or "<p" not in markup.lower():
            continue  # JSON data or a text snippet, not the markup of a body
        hidden = sum(len(c.text_content()) for c in parent if c.tag in ("script", "noscript"))
        if len(parent.text_content()) - hidden > 20:
            continue  # the box shows text of its own: the template is for something else
        try:
            holder = lxml.html.fragment_fromstring(markup, create_parent="div")
        except Exception:  # noqa: BLE001 - unparsable markup stays a script
            continue
        if len(" ".join(holder.text_content().split())) < 200:
            continue
        holder.tail = script.tail
        parent.replace(script, holder)


def _unwrap_noscript_page(doc: Any) -> None:
    """A <noscript> holding most of the page's text is the page itself (the version for readers without scripts)."""
    body = doc.find(".//body")
    total = len((body if body is not None else doc).text_content())
    for el in list(doc.iter("noscript")):
        if len(el.text_content()) > 0.5 * total and next(el.iter("p"), None) is not None:
            el.drop_tag()


def _preclean(doc: Any) -> None:
    """Remove page furniture the markup itself identifies."""
    if enabled("template-bodies"):
        _expand_template_bodies(doc)
    if enabled("noscript-page"):
        _unwrap_noscript_page(doc)
    doomed = []
    for el in doc.iter():
        tag = el.tag if isinstance(el.tag, str) else ""
        if not tag:
            doomed.append(el)
        elif tag in ("script", "style", "noscript", "iframe", "svg", "button", "select", "template", "object", "embed"):
            doomed.append(el)
        elif el.get("hidden") is not None or el.get("aria-hidden") == "true":
            doomed.append(el)
        elif "display:none" in (el.get("style") or "").replace(" ", "").lower():
            doomed.append(el)
    for el in doomed:
        _drop_keep_tail(el)
    if enabled("embedded-posts"):
        _unwrap_embedded_posts(doc)
    body = doc.find(".//body")
    root = body if body is not None else doc
    class_counts = Counter(el.get("class") or "" for el in doc.iter())
    page = _Page(len(root.text_content()), _prose_chars(doc), _own_chars(root), class_counts)
    classes, tags = enabled("furniture-classes"), enabled("furniture-tags")
    boxes = [
        el
        for el in doc.iter()
        if isinstance(el.tag, str)
        and el.tag not in ("html", "body", "article", "main")
        and (
            (classes and _is_boilerplate_box(el, page))
            or (tags and el.tag in _FURNITURE_TAGS and len(el.text_content()) < 0.15 * page.chars)
        )
    ]
    for el in boxes:
        _drop_keep_tail(el)


def _drop_keep_tail(el: Any) -> None:
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    previous = el.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


def _normal_title(text: str) -> str:
    """Comparison key: case and punctuation ignored (tone placement is the page's own)."""
    return " ".join(_WORDS.findall(text.casefold()))


def _pick_title(meta: PageMeta, doc: Any) -> str | None:
    headings = []
    for el in doc.iter("h1"):
        text = " ".join(el.text_content().split())
        if 3 <= len(text) <= 300:
            headings.append(clean_input(text))
    candidates = meta.title_candidates
    # An <h1> that the page's declared title contains is the cleanest title,
    # unless it is only the site's or a section's name beside the headline.
    stripped = [_normal_title(_strip_site_name(c, meta)) for c in candidates]
    site = _normal_title(meta.site or "")
    for heading in headings:
        key = _normal_title(heading)
        if not key or (key == site and enabled("h1-site-name")):
            continue
        if any(key in c and (len(key) >= 0.5 * len(c) or not enabled("h1-site-name")) for c in stripped):
            return heading
    if candidates:
        return _strip_site_name(candidates[0], meta) or None
    return headings[0] if headings else None


def _strip_site_name(title: str, meta: PageMeta) -> str:
    """Drop a site name glued to a title ("Headline - VnExpress", "Site | Headline").

    A dash inside a headline ("Biden - Putin") is left alone unless the part
    it separates names the site.
    """
    site_keys = {_normal_title(meta.site or "")}
    host = (meta.url or "").split("//")[-1].split("/")[0].removeprefix("www.")
    if host:
        site_keys.add(host.split(".")[0].lower())
        site_keys.add(_normal_title(host))
    site_keys.discard("")

    def names_site(part: str) -> bool:
        key = _normal_title(part)
        compact = key.replace(" ", "")
        folded = ascii_key(part)  # "Báo Mẫu" names baomau.vn
        return bool(key) and any(
            k == key or k == compact or (len(k) > 3 and (k in compact or k == folded)) for k in site_keys
        )

    for sep in (" | ", " - ", " – ", " — ", " :: ", " « ", " » ", " / "):
        if sep not in title:
            continue
        parts = [p.strip() for p in title.split(sep)]
        if names_site(parts[-1]):
            parts = parts[:-1]
        elif names_site(parts[0]):
            parts = parts[1:]
        elif sep in (" | ", " :: ", " « ", " » ") and len(parts[-1].split()) <= 5:
            parts = parts[:-1]  # these separators almost never sit inside a headline
        title = sep.join(parts)
    return title.strip()


def _same_text(a: str, b: str) -> bool:
    """Loose equality of a block and the title (case, tone placement, punctuation)."""
    if abs(len(a) - len(b)) > 40:
        return False  # cheap exit: most blocks are nowhere near the title's length
    ka, kb = _normal_title(a), _normal_title(b)
    return bool(ka) and (ka == kb or (len(ka) > 20 and (ka in kb or kb in ka) and abs(len(ka) - len(kb)) < 25))


def _words(text: str) -> int:
    return word_count(text)


_CREDIT_WORDS = (
    r"(?:image|photo|picture|pictured|credit|ảnh|nguồn ảnh|bild|foto|fotos|crédito|credito|crédits? photos?|"
    r"abbildung|zdjęcie)"
)
_CAPTION = re.compile(
    rf"\((?:{_CREDIT_WORDS}|nguồn)\s*:[^)]*\)\s*$"
    rf"|^{_CREDIT_WORDS}\s*(?:credit)?\s*:"
    rf"|(?:^|\s|(?<=[a-z])){_CREDIT_WORDS}\s*:\s*[\w .,/&|-]{{2,60}}$",
    re.IGNORECASE,
)
_LABEL_LINE = re.compile(
    r"^[\[(]?(?:also on|also|tags?|từ khóa|từ khoá|keywords?|topics?|filed under|categories|chủ đề|see more|read more|"
    r"read next|read also|also read|xem thêm|đọc thêm|don'?t miss|related|more|click here|"
    r"citation|tin liên quan)\b\s*:?",
    re.IGNORECASE,
)
# Credit and promotion lines that close many articles: reporting credits,
# "follow us", newsletter and subscription pitches, contact addresses.
_TAIL_LINE = re.compile(
    r"^(?:\(?(?:additional |with )?reporting by|editing by|writing by|compiled by|\w+(?: \w+){0,3} contributed"
    r"(?: reporting)?|(?:associated press|ap) writers?\b|reach (?:the )?(?:reporter|writer|author)s?\b|"
    r"contact (?:the )?(?:reporter|writer|author)|have a tip\b|follow (?:us|him|her|them|me|@?\w+) on\b|"
    r"sign up\b|subscribe\b|get (?:\w+ ){0,4}(?:delivered|on the go)|like this (?:story|article)|"
    r"(?:click|tap) here\b|listen (?:to|live)\b|theo dõi .{1,40} trên|đăng ký nhận)"
    r"|@\w+\.\w{2,}\s*$|^(?:https?://)?(?:www\.)?(?:twitter|facebook|instagram)\.com/\S+$",
    re.IGNORECASE,
)
_LEADING_LINE = re.compile(
    r"^(?:by|bởi)\s+\S|^(?:tempo de leitura|reading time|lesezeit|thời gian đọc)\b|\b\d+\s*min(?:ute)?s?\s+read\b",
    re.IGNORECASE,
)
_CREDIT_ONLY = re.compile(
    r"\b(?:getty images|shutterstock|ap photo|afp photo|reuters/|epa-efe|ttxvn|istock)\b|\((?:\w+ )?photo/[^)]*\)\s*$",
    re.IGNORECASE,
)
_COPYRIGHT = re.compile(
    r"^(?:©|\(c\)|copyright\b)|all rights reserved|bản quyền thuộc|this (?:document|material|article) "
    r"(?:is subject to copyright|may not be (?:published|reproduced))",
    re.IGNORECASE,
)
_DATE_WORDS = re.compile(
    r"\b(?:\d{1,2}[:h]\d{2}\s*(?:am|pm)?|\d{1,2}/\d{1,2}/\d{2,4}|\d{4}-\d{2}-\d{2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}|"
    r"\d{1,2} (?:de )?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|janeiro|fevereiro|março|"
    r"abril|maio|junho|julho|agosto|setembro|outubro|novembro|dezembro)[a-z]*|"
    r"(?:updated|published|posted|cập nhật|đăng)\b.*\d)",
    re.IGNORECASE,
)


_RIGHTS = re.compile(r"rights reserved|subject to copyright|may not be|bản quyền|alle rechte", re.IGNORECASE)


def _is_copyright(text: str, words: int) -> bool:
    """A copyright notice; a "©" credit in front of a caption or a sentence is not one."""
    found = _COPYRIGHT.search(text)
    if not found:
        return False
    if found.start() == 0 and not found.group(0).lower().startswith("copyright"):
        return words <= 40 or bool(_RIGHTS.search(text))
    return True


# "Read also: <headline>", "À lire aussi » <headline>": a label, then a teaser.
_LABEL_SPLIT = re.compile(r"\s*[:»›]\s*|\s+[-–—|]\s+")


def _is_labelled_teaser(block: Block, words: int) -> bool:
    """A section label run into the headline it points to, on one line."""
    if words > 30 or not enabled("label-teasers"):
        return False
    parts = _LABEL_SPLIT.split(block.text.strip(), maxsplit=1)
    if len(parts) != 2 or not parts[1] or _words(parts[0]) > 6 or not is_section_label(parts[0]):
        return False
    # A one-word label ("Lea:") is also a speaker's name in an interview: the teaser must be a link.
    return _words(parts[0]) >= 2 or block.link_density > 0.5


def _is_furniture_line(block: Block, index: int, titles: list[str], author: str | None) -> bool:
    """Lines that are page furniture wherever they stand."""
    text = block.text.strip()
    words = _words(text)
    if _is_labelled_teaser(block, words):
        return True
    if block.kind == "caption" and not enabled("prose-captions"):
        return True
    if any(_same_text(text, title) for title in titles):
        return True
    if words <= 40 and _CAPTION.search(text):
        return True
    if words <= 60 and (
        _is_copyright(text, words)
        or (_LABEL_LINE.match(text) and (block.link_density > 0.3 or words <= 4 or ":" in text[:20] or "|" in text))
    ):
        return True
    if _SHARE_ONLY.match(text):
        return True
    if words <= 40 and is_furniture_label(text):
        return True
    if words <= 12 and enabled("label-runs") and is_label_run(text):
        return True
    if words <= 50 and _TAIL_LINE.search(text):
        return True
    if words <= 16 and _CREDIT_ONLY.search(text):
        return True
    if index < 4 and words <= 14 and _LEADING_LINE.search(text):
        return True
    if index < 6 and words <= 14:
        if author and author.split(",")[0].strip().lower() in text.lower():
            return True
        if _DATE_WORDS.search(text) and not text.endswith((".", "!", "?", "”", '"')):
            return True
    return False


def _in_box(block: Block) -> bool:
    """Whether a block under a "Related"/"Comments" label still belongs to that box.

    Its items are links or short lines; a heading or list item of the page's
    own text (footnotes, the next section) ends the box.
    """
    if block.link_density > 0.5:
        return True
    if not enabled("box-end"):
        return _words(block.text) < 12 or block.kind in ("li", "heading")
    return block.kind == "p" and _words(block.text) < 12


# A photo credit closing a caption: "Ảnh: AFP/TTXVN", "(Photo: Reuters)".
_CAPTION_CREDIT = re.compile(
    r"\s*(?:\b|(?<=[a-z]))(?:ảnh|nguồn|photo|image|picture|credit|foto|bild|source)\s*:[^()\[\]]{1,60}$"
    r"|\s*[(\[][^()\[\]]{0,30}\b(?:ảnh|nguồn|photo|foto|bild|image|credit)\b[^()\[\]]{0,60}[)\]]\s*$",
    re.IGNORECASE,
)


# Captions hold at least this share of the text of a photo story.
_PHOTO_STORY_SHARE = 0.3


def _prose_caption(text: str) -> str | None:
    """A caption without its credit when it is prose, None for a credit or a label."""
    if not enabled("prose-captions"):
        return None
    text = _CAPTION_CREDIT.sub("", text).strip()
    if _words(text) < 5 or _CREDIT_ONLY.search(text) or _COPYRIGHT.search(text):
        return None
    return text


# "… im Display. | © Augusta National/Getty Images": a photo credit closing a caption printed as a paragraph.
_CREDIT_TAIL = re.compile(r"\s*[|/·•–—-]?\s*(?:(?:foto|photo|bild|image|ảnh)\s*:?\s*)?©\s*[^©]{2,80}$", re.IGNORECASE)


def _without_credit_tail(block: Block) -> Block:
    """A caption-sized paragraph without the "© Agency / Name" credit it ends with."""
    found = _CREDIT_TAIL.search(block.text)
    if not found or _words(found.group(0)) > 10 or _words(block.text) > 60:
        return block
    rest = block.text[: found.start()].rstrip()
    if _words(rest) < 3 or _COPYRIGHT.search(rest):
        return block  # a copyright line of its own, judged elsewhere
    return replace(block, text=rest, link_chars=min(block.link_chars, len(rest)))


def _filter_blocks(blocks: list[Block], titles: list[str], author: str | None = None) -> list[Block]:
    """Drop furniture blocks; ``titles`` are the spellings of the headline the page uses."""
    kept: list[Block] = []
    dropping_box = False
    recent: list[str] = []
    seen: set[str] = set()
    sections, lines, dedupe = enabled("section-boxes"), enabled("furniture-lines"), enabled("dedupe")
    for index, block in enumerate(blocks):
        text = block.text
        if sections and _words(text) <= 8 and is_section_label(text):
            dropping_box = True
            continue
        if dropping_box:
            if _in_box(block):
                continue
            dropping_box = False
        if block.kind == "caption" and enabled("prose-captions"):
            caption = _prose_caption(block.text)
            if caption is None or any(_same_text(caption, title) for title in titles):
                continue
            block = replace(block, text=caption)
        elif lines and _is_furniture_line(block, index, titles, author):
            continue
        elif block.kind == "p" and enabled("credit-tails"):
            block = _without_credit_tail(block)
        key = " ".join(block.text.split()).lower()
        if block.kind == "caption" and key in seen:
            continue  # the same photo shown twice (a gallery, a lightbox)
        if dedupe and key in recent and (block.link_density > 0.5 or _words(key) > 15):
            continue  # a teaser or a photo caption repeated next to itself; a short refrain stays
        recent = [*recent[-1:], key]
        seen.add(key)
        kept.append(block)
    return _captions_of_photo_story(kept)


def _captions_of_photo_story(blocks: list[Block]) -> list[Block]:
    """Keep captions where they carry the story (a photo story, a listicle); drop them elsewhere."""
    captions = sum(len(b.text) for b in blocks if b.kind == "caption")
    if not captions or captions >= _PHOTO_STORY_SHARE * sum(len(b.text) for b in blocks):
        return blocks
    return [b for b in blocks if b.kind != "caption"]


def _container_candidates(doc: Any) -> list[Any]:
    """Elements the page itself marks as the article."""
    found: list[Any] = []
    for xpath in ("//*[@itemprop='articleBody']", "//article", "//main"):
        found.extend(doc.xpath(xpath))
    return found


_LEAF_HOLDERS = frozenset({"p", "pre", "blockquote", "td", "dd", "li"})


def _held_text(el: Any) -> int:
    """Characters of text ``el`` itself holds outside links (a paragraph, or a <div> of <br> lines)."""
    if el.tag in _LEAF_HOLDERS:
        return _own_chars(el)
    direct = (el.text or "") + "".join(child.tail or "" for child in el)
    return len(direct.strip())


def _densest_box(doc: Any) -> Any | None:
    """The element whose children hold the most paragraph text: our own guess at the article."""
    scores: dict[Any, float] = {}
    for el in doc.iter("p", "pre", "blockquote", "td", "dd", "li", "div"):
        length = _held_text(el)
        if length < 30:
            continue
        parent = el.getparent()
        if parent is None:
            continue
        scores[parent] = scores.get(parent, 0.0) + length
        grandparent = parent.getparent()
        if grandparent is not None:
            scores[grandparent] = scores.get(grandparent, 0.0) + length / 2
    if not scores:
        return None
    return max(scores, key=lambda el: scores[el])


def _is_prose_or_step(block: Block) -> bool:
    """A paragraph of the page's own, or a numbered step."""
    return not block.quote and (block.kind == "p" or (block.kind == "li" and block.ordered))


def _densest_candidate(doc: Any, chosen: list[Block]) -> list[list[Block]]:
    """Our own pick, when readability found little, and only where it extends readability's."""
    if _text_length(chosen) >= 1500:
        return []
    densest = _densest_box(doc)
    if densest is None:
        return []
    blocks = element_blocks(densest)
    if enabled("densest-prose") and chosen and not any(_is_prose_or_step(b) for b in blocks):
        return []  # quotes or loose items (testimonials, a slider, an accordion) beside readability's prose
    held = {b.text for b in blocks}
    if chosen and not any(b.text in held for b in chosen) and _in_furniture(densest):
        return []  # somewhere else on the page: a sidebar or the comments
    return [blocks]


# Boxes beside the article; "widget" or <form> wrap whole pages too.
_SIDE_WORDS = (_STRONG_WORDS - {"ad", "ads"}) | {"sidebar", "footer"}


def _in_furniture(el: Any) -> bool:
    """Whether ``el`` or a box around it is named as page furniture."""
    for box in (el, *el.iterancestors()):
        if box.tag in ("body", "html") and enabled("page-classes"):
            break  # "one-sidebar" on <body> names the page layout, not a box
        if _class_words(box) & _SIDE_WORDS or box.tag in ("aside", "nav", "footer"):
            if enabled("furniture-wrapper") and _holds_article(box):
                continue  # "above-footer" around the headline wraps the page, not a side box
            return True
    return False


def _text_length(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks if b.link_density < 0.5)


def _tree_depth_hit(doc: Any) -> bool:
    from lxml import etree

    depth = 0
    for event, _el in etree.iterwalk(doc, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth >= _LIBXML_MAX_DEPTH - 1:
            return True
    return False


def _element_limit_offset(html: str) -> int | None:
    """Where the element after ``MAX_HTML_ELEMENTS`` starts, or None if there are fewer."""
    for count, found in enumerate(_ELEMENT_START.finditer(html), start=1):
        if count > MAX_HTML_ELEMENTS:
            return found.start()
    return None


def _strip_scripts(html: str) -> str:
    """Remove <script>, <style> and <svg> elements in one linear pass."""
    lower = html.lower()
    out: list[str] = []
    position = 0
    while True:
        found = _SCRIPT_OPEN.search(html, position)
        if not found:
            out.append(html[position:])
            break
        out.append(html[position : found.start()])
        close = lower.find("</" + found.group(1).lower(), found.end())
        if close == -1:
            break  # never closed: the rest is script too
        end = lower.find(">", close)
        position = len(html) if end == -1 else end + 1
    return " ".join(out)


def _parse(html: str) -> Any:
    import lxml.html
    from lxml import etree

    # lxml refuses str input that still declares its byte encoding.
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        return lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return None


def _readability_blocks(doc: Any, url: str | None) -> list[Block]:
    import lxml.html
    from readability import Document
    from readability.readability import Unparseable

    try:
        summary = Document(doc, url=url).summary(html_partial=True)
    except (Unparseable, ValueError, TypeError, RecursionError):
        return []
    if not summary or not summary.strip():
        return []
    try:
        fragment = lxml.html.fragment_fromstring(summary, create_parent="div")
    except Exception:  # noqa: BLE001 - any parser complaint means "nothing usable"
        return []
    return element_blocks(fragment)


def clean_html(html: str | bytes, *, url: str | None = None, content_type: str | None = None) -> CleanedArticle:
    """Extract the article of an HTML page as metadata plus plain paragraphs."""
    warnings: list[str] = []
    if isinstance(html, (bytes, bytearray)):
        html = decode_bytes(bytes(html), content_type=content_type)
    else:
        # The output is normalised at the end; here only what would stop
        # the parser (NUL and other C0 controls) has to go.
        if _PARSER_UNSAFE.search(html):
            html = clean_input(html)
    if len(html) > MAX_HTML_CHARS:
        html = _strip_scripts(html)
        if len(html) > MAX_HTML_CHARS:
            html = html[:MAX_HTML_CHARS]
            warnings.append(f"truncated: page larger than {MAX_HTML_CHARS / 1_000_000:g} MB")
    cut = _element_limit_offset(html)
    if cut is not None and (_OPEN_RUN.search(html) or _CLOSE_RUN.search(html)):
        # Thousands of nested wrappers count as elements too: collapse them first.
        html = _CLOSE_RUN.sub("</div>", _OPEN_RUN.sub("<div>", html))
        warnings.append("page nested too deeply: the nesting was flattened")
        cut = _element_limit_offset(html)
    if cut is not None:
        html = html[:cut]
        warnings.append(f"truncated: page has more than {MAX_HTML_ELEMENTS} elements")
    article = CleanedArticle(url=url, warnings=warnings)
    if not html.strip() or not _TAG.search(html):
        article.warnings.append("no article found: the page has no HTML content")
        return article
    doc = _parse(html)
    if doc is None:
        article.warnings.append("no article found: the page could not be parsed")
        return article
    if _tree_depth_hit(doc):
        flat = _parse(_CLOSE_RUN.sub("</div>", _OPEN_RUN.sub("<div>", html)))
        if flat is not None and not _tree_depth_hit(flat):
            doc = flat
            article.warnings.append("page nested too deeply: the nesting was flattened")
        else:
            article.warnings.append("page nested too deeply: content below the nesting limit was dropped")

    meta = extract_meta(doc, url)
    title = _pick_title(meta, doc)
    titles = list(dict.fromkeys([t for t in [title, *meta.title_candidates] if t]))
    _preclean(doc)
    containers = _container_candidates(doc)
    # Readability may drop attributes it dislikes, so the page's own article
    # containers are converted before it runs (only when big enough to matter).
    container_blocks = [element_blocks(el) for el in containers[:3] if len(el.text_content()) > 200]

    blocks = _readability_blocks(doc, url)
    chosen = _filter_blocks(blocks, titles, meta.author)
    if enabled("densest-box"):
        container_blocks += _densest_candidate(doc, chosen)
    if enabled("container-fallback"):
        chosen = _prefer_container(chosen, container_blocks, titles, meta.author)
    title, chosen = _headline_from_h1(doc, title, chosen)
    author = _known_author(meta)
    if enabled("byline-tail") and len(chosen) > 1 and is_byline(chosen[-1].text):
        # "Minh Anh" or "KHÁNH HƯNG" under the last paragraph: the author.
        author = author or chosen[-1].text
        chosen = chosen[:-1]
    if not any(b.link_density < 0.5 for b in chosen):
        chosen = []  # menus and link lists only: there is no article here
    if enabled("json-body"):
        chosen = _with_json_body(meta, chosen)
    if enabled("sapo"):
        chosen = _with_sapo(doc, meta, chosen)
    if enabled("sibling-sections"):
        chosen = _with_sibling_sections(doc, chosen, titles, meta.author)
    if enabled("intro-above"):
        chosen = _with_intro(doc, chosen, titles, meta.author)
    if enabled("inner-headings"):
        chosen = _with_inner_headings(doc, chosen)
    if enabled("recipe-ingredients") and len(meta.ingredients) >= 2:
        chosen = _with_ingredients(doc, meta.ingredients, chosen, titles, meta.author)
    outlet, chosen = _outlet_leadin(chosen, ascii_key((host_of(meta.url) or "").split(".")[0]))
    text = clean_input(blocks_to_text(chosen)).strip()
    article.title = title
    article.author = author
    article.site = meta.site or outlet
    article.url = meta.url
    article.published = meta.published
    article.text = text
    first_paragraph = next((b.text for b in chosen if b.kind == "p" and _words(b.text) >= 8), None)
    article.lead = meta.description or first_paragraph
    article.lang = pick_lang(meta.lang, text)
    article.low_confidence = _low_confidence(doc, meta, chosen, text)
    if not text:
        article.warnings.append("no article found: no paragraph of readable text on the page")
    return article


def _with_json_body(meta: PageMeta, chosen: list[Block]) -> list[Block]:
    """The body the structured data holds, when the page shows little of it (a paywall, a page built by script)."""
    import html as html_lib

    import lxml.html

    body = meta.article_body or ""
    shown = _text_length(chosen)
    if shown >= 500 or len(body) < 2 * shown + 300:
        return chosen
    if _TAG.search(body):
        try:
            blocks = element_blocks(lxml.html.fragment_fromstring(body, create_parent="div"))
        except Exception:  # noqa: BLE001 - unparsable markup: keep what the page shows
            return chosen
    else:
        blocks = [Block(text=line.strip()) for line in html_lib.unescape(body).split("\n") if line.strip()]
    head = chosen[:1] if chosen and chosen[0].kind == "heading" else []
    return [*head, *blocks]


def _prefer_container(
    chosen: list[Block], containers: list[list[Block]], titles: list[str], author: str | None
) -> list[Block]:
    """The page's own article container, when readability settled on a part of it."""
    chosen_length = _text_length(chosen)
    for candidate in containers:
        if _text_length(candidate) <= 1.6 * chosen_length + 200:
            continue  # cannot win even before filtering
        filtered = _filter_blocks(candidate, titles, author)
        length = _text_length(filtered)
        if length > 1.6 * chosen_length + 200:
            chosen, chosen_length = filtered, length
    return chosen


def _headline_from_h1(doc: Any, title: str | None, chosen: list[Block]) -> tuple[str | None, list[Block]]:
    """The article's own <h1> when the page title says something else (a site or section name)."""
    if not enabled("h1-title") or len(chosen) < 2 or chosen[0].kind != "heading" or title is None:
        return title, chosen
    first = _normal_title(chosen[0].text)
    headings = {_normal_title(" ".join(el.text_content().split())) for el in doc.iter("h1")}
    if first in headings and first not in _normal_title(title):
        return chosen[0].text, chosen[1:]
    return title, chosen


def _known_author(meta: PageMeta) -> str | None:
    """The author, unless it is only the publisher's name ("Dân Trí" on dantri.com.vn)."""
    if not meta.author or not enabled("publisher-author"):
        return meta.author
    key = ascii_key(meta.author)
    host = ascii_key((host_of(meta.url) or "").split(".")[0])
    if key and (key == ascii_key(meta.site or "") or key == host):
        return meta.byline
    return meta.author


# "(Dân trí) -", "TTO -", "VTV.vn -" before the first sentence.
_OUTLET_LEADIN = re.compile(
    r"^\s*(?:\((?P<paren>[^()]{2,30})\)|(?P<domain>[A-Za-zĐđ][\w-]*\.(?:vn|com|net|org)(?:\.vn)?)|(?P<caps>[A-ZĐ]{2,6}))"
    r"\s*[-–—]\s*(?=\S)"
)


def _caps_names_host(token: str, host: str) -> bool:
    """ "TTO" for tuoitre, "NLĐO" for nld: the letters (less an "O" for online) in order in the host."""
    letters = ascii_key(token)
    if letters.endswith("o") and len(letters) > 2:
        letters = letters[:-1]
    if not host or not letters or host[0] != letters[0]:
        return False
    position = 0
    for ch in letters:
        position = host.find(ch, position) + 1
        if not position:
            return False
    return True


def _names_host(name: str, host: str) -> bool:
    """ "Dân trí" for dantri, "NLĐO" for nld."""
    key = ascii_key(name)
    return bool(key and host) and (key in host or host in key or _caps_names_host(name, host))


def _outlet_leadin(chosen: list[Block], host: str) -> tuple[str | None, list[Block]]:
    """Take an outlet's lead-in off the first paragraph; return the outlet's name too."""
    index = next((i for i, b in enumerate(chosen[:3]) if b.kind == "p"), None)
    if index is None or not enabled("outlet-leadin"):
        return None, chosen
    found = _OUTLET_LEADIN.match(chosen[index].text)
    if not found or _words(chosen[index].text) < 8:
        return None, chosen
    name = found.group("paren") or found.group("domain") or found.group("caps")
    if found.group("paren") and not _names_host(name, host):
        return None, chosen  # a dateline: "(Leipzig) -"
    if found.group("caps") and not _caps_names_host(name, host):
        return None, chosen
    rest = replace(chosen[index], text=chosen[index].text[found.end() :])
    return name, [*chosen[:index], rest, *chosen[index + 1 :]]


def _headline_links(doc: Any) -> int:
    """Links whose text reads like a headline (four words or more)."""
    return sum(1 for a in doc.iter("a") if _words(a.text_content()) >= 4)


def _low_confidence(doc: Any, meta: PageMeta, chosen: list[Block], text: str) -> str | None:
    """Why the result may not be an article, from the page's own shape; None when it is one."""
    if not text:
        return "no article text"
    words = _words(text)
    path = urlsplit(meta.url or "").path.strip("/")
    if meta.url and not path:
        return "home page"
    listing = meta.page_type is not None and meta.page_type.lower() in ("website", "blog", "profile")
    headlines = _headline_links(doc)
    if listing and words < 400 and headlines >= 15:
        return "section page: headlines of other articles, little text of its own"
    if words < 150 and headlines >= max(15, words // 5):
        return "mostly headlines of other articles: likely a home or section page"
    if words < 20:
        return "very little text"
    return None


# Class words of a lead paragraph ("sapo" on Vietnamese sites).
_LEAD_WORDS = frozenset(
    {"sapo", "lead", "description", "abstract", "intro", "teaser", "summary", "chapeau", "standfirst", "excerpt"}
)


def _named_lead(el: Any) -> bool:
    for box in (el, el.getparent()):
        if box is not None:
            value = f"{box.get('class') or ''} {box.get('id') or ''}".lower()
            if _LEAD_WORDS & set(_SPLIT_WORDS.split(value)):
                return True
    return False


def _with_sapo(doc: Any, meta: PageMeta, chosen: list[Block]) -> list[Block]:
    """Put back the lead ("sapo") the page prints above the body when readability left it out.

    The lead is found by the page's own description: a visible paragraph
    that says the same, and that the markup names as a lead.
    """
    description = _normal_title(meta.description or "")
    if len(description) < 60 or any(description[:60] in _normal_title(b.text) for b in chosen[:4]):
        return chosen
    for el in doc.iter("p", "h2", "div", "span", "strong"):
        text = " ".join(el.text_content().split())
        if len(text) > 3 * len(description) or len(text) < 60:
            continue
        if _normal_title(text) == description and _named_lead(el):
            start = 1 if chosen and chosen[0].kind == "heading" else 0
            return [*chosen[:start], Block(text=clean_input(text)), *chosen[start:]]
    return _with_lead_above(doc, chosen) if enabled("lead-above") else chosen


_FIGURE_WORDS = frozenset({"caption", "figure", "image", "img", "photo", "media", "picture"})


def _in_figure(el: Any) -> bool:
    """Whether ``el`` is, or holds, a photo and its caption."""
    if next(el.iter("figure", "figcaption", "img", "picture"), None) is not None:
        return True
    for box in [el, *el.iterancestors()][:4]:
        words = set(_SPLIT_WORDS.split(f"{box.get('class') or ''} {box.get('id') or ''}".lower()))
        if box.tag in ("figure", "figcaption") or words & _FIGURE_WORDS:
            return True
    return False


def _with_lead_above(doc: Any, chosen: list[Block]) -> list[Block]:
    """A paragraph the markup names as a lead, printed just above the body in the same box."""
    first = next((b.text for b in chosen if b.kind == "p" and len(b.text) >= 60), None)
    if first is None:
        return chosen
    held = {_normal_title(b.text) for b in chosen}
    lead = None
    for el in doc.iter("p", "div", "h2"):
        text = " ".join(el.text_content().split())
        if text.startswith(first[:60]):
            if lead is None:
                return chosen
            near = set(list(el.iterancestors())[:4]) & set(list(lead.iterancestors())[:3])
            if not near:
                return chosen
            lead_text = " ".join(lead.text_content().split())
            start = 1 if chosen and chosen[0].kind == "heading" else 0
            return [*chosen[:start], Block(text=clean_input(lead_text)), *chosen[start:]]
        if lead is None and 60 <= len(text) <= 600 and _named_lead(el) and _normal_title(text) not in held:
            if _in_figure(el):
                continue  # the caption of the lead photo
            if not any(len(a.text_content()) > 0.5 * len(text) for a in el.iter("a")):
                lead = el
    return chosen


def _body_start(doc: Any, chosen: list[Block]) -> tuple[list[Any], int] | None:
    """The page's elements in document order and where the chosen body starts among them."""
    first = next((b.text for b in chosen if b.kind == "p" and len(b.text) >= 60), None)
    if first is None:
        return None
    order = list(doc.iter())
    for tags in (("p",), ("div", "td", "section")):  # a paragraph first: a wrapper's text is long to build
        for index, el in enumerate(order):
            if el.tag in tags and " ".join(el.text_content().split()).startswith(first[:60]):
                return order, index
    return None


def _intro_paragraph(el: Any, held: set[str]) -> str | None:
    """The text of ``el`` when it reads as a paragraph of the article's own prose."""
    text = " ".join(el.text_content().split())
    if len(text) < 80 or _normal_title(text) in held:
        return None
    if sum(len(a.text_content()) for a in el.iter("a")) > 0.3 * len(text):
        return None
    return None if _in_figure(el) or _in_furniture(el) else text


def _with_intro(doc: Any, chosen: list[Block], titles: list[str], author: str | None) -> list[Block]:
    """Paragraphs printed between the headline (<h1>) and the body: the intro readability left out."""
    found = _body_start(doc, chosen)
    if found is None:
        return chosen
    order, start = found
    headline = max((i for i in range(start) if order[i].tag == "h1"), default=None)
    if headline is None:
        return chosen
    held = {_normal_title(b.text) for b in chosen}
    after = headline + sum(1 for _ in order[headline].iter())
    intro = []
    for el in order[after:start]:
        text = _intro_paragraph(el, held) if el.tag == "p" else None
        if text:
            intro.append(Block(text=clean_input(text)))
    intro = _filter_blocks(intro, titles, author)
    if not intro or sum(len(b.text) for b in intro) > _text_length(chosen):
        return chosen
    skip = 1 if chosen and chosen[0].kind == "heading" else 0
    return [*chosen[:skip], *intro, *chosen[skip:]]


def _holder_of(doc: Any, text: str) -> Any | None:
    """The innermost paragraph-like element of the page whose text starts like ``text``."""
    key = text[:60]
    for tags in (("p", "li", "td", "pre", "blockquote"), ("div",)):  # a wrapper's text is long to build
        for el in doc.iter(*tags):
            if " ".join(el.text_content().split()).startswith(key):
                return el
    return None


def _chosen_box(doc: Any, chosen: list[Block]) -> Any | None:
    """The smallest element holding the first and the last paragraph of the chosen body."""
    prose = [b.text for b in chosen if b.kind == "p" and len(b.text) >= 60]
    if not prose:
        return None
    first, last = _holder_of(doc, prose[0]), _holder_of(doc, prose[-1])
    if first is None or last is None:
        return None
    around = {first, *first.iterancestors()}
    return next((a for a in (last, *last.iterancestors()) if a in around), None)


def _section_blocks(section: Any, titles: list[str], author: str | None) -> list[Block]:
    """The blocks of a sibling section when it holds prose of its own (two paragraphs or more)."""
    blocks = _filter_blocks(element_blocks(section), titles, author)
    paragraphs = sum(1 for b in blocks if b.kind == "p" and len(b.text) >= 80 and b.link_density < 0.3)
    if paragraphs < 2 or _text_length(blocks) < 0.7 * sum(len(b.text) for b in blocks):
        return []
    return blocks


def _with_sibling_sections(doc: Any, chosen: list[Block], titles: list[str], author: str | None) -> list[Block]:
    """The body's other sections: siblings of its box (or of a box around it) with the same tag and class."""
    box = _chosen_box(doc, chosen)
    for unit in [box, *box.iterancestors()][:5] if box is not None else []:
        parent = unit.getparent()
        if parent is None or unit.tag in ("body", "html"):
            break
        kind = unit.get("class") or unit.tag in ("section", "article")  # plain <div>s are no kind
        before: list[Block] = []
        after: list[Block] = []
        for sibling in parent:
            if sibling is unit:
                before, after = after, []
            elif sibling.tag == unit.tag and sibling.get("class") == unit.get("class") and kind:
                after.extend(_section_blocks(sibling, titles, author))
        if not before and not after:
            continue
        if _text_length(before) + _text_length(after) > 2 * _text_length(chosen):
            break  # a list of other stories, not the rest of this one
        return [*before, *chosen, *after]
    return chosen


def _opening(text: str) -> str:
    return " ".join(text.split())[:60]


def _inner_heading(el: Any, held: set[str]) -> Block | None:
    """A heading of the body's own: short, not a link, no label of a box, not already kept."""
    text = " ".join(el.text_content().split())
    if not 0 < len(text) <= 150 or _normal_title(text) in held or _own_chars(el) < 0.5 * len(el.text_content()):
        return None
    if is_section_label(text) or is_furniture_label(text) or _in_furniture(el):
        return None
    parent = el.getparent()
    card = parent is not None and any(x not in el.iter() for x in parent.iter("a", "img"))
    if card or next(el.iterancestors("a"), None) is not None:
        return None  # the headline of a teaser, beside its link or photo
    return Block(text=clean_input(text), kind="heading")


def _with_inner_headings(doc: Any, chosen: list[Block]) -> list[Block]:
    """Headings printed between two paragraphs of the body that readability left out.

    Page builders wrap each heading in a box of its own, which readability
    scores as too small to keep.
    """
    starts: dict[str, int] = {}
    for index, block in enumerate(chosen):
        if block.kind == "p" and len(block.text) >= 10:
            starts.setdefault(_opening(block.text), index)
    if len(starts) < 2:
        return chosen
    held = {_normal_title(b.text) for b in chosen}
    inserts: dict[int, list[Block]] = {}
    last, pending = -1, list[Block]()
    for el in doc.iter("p", "h2", "h3", "h4", "h5", "h6"):
        if el.tag == "p":
            index = starts.get(_opening(el.text_content()), -1)
            if index > last >= 0 and len(pending) == 1:
                inserts[index] = pending  # several in a row: a widget's titles ("Just watched" and a video's)
            if index >= 0:
                last, pending = index, []
        elif last >= 0:
            heading = _inner_heading(el, held)
            if heading is not None:
                pending.append(heading)
    return [b for index, block in enumerate(chosen) for b in (*inserts.get(index, ()), block)]


# A recipe's list is found when the page shows this share of the ingredients its structured data names.
_INGREDIENTS_SHOWN = 0.6
# The box holds this share of those lines (a list in groups spans several tables).
_LIST_HELD = 0.9


def _ingredient_keys(ingredients: list[str]) -> list[str]:
    """The last words of each ingredient, without amounts: what the page prints whatever its layout of the list."""
    keys = []
    for item in ingredients:
        words = [w for w in _WORDS.findall(item.casefold()) if not w.isdigit()]
        if words:
            keys.append(" ".join(words[-3:]))
    return keys


def _ingredients_box(doc: Any, keys: list[str]) -> Any | None:
    """The smallest element around the lines that print most of the ingredients."""
    hits: list[Any] = []
    left = set(keys)
    for el in doc.iter("li", "tr", "p", "dd", "td", "span"):
        text = el.text_content()
        if not left or len(text) > 300:
            continue
        key = _normal_title(text)
        found = {k for k in left if k in key}
        if found:
            hits.append(el)
            left -= found
    if len(keys) - len(left) < _INGREDIENTS_SHOWN * len(keys):
        return None
    counts: Counter[Any] = Counter(a for hit in hits for a in hit.iterancestors())
    enough = [a for a, n in counts.items() if n >= _LIST_HELD * len(hits)]
    return min(enough, key=lambda a: len(a.text_content()), default=None)


def _with_ingredients(
    doc: Any, ingredients: list[str], chosen: list[Block], titles: list[str], author: str | None
) -> list[Block]:
    """A recipe's list of ingredients, printed in a box of its own beside the steps readability took."""
    keys = _ingredient_keys(ingredients)
    held = _normal_title(" ".join(b.text for b in chosen))
    listed = sum(1 for item in ingredients if _normal_title(item) in held)  # the steps name them too
    if len(keys) < 2 or listed >= _INGREDIENTS_SHOWN * len(ingredients):
        return chosen
    box = _ingredients_box(doc, keys)
    if box is None:
        return chosen
    texts = {b.text for b in chosen}
    blocks = [b for b in _filter_blocks(element_blocks(box), titles, author) if b.text not in texts]
    if not blocks or _text_length(blocks) > 3 * sum(len(i) for i in ingredients) + 500:
        return chosen  # the box holds much more than the list: a wrapper of the page
    at = _steps_after(doc, box, chosen)
    return [*chosen[:at], *blocks, *chosen[at:]]


def _steps_after(doc: Any, box: Any, chosen: list[Block]) -> int:
    """Where the list goes among the chosen blocks: before the first one the page prints after it."""
    starts = {_opening(b.text): i for i, b in reversed(list(enumerate(chosen)))}
    order = list(doc.iter())
    end = order.index(box) + sum(1 for _ in box.iter())
    for el in order[end:]:
        if el.tag in ("p", "li", "h2", "h3"):
            at = starts.get(_opening(el.text_content()))
            if at is not None:
                return at
    return len(chosen)
