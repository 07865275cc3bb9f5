"""Bad input: empty, binary, huge, deeply nested, no article, arbitrary bytes."""

from __future__ import annotations

import gzip

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tuireader.clean import CleanError, clean_html, clean_source, clean_text_dump

PARAGRAPHS = [
    f"Đoạn văn thứ {i} kể lại diễn biến cuộc họp của hội đồng nhân dân thành phố về ngân sách năm tới."
    for i in range(40)
]


@pytest.mark.parametrize(
    "data", [b"", b"   \n\t  ", gzip.compress(b"", mtime=0)], ids=["empty", "whitespace", "empty-gzip"]
)
def test_empty_input(data: bytes) -> None:
    with pytest.raises(CleanError, match="empty"):
        clean_source(data)


def test_binary_input() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20
    with pytest.raises(CleanError) as error:
        clean_source(png, filename="photo.html")
    message = str(error.value)
    assert "binary" in message and message.endswith(".") and "\n" not in message


def test_corrupt_gzip() -> None:
    with pytest.raises(CleanError, match="gzip"):
        clean_source(b"\x1f\x8b\x08\x00garbage that is not deflate data")


def test_wrong_argument_type() -> None:
    with pytest.raises(CleanError):
        clean_source("a str, not bytes")  # type: ignore[arg-type]


def test_huge_page_is_bounded() -> None:
    body = "".join(f"<p>{p}</p>\n" for p in PARAGRAPHS)
    html = "<html><body><article><h1>Hội đồng nhân dân thành phố họp về ngân sách</h1>"
    html += body * (20_000_000 // len(body.encode()) + 1) + "</article></body></html>"
    data = html.encode()
    assert len(data) > 20_000_000
    article = clean_source(data)
    assert any(w.startswith("truncated: page larger than") for w in article.warnings)
    assert PARAGRAPHS[0] in article.text
    assert len(article.text) < 2_000_000


def test_deeply_nested_page_keeps_its_text() -> None:
    depth = 50_000
    text = " ".join(PARAGRAPHS[:5])
    html = "<html><body>" + "<div>" * depth + f"<p>{text}</p>" + "</div>" * depth + "</body></html>"
    article = clean_html(html)
    assert PARAGRAPHS[0] in article.text
    assert any("nested too deeply" in w for w in article.warnings)


def test_deeply_nested_inline_tags() -> None:
    html = (
        "<html><body><p>"
        + "<b><i>" * 20_000
        + PARAGRAPHS[0]
        + "</i></b>" * 20_000
        + f"</p><p>{PARAGRAPHS[1]}</p></body></html>"
    )
    article = clean_source(html.encode())
    assert PARAGRAPHS[1] in article.text


def test_page_without_article() -> None:
    html = (
        "<html><head><title>Trang chủ</title></head><body><nav><a href='/'>Trang chủ</a>"
        "<a href='/tt'>Thời sự</a></nav><footer>© 2024</footer></body></html>"
    )
    article = clean_html(html)
    assert article.text == ""
    assert any(w.startswith("no article found") for w in article.warnings)


def test_text_without_markup_is_a_dump() -> None:
    article = clean_source("Tiêu đề bài viết về ngân sách thành phố\n\n".encode() + PARAGRAPHS[0].encode())
    assert article.title == "Tiêu đề bài viết về ngân sách thành phố"
    assert article.text == PARAGRAPHS[0]


def test_huge_text_dump_is_bounded() -> None:
    text = ("Một dòng rất dài không có dấu chấm nào " * 200_000) + "\n" + "\n".join(PARAGRAPHS) * 50
    article = clean_text_dump(text)
    assert any(w.startswith("truncated: text larger than") for w in article.warnings)
    assert len(article.text) <= 2_000_000


_html_pieces = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div class='share'>",
        "</div>",
        "<ul><li>",
        "</li></ul>",
        "<br>",
        "<b>",
        "</b>",
        "<blockquote>",
        "<h1>",
        "</h1>",
        "<table><tr><td>",
        "<script>",
        "</script>",
        "<!--",
        "-->",
        "<meta charset='windows-1258'>",
        "<title>",
        "Tin liên quan",
        "Ảnh: AFP",
        "&amp;",
        "&#0;",
        "\x00",
        "\x1b[31m",
        "\u200b",
        "Hà Nội ",
        "đã diễn ra cuộc họp. ",
        "\n",
        " ",
    ]
)


@settings(max_examples=60, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_html_pieces, st.text(max_size=20)), max_size=40))
def test_fuzz_clean_html_never_raises(pieces: list[str]) -> None:
    article = clean_html("".join(pieces))
    assert isinstance(article.text, str)
    assert "\x00" not in article.text and "\x1b" not in article.text


@settings(max_examples=60, deadline=2000)
@given(st.text(max_size=400))
def test_fuzz_clean_text_dump_never_raises(text: str) -> None:
    article = clean_text_dump(text)
    assert isinstance(article.text, str)
    assert "\n\n\n" not in article.text


@settings(max_examples=60, deadline=2000)
@given(st.binary(max_size=300))
def test_fuzz_clean_source_only_raises_clean_error(data: bytes) -> None:
    try:
        article = clean_source(data)
    except CleanError as error:
        assert str(error)
    else:
        assert isinstance(article.text, str)


def test_page_with_too_many_elements_is_bounded() -> None:
    html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in PARAGRAPHS) + "<span>x</span>" * 300_000
    article = clean_html(html + "</article></body></html>")
    assert any("more than" in w and "elements" in w for w in article.warnings)
    assert PARAGRAPHS[0] in article.text and PARAGRAPHS[-1] in article.text


def test_a_page_opening_with_a_style_block_is_html() -> None:
    styles = "<style>\n" + ".box { margin: 0 auto; }\n" * 300 + "</style>\n"
    html = (
        styles
        + "<html><head><title>Drainage plan</title></head><body><article>"
        + ("<p>The council approved the new drainage plan on Tuesday after a long debate about its cost.</p>" * 3)
        + "</article></body></html>"
    )
    article = clean_source(html.encode())
    assert article.text.startswith("The council approved")
    assert "<" not in article.text
