"""Reading feeds: formats, charsets (one decoder for pages and feeds), safety, escapes, bounds."""

from __future__ import annotations

import html
import json
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.legacy_encoding import to_cp1258 as encode_windows_1258
from tests.servers import ARTICLES, BOMB, rss_feed
from tuireader.clean import decode_bytes
from tuireader.fetch import (
    FeedError,
    IsAFeedError,
    item_has_full_text,
    looks_like_feed,
    parse_feed,
    refuse_feed,
    sniff_feed,
)

REPO = Path(__file__).resolve().parents[1]


def _one_item_rss(title_bytes: bytes, declared: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>T</title><item><title>'.encode()
        + title_bytes
        + b"</title><link>http://news.example/a</link></item></channel></rss>"
    )


@pytest.mark.parametrize(
    ("encode", "declared"),
    [
        (encode_windows_1258, "utf-8"),  # declares UTF-8, sends windows-1258
        (lambda t: t.encode("utf-8"), "iso-8859-1"),  # declares Latin-1, sends UTF-8
        (encode_windows_1258, "windows-1258"),  # honest legacy charset
        (encode_windows_1258, "iso-8859-1"),
    ],
    ids=["1258-declared-utf8", "utf8-declared-latin1", "1258-declared-1258", "1258-declared-latin1"],
)
def test_wrong_declared_charset_still_reads(encode, declared):
    title = "Thủ tướng: Hà Nội sẽ khởi công đường vành đai, người dân đồng tình ủng hộ"
    feed = parse_feed(_one_item_rss(encode(title), declared))
    assert feed.items[0].title == title
    assert unicodedata.is_normalized("NFC", feed.items[0].title)


def test_utf8_feed_with_a_few_broken_bytes_stays_utf8():
    title = "Thủ tướng: Hà Nội sẽ khởi công đường vành đai"
    feed = parse_feed(_one_item_rss(title.encode("utf-8") + b" \xff\xfe end", "utf-8"))
    assert feed.items[0].title.startswith(title)


def test_latin_text_in_windows_1252_is_not_turned_vietnamese():
    title = "Café crème à la française, naïve über façade"
    feed = parse_feed(_one_item_rss(title.encode("cp1252"), "utf-8"))
    assert feed.items[0].title == title


def test_rss091_with_public_doctype_and_image_teaser():
    doc = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Tin mới nhất</title><link>https://news.example</link>
<item><title>Một tuần Hà Nội có 1.400 người bệnh</title>
<description><![CDATA[<a href="https://news.example/a-1.html"><img width=130 src="https://img.example/x.jpg" ></a>\
</br>Từ ngày 17-23/7, Hà Nội ghi nhận 1.400 ca.]]></description>
<pubDate>Wed, 26 Jul 2017 19:41:14 +0700</pubDate>
<link>
https://news.example/a-1.html
</link></item></channel></rss>""".encode()
    (item,) = parse_feed(doc).items
    assert item.url == "https://news.example/a-1.html" and item.guid
    assert item.summary == "Từ ngày 17-23/7, Hà Nội ghi nhận 1.400 ca."
    assert item.published == "2017-07-26T12:41:14+00:00"
    assert item.content_html is None and not item_has_full_text(item)


def test_rss1_rdf_feed():
    rdf = """<?xml version="1.0" encoding="utf-8"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
         xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="http://news.example/"><title>Tin RDF</title><link>http://news.example/</link>
    <items><rdf:Seq><rdf:li rdf:resource="http://news.example/1"/></rdf:Seq></items></channel>
  <item rdf:about="http://news.example/1"><title>Ngoại trưởng Nga, Mỹ điện đàm</title>
    <link>http://news.example/1</link><description>Cuộc điện đàm đầu tiên.</description>
    <dc:date>2022-07-29T20:00:00+07:00</dc:date><dc:creator>Việt Hà</dc:creator><dc:subject>Thế giới</dc:subject></item>
</rdf:RDF>""".encode()
    feed = parse_feed(rdf)
    assert feed.title == "Tin RDF" and feed.site_url == "http://news.example/"
    (item,) = feed.items
    assert item.title == "Ngoại trưởng Nga, Mỹ điện đàm"
    assert item.url == "http://news.example/1" and item.guid
    assert item.published == "2022-07-29T13:00:00+00:00"
    assert item.author == "Việt Hà" and item.tags == ["Thế giới"]
    assert not item_has_full_text(item)


def test_atom_feed_with_relative_links_and_html_title():
    body = "".join(f"<p>{html.escape(p)}</p>" for p in ARTICLES[0].paragraphs)
    atom = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Atom tin</title><link href="/"/>
<entry><id>tag:news.example,2022:1</id>\
<title type="html">&lt;b&gt;Nóng:&lt;/b&gt; {html.escape(html.escape(ARTICLES[0].title))}</title>
<link href="bai/1.html"/><updated>2022-07-29T20:00:00+07:00</updated>
<author><name>Phóng viên</name></author><category term="Thời sự"/>
<summary>Tóm tắt ngắn.</summary><content type="html">{html.escape(body)}</content></entry></feed>""".encode()
    feed = parse_feed(atom, url="https://news.example/feeds/atom.xml")
    (item,) = feed.items
    assert item.title == f"Nóng: {ARTICLES[0].title}"
    assert item.url == "https://news.example/feeds/bai/1.html"
    assert item.guid == "tag:news.example,2022:1"
    assert item.summary == "Tóm tắt ngắn."
    assert item_has_full_text(item) and ARTICLES[0].paragraphs[2][:50] in item.content_html
    assert item.author == "Phóng viên" and item.tags == ["Thời sự"]


def test_titles_lose_escape_sequences_but_keep_markup_like_text():
    raw = _one_item_rss(
        "[bold]Tin\u200b nóng[/bold] \x1b]8;;http://evil\x07link\x1b]8;;\x07 <b>x</b>".encode(), "utf-8"
    )
    raw = raw.replace(b"<b>x</b>", b"&lt;b&gt;x&lt;/b&gt;")
    (item,) = parse_feed(raw).items
    assert "\x1b" not in item.title and "\u200b" not in item.title
    assert item.title.startswith("[bold]Tin nóng[/bold]")
    assert "link" in item.title and "evil" not in item.title


def test_malformed_feed_with_recoverable_items_is_accepted():
    truncated = rss_feed("x", [("http://news.example/1", ARTICLES[0]), ("http://news.example/2", ARTICLES[1])])[:-40]
    feed = parse_feed(truncated)
    assert len(feed.items) == 2 and feed.warnings


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01 not xml at all", "malformed"),
        (b"<!doctype html><html><body><p>Trang chu</p></body></html>", "not a feed: the document is an HTML page"),
        (BOMB, "entities"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<rss version="2.0"><channel><title>&x;</title></channel></rss>',
            "entities",
        ),
        (
            BOMB.decode().replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="utf-16"?>').encode("utf-16"),
            "entities",
        ),
        (str(Path(__file__).resolve()).encode(), "not an RSS or Atom feed|malformed"),  # never opened as a path
    ],
    ids=["empty", "blank", "binary", "html-page", "entity-bomb", "external-entity", "utf16-entity-bomb", "a-file-path"],
)
def test_unusable_documents_raise_clear_feed_errors(data, phrase):
    with pytest.raises(FeedError, match=phrase):
        parse_feed(data)


def test_mentions_of_entities_in_cdata_and_comments_are_no_declarations():
    doc = (
        '<?xml version="1.0" encoding="utf-8"?><!-- <!ENTITY x "y"> --><rss version="2.0"><channel><title>T</title>'
        "<item><title>Bài</title><link>http://news.example/1</link>"
        "<description><![CDATA[Cú pháp <!ENTITY x> của XML]]></description></item></channel></rss>"
    ).encode()
    (item,) = parse_feed(doc).items
    assert item.summary == "Cú pháp <!ENTITY x> của XML"


def test_description_carrying_the_whole_article_counts_as_full_text():
    body = "".join(f"<p>{html.escape(p)}</p>" for p in ARTICLES[1].paragraphs)
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t</title><item>'
        f"<title>x</title><link>http://news.example/1</link><description>{html.escape(body)}</description>"
        "</item></channel></rss>"
    ).encode()
    (item,) = parse_feed(rss).items
    assert item_has_full_text(item)


# --- one decoder for pages and feeds ---------------------------------------------------

TITLE = "Thủ tướng: Hà Nội sẽ khởi công đường vành đai, người dân đồng tình ủng hộ"
LATIN = "Café crème à la française, naïve über façade"


def _page(title: bytes, charset: str | None) -> bytes:
    meta = f'<meta charset="{charset}">'.encode() if charset else b""
    return b"<!doctype html><html><head>" + meta + b"<title>" + title + b"</title></head><body></body></html>"


def _feed(title: bytes, charset: str | None) -> bytes:
    declaration = f'<?xml version="1.0" encoding="{charset}"?>' if charset else '<?xml version="1.0"?>'
    return (
        f'{declaration}<rss version="2.0"><channel><title>T</title><item><title>'.encode()
        + title
        + b"</title><link>http://news.example/a</link></item></channel></rss>"
    )


def _page_title(data: bytes, content_type: str | None) -> str:
    text = decode_bytes(data, content_type=content_type)
    return text.split("<title>", 1)[1].split("</title>", 1)[0]


@pytest.mark.parametrize(
    ("text", "encoded", "charset"),
    [
        (TITLE, encode_windows_1258(TITLE), "windows-1258"),  # an honest legacy page
        (TITLE, encode_windows_1258(TITLE), "utf-8"),  # says UTF-8, sends windows-1258
        (TITLE, TITLE.encode("utf-8"), "iso-8859-1"),  # a wrong charset over valid UTF-8
        (TITLE, TITLE.encode("utf-8"), "windows-1258"),
        (LATIN, LATIN.encode("cp1252"), "utf-8"),  # Western text is not turned Vietnamese
    ],
    ids=[
        "1258-declared-1258",
        "1258-declared-utf8",
        "utf8-declared-latin1",
        "utf8-declared-1258",
        "1252-declared-utf8",
    ],
)
@pytest.mark.parametrize("where", ["http-header", "in-document"])
def test_pages_and_feeds_read_the_same_bytes_the_same(text, encoded, charset, where):
    header = f"text/html; charset={charset}" if where == "http-header" else None
    feed_header = f"application/rss+xml; charset={charset}" if where == "http-header" else None
    inline = None if where == "http-header" else charset
    page_title = _page_title(_page(encoded, inline), header)
    (item,) = parse_feed(_feed(encoded, inline), content_type=feed_header).items
    assert page_title == item.title == text
    assert unicodedata.is_normalized("NFC", item.title)


def test_a_feed_without_any_declaration_is_utf8_as_xml_says():
    (item,) = parse_feed(_feed(TITLE.encode("utf-8"), None)).items
    assert item.title == TITLE


# --- untrusted text in every field ---------------------------------------------------------

ESCAPES = "\x1b]52;c;ZXZpbA==\x07\x1b[2J\x1b]8;;http://evil.example\x07"
CONTROLS = [chr(c) for c in range(0x20) if c not in (0x09, 0x0A)] + [chr(c) for c in range(0x7F, 0xA0)]


def test_every_text_field_of_a_feed_loses_terminal_escapes():
    dirty = f"Tin{ESCAPES} nóng"
    as_reference = "".join(f"&#{ord(ch)};" if ord(ch) < 0x20 and ch not in "\n\t" else ch for ch in dirty)
    doc = f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>{dirty}</title><link>http://news.example/</link>
<item><title>{dirty}</title><link>http://news.example/1</link><guid>{dirty}</guid>
<description>{html.escape(dirty)}</description><dc:creator>{dirty}</dc:creator>
<category>{dirty}</category><category>{as_reference} 2</category>
<content:encoded><![CDATA[<p>{dirty}</p>]]></content:encoded></item></channel></rss>""".encode()
    feed = parse_feed(doc)
    (item,) = feed.items
    fields = [feed.title, item.title, item.guid, item.summary, item.author, item.content_html, *item.tags]
    assert len(fields) == 8 and all(fields)
    for value in fields:
        assert not any(ch in value for ch in CONTROLS), repr(value)
        assert "Tin nóng" in value and "evil" not in value, repr(value)


# --- is it a feed? ---------------------------------------------------------------------------


def test_a_feed_is_told_from_a_page():
    feed = rss_feed("Báo", [("http://news.example/1", ARTICLES[0])])
    page = b"<!doctype html><html><head><title>Trang</title></head><body><p>Xin ch\xc3\xa0o</p></body></html>"
    assert looks_like_feed(feed) and looks_like_feed(b"...", "application/atom+xml")
    assert not looks_like_feed(page, "text/html; charset=utf-8")
    assert sniff_feed(page) is None
    assert sniff_feed(feed).title == "Báo"


def test_a_feed_where_an_article_was_wanted_is_refused_with_its_items():
    feed = rss_feed("Báo thử", [(f"http://news.example/{i}", a) for i, a in enumerate(ARTICLES[:2])])
    with pytest.raises(IsAFeedError) as caught:
        refuse_feed(feed, content_type="application/rss+xml")
    message = str(caught.value)
    assert message.startswith("this is a feed \u201cBáo thử\u201d of 2 item(s), not an article")
    for i, article in enumerate(ARTICLES[:2]):
        assert f"  {article.title}\n    http://news.example/{i}" in message


def test_an_unsafe_feed_is_refused_as_unsafe_even_served_as_a_page():
    with pytest.raises(FeedError, match="refused as unsafe"):
        sniff_feed(BOMB, content_type="text/html")


# --- bounded work ------------------------------------------------------------------------------


def _dated_feed(dates: list[str | None]) -> bytes:
    items = "".join(
        f"<item><title>Tin {n}</title><link>http://news.example/{n}</link>"
        + (f"<pubDate>{date}</pubDate>" if date else "")
        + "</item>"
        for n, date in enumerate(dates)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'.encode()


DATES = [
    "Sat, 30 Jul 2022 08:00:00 +0700",
    None,
    "Mon, 01 Aug 2022 08:00:00 +0700",
    "Fri, 29 Jul 2022 08:00:00 +0700",
    "Sun, 31 Jul 2022 08:00:00 +0700",
    None,
]


@pytest.mark.parametrize("limit", [1, 3, 4, 5])
def test_only_the_newest_items_are_read_in_feed_order(limit):
    feed = parse_feed(_dated_feed(DATES), max_items=limit)
    newest_first = [2, 4, 0, 3, 1, 5]  # undated items last, the earlier first
    assert [item.title for item in feed.items] == [f"Tin {n}" for n in sorted(newest_first[:limit])]
    assert feed.warnings == [f"the feed has 6 items; the newest {limit} were read"]


def test_the_newest_entries_of_an_atom_feed_keep_their_namespaces():
    entries = "".join(
        f"<entry><id>tag:n,{n}</id><title>Tin {n}</title><link href='http://news.example/{n}'/>"
        f"<updated>2022-07-{10 + n}T08:00:00+07:00</updated></entry>"
        for n in range(10)
    )
    atom = f'<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>{entries}</feed>'
    feed = parse_feed(atom.encode(), max_items=2)
    assert feed.title == "A" and [item.title for item in feed.items] == ["Tin 8", "Tin 9"]
    assert feed.items[0].url == "http://news.example/8"


BIG_FEED_SCRIPT = """
import json, resource, sys, time
from tuireader.fetch import parse_feed
import feedparser, lxml.etree
items = "".join(
    f"<item><title>Tin số {n:06d}</title><link>http://news.example/bai/{n}</link></item>\\n" for n in range(100_000)
)
doc = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Lớn</title>'
       + items + "</channel></rss>").encode()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
feed = parse_feed(doc, max_items=int(sys.argv[1]) if len(sys.argv) > 1 else 200)
seconds = time.perf_counter() - started  # printed for people; no test looks at it
grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
print(json.dumps({"bytes": len(doc), "items": len(feed.items), "first": feed.items[0].title, "grown_kb": grown,
                  "seconds": round(seconds, 2)}))
"""


def test_a_feed_of_100000_items_is_read_in_bounded_memory():
    """Peak memory of a fresh process (C allocations of lxml included), not time."""
    done = subprocess.run(
        [sys.executable, "-c", BIG_FEED_SCRIPT], capture_output=True, text=True, cwd=REPO, timeout=240, check=True
    )
    result = json.loads(done.stdout)
    assert 7 * 10**6 < result["bytes"] < 10 * 2**20  # under the 10 MB download cap
    assert result["items"] == 200 and result["first"] == "Tin số 000000"
    # The document itself takes ~8 MB as bytes and ~16 MB as text; reading
    # all 100,000 items took more than 190 MB.
    assert result["grown_kb"] < 80 * 1024, result
