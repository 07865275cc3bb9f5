"""Behaviour of the entity extractor: what is found, what is not, merging, keys."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tuireader.entities import ENTITY_TYPES, EXTRACTOR_VERSION, Entity, entity_key, extract
from tuireader.text import nfc

REPO = Path(__file__).resolve().parents[1]


def _seed_pages() -> dict[str, str]:
    for folder in (REPO / "sample_corpus", REPO.parent / "shared" / "seeds"):
        files = sorted(folder.glob("*.txt")) if folder.is_dir() else []
        if files:
            return {f.name[:3]: f.read_text(encoding="utf-8") for f in files}
    return {}


SEEDS = _seed_pages()


def _article(page: str) -> str:
    """The article body the reader analyses (the whole page if the cleaner is missing)."""
    try:
        from tuireader.clean import clean_text_dump

        article = clean_text_dump(page)
    except Exception:
        return page
    return "\n\n".join(part for part in (article.title, article.lead, article.text) if part) or page


def found(text: str) -> set[tuple[str, str]]:
    return {(e.type, e.text) for e in extract(text)}


def by_text(text: str) -> dict[str, Entity]:
    return {e.text: e for e in extract(text)}


# --- the sample corpus --------------------------------------------------------

SEED_EXPECTATIONS = {
    "000": [
        ("PER", "Sergei Lavrov"),
        ("PER", "Antony Blinken"),
        ("PER", "Tập Cận Bình"),
        ("LOC", "Nga"),
        ("LOC", "Mỹ"),
        ("LOC", "Geneva"),
        ("LOC", "Thụy Sĩ"),
        ("LOC", "Bắc Kinh"),
        ("ORG", "Bộ Ngoại giao Nga"),
        ("ORG", "Reuters"),
        ("ORG", "Nhà Trắng"),
        ("DATE", "29/7"),
        ("DATE", "21/1/2022"),
        ("DATE", "24/2"),
    ],
    "001": [
        ("PER", "Sergei Lavrov"),
        ("PER", "Antony Blinken"),
        ("LOC", "Thụy Sĩ"),
        ("ORG", "NATO"),
        ("DATE", "tháng 12/2021"),
        ("DATE", "21/1"),
    ],
    "002": [("PER", "Vương Nghị"), ("PER", "Antony Blinken"), ("LOC", "Biển Đông"), ("ORG", "G20"), ("DATE", "9/7")],
    "003": [
        ("PER", "Lloyd Austin"),
        ("ORG", "Lầu Năm Góc"),
        ("ORG", "Bộ Quốc phòng Nga"),
        ("DATE", "25-6"),
        ("DATE", "tháng 3-2023"),
    ],
    "004": [
        ("PER", "Antony Blinken"),
        ("PER", "Vladimir Putin"),
        ("ORG", "NATO"),
        ("DATE", "4/5"),
        ("DATE", "11-13/6"),
        ("DATE", "tháng 6"),
    ],
}


@pytest.mark.skipif(not SEEDS, reason="sample corpus not available")
@pytest.mark.parametrize("seed", sorted(SEED_EXPECTATIONS))
def test_sample_corpus_entities_are_found_with_their_types(seed: str) -> None:
    entities = found(SEEDS[seed])
    missing = [pair for pair in SEED_EXPECTATIONS[seed] if pair not in entities]
    assert not missing


@pytest.mark.skipif(not SEEDS, reason="sample corpus not available")
def test_sample_corpus_people_are_not_listed_twice() -> None:
    for page in SEEDS.values():
        people = [e for e in extract(_article(page)) if e.type == "PER"]
        names = [e.text for e in people]
        for e in people:
            # "Blinken" must have joined "Antony Blinken" rather than stand alone.
            assert not any(other != e.text and other.endswith(" " + e.text) for other in names), e.text


# --- titles and honorifics ----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "not_expected"),
    [
        (
            "Ngoại trưởng Nga Sergei Lavrov phát biểu.",
            {("LOC", "Nga"), ("PER", "Sergei Lavrov")},
            {"Ngoại trưởng Nga Sergei Lavrov", "Nga Sergei Lavrov"},
        ),
        (
            "Bộ trưởng Quốc phòng Mỹ Lloyd Austin đến Hà Nội.",
            {("LOC", "Mỹ"), ("PER", "Lloyd Austin")},
            {"Bộ trưởng Quốc phòng Mỹ", "Quốc phòng Mỹ Lloyd Austin"},
        ),
        ("Chủ tịch Trung Quốc Tập Cận Bình tiếp khách.", {("LOC", "Trung Quốc"), ("PER", "Tập Cận Bình")}, set()),
        ("Thủ tướng Anh Keir Starmer cam kết.", {("LOC", "Anh"), ("PER", "Keir Starmer")}, set()),
        ("Theo ông Nguyễn Văn Nam, dự án sẽ hoàn thành.", {("PER", "Nguyễn Văn Nam")}, {"ông Nguyễn Văn Nam"}),
        ("Ca sĩ Mỹ Tâm hát tại Hà Nội.", {("PER", "Mỹ Tâm"), ("LOC", "Hà Nội")}, {"Mỹ"}),
    ],
)
def test_titles_and_honorifics_are_not_part_of_names(text, expected, not_expected) -> None:
    entities = found(text)
    assert expected <= entities
    assert not {name for _, name in entities} & not_expected


def test_a_ministry_is_an_organisation_but_a_ministers_title_is_not() -> None:
    entities = found("Bộ Quốc phòng Nga cho biết Bộ trưởng Quốc phòng Belousov đã điện đàm.")
    assert ("ORG", "Bộ Quốc phòng Nga") in entities
    assert not any(t == "ORG" and "trưởng" in name for t, name in entities)


# --- traps --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "Trong khi đó, giá vàng tăng. Theo thông báo, lãi suất giảm. Tuy nhiên, thị trường vẫn ổn định.",
        "Mỹ nhân gây sốt với bộ ảnh mới.",
        "Anh nhớ những kỷ niệm Tết tuổi thơ cùng gia đình.",
        'Bộ phim "Hoa Hướng Dương" thu hút khán giả. Bài hát "Bắc Bling" đạt triệu lượt xem.',
        "Khoảng 2/3 dân số thiếu vận động.",
        "Thông tư 22/2024/TT-BYT quy định quyền lợi người bệnh.",
        "Cuộc điện đàm kéo dài khoảng 25′ và hơn 2 giờ đồng hồ.",
        "Người đàn ông 38 tuổi bị bắt. Đội nhà thắng 2-1 và hòa 3-3.",
        "Mỹ phẩm nhập lậu bị thu giữ. Ý kiến của bạn đọc được ghi nhận.",
    ],
)
def test_traps_are_not_entities(text: str) -> None:
    assert extract(text) == []


def test_anh_is_the_country_when_used_as_a_place() -> None:
    assert ("LOC", "Anh") in found("Ông Zelensky tới Anh sau cuộc khẩu chiến.")
    assert ("LOC", "Anh") in found("Anh và Na Uy ký thỏa thuận năng lượng.")
    assert ("PER", "Trần Quốc Bảo") in found("Anh Trần Quốc Bảo cho biết cửa hàng đông khách.")


def test_work_titles_after_a_cue_are_skipped_but_people_around_them_kept() -> None:
    entities = found("Phim Lật Mặt của đạo diễn Lý Hải ra rạp tại Cần Thơ.")
    assert ("PER", "Lý Hải") in entities
    assert ("LOC", "Cần Thơ") in entities
    assert not any("Lật" in name for _, name in entities)


# --- dates --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("Hai bên gặp nhau ngày 29/7 tại Geneva.", "29/7"),
        ("Cuộc gặp ở Geneva ngày 21/1/2022.", "21/1/2022"),
        ("Giữa tháng 12/2021, hai nước ký kết.", "tháng 12/2021"),
        ("Kể từ tháng 3-2023, hai bên chưa gặp.", "tháng 3-2023"),
        ("Hai bộ trưởng, ngày 25-6, đã thảo luận.", "25-6"),
        ("Hội nghị diễn ra từ 11-13/6 tại Anh.", "11-13/6"),
        ("Thỏa thuận ký hồi năm 2015.", "năm 2015"),
        ("Ông sẽ tới Anh trong tháng 6.", "tháng 6"),
        ("Ca sĩ ra MV mới đúng Mùng 1 Tết.", "Mùng 1 Tết"),
        ("NDO - Thứ hai, ngày 4/11, Quốc hội làm việc.", "Thứ hai, ngày 4/11"),
        ("Lúc 10h50 sáng (28/7), Nhà Trắng ra thông cáo.", "28/7"),
        ("Tin đăng lúc 10:42:54 02/03/2025.", "2/3/2025"),
    ],
)
def test_date_forms(text: str, date: str) -> None:
    assert ("DATE", date) in found(text)


@pytest.mark.parametrize("text", ["Ngày 31/2 không tồn tại.", "Hôm 12/13 là sai.", "Tháng 13 không có."])
def test_impossible_dates_are_rejected(text: str) -> None:
    assert not [e for e in extract(text) if e.type == "DATE"]


def test_a_second_date_after_a_dash_is_a_date() -> None:
    dates = {e.text for e in extract("Nghỉ lễ 30/4 - 1/5 kéo dài 5 ngày.") if e.type == "DATE"}
    assert dates == {"30/4", "1/5"}


# --- merging ------------------------------------------------------------------


def test_short_mentions_join_the_full_name() -> None:
    text = (
        "Ngoại trưởng Mỹ Antony Blinken gặp người đồng cấp Trung Quốc Vương Nghị. "
        "Ông Blinken cho biết ông Vương đồng ý. Blinken nói thêm."
    )
    people = {e.text: e for e in extract(text) if e.type == "PER"}
    assert set(people) == {"Antony Blinken", "Vương Nghị"}
    assert people["Antony Blinken"].count == 3
    assert people["Antony Blinken"].aliases == ["Blinken"]
    assert people["Vương Nghị"].aliases == ["Vương"]


def test_an_ambiguous_short_name_stays_apart() -> None:
    people = {e.text for e in extract("Diễn viên Lily Collins và Lily James dự tiệc. Bà Lily nói.") if e.type == "PER"}
    assert {"Lily Collins", "Lily James"} <= people
    assert not any(name != "Lily" and name.startswith("Lily") and name.endswith("Lily") for name in people)


@pytest.mark.parametrize(
    ("text", "canonical", "aliases"),
    [
        ("Hoa Kỳ và Mỹ là một.", "Mỹ", ["Hoa Kỳ"]),
        ("LHQ, tức Liên Hợp Quốc, ra tuyên bố.", "Liên Hợp Quốc", ["LHQ"]),
        ("Khách tới TP.HCM, TP HCM hay Thành phố Hồ Chí Minh.", "TP.HCM", ["TP HCM", "Thành phố Hồ Chí Minh"]),
        ("Cuộc gặp ở Thụy Sĩ, hay Thụy Sỹ.", "Thụy Sĩ", ["Thụy Sỹ"]),
        ("Mưa ở Khánh Hoà và Khánh Hòa.", "Khánh Hòa", ["Khánh Hoà"]),
        ("Đoàn tới Mát-xcơ-va, tức Moscow.", "Moscow", ["Mát-xcơ-va"]),
    ],
)
def test_aliases_give_one_entry(text: str, canonical: str, aliases: list[str]) -> None:
    entities = by_text(text)
    assert canonical in entities
    assert entities[canonical].aliases == aliases
    assert entities[canonical].count == len(aliases) + 1


def test_bracketed_acronym_joins_its_organisation() -> None:
    orgs = [e for e in extract("Theo Tổ chức Y tế Thế giới (WHO), WHO khuyến cáo tiêm vắc xin.") if e.type == "ORG"]
    assert len(orgs) == 1
    assert orgs[0].count == 3


# --- output shape -------------------------------------------------------------


def test_mentions_point_at_surface_forms() -> None:
    text = nfc(SEEDS.get("000", "Ngoại trưởng Nga Sergei Lavrov gặp ông Blinken hôm 24/2 tại Geneva."))
    for e in extract(text):
        assert e.count == len(e.mentions) > 0
        assert e.mentions == sorted(e.mentions)
        forms = {e.text, *e.aliases}
        for s, end in e.mentions:
            assert " ".join(text[s:end].split()) in forms


def test_output_is_sorted_by_type_then_salience() -> None:
    entities = extract("Nga, Nga và Mỹ. Ông Putin gặp ông Biden. Ông Biden nói. Ngày 4/5, Reuters đưa tin.")
    order = [ENTITY_TYPES.index(e.type) for e in entities]
    assert order == sorted(order)
    people = [e for e in entities if e.type == "PER"]
    assert [e.text for e in people] == ["Biden", "Putin"]
    places = [e.text for e in entities if e.type == "LOC"]
    assert places == ["Nga", "Mỹ"]


def test_keys_and_json() -> None:
    entity = by_text("Hoa Kỳ và Mỹ.")["Mỹ"]
    assert entity.key == "LOC:mỹ"
    data = entity.to_json()
    assert json.loads(json.dumps(data, ensure_ascii=False)) == {
        "text": "Mỹ",
        "type": "LOC",
        "count": 2,
        "aliases": ["Hoa Kỳ"],
        "mentions": [[0, 6], [10, 12]],
    }
    assert isinstance(EXTRACTOR_VERSION, str) and EXTRACTOR_VERSION


# --- entity_key ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "type_", "key"),
    [
        ("hoa ky", None, "LOC:mỹ"),
        ("Hoa Kỳ", None, "LOC:mỹ"),
        ("  mỹ ", None, "LOC:mỹ"),
        ("LHQ", None, "ORG:liên hợp quốc"),
        ("TP HCM", None, "LOC:tp.hcm"),
        ("thuy sy", None, "LOC:thụy sĩ"),
        ("Vương quốc Anh", "LOC", "LOC:anh"),
        ("ngày 21/1/2022", None, "DATE:21/1/2022"),
        ("Blinken", "PER", "PER:blinken"),
        ("Antony  Blinken", "PER", "PER:antony blinken"),
        ("Blinken", None, None),
        ("", None, None),
        ("Hoa Kỳ", "ORG", "ORG:hoa kỳ"),
    ],
)
def test_entity_key(name: str, type_: str | None, key: str | None) -> None:
    assert entity_key(name, type_) == key


def test_entity_key_matches_extracted_keys() -> None:
    for e in extract("Ngoại trưởng Mỹ Antony Blinken tới Liên Hợp Quốc ở New York."):
        if e.type != "PER":
            assert entity_key(e.text) == e.key
        assert entity_key(e.text, e.type) == e.key


def test_entity_key_rejects_unknown_types() -> None:
    with pytest.raises(ValueError, match="unknown entity type"):
        entity_key("Mỹ", "PLACE")


# --- robustness ---------------------------------------------------------------


@pytest.mark.parametrize("text", ["", "   \n\t ", ".", "((((", "A A A A A A A A A A", "1/1/1/1/1/1", "\x00\x1b[31m"])
def test_odd_input_does_not_fail(text: str) -> None:
    for e in extract(text):
        assert 0 <= e.mentions[0][0] < e.mentions[-1][1] <= len(text)


def test_non_text_input_gives_a_clear_error() -> None:
    with pytest.raises(TypeError, match="needs a str"):
        extract(None)  # type: ignore[arg-type]


def test_decomposed_input_is_analysed_as_nfc() -> None:
    import unicodedata

    text = unicodedata.normalize("NFD", "Ông Nguyễn Văn Nên đến Hà Nội.")
    entities = by_text(text)
    assert {"Nguyễn Văn Nên", "Hà Nội"} <= set(entities)
    s, e = entities["Hà Nội"].mentions[0]
    assert nfc(text)[s:e] == "Hà Nội"


def test_huge_input() -> None:
    paragraph = SEEDS.get("000", "Ngoại trưởng Nga Sergei Lavrov gặp ông Blinken tại Geneva ngày 21/1/2022. ")
    text = paragraph * max(1, 400_000 // len(paragraph))
    entities = extract(text)
    lavrov = next(e for e in entities if e.text == "Sergei Lavrov")
    assert lavrov.count >= text.count("Lavrov") // 2
    assert all(e.mentions[-1][1] <= len(text) for e in entities)


def test_one_enormous_capitalised_run() -> None:
    text = " ".join(["Nguyễn"] * 20000)
    entities = extract(text)
    assert all(e.type == "PER" for e in entities)


def test_import_is_cheap_and_headless() -> None:
    code = (
        "import sys, tuireader.entities as m; "
        "print(any(k.split('.')[0] in ('textual','lxml','httpx','readability','feedparser') for k in sys.modules)); "
        "print('tuireader.entities.lexicon' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --- organisations, places and names in context -------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("UBND tỉnh Quảng Nam phê duyệt dự án.", {("ORG", "UBND tỉnh Quảng Nam")}),
        ("Theo Bộ Giáo dục và Đào tạo, kỳ thi diễn ra an toàn.", {("ORG", "Bộ Giáo dục và Đào tạo")}),
        ("Tòa án nhân dân tỉnh Khánh Hòa xét xử vụ án.", {("ORG", "Tòa án nhân dân tỉnh Khánh Hòa")}),
        ("Đại sứ quán Việt Nam tại Hàn Quốc khuyến cáo công dân.", {("ORG", "Đại sứ quán Việt Nam tại Hàn Quốc")}),
        ("Tập đoàn Sovico mở thêm đường bay.", {("ORG", "Sovico")}),
        ("Ca sĩ biểu diễn ở Nhà hát Lớn Hà Nội.", {("LOC", "Nhà hát Lớn Hà Nội")}),
        ("Người dân xã Gio Mỹ, huyện Gio Linh đón Tết.", {("LOC", "Gio Mỹ"), ("LOC", "Gio Linh")}),
        ("Hà Nội FC thua Bangkok United trên sân nhà.", {("ORG", "Hà Nội FC"), ("ORG", "Bangkok United")}),
        ("Nam Định thắng Hà Tĩnh 2-0 ở vòng 5.", {("ORG", "Nam Định"), ("ORG", "Hà Tĩnh")}),
        ("Bà Ursula von der Leyen tái đắc cử.", {("PER", "Ursula von der Leyen")}),
        (
            "Chủ tịch Tập đoàn Sovico Nguyễn Thanh Hùng cho biết.",
            {("ORG", "Sovico"), ("PER", "Nguyễn Thanh Hùng")},
        ),
    ],
)
def test_names_in_context(text: str, expected: set[tuple[str, str]]) -> None:
    assert expected <= found(text)


def test_a_city_is_a_place_outside_match_reports() -> None:
    assert ("LOC", "Hà Nội") in found("Ngày 25-6, đoàn công tác đến Hà Nội và Huế.")


def test_products_and_storms_are_not_entities() -> None:
    entities = found("Bão Yagi đổ bộ vào Quảng Ninh. Samsung ra mắt Galaxy S25 tại Việt Nam.")
    names = {name for _, name in entities}
    assert "Yagi" not in names and "Galaxy S25" not in names
    assert ("LOC", "Quảng Ninh") in entities


def test_a_company_short_name_joins_its_full_name() -> None:
    text = "Công ty TNHH Thương mại Hoàng Long bị phạt. Công ty Hoàng Long xin lỗi."
    orgs = [e for e in extract(text) if e.type == "ORG"]
    assert [(e.text, e.aliases) for e in orgs] == [("Công ty TNHH Thương mại Hoàng Long", ["Công ty Hoàng Long"])]


def test_countries_by_first_syllable_in_pairs() -> None:
    entities = by_text("Quan hệ Mỹ - Trung căng thẳng, còn hợp tác Việt - Nhật phát triển.")
    assert entities["Trung Quốc"].aliases == ["Trung"]
    assert entities["Việt Nam"].aliases == ["Việt"]
    assert entities["Nhật Bản"].type == "LOC"
    assert ("PER", "Trung") in found("Ông Trung - giám đốc - cho biết.")


def test_lines_in_capitals_are_skipped() -> None:
    entities = found("HỎI ĐÁP THÔNG MINH\nBộ Y tế cho biết số ca mắc giảm.\nKHÁNH HƯNG")
    assert entities == {("ORG", "Bộ Y tế")}


@pytest.mark.parametrize(
    ("text", "org"),
    [
        ("Hội Chữ thập đỏ Việt Nam tiếp nhận 5 tỷ đồng.", "Hội Chữ thập đỏ Việt Nam"),
        ("Tổ chức Ân xá Quốc tế kêu gọi thả các nhà báo.", "Tổ chức Ân xá Quốc tế"),
        ("Hãng Boeing khuyến cáo Mỹ kiểm tra máy bay.", "Boeing"),
        ("Tập đoàn Hòa Phát công bố lợi nhuận quý 2.", "Hòa Phát"),
    ],
)
def test_sentence_case_organisation_names_end_before_the_verb(text: str, org: str) -> None:
    assert [e.text for e in extract(text) if e.type == "ORG"] == [org]


def test_anonymised_names_keep_their_initial() -> None:
    people = [
        e for e in extract("Bị cáo Trần Văn A. (45 tuổi) khai đã nhận tiền. Ông A. xin giảm án.") if e.type == "PER"
    ]
    assert [(e.text, e.aliases) for e in people] == [("Trần Văn A.", ["A."])]


def test_a_company_branch_in_vietnam_is_one_organisation() -> None:
    assert found("Samsung Việt Nam báo lãi, Unilever Việt Nam tặng quà.") == {
        ("ORG", "Samsung Việt Nam"),
        ("ORG", "Unilever Việt Nam"),
    }


def test_lone_foreign_words_by_shape() -> None:
    assert found("Krasikov đang bị giam giữ tại Đức.") == {("PER", "Krasikov"), ("LOC", "Đức")}
    assert found("Nhiều người tải Telegram và Signal về máy.") == {("ORG", "Telegram"), ("ORG", "Signal")}
    assert found("Hãng phim Walt Disney công bố lợi nhuận.") == {("ORG", "Walt Disney")}


def test_a_newspaper_named_after_a_city_is_an_organisation() -> None:
    assert found("Theo báo Sài Gòn Giải Phóng, người dân Sài Gòn đón Tết sớm.") == {
        ("ORG", "Sài Gòn Giải Phóng"),
        ("LOC", "TP.HCM"),
    }
