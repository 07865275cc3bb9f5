"""Mention spans follow the conventions of the Vietnamese NER benchmarks.

The entity's name (what the panel shows and groups by) may differ from its
spans: "tỉnh Quảng Nam" is a mention of "Quảng Nam", "ngày 2/9" of "2/9".
Every sentence here was written for these tests.
"""

from __future__ import annotations

import pytest

from tuireader.entities import extract


def spans(text: str, type_: str | None = None) -> list[tuple[str, str]]:
    """(type, text of the span) of every mention, in text order."""
    out = [(s, e.type, text[s:t]) for e in extract(text) if type_ in (None, e.type) for s, t in e.mentions]
    return [(t, w) for _, t, w in sorted(out)]


def names(text: str, type_: str) -> set[str]:
    return {e.text for e in extract(text) if e.type == type_}


# --- dates ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        # The unit word is inside the span; parts of the day and prepositions are not.
        ("Hợp đồng được ký ngày 12/3/2019 tại xã.", ["ngày 12/3/2019"]),
        ("Chiều 14-8, đoàn khách về tới bến.", ["14-8"]),
        ("Nhà máy khởi công hôm 9/5 và dự kiến chạy vào năm 2027.", ["9/5", "năm 2027"]),
        ("Ông sinh ngày 7 tháng 3 năm 1950 ở làng.", ["ngày 7 tháng 3 năm 1950"]),
        # A full date written with spaces around the dash of its year.
        ("Tàu cập cảng sáng 11-6 – 2008 sau chuyến đi dài.", ["11-6 – 2008"]),
        # Months named by a word, decades and centuries.
        ("Mùa lũ năm ấy kéo dài đến tháng chín.", ["tháng chín"]),
        ("Phong trào rộ lên vào thập kỷ 1980 rồi lắng xuống.", ["thập kỷ 1980"]),
        ("Ngôi đình được dựng từ thế kỷ 18.", ["thế kỷ 18"]),
        ("Khu phố này hình thành trong những năm 1930.", ["những năm 1930"]),
        # Lunar days.
        ("Chợ hoa họp từ 25 tết đến sáng mồng 1.", ["25 tết"]),
        ("Xưởng nghỉ từ 26-29 tết rồi làm lại.", ["26-29 tết"]),
    ],
)
def test_date_spans(text: str, dates: list[str]) -> None:
    assert [w for t, w in spans(text) if t == "DATE"] == dates


@pytest.mark.parametrize(
    ("text", "pieces", "name"),
    [
        # Each date of a range is its own span; the entity keeps the whole expression.
        ("Lớp học mở từ ngày 3 đến 8/4 cho học sinh.", ["ngày 3", "8/4"], "3 đến 8/4"),
        ("Hội chợ diễn ra trong hai ngày 17 và 18-11 ở quảng trường.", ["ngày 17", "18-11"], "17 và 18-11"),
        ("Thứ năm, ngày 6/2, hội đồng họp phiên đầu.", ["Thứ năm", "ngày 6/2"], "Thứ năm, ngày 6/2"),
    ],
)
def test_a_date_in_several_spans_is_one_entity(text: str, pieces: list[str], name: str) -> None:
    dates = [e for e in extract(text) if e.type == "DATE"]
    assert [e.text for e in dates] == [name]
    assert [text[s:t] for s, t in dates[0].mentions] == pieces


def test_years_of_a_range_are_dates_but_a_period_names_none() -> None:
    assert [w for t, w in spans("Ông làm ở mỏ (1968-1972) rồi về quê.") if t == "DATE"] == ["1968", "1972"]
    assert [w for t, w in spans("Vụ mùa năm 1998-1999 mất trắng.") if t == "DATE"] == ["năm 1998", "1999"]
    assert names("Đại hội bầu ban chấp hành nhiệm kỳ 2020-2025.", "DATE") == set()
    assert names("Học phí năm học 2023-2024 giữ nguyên.", "DATE") == set()


def test_a_date_after_a_holiday_name_is_a_date() -> None:
    assert names("Dịp Quốc khánh 2/9 năm ấy, cả làng treo cờ.", "DATE") == {"2/9"}


# --- places ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span", "name"),
    [
        # The category word is inside the span; the name shown drops an administrative one.
        ("Lũ cuốn trôi cầu treo ở xã Phong Điền.", "xã Phong Điền", "Phong Điền"),
        ("Ông về quê ở huyện Tân Kỳ từ năm ngoái.", "huyện Tân Kỳ", "Tân Kỳ"),
        ("Đoàn khách dừng chân ở thị trấn Đồng Văn.", "thị trấn Đồng Văn", "Đồng Văn"),
        ("Nhà hàng nằm trên đường Trần Phú.", "đường Trần Phú", "Trần Phú"),
        # ... and a geographic one stays in the name.
        ("Ghe thuyền neo ở cửa Đại suốt mùa mưa.", "cửa Đại", "cửa Đại"),
        ("Bà con sống ven đầm Ô Loan.", "đầm Ô Loan", "đầm Ô Loan"),
    ],
)
def test_the_category_word_is_inside_a_place(text: str, span: str, name: str) -> None:
    assert ("LOC", span) in spans(text)
    assert name in names(text, "LOC")


def test_a_descriptor_stays_outside_a_place() -> None:
    assert ("LOC", "Mỹ") in spans("Anh từng sống ở nước Mỹ ba năm.")
    assert ("LOC", "Hà Nội") in spans("Mưa lớn ở thủ đô Hà Nội.")


def test_a_place_word_that_ends_another_word_is_no_place_word() -> None:
    # "gia đình" (family) ends in "đình" (a communal house).
    assert names("Cả gia đình Tuấn đều đi làm xa.", "LOC") == set()


def test_a_capitalised_place_word_inside_a_name_stays_in_it() -> None:
    assert ("LOC", "chợ Bến Thành") in spans("Tiểu thương ở chợ Bến Thành than ế ẩm.")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Xe tải lật trên quốc lộ 1A đoạn qua đèo.", "quốc lộ 1A"),
        ("Người dân thôn 4 góp tiền làm đường.", "thôn 4"),
        ("Cửa hàng ở phường 12 mở đến khuya.", "phường 12"),
    ],
)
def test_a_place_named_by_a_number(text: str, span: str) -> None:
    assert ("LOC", span) in spans(text)


def test_a_road_length_is_no_road() -> None:
    assert names("Họ đi bộ đường 10 km mỗi ngày.", "LOC") == set()


# --- organisations ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "span"),
    [
        # A head written in lower case opens the name, with a place after it ...
        ("Hồ sơ đã được ubnd huyện Ba Tơ xem xét.", "ubnd huyện Ba Tơ"),
        ("Bệnh nhân được chuyển về bệnh viện tỉnh Kon Tum.", "bệnh viện tỉnh Kon Tum"),
        ("Vụ việc do công an huyện Krông Pắc thụ lý.", "công an huyện Krông Pắc"),
        # ... with a capitalised name ...
        ("Chị làm kế toán cho công ty TNHH Minh Phát.", "công ty TNHH Minh Phát"),
        # ... or with lower-case words saying what it does before the name.
        ("Anh là thợ ở nhà máy gạch Đồng Tâm đã mười năm.", "nhà máy gạch Đồng Tâm"),
        ("Lô hàng thuộc cơ sở chế biến hạt điều Phúc Lộc.", "cơ sở chế biến hạt điều Phúc Lộc"),
        # A name in lower case closed by "quốc gia".
        ("Cô là giảng viên học viện báo chí quốc gia.", "học viện báo chí quốc gia"),
    ],
)
def test_an_organisation_opened_by_a_lower_case_head(text: str, span: str) -> None:
    assert ("ORG", span) in spans(text)


@pytest.mark.parametrize(
    "text",
    [
        "Các nước bàn về chương trình hạt nhân Iran.",  # "hạt nhân" is no "hạt" (ranger post)
        "Ông dự hội nghị ngoại trưởng ở Viêng Chăn.",  # "hội nghị" is no "hội" (association)
        "Trường hợp Nguyễn Văn Tư được xem xét lại.",
        "Du khách dạo phố đi bộ Hồ Gươm.",  # "đi bộ" is no "bộ" (ministry)
    ],
)
def test_a_word_beginning_with_a_heads_syllable_opens_no_organisation(text: str) -> None:
    assert not [w for t, w in spans(text) if t == "ORG"]


def test_a_person_after_a_descriptive_head_is_no_part_of_it() -> None:
    assert not [w for t, w in spans("Chủ quán thuê Nguyễn Văn Tư trông xe.") if t == "ORG"]


def test_a_media_classifier_is_outside_a_legal_form_inside() -> None:
    assert ("ORG", "AFP") in spans("Theo hãng tin AFP, cuộc họp đã kết thúc.")
    assert ("ORG", "công ty HYBE") in spans("Tin do công ty HYBE xác nhận.")
    assert names("Tin do công ty HYBE xác nhận.", "ORG") == {"HYBE"}


# --- people -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # After an honorific in lower case, even a word that is also a number or a common word.
        ("Hàng xóm kể ông Chín hay giúp người nghèo.", "Chín"),
        ("Sáng nào chị Tư cũng ra chợ sớm.", "Tư"),
        ("Căn nhà của bà Có đã dột nát.", "Có"),
        # A birth-order name with the given name.
        ("Hồi đó anh em gọi ông là Bảy Hiền.", "Bảy Hiền"),
        # A given name on its own, inside a sentence or as the subject opening it.
        ("Căn phòng nhỏ của Khuyên nằm cuối hẻm.", "Khuyên"),
        ("Quyên đã về quê từ hôm qua.", "Quyên"),
    ],
)
def test_a_bare_given_name_is_a_person(text: str, name: str) -> None:
    assert name in names(text, "PER")


@pytest.mark.parametrize(
    "text",
    [
        "Đội tuyển giành Siêu cúp Quốc gia sau loạt sút luân lưu.",  # "Quốc gia": a word, not "Quốc"
        "Thành công ấy đến sau nhiều năm.",  # a sentence opening with a word, not a name
        "Cô học tiếng Việt ở Huế.",  # a language
    ],
)
def test_a_given_names_syllable_inside_a_word_is_no_person(text: str) -> None:
    assert names(text, "PER") == set()


# --- administrative units and names in lower case ---------------------------------


def test_a_district_without_a_cue_is_a_place_not_a_person() -> None:
    text = "Anh Hùng, 38 tuổi, quê Diễn Châu, Nghệ An, vừa trúng tuyển."
    assert "Diễn Châu" in names(text, "LOC")
    assert "Diễn Châu" not in names(text, "PER")


def test_a_commune_listed_with_a_place_is_a_place() -> None:
    text = "Lũ quét qua Trà Leng và Nam Trà My trong đêm."
    assert {"Trà Leng", "Nam Trà My"} <= names(text, "LOC")


def test_a_family_name_first_stays_a_person() -> None:
    # "Lê Lợi" is also the name of many wards, but a family name opens it.
    assert "Lê Lợi" in names("Vua Lê Lợi dời đô về Thăng Long.", "PER")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Ông về huyện nghĩa hành thăm họ hàng.", "huyện nghĩa hành"),
        ("Hàng hóa từ quảng ngãi chở ra bắc.", "quảng ngãi"),
    ],
)
def test_a_place_written_in_lower_case(text: str, span: str) -> None:
    assert ("LOC", span) in spans(text)


def test_a_common_word_that_is_also_a_place_needs_its_category_word() -> None:
    assert names("Người dân mong hòa bình lâu dài.", "LOC") == set()
    assert ("LOC", "xã hòa bình") in spans("Đường vào xã hòa bình đã sạt lở.")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Cháu nguyễn thị hoa học lớp 3.", "nguyễn thị hoa"),
        ("Trần quang minh kể lại chuyện cũ.", "Trần quang minh"),
    ],
)
def test_a_full_name_written_in_lower_case(text: str, span: str) -> None:
    assert ("PER", span) in spans(text)


def test_a_word_that_is_also_a_family_name_opens_no_lower_case_name() -> None:
    assert names("Ông nhắc lại lập trường của mình.", "PER") == set()


def test_a_people_named_after_a_place_is_no_mention_of_it() -> None:
    assert names("Nhiều người Nhật đến thăm phố cổ.", "LOC") == set()
    assert "Nhật Bản" in names("Một người đàn ông Nhật đến thăm phố cổ.", "LOC")


def test_a_country_after_an_honorific_is_a_persons_name() -> None:
    assert "Mỹ" in names("Vợ của anh Mỹ bán hàng ở chợ.", "PER")


def test_the_longest_category_word_is_inside() -> None:
    assert ("LOC", "thị xã Sơn Tây") in spans("Ông sống ở thị xã Sơn Tây.")
    assert ("LOC", "tp. HCM") in spans("Cô làm việc tại tp. HCM.")


@pytest.mark.parametrize(
    ("text", "span"),
    [
        # A dash or "&" inside a name joins its parts.
        ("Ông làm ở bộ Văn hóa - Thể thao & Du lịch nhiều năm.", "bộ Văn hóa - Thể thao & Du lịch"),
        # A number closes a unit's name.
        ("Ông từng phục vụ ở trung đoàn Bộ binh 42 thời chiến.", "trung đoàn Bộ binh 42"),
        # A district whose first word is a country's name.
        ("Hồ sơ đã gửi ubnd huyện Đức Trọng.", "ubnd huyện Đức Trọng"),
    ],
)
def test_long_organisation_names(text: str, span: str) -> None:
    assert ("ORG", span) in spans(text)


def test_a_person_after_a_body_in_lower_case_is_no_part_of_it() -> None:
    text = "Thứ trưởng bộ Ngoại giao Lê Văn Tâm cho biết."
    assert ("ORG", "bộ Ngoại giao") in spans(text)
    assert ("PER", "Lê Văn Tâm") in spans(text)


def test_a_body_of_a_city_not_named_is_none() -> None:
    assert not [w for t, w in spans("Dự án đã được ubnd TP phê duyệt.") if t == "ORG"]


def test_the_centre_of_a_city_is_no_body() -> None:
    assert ("ORG", "trung tâm Đà Nẵng") not in spans("Nhà anh cách trung tâm Đà Nẵng 10 km.")


def test_an_abbreviation_of_a_common_noun_is_no_body() -> None:
    assert names("Nhiều SV ở lại trường ăn tết.", "ORG") == set()


def test_a_name_cue_before_a_country_makes_it_a_persons_name() -> None:
    assert "Đức" in names("Tôi gặp một người đàn ông tên Đức ở bến xe.", "PER")
    # ... but "giấu tên" (anonymous) names no one.
    assert "Mỹ" in names("Một quan chức giấu tên Mỹ cho biết.", "LOC")


def test_a_lone_foreign_word_in_a_persons_place_is_a_person() -> None:
    assert "Oksana" in names("Mẹ của Oksana đã tìm con suốt mười năm.", "PER")
    assert "Oksana" in names("Hôm sau, Oksana gửi thư cho tòa soạn.", "PER")
    assert "Signal" in names("Nhiều người chuyển sang dùng Signal và Telegram.", "ORG")


def test_a_lower_case_place_inside_a_longer_phrase_is_no_place():
    assert not [e for e in extract("Hai bên chưa đạt được thỏa thuận an ninh nào trong cuộc gặp.") if e.type == "LOC"]


def test_a_lower_case_place_ending_a_phrase_is_still_found():
    found = {(e.text, e.type) for e in extract("Hàng đặc sản từ hà nội, Long An được chở vào miền Nam.")}
    assert ("hà nội", "LOC") in found
