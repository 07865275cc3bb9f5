"""The HTML cleaner on small hand-written pages."""

from __future__ import annotations

import json

from tuireader.clean import CLEANER_VERSION, CleanedArticle, clean_html, clean_source

PARA1 = (
    "Chiều 12/3, Ủy ban nhân dân thành phố đã tổ chức họp báo công bố kế hoạch cải tạo "
    "hệ thống thoát nước tại các quận trung tâm trước mùa mưa năm nay."
)
PARA2 = (
    "Theo kế hoạch, công trình sẽ được triển khai trong sáu tháng với tổng vốn đầu tư "
    "hơn 500 tỷ đồng, ưu tiên các tuyến phố thường xuyên bị ngập úng."
)
PARA3 = (
    "Đại diện ban quản lý dự án cho biết các nhà thầu sẽ thi công vào ban đêm để hạn chế "
    "ảnh hưởng tới giao thông và sinh hoạt của người dân."
)
TITLE = "Thành phố cải tạo hệ thống thoát nước trước mùa mưa"


def page(body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='vi'><head><meta charset='utf-8'><title>{TITLE} | Báo Mẫu</title>"
        f"{head}</head><body>{body}</body></html>"
    )


def article_body(extra: str = "") -> str:
    return f"<article><h1>{TITLE}</h1><p>{PARA1}</p><p>{PARA2}</p>{extra}<p>{PARA3}</p></article>"


def test_paragraphs_and_title() -> None:
    article = clean_html(page(article_body()))
    assert article.title == TITLE
    assert article.text == "\n\n".join([PARA1, PARA2, PARA3])
    assert TITLE not in article.text  # the headline is not in the body twice
    assert article.lang == "vi"
    assert article.lead == PARA1


def test_inline_tags_do_not_glue_words() -> None:
    body = article_body(
        "<p>Ông <b>Nguyễn</b>\n<i>Văn</i> <a href='/x'>An</a> nói<br>thêm rằng dự án "
        "<span>sẽ</span>\t<span>hoàn thành</span> đúng hạn vào cuối năm nay theo cam kết.</p>"
    )
    text = clean_html(page(body)).text
    assert "Ông Nguyễn Văn An nói\nthêm rằng dự án sẽ hoàn thành đúng hạn" in text


def test_lists_and_quotes_keep_their_shape() -> None:
    body = article_body(
        "<ul><li>Tuyến phố Nguyễn Trãi được cải tạo trước tiên</li><li>Tuyến phố Lê Lợi được cải tạo sau đó</li></ul>"
        "<blockquote><p>Chúng tôi cam kết hoàn thành công trình đúng tiến độ đã đề ra.</p></blockquote>"
        "<ol><li>Khảo sát hiện trạng toàn bộ tuyến cống</li><li>Thi công theo từng đoạn ngắn</li></ol>"
    )
    text = clean_html(page(body)).text
    assert "- Tuyến phố Nguyễn Trãi được cải tạo trước tiên\n- Tuyến phố Lê Lợi được cải tạo sau đó" in text
    assert "> Chúng tôi cam kết hoàn thành công trình đúng tiến độ đã đề ra." in text
    assert "1. Khảo sát hiện trạng toàn bộ tuyến cống\n2. Thi công theo từng đoạn ngắn" in text


def test_related_box_share_bar_and_comments_dropped() -> None:
    related = (
        "<div class='box-tin-lien-quan'><h3>Tin liên quan</h3><ul>"
        "<li><a href='/a'>Hà Nội ngập sâu sau cơn mưa lớn kéo dài</a></li>"
        "<li><a href='/b'>Xây hồ điều hòa chống ngập ở nội đô</a></li></ul></div>"
    )
    share = "<div class='share-bar'><a href='#'>Facebook</a> <a href='#'>Zalo</a> Chia sẻ</div>"
    comments = (
        "<section id='comments'><h3>Bình luận (2)</h3><p>Bạn đọc A: Mong công trình "
        "sớm hoàn thành để người dân bớt khổ vì ngập lụt mỗi mùa mưa.</p></section>"
    )
    html = page(share + article_body() + related + comments)
    text = clean_html(html).text
    assert text == "\n\n".join([PARA1, PARA2, PARA3])


def test_related_box_without_markup_hints_dropped_by_its_heading() -> None:
    extra = (
        "<h3>Tin liên quan</h3><ul><li><a href='/a'>Hà Nội ngập sâu sau cơn mưa lớn</a></li>"
        "<li><a href='/b'>Xây hồ điều hòa chống ngập</a></li></ul>"
    )
    text = clean_html(
        page(f"<article><h1>{TITLE}</h1><p>{PARA1}</p><p>{PARA2}</p><p>{PARA3}</p>{extra}</article>")
    ).text
    assert "Tin liên quan" not in text
    assert "hồ điều hòa" not in text
    assert text.endswith(PARA3)


def test_metadata_from_meta_tags() -> None:
    head = (
        "<meta property='og:site_name' content='Báo Mẫu'>"
        "<meta property='article:published_time' content='2024-03-12T15:30:00+07:00'>"
        "<meta name='author' content='Minh Anh'>"
        "<link rel='canonical' href='/thoi-su/cai-tao-thoat-nuoc.html'>"
        "<meta name='description' content='Thành phố công bố kế hoạch cải tạo thoát nước.'>"
    )
    article = clean_html(page(article_body(), head), url="https://baomau.vn/x?utm=1")
    assert article.site == "Báo Mẫu"
    assert article.published == "2024-03-12T15:30:00+07:00"
    assert article.author == "Minh Anh"
    assert article.url == "https://baomau.vn/thoi-su/cai-tao-thoat-nuoc.html"
    assert article.lead == "Thành phố công bố kế hoạch cải tạo thoát nước."


def test_metadata_from_json_ld() -> None:
    data = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebSite", "name": "Trang khác"},
            {
                "@type": "NewsArticle",
                "headline": TITLE,
                "datePublished": "2024-03-12T08:00:00Z",
                "author": [{"@type": "Person", "name": "Lê Hoa"}],
                "publisher": {"@type": "Organization", "name": "Báo JSON"},
            },
        ],
    }
    head = f"<script type='application/ld+json'>{json.dumps(data, ensure_ascii=False)}</script>"
    body = f"<div><h2>{TITLE}</h2><p>{PARA1}</p><p>{PARA2}</p><p>{PARA3}</p></div>"
    article = clean_html(page(body, head))
    assert article.title == TITLE
    assert article.author == "Lê Hoa"
    assert article.site == "Báo JSON"
    assert article.published == "2024-03-12T08:00:00+00:00"
    assert TITLE not in article.text


def test_time_element_and_host_fallbacks() -> None:
    body = (
        f"<article><h1>{TITLE}</h1><time datetime='2024-03-12'>12/3/2024</time><p>{PARA1}</p><p>{PARA2}</p></article>"
    )
    article = clean_html(page(body), url="https://www.baomau.vn/bai-viet")
    assert article.published == "2024-03-12"
    assert article.site == "baomau.vn"
    assert article.url == "https://www.baomau.vn/bai-viet"


def test_captions_dropped() -> None:
    figure = (
        "<figure><img src='a.jpg'><figcaption>Công nhân thi công tuyến cống mới. Ảnh: Minh Anh</figcaption></figure>"
    )
    text = clean_html(page(article_body(figure))).text
    assert "Ảnh: Minh Anh" not in text
    assert text == "\n\n".join([PARA1, PARA2, PARA3])


def test_clean_source_detects_html_and_gzip() -> None:
    import gzip

    data = page(article_body()).encode("utf-8")
    for blob in (data, gzip.compress(data)):
        article = clean_source(blob)
        assert article.title == TITLE
        assert PARA2 in article.text


def test_to_json_fields() -> None:
    article = clean_html(page(article_body()))
    out = article.to_json()
    assert set(out) == {"title", "author", "site", "url", "published", "lead", "text", "lang", "low_confidence"}
    assert out["author"] is None and out["title"] == TITLE
    assert CleanedArticle().to_json()["title"] is None
    assert isinstance(CLEANER_VERSION, str) and CLEANER_VERSION


def test_output_is_nfc_without_controls() -> None:
    import unicodedata

    decomposed = unicodedata.normalize("NFD", PARA1)
    html = page(f"<article><h1>{TITLE}</h1><p>{decomposed}\x1b[31m\u200b</p><p>{PARA2}</p></article>")
    text = clean_html(html).text
    assert PARA1 in text
    assert "\x1b" not in text and "\u200b" not in text
    assert unicodedata.is_normalized("NFC", text)


def test_import_is_cheap() -> None:
    import subprocess
    import sys

    code = (
        "import sys, tuireader.clean; "
        "print(any(m in sys.modules for m in ('lxml', 'readability', 'textual', 'httpx', 'feedparser')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def test_site_name_removed_from_title_but_inner_dash_kept() -> None:
    headline = "Ngoại trưởng Mỹ: Thượng đỉnh Biden - Putin có lợi cho cả hai bên"
    head = "<meta property='og:site_name' content='Kinh tế Đô thị'>"
    for raw in (f"{headline} - Kinh tế Đô thị", f"{headline} | Kinh tế Đô thị", headline):
        html = (
            f"<html><head><title>{raw}</title>{head}</head><body><div><p>{PARA1}</p><p>{PARA2}</p></div></body></html>"
        )
        assert clean_html(html).title == headline
    html = (
        f"<html><head><title>{headline} - Kinhtedothi.vn</title></head><body><div><p>{PARA1}</p>"
        f"<p>{PARA2}</p></div></body></html>"
    )
    assert clean_html(html, url="https://kinhtedothi.vn/bai-viet.html").title == headline


def test_realistic_news_page() -> None:
    from pathlib import Path

    path = Path(__file__).parent / "data" / "clean" / "news_page.html"
    article = clean_source(path.read_bytes(), filename=path.name)
    assert article.title == "Hà Nội mở rộng tuyến xe buýt điện đến các huyện ngoại thành"
    assert article.author == "Minh Anh"  # the byline under the last paragraph
    assert article.site == "Báo Điện tử Mẫu"
    assert article.url == "https://baomau.vn/thoi-su/xe-buyt-dien-4821.html"
    assert article.published == "2024-05-14T07:30:00+07:00"
    text = article.text
    assert text.startswith("Từ tháng sau, bốn tuyến xe buýt điện mới")  # the sapo
    assert "phục vụ khoảng 20.000 lượt khách mỗi ngày." in text
    assert '"Chúng tôi ưu tiên những khu vực' in text
    assert text.endswith("- Năm 2025: 30% đoàn xe\n- Năm 2030: toàn bộ đoàn xe")
    for furniture in (
        "Trang chủ",
        "Facebook",
        "Zalo",
        "Tin liên quan",
        "Xe buýt điện đầu tiên",
        "Ảnh: Ngọc Thành",
        "Từ khóa",
        "xe buýt\n",
        "Ý kiến bạn đọc",
        "Rất mong",
        "Xem nhiều",
        "Giá vàng",
        "Giấy phép",
        "GMT",
        "Minh Anh",
        "var ads",
    ):
        assert furniture not in text, furniture


def test_visible_date_when_no_meta() -> None:
    body = (
        f"<div class='article'><h1>{TITLE}</h1><div class='post-date'>Cập nhật: 08:15 ngày 12/03/2024</div>"
        f"<p>{PARA1}</p><p>{PARA2}</p></div>"
    )
    article = clean_html(page(body))
    assert article.published == "2024-03-12T08:15:00"
    assert "Cập nhật" not in article.text


def test_xhtml_with_xml_declaration() -> None:
    html = (
        "<?xml version='1.0' encoding='utf-8'?><!DOCTYPE html><html xmlns='http://www.w3.org/1999/xhtml'>"
        f"<head><title>{TITLE}</title></head><body><p>{PARA1}</p><p>{PARA2}</p></body></html>"
    )
    for article in (clean_html(html), clean_source(html.encode("utf-8"))):
        assert article.title == TITLE
        assert article.text == PARA1 + "\n\n" + PARA2


def test_embedded_post_quoted_by_the_article_is_kept() -> None:
    tweet = (
        "<div class='social-media-embed'><blockquote class='twitter-tweet'><p>Chúng tôi đã sẵn sàng cho "
        "mùa giải mới cùng người hâm mộ <a href='https://t.co/x'>pic.twitter.com/x</a></p>— Câu lạc bộ "
        "(@clb) <a href='https://twitter.com/clb/status/1'>12/3/2024</a></blockquote></div>"
    )
    text = clean_html(page(article_body(tweet))).text
    assert "Chúng tôi đã sẵn sàng cho mùa giải mới cùng người hâm mộ" in text
    assert text.startswith(PARA1) and text.endswith(PARA3)


def test_article_h1_is_the_headline_when_the_page_title_names_something_else():
    page = (
        "<html><head><meta charset='utf-8'><title>Tin mới nhất</title></head><body><article>"
        "<h1>Giá vàng tăng mạnh</h1><p>Giá vàng SJC sáng nay tăng mạnh, lên mức cao nhất trong ba tháng qua "
        "theo ghi nhận của phóng viên tại Hà Nội.</p><p>Các doanh nghiệp cho biết lượng khách mua vào tăng rõ "
        "rệt so với tuần trước.</p></article></body></html>"
    )
    article = clean_html(page)
    assert article.title == "Giá vàng tăng mạnh"
    assert "Giá vàng tăng mạnh" not in article.text
    assert article.text.startswith("Giá vàng SJC sáng nay")
