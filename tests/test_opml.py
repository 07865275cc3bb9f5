"""OPML import and export: nested folders become tags and come back as folders."""

from __future__ import annotations

import pytest

from tuireader.fetch import OpmlError, OpmlFeed, build_opml, parse_opml, read_opml

NESTED = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Báo của tôi</title></head>
  <body>
    <outline text="Tin tức" title="Tin tức">
      <outline text="Thế giới">
        <outline type="rss" text="Thế giới - VnExpress" xmlUrl="https://vnexpress.net/rss/the-gioi.rss"/>
        <outline type="rss" text="Quốc tế" xmlUrl="https://baoquocte.vn/rss_feed/"/>
      </outline>
      <outline type="rss" text="Dân trí" xmlUrl="https://dantri.com.vn/rss/home.rss"/>
    </outline>
    <outline type="rss" title="Tuổi Trẻ" text="TT" xmlUrl="https://tuoitre.vn/rss/tin-moi-nhat.rss"/>
  </body>
</opml>
""".encode()


def test_nested_folders_become_tags():
    feeds = parse_opml(NESTED)
    assert feeds == [
        OpmlFeed("https://vnexpress.net/rss/the-gioi.rss", "Thế giới - VnExpress", ["Tin tức", "Thế giới"]),
        OpmlFeed("https://baoquocte.vn/rss_feed/", "Quốc tế", ["Tin tức", "Thế giới"]),
        OpmlFeed("https://dantri.com.vn/rss/home.rss", "Dân trí", ["Tin tức"]),
        OpmlFeed("https://tuoitre.vn/rss/tin-moi-nhat.rss", "Tuổi Trẻ", []),
    ]


def test_round_trip_keeps_folders_titles_and_urls():
    feeds = parse_opml(NESTED)
    exported = build_opml(feeds, title="Báo của tôi")
    assert exported.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert "<title>Báo của tôi</title>" in exported
    assert parse_opml(exported.encode("utf-8")) == feeds
    # The folder appears once, with both of its feeds inside.
    assert exported.count('text="Thế giới"') == 1


def test_export_escapes_awkward_titles():
    feeds = [OpmlFeed("https://news.example/rss?a=1&b=2", 'Tin "nóng" <ngay> & luôn\x1b[31m', ["A & B"])]
    exported = build_opml(feeds)
    assert "\x1b" not in exported
    again = parse_opml(exported.encode())
    assert again == [OpmlFeed("https://news.example/rss?a=1&b=2", 'Tin "nóng" <ngay> & luôn', ["A & B"])]


def test_attribute_case_category_and_duplicates():
    doc = """<opml version="1.1"><body>
      <outline text="Kinh tế"><outline text="A" xmlurl="feed://news.example/a.rss" category="/Hot,/Sáng"/></outline>
      <outline text="Again" XMLURL="http://news.example/a.rss"/>
      <outline text="Not a feed" xmlUrl="javascript:alert(1)"/>
      <outline text="Empty folder"/>
    </body></opml>""".encode()
    assert parse_opml(doc) == [OpmlFeed("http://news.example/a.rss", "A", ["Kinh tế", "Hot", "Sáng"])]


def test_skipped_entries_are_named_with_the_reason():
    doc = """<opml version="2.0"><body>
      <outline text="Tin"><outline text="A" xmlUrl="https://news.example/a.rss"/></outline>
      <outline text="Lừa" xmlUrl="javascript:alert(1)"/>
      <outline title="Kho" xmlUrl="ftp://files.example/f.xml"/>
      <outline xmlUrl="news.example/no-scheme.rss"/>
      <outline text="Không địa chỉ" type="rss"/>
      <outline xmlUrl="http:///no-host"/>
    </body></opml>""".encode()
    listed = read_opml(doc)
    assert listed.feeds == [OpmlFeed("https://news.example/a.rss", "A", ["Tin"])]
    assert listed.skipped == [
        ("Lừa", "javascript: URLs cannot be fetched; only http and https"),
        ("Kho", "ftp: URLs cannot be fetched; only http and https"),
        ("news.example/no-scheme.rss", "URLs without a scheme cannot be fetched; only http and https"),
        ("Không địa chỉ", "no feed URL"),
        ("http:///no-host", "the URL has no host name"),
    ]


def test_declared_latin1_but_utf8_reads_correctly():
    doc = NESTED.replace(b'encoding="UTF-8"', b'encoding="ISO-8859-1"')
    assert parse_opml(doc)[0].tags == ["Tin tức", "Thế giới"]


@pytest.mark.parametrize(
    ("data", "phrase"),
    [
        (b"", "empty"),
        (b"<opml><body><outline", "not a valid OPML"),
        (b"<rss version='2.0'><channel/></rss>", "not an OPML file"),
        (b"<opml version='2.0'><head/></opml>", "no <body>"),
        (
            b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            b'<opml><body><outline text="&b;" xmlUrl="http://x/"/></body></opml>',
            "entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE o [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
            b'<opml><body><outline text="&e;" xmlUrl="http://x/"/></body></opml>',
            "entities",
        ),
    ],
    ids=["empty", "truncated", "not-opml", "no-body", "entity-bomb", "external-entity"],
)
def test_bad_documents_raise_clear_errors(data, phrase):
    with pytest.raises(OpmlError, match=phrase):
        parse_opml(data)


def test_deep_nesting_does_not_recurse():
    depth = 3000
    doc = "<opml><body>" + "".join(f'<outline text="f{i}">' for i in range(depth))
    doc += '<outline text="deep" xmlUrl="https://news.example/deep.rss"/>' + "</outline>" * depth + "</body></opml>"
    (feed,) = parse_opml(doc.encode())
    assert len(feed.tags) == depth and feed.tags[-1] == f"f{depth - 1}"
