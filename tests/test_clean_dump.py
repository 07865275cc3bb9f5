"""The text-dump cleaner on the five seed pages and on small hand-made dumps."""

from __future__ import annotations

from pathlib import Path

import pytest

from tuireader.clean import clean_source, clean_text_dump

REPO = Path(__file__).resolve().parents[1]


def _seed_path(name: str) -> Path:
    for folder in (REPO / "sample_corpus", REPO.parent / "shared" / "seeds"):
        if (folder / name).exists():
            return folder / name
    pytest.skip(f"seed page {name} not available")


_cache: dict[str, object] = {}


def seed(prefix: str):
    if prefix not in _cache:
        names = {
            "000": "000_af6f8fecb0776f9f.txt",
            "001": "001_f3f0c5212c1f1538.txt",
            "002": "002_406376cbe7d86ae0.txt",
            "003": "003_88d42bd29b8f9cef.txt",
            "004": "004_86bafeeedd454cec.txt",
        }
        path = _seed_path(names[prefix])
        _cache[prefix] = clean_source(path.read_bytes(), filename=path.name)
    return _cache[prefix]


# --- titles, bylines, sites ---------------------------------------------------


@pytest.mark.parametrize(
    ("prefix", "title"),
    [
        ("000", "Ngoại trưởng Nga, Mỹ điện đàm về Ukraine và quan hệ song phương"),
        ("001", "Hội đàm Nga-Mỹ: Washington thể hiện, Moscow tỏ hy vọng 'cảm xúc sẽ hạ nhiệt'"),
        ("002", "5 giờ hội đàm “thẳng thắn, không khoan nhượng” giữa Ngoại trưởng Mỹ – Trung"),
        # Not the breadcrumb "Trang chủNewsThế giới..." above it.
        ("003", "Bộ trưởng Quốc phòng Nga, Mỹ điện đàm"),
        # Not the site banner "Đại hội đại biểu toàn quốc lần thứ XIV" nor "Logo".
        ("004", "Ngoại trưởng Mỹ: Thượng đỉnh Biden - Putin có lợi cho cả Washington và Moscow"),
    ],
)
def test_seed_title(prefix: str, title: str) -> None:
    assert seed(prefix).title == title


@pytest.mark.parametrize(
    ("prefix", "author"),
    [
        ("000", None),
        ("001", "Việt Hà"),
        ("002", None),
        ("003", "KHÁNH HƯNG"),
        ("004", None),
    ],
)
def test_seed_author(prefix: str, author: str | None) -> None:
    assert seed(prefix).author == author


@pytest.mark.parametrize(
    ("prefix", "site"),
    [
        ("000", "VGT"),
        ("001", "Baoquocte.vn"),
        ("002", "VGT"),
        ("003", "sggp.org.vn"),
        ("004", "Kinhtedothi"),
    ],
)
def test_seed_site(prefix: str, site: str) -> None:
    assert seed(prefix).site == site


def test_source_line_becomes_url() -> None:
    article = seed("003")
    assert article.url == "https://www.sggp.org.vn/bo-truong-quoc-phong-nga-my-dien-dam-post746324.html"
    assert "Nguồn:" not in article.text
    assert seed("000").url is None


def test_seed_metadata_shape() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        article = seed(prefix)
        assert article.lang == "vi"
        assert article.lead and article.text.startswith(article.lead)
        assert article.warnings == []
        assert "\n\n\n" not in article.text
        assert article.title not in article.text


# --- every body paragraph kept ------------------------------------------------

BODY = {
    "000": [
        "Bộ Ngoại giao Nga cho biết, ngày 29/7, Ngoại trưởng Nga Sergei Lavrov",
        "Đây là cuộc điện đàm đầu tiên giữa ngoại trưởng hai nước",
        "trong đó có việc trao đổi công dân đang bị giam giữ.",
        "Hãng tin Reuters dẫn tài liệu về nội dung cuộc điện đàm",
        "“Tôi đã thúc ép Điện Kremlin chấp thuận đề xuất quan trọng",
        "kéo dài khoảng 25′ và khá thiết thực.",
    ],
    "001": [
        "Ngày 21/1, Ngoại trưởng Nga Sergei Lavrov và người đồng cấp Mỹ Antony Blinken đã có cuộc hội đàm",
        'Ông nêu rõ: "Các đồng nghiệp Mỹ một lần nữa',
        "Ngoại trưởng Lavrov đánh giá cuộc đối thoại kéo dài 1 giờ rưỡi",
        "Theo ông, vẫn còn cơ hội để khôi phục thỏa thuận hạt nhân lịch sử",
        "Thực tế, các bên đều duy trì lập trường cứng rắn nhằm bảo vệ lợi ích riêng",
    ],
    "002": [
        "Hai nhà ngoại giao hàng đầu Mỹ và Trung Quốc đã thực hiện một cuộc hội đàm kéo dài 5 giờ đồng hồ",
        "Reuters đưa tin, Ngoại trưởng Mỹ Antony Blinken ngày 9/7 nói rằng",
        "“Chúng tôi rất cởi mở về những sự khác biệt giữa các bên.",
        "Ông Vương nói: “Nhiều người tin Mỹ đang gặp phải hội chứng ám ảnh vì Trung Quốc”.",
        "Trước cuộc hội đàm, giới chức Mỹ cho hay",
    ],
    "003": [
        "Bộ trưởng Quốc phòng Nga Andrei Belousov và người đồng cấp Mỹ Lloyd Austin, ngày 25-6",
        "Tờ New York Times dẫn lời Thiếu tướng Patrick S. Ryder",
        "Bộ Quốc phòng Nga ngày 25-6 xác nhận nước này và Ukraine đã trao đổi mỗi bên 90 tù binh",
        "Thông báo cũng cho biết Các tiểu vương quốc Arab thống nhất (UAE)",
    ],
    "004": [
        "Ngoại trưởng Mỹ khẳng định rằng Washington không muốn leo thang căng thẳng với Nga",
        "Trong bài trả lời phỏng vấn tờ Financial Times hôm 4/5",
        "Tổng thống Mỹ Joe Biden trong tháng 6 sẽ có chuyến công du nước ngoài đầu tiên",
        "Theo Nhà Trắng, các quan chức Mỹ đang tìm cách thực hiện một cuộc gặp trực tiếp",
    ],
}


@pytest.mark.parametrize(("prefix", "sentence"), [(p, s) for p, items in BODY.items() for s in items])
def test_seed_body_sentence_kept(prefix: str, sentence: str) -> None:
    assert sentence in seed(prefix).text


def test_seed_body_ends_where_the_article_ends() -> None:
    assert seed("000").text.endswith("kéo dài khoảng 25′ và khá thiết thực.")
    assert seed("001").text.endswith("thỏa thuận an ninh mà Moscow đã đưa ra.")
    assert seed("003").text.endswith("tại các cơ sở y tế quân đội.")
    assert seed("004").text.endswith("trong cuộc điện đàm hôm 13/4 vừa qua.")


def test_broken_paragraph_rejoined() -> None:
    text = seed("000").text
    assert "vụ việc của Vadim Krasikov, người đã bị kết tội giết người" in text
    assert "vì hiện Krasikov đang bị giam giữ tại Đức" in text
    paragraph = next(p for p in text.split("\n\n") if "Vadim" in p)
    assert paragraph.endswith("chứ không chỉ tội giết người.")


def test_embedded_article_of_another_story_dropped() -> None:
    # Decision: a headline-like line inside the body whose own picture
    # ("<that headline> - Hình 1") follows a few lines later opens an embedded
    # article about another story (here the Biden-Xi call of 28/7 inside an
    # article on the Lavrov-Blinken call).  It and everything after it go;
    # the same rule cuts the G20 piece out of seed 002.
    text = seed("000").text
    assert "Lãnh đạo Mỹ - Trung kết thúc điện đàm" not in text
    assert "Tập Cận Bình" not in text
    assert "Hội nghị Ngoại trưởng G20" not in seed("002").text
    assert "Bali" not in seed("002").text


# --- no boilerplate left ------------------------------------------------------

BOILERPLATE = [
    "Theo dõi",
    "Video đang HOT",
    "Hình 1",
    "Ảnh: AFP",
    "Ảnh:",
    "(Nguồn: BBC)",
    "hữu ích không",
    "Tin liên quan",
    "Tiêu điểm",
    "Tin đang nóng",
    "Tin mới nhất",
    "Có thể bạn quan tâm",
    "Cùng chủ đề",
    "Đọc nhiều",
    "Đọc thêm",
    "Tin mới",
    "Đừng bỏ lỡ",
    "Mới nhất",
    "BÌNH LUẬN",
    "Rất hay",
    "Cần cải thiện",
    "Đăng nhập",
    "Đăng ký mua gói",
    "Logo",
    "Trang chủ",
    "Phiên bản di động",
    "KHÁNH HƯNG",
    "Việt Hà",
    "(theo Sputnik",
    "sggp.org.vn",
    "Nam Em khiến khán giả",
    "22:39:18",
    "03/03/2025",
    "31 Dec",
    "Tin thế giới 21/1",
    "Zero Covid",
    "Đại hội đại biểu",
    "HỎI ĐÁP",
    "CẢM NHẬN",
    "Sao việt",
    "Trắc nghiệm",
]


@pytest.mark.parametrize("phrase", BOILERPLATE)
def test_no_boilerplate(phrase: str) -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        assert phrase not in seed(prefix).text, (prefix, phrase)


def test_no_line_is_a_repeat_of_the_previous() -> None:
    for prefix in ("000", "001", "002", "003", "004"):
        paragraphs = seed(prefix).text.split("\n\n")
        assert all(a != b for a, b in zip(paragraphs, paragraphs[1:], strict=False))


# --- small hand-made dumps ----------------------------------------------------

PROSE = (
    "Phóng viên ghi nhận tại hiện trường cho thấy lực lượng chức năng đã có mặt từ sớm "
    "để phân luồng giao thông và hỗ trợ người dân trong khu vực."
)


def test_crosshead_inside_the_body_is_kept() -> None:
    # A lone short headline-like line between paragraphs, with no picture of
    # its own and no cut-off teaser after it, is the article's own crosshead.
    dump = "\n\n".join(
        [
            "Hà Nội thông xe cầu vượt mới ở cửa ngõ phía Tây",
            PROSE,
            "Giảm ùn tắc giờ cao điểm",
            "Theo Sở Giao thông vận tải, công trình giúp giảm đáng kể thời gian di chuyển của người dân "
            "vào giờ cao điểm buổi sáng.",
        ]
    )
    article = clean_text_dump(dump)
    assert article.title == "Hà Nội thông xe cầu vượt mới ở cửa ngõ phía Tây"
    assert "Giảm ùn tắc giờ cao điểm" in article.text
    assert article.text.endswith("buổi sáng.")


def test_headline_with_cut_off_teaser_ends_the_article() -> None:
    dump = "\n\n".join(
        [
            "Hà Nội thông xe cầu vượt mới ở cửa ngõ phía Tây",
            PROSE,
            "Giá vàng hôm nay tăng mạnh phiên đầu tuần",
            "Giá vàng trong nước sáng nay đồng loạt tăng theo đà của thị trường thế giới khi ...",
        ]
    )
    article = clean_text_dump(dump)
    assert article.text == PROSE


def test_quoted_speech_kept_and_glued_headlines_dropped() -> None:
    quote = "“Chúng tôi sẽ tiếp tục theo dõi sát diễn biến và thông tin kịp thời cho người dân”, ông nói."
    dump = "\n".join(
        [
            "Hà Nội thông xe cầu vượt mới ở cửa ngõ phía Tây",
            "",
            PROSE,
            quote,
            "",
            "Tin liên quan",
            "Giá xăng giảm nhẹGiá xăng giảm nhẹ",
            "10:42:54 02/03/2025",
        ]
    )
    article = clean_text_dump(dump)
    assert article.text == PROSE + "\n\n" + quote


def test_dump_without_prose_warns() -> None:
    article = clean_text_dump("Trang chủ\nĐăng nhập\nTin mới\n")
    assert article.text == ""
    assert any("no article found" in w for w in article.warnings)


def test_header_date_byline_at_the_end_and_breadcrumb_with_separators() -> None:
    second = (
        "Theo Sở Giao thông vận tải, công trình giúp giảm đáng kể thời gian di chuyển "
        "của người dân vào giờ cao điểm buổi sáng."
    )
    dump = "\n".join(
        [
            "Trang chủ > Thời sự > Giao thông",
            "Thứ hai, 04/11/2024 10:05 (GMT+7)",
            "Hà Nội thông xe cầu vượt mới ở cửa ngõ phía Tây",
            PROSE,
            second,
            "Minh Anh (TTXVN)",
            "Tin cùng chuyên mục",
            "Giá vàng hôm nay tăng mạnh phiên đầu tuần",
        ]
    )
    article = clean_text_dump(dump, url="https://baomau.vn/giao-thong/cau-vuot.html")
    assert article.title == "Hà Nội thông xe cầu vượt mới ở cửa ngõ phía Tây"
    assert article.published == "2024-11-04T10:05:00"
    assert article.author == "Minh Anh (TTXVN)"
    assert article.text == PROSE + "\n\n" + second
    assert article.site == "baomau.vn"
    assert article.url == "https://baomau.vn/giao-thong/cau-vuot.html"


def test_hard_wrapped_lines_are_joined() -> None:
    dump = "\n".join(
        [
            "Hà Nội thông xe cầu vượt mới ở cửa ngõ phía Tây",
            "",
            "Phóng viên ghi nhận tại hiện trường cho thấy lực lượng chức năng",
            "đã có mặt từ sớm để phân luồng giao thông và hỗ trợ người dân trong khu vực.",
        ]
    )
    assert clean_text_dump(dump).text == PROSE


def test_other_site_layouts() -> None:
    lead = "Từ tháng sau, bốn tuyến xe buýt điện mới sẽ nối trung tâm thành phố với các huyện ngoại thành."
    body = (
        "Sở Giao thông vận tải Hà Nội cho biết bốn tuyến xe buýt điện mới sẽ đi vào hoạt động "
        "từ ngày 1/6, phục vụ khoảng 20.000 lượt khách mỗi ngày."
    )
    quote = (
        '"Chúng tôi ưu tiên những khu vực chưa có phương tiện công cộng chất lượng cao", '
        "ông Nguyễn Văn Bình, Phó giám đốc Sở, nói."
    )
    title = "Hà Nội mở rộng tuyến xe buýt điện đến các huyện ngoại thành"
    first = clean_text_dump(
        "\n".join(
            [
                "Thời sự",
                "Giao thông",
                "Thứ ba, 14/5/2024, 07:30 (GMT+7)",
                title,
                lead,
                "",
                body,
                "Xe buýt điện trên phố Kim Mã. Ảnh: Ngọc Thành",
                "Xe buýt điện trên phố Kim Mã. Ảnh: Ngọc Thành",
                quote,
                "Minh Anh",
                "Xem thêm:",
                "Xe buýt điện đầu tiên lăn bánh ở Thủ đô",
                "Trở lại Thời sự",
                "Chia sẻ",
            ]
        )
    )
    assert (first.title, first.author, first.published) == (title, "Minh Anh", "2024-05-14T07:30:00")
    assert first.text == "\n\n".join([lead, body, quote])

    second = clean_text_dump(
        "\n".join(
            [
                "Dân trí",
                "Thứ ba, 14/05/2024 - 07:30",
                title,
                "(Dân trí) - " + lead,
                body,
                "Theo kế hoạch, đến năm 2030 toàn bộ xe buýt nội đô sẽ chuyển sang dùng điện:",
                "- Năm 2025: 30% đoàn xe",
                "- Năm 2030: toàn bộ đoàn xe",
                "Nguyễn Minh",
                "Tin liên quan",
                "Xe buýt điện đầu tiên lăn bánh ở Thủ đô",
            ]
        )
    )
    assert (second.title, second.author, second.site) == (title, "Nguyễn Minh", "Dân trí")
    assert second.text.endswith("dùng điện:\n\n- Năm 2025: 30% đoàn xe\n- Năm 2030: toàn bộ đoàn xe")
    assert "Tin liên quan" not in second.text


def test_camel_case_brand_names_are_not_breadcrumbs() -> None:
    title = "Apple ra mắt iPhone mới tại cửa hàng McDonald ở Hà Nội"
    article = clean_text_dump(title + "\n\n" + PROSE)
    assert article.title == title


def test_cookie_notice_and_teaser_box_above_the_article() -> None:
    title = "Hà Nội thông xe cầu vượt mới ở cửa ngõ phía Tây"
    second = (
        "Theo Sở Giao thông vận tải, công trình giúp giảm đáng kể thời gian di chuyển "
        "của người dân vào giờ cao điểm buổi sáng."
    )
    dump = "\n".join(
        [
            "Logo",
            "Chúng tôi sử dụng cookie để cải thiện trải nghiệm của bạn, bằng cách tiếp tục truy cập trang web "
            "và các dịch vụ liên quan của chúng tôi, bạn đồng ý với chính sách bảo mật và điều khoản sử dụng này.",
            "Tin nóng",
            "Giá vàng hôm nay tăng mạnh phiên đầu tuần",
            "Giá vàng trong nước sáng nay đồng loạt tăng theo đà của thị trường thế giới khi nhu cầu trú ẩn tăng cao.",
            "Mưa lớn kéo dài ở các tỉnh miền Trung",
            "Nhiều tuyến đường ở Quảng Nam bị ngập sâu sau ba ngày mưa lớn liên tục, giao thông bị chia cắt.",
            title,
            PROSE,
            second,
            "Tin liên quan",
        ]
    )
    article = clean_text_dump(dump)
    assert article.title == title
    assert article.text == PROSE + "\n\n" + second


# --- outlet lead-ins ----------------------------------------------------------

_DUMP = """Hà Nội khởi công đường vành đai bốn qua ba tỉnh thành

{first}

Dự án có tổng mức đầu tư hơn 85.000 tỷ đồng, đi qua Hà Nội, Hưng Yên và Bắc Ninh, dự kiến hoàn thành vào năm 2027.

Theo Sở Giao thông vận tải, các nhà thầu sẽ thi công ba ca liên tục để bảo đảm tiến độ đã đề ra.
"""
_FIRST = (
    "Sáng nay, lễ khởi công dự án đường vành đai bốn vùng Thủ đô đã diễn ra tại huyện Thanh Oai"
    " với sự tham dự của lãnh đạo thành phố."
)


@pytest.mark.parametrize("leadin", ["Baomau - ", "(Baomau) - ", "TTO - "])
def test_an_outlet_leadin_leaves_the_text(leadin: str) -> None:
    article = clean_text_dump(_DUMP.format(first=leadin + _FIRST))
    assert article.text.startswith(_FIRST) and article.lead == _FIRST


def test_a_two_word_leadin_goes_only_when_it_is_the_site_the_page_names() -> None:
    dateline = clean_text_dump(_DUMP.format(first="Hà Nội - " + _FIRST))
    assert dateline.text.startswith("Hà Nội - ")
    named = clean_text_dump(_DUMP.format(first="Báo Mẫu - " + _FIRST) + "\nTheo dõi Báo Mẫu trên\n")
    assert named.text.startswith(_FIRST), named.text[:40]
