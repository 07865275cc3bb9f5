"""Fuzzing the feed path, OPML, the query language and text normalisation (hypothesis).

Each property is "never crashes with anything but the documented error, and
never lets a control character through".  Examples stay small and deadlines
bounded so the suite stays fast.
"""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import urlsplit

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
    head = "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'>"
    return f"{head}<channel><title>{title}</title>{body}</channel></rss>"


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
        feeds = parse_opml(data)
    except OpmlError:
        return
    urls = [feed.url for feed in feeds]
    assert len(urls) == len(set(urls))
    for feed in feeds:
        parts = urlsplit(feed.url)
        assert parts.scheme in ("http", "https") and parts.hostname
        for value in (feed.url, feed.title or "", *feed.tags):
            assert not CONTROL.search(value)


@FUZZ
@given(st.text(max_size=80))
def test_query_language_never_raises_and_keeps_to_what_was_typed(text):
    parsed = parse_query(text)
    assert set(parsed.flags) <= {"unread", "read", "bookmarked"}
    for moment in (parsed.before, parsed.after):
        assert moment is None or date.fromisoformat(moment).isoformat() == moment
    for value in (*parsed.words, *parsed.phrases, *parsed.tags, *parsed.not_tags, *parsed.sites, *parsed.entities):
        assert value and value in text
    for error in parsed.errors:
        assert error.startswith(("unknown is:", "before:", "after:"))


query_word = st.text(alphabet="abcdđeêghiklmnoôơuưxyàảãáạ", min_size=1, max_size=8)
query_value = st.text(alphabet="abcdđeêghiklmnoôơuưxyàảãáạ .-", max_size=12).map(str.strip).filter(bool)


@FUZZ
@given(
    st.lists(query_word, max_size=4),
    st.lists(query_value, max_size=2),
    st.lists(query_value, max_size=2),
    st.lists(st.sampled_from(["unread", "read", "bookmarked", "bogus"]), max_size=2),
    st.one_of(st.none(), st.dates(min_value=date(1990, 1, 1), max_value=date(2099, 12, 31))),
)
def test_a_composed_query_is_parsed_back_into_its_parts(words, tags, not_tags, flags, before):
    parts = [*words, *(f'tag:"{tag}"' for tag in tags), *(f'-tag:"{tag}"' for tag in not_tags)]
    parts += [f"is:{flag}" for flag in flags]
    if before is not None:
        parts.append(f"before:{before.isoformat()}")
    parsed = parse_query(" ".join(parts))
    assert parsed.words == words
    assert parsed.tags == tags and parsed.not_tags == not_tags
    assert parsed.flags == [flag for flag in flags if flag != "bogus"]
    assert len(parsed.errors) == flags.count("bogus")
    assert parsed.before == (before.isoformat() if before else None)


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
