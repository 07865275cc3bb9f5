"""Clean a page saved as plain text (no markup): work on its lines.

A text dump is the page's visible text, one block per line.  The article is
the contiguous run of long prose lines after the title; everything around it
is page furniture.  The steps:

1. Classify every line: prose, headline-like, byline, timestamp, image alt
   text ("… - Hình 1"), caption or credit, breadcrumb (category words glued
   together), a headline glued to itself, site furniture (follow/subscribe
   lines, section headers such as "Tin liên quan", rating and feedback
   widgets), "Nguồn: URL".
2. The body starts at the first substantial run of prose lines (a lone
   cookie notice or a box of teasers above the article does not count);
   the title is the nearest headline-like line above it (so a site banner
   or a breadcrumb higher up is never taken), and a name-like line between
   them is the byline.
3. The body ends at the first sign of the page tail: a section header, the
   feedback widget, "Nguồn:", a byline in capitals, a timestamp, a headline
   repeated on the next line or glued to itself, or an embedded article of
   another story — a headline-like line whose own picture ("<headline> -
   Hình 1") follows, or which is followed by a teaser cut off with "…".
4. Inside the body, furniture, alt texts, captions and credits are dropped
   and paragraphs that the scraper broke in mid-sentence are joined again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tuireader.text import clean_input, fold

from .article import CleanedArticle
from .metadata import ascii_key, find_visible_date, guess_lang, host_of
from .rules import enabled

__all__ = ["clean_text_dump", "is_byline"]

# Lines longer than this are cut: nothing legitimate is that long, and the
# per-line regular expressions stay cheap.
_MAX_LINE = 20_000
_MAX_LINES = 50_000
_MAX_CHARS = 2_000_000

_TERMINAL = tuple(".!?…:;\"'”’»)]")
_SENTENCE_END = tuple('.!?…"”’»')
_WORD = re.compile(r"\w+")
_ALT_TEXT = re.compile(r"\s[-–—]\s*(?:hình|ảnh|photo|image|video|clip)\s*\d{1,3}\s*$", re.IGNORECASE)
_CREDIT_END = re.compile(
    r"(?:^|[\s.(])(?:ảnh|nguồn|photo|ảnh minh họa|ảnh minh hoạ|ảnh tư liệu|video|clip)"
    r"(?:\s+\w+){0,2}\s*:\s*[^.:]{1,60}\)?\.?\s*$",
    re.IGNORECASE,
)
_CREDIT_START = re.compile(r"^\(?(?:ảnh|photo|ảnh minh họa|ảnh minh hoạ)\s*:", re.IGNORECASE)
_SOURCE_URL = re.compile(r"^(?:nguồn|source|link bài viết|link gốc)\s*:\s*(https?://\S+)\s*$", re.IGNORECASE)
_ATTRIBUTION = re.compile(
    r"^\((?:theo|nguồn|source)\b[^()]{1,120}\)\.?$|^(?:theo|nguồn|source:?)\s+[^\s.!?]+(?:\s+[^\s.!?]+){0,4}$",
    re.IGNORECASE,
)
_FOLLOW = re.compile(r"^theo dõi\s+(.{1,40}?)\s+trên(?:\s+\S+){0,3}\s*$", re.IGNORECASE)
_SITE_PREFIX = re.compile(r"^\(?([A-ZĐ][\w.&]{1,24}(?: [A-ZĐa-zđ][\w.&]{1,15})?)\)?\s+[-–—]\s+\S")
_FEEDBACK = re.compile(r"bài viết (?:này )?có hữu ích|có hữu ích không|đánh giá bài viết", re.IGNORECASE)
_TIME = re.compile(r"\b\d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2})?\s*(?:am|pm|sa|ch)?\b", re.IGNORECASE)
_DATE = re.compile(
    r"\b\d{1,2}\s*[/.-]\s*\d{1,2}(?:\s*[/.-]\s*\d{2,4})?\b|\b\d{4}-\d{2}-\d{2}\b"
    r"|\b\d{1,2}\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b"
    r"|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{1,2}\b",
    re.IGNORECASE,
)
_DATE_FILLER = re.compile(
    r"\b(?:thứ\s+(?:hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật|ngày|tháng|năm|lúc|gmt\s*[+-]?\s*\d*|"
    r"cập nhật|đăng|updated|published|mon|tue|wed|thu|fri|sat|sun)\b",
    re.IGNORECASE,
)
_NAV_SEPARATOR = re.compile(r"\s*[|>»›]\s*|\s+/\s+")
_AGENCY_SUFFIX = re.compile(r"\s*[(\[][^()\[\]]{1,30}[)\]]\s*$")
_LIST_ITEM = re.compile(r"^(?:[-•·▪●◦*+–]|\d{1,3}[.)])\s+\S")
_BULLET = re.compile(r"^(?:[•·▪●◦*-]|\d{1,2}[.)])\s+")

# Words of site furniture, compared on the folded line (no diacritics, lower
# case).  A short line made only of such a phrase is furniture.
_SECTION_HEADERS = {
    "tin lien quan",
    "bai lien quan",
    "bai viet lien quan",
    "tieu diem",
    "tin dang nong",
    "tin nong",
    "tin moi nhat",
    "moi nhat",
    "tin moi",
    "co the ban quan tam",
    "ban co the quan tam",
    "bai viet cung chu de",
    "cung chu de",
    "doc them",
    "xem them",
    "noi bat",
    "tin noi bat",
    "cung tac gia",
    "bai doc nhieu",
    "doc nhieu",
    "xem nhieu",
    "tin doc nhieu",
    "cung chuyen muc",
    "tin cung chuyen muc",
    "dung bo lo",
    "tin khac",
    "cac tin khac",
    "tin tai tro",
    "tin quang cao",
    "binh luan",
    "y kien ban doc",
    "hoi dap thong minh",
    "cam nhan cua ban ve bai viet nay",
    "tags",
    "tag",
    "tu khoa",
    "chu de",
    "video noi bat",
    "tin xem nhieu",
    "tin anh",
    "tin video",
    "su kien",
    "goc nhin",
    "tin tuc lien quan",
    "chuyen muc",
    "phien ban di dong",
    "tro ve dau trang",
    "tin cung su kien",
    "bai cung chuyen muc",
    "related",
    "related articles",
    "related stories",
    "related news",
    "read more",
    "more stories",
    "most read",
    "most popular",
    "trending",
    "comments",
    "you may also like",
    "recommended",
    "latest news",
    "more from",
    "see also",
}
_DROP_ONLY = {
    "video dang hot",
    "video",
    "logo",
    "trang chu",
    "quang cao",
    "advertisement",
    "chia se",
    "dang nhap",
    "dang ky",
    "dang xuat",
    "tim kiem",
    "menu",
    "in bai",
    "gui bai",
    "luu bai",
    "nghe doc bai",
    "nghe bai viet",
    "theo doi",
    "co",
    "khong",
    "co;",
    "khong;",
    "zalo",
    "facebook",
    "twitter",
    "email",
    "copy link",
    "sao chep lien ket",
}
_RATINGS = {
    "rat hay",
    "thich",
    "giai tri",
    "can cai thien",
    "hay",
    "binh thuong",
    "khong hay",
    "tuyet voi",
    "huu ich",
    "khong huu ich",
}


@dataclass
class _Line:
    text: str
    key: str  # folded, punctuation-free comparison key
    words: int

    @property
    def ends_sentence(self) -> bool:
        return self.text.endswith(_SENTENCE_END)


def _key(text: str) -> str:
    return " ".join(_WORD.findall(fold(text)))


def _make_line(text: str) -> _Line:
    return _Line(text=text, key=_key(text), words=len(text.split()))


def _is_glued_repeat(text: str) -> bool:
    """A headline printed twice with nothing between: "AbcAbc"."""
    n = len(text)
    if n < 16:
        return False
    half = n // 2
    for cut in {half, half + 1, half - 1}:
        if 0 < cut < n and text[:cut].strip() and text[:cut].rstrip() == text[cut:].strip():
            return True
    return False


def _is_breadcrumb(text: str) -> bool:
    if text.endswith(_SENTENCE_END):
        return False
    # "chủNews", "giớiBộ": a lower-case word running into a capital.  The
    # letter before must be lower case too, so "iPhone" or "McDonald" do not count.
    glued = sum(
        1 for a, b, c in zip(text, text[1:], text[2:], strict=False) if c.isupper() and b.islower() and a.islower()
    )
    return glued >= 2


def _is_timestamp(line: _Line) -> bool:
    if line.words > 10 or not (_TIME.search(line.text) or _DATE.search(line.text)):
        return False
    rest = _DATE_FILLER.sub(" ", _DATE.sub(" ", _TIME.sub(" ", line.text)))
    return len(_WORD.findall(rest)) <= 1


def _is_section_header(line: _Line) -> bool:
    if line.words > 8:
        return False
    key = re.sub(r"\s*\d+$", "", line.key)
    return key in _SECTION_HEADERS


def _is_furniture(line: _Line) -> bool:
    """Lines to drop wherever they stand (they do not end the article)."""
    key = line.key
    if not key:
        return True
    if line.words <= 6 and (key in _DROP_ONLY or key in _RATINGS):
        return True
    if _BULLET.match(line.text) and line.words <= 4 and _key(_BULLET.sub("", line.text)) in _RATINGS:
        return True
    if _FOLLOW.match(line.text):
        return True
    if line.words <= 16 and _NAV_SEPARATOR.search(line.text):
        parts = [p.strip() for p in _NAV_SEPARATOR.split(line.text)]
        if len(parts) > 1 and all(0 < len(p.split()) <= 5 and not p.endswith(_SENTENCE_END) for p in parts):
            return True  # a navigation bar: "Đăng ký mua gói ấn phẩm|Đăng nhập", "Trang chủ > Thế giới"
    return False


def _is_caption(line: _Line) -> bool:
    if _ALT_TEXT.search(line.text):
        return True
    if line.words <= 70 and (_CREDIT_END.search(line.text) or _CREDIT_START.match(line.text)):
        return True
    return bool(_ATTRIBUTION.match(line.text))


def _is_prose(line: _Line) -> bool:
    if line.words >= 25:
        return True
    return line.words >= 12 and line.ends_sentence


def _is_headline_like(line: _Line) -> bool:
    return (
        4 <= line.words <= 40
        and len(line.text) >= 12
        and not line.text.endswith((".", ";", ","))
        and not _is_breadcrumb(line.text)
        and not _is_glued_repeat(line.text)
    )


def _is_name_like(line: _Line) -> bool:
    """ "Việt Hà", "KHÁNH HƯNG", "Nguyễn Văn A - Trần B": a byline."""
    text = _AGENCY_SUFFIX.sub("", line.text.strip())
    if not 1 <= len(text.split()) <= 6 or len(text) > 50 or any(ch.isdigit() for ch in text):
        return False
    if text.endswith(_TERMINAL) or ":" in text or _is_section_header(line) or _is_furniture(line):
        return False
    words = [w for w in re.split(r"[\s,&-]+", text) if w]
    if len(words) < 2 and not text.isupper():
        return False
    return all(w[0].isupper() for w in words)


def is_byline(text: str) -> bool:
    """True for a line that is only an author's name ("Việt Hà", "KHÁNH HƯNG (TTXVN)")."""
    return _is_name_like(_make_line(" ".join(text.split())))


def _is_caps_byline(line: _Line) -> bool:
    letters = [ch for ch in line.text if ch.isalpha()]
    return bool(letters) and line.text.isupper() and _is_name_like(line)


def _same_headline(a: str, b: str) -> bool:
    ka, kb = _key(a), _key(b)
    return bool(ka) and ka == kb


def _alt_subject(line: _Line) -> str | None:
    found = _ALT_TEXT.search(line.text)
    return line.text[: found.start()].strip() if found else None


def _next_nonblank(lines: list[_Line | None], start: int) -> int | None:
    for index in range(start, len(lines)):
        if lines[index] is not None:
            return index
    return None


def _ends_article(lines: list[_Line | None], index: int, title: str | None) -> bool:
    """True when the line at ``index`` starts the page tail or another article."""
    line = lines[index]
    assert line is not None
    if _is_section_header(line) or _FEEDBACK.search(line.text) or _SOURCE_URL.match(line.text):
        return True
    if _is_glued_repeat(line.text) or _is_timestamp(line):
        return True
    if _is_caps_byline(line):
        return True
    nxt = _next_nonblank(lines, index + 1)
    following = lines[nxt] if nxt is not None else None
    if following is not None and not line.text.endswith(".") and _same_headline(line.text, following.text):
        return True  # a list of other headlines, each printed twice
    if not _is_headline_like(line) or line.ends_sentence and not line.text.endswith(("'", '"', "”")):
        return False
    if title and _same_headline(line.text, title):
        return False
    # An embedded article of another story: its own picture follows shortly.
    seen = 0
    for position in range(index + 1, len(lines)):
        later = lines[position]
        if later is None:
            continue
        seen += 1
        if seen > 6:
            break
        subject = _alt_subject(later)
        if subject and _same_headline(subject, line.text):
            return True
    # A lone headline followed by a teaser cut off with an ellipsis.
    if following is not None:
        teaser = following
        if (
            teaser.text.endswith(("...", "…"))
            and not _is_headline_like(teaser)
            or (teaser.text.endswith(("...", "…")) and teaser.words >= 10)
        ):
            return True
    return False


def _without_outlet_leadin(paragraphs: list[str], found: re.Match[str], site: str | None) -> list[str]:
    """The body less the outlet's lead-in ``found`` at its start ("Kinhtedothi - ", "(Dân trí) - ").

    A lead-in of two words is taken only when it names the site the page names elsewhere (its address,
    a "Theo dõi X trên" line): "Hà Nội - " is a dateline.
    """
    if not enabled("outlet-leadin") or len(paragraphs[0].split()) < 8:
        return paragraphs
    name = found.group(1)
    if " " in name and ascii_key(name) != ascii_key((site or "").split(".")[0]):
        return paragraphs
    return [paragraphs[0][found.end() - 1 :], *paragraphs[1:]]


def _body_start(lines: list[_Line | None], usable) -> int | None:
    """Index of the first line of the article body.

    The page is cut into runs of prose, each ending where a page-tail signal
    stands; the body is the first run holding at least half as many words
    as the longest one, so a cookie notice or a block of teasers above the
    article is passed over while an embedded article further down never
    wins over the real one.
    """
    runs: list[tuple[int, int, int]] = []  # (start index, prose words, prose lines)
    start = None
    words = count = 0
    in_box = False  # after a section header: headline + teaser pairs
    for index, line in enumerate(lines):
        if line is None or _is_caption(line) or _is_furniture(line):
            continue
        if _ends_article(lines, index, None):
            if start is not None:
                runs.append((start, words, count))
            start, words, count, in_box = None, 0, 0, True
            continue
        if _is_prose(line) and usable(line):
            if start is None:
                if in_box and not _prose_follows(lines, index, usable):
                    continue  # a teaser: one prose line, then the next headline
                start, in_box = index, False
            words += line.words
            count += 1
    if start is not None:
        runs.append((start, words, count))
    if not runs:
        return None
    longest = max(words for _, words, _ in runs)
    # A lone prose line (a cookie notice, a slogan) is not an article body
    # while a run of several paragraphs exists.
    for start, words, count in runs:
        if words * 2 >= longest and (count >= 2 or all(c < 2 for _, _, c in runs)):
            return start
    return max(runs, key=lambda run: run[1])[0]


def _prose_follows(lines: list[_Line | None], index: int, usable) -> bool:
    """True when the next usable line after ``index`` is prose too."""
    for position in range(index + 1, len(lines)):
        line = lines[position]
        if line is None or _is_caption(line) or _is_furniture(line) or not usable(line):
            continue
        return _is_prose(line)
    return False


def _join_broken(paragraphs: list[str]) -> list[str]:
    """Rejoin a paragraph the scraper split in mid-sentence."""
    out: list[str] = []
    for text in paragraphs:
        if out:
            previous = out[-1]
            open_end = not previous.endswith(_TERMINAL)
            broken = (
                (open_end and len(previous.split()) >= 15)
                or previous.endswith(",")
                or (open_end and len(previous.split()) >= 5 and text[:1].islower())
            )
            if broken and text[:1].isalnum():
                out[-1] = previous + " " + text
                continue
        out.append(text)
    return out


def _group_list_items(paragraphs: list[str]) -> list[str]:
    """Consecutive bullet lines form one list block, one item per line."""
    out: list[str] = []
    for text in paragraphs:
        if out and _LIST_ITEM.match(text) and _LIST_ITEM.match(out[-1].rsplit("\n", 1)[-1]):
            out[-1] += "\n" + text
        else:
            out.append(text)
    return out


def _site_from_follow(lines: list[_Line | None]) -> str | None:
    for line in lines:
        if line is not None:
            found = _FOLLOW.match(line.text)
            if found:
                return found.group(1).strip()
    return None


def clean_text_dump(text: str, *, url: str | None = None) -> CleanedArticle:
    """Extract the article from a page saved as plain text."""
    article = CleanedArticle(url=url)
    if not isinstance(text, str):
        text = str(text)
    if len(text) > _MAX_CHARS:
        text = text[:_MAX_CHARS]
        article.warnings.append(f"truncated: text larger than {_MAX_CHARS // 1_000_000} MB")
    text = clean_input(text)
    raw_lines = text.split("\n")
    if len(raw_lines) > _MAX_LINES:
        raw_lines = raw_lines[:_MAX_LINES]
        article.warnings.append(f"truncated: more than {_MAX_LINES} lines")
    stripped_lines: list[str] = []
    for raw in raw_lines:
        stripped = " ".join(raw[:_MAX_LINE].split())
        previous = stripped_lines[-1] if stripped_lines else ""
        # A hard-wrapped paragraph: the next line carries on in lower case.
        if (
            stripped[:1].islower()
            and previous
            and not previous.endswith(_TERMINAL)
            and len(previous.split()) >= 5
            and len(previous) < _MAX_LINE
        ):
            stripped_lines[-1] = previous + " " + stripped
            continue
        stripped_lines.append(stripped)
    lines: list[_Line | None] = [_make_line(t) if t else None for t in stripped_lines]

    source_url = None
    for line in lines:
        if line is not None:
            found = _SOURCE_URL.match(line.text)
            if found:
                source_url = found.group(1).rstrip(".,;)")
                break

    def usable(line: _Line) -> bool:
        return not (
            _is_furniture(line)
            or _is_caption(line)
            or _is_breadcrumb(line.text)
            or _is_glued_repeat(line.text)
            or _is_timestamp(line)
            or _is_section_header(line)
        )

    start = _body_start(lines, usable)

    title_index = None
    author = None
    search_end = start if start is not None else len(lines)
    for index in range(search_end - 1, -1, -1):
        line = lines[index]
        if line is None or not usable(line):
            continue
        if _is_name_like(line) and author is None and title_index is None:
            author = line.text
            continue
        if _is_headline_like(line):
            title_index = index
            break
    if title_index is None:
        title_index = next(
            (i for i, line in enumerate(lines) if line is not None and usable(line) and _is_headline_like(line)), None
        )
    title_line = lines[title_index] if title_index is not None else None
    title = title_line.text if title_line is not None else None

    published = None
    header_end = start if start is not None else min(len(lines), 20)
    for line in lines[:header_end]:
        if line is not None and (_is_timestamp(line) or _DATE_FILLER.search(line.text)):
            published = find_visible_date(line.text)
            if published:
                break

    paragraphs: list[str] = []
    if start is not None:
        previous_key = None
        for index in range(start, len(lines)):
            line = lines[index]
            if line is None or _is_caption(line) or _is_furniture(line):
                continue
            if _ends_article(lines, index, title):
                if _is_caps_byline(line) and author is None:
                    author = line.text
                break
            if paragraphs and _is_name_like(line):
                nxt = _next_nonblank(lines, index + 1)
                if nxt is None or _ends_article(lines, nxt, title):
                    author = author or line.text  # a byline under the last paragraph
                    break
            if not usable(line) or (title and _same_headline(line.text, title)):
                continue
            if line.key == previous_key:
                continue
            previous_key = line.key
            paragraphs.append(line.text)
    paragraphs = _group_list_items(_join_broken(paragraphs))

    known_site = host_of(source_url) or _site_from_follow(lines)
    prefix = _SITE_PREFIX.match(paragraphs[0]) if paragraphs else None
    site = known_site or (prefix.group(1) if prefix else None)
    if prefix:
        paragraphs = _without_outlet_leadin(paragraphs, prefix, known_site)
    body = "\n\n".join(paragraphs)
    article.title = title
    article.author = author
    article.url = source_url or url
    article.site = site or host_of(url)
    article.published = published
    article.lead = paragraphs[0] if paragraphs else None
    article.text = body
    article.lang = guess_lang(body or text)
    if not body:
        article.warnings.append("no article found: no run of prose lines in the text")
    return article
