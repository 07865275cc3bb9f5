"""The cleaner's general rules, each on a small page written for the pattern it handles."""

from __future__ import annotations

import pytest

from tuireader.clean import clean_html
from tuireader.clean.blocks import element_blocks, word_count
from tuireader.clean.labels import is_furniture_label, is_section_label
from tuireader.clean.metadata import guess_lang
from tuireader.clean.rules import RULES, ablated, enabled

EN = [
    "The council approved the new drainage plan on Tuesday after a long debate about its cost and timing.",
    "Work on the first three streets will begin in the spring and should be finished before the rainy season.",
    "Residents asked for night shifts so that traffic and shops in the centre are disturbed as little as possible.",
    "The city engineer said the contractors had agreed to publish a weekly report on the progress of the works.",
]
VI = [
    "Sáng 5/10, Ủy ban nhân dân thành phố đã tổ chức họp báo công bố kế hoạch cải tạo hệ thống thoát nước.",
    "Theo kế hoạch, công trình sẽ được triển khai trong sáu tháng với tổng vốn đầu tư hơn 500 tỷ đồng.",
    "Đại diện ban quản lý dự án cho biết các nhà thầu sẽ thi công vào ban đêm để hạn chế ảnh hưởng giao thông.",
]


def page(body: str, *, title: str = "Drainage plan approved", head: str = "", lang: str = "en") -> str:
    return (
        f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body>{body}</body></html>"
    )


def paragraphs(texts: list[str]) -> str:
    return "".join(f"<p>{t}</p>" for t in texts)


# --- words, languages, short pages ---------------------------------------


def test_scripts_without_spaces_are_counted_by_characters() -> None:
    assert word_count("北京时间今天上午国家统计局发布了最新数据") >= 8
    assert word_count("the council met") == 3


def test_a_chinese_article_is_kept() -> None:
    zh = [
        "北京时间今天上午，国家统计局发布了最新的经济数据，显示第三季度国内生产总值同比增长百分之五。",
        "分析人士认为，消费和投资的回升是推动经济增长的主要因素，预计第四季度将继续保持稳定。",
        "统计局发言人表示，下一阶段将继续加强监测，确保各项政策措施落到实处，为经济发展提供支持。",
    ]
    article = clean_html(page(f"<article><h1>经济数据发布</h1>{paragraphs(zh)}</article>", lang="zh"))
    assert all(p in article.text for p in zh)
    assert article.lang == "zh"


def test_a_three_word_article_is_kept() -> None:
    article = clean_html(page("<article><h1>Notice</h1><p>Office closed today.</p></article>", title="Notice"))
    assert article.text == "Office closed today."
    assert article.low_confidence  # kept, but flagged as hardly an article


def test_language_comes_from_the_text_not_a_declared_lang() -> None:
    article = clean_html(page(f"<article>{paragraphs(VI)}</article>", lang="en"))
    assert article.lang == "vi"
    assert guess_lang(" ".join(EN)) == "en"
    # French shares accents with Vietnamese but is not taken for it.
    assert guess_lang("Le président a déclaré à la presse que les élections étaient très importantes.") != "vi"


# --- blanket rules that must not fire on content --------------------------


def test_a_refrain_keeps_its_repeats() -> None:
    refrain = "And the river runs on, and the river runs on, under the bridge."
    body = f"<article>{paragraphs(EN[:2])}<p>{refrain}</p><p>{refrain}</p>{paragraphs(EN[2:])}</article>"
    assert clean_html(page(body)).text.count(refrain) == 2


def test_an_id_spelt_from_its_heading_is_not_furniture() -> None:
    extra = "Each developer gets a branch of their own, and changes are merged once a week after a review."
    section = (
        f"<section id='sharing-with-multiple-developers'><h2>Sharing with multiple developers</h2><p>{extra}</p>"
        "</section>"
    )
    article = clean_html(page(f"<article>{paragraphs(EN)}{section}{paragraphs(VI)}</article>"))
    assert extra in article.text


def test_an_anchor_id_made_of_the_heading_words_is_not_furniture() -> None:
    heading = "<h3 class='subheading' id='nav_only_the_film_stays__1'>Only the film stays</h3>"
    article = clean_html(page(f"<article>{paragraphs(EN[:2])}{heading}{paragraphs(EN[2:])}</article>"))
    assert "Only the film stays" in article.text
    with ablated("heading-slugs"):
        assert "Only the film stays" not in clean_html(page(f"<article>{paragraphs(EN)}{heading}</article>")).text


def test_a_paywall_named_box_holding_the_body_is_kept() -> None:
    body = (
        "<nav><a href='/'>Home</a> <a href='/city'>City</a></nav>"
        f"<div class='entry steady-paywall-container'>{paragraphs(EN)}</div>"
        + "".join(
            f"<div class='comment-content'><p>{t} I fully agree with this, well written.</p></div>" for t in EN * 2
        )
    )
    article = clean_html(page(body))
    assert all(p in article.text for p in EN)


def test_a_blogger_post_in_a_widget_box_is_kept() -> None:
    post = "<br>".join(EN)
    body = (
        "<div class='widget Navbar'><a href='/'>Blog</a></div>"
        f"<div class='widget Blog'><h3 class='post-title'>Drainage plan</h3><div class='post-body'>{post}</div></div>"
        "<div class='widget Followers'>"
        + "".join(f"<a href='/f{i}'>Follower number {i} of this blog</a> " for i in range(40))
        + "</div>"
    )
    article = clean_html(page(body))
    assert EN[0] in article.text and EN[3] in article.text


def test_a_copyright_sign_inside_a_long_paragraph_keeps_the_paragraph() -> None:
    long = "© Photo agency. " + " ".join(EN[:3])
    article = clean_html(page(f"<article><p>{long}</p>{paragraphs(EN[3:] + VI)}</article>"))
    assert EN[0] in article.text


def test_footnotes_after_see_also_are_kept() -> None:
    footnotes = [
        "Figures from the council's budget report of March, page 12, table 3, as published.",
        "The engineer's statement was given to the local radio station on the same afternoon.",
    ]
    body = (
        f"<article>{paragraphs(EN)}<h2>See also</h2><ul><li><a href='/a'>Flooding in the old town</a></li>"
        "<li><a href='/b'>The new bridge</a></li></ul><h2>Notes</h2><ol>"
        + "".join(f"<li>{f} <a href='/src'>source</a></li>" for f in footnotes)
        + "</ol></article>"
    )
    text = clean_html(page(body)).text
    assert "Flooding in the old town" not in text
    assert all(f in text for f in footnotes)


def test_the_heading_after_a_newsletter_box_is_kept() -> None:
    body = (
        f"<article>{paragraphs(EN[:2])}<h3>Sign up for our newsletter</h3><p>Weekly, free.</p>"
        f"<h2>What happens next</h2>{paragraphs(EN[2:])}</article>"
    )
    text = clean_html(page(body)).text
    assert "What happens next" in text
    assert "Weekly, free." not in text


def test_section_labels_are_multilingual() -> None:
    for label in ("Tin liên quan", "See also", "Lesen Sie auch", "À lire aussi", "Leia também", "Czytaj też"):
        assert is_section_label(label), label
    for label in ("Keep reading", "Mehr lesen:", "Siehe auch", "Seguir leyendo", "Dowiedz się więcej", "Vea también"):
        assert is_section_label(label), label
    assert is_section_label("Comments (12)")
    assert not is_section_label("Related work on drainage in three cities")
    assert is_furniture_label("Quảng cáo") and is_furniture_label("Zurück zur Übersicht")
    assert is_furniture_label("Externer Inhalt") and is_furniture_label("Agrandir l'image")


# --- captions, formulas ----------------------------------------------------


def test_captions_of_a_photo_story_are_kept_without_their_credit() -> None:
    captions = [
        "Người dân tập trung tại quảng trường từ sáng sớm để chờ xem lễ diễu hành kỷ niệm ngày thành lập.",
        "Các khối diễu hành đi qua trung tâm thành phố trong tiếng nhạc và những tràng pháo tay không ngớt.",
        "Buổi tối, hàng nghìn người ở lại xem bắn pháo hoa bên bờ sông đến tận khuya.",
    ]
    figures = "".join(
        f"<figure><img src='{i}.jpg' alt=''><figcaption>{c} Ảnh: AFP/TTXVN</figcaption></figure>"
        for i, c in enumerate(captions)
    )
    article = clean_html(page(f"<article><p>{VI[0]}</p>{figures}</article>", lang="vi"))
    assert all(c in article.text for c in captions)
    assert "TTXVN" not in article.text


def test_a_credit_caption_in_a_long_article_is_dropped() -> None:
    figure = "<figure><img src='a.jpg'><figcaption>Credit: Reuters</figcaption></figure>"
    text = clean_html(page(f"<article>{paragraphs(EN[:2])}{figure}{paragraphs(EN[2:])}</article>")).text
    assert "Reuters" not in text


GALLERY_CAPTION = "The mayor and the city engineer open the first section of the new drainage pipes on Monday."


@pytest.mark.parametrize(
    "slide",
    [
        f"<li><figure><img src='a.jpg'><figcaption>{GALLERY_CAPTION}</figcaption></figure></li>",
        f"<li><div class='img-wrap'><img src='a.jpg'></div><div class='caption'>{GALLERY_CAPTION}</div></li>",
    ],
)
def test_gallery_captions_are_captions(slide: str) -> None:
    import lxml.html

    box = lxml.html.fragment_fromstring(f"<div>{paragraphs(EN[:1])}<ul class='gallery'>{slide}</ul></div>")
    assert [b.kind for b in element_blocks(box)] == ["p", "caption"]
    with ablated("gallery-captions"):
        assert [b.kind for b in element_blocks(box)] == ["p", "li"]
    body = f"<article>{paragraphs(EN[:2])}<ul class='gallery'>{slide}</ul>{paragraphs(EN[2:] + VI)}</article>"
    assert GALLERY_CAPTION not in clean_html(page(body)).text


def test_formulas_keep_their_text() -> None:
    math = "<math alttext='x^2 = 4'><msup><mi>x</mi><mn>2</mn></msup><mo>=</mo><mn>4</mn></math>"
    body = f"<article>{paragraphs(EN[:2])}<p>When {math}, there are two solutions to the equation.</p></article>"
    assert "When x^2 = 4 , there are two solutions" in clean_html(page(body)).text


# --- the article container -------------------------------------------------


def test_our_own_pick_rescues_a_page_readability_misses() -> None:
    # Readability weighs a class with "scroll" down and settles on the note.
    body = (
        "<div class='menu'><a href='/'>Home</a></div>"
        f"<div class='scroll-area'>{paragraphs(EN)}</div>"
        "<div class='note'><p>Our printed edition, with maps, tables, and photos, is out on Fridays.</p></div>"
        "<div class='footer'><a href='/about'>About us</a></div>"
    )
    article = clean_html(page(body))
    assert all(p in article.text for p in EN)


# --- metadata --------------------------------------------------------------


def test_outlet_lead_in_moves_out_of_the_text() -> None:
    first = "(Dân trí) - " + VI[0]
    head = "<link rel='canonical' href='https://dantri.com.vn/xa-hoi/ke-hoach-123.htm'>"
    article = clean_html(page(f"<article><p>{first}</p>{paragraphs(VI[1:])}</article>", head=head, lang="vi"))
    assert article.text.startswith(VI[0])


def test_capital_lead_in_naming_the_host_moves_out() -> None:
    head = "<link rel='canonical' href='https://tuoitre.vn/ke-hoach-thoat-nuoc-123.htm'>"
    article = clean_html(page(f"<article><p>TTO - {VI[0]}</p>{paragraphs(VI[1:])}</article>", head=head))
    assert article.text.startswith(VI[0])
    # A city dateline is no outlet.
    article = clean_html(page(f"<article><p>LONDON - {EN[0]}</p>{paragraphs(EN[1:])}</article>", head=head))
    assert article.text.startswith("LONDON - ")


def test_publisher_name_gives_way_to_the_visible_byline() -> None:
    head = (
        "<meta name='author' content='Dân Trí'><meta property='og:site_name' content='Dân Trí'>"
        "<link rel='canonical' href='https://dantri.com.vn/xa-hoi/ke-hoach-123.htm'>"
    )
    body = f"<article><h1>Kế hoạch</h1><p class='author-name'>Minh Anh</p>{paragraphs(VI)}</article>"
    assert clean_html(page(body, head=head, lang="vi")).author == "Minh Anh"


def test_site_slogan_is_dropped_from_the_site_name() -> None:
    head = (
        "<meta property='og:site_name' content='Tin tức thời sự - Báo Tuổi Trẻ'>"
        "<link rel='canonical' href='https://tuoitre.vn/ke-hoach-123.htm'>"
    )
    assert clean_html(page(f"<article>{paragraphs(VI)}</article>", head=head)).site == "Báo Tuổi Trẻ"


def test_entities_escaped_twice_are_decoded_in_the_lead() -> None:
    head = "<meta name='description' content='That&amp;#039;s the plan&amp;nbsp;for the city'>"
    lead = clean_html(page(f"<article>{paragraphs(EN)}</article>", head=head)).lead
    assert lead is not None and "That's the plan" in lead and "&" not in lead


# --- low confidence ----------------------------------------------------------


def test_an_article_is_trusted() -> None:
    head = "<meta property='og:type' content='article'><link rel='canonical' href='https://example.com/news/plan-1'>"
    assert (
        clean_html(
            page(f"<article><h1>Drainage plan approved</h1>{paragraphs(EN)}</article>", head=head)
        ).low_confidence
        is None
    )


def test_a_section_page_of_headlines_is_flagged() -> None:
    head = "<meta property='og:type' content='website'><link rel='canonical' href='https://example.com/city/'>"
    teasers = "".join(
        f"<div class='teaser'><h3><a href='/city/{i}'>Headline number {i} about the city council today</a></h3>"
        f"<p>Short summary {i}.</p></div>"
        for i in range(20)
    )
    article = clean_html(page(teasers, head=head, title="City news"))
    assert article.low_confidence is not None
    assert article.to_json()["low_confidence"] == article.low_confidence


def test_a_home_page_is_flagged() -> None:
    head = "<link rel='canonical' href='https://example.com/'>"
    assert clean_html(page(f"<div>{paragraphs(EN)}</div>", head=head)).low_confidence == "home page"


# --- the ablation switch -----------------------------------------------------


def test_rules_can_be_switched_off_one_at_a_time() -> None:
    assert all(enabled(name) for name in RULES)
    with ablated("dedupe"):
        assert not enabled("dedupe")
        assert enabled("math-text")
    assert enabled("dedupe")
    with pytest.raises(ValueError):
        with ablated("no-such-rule"):
            pass


def test_an_h1_holding_the_site_name_is_not_the_title() -> None:
    head = "<meta property='og:site_name' content='City Blog'>"
    body = f"<header><h1>City Blog</h1></header><div class='post'><h2>Drainage plan approved</h2>{paragraphs(EN)}</div>"
    assert (
        clean_html(page(body, title="Drainage plan approved – City Blog", head=head)).title == "Drainage plan approved"
    )


def test_an_h1_holding_the_section_name_is_not_the_title() -> None:
    body = f"<h1>Politics</h1><article><h2>Drainage plan approved</h2>{paragraphs(EN)}</article>"
    assert clean_html(page(body, title="Drainage plan approved - Politics | Daily")).title != "Politics"


def test_the_sapo_above_the_body_is_put_back() -> None:
    sapo = "Thành phố chi hơn 500 tỷ đồng cải tạo hệ thống thoát nước tại các quận trung tâm trước mùa mưa."
    head = f"<meta name='description' content='{sapo}'>"
    body = (
        f"<header><p class='sapo'>{sapo}</p></header>"
        f"<section><div><div id='main-detail'>{paragraphs(VI * 2)}</div></div></section>"
    )
    article = clean_html(page(body, head=head, lang="vi"))
    assert article.text.startswith(sapo)


def test_a_dateline_in_brackets_stays() -> None:
    head = "<link rel='canonical' href='https://verband.example.org/presse/123'>"
    first = "(Leipzig) - " + EN[0]
    article = clean_html(page(f"<article><p>{first}</p>{paragraphs(EN[1:])}</article>", head=head))
    assert article.text.startswith("(Leipzig) - ")


def test_ruby_readings_are_left_out() -> None:
    ja = (
        "<p><ruby>子<rt>こ</rt></ruby>どもへの<ruby>虐待<rp>(</rp><rt>ぎゃくたい</rt><rp>)</rp></ruby>をなくすための"
        "法律ができて、親が子どもを教育するために、体罰をしてはいけないことになりました。</p>"
    )
    body = f"<article>{ja}<p>法律では虐待をした親に専門家が子どもの育て方を教えることも決まりました。</p></article>"
    assert "子どもへの虐待をなくすための法律" in clean_html(page(body, lang="ja")).text


def test_a_site_name_with_accents_is_stripped_from_the_title() -> None:
    head = "<link rel='canonical' href='https://baomau.vn/thoi-su/ke-hoach-123.htm'>"
    title = "Kế hoạch cải tạo hệ thống thoát nước - Báo Mẫu"
    article = clean_html(page(f"<div>{paragraphs(VI)}</div>", title=title, head=head, lang="vi"))
    assert article.title == "Kế hoạch cải tạo hệ thống thoát nước"


def test_a_bigger_container_of_links_does_not_win() -> None:
    feed = "".join(
        f"<p><a href='/story/{i}'>Another story by the same author about the council, number {i}, read it now</a></p>"
        for i in range(30)
    )
    body = f"<div class='story'>{paragraphs(EN)}</div><article class='author-materials'>{feed}</article>"
    text = clean_html(page(body)).text
    assert EN[0] in text and "Another story" not in text


def test_a_post_body_held_in_a_markup_template_is_read() -> None:
    markup = paragraphs(EN).replace("<", "&lt;").replace(">", "&gt;")
    body = (
        "<div class='post'><h2>Drainage plan approved</h2><div class='post-content' itemprop='articleBody'>"
        f"<script type='text/template'>{paragraphs(EN)}</script><noscript>{markup}</noscript></div></div>"
        "<div class='sidebar'><p>Archive: 2020 (12), 2019 (30)</p></div>"
    )
    text = clean_html(page(body)).text
    assert all(p in text for p in EN)
    with ablated("template-bodies"):
        assert EN[0] not in clean_html(page(body)).text


def test_a_template_beside_visible_text_is_left_alone() -> None:
    template = (
        "<script type='text/template'><p>{{ comment.author }} wrote {{ comment.text }} at {{ comment.time }} "
        + ("and more template text " * 12)
        + "</p></script>"
    )
    text = clean_html(page(f"<article>{paragraphs(EN)}{template}</article>")).text
    assert EN[0] in text and "{{" not in text


def test_layout_classes_on_body_do_not_make_the_article_a_side_box() -> None:
    import lxml.html

    from tuireader.clean.html import _in_furniture

    html = page(f"<div class='box'>{paragraphs(EN)}</div><aside><div class='inner'><p>Other</p></div></aside>")
    doc = lxml.html.document_fromstring(html.replace("<body>", "<body class='one-sidebar sidebar-first'>"))
    assert not _in_furniture(doc.find(".//div[@class='box']"))
    assert _in_furniture(doc.find(".//div[@class='inner']"))
    with ablated("page-classes"):
        assert _in_furniture(doc.find(".//div[@class='box']"))


def test_a_json_template_is_not_read_as_markup() -> None:
    data = '{"type": "Blockquote", "quote": "<p>' + " ".join(EN) + '</p>"}'
    body = f"<article>{paragraphs(EN[:2])}<div><script type='text/template'>{data}</script></div></article>"
    text = clean_html(page(body)).text
    assert '"type"' not in text and text.count(EN[0]) == 1


def test_a_named_lead_just_above_the_body_comes_back() -> None:
    lead = "Lenders and tenants who asked for the works to wait until the autumn were turned down by the council."
    head = "<meta name='description' content='The city council has approved a plan to rebuild the drainage network.'>"
    body = (
        f"<div class='header'><h1>Drainage plan approved</h1><p class='standfirst'>{lead}</p></div>"
        f"<div class='main'><div class='story-text'>{paragraphs(EN)}</div></div>"
        "<div class='more'><p class='teaser-lead'>A different story about the harbour and its ferry timetable.</p>"
        "</div>"
    )
    text = clean_html(page(body, head=head)).text
    assert text.split("\n\n")[0] == lead
    assert all(p in text for p in EN) and "harbour" not in text
    with ablated("lead-above", "intro-above"):
        assert lead not in clean_html(page(body, head=head)).text


def test_the_caption_of_the_lead_photo_is_not_a_lead() -> None:
    caption = "The city engineer at the pumping station on Monday, where the first pipes were delivered (Photo: AP)."
    head = "<meta name='description' content='The city council has approved a plan to rebuild the drainage network.'>"
    body = (
        f"<div class='header'><div class='story-lead'><figure><img src='a.jpg'><figcaption>{caption}</figcaption>"
        f"</figure></div></div><div class='main'><div class='story-text'>{paragraphs(EN)}</div></div>"
    )
    assert caption not in clean_html(page(body, head=head)).text


def test_an_intro_between_the_headline_and_the_body_comes_back() -> None:
    intro = "Lenders and tenants who asked for the works to wait until the autumn were turned down by the council."
    body = (
        f"<div class='top'><h1>Drainage plan approved</h1><div class='row'><p>{intro}</p></div></div>"
        f"<div class='gallery'><div class='slide'>{paragraphs(EN)}</div></div>"
    )
    text = clean_html(page(body)).text
    assert text.split("\n\n")[0] == intro and all(p in text for p in EN)
    with ablated("intro-above"):
        assert intro not in clean_html(page(body)).text


def test_a_page_held_in_noscript_is_read() -> None:
    shell = "<div id='app'>Loading</div>"
    body = f"{shell}<noscript><div class='page'><h1>Drainage plan approved</h1>{paragraphs(EN)}</div></noscript>"
    assert all(p in clean_html(page(body)).text for p in EN)
    with ablated("noscript-page"):
        assert EN[0] not in clean_html(page(body)).text


def test_a_small_noscript_stays_out() -> None:
    body = (
        f"<article>{paragraphs(EN)}</article><noscript><p>Please turn on JavaScript to see the comments.</p></noscript>"
    )
    assert "JavaScript" not in clean_html(page(body)).text


def test_the_other_sections_of_the_body_come_back() -> None:
    more = [
        "The second phase covers the harbour district, where the old pipes date from before the war and leak.",
        "Engineers expect that part of the work to take a full year, with the main road closed for two months.",
    ]
    body = (
        "<h1>Drainage plan approved</h1><div class='grid'>"
        f"<div class='module'><div class='cms-item'>{paragraphs(EN)}</div></div>"
        f"<div class='module'><h2>The harbour</h2><div class='cms-item'>{paragraphs(more)}</div></div></div>"
    )
    text = clean_html(page(body)).text
    assert all(p in text for p in EN + more) and text.index(EN[-1]) < text.index(more[0])
    with ablated("sibling-sections"):
        assert more[0] not in clean_html(page(body)).text


def test_the_body_in_structured_data_is_read_behind_a_paywall() -> None:
    import json

    rest = [
        "The second phase covers the harbour district, where the old pipes date from before the war and leak.",
        "Engineers expect that part of the work to take a full year, with the main road closed for two months.",
    ]
    data = {"@context": "https://schema.org", "@type": "NewsArticle", "articleBody": "\n".join(EN + rest)}
    head = f"<script type='application/ld+json'>{json.dumps(data)}</script>"
    paywall = "<div class='paywall'>Subscribe to read on</div>"
    body = f"<article><h1>Drainage plan approved</h1><p>{EN[0]}</p>{paywall}</article>"
    text = clean_html(page(body, head=head)).text
    assert all(p in text for p in EN + rest) and text.count(EN[0]) == 1
    with ablated("json-body"):
        assert EN[2] not in clean_html(page(body, head=head)).text


def test_a_furniture_named_wrapper_of_the_whole_page_is_no_side_box() -> None:
    import lxml.html

    from tuireader.clean.html import _in_furniture

    doc = lxml.html.document_fromstring(
        page(
            f"<div class='above-footer'><h1>Drainage plan approved</h1><div class='body'>{paragraphs(EN)}</div></div>"
            f"<div class='sidebar'><div class='teaser'>{paragraphs(EN[:2])}</div></div>"
        )
    )
    assert not _in_furniture(doc.find_class("body")[0])
    assert _in_furniture(doc.find_class("teaser")[0])
    with ablated("furniture-wrapper"):
        assert _in_furniture(doc.find_class("body")[0])


def test_a_heading_boxed_between_two_paragraphs_comes_back() -> None:
    def box(inner: str) -> str:
        return f"<div class='block'><div class='inner'>{inner}</div></div>"

    body = (
        "<h1>Drainage plan approved</h1><div class='page'>"
        + box(paragraphs(EN[:2]))
        + box("<h3>What comes next</h3>")
        + box(paragraphs(EN[2:]))
        + "</div>"
    )
    text = clean_html(page(body)).text
    assert text.index(EN[1]) < text.index("What comes next") < text.index(EN[2])
    with ablated("inner-headings"):
        assert "What comes next" not in clean_html(page(body)).text


def test_a_related_label_between_paragraphs_stays_out() -> None:
    body = (
        f"<article><h1>Drainage plan approved</h1>{paragraphs(EN[:2])}<div><h3>Related</h3></div>{paragraphs(EN[2:])}"
    )
    assert "Related" not in clean_html(page(body + "</article>")).text


def test_furniture_labels_run_together_are_one_furniture_line() -> None:
    from tuireader.clean.labels import is_label_run

    assert is_label_run("Jump to RecipePrint Recipe") and is_label_run("Rezept drucken Bei Pinterest speichern")
    assert not is_label_run("Print") and not is_label_run("Print and share the plan")
    body = f"<article><h1>Drainage plan approved</h1><p>Back to topPrint this page</p>{paragraphs(EN)}</article>"
    assert "Print this page" not in clean_html(page(body)).text
    with ablated("label-runs"):
        assert "Print this page" in clean_html(page(body)).text


@pytest.mark.parametrize(
    "teaser",
    [
        "Lesen Sie auch: <a href='/b'>Die Arbeiten an der Brücke beginnen im Mai</a>",
        "Czytaj też: <a href='/b'>Remont mostu ruszy w przyszłym miesiącu</a>",
        "À lire aussi » <a href='/b'>Les travaux du pont commencent le mois prochain</a>",
        "Lea: <a href='/b'>Las obras del puente empiezan el mes que viene</a>",
    ],
)
def test_a_label_run_into_its_teaser_is_dropped(teaser: str) -> None:
    body = f"<article><h1>Drainage plan approved</h1>{paragraphs(EN[:2])}<p>{teaser}</p>{paragraphs(EN[2:])}</article>"
    text = clean_html(page(body)).text
    assert EN[3] in text and teaser.split("<a")[0].strip()[:4] not in text
    with ablated("label-teasers"):
        assert teaser.split("<a")[0].strip()[:4] in clean_html(page(body)).text


def test_a_speaker_named_like_a_label_keeps_the_answer() -> None:
    answer = "Lea: We asked the council twice about the night shifts, and they finally agreed."
    body = f"<article><h1>Drainage plan approved</h1>{paragraphs([*EN[:2], answer, *EN[2:]])}</article>"
    assert answer in clean_html(page(body)).text


@pytest.mark.parametrize(
    "box", ["<div class='post-author-bio'>", "<section class='authorbox'>", "<div id='autor-info'>"]
)
def test_the_box_about_the_writer_is_dropped(box: str) -> None:
    bio = "Jane Doe has covered city hall for the Daily Example since 2015 and writes about transport and housing."
    close = "</section>" if box.startswith("<section") else "</div>"
    body = f"<article><h1>Drainage plan approved</h1>{paragraphs(EN)}{box}<p>{bio}</p>{close}</article>"
    assert bio not in clean_html(page(body)).text
    with ablated("author-boxes"):
        assert bio in clean_html(page(body)).text


def test_a_byline_link_named_for_the_author_is_no_author_box() -> None:
    from tuireader.clean.html import _names_author_box

    assert not _names_author_box({"author-name", "author", "name"})
    assert _names_author_box({"author", "bio"}) and _names_author_box({"artdetailautor", "text"})


def test_a_credit_closing_a_caption_paragraph_is_taken_off() -> None:
    caption = "The mayor opens the first repaired street on Monday morning."
    body = (
        f"<article><h1>Drainage plan approved</h1>{paragraphs(EN[:2])}"
        f"<p>{caption} | © Example Agency/Jane Roe</p>{paragraphs(EN[2:])}"
        "<p>Crédits photos : Example Agency</p></article>"
    )
    text = clean_html(page(body)).text
    assert caption in text and "Jane Roe" not in text and "Crédits" not in text
    with ablated("credit-tails"):
        assert "Jane Roe" in clean_html(page(body)).text


RECIPE_STEPS = [
    "Heat the oven to 180 degrees and line a square tin with baking paper before you start on the batter.",
    "Beat the soft butter with the sugar until pale, then add the eggs one at a time and beat well after each.",
    "Fold in the flour and the grated lemon zest, spread the batter in the tin and bake for about forty minutes.",
]


def test_a_recipe_gets_back_its_list_of_ingredients() -> None:
    import json

    listed = ["200 g soft butter", "180 g caster sugar", "4 eggs", "250 g plain flour", "1 unwaxed lemon"]
    data = json.dumps({"@type": "Recipe", "name": "Lemon cake", "recipeIngredient": listed})
    shown = "".join(f"<li><span>{i.split(' ', 1)[0]}</span> <span>{i.split(' ', 1)[1]}</span></li>" for i in listed)
    body = (
        "<h1>Lemon cake</h1><div class='card'><h3>Ingredients</h3><ul>" + shown + "</ul></div>"
        f"<article>{paragraphs(RECIPE_STEPS)}</article>"
    )
    html = page(body, title="Lemon cake", head=f"<script type='application/ld+json'>{data}</script>")
    text = clean_html(html).text
    assert "caster sugar" in text and "unwaxed lemon" in text
    assert text.index("unwaxed lemon") < text.index(RECIPE_STEPS[0])
    with ablated("recipe-ingredients"):
        assert "caster sugar" not in clean_html(html).text


def test_a_slider_of_quotes_does_not_replace_the_prose() -> None:
    quote = "“Thank you for the quick and careful advice on our contract, we will gladly come back next year {}.”"
    slides = "".join(f"<li><blockquote>{quote.format(i)}</blockquote></li>" for i in range(12))
    body = (
        f"<div class='page'><div class='intro'><h1>Welcome</h1>{paragraphs(EN)}</div></div>"
        f"<div class='testimonials'><div class='slider'><ul class='slides'>{slides}</ul></div></div>"
    )
    text = clean_html(page(body, title="Welcome")).text
    assert EN[0] in text and "come back next year" not in text
    with ablated("densest-prose"):
        assert "come back next year" in clean_html(page(body, title="Welcome")).text


def test_a_label_with_a_count_in_front_is_the_label() -> None:
    assert is_section_label("12 Kommentare") and is_section_label("0 comments")
    assert not is_section_label("10 tips for a drier cellar")
    with ablated("leading-counts"):
        assert not is_section_label("12 Kommentare")
    body = (
        f"<article><h1>Drainage plan approved</h1>{paragraphs(EN)}"
        "<h3>2 Kommentare</h3><p>Super Beitrag!</p><p>Danke, sehr hilfreich.</p></article>"
    )
    assert "Super Beitrag" not in clean_html(page(body)).text
