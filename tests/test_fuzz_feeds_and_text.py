"""Fuzzing the feed path, OPML, the query language and text normalisation (hypothesis).

Each property is "never crashes with anything but the documented error, and
never lets a control character through".  Examples stay small and deadlines
bounded so the suite stays fast.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.fetch import FeedError, OpmlError, parse_feed, parse_opml
from tuireader.store.query import parse_query
from tuireader.text import clean_input, fold, safe_filename, strip_controls, tone_key

FUZZ = settings(max_examples=150, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

vietnamese = st.text(
    alphabet=st.sampled_from(list("aăâeêioôơuưyđAĂÂĐ hoàụỷễốờữỳ[]/<>&;\"'\x1b\x07\x00\r\n\u200b\u0301\u0323")),
    max_size=60,
)


def feed_document(title: str, items: list[tuple[str, str]]) -> str:
    body = "".join(
        f"<item><title>{t}</title><link>{link}</link><description>{t}</description></item>" for t, link in items
    )
    return f"<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>{title}</title>{body}</channel></rss>"


@FUZZ
@given(st.binary(max_size=400))
def test_parse_feed_on_arbitrary_bytes_only_raises_feed_error(data):
    try:
        parsed = parse_feed(data, url="http://127.0.0.1/feed.xml")
    except FeedError:
        return
    for item in parsed.items:
        for value in (item.title, item.summary, item.url):
            assert value is None or not CONTROL.search(value)


@FUZZ
@given(
    vietnamese,
    st.lists(
        st.tuples(vietnamese, st.sampled_from(["http://a.vn/1", "https://b.vn/x?y=1", "", "javascript:x"])), max_size=4
    ),
)
def test_feed_text_comes_out_without_controls(title, items):
    try:
        parsed = parse_feed(feed_document(title, items).encode("utf-8", "surrogatepass"), url="http://127.0.0.1/f")
    except (FeedError, UnicodeEncodeError):
        return
    if parsed.title:
        assert not CONTROL.search(parsed.title)
    for item in parsed.items:
        assert item.title is None or not CONTROL.search(item.title)


@FUZZ
@given(st.binary(max_size=300))
def test_parse_opml_only_raises_opml_error(data):
    try:
        parse_opml(data)
    except OpmlError:
        pass


@FUZZ
@given(st.text(max_size=80))
def test_query_language_never_raises(text):
    parsed = parse_query(text)
    assert isinstance(parsed.errors, list)


@FUZZ
@given(st.text(max_size=120))
def test_text_normalisation_is_total_and_idempotent(text):
    cleaned = clean_input(text)
    assert not CONTROL.search(cleaned.replace("\n", "").replace("\t", ""))
    assert clean_input(cleaned) == cleaned
    assert tone_key(tone_key(cleaned)) == tone_key(cleaned)
    assert fold(fold(cleaned)) == fold(cleaned)
    assert strip_controls(cleaned) == cleaned


@FUZZ
@given(st.text(max_size=200))
def test_safe_filename_is_always_a_plain_name(title):
    name = safe_filename(title, ".md")
    assert name.endswith(".md") and len(name.encode("utf-8")) <= 123
    assert "/" not in name and "\\" not in name and "\x00" not in name
    assert not name.startswith(".") and name not in (".md", "..md")
