"""Organisation names, foreign names and alias merging: one test per general rule."""

from __future__ import annotations

import pytest

from tuireader.entities import Entity, extract


def found(text: str) -> set[tuple[str, str]]:
    return {(e.type, e.text) for e in extract(text)}


def of_type(text: str, type_: str) -> list[Entity]:
    return [e for e in extract(text) if e.type == type_]


# --- organisation names written in sentence case ------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Cục Quản lý thị trường tỉnh Lạng Sơn thu giữ 2.000 sản phẩm.", "Cục Quản lý thị trường tỉnh Lạng Sơn"),
        ("Quỹ Bảo vệ môi trường Việt Nam cho vay ưu đãi.", "Quỹ Bảo vệ môi trường Việt Nam"),
        (
            "Hiệp hội Chế biến và Xuất khẩu thủy sản Việt Nam dự báo xuất khẩu tăng.",
            "Hiệp hội Chế biến và Xuất khẩu thủy sản Việt Nam",
        ),
        (
            "Trung tâm Dự báo khí tượng thủy văn quốc gia cảnh báo mưa lớn.",
            "Trung tâm Dự báo khí tượng thủy văn quốc gia",
        ),
        (
            "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam giảm lãi suất.",
            "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam",
        ),
    ],
)
def test_lower_case_words_inside_an_organisation_name_belong_to_it(text: str, name: str) -> None:
    assert ("ORG", name) in found(text)


def test_lower_case_words_after_a_finished_name_are_what_it_does() -> None:
    orgs = {e.text for e in of_type("Tập đoàn Samsung đầu tư thêm 2 tỷ USD vào Bắc Ninh.", "ORG")}
    assert orgs == {"Samsung"}
    orgs = {e.text for e in of_type("Bệnh viện Bạch Mai chuyển viện bệnh nhân Nguyễn Văn An.", "ORG")}
    assert orgs == {"Bệnh viện Bạch Mai"}


def test_a_title_inside_a_name_before_a_place_is_part_of_the_name() -> None:
    assert ("ORG", "Tổ chức Hỗ trợ Sinh viên Nhật Bản") in found("Tổ chức Hỗ trợ Sinh viên Nhật Bản cấp học bổng.")
    # ... but a title followed by a name introduces a person.
    entities = found("Giám đốc Sở Y tế Bác sĩ Trần Văn Tâm cho biết.")
    assert ("ORG", "Sở Y tế") in entities


def test_a_place_written_in_lower_case_qualifies_an_organisation() -> None:
    entities = found("Ngân hàng Trung ương châu Âu (ECB) giữ nguyên lãi suất.")
    assert ("ORG", "Ngân hàng Trung ương châu Âu") in entities
    assert ("LOC", "châu Âu") not in entities
    assert len(of_type("Ngân hàng Trung ương châu Âu (ECB) giữ nguyên lãi suất.", "ORG")) == 1


# --- short names in brackets --------------------------------------------------


@pytest.mark.parametrize("short", ["HoREA", "Vinafruit", "JASSO"])
def test_a_bracketed_short_name_joins_the_organisation(short: str) -> None:
    text = f"Hiệp hội Rau quả Việt Nam ({short}) kiến nghị. Ông Lê Văn Châu, Chủ tịch {short}, cho biết."
    orgs = of_type(text, "ORG")
    assert [e.text for e in orgs] == ["Hiệp hội Rau quả Việt Nam"]
    assert orgs[0].aliases == [short]
    assert orgs[0].count == 3
    assert {(e.type, e.text) for e in of_type(text, "PER")} == {("PER", "Lê Văn Châu")}


def test_a_bracketed_place_is_not_a_short_name() -> None:
    entities = found("Học viện Nông nghiệp ký thỏa thuận với Đại học Wageningen (Hà Lan).")
    assert ("LOC", "Hà Lan") in entities
    assert ("ORG", "Đại học Wageningen") in entities


def test_a_short_name_used_before_it_is_defined_still_joins() -> None:
    text = "Chủ tịch HoREA Lê Hoàng Châu cho biết. Hiệp hội Bất động sản TP.HCM (HoREA) kiến nghị."
    assert found(text) == {("PER", "Lê Hoàng Châu"), ("ORG", "Hiệp hội Bất động sản TP.HCM")}


# --- the body a person leads ---------------------------------------------------


def test_a_title_in_apposition_governs_an_organisation() -> None:
    entities = found("Tỷ phú Warren Buffett, Chủ tịch Berkshire Hathaway, phát biểu.")
    assert entities == {("PER", "Warren Buffett"), ("ORG", "Berkshire Hathaway")}


# --- one entry per organisation -------------------------------------------------


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        (
            "Ủy ban Nhân dân tỉnh Nghệ An ban hành quyết định. UBND tỉnh Nghệ An yêu cầu triển khai.",
            "Ủy ban Nhân dân tỉnh Nghệ An",
        ),
        ("UBND TP.HCM họp báo. Ủy ban nhân dân Thành phố Hồ Chí Minh cho biết sẽ xử lý.", "UBND TP.HCM"),
        ("Tòa án nhân dân tỉnh Khánh Hòa xét xử. TAND Khánh Hòa tuyên án.", "Tòa án nhân dân tỉnh Khánh Hòa"),
        ("Công ty Honda Việt Nam triệu hồi 10.000 xe. Honda cho biết lỗi nằm ở phanh.", "Công ty Honda Việt Nam"),
        (
            "Công ty Cổ phần Tập đoàn Phúc Sơn bị điều tra. Phúc Sơn đã trúng nhiều gói thầu.",
            "Công ty Cổ phần Tập đoàn Phúc Sơn",
        ),
        ("Nhóm Houthi ở Yemen tấn công tàu hàng. Houthi cho biết sẽ tiếp tục.", "Houthi"),
    ],
)
def test_abbreviated_and_short_forms_of_an_organisation_make_one_entry(text: str, canonical: str) -> None:
    orgs = of_type(text, "ORG")
    assert [e.text for e in orgs] == [canonical]
    assert orgs[0].count == 2
    assert not of_type(text, "PER")


def test_the_press_of_a_country_is_the_country() -> None:
    assert ("LOC", "Mỹ") in found("Báo Mỹ đưa tin về cuộc gặp.")
    assert not of_type("Báo Mỹ đưa tin về cuộc gặp.", "ORG")
    assert ("ORG", "Quảng Ninh") in found("Báo Quảng Ninh đưa tin về lễ hội.")


# --- foreign names: person, organisation or place ------------------------------


@pytest.mark.parametrize(
    ("text", "club"),
    [
        ("Real Madrid thắng 3-1 trên sân nhà.", "Real Madrid"),
        ("Becamex Bình Dương chiêu mộ thêm hai ngoại binh.", "Becamex Bình Dương"),
        ("Hãng hàng không Garuda Indonesia mở đường bay mới.", "Garuda Indonesia"),
    ],
)
def test_a_foreign_word_before_a_place_names_a_body(text: str, club: str) -> None:
    assert found(text) == {("ORG", club)}


def test_a_person_before_a_place_after_a_cue_stays_a_person() -> None:
    entities = found("Ông Luis Madrid nói rằng giá sẽ tăng.")
    assert not any(t == "ORG" for t, _ in entities)


def test_an_arabic_article_inside_a_name() -> None:
    assert ("PER", "Abdel Fattah al-Sisi") in found("Tổng thống Ai Cập Abdel Fattah al-Sisi tiếp khách tại Cairo.")


def test_names_listed_with_organisations_are_organisations() -> None:
    entities = found("Triển lãm có Lockheed Martin, Saab và Viettel tham gia.")
    assert {("ORG", "Lockheed Martin"), ("ORG", "Saab"), ("ORG", "Viettel")} <= entities
    # People listed with people stay people.
    assert found("Ông John Smith và Peter Brown gặp nhau.") == {("PER", "John Smith"), ("PER", "Peter Brown")}


# --- more organisation shapes ------------------------------------------------------


def test_a_lower_case_continent_qualifies_a_union() -> None:
    assert found("Liên minh châu Phi đình chỉ tư cách của Niger.") == {("ORG", "Liên minh châu Phi"), ("LOC", "Niger")}


@pytest.mark.parametrize("unit", ["Quân khu 7", "Sư đoàn 312", "Bệnh viện 108"])
def test_numbered_units_are_organisations(unit: str) -> None:
    assert found(f"{unit} tổ chức lễ kỷ niệm.") == {("ORG", unit)}


def test_a_programme_with_an_acronym_is_a_body_but_a_show_is_not() -> None:
    entities = found("Chương trình Lương thực Thế giới (WFP) cảnh báo nạn đói ở Haiti.")
    assert ("ORG", "Chương trình Lương thực Thế giới") in entities
    assert ("ORG", "WFP") not in entities
    assert found("Chương trình Táo Quân phát sóng tối 30 Tết.") == {("DATE", "30 Tết")}


@pytest.mark.parametrize(
    ("text", "full", "short"),
    [
        ("Bộ Tài nguyên và Môi trường cho biết. Bộ TN-MT sẽ kiểm tra.", "Bộ Tài nguyên và Môi trường", "Bộ TN-MT"),
        ("Ủy ban Chứng khoán Nhà nước xử phạt. UBCKNN sẽ thanh tra tiếp.", "Ủy ban Chứng khoán Nhà nước", "UBCKNN"),
    ],
)
def test_an_acronym_joins_the_name_it_abbreviates(text: str, full: str, short: str) -> None:
    orgs = of_type(text, "ORG")
    assert [(e.text, e.aliases) for e in orgs] == [(full, [short])]


def test_second_halves_of_words_are_no_person_cues() -> None:
    # "công bố" is "announce", not "bố" (father) before a name.
    assert not of_type("Tổng cục Thống kê công bố GDP quý I.", "PER")
    assert ("PER", "Bùi Tiến Dũng") in found("Hình ảnh của vợ Bùi Tiến Dũng gây chú ý.")


# --- clubs, beaches, numbered districts, stage names ------------------------------


def test_a_club_named_after_its_province_in_a_sport_report() -> None:
    entities = found("Sau trận hòa 1-1 với Sông Lam Nghệ An, đội bóng Đông Á Thanh Hóa lên đầu bảng.")
    assert {("ORG", "Sông Lam Nghệ An"), ("ORG", "Đông Á Thanh Hóa")} <= entities
    assert not any(t == "LOC" for t, _ in entities)


def test_a_vietnamese_beach_drops_the_word_bien() -> None:
    assert ("LOC", "Mỹ Khê") in found("Người dân đổ ra biển Mỹ Khê tắm từ sáng sớm.")
    assert ("LOC", "sông Hương") in found("Du khách đi thuyền trên sông Hương.")


def test_numbered_districts_keep_their_word() -> None:
    assert ("LOC", "quận 2") in found("Ca sĩ mua biệt thự ở quận 2.")
    assert found("Công an quận 7 bắt giữ hai đối tượng.") == {("ORG", "Công an quận 7")}


def test_a_stage_name_made_of_the_full_names_words_joins_it() -> None:
    people = of_type("Nữ ca sĩ Hà Hồ tổ chức sinh nhật. Hồ Ngọc Hà chia sẻ niềm vui.", "PER")
    assert [(e.text, e.aliases) for e in people] == [("Hồ Ngọc Hà", ["Hà Hồ"])]


# --- codes, compass words, holidays, accents -----------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Gạo ST25 được xuất khẩu sang nhiều nước.",
        "Tàu SE1 chạy tuyến Bắc - Nam bị chậm 2 giờ.",
        "Dịp Tết Nguyên đán năm nay người lao động được nghỉ 9 ngày.",
    ],
)
def test_codes_directions_and_holidays_are_not_entities(text: str) -> None:
    assert found(text) == set()


def test_a_broadcasters_channel_is_an_organisation_but_a_flight_code_is_not() -> None:
    assert found("Trận đấu được phát trên VTV3.") == {("ORG", "VTV3")}
    assert found("Chuyến bay VN123 của Vietnam Airlines hạ cánh an toàn.") == {("ORG", "Vietnam Airlines")}


def test_sentence_case_name_ends_after_the_capitalised_words_second_syllable() -> None:
    assert ("ORG", "Trung tâm Dự báo") in found("Trung tâm Dự báo cho biết bão suy yếu.")
    assert ("ORG", "Bộ Xây dựng") in found("Thủ tướng yêu cầu Bộ Xây dựng sớm hoàn thành cao tốc Cần Thơ.")
    assert ("LOC", "Cần Thơ") in found("Thủ tướng yêu cầu Bộ Xây dựng sớm hoàn thành cao tốc Cần Thơ.")
    assert ("ORG", "Bộ Tư lệnh Cảnh sát biển Việt Nam") in found("Bộ Tư lệnh Cảnh sát biển Việt Nam diễn tập.")


def test_a_bare_acronym_head_before_an_unnamed_province_is_no_entity() -> None:
    assert found("Ông Lê Văn An, cựu Chủ tịch UBND tỉnh, bị khởi tố.") == {("PER", "Lê Văn An")}


def test_foreign_names_match_without_their_accents_but_vietnamese_ones_do_not() -> None:
    people = of_type("Tiền đạo Kylian Mbappé ghi bàn. Mbappe cho biết anh rất vui.", "PER")
    assert [(e.text, e.aliases) for e in people] == [("Kylian Mbappé", ["Mbappe"])]
    people = of_type("Ông Nguyễn Văn Hùng gặp ông Trần Văn Hưng.", "PER")
    assert len(people) == 2


def test_a_shorter_form_joins_a_known_body_named_in_full() -> None:
    text = (
        "Ngân hàng Thương mại Cổ phần Công Thương Việt Nam (VietinBank) báo lãi. "
        "Ngân hàng Công Thương cũng giảm lãi suất."
    )
    orgs = of_type(text, "ORG")
    assert len(orgs) == 1 and orgs[0].count == 3


def test_a_long_known_name_in_sentence_case_is_recognised() -> None:
    text = "Tổ chức Y tế Thế giới (WHO) cảnh báo. Theo Tổ chức Y tế thế giới, số ca mắc tăng."
    orgs = of_type(text, "ORG")
    assert len(orgs) == 1 and orgs[0].count == 3


def test_vietnamese_towns_and_sights_are_places() -> None:
    entities = found("Quảng Nam có phố cổ Hội An. Du khách cũng lên Sa Pa và Đà Lạt.")
    assert {("LOC", "Hội An"), ("LOC", "Sa Pa"), ("LOC", "Đà Lạt")} <= entities
    assert not of_type("Quảng Nam có phố cổ Hội An.", "ORG")


def test_a_business_title_names_the_company_before_the_person() -> None:
    assert found("Giám đốc điều hành Apple Tim Cook thăm Hà Nội.") == {
        ("ORG", "Apple"),
        ("PER", "Tim Cook"),
        ("LOC", "Hà Nội"),
    }
    # A head of state's name is not cut.
    assert ("PER", "Luiz Inácio Lula") in found("Tổng thống Luiz Inácio Lula phát biểu.")


def test_parks_lakes_and_the_names_are_not_people() -> None:
    assert found("Công viên Thống Nhất được cải tạo.") == {("LOC", "Công viên Thống Nhất")}
    assert found("Hồ Gươm đông du khách dịp cuối tuần.") == {("LOC", "Hồ Gươm")}
    assert found("Tay golf Scottie Scheffler vô địch The Masters.") == {
        ("PER", "Scottie Scheffler"),
        ("ORG", "The Masters"),
    }


def test_ampersand_names_are_one_word() -> None:
    assert ("ORG", "S&P Global") in found("Theo S&P Global, chỉ số PMI tăng lên 52 điểm.")


def test_a_capitalised_words_second_syllable_completes_a_name() -> None:
    assert ("ORG", "Hội đồng Xét xử") in found("Hội đồng Xét xử bác kháng cáo của bị cáo Trịnh Văn Quyết.")
    # ... but a country's name is already a whole word.
    assert found("Hãng Nhật sản xuất ô tô điện.") == {("LOC", "Nhật Bản")}


def test_abbreviated_portfolios_match_the_spelled_out_department() -> None:
    text = "Sở Giáo dục và Đào tạo TP.HCM ban hành hướng dẫn. Sở GD-ĐT TP.HCM yêu cầu các trường thực hiện."
    orgs = of_type(text, "ORG")
    assert [(e.text, e.aliases) for e in orgs] == [("Sở Giáo dục và Đào tạo TP.HCM", ["Sở GD-ĐT TP.HCM"])]
    assert ("ORG", "Bộ Giáo dục và Đào tạo") in found("Bộ trưởng Bộ GD-ĐT Nguyễn Kim Sơn phát biểu.")


def test_two_local_names_joined_by_a_dash_after_o_are_one_place_but_a_route_is_two() -> None:
    assert found("Du khách bị lạc ở Phong Nha - Kẻ Bàng suốt 2 ngày.") == {("LOC", "Phong Nha - Kẻ Bàng")}
    assert found("Xe chạy tuyến Bến Thành - Suối Tiên.") == {("LOC", "Bến Thành"), ("LOC", "Suối Tiên")}
    assert found("Tỉnh Bà Rịa - Vũng Tàu đón khách.") == {("LOC", "Bà Rịa - Vũng Tàu")}


@pytest.mark.parametrize(
    ("text", "full", "short"),
    [
        ("Ông Kim Jong-un thị sát nhà máy. Kim Jong Un yêu cầu tăng sản lượng.", "Kim Jong-un", "Kim Jong Un"),
        ("Tổng thống Donald J. Trump phát biểu. Ông Donald Trump cho biết.", "Donald J. Trump", "Donald Trump"),
    ],
)
def test_spelling_variants_of_a_person_make_one_entry(text: str, full: str, short: str) -> None:
    people = of_type(text, "PER")
    assert len(people) == 1
    assert {people[0].text, *people[0].aliases} == {full, short}


def test_a_party_written_in_sentence_case_after_dang() -> None:
    assert ("ORG", "Dân chủ") in found("Bà Kamala Harris cho biết đảng Dân chủ cần đoàn kết hơn.")
    orgs = of_type("Đảng Cộng hòa kiểm soát Hạ viện. Ứng viên đảng Cộng hòa thắng cử.", "ORG")
    assert [(e.text, e.aliases) for e in orgs] == [("Đảng Cộng hòa", ["Cộng hòa"])]


def test_foreign_names_doing_what_companies_do_are_companies() -> None:
    assert found("Berkshire Hathaway báo lãi 10 tỷ USD.") == {("ORG", "Berkshire Hathaway")}
    assert found("Jensen Huang cho biết chip mới rất mạnh.") == {("PER", "Jensen Huang")}


def test_club_nicknames_are_aliases() -> None:
    orgs = of_type("Manchester United thua 0-2. Man Utd đang khủng hoảng.", "ORG")
    assert [e.text for e in orgs] == ["Manchester United"]


def test_a_rare_family_name_inside_a_body_gives_way_to_a_common_one() -> None:
    assert found("Phó Giám đốc Bệnh viện Bạch Mai Nguyễn Văn Chi chia sẻ.") == {
        ("ORG", "Bệnh viện Bạch Mai"),
        ("PER", "Nguyễn Văn Chi"),
    }


def test_a_body_qualified_by_a_country_before_a_spokesman() -> None:
    assert found("Người phát ngôn Quân đội Philippines Padilla cho biết.") == {
        ("ORG", "Quân đội Philippines"),
        ("PER", "Padilla"),
    }


def test_contractors_and_road_sections() -> None:
    entities = found("Nhà thầu Sơn Hải đã hoàn thành đoạn Vĩnh Hảo - Phan Thiết.")
    assert entities == {("ORG", "Sơn Hải"), ("LOC", "Vĩnh Hảo"), ("LOC", "Phan Thiết")}


def test_a_lone_famous_surname_is_a_person() -> None:
    assert found("Chính quyền Trump áp thuế mới.") == {("PER", "Trump")}


def test_a_foreign_bank_is_named_by_its_brand() -> None:
    orgs = of_type("Ngân hàng Standard Chartered dự báo kinh tế tăng trưởng 6,7%.", "ORG")
    assert [e.text for e in orgs] == ["Standard Chartered"]
    assert ("ORG", "Ngân hàng Nhà nước") in found("Ngân hàng Nhà nước cho biết.")


def test_a_brand_after_its_local_branch_joins_it() -> None:
    text = "Ngân hàng Standard Chartered Việt Nam tăng vốn. Standard Chartered cho biết sẽ mở thêm chi nhánh."
    assert len(of_type(text, "ORG")) == 1 and not of_type(text, "PER")


def test_a_word_with_an_inner_dot_stays_whole() -> None:
    assert found("Vụ án Saigon Co.op được đưa ra xét xử.") == {("ORG", "Saigon Co.op")}


def test_a_clubs_short_name_joins_its_full_name() -> None:
    orgs = of_type("Bayern Munich thắng 3-1. Bayern lên đầu bảng.", "ORG")
    assert [(e.text, e.aliases) for e in orgs] == [("Bayern Munich", ["Bayern"])]
    assert found("Công an Hà Nội cho biết. Công an đã bắt giữ hai người.") == {("ORG", "Công an Hà Nội")}


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("Bệnh nhân được chuyển lên bệnh viện Bạch Mai cấp cứu.", "bệnh viện Bạch Mai"),
        ("Em học tại trường THPT Nguyễn Huệ từ năm lớp 10.", "trường THPT Nguyễn Huệ"),
        ("Đại diện sở Y tế Hà Nội cho biết đã lấy mẫu.", "sở Y tế Hà Nội"),
    ],
)
def test_bodies_with_a_lower_case_head(text: str, body: str) -> None:
    assert ("ORG", body) in found(text)


def test_a_one_syllable_head_inside_another_word_is_no_body() -> None:
    entities = found("Công ty đặt mục tiêu doanh thu từ thị trường Nhật Bản.")
    assert ("LOC", "Nhật Bản") in entities
    assert not any(t == "ORG" for t, _ in entities)


def test_a_place_inside_a_banks_name() -> None:
    orgs = of_type("Ngân hàng TMCP Sài Gòn Thương Tín (Sacombank) báo lãi.", "ORG")
    assert len(orgs) == 1 and orgs[0].count == 2
    assert not of_type("Ngân hàng TMCP Sài Gòn Thương Tín (Sacombank) báo lãi.", "PER")
    assert found("Nội các Thái Lan thông qua ngân sách.") == {("ORG", "Nội các Thái Lan")}


def test_a_head_syllable_ending_another_word_opens_no_body() -> None:
    entities = found("Đoàn công tác làm việc tại trụ sở Bộ Ngoại giao.")
    assert ("ORG", "Bộ Ngoại giao") in entities
    assert not any("trụ" in name for _, name in entities)


def test_a_described_place_after_its_kind() -> None:
    assert found("Hai ông gặp nhau tại thành phố biên giới Tumbes.") == {("LOC", "Tumbes")}
    assert found("Du khách ra huyện đảo Cồn Cỏ.") == {("LOC", "Cồn Cỏ")}
    assert found("Không kích ở ngoại ô Kharkov.") == {("LOC", "Kharkov")}
    # A region of the country is a place (the benchmark convention), a direction is not.
    assert found("Bão gây thiệt hại cho các tỉnh miền Bắc.") == {("LOC", "miền Bắc")}
    assert found("Gió thổi từ phía Bắc.") == set()


def test_a_day_written_with_thang_is_one_date() -> None:
    text = "Lễ kỷ niệm diễn ra ngày 2 tháng 9 năm 2025 tại Hà Nội."
    dates = of_type(text, "DATE")
    assert [e.text for e in dates] == ["2 tháng 9 năm 2025"]
    s, e = dates[0].mentions[0]
    assert text[s:e] == "ngày 2 tháng 9 năm 2025"  # the unit word is inside the span
    # An impossible day keeps only the month.
    assert [e.text for e in of_type("Ngày 32 tháng 3 không tồn tại.", "DATE")] == ["tháng 3"]


def test_a_countrys_word_that_begins_another_name() -> None:
    assert found("Hàng nghìn cổ động viên có mặt tại Mỹ Đình.") == {("LOC", "Mỹ Đình")}
    assert found("Tiền vệ Đức Huy ghi bàn.") == {("PER", "Đức Huy")}
    assert ("LOC", "Mỹ") in found("Quan hệ Mỹ Trung căng thẳng.")


def test_weapons_and_product_lines_are_not_entities() -> None:
    assert found("Ukraine nhận thêm tên lửa Patriot và xe tăng Leopard từ Đức.") == {("LOC", "Ukraine"), ("LOC", "Đức")}


def test_honorary_titles_and_stage_occupations_are_not_names() -> None:
    assert found("Nghệ sĩ Nhân dân Lan Hương tham gia bộ phim mới.") == {("PER", "Lan Hương")}
    assert found("Diva Hồng Nhung biểu diễn tối qua.") == {("PER", "Hồng Nhung")}


def test_a_company_without_its_corporate_suffix_is_the_same_company() -> None:
    orgs = of_type("Toyota Motor báo lãi kỷ lục. Toyota cho biết doanh số tăng.", "ORG")
    assert [(e.text, e.aliases) for e in orgs] == [("Toyota Motor", ["Toyota"])]
    assert found("Google ra mắt Gemini tại sự kiện Google I/O ở California.") == {
        ("ORG", "Google"),
        ("LOC", "California"),
    }


def test_courts_of_appeal_and_function_words_inside_names() -> None:
    assert found("Tòa án nhân dân cấp cao tại TP.HCM mở phiên phúc thẩm.") == {
        ("ORG", "Tòa án nhân dân cấp cao tại TP.HCM")
    }
    orgs = of_type("Giáo sư giảng bài tại Viện Nghiên cứu cao cấp về Toán (VIASM).", "ORG")
    assert [(e.text, e.aliases) for e in orgs] == [("Viện Nghiên cứu cao cấp về Toán", ["VIASM"])]
    # ... but not when nothing capitalised follows.
    assert ("ORG", "Sở Y tế") in found("Sở Y tế về Hà Nội làm việc.")


def test_an_event_without_its_edition_joins_it() -> None:
    orgs = of_type("Vòng loại World Cup 2026 diễn ra. World Cup sẽ có 48 đội.", "ORG")
    assert [(e.text, e.aliases) for e in orgs] == [("World Cup 2026", ["World Cup"])]
    assert len(of_type("Quân khu 7 và Quân khu 9 diễn tập.", "ORG")) == 2


def test_one_brand_named_with_a_head_or_with_a_suffix_is_one_body() -> None:
    orgs = of_type("CLB Hà Nội thắng 2-0. Hà Nội FC lên đầu bảng.", "ORG")
    assert [(e.text, e.aliases) for e in orgs] == [("CLB Hà Nội", ["Hà Nội FC"])]
    assert len(of_type("Sở Y tế Hà Nội và Sở Y tế TP.HCM họp.", "ORG")) == 2


def test_an_initial_at_a_sentence_end_before_a_family_name() -> None:
    people = of_type("Công an bắt Nguyễn Văn A. Nguyễn Văn A khai nhận hành vi.", "PER")
    assert len(people) == 1 and people[0].count == 2
    assert ("PER", "Patrick S. Ryder") in found("Chuẩn tướng Patrick S. Ryder cho biết.")


def test_national_team_abbreviations_name_the_country() -> None:
    assert found("ĐT Việt Nam thắng ĐT Malaysia 2-0.") == {("LOC", "Việt Nam"), ("LOC", "Malaysia")}


def test_a_speaking_country_word_that_is_a_persons_given_name_is_that_person() -> None:
    people = of_type("Tiền vệ Nguyễn Hoàng Đức ghi bàn. Đức cho biết anh rất hạnh phúc.", "PER")
    assert [(e.text, e.aliases) for e in people] == [("Nguyễn Hoàng Đức", ["Đức"])]
    assert ("LOC", "Nga") in found("Nga cho biết sẽ đáp trả. Ông Putin nói.")


def test_transliterated_country_names_are_aliases() -> None:
    places = of_type("Thủ tướng Cam-pu-chia Hun Manet thăm Việt Nam. Campuchia và Việt Nam ký kết.", "LOC")
    assert [(e.text, e.aliases) for e in places] == [("Campuchia", ["Cam-pu-chia"]), ("Việt Nam", [])]
