"""Clean an HTML page: readability finds the article, we turn it into paragraphs.

Steps: bound the input, parse once, read metadata, remove boilerplate the
page marks as such (share bars, related boxes, comments, ads, subscribe
prompts), hand the tree to readability, then convert its choice to text
block by block and drop what is left of boilerplate.  When readability picks
clearly less than the page's own article container holds, that container is
used instead.
"""

from __future__ import annotations

import re
from typing import Any

from tuireader.text import clean_input

from .article import CleanedArticle
from .blocks import Block, blocks_to_text, element_blocks
from .dump import is_byline
from .encoding import decode_bytes
from .metadata import PageMeta, extract_meta, guess_lang

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
    "footer|nav|menu|banner|toolbar"
)
_SPLIT_WORDS = re.compile(r"[\s_\-]+")

# Headings that open a box of other articles or page furniture.
_SECTION_LABELS = re.compile(
    r"^(?:tin|bài|bài viết|video|tin tức)?\s*(?:liên quan|cùng chủ đề|cùng chuyên mục|cùng tác giả|"
    r"đọc (?:thêm|nhiều)|xem thêm|mới nhất|tin mới|đừng bỏ lỡ|nổi bật|có thể bạn quan tâm|"
    r"bình luận|ý kiến bạn đọc|tiêu điểm)(?:\s*\(\d+\))?\s*:?$"
    r"|^(?:related(?: (?:articles|stories|posts|news|content|coverage|reading))?|read (?:more|next|also)|"
    r"more (?:from|on|stories|news)\b.*|recommended(?: for you)?|you (?:may|might) (?:also )?like.*|"
    r"popular(?: now| stories)?|most (?:read|popular|viewed)|trending(?: now)?|comments?(?: \(\d+\))?|"
    r"leave a (?:comment|reply)|share this(?: article| story)?:?|sign up.*newsletter.*|"
    r"also (?:read|see)|see also|latest news|top stories)\s*:?$",
    re.IGNORECASE,
)
_SHARE_ONLY = re.compile(
    r"^(?:share|chia sẻ)(?: this| bài viết)?(?: (?:article|story|post))? (?:on|via|with|qua|lên) \w+\W*$|"
    r"^(?:(?:share|tweet|email|e-mail|print|facebook|twitter|linkedin|pinterest|whatsapp|reddit|"
    r"zalo|chia sẻ|in bài|gửi bài|copy link|sao chép|save|lưu|like|thích|follow|theo dõi)\W*)+$",
    re.IGNORECASE,
)


def _class_words(el: Any) -> set[str]:
    value = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
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


def _holds_article(el: Any) -> bool:
    return any(True for _ in el.iter("article", "main", "h1")) or bool(el.xpath(".//*[@itemprop='articleBody']"))


def _is_boilerplate_box(el: Any, page_chars: int, page_prose: int) -> bool:
    words = _class_words(el)
    if not words or words & _EMBED_WORDS:
        return False
    if words & _STRONG_WORDS:
        share = 0.4
    elif words & _WEAK_WORDS:
        share = 0.15
    else:
        return False
    if len(el.text_content()) >= share * page_chars:
        return False
    # Wrappers whose class happens to mention, say, "comments" or "non-ad"
    # but which hold the article itself are kept.
    if page_prose and _prose_chars(el) >= 0.3 * page_prose:
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


def _preclean(doc: Any) -> None:
    """Remove page furniture the markup itself identifies."""
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
    _unwrap_embedded_posts(doc)
    body = doc.find(".//body")
    page_chars = len((body if body is not None else doc).text_content())
    page_prose = _prose_chars(doc)
    boxes = [
        el
        for el in doc.iter()
        if isinstance(el.tag, str)
        and el.tag not in ("html", "body", "article", "main")
        and (
            _is_boilerplate_box(el, page_chars, page_prose)
            or (el.tag in _FURNITURE_TAGS and len(el.text_content()) < 0.15 * page_chars)
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
    # An <h1> that the page's declared title contains is the cleanest title.
    for heading in headings:
        key = _normal_title(heading)
        if key and any(key in _normal_title(c) for c in candidates):
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
        return bool(key) and any(k == key or k == compact or (len(k) > 3 and k in compact) for k in site_keys)

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
    return len(text.split())


_CAPTION = re.compile(
    r"\((?:image|photo|picture|pictured|credit|ảnh|nguồn)\s*:[^)]*\)\s*$"
    r"|^(?:photo|image|picture|credit|ảnh|nguồn ảnh)\s*(?:credit)?\s*:"
    r"|(?:^|\s)(?:credit|photo|ảnh)\s*:\s*[\w .,/&-]{2,60}$",
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
_ONE_WORD_FURNITURE = {"advert", "advertisement", "ad", "close", "subscribe", "sponsored", "quảng cáo", "loading"}
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


def _is_furniture_line(block: Block, index: int, titles: list[str], author: str | None) -> bool:
    """Lines that are page furniture wherever they stand."""
    text = block.text.strip()
    words = _words(text)
    if block.kind == "caption":
        return True
    if any(_same_text(text, title) for title in titles):
        return True
    if words <= 40 and _CAPTION.search(text):
        return True
    if words <= 60 and (
        _COPYRIGHT.search(text)
        or (_LABEL_LINE.match(text) and (block.link_density > 0.3 or words <= 4 or ":" in text[:20] or "|" in text))
    ):
        return True
    if _SHARE_ONLY.match(text):
        return True
    if words <= 2 and text.lower().strip(".:!") in _ONE_WORD_FURNITURE:
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


def _filter_blocks(blocks: list[Block], titles: list[str], author: str | None = None) -> list[Block]:
    """Drop furniture blocks; ``titles`` are the spellings of the headline the page uses."""
    kept: list[Block] = []
    dropping_box = False
    recent: list[str] = []
    for index, block in enumerate(blocks):
        text = block.text
        if _words(text) <= 8 and _SECTION_LABELS.match(text.strip()):
            dropping_box = True
            continue
        if dropping_box:
            # Inside a "related"/"comments" box: its items are links or short lines.
            if block.link_density > 0.5 or _words(text) < 12 or block.kind in ("li", "heading"):
                continue
            dropping_box = False
        if _is_furniture_line(block, index, titles, author):
            continue
        key = " ".join(text.split()).lower()
        if key in recent:
            continue  # a caption or teaser repeated next to itself
        recent = [*recent[-1:], key]
        kept.append(block)
    return kept


def _container_candidates(doc: Any) -> list[Any]:
    """Elements the page itself marks as the article."""
    found: list[Any] = []
    for xpath in ("//*[@itemprop='articleBody']", "//article", "//main"):
        found.extend(doc.xpath(xpath))
    return found


def _text_length(blocks: list[Block]) -> int:
    return sum(len(b.text) for b in blocks if b.kind != "li" or b.link_density < 0.5)


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
    chosen_length = _text_length(chosen)
    for candidate in container_blocks:
        if _text_length(candidate) <= 1.6 * chosen_length + 200:
            continue  # cannot win even before filtering
        filtered = _filter_blocks(candidate, titles, meta.author)
        length = _text_length(filtered)
        # Readability sometimes settles on one part of a split article.
        if length > 1.6 * chosen_length + 200:
            chosen, chosen_length = filtered, length

    headings = {_normal_title(" ".join(el.text_content().split())) for el in doc.iter("h1")}
    if (
        len(chosen) > 1
        and chosen[0].kind == "heading"
        and _normal_title(chosen[0].text) in headings
        and title is not None
        and _normal_title(chosen[0].text) not in _normal_title(title)
    ):
        # The article opens with its own <h1> and the page title says something
        # else (a section or site name): the <h1> is the headline.
        title, chosen = chosen[0].text, chosen[1:]

    author = meta.author
    if len(chosen) > 1 and is_byline(chosen[-1].text):
        # "Minh Anh" or "KHÁNH HƯNG" under the last paragraph: the author.
        author = author or chosen[-1].text
        chosen = chosen[:-1]
    if not any(_words(b.text) >= 6 and b.link_density < 0.5 for b in chosen):
        chosen = []  # menus and link lists only: there is no article here
    text = clean_input(blocks_to_text(chosen)).strip()
    article.title = title
    article.author = author
    article.site = meta.site
    article.url = meta.url
    article.published = meta.published
    article.text = text
    first_paragraph = next((b.text for b in chosen if b.kind == "p" and _words(b.text) >= 8), None)
    article.lead = meta.description or first_paragraph
    article.lang = meta.lang or guess_lang(text)
    if not text:
        article.warnings.append("no article found: no paragraph of readable text on the page")
    return article
