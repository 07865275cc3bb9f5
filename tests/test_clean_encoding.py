"""Encoding detection: BOM, HTTP charset, <meta> charset, windows-1258, wrong labels."""

from __future__ import annotations

import unicodedata

import pytest

from tests.legacy_encoding import to_cp1258
from tuireader.clean import clean_source, decode_bytes

SENTENCE = "Thủ tướng Chính phủ chỉ đạo các bộ, ngành khẩn trương khắc phục hậu quả cơn bão số 3 ở miền Bắc."


def test_cp1258_helper_really_uses_combining_bytes() -> None:
    raw = to_cp1258(SENTENCE)
    assert b"\xec" in raw or b"\xf2" in raw  # acute / dot-below tone bytes
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def test_cp1258_declared_in_meta() -> None:
    html = b"<html><head><meta charset='windows-1258'></head><body><p>" + to_cp1258(SENTENCE) + b"</p></body></html>"
    text = decode_bytes(html)
    assert SENTENCE in text
    assert unicodedata.is_normalized("NFC", text)


def test_cp1258_declared_in_http_header() -> None:
    assert decode_bytes(to_cp1258(SENTENCE), content_type="text/plain; charset=windows-1258") == SENTENCE


def test_cp1258_without_any_declaration() -> None:
    assert decode_bytes(to_cp1258(SENTENCE)) == SENTENCE


def test_declared_utf8_but_bytes_are_cp1258() -> None:
    html = b"<meta charset=utf-8><p>" + to_cp1258(SENTENCE) + b"</p>"
    assert SENTENCE in decode_bytes(html)
    assert SENTENCE in decode_bytes(to_cp1258(SENTENCE), content_type="text/html; charset=UTF-8")


def test_declared_latin1_but_bytes_are_utf8() -> None:
    html = b"<meta http-equiv='Content-Type' content='text/html; charset=iso-8859-1'><p>" + SENTENCE.encode() + b"</p>"
    assert SENTENCE in decode_bytes(html)


def test_unknown_charset_label_falls_back() -> None:
    assert SENTENCE in decode_bytes(b"<meta charset='no-such-codec'>" + SENTENCE.encode())


def test_western_legacy_text_stays_western() -> None:
    text = "Le café où l'été commence, très tôt à Noël."
    assert decode_bytes(text.encode("cp1252")) == text


@pytest.mark.parametrize("codec", ["utf-8-sig", "utf-16", "utf-16-be", "utf-32"])
def test_byte_order_marks(codec: str) -> None:
    raw = SENTENCE.encode(codec)
    if codec == "utf-16-be":
        raw = b"\xfe\xff" + raw
    assert decode_bytes(raw) == SENTENCE


def test_bom_beats_wrong_header() -> None:
    assert (
        decode_bytes("\ufeff".encode() + SENTENCE.encode(), content_type="text/html; charset=windows-1252") == SENTENCE
    )


def test_decomposed_utf8_becomes_nfc() -> None:
    raw = unicodedata.normalize("NFD", SENTENCE).encode()
    assert decode_bytes(raw) == SENTENCE


def test_controls_and_zero_width_removed() -> None:
    raw = ("Tin\x00 nóng\u200b\x1b[2J " + SENTENCE).encode()
    assert decode_bytes(raw) == "Tin nóng " + SENTENCE


def test_cp1258_page_through_clean_source() -> None:
    title = "Bão số 3 gây thiệt hại nặng nề ở các tỉnh phía Bắc"
    paragraphs = [
        SENTENCE,
        "Lực lượng cứu hộ đã tiếp cận các khu vực bị cô lập và sơ tán hàng nghìn hộ dân đến nơi an toàn.",
    ]
    html = (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1258'>"
        f"<title>{title}</title></head><body><article><h1>{title}</h1>"
        + "".join(f"<p>{p}</p>" for p in paragraphs)
        + "</article></body></html>"
    )
    article = clean_source(to_cp1258(html))
    assert article.title == title
    assert article.text == "\n\n".join(paragraphs)


def test_utf8_with_a_few_broken_bytes_stays_utf8() -> None:
    text = "Thủ tướng: Hà Nội sẽ khởi công đường vành đai trong năm nay"
    decoded = decode_bytes(text.encode("utf-8") + b" \xff\xfe end")
    assert decoded.startswith(text) and decoded.endswith("end")


def test_cp1258_with_a_stray_utf8_letter_stays_cp1258() -> None:
    text = "Thủ tướng: Hà Nội sẽ khởi công đường vành đai trong năm nay"
    assert decode_bytes(to_cp1258(text) + " café".encode()).startswith(text)
