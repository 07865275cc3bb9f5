"""Article metadata from an HTML tree: meta tags, JSON-LD, <time>, visible dates.

Also hosts the small helpers shared with the text-dump cleaner: date
normalisation to ISO 8601, site names from URLs, a cheap language guess.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from tuireader.text import clean_input

__all__ = [
    "PageMeta",
    "ascii_key",
    "pick_lang",
    "extract_meta",
    "guess_lang",
    "host_of",
    "iso_date",
    "find_visible_date",
]

_ARTICLE_TYPES = {
    "article",
    "newsarticle",
    "blogposting",
    "reportagenews",
    "analysisnewsarticle",
    "opinionnewsarticle",
    "reviewnewsarticle",
    "backgroundnewsarticle",
    "webpage",
    "techarticle",
    "scholarlyarticle",
    "report",
    "liveblogposting",
    "socialmediaposting",
}

_ISO = re.compile(
    r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?"
    r"\s*(Z|[+-]\d{2}:?\d{2})?)?"
)
_DMY = re.compile(r"(?<!\d)(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?!\d)")
_HM = re.compile(r"(?<![\d/])(\d{1,2})[:hH](\d{2})(?::(\d{2}))?(?![\d/])")


@dataclass
class PageMeta:
    """What the page says about itself."""

    title: str | None = None
    author: str | None = None
    site: str | None = None
    url: str | None = None
    published: str | None = None
    description: str | None = None
    lang: str | None = None
    article_body: str | None = None
    byline: str | None = None  # a name the page prints as the author
    page_type: str | None = None  # "article", "website" or what og:type says
    ingredients: list[str] = field(default_factory=list)  # a recipe's, as its structured data lists them
    title_candidates: list[str] = field(default_factory=list)


_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-fA-F]{2,5}|[a-zA-Z]{2,8});")


def ascii_key(text: str) -> str:
    """Letters and digits without accents, lower case: "Dân Trí" -> "dantri"."""
    folded = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if v), None)
        return _text(value)
    if isinstance(value, dict):
        return _text(value.get("name") or value.get("@value"))
    value = clean_input(str(value))
    if "&" in value and _ENTITY.search(value):
        value = html.unescape(value)  # escaped twice by the page
    value = " ".join(value.split())
    return value or None


def iso_date(value: str | None) -> str | None:
    """Normalise a date string (ISO or Vietnamese dd/mm/yyyy [hh:mm]) to ISO 8601."""
    if not value:
        return None
    value = value.strip()
    found = _ISO.search(value)
    if found:
        y, mo, d, h, mi, s, tz = found.groups()
        if not (1 <= int(mo) <= 12 and 1 <= int(d) <= 31):
            return None
        out = f"{int(y):04d}-{int(mo):02d}-{int(d):02d}"
        if h is not None:
            out += f"T{int(h):02d}:{mi}:{s or '00'}"
            if tz:
                out += "+00:00" if tz == "Z" else (tz if ":" in tz else tz[:3] + ":" + tz[3:])
        return out
    found = _DMY.search(value)
    if found:
        d, mo, y = (int(x) for x in found.groups())
        if not (1 <= mo <= 12 and 1 <= d <= 31 and 1900 <= y <= 2200):
            return None
        out = f"{y:04d}-{mo:02d}-{d:02d}"
        clock = _HM.search(value)
        if clock and 0 <= int(clock.group(1)) < 24:
            out += f"T{int(clock.group(1)):02d}:{clock.group(2)}:{clock.group(3) or '00'}"
        return out
    return None


def find_visible_date(text: str) -> str | None:
    """The first dd/mm/yyyy date (with its time when next to it) in ``text``."""
    found = _DMY.search(text)
    if not found:
        return None
    window = text[max(0, found.start() - 12) : found.end() + 12]
    return iso_date(window if _HM.search(window) else found.group(0))


def host_of(url: str | None) -> str | None:
    """``www.sggp.org.vn`` -> ``sggp.org.vn``; None for anything that is not a URL."""
    if not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host[4:] if host.startswith("www.") else host


# Letters only Vietnamese writes (French, Spanish and Portuguese share the others).
_VI_LETTERS = re.compile("[ăđơưĂĐƠƯảạằắẳẵặầấẩẫậẻẽẹềếểễệỉĩịỏọồốổỗộờớởỡợủũụừứửữựỳỷỹỵ]")
_EN_WORDS = re.compile(r"\b(?:the|and|of|to|in|is|that|for|with|was|on)\b", re.IGNORECASE)


# Scripts that name their language outright.
_SCRIPTS = (
    ("ja", re.compile("[\u3040-\u30ff]"), 0.05),
    ("ko", re.compile("[\uac00-\ud7af]"), 0.3),
    ("zh", re.compile("[\u4e00-\u9fff]"), 0.3),
    ("th", re.compile("[\u0e00-\u0e7f]"), 0.3),
)


def guess_lang(text: str) -> str | None:
    """A cheap guess from the text: Vietnamese, English or a script's language; None when unsure."""
    sample = text[:5000]
    letters = sum(1 for ch in sample if ch.isalpha())
    for lang, script, share in _SCRIPTS:
        if letters >= 10 and len(script.findall(sample)) > share * letters:
            return lang
    words = len(sample.split())
    if words < 5:
        return None
    if len(_VI_LETTERS.findall(sample)) > words * 0.2:
        return "vi"
    if len(_EN_WORDS.findall(sample)) > words * 0.08:
        return "en"
    return None


def pick_lang(declared: str | None, text: str) -> str | None:
    """The language the text is written in; the declared one when the text does not tell."""
    return guess_lang(text) or declared


def _iter_ld_objects(data: Any, depth: int = 0):
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _iter_ld_objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        graph = data.get("@graph")
        if graph is not None:
            yield from _iter_ld_objects(graph, depth + 1)


def _ld_type(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).lower() for k in kinds if k}


def _author_name(value: Any) -> str | None:
    if isinstance(value, list):
        names = [n for n in (_author_name(v) for v in value) if n]
        return ", ".join(dict.fromkeys(names)) or None
    if isinstance(value, dict):
        return _text(value.get("name"))
    name = _text(value)
    if name and name.lower().startswith(("http://", "https://")):
        return None
    return name


def _read_json_ld(doc: Any, meta: PageMeta) -> None:
    for script in doc.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        try:
            data = json.loads(script.text.strip().rstrip(";"))
        except (ValueError, RecursionError):
            continue
        for obj in _iter_ld_objects(data):
            kinds = _ld_type(obj)
            listed = obj.get("recipeIngredient")
            if isinstance(listed, list) and not meta.ingredients:
                meta.ingredients = [clean_input(i) for i in listed if isinstance(i, str) and i.strip()]
            if not kinds & _ARTICLE_TYPES:
                continue
            is_page = kinds == {"webpage"}
            if not is_page:
                meta.page_type = "article"
            if not is_page or not meta.title:
                headline = _text(obj.get("headline"))
                if headline and not is_page:
                    meta.title_candidates.append(headline)
            if not meta.author:
                meta.author = _author_name(obj.get("author") or obj.get("creator"))
            if not meta.published:
                meta.published = iso_date(_text(obj.get("datePublished") or obj.get("dateCreated")))
            publisher = obj.get("publisher")
            if not meta.site and isinstance(publisher, dict):
                meta.site = _text(publisher.get("name"))
            if not meta.description and not is_page:
                meta.description = _text(obj.get("description"))
            body = obj.get("articleBody")
            if isinstance(body, str) and not is_page and len(body) > len(meta.article_body or ""):
                meta.article_body = clean_input(body)


_DATE_CLASS = re.compile(r"date|time|publish|posted|ngay|thoigian", re.IGNORECASE)


def _visible_date(doc: Any) -> str | None:
    """A date printed in an element whose class or id says it holds the date."""
    for el in doc.iter():
        if not isinstance(el.tag, str) or el.tag in ("script", "style", "head"):
            continue
        marker = f"{el.get('class') or ''} {el.get('id') or ''}"
        if marker.strip() and _DATE_CLASS.search(marker):
            text = el.text_content()
            if len(text) <= 120:
                date = find_visible_date(text)
                if date:
                    return date
    return None


_BYLINE_MARK = re.compile(r"\b(?:author|byline|tac-?gia|autor|auteur|autore)\b|\bby\b", re.IGNORECASE)
_BYLINE_PREFIX = re.compile(r"^(?:by|bởi|von|por|par|di|tác giả|author)\s*:?\s+", re.IGNORECASE)


def _visible_byline(doc: Any) -> str | None:
    """A name the page prints as its author: rel/itemprop=author or a byline box."""
    found = doc.xpath(".//*[@rel='author' or @itemprop='author']")
    if not found:
        found = [
            el
            for el in doc.xpath(".//*[@class or @id]")
            if _BYLINE_MARK.search(f"{el.get('class') or ''} {el.get('id') or ''}".replace("_", " "))
        ][:20]
    for el in found:
        if any("comment" in f"{a.get('class') or ''} {a.get('id') or ''}".lower() for a in el.iterancestors()):
            continue  # a commenter, not the author
        name_el = next(iter(el.xpath(".//*[@itemprop='name']")), el)
        name = _text(name_el.text_content())
        if name:
            name = _BYLINE_PREFIX.sub("", name).strip(" ,|-–")
        if name and 1 <= len(name.split()) <= 6 and len(name) < 60 and not any(ch.isdigit() for ch in name):
            return name
    return None


def _site_name(site: str | None, url: str | None) -> str | None:
    """The name part of "Slogan - Site name" (the part that spells the host)."""
    if not site:
        return site
    host = ascii_key((host_of(url) or "").split(".")[0])
    parts = [p.strip() for p in re.split(r"\s+[-|–—:]\s+", site) if p.strip()]
    if len(parts) < 2 or not host:
        return site
    for part in parts:
        key = ascii_key(part)
        if key and (host in key or key in host):
            return part
    return site


def extract_meta(doc: Any, base_url: str | None = None) -> PageMeta:
    """Read metadata from a parsed page (before scripts are removed)."""
    meta = PageMeta()
    tags: dict[str, str] = {}
    for el in doc.iterfind(".//meta"):
        key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv") or ""
        content = el.get("content")
        key = key.strip().lower()
        if key and content and key not in tags:
            tags[key] = content
    _read_json_ld(doc, meta)

    for key in ("og:title", "twitter:title", "dc.title"):
        if tags.get(key):
            meta.title_candidates.append(_text(tags[key]) or "")
    title_el = doc.find(".//title")
    if title_el is not None and title_el.text:
        meta.title_candidates.append(_text(title_el.text) or "")
    meta.title_candidates = [t for t in meta.title_candidates if t]

    if not meta.author:
        for key in ("author", "article:author", "dc.creator", "byl", "parsely-author", "sailthru.author"):
            name = _author_name(tags.get(key))
            if name:
                meta.author = name
                break
    meta.byline = _visible_byline(doc)
    meta.author = meta.author or meta.byline
    if meta.author:
        meta.author = re.sub(r"^(?:by|bởi)\s+", "", meta.author, flags=re.IGNORECASE) or None

    if not meta.published:
        for key in (
            "article:published_time",
            "og:published_time",
            "datepublished",
            "pubdate",
            "publishdate",
            "publish-date",
            "dc.date.issued",
            "dc.date",
            "date",
            "sailthru.date",
            "parsely-pub-date",
            "article.published",
            "dcterms.created",
        ):
            date = iso_date(tags.get(key))
            if date:
                meta.published = date
                break
    if not meta.published:
        for el in doc.iterfind(".//time"):
            date = iso_date(el.get("datetime") or el.text_content())
            if date:
                meta.published = date
                break

    if not meta.published:
        meta.published = _visible_date(doc)

    if not meta.site:
        meta.site = _text(tags.get("og:site_name") or tags.get("application-name"))

    canonical = None
    for el in doc.iterfind(".//link"):
        if "canonical" in (el.get("rel") or "").lower().split() and el.get("href"):
            canonical = el.get("href").strip()
            break
    canonical = canonical or (tags.get("og:url") or "").strip() or None
    if canonical and base_url:
        canonical = urljoin(base_url, canonical)
    if canonical and not host_of(canonical):
        canonical = None
    meta.url = canonical or base_url
    meta.site = _site_name(meta.site, meta.url) or host_of(meta.url)
    meta.page_type = meta.page_type or _text(tags.get("og:type"))

    if not meta.description:
        meta.description = _text(
            tags.get("og:description") or tags.get("description") or tags.get("twitter:description")
        )

    lang = None
    root = doc.getroottree().getroot() if hasattr(doc, "getroottree") else doc
    for value in (
        root.get("lang"),
        root.get("xml:lang"),
        tags.get("content-language"),
        tags.get("og:locale"),
        tags.get("language"),
    ):
        if value and re.match(r"^[A-Za-z]{2,3}\b", value.strip()):
            lang = re.split(r"[-_]", value.strip())[0].lower()
            break
    meta.lang = lang
    return meta
