"""Rule engine that finds entity mentions in Vietnamese text.

The text is cut into words that remember their capitalisation and what
separates them from the previous word.  Dates are found first with regular
expressions; then a left-to-right scan tries, at each capitalised word:

1. a title of office or an occupation ("Ngoại trưởng", "ca sĩ"), which is not
   part of any name but announces one, possibly after a country or an
   organisation ("Ngoại trưởng Nga Sergei Lavrov");
2. an organisation: a known one, or one opened by a head word ("Bộ",
   "Công ty", "UBND" ...) and followed by its name and an optional place
   ("Bộ Quốc phòng Nga", "UBND tỉnh Quảng Nam");
3. a known place;
4. otherwise a run of capitalised words, classified by the words before it
   (honorifics, place prefixes, "tờ"/"hãng" ...), by Vietnamese family names
   and by shape (acronyms).

The result is a flat list of :class:`Mention`; grouping mentions into
entities and resolving aliases happens in :mod:`tuireader.entities.resolve`.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass

from tuireader.entities.dates import find_dates
from tuireader.entities.lexicon import TOKEN_RE, GazetteerEntry, Lexicon, load, match_key


@dataclass(slots=True)
class Token:
    start: int
    end: int
    text: str
    key: str
    cap: bool  # starts with a capital letter
    upper: bool  # an all-capital acronym ("NATO", "G20")
    gap: str  # separator before it: start | space | dot | hyphen | break
    sent: bool  # first word of a sentence
    blocked: bool = False  # inside a date or a work title


@dataclass(slots=True)
class Mention:
    type: str
    canonical: str
    start: int
    end: int
    known: bool = False  # canonical comes from a gazetteer
    single: bool = False  # a lone capitalised word that is only kept if it names a known person
    fallback: str | None = None  # type to give a lone word that names no known person
    surface: str = ""  # the words as written, when they differ from the canonical name
    guessed: bool = False  # a person only by default: no cue, no family name


_SENTENCE_BREAK = re.compile(r"[.!?…:;\n“\"'‘«]")
_QUOTE_OPEN = "“\"'‘«"
_QUOTE_CLOSE = {"“": "”", '"': '"', "'": "'", "‘": "’", "«": "»"}
_DASHES = ("-", "–", "—")
# Lower-case particles inside foreign names.
_NAME_PARTICLES = {
    "von",
    "van",
    "der",
    "den",
    "de",
    "da",
    "di",
    "del",
    "della",
    "dos",
    "du",
    "bin",
    "ibn",
    "al",
    "el",
    "le",
    "la",
}
# A model number or a numbered edition ends a product name: "S25", "A321", "II".
_MODEL = re.compile(r"^(?:[A-Za-z]{0,3}\d+[A-Za-z]?|I{2,3}|IV|V|VI{1,3}|IX|X)$")
# A match score ("2-0", "1 - 3"); dates were found first, so "25-6" after "ngày" is not one.
_SCORE = re.compile(r"(?<![\w/.-])\d{1,2}\s?-\s?\d{1,2}(?![\w/-]|[.,]\d)")
# Words next to a team's name in a match report.
_RESULT_WORDS = {
    "thắng",
    "thua",
    "hòa",
    "gặp",
    "trước",
    "hạ",
    "tiếp",
    "đánh",
    "đè",
    "vượt",
    "giữa",
    "và",
    "cầm",
    "nhận",
}
# Countries by their first syllable, as in "quan hệ Mỹ - Trung", "hợp tác Việt - Nhật".
_SHORT_COUNTRIES = {
    "trung": "Trung Quốc",
    "việt": "Việt Nam",
    "nhật": "Nhật Bản",
    "hàn": "Hàn Quốc",
    "triều": "Triều Tiên",
    "thái": "Thái Lan",
    "ấn": "Ấn Độ",
}
# Heads that only say what kind of body a known name is: "Ngân hàng Vietcombank".
_GENERIC_HEADS = {
    match_key(h)
    for h in (
        "công ty",
        "công ty cổ phần",
        "công ty cp",
        "công ty tnhh",
        "ngân hàng",
        "clb",
        "câu lạc bộ",
        "nhóm",
        "lực lượng",
        "phong trào",
    )
}
# Between a name and a title in apposition: "Nguyễn Văn A, nguyên Hiệu trưởng ...".
_APPOSITION = re.compile(r"\s*,\s*(?:(?:nguyên|cựu|đương kim|tân|hiện là|là)\s+)?$", re.IGNORECASE)
# Lower-case words that close an organisation name: "... khí tượng thủy văn quốc gia".
_NAME_CLOSERS = {
    ("quốc", "gia"),
    ("trung", "ương"),
    ("nhân", "dân"),
    ("tối", "cao"),
    ("quốc", "tế"),
    ("nhà", "nước"),
    ("liên", "bang"),
    ("toàn", "quốc"),
    ("thường", "trực"),
    ("cấp", "cao"),
}
_ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|as|ash|ar|an|at|az)[-‐][A-ZÀ-Ỹ]")
_LIST_JOINER = re.compile(r"\s*(?:,|\s(?:và|hoặc|cùng))\s*")
_NOT_KINSHIP = {
    ("công", "bố"),
    ("tuyên", "bố"),
    ("phân", "bố"),
    ("ban", "bố"),
    ("ty", "mẹ"),
    ("đoàn", "mẹ"),
    ("hãng", "mẹ"),
    ("ngân", "hàng"),
}
_NUMBERED_HEADS = {
    "quân khu",
    "quân đoàn",
    "sư đoàn",
    "lữ đoàn",
    "trung đoàn",
    "hạm đội",
    "bệnh viện",
    "binh đoàn",
    "tổng công ty",
}
_SPORT_WORDS = re.compile(
    r"\b(?:CLB|HLV|V-League|V\.League|League|Cup|cầu thủ|đội bóng|tiền đạo|thủ môn|hậu vệ|tiền vệ|vòng đấu|"
    r"bàn thắng|ghi bàn|mùa giải|giải đấu|chức vô địch|sút luân lưu)\b"
)
_CODE = re.compile(r"^(?=\w{3})[A-Z]{1,3}\d{1,4}[A-Z]?$")  # "ST25", not "F1"
# Compass words name no place on their own: "tuyến Bắc - Nam", "phía Đông".
_COMPASS = {"bắc", "nam", "đông", "tây"}
_BUSINESS_TITLES = {
    "giám đốc điều hành",
    "tổng giám đốc điều hành",
    "tổng giám đốc",
    "ceo",
    "nhà sáng lập",
    "đồng sáng lập",
    "chủ tịch hội đồng quản trị",
    "chủ tịch hđqt",
}
# Two-syllable verbs whose subject is a company, not a person.
_COMPANY_VERBS = {
    ("sản", "xuất"),
    ("báo", "lãi"),
    ("báo", "lỗ"),
    ("niêm", "yết"),
    ("mua", "lại"),
    ("thâu", "tóm"),
    ("sa", "thải"),
    ("triệu", "hồi"),
    ("xuất", "xưởng"),
    ("rót", "vốn"),
    ("phân", "phối"),
    ("doanh", "thu"),
    ("lợi", "nhuận"),
    ("cổ", "phiếu"),
}
_COMMON_SURNAMES = {
    "nguyễn",
    "trần",
    "lê",
    "phạm",
    "hoàng",
    "huỳnh",
    "phan",
    "vũ",
    "võ",
    "đặng",
    "bùi",
    "đỗ",
    "hồ",
    "ngô",
    "dương",
}
_COMPANY_HEADS = {
    "ngân hàng",
    "ngân hàng tmcp",
    "ngân hàng thương mại cổ phần",
    "công ty",
    "công ty cổ phần",
    "công ty cp",
    "công ty tnhh",
    "tập đoàn",
    "tổng công ty",
}
# Heads that open a body's name also in lower case: "chuyển lên bệnh viện Bạch Mai".
_LOWER_HEADS = {
    "bệnh viện",
    "trường",
    "trường đại học",
    "trường thpt",
    "trường thcs",
    "trường tiểu học",
    "học viện",
    "viện",
    "sở",
    "cục",
    "tổng cục",
    "chi cục",
    "tòa án",
    "tòa án nhân dân",
    "công an",
}
# Words that end in a head's syllable: "thị trường" (market), "trụ sở" (seat), "thư viện".
_WORD_ENDS = {
    ("thị", "trường"),
    ("môi", "trường"),
    ("hiện", "trường"),
    ("quảng", "trường"),
    ("chiến", "trường"),
    ("công", "trường"),
    ("thương", "trường"),
    ("ngư", "trường"),
    ("lập", "trường"),
    ("phi", "trường"),
    ("nông", "trường"),
    ("sân", "trường"),
    ("ra", "trường"),
    ("thư", "viện"),
    ("nghị", "viện"),
    ("hạ", "viện"),
    ("thượng", "viện"),
    ("tu", "viện"),
    ("nhập", "viện"),
    ("xuất", "viện"),
    ("chuyển", "viện"),
    ("trụ", "sở"),
    ("cơ", "sở"),
    ("bố", "cục"),
    ("kết", "cục"),
    ("viễn", "cục"),
    ("đại", "cục"),
}
# Words describing a place between its kind and its name: "thành phố biên giới Cúcuta".
_PLACE_DESCRIPTIONS = {
    "biên",
    "giới",
    "cảng",
    "ven",
    "biển",
    "miền",
    "núi",
    "đảo",
    "vùng",
    "cao",
    "cổ",
    "du",
    "lịch",
    "công",
    "nghiệp",
    "phía",
    "bắc",
    "nam",
    "đông",
    "tây",
    "lân",
    "cận",
    "ngoại",
    "ô",
    "chiến",
    "lược",
    "nhỏ",
    "lớn",
    "thủ",
    "phủ",
    "trung",
    "sầm",
    "uất",
    "hẻo",
    "lánh",
    "nghèo",
    "mới",
    "thuộc",
    "quê",
    "hương",
}
_SPEECH_VERBS = {
    ("cho", "biết"),
    ("chia", "sẻ"),
    ("tâm", "sự"),
    ("thừa", "nhận"),
    ("tiết", "lộ"),
    ("bày", "tỏ"),
    ("kể", "lại"),
}
_MISSION_HEADS = {"cấp cao", "đại sứ quán", "tổng lãnh sự quán", "lãnh sự quán", "phái đoàn", "văn phòng đại diện"}
# Endings of foreign family names: a lone "Lewandowski" is a person, not a brand.
_SURNAME_ENDINGS = ("ski", "sky", "ska", "ov", "ova", "ev", "eva", "ić", "vić", "enko", "escu", "oglu", "yan", "idis")
_BRAND_HEADS = {
    "tập đoàn",
    "hãng",
    "hãng tin",
    "hãng thông tấn",
    "hãng hàng không",
    "hãng phim",
    "hãng xe",
    "hãng bay",
    "báo",
    "tạp chí",
}
# Words that end an unquoted work title: "phim Nhà bà Nữ | của Trấn Thành".
_TITLE_ENDERS = {
    "của",
    "do",
    "được",
    "đã",
    "đang",
    "sẽ",
    "vừa",
    "với",
    "là",
    "trên",
    "tại",
    "ở",
    "và",
    "cho",
    "từ",
    "khi",
    "thu",
    "đạt",
    "gây",
    "lên",
    "ra",
    "có",
    "không",
    "bị",
    "vượt",
    "mới",
    "này",
    "nhận",
    "sau",
}
# Words that follow a name rather than belong to it (function words and the
# first syllables of frequent verbs): "Tập đoàn Hòa Phát | công bố".
_NAME_ENDERS = _TITLE_ENDERS | {
    "công",
    "cũng",
    "tổ",
    "thông",
    "khai",
    "tiếp",
    "ký",
    "yêu",
    "đề",
    "kêu",
    "cảnh",
    "phát",
    "tuyên",
    "xác",
    "nói",
    "trao",
    "tặng",
    "trong",
    "về",
    "theo",
    "vào",
    "tăng",
    "giảm",
    "mở",
    "đóng",
    "bắt",
    "khởi",
    "bán",
    "mua",
    "dự",
    "đưa",
    "chỉ",
    "đặt",
    "lập",
    "hỗ",
    "hợp",
    "cho",
    "các",
    "những",
    "một",
    "hai",
    "ba",
    "nhiều",
    "mỗi",
    "hơn",
    "gần",
    "chiều",
    "sáng",
    "tối",
    "trưa",
    "đêm",
    "ngày",
    "hôm",
    "năm",
    "tháng",
    "tuần",
    "sau",
    "trước",
    "khi",
    "nếu",
    "thì",
    "mà",
    "nhưng",
    "hay",
    "hoặc",
    "để",
    "vì",
    "nên",
    "phải",
    "cần",
    "muốn",
    "xin",
    "nhằm",
    "gồm",
    "như",
    "quyết",
    "thực",
    "triển",
    "chính",
    "chủ",
    "cùng",
    "đi",
    "đến",
    "tới",
    "sang",
    "qua",
    "bằng",
    "tìm",
    "kiểm",
    "giành",
    "thắng",
    "thua",
    "chiếm",
    "tấn",
    "phản",
    "ủng",
    "cáo",
    "bác",
    "kiện",
    "ra",
    "làm",
}
# Words before a work cue that make the phrase a maker of works: "hãng phim", "rạp phim".
_MAKER_WORDS = {"hãng", "xưởng", "rạp", "đài", "kênh", "nhà"}
_ADMIN_PREFIXES = {"tỉnh", "thành phố", "tp", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn"}
_TONE_MARKS = dict.fromkeys(map(ord, "\u0300\u0301\u0303\u0309\u0323"))
_NUCLEI = set(
    "a ă â e ê i o ô ơ u ư y ai ao au ay âu ây eo êu ia iê iu oa oă oe oi ôi ơi ua uâ uê ui uô uơ ưa ưi ươ ưu uy "
    "yê iêu oai oay oao oeo uây uôi ươi ươu uya uyê yêu uyu".split()
)
_SYLLABLE_SHAPE = re.compile(
    r"^(ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?([aăâeêioôơuưy]{1,3})(ng|nh|ch|[cmnpt])?$"
)


def looks_vietnamese(word: str) -> bool:
    """True when ``word`` could be one Vietnamese syllable ("Tâm", not "Lavrov" or "Boeing")."""
    bare = unicodedata.normalize("NFC", unicodedata.normalize("NFD", word.lower()).translate(_TONE_MARKS))
    m = _SYLLABLE_SHAPE.match(bare)
    if not m:
        return False
    onset, nucleus = m.group(1) or "", m.group(2)
    if onset in ("gi", "qu") and nucleus not in _NUCLEI:
        return True  # "giữa", "quyết": the i/u belongs to the onset
    return nucleus in _NUCLEI


def tokenize(text: str, lex: Lexicon) -> list[Token]:
    """Cut ``text`` into words, noting case, the separator before each and sentence starts."""
    tokens: list[Token] = []
    prev_end = 0
    for m in TOKEN_RE.finditer(text):
        word = m.group(0)
        pieces = [(m.start(), m.end(), word)]
        if "-" in word or "‐" in word:
            parts = list(re.finditer(r"[^\-‐]+", word))
            # "Nga-Mỹ", "Nga-Ukraine": split a hyphenated word made of known names.
            if all(p.group(0)[0].isupper() and (match_key(p.group(0)),) in lex.phrases for p in parts):
                pieces = [(m.start() + p.start(), m.start() + p.end(), p.group(0)) for p in parts]
        for start, end, piece in pieces:
            between = text[prev_end:start]
            prev = tokens[-1] if tokens else None
            if between == " " and prev is not None:  # the common case, kept fast
                upper = len(piece) > 1 and piece.isupper()
                tokens.append(Token(start, end, piece, match_key(piece), piece[0].isupper(), upper, "space", False))
                prev_end = end
                continue
            stripped = between.strip()
            if prev is None:
                gap = "start"
            elif not stripped and "\n" not in between:
                gap = "space" if between else ("hyphen" if start > m.start() else "space")
            elif stripped == "." and prev.text in ("TP", "Tp"):
                gap = "dot"
            elif (
                stripped == "."
                and len(prev.text) == 1
                and prev.cap
                and between != "."
                and match_key(piece) not in lex.surnames
            ):
                gap = "space"  # an initial: "Patrick S. Ryder" (but "... Văn A. Nguyễn Văn B" is two sentences)
            elif between == "." and (prev.upper or (len(prev.text) == 1 and prev.cap)):
                gap = "dot"
            elif stripped in _DASHES and "\n" not in between:
                gap = "hyphen"
            else:
                gap = "break"
            sent = prev is None or (gap == "break" and bool(_SENTENCE_BREAK.search(between)))
            tokens.append(
                Token(
                    start=start,
                    end=end,
                    text=piece,
                    key=match_key(piece),
                    cap=piece[0].isupper(),
                    upper=len(piece) > 1 and piece.isupper(),
                    gap=gap,
                    sent=sent,
                )
            )
            prev_end = end
    return tokens


class _Scanner:
    """One pass over the tokens of one text."""

    def __init__(self, text: str, lex: Lexicon) -> None:
        self.text = text
        self.lex = lex
        self.toks = tokenize(text, lex)
        self.mentions: list[Mention] = []
        self._gaz_memo: dict[int, tuple[int, GazetteerEntry | None]] = {}
        self._sport: bool | None = None
        self._starts: list[int] | None = None
        dates = find_dates(text)
        for start, end, canonical in dates:
            self.mentions.append(Mention("DATE", canonical, start, end, known=True))
        if dates:
            self._block_spans([(s, e) for s, e, _ in dates])

    # --- helpers ------------------------------------------------------------

    def _block_spans(self, spans: list[tuple[int, int]]) -> None:
        starts = [t.start for t in self.toks]
        for s, e in spans:
            k = max(0, bisect_right(starts, s) - 1)
            while k < len(self.toks) and self.toks[k].start < e:
                if s < self.toks[k].end:
                    self.toks[k].blocked = True
                k += 1

    def _joined(self, i: int) -> bool:
        """Token ``i`` continues the phrase of token ``i - 1``."""
        return self.toks[i].gap in ("space", "dot")

    def section_at(self, name: str, i: int, need_cap: bool | None = None) -> int:
        """Length of the longest phrase of section ``name`` starting at ``i`` (0 if none)."""
        toks = self.toks
        if toks[i].key not in self.lex.section_first.get(name, ()):
            return 0
        limit = self.lex.section_max.get(name, 0)
        phrases = self.lex.sections.get(name, ())
        best = 0
        keys: list[str] = []
        lower = self.lex.section_lower.get(name, {})
        for j in range(i, min(len(toks), i + limit)):
            if j > i and not self._joined(j):
                break
            if toks[j].blocked:
                break
            keys.append(toks[j].key)
            phrase = tuple(keys)
            if phrase in phrases:
                must_lower = lower.get(phrase)
                if must_lower and any(m and toks[i + k].cap for k, m in enumerate(must_lower)):
                    continue  # "Anh Hùng" is a name, "Anh hùng" a word
                best = j - i + 1
        if best and need_cap is not None and toks[i].cap != need_cap:
            return 0
        return best

    def section_before(self, name: str, i: int) -> int:
        """Length of a phrase of section ``name`` ending just before token ``i``."""
        toks = self.toks
        if i == 0 or toks[i - 1].key not in self.lex.section_last.get(name, ()):
            return 0
        if not self._joined(i) and toks[i].gap != "break":
            return 0
        if toks[i].gap == "break" and self.text[toks[i - 1].end : toks[i].start].strip() not in _QUOTE_OPEN:
            return 0
        phrases = self.lex.sections.get(name, ())
        keys: list[str] = []
        for j in range(i - 1, max(-1, i - 1 - self.lex.section_max.get(name, 0)), -1):
            keys.insert(0, toks[j].key)
            if tuple(keys) in phrases:
                return i - j
            if not self._joined(j):
                break
        return 0

    def gazetteer_at(self, i: int) -> tuple[int, GazetteerEntry | None]:
        """Longest known name starting at ``i``: (length, entry), or (0, None)."""
        toks = self.toks
        first = toks[i].key
        limit = self.lex.max_len.get(first, 0)
        best: tuple[int, GazetteerEntry | None] = (0, None)
        if not limit:
            return best
        cached = self._gaz_memo.get(i)
        if cached is not None:
            return cached
        keys: list[str] = []
        for j in range(i, min(len(toks), i + limit)):
            tok = toks[j]
            if tok.blocked or (j > i and tok.gap == "break"):
                break
            keys.append(tok.key)
            entry = self.lex.phrases.get(tuple(keys))
            if entry is not None and self._caps_fit(i, entry):
                best = (j - i + 1, entry)
        self._gaz_memo[i] = best
        return best

    def _caps_fit(self, i: int, entry: GazetteerEntry) -> bool:
        # Long names are often written in sentence case ("Tổ chức Y tế thế giới"):
        # their first word decides.
        caps = entry.caps[:1] if len(entry.caps) >= 3 else entry.caps
        for offset, must_cap in enumerate(caps):
            tok = self.toks[i + offset]
            if must_cap and not tok.cap:
                return False
        # A lower-case first word ("châu Âu") may be written capitalised too.
        return True

    def cap_run(self, i: int, stop_at_known: bool = True, limit: int = 6) -> int:
        """Length of the run of capitalised words starting at ``i``."""
        toks = self.toks
        j = i
        while j < len(toks) and j - i < limit:
            tok = toks[j]
            if j > i and tok.key in _NAME_PARTICLES and not toks[j - 1].upper:
                k = j
                while k < len(toks) and k - j < 3 and toks[k].key in _NAME_PARTICLES and self._joined(k):
                    if toks[k].blocked:
                        break
                    k += 1
                if k < len(toks) and k > j and toks[k].cap and self._joined(k) and not toks[k].blocked:
                    j = k  # "Ursula von der Leyen", "Rio de Janeiro"
                    continue
            if j > i and not tok.cap and _ARABIC_ARTICLE.match(tok.text) and self._joined(j) and not tok.blocked:
                j += 1  # "Abdel Fattah al-Sisi"
                continue
            if tok.blocked or not tok.cap or (j > i and not self._joined(j)):
                break
            if j > i and stop_at_known and (self.gazetteer_at(j)[0] >= 1 or self.title_at(j)):
                break
            j += 1
        return j - i

    def title_at(self, i: int) -> int:
        if not self.toks[i].cap:
            return 0
        return max(self.section_at("office_titles", i), self.section_at("occupations", i))

    def span_text(self, i: int, j: int) -> str:
        return self.text[self.toks[i].start : self.toks[j - 1].end]

    def add(
        self, type_: str, i: int, j: int, canonical: str | None = None, known: bool = False, single: bool = False
    ) -> None:
        toks = self.toks
        end = toks[j - 1].end
        last = toks[j - 1].text
        if (
            type_ == "PER"
            and (len(last) == 1 and last.isupper() or last in ("Jr", "Sr"))
            and self.text[end : end + 1] == "."
        ):
            end += 1  # "Nguyễn Văn A.", "Ferdinand Marcos Jr."
        surface = self.text[toks[i].start : end]
        written = " ".join(surface.split())
        self.mentions.append(Mention(type_, canonical or written, toks[i].start, end, known, single, surface=written))

    # --- organisations ----------------------------------------------------

    def org_at(self, i: int, before_person: bool = False, heads: str = "org_heads", lower_head: bool = False) -> int:
        """End of an organisation name opened by a head word at ``i`` (``i`` if none).

        With ``before_person`` (after a title) the name stops where a
        Vietnamese personal name closes the capitalised run:
        "Chủ tịch Tập đoàn Sovico | Nguyễn Thanh Hùng".
        """
        toks = self.toks
        if not toks[i].cap and not lower_head:
            return i
        head = self.section_at(heads, i)
        if not head:
            return i
        j = i + head
        name_start = j
        while j < len(toks) and self._joined(j) and not toks[j].blocked:
            tok = toks[j]
            compound = self.section_at("org_lower_compounds", j)
            if compound and tok.cap and not toks[j + compound - 1].cap:
                j += compound  # "Hàng không", "Nhân dân" written with one capital
                continue
            if tok.cap:
                if j > name_start and self._title_ends_name(j):
                    break
                if j == name_start and before_person:
                    length, entry = self.gazetteer_at(j)
                    after = j + length
                    if entry is not None and entry.type == "LOC" and after < len(toks) and self._joined(after):
                        rest = self.cap_run(after, stop_at_known=False)
                        if 1 <= rest <= 4 and not (
                            after + rest < len(toks) and toks[after + rest].cap and self._joined(after + rest)
                        ):
                            j = after  # "Người phát ngôn Quân đội Philippines | Padilla"
                            break
                if j > name_start or (before_person and self.gazetteer_at(i)[0] == head):
                    length, entry = self.gazetteer_at(j)
                    if entry is not None and entry.type == "LOC":
                        if not before_person and self._place_inside_name(i, head, j + length):
                            j += length  # "Ngân hàng TMCP Sài Gòn Thương Tín"
                            continue
                        break  # the place qualifies the body: "Bộ Quốc phòng | Nga"
                    named = (
                        any(t.cap for t in toks[name_start:j])
                        or self.gazetteer_at(i)[0] == head
                        or (j - name_start >= 2 and (toks[j - 2].key, toks[j - 1].key) in _NAME_CLOSERS)
                    )
                    if before_person and tok.key in self.lex.surnames and named:
                        rest = self.cap_run(j, stop_at_known=False)
                        run_ends = not (j + rest < len(toks) and toks[j + rest].cap and self._joined(j + rest))
                        # "Bệnh viện Bạch Mai | Nguyễn Văn Chi": a rare family name ("Mai")
                        # gives way to a common one just after it.
                        later = tok.key not in _COMMON_SURNAMES and any(
                            toks[k].key in _COMMON_SURNAMES for k in range(j + 1, j + rest - 1)
                        )
                        if 2 <= rest <= 4 and run_ends and not later:
                            break
                j += 1
                continue
            if (
                tok.key == "và"
                and j + 1 < len(toks)
                and j > name_start
                and toks[j + 1].cap
                and self._joined(j + 1)
                and not self.section_at("org_heads", j + 1)
                and not self.gazetteer_at(j + 1)[0]
            ):
                j += 1  # "Bộ Giáo dục và Đào tạo", but not "Vietcombank và Ngân hàng BIDV"
                continue
            prev = toks[j - 1]
            # Only the rest of a word begun by one capitalised syllable ("Chữ | thập đỏ"):
            # after a finished name ("Hòa Phát", "FPT") lower case words are what follows it.
            single_capital = (
                prev.cap
                and not prev.upper
                and looks_vietnamese(prev.text)
                and (j - 1 == name_start or not toks[j - 2].cap)
            )
            within = j > name_start and single_capital
            compound = self.section_at("org_lower_compounds", j)
            closing = compound == 2 and (tok.key, toks[j + 1].key) in _NAME_CLOSERS
            if compound and (within or closing or self._name_goes_on(j + compound)):
                j += compound  # "Viện Vệ sinh dịch tễ Trung ương", "Tòa án nhân dân"
                continue
            if prev.cap and j > i and self.lex.in_section("org_lower_words", (tok.key,)) and not self._place_ends_at(j):
                j += 1
                continue
            inner = 0
            if within:
                place = self.gazetteer_at(j - 1)[1]
                # "hãng Nhật | sản xuất": a country's name is a finished word.
                inner = self._lower_inside_name(j, place is None or place.type != "LOC")
            elif j > name_start and not prev.cap:
                # After a finished lower-case word only a short stretch leading to
                # a capital belongs to the name: "Cảnh sát | biển | Việt Nam".
                inner = self._lower_inside_name(j, False, limit=2)
            if inner:
                j += inner  # "Hội Chữ thập đỏ Việt Nam", "Cục Quản lý thị trường tỉnh Lạng Sơn"
                continue
            if tok.text.isdigit() and len(tok.text) <= 2 and toks[j - 1].cap and j > name_start:
                j += 1  # "Bệnh viện Nhi Đồng 1"
            break
        if j == name_start:
            # A bare head word ("Bộ", "Lực lượng") names nothing; an acronym head
            # does, and so does one qualified by a place ("Tòa án nhân dân tỉnh X")
            # or a numbered unit ("Quân khu 7", "Bệnh viện 108").
            if toks[i].upper and head == 1:
                return i if self._unnamed_admin(j) else j
            numbered = " ".join(t.key for t in toks[i:j]) in _NUMBERED_HEADS
            if numbered and j < len(toks) and self._joined(j) and toks[j].text.isdigit() and len(toks[j].text) <= 3:
                return j + 1
            return j if head > 1 and self.org_qualifier(j) > j else i
        return j

    def _lower_inside_name(self, j: int, word_begun: bool, limit: int = 7) -> int:
        """Length of the lower-case syllables at ``j`` that belong to a name written
        in sentence case ("Cục Quản | lý thị trường | tỉnh Lạng Sơn", "Hội Chữ |
        thập đỏ | Việt Nam"); 0 when they look like the words after the name.

        They belong to it when the name goes on after them (a capital, "và" and a
        capital, a place, a bracketed acronym) or when they end with a word that
        closes names ("quốc gia", "trung ương").  ``word_begun``: the syllable
        before is the capitalised start of a word, so the first one may be any
        syllable ("Phát | triển").
        """
        toks = self.toks
        k = j
        closed = 0
        soft: int | None = None
        soft_closed = 0
        while k < len(toks) and k - j < limit and not toks[k].cap and self._joined(k) and not toks[k].blocked:
            key = toks[k].key
            if key in ("về", "các") and k > j and soft is None:
                # "Viện Nghiên cứu cao cấp về Toán (VIASM)", "Ban Quản lý các khu công
                # nghiệp tỉnh Long An": only when the name clearly goes on.
                soft, soft_closed = k, closed
                k += 1
                continue
            # The syllable after a capitalised one may be a verb's ("Phát | triển"), never a function word.
            begun_word = k == j and word_begun and key not in _TITLE_ENDERS
            if not key.isalpha() or key == "và" or (key in _NAME_ENDERS and not begun_word):
                break
            k += 1
            if k - j >= 2 and (toks[k - 2].key, toks[k - 1].key) in _NAME_CLOSERS:
                closed = k - j
        if k == j:
            return 0
        if self._name_goes_on(k):
            return k - j
        if soft is not None:
            k, closed = soft, soft_closed
        if k - j == limit and limit < 7:
            return 0
        if not closed and word_begun and limit == 7 and toks[j].key not in _NAME_ENDERS:
            return 1  # "Trung tâm Dự báo | cho biết": the capitalised word's second syllable
        return closed

    def _acronym_follows(self, i: int) -> bool:
        """The phrase starting at ``i`` ends with an acronym in brackets."""
        k = i + 1
        while k < len(self.toks) and k - i < 10 and self._joined(k):
            k += 1
        return self._bracketed_acronym_at(k)

    def _bracketed_acronym_at(self, k: int) -> bool:
        """An all-capital word in brackets follows token ``k - 1``: "... (WFP)"."""
        toks = self.toks
        if k >= len(toks) or not toks[k].upper:
            return False
        return (
            self.text[toks[k - 1].end : toks[k].start].strip() == "("
            and self.text[toks[k].end : toks[k].end + 1] == ")"
        )

    def _title_ends_name(self, k: int) -> bool:
        """A title at ``k`` introduces a person after an organisation name
        ("Sở Y tế | Giám đốc ..."); a title followed by a place or by nothing
        capitalised is part of the name ("Hội Nhà báo Việt Nam")."""
        title = self.title_at(k)
        if not title:
            return False
        after = k + title
        if after >= len(self.toks) or not self._joined(after) or not self.toks[after].cap:
            return False
        length, entry = self.gazetteer_at(after)
        return entry is None or entry.type != "LOC"

    def _name_goes_on(self, k: int) -> bool:
        """An organisation name continues at ``k``: a capital, "và" and a capital,
        a place ("tỉnh An Giang", "châu Âu") or a bracketed acronym."""
        toks = self.toks
        if k >= len(toks) or toks[k].blocked:
            return False
        if not self._joined(k):
            between = self.text[toks[k - 1].end : toks[k].start]
            return between.strip() == "(" and toks[k].upper and "\n" not in between
        nxt = toks[k]
        if nxt.cap:
            return not self._title_ends_name(k)
        if nxt.key == "và":
            return k + 1 < len(toks) and toks[k + 1].cap and self._joined(k + 1) and not toks[k + 1].blocked
        return self.org_qualifier(k) > k

    def org_qualifier(self, j: int) -> int:
        """Extend an organisation ending at ``j`` by a place: "... Nga", "... tỉnh Quảng Nam"."""
        toks = self.toks
        if j >= len(toks) or not self._joined(j) or toks[j].blocked:
            return j
        if toks[j].key == "tại" and j + 1 < len(toks) and self._joined(j + 1) and self._embassy_before(j):
            # "Đại sứ quán Việt Nam tại Hàn Quốc"
            length, entry = self.gazetteer_at(j + 1)
            if entry is not None and entry.type == "LOC":
                return j + 1 + length
            return j
        length, entry = self.gazetteer_at(j)
        if entry is not None and entry.type == "LOC" and toks[j].cap and length > 1:
            return j + length  # "TP.HCM", before "TP" is read as a prefix
        prefix = self.section_at("loc_prefix_drop", j)
        admin = prefix and " ".join(t.key for t in toks[j : j + prefix]) in _ADMIN_PREFIXES
        if admin:
            k = j + prefix
            if self._numbered_district(j):
                return j + 2  # "Công an quận 7"
            if k < len(toks) and toks[k].cap and self._joined(k):
                length, entry = self.gazetteer_at(k)
                if entry is not None and entry.type == "LOC":
                    return k + length
                run = self.cap_run(k, stop_at_known=False, limit=4)
                # Place names are short: "huyện Bình Chánh | Nguyễn Văn A" is a name after the place.
                for cut in range(k + 1, k + run):
                    if toks[cut].key in self.lex.surnames and run - (cut - k) >= 2:
                        run = cut - k
                        break
                return k + run if run else j
            return j
        length, entry = self.gazetteer_at(j)
        if entry is not None and entry.type == "LOC" and (toks[j].cap or (length > 1 and not entry.caps[0])):
            return j + length  # "... Nga", "Liên minh châu Phi"
        return j

    def _embassy_before(self, j: int) -> bool:
        """A diplomatic mission's head word stands a few words before ``j``."""
        for k in range(max(0, j - 6), j):
            for n in (1, 2, 3, 4):
                if k + n <= j and " ".join(t.key for t in self.toks[k : k + n]) in _MISSION_HEADS:
                    return True
        return False

    # --- the scan -----------------------------------------------------------

    def _block_shouting(self) -> None:
        """Lines written all in capitals (headings, bylines) carry no case cues: skip them."""
        spans = []
        for line in re.finditer(r"[^\n]+", self.text):
            words = re.findall(r"[^\W\d_]+", line.group(0))
            if len(words) >= 2 and all(w.isupper() for w in words) and sum(len(w) > 1 for w in words) >= 2:
                spans.append((line.start(), line.end()))
        if spans:
            self._block_spans(spans)

    def run(self) -> list[Mention]:
        self._block_shouting()
        self._block_work_titles()
        toks = self.toks
        i = 0
        while i < len(toks):
            tok = toks[i]
            if tok.blocked:
                i += 1
                continue
            if not tok.cap:
                length, entry = self.gazetteer_at(i)
                if entry is not None and not entry.caps[0]:
                    self.add(entry.type, i, i + length, entry.canonical, known=True)
                    i += length
                    continue
                if self._numbered_district(i):
                    self.add("LOC", i, i + 2)  # "quận 2", "phường 7": the number needs its word
                    i += 2
                    continue
                head = self.section_at("org_heads", i)
                # A one-syllable head must start a word: "thị trường Nhật Bản" is a market.
                starts_word = head > 1 or not self._joined(i) or (toks[i - 1].key, toks[i].key) not in _WORD_ENDS
                if head and starts_word and " ".join(t.key for t in toks[i : i + head]) in _LOWER_HEADS:
                    nxt = i + head
                    if nxt < len(toks) and self._joined(nxt) and toks[nxt].cap and not toks[nxt].blocked:
                        end = self.org_at(i, lower_head=True)
                        if end > nxt:
                            i = self.emit_org(i, end, None)  # "bệnh viện Bạch Mai", "sở Y tế Hà Nội"
                            continue
                i += 1
                continue
            if self._numbered_district(i):
                self.add("LOC", i, i + 2)
                i += 2
                continue
            i = self.at_capital(i)
        self._clubs_in_match_reports()
        self._bodies_listed_with_bodies()
        return self.mentions

    def _bodies_listed_with_bodies(self) -> None:
        """A name guessed to be a person but listed with organisations is one:
        "Lockheed Martin và Boeing", "Saab, Airbus và Thales"."""
        ordered = sorted(self.mentions, key=lambda m: m.start)
        changed = True
        while changed:
            changed = False
            for k, m in enumerate(ordered):
                if not (m.guessed and m.type == "PER"):
                    continue
                for other, left, _right in (
                    (ordered[k - 1] if k else None, "prev", m),
                    (ordered[k + 1] if k + 1 < len(ordered) else None, m, "next"),
                ):
                    if other is None or not (other.type == "ORG" or (other.single and other.fallback == "ORG")):
                        continue
                    a, b = (other, m) if left == "prev" else (m, other)
                    if _LIST_JOINER.fullmatch(self.text, a.end, b.start):
                        m.type, m.guessed, changed = "ORG", False, True
                        break

    def _joins_double_name(self, i: int, run: int) -> bool:
        """ "ở Phong Nha - Kẻ Bàng", "tại Cái Mép - Thị Vải": after "ở"/"tại" two
        local names joined by a dash are one place (a route would follow
        "tuyến", "đường bay" ...; provinces and countries stay apart)."""
        toks = self.toks
        prev = self.mentions[-1]
        if self._starts is None:
            self._starts = [t.start for t in toks]
        first = bisect_right(self._starts, prev.start) - 1
        if first < 1 or toks[first - 1].key not in ("ở", "tại") or not self._joined(first):
            return False
        for k in (first, i):
            entry = self.gazetteer_at(k)[1]
            if entry is not None and entry.source in ("countries", "provinces_vn"):
                return False
        if not all(looks_vietnamese(t.text) for t in toks[first : i + run]):
            return False
        prev.end = toks[i + run - 1].end
        prev.canonical = prev.surface = " ".join(self.text[prev.start : prev.end].split())
        prev.known = False
        return True

    def _second_syllable(self, k: int) -> bool:
        """Token ``k`` is a lower-case syllable that completes the word before it."""
        toks = self.toks
        return (
            k < len(toks)
            and self._joined(k)
            and not toks[k].cap
            and not toks[k].blocked
            and toks[k].key.isalpha()
            and toks[k].key not in _TITLE_ENDERS
        )

    def _company_verb_at(self, k: int) -> bool:
        """What follows ``k`` is something companies do ("ra mắt", "báo lãi")."""
        toks = self.toks
        if k + 1 >= len(toks) or not self._joined(k) or not self._joined(k + 1):
            return False
        return (toks[k].key, toks[k + 1].key) in _COMPANY_VERBS

    def _place_ends_at(self, j: int) -> bool:
        """A known place ends just before token ``j`` ("Nội các Thái Lan | thông qua")."""
        for k in range(max(0, j - 4), j):
            length, entry = self.gazetteer_at(k)
            if entry is not None and entry.type == "LOC" and k + length == j:
                return True
        return False

    def _place_inside_name(self, i: int, head: int, after: int) -> bool:
        """A company's name goes on after a place: "Ngân hàng TMCP Sài Gòn | Thương Tín"."""
        toks = self.toks
        if " ".join(t.key for t in toks[i : i + head]) not in _COMPANY_HEADS:
            return False
        if after >= len(toks) or not self._joined(after) or not toks[after].cap:
            return False
        rest = self.cap_run(after, stop_at_known=True, limit=3)
        words = toks[after : after + rest]
        return (
            rest > 0
            and toks[after].key not in self.lex.surnames
            and all(looks_vietnamese(t.text) and not t.upper for t in words)
            and not (after + rest < len(toks) and toks[after + rest].cap and self._joined(after + rest))
        )

    def _country_starts_name(self, i: int) -> bool:
        toks = self.toks
        k = i + 1
        if not looks_vietnamese(toks[i].text) or k >= len(toks) or not self._joined(k):
            return False
        nxt = toks[k]
        return (
            nxt.cap
            and not nxt.upper
            and not nxt.blocked
            and looks_vietnamese(nxt.text)
            and nxt.key not in _SHORT_COUNTRIES
            and self.gazetteer_at(k)[1] is None
            and not self.title_at(k)
            and not self.section_at("org_heads", k)
            and not self.section_at("sentence_start_words", k)
        )

    def _described_place_before(self, i: int) -> bool:
        toks = self.toks
        k = i
        while (
            k > 0 and i - k < 3 and self._joined(k) and toks[k - 1].key in _PLACE_DESCRIPTIONS and not toks[k - 1].cap
        ):
            k -= 1
        return k < i and self.section_before("loc_prefix_drop", k) > 0

    def _unnamed_admin(self, j: int) -> bool:
        """An administrative word without a name follows: "Chủ tịch UBND | tỉnh," names
        no particular body."""
        toks = self.toks
        return (
            j < len(toks)
            and self._joined(j)
            and toks[j].key in _ADMIN_PREFIXES
            and not (j + 1 < len(toks) and self._joined(j + 1) and (toks[j + 1].cap or toks[j + 1].text.isdigit()))
        )

    def _numbered_district(self, i: int) -> bool:
        toks = self.toks
        return (
            toks[i].key in ("quận", "phường")
            and i + 1 < len(toks)
            and self._joined(i + 1)
            and not toks[i + 1].blocked
            and toks[i + 1].text.isdigit()
            and len(toks[i + 1].text) <= 2
            and not (i + 2 < len(toks) and self._joined(i + 2) and toks[i + 2].cap)
        )

    def _home_province(self, end: int) -> int:
        """End of a Vietnamese province right after ``end`` that closes a name
        ("đội bóng Đông Á | Thanh Hóa"), or ``end``."""
        toks = self.toks
        if end >= len(toks) or not self._joined(end) or not toks[end].cap:
            return end
        length, entry = self.gazetteer_at(end)
        after = end + length
        if (
            entry is None
            or entry.source != "provinces_vn"
            or (after < len(toks) and toks[after].cap and self._joined(after))
        ):
            return end
        return after

    def _sporty(self) -> bool:
        """The text reports on sport (a score or football words)."""
        if self._sport is None:
            self._sport = bool(_SCORE.search(self.text) or _SPORT_WORDS.search(self.text))
        return self._sport

    def _clubs_in_match_reports(self) -> None:
        """In a sentence about a match, a Vietnamese city next to a result verb is its club.

        "Nam Định thắng Hà Tĩnh 2-0": both are teams.  Countries stay places
        (national teams are reported under the country's name).
        """
        if not self._sporty():
            return
        toks = self.toks
        starts = [t.start for t in toks]
        sentence_of = []
        current = 0
        for t in toks:
            if t.sent:
                current += 1
            sentence_of.append(current)
        dates = [(m.start, m.end) for m in self.mentions if m.type == "DATE"]
        sporty = {
            sentence_of[bisect_right(starts, m.start()) - 1]
            for m in _SCORE.finditer(self.text)
            if m.start() >= starts[0] and not any(s < m.end() and m.start() < e for s, e in dates)
        }
        for mention in self.mentions:
            if mention.type != "LOC" or not mention.known:
                continue
            first = bisect_right(starts, mention.start) - 1
            last = bisect_right(starts, mention.end - 1) - 1
            if sentence_of[first] not in sporty:
                continue
            entry = self.lex.phrases.get(tuple(t.key for t in toks[first : last + 1]))
            if entry is None or entry.source != "provinces_vn":
                continue
            before = toks[first - 1].key if first > 0 and self._joined(first) else ""
            after = toks[last + 1].key if last + 1 < len(toks) and self._joined(last + 1) else ""
            if before in _RESULT_WORDS or after in _RESULT_WORDS:
                mention.type, mention.known = "ORG", False

    def _block_work_titles(self) -> None:
        """Hide titles of films, songs and shows: quoted or capitalised after a cue."""
        toks = self.toks
        spans: list[tuple[int, int]] = []
        for i in range(len(toks)):
            cue = self.section_before("work_title_cues", i)
            if cue and i - cue > 0 and toks[i - cue - 1].key in _MAKER_WORDS:
                cue = 0  # "hãng phim Walt Disney" names the studio, not a film
            plain = 0
            if not cue:
                plain = cue = self.section_before("not_entity_cues", i)
            if not cue or (toks[i - cue].cap and not toks[i - cue].sent):
                continue
            between = self.text[toks[i - 1].end : toks[i].start]
            quote = next((c for c in between if c in _QUOTE_OPEN), None)
            if not quote and self._acronym_follows(i):
                continue  # "Chương trình Lương thực Thế giới (WFP)" is a body, not a show
            if quote:
                close = self.text.find(_QUOTE_CLOSE[quote], toks[i].start)
                if close != -1 and close - toks[i].start < 120:
                    spans.append((toks[i].start, close))
            elif toks[i].cap and plain:
                spans.append((toks[i].start, toks[i + self.cap_run(i, stop_at_known=False) - 1].end))
            elif toks[i].cap:
                # Titles are written in sentence case ("Nhà bà Nữ"): run on to a
                # joining word or punctuation.
                j = i + 1
                while j < len(toks) and j - i < 6 and self._joined(j) and toks[j].key not in _TITLE_ENDERS:
                    j += 1
                spans.append((toks[i].start, toks[j - 1].end))
        if spans:
            self._block_spans(spans)

    def at_capital(self, i: int) -> int:
        toks = self.toks
        tok = toks[i]
        title = self.title_at(i)
        org_end = self.org_at(i)
        gaz_len, entry = self.gazetteer_at(i)
        known_len = max(title, org_end - i, gaz_len)
        if not known_len and self.section_at("acronym_org_heads", i):
            # "Chương trình Lương thực Thế giới (WFP)": a programme or a community
            # is a body when it goes by an acronym.
            body_end = self.org_at(i, heads="acronym_org_heads")
            if body_end > i and self._bracketed_acronym_at(body_end):
                return self.emit_org(i, body_end, None)

        if tok.sent or toks[i].gap == "start":
            stop = self.section_at("sentence_start_words", i)
            if stop and stop >= known_len:
                return i + stop
            honorific = self.section_at("honorifics", i)
            if (
                honorific
                and i + honorific < len(toks)
                and self._joined(i + honorific)
                and (toks[i + honorific].cap or self._particles_then_capital(i + honorific))
            ):
                if known_len <= honorific:
                    return self.person_after(i + honorific)
            if not known_len and i + 1 < len(toks) and toks[i + 1].cap and self._joined(i + 1):
                # "Trang Avia Pro ...", "Tờ New York Times ...": a cue word opens the sentence.
                for section, kind in (("org_context", "ORG"), ("loc_context", "LOC")):
                    cue = self.section_at(section, i)
                    if cue == 1:
                        k = i + 1
                        length, entry = self.gazetteer_at(k)
                        if entry is not None:
                            return k
                        run = self.cap_run(k)
                        self.add(kind, k, k + run)
                        return k + run
            if honorific and gaz_len == honorific and not title:
                nxt = toks[i + honorific] if i + honorific < len(toks) else None
                listed = nxt is not None and (
                    nxt.key == "và" or nxt.gap == "hyphen" or self.text[toks[i].end : nxt.start].strip() == ","
                )
                if not listed:
                    # "Anh nhớ ..." at a sentence start is a pronoun, not the country.
                    return i + honorific

        if title and title >= gaz_len and title >= org_end - i:
            return self.after_title(i, title)
        venue_end = self.org_at(i, heads="loc_heads")
        if venue_end > i + 1 and venue_end - i > gaz_len and venue_end >= org_end:
            self.add("LOC", i, self.org_qualifier(venue_end))  # "Nhà hát Lớn Hà Nội"
            return self.org_qualifier(venue_end)
        prefix = self.section_at("loc_prefix_drop", i)
        if prefix and prefix >= known_len:
            k = i + prefix
            if k < len(toks) and toks[k].cap and self._joined(k) and not toks[k].blocked:
                # "TP Vũng Tàu", "Tỉnh Quảng Nam": the prefix is not part of the name.
                length, place = self.gazetteer_at(k)
                if place is not None and place.type == "LOC" and length > self.cap_run(k, stop_at_known=False, limit=4):
                    self.add("LOC", k, k + length, place.canonical, known=True)  # "Tỉnh Bà Rịa - Vũng Tàu"
                    return k + length
                return self.unknown_run(k)
        if org_end > i and org_end - i > gaz_len:
            return self.emit_org(i, org_end, None)
        if (
            entry is not None
            and entry.type == "LOC"
            and (self.section_before("loc_prefix_drop", i) or self.section_before("loc_prefix_keep", i))
        ):
            after = i + gaz_len
            numbered = (
                after < len(toks) and toks[after].text.isdigit() and len(toks[after].text) <= 2 and self._joined(after)
            )
            if numbered or self.cap_run(i, stop_at_known=False, limit=4) > gaz_len:
                return self.unknown_run(i)  # "sân Mỹ Đình", "xã Gio Mỹ", "cầu Thủ Thiêm 4"
        if entry is not None and self.section_before("org_context", i) and not self.section_before("person_context", i):
            if self.cap_run(i, stop_at_known=False, limit=5) > gaz_len:
                return self.unknown_run(i)  # "báo Sài Gòn Giải Phóng": the whole run is the body
        if entry is not None and entry.source == "countries" and gaz_len == 1 and self._country_starts_name(i):
            return self.unknown_run(i)  # "tại Mỹ Đình", "Đức Huy": a country's word begins another name
        if entry is not None and entry.type == "LOC":
            tail = self._suffix_extension(i + gaz_len)
            if tail:
                self.add("ORG", i, tail)  # "Bangkok United", "Hà Nội FC"
                return tail
        if entry is not None:
            if entry.type == "ORG":
                return self.emit_org(i, i + gaz_len, entry)
            # "Anh hùng", "Mỹ nhân": a country name that is the first half of a word.
            if gaz_len == 1 and self.section_at("sentence_start_words", i) > 1:
                return i + self.section_at("sentence_start_words", i)
            self.add(entry.type, i, i + gaz_len, entry.canonical, known=True)
            if gaz_len == 1 and entry.type == "LOC" and looks_vietnamese(tok.text) and self._says_at(i + 1):
                # "Đức cho biết ...": a one-word place that speaks may be a person's
                # given name; resolution decides once the people of the text are known.
                self.mentions[-1].fallback = "PER"
            return i + gaz_len
        return self.unknown_run(i)

    def _says_at(self, k: int) -> bool:
        toks = self.toks
        if k + 1 >= len(toks) or not self._joined(k) or not self._joined(k + 1):
            return False
        return (toks[k].key, toks[k + 1].key) in _SPEECH_VERBS

    def emit_org(self, i: int, end: int, entry: GazetteerEntry | None) -> int:
        """Record the organisation ``i..end`` (``entry`` if known) with its qualifier and bracketed alias."""
        toks = self.toks
        if entry is None:
            length, named = self.gazetteer_at(i)
            if named is not None and named.type == "ORG" and i + length == end:
                entry = named  # "Bộ GD-ĐT" found through its head is still the known ministry
        head = self.section_at("org_heads", i)
        if end - i == 1 and head == 1 and toks[i].upper and self._unnamed_admin(end):
            return end
        qualified = end
        if entry is None or head:
            # "Ủy ban MTTQ Việt Nam tỉnh Quảng Trị": a country, then a province.
            qualified = self.org_qualifier(self.org_qualifier(end))
        head_words = " ".join(t.key for t in toks[i : i + head])
        # "Ngân hàng Standard Chartered" is the bank Standard Chartered.
        brand_head = head_words in _BRAND_HEADS or (
            head_words == "ngân hàng"
            and i + head < end
            and not any(looks_vietnamese(t.text) or t.upper for t in toks[i + head : end])
        )
        if entry is None and brand_head and i + head < end:
            length, named = self.gazetteer_at(i + head)
            if named is not None and named.source == "countries" and i + head + length == end == qualified:
                # "báo Mỹ", "hãng Nhật": the press or the makers of a country, not one body.
                self.add("LOC", i + head, end, named.canonical, known=True)
                return end
        if entry is None and qualified == end and i + head < end and (brand_head or head_words in _GENERIC_HEADS):
            # "Hãng tin Reuters", "Tập đoàn Vingroup", "Công ty FPT": a head before a known name.
            name_len, named = self.gazetteer_at(i + head)
            if named is not None and named.type == "ORG" and i + head + name_len == end:
                entry = named
        if qualified > end and brand_head and entry is None:
            # "Hãng hàng không Garuda Indonesia": the brand with its place, without the head.
            self.add("ORG", i, qualified, self.span_text(i + head, qualified))
        elif qualified > end:
            self.add("ORG", i, qualified)
        elif entry is None and brand_head:
            # "Tập đoàn Sovico" is the group Sovico: keep the brand as the name.
            self.add("ORG", i, end, self.span_text(i + head, end))
        elif entry is not None:
            suffix = self._suffix_extension(end) or self._local_branch(end)
            if suffix:
                self.add("ORG", i, suffix)  # "ASEAN Cup", "AFC Champions League", "Samsung Việt Nam"
                qualified = suffix
            else:
                self.add("ORG", i, end, entry.canonical, known=True)
        else:
            self.add("ORG", i, end)
        return self._bracketed_alias(qualified)

    def _bracketed_alias(self, end: int) -> int:
        """After an organisation ending at ``end``, take "(WHO)" or "(Vietcombank)" as its alias."""
        toks = self.toks
        if end >= len(toks) or self.text[toks[end - 1].end : toks[end].start].strip() != "(":
            return end
        length, named = self.gazetteer_at(end)
        known = named is not None and named.type == "ORG"
        if named is not None and not known:
            return end  # "Đại học Wageningen (Hà Lan)": a place, not a short name
        word = toks[end].text
        # "(HoREA)", "(Vinafruit)": a foreign-looking single word is the body's short name.
        coined = (
            word[0].isupper()
            and not looks_vietnamese(word)
            and word.isalpha()
            and not (end + 1 < len(toks) and self._joined(end + 1) and toks[end + 1].cap)
        )
        if not (toks[end].upper or known or coined):
            return end
        close = end + 1
        while close < len(toks) and self._joined(close) and toks[close].cap:
            close += 1
        if self.text[toks[close - 1].end : toks[close - 1].end + 1] != ")":
            return end
        owner = self.mentions[-1]
        if known and end + length == close and not owner.known:
            # "Ngân hàng TMCP Ngoại thương Việt Nam (Vietcombank)": the known name wins.
            owner.canonical, owner.known = named.canonical, True
        alias = self.span_text(end, close)
        self.mentions.append(
            Mention("ORG", owner.canonical, toks[end].start, toks[close - 1].end, owner.known, surface=alias)
        )
        return close

    def after_title(self, i: int, title: int) -> int:
        """Handle what follows a title: portfolio, organisation, country, then the name."""
        toks = self.toks
        occupation = self.section_at("occupations", i) == title and not self.section_at("office_titles", i) == title
        # "Ông Nguyễn Xuân Thắng, Giám đốc Học viện ...": a title in apposition
        # after a name describes that person; no second name follows.
        appositive = (
            bool(self.mentions)
            and self.mentions[-1].type == "PER"
            and _APPOSITION.match(self.text, self.mentions[-1].end, toks[i].start) is not None
        )
        k = i + title
        if k < len(toks) and self._joined(k) and toks[k].cap:
            k += self.section_at("portfolios", k)
        pending: list[tuple[int, int, GazetteerEntry]] = []
        for _ in range(2):
            if k >= len(toks) or not self._joined(k) or toks[k].blocked:
                break
            if not toks[k].cap:
                prefix = self.section_at("loc_prefix_drop", k)
                if prefix and k + prefix < len(toks) and toks[k + prefix].cap and self._joined(k + prefix):
                    run = self.cap_run(k + prefix, stop_at_known=False)
                    if run >= 3:
                        # "Thống đốc bang Florida Ron DeSantis"
                        self.add("LOC", k + prefix, k + prefix + 1)
                        k = k + prefix + 1
                break
            org_end = self.org_at(k, before_person=not appositive)
            gaz_len, entry = self.gazetteer_at(k)
            if entry is not None and entry.type == "ORG" and org_end > k + gaz_len and not appositive:
                rest = self.cap_run(k + gaz_len, stop_at_known=False)
                if rest >= 2 and org_end == k + gaz_len + rest:
                    # "Người phát ngôn Điện Kremlin | Dmitry Peskov": a known body, then the name.
                    org_end = k
            if org_end > k and org_end - k >= gaz_len:
                k = self.emit_org(k, org_end, None)
                continue
            if entry is not None and entry.type == "ORG":
                k = self.emit_org(k, k + gaz_len, entry)
                continue
            if entry is not None:
                pending.append((k, k + gaz_len, entry))
                k += gaz_len
                continue
            break
        run = self.cap_run(k, stop_at_known=False) if k < len(toks) and self._joined(k) else 0
        if run and self.is_common(k, run):
            run = 0
        if run and pending and occupation:
            start, end, entry = pending[-1]
            if run == 1 and end - start == 1 and looks_vietnamese(toks[k].text):
                # "ca sĩ Mỹ Tâm": the country word is part of the name.
                pending.pop()
                for s, e, ent in pending:
                    self.add("LOC", s, e, ent.canonical, known=True)
                self.add("PER", start, k + 1)
                return k + 1
        for s, e, ent in pending:
            self.add(ent.type, s, e, ent.canonical, known=True)
        if run >= 3 and not occupation and " ".join(t.key for t in toks[i : i + title]) in _BUSINESS_TITLES:
            # "Giám đốc điều hành Apple Tim Cook": a business title names the company first.
            last_two = toks[k + run - 2 : k + run]
            body = toks[k : k + run - 2]
            if (
                not all(looks_vietnamese(t.text) for t in last_two)
                and not any(t.key in _NAME_PARTICLES for t in last_two)
                and all(t.upper or not looks_vietnamese(t.text) for t in body)
            ):
                self.add("ORG", k, k + run - 2)
                self.add("PER", k + run - 2, k + run)
                return k + run
        if run >= 3 and not occupation:
            # "Chủ tịch HoREA Lê Hoàng Châu", "CEO VinFast Nguyễn Thị Lan Anh": a foreign
            # word or an acronym before a Vietnamese name is the body the person leads.
            for cut in range(k + 1, min(k + 3, k + run - 1)):
                rest = toks[cut : k + run]
                if (
                    toks[cut].key in self.lex.surnames
                    and 2 <= len(rest) <= 4
                    and all(looks_vietnamese(t.text) for t in rest)
                    and not any(looks_vietnamese(t.text) and not t.upper for t in toks[k:cut])
                ):
                    self.add("ORG", k, cut)
                    self.add("PER", cut, k + run)
                    return k + run
        if run:
            # "Warren Buffett, Chủ tịch Berkshire Hathaway": the person is named
            # already, so what the title governs is the body they lead.
            body = appositive and not pending and not occupation and toks[k].key not in self.lex.surnames
            self.add("ORG" if body else "PER", k, k + run)
            return k + run
        return max(k, i + title)

    def _suffix_extension(self, end: int) -> int:
        """End of up to three capitalised words after ``end`` that contain an
        organisation suffix ("United", "Cup", "FC"), or 0."""
        toks = self.toks
        k = end
        while k < len(toks) and k - end < 3 and self._joined(k) and toks[k].cap and not toks[k].blocked:
            k += 1
        suffixes = [j for j in range(end, k) if self.lex.in_section("org_suffixes", (toks[j].key,))]
        if not suffixes:
            return 0
        if k < len(toks) and self._joined(k) and toks[k].text.isdigit() and len(toks[k].text) <= 4:
            k += 1  # an edition: "World Cup 2026", "SEA Games 32"
        return k

    def _local_branch(self, end: int) -> int:
        """End of "Việt Nam" right after a company name ("Samsung Việt Nam"), or 0."""
        toks = self.toks
        if end + 1 < len(toks) and self._joined(end) and toks[end].key == "việt" and toks[end + 1].key == "nam":
            after = end + 2
            if after >= len(toks) or not (toks[after].cap and self._joined(after)):
                return after
        return 0

    def is_common(self, i: int, run: int) -> bool:
        """The capitalised run at ``i`` starts with an ordinary word ("Nhóm", "Hội nghị")."""
        common = max(self.section_at("sentence_start_words", i), self.section_at("org_heads", i))
        if common >= run:
            return True
        # A common two-word expression that the run cuts in half: "Thông | tư".
        return common > 0 and i + common < len(self.toks) and not self.toks[i + common - 1].cap

    def _particles_then_capital(self, k: int) -> int:
        """Number of name particles at ``k`` when a capitalised word follows them ("von der Leyen")."""
        toks = self.toks
        j = k
        while j < len(toks) and j - k < 3 and toks[j].key in _NAME_PARTICLES and (j == k or self._joined(j)):
            j += 1
        return j - k if j > k and j < len(toks) and toks[j].cap and self._joined(j) else 0

    def _person_cue_before(self, i: int) -> int:
        """Length of a word before ``i`` that announces a person ("vợ", "đạo diễn"),
        unless it is the second half of another word ("công bố", "công ty mẹ")."""
        cue = self.section_before("person_context", i)
        if cue == 1 and i >= 2 and self._joined(i - 1) and (self.toks[i - 2].key, self.toks[i - 1].key) in _NOT_KINSHIP:
            return 0
        return cue

    def person_after(self, k: int) -> int:
        particles = self._particles_then_capital(k)
        run = self.cap_run(k + particles, stop_at_known=False, limit=5) + particles if particles else 0
        if particles:
            self.add("PER", k, k + run)
            return k + run
        run = self.cap_run(k, stop_at_known=False, limit=5)
        if run:
            self.add("PER", k, k + run)
        return k + max(run, 1)

    def unknown_run(self, i: int) -> int:
        toks = self.toks
        tok = toks[i]
        surname_first = tok.key in self.lex.surnames and not tok.upper
        if self._described_place_before(i):
            # "thành phố biên giới Cúcuta", "huyện đảo Lý Sơn": a place word, a description, the name.
            run = self.cap_run(i, stop_at_known=False, limit=4)
            if run == 1 and tok.key in _COMPASS:
                return i + 1  # "các tỉnh miền Bắc"
            self.add("LOC", i, i + run)
            return i + run
        if self.section_before("loc_prefix_drop", i) or self.section_before("loc_prefix_keep", i):
            # "xã Gio Mỹ", "sông Hương": the whole run is the place.
            run = self.cap_run(i, stop_at_known=False, limit=4)
            if run == 1 and tok.key in _COMPASS:
                return i + 1
            keep = self.section_before("loc_prefix_keep", i)
            if keep == 1 and toks[i - 1].key == "biển" and all(looks_vietnamese(t.text) for t in toks[i : i + run]):
                keep = 0  # "biển Mỹ Khê" is the beach Mỹ Khê; "biển Baltic" keeps its word
            end = i + run
            if end < len(toks) and toks[end].text.isdigit() and len(toks[end].text) <= 2 and self._joined(end):
                end += 1  # "cầu Thủ Thiêm 4"
            self.add("LOC", i - keep, end)
            return end
        after_place = (
            bool(self.mentions) and self.mentions[-1].type == "LOC" and self.mentions[-1].end == toks[i - 1].end
        )
        if tok.gap == "hyphen" and after_place:
            # "Bến Thành - Suối Tiên", "Hà Nội - Côn Đảo": the other end of a route;
            # "Mỹ - Trung": a country by its first syllable.
            run = self.cap_run(i, stop_at_known=False, limit=4)
            if run == 1 and tok.key in _COMPASS:
                return i + 1
            if self._joins_double_name(i, run):
                return i + run
            short = _SHORT_COUNTRIES.get(tok.key) if run == 1 else None
            self.add("LOC", i, i + run, short, known=short is not None)
            return i + run
        if tok.key in _SHORT_COUNTRIES and i + 1 < len(toks) and toks[i + 1].gap == "hyphen":
            nxt = toks[i + 1]
            length, entry = self.gazetteer_at(i + 1)
            if nxt.key in _SHORT_COUNTRIES or (entry is not None and entry.source == "countries"):
                self.add("LOC", i, i + 1, _SHORT_COUNTRIES[tok.key], known=True)  # "Việt - Nhật"
                return i + 1
        if self.lex.in_section("not_names", (tok.key,)):
            return i + 1  # "Olympic | Paris 2024"
        common = self.section_at("sentence_start_words", i)
        if common and (common > 1 or not (i + 1 < len(toks) and toks[i + 1].cap and self._joined(i + 1))):
            return i + common
        run = self.cap_run(i, stop_at_known=not surname_first, limit=5 if surname_first else 6)
        if run == 0:
            return i + 1
        if self.is_common(i, run):
            return i + run
        if run == 1 and i + 1 < len(toks) and tok.gap != "hyphen":
            length, entry = self.gazetteer_at(i + 1) if self._joined(i + 1) else (0, None)
            acronym = tok.upper and not self.lex.in_section("not_acronyms", (tok.key,))
            foreign = (
                not tok.upper
                and tok.text.isalpha()
                and not looks_vietnamese(tok.text)
                and not tok.key.endswith(_SURNAME_ENDINGS)
                and not self.lex.in_section("not_names", (tok.key,))
                and not self.section_before("honorifics", i)
                and not self._person_cue_before(i)
            )
            after = i + 1 + length
            ends = after >= len(toks) or not (toks[after].cap and self._joined(after))
            if (
                entry is not None
                and entry.type == "LOC"
                and ends
                and ((acronym and entry.source == "provinces_vn") or foreign)
            ):
                # "SHB Đà Nẵng", "Becamex Bình Dương": a sponsor and a city make a club;
                # "Real Madrid", "Garuda Indonesia": a foreign word before a place names a body.
                self.add("ORG", i, after)
                return after
        end = i + run
        if self.section_before("work_title_cues", i) or self.section_before("not_entity_cues", i):
            return end
        if self.section_before("honorifics", i) or self._person_cue_before(i):
            self.add("PER", i, end)
            return end
        if self.section_before("org_context", i):
            end = self._home_province(end)
            if run == 1 and looks_vietnamese(tok.text) and end == i + 1 and self._second_syllable(end):
                end += 1  # "đảng Dân chủ", "đảng Cộng hòa": a word written in sentence case
            self.add("ORG", i, end)
            return end
        if (
            1 <= run <= 2
            and not surname_first
            and self._sporty()
            and all(looks_vietnamese(t.text) and not t.upper for t in toks[i:end])
        ):
            club_end = self._home_province(end)
            if club_end > end:
                self.add("ORG", i, club_end)  # "Sông Lam Nghệ An", "Thép Xanh Nam Định"
                return club_end
        if self.section_before("loc_context", i) and not (surname_first and run >= 2):
            if run >= 2 or not tok.upper:
                self.add("LOC", i, end)
                return end
        last = toks[end - 1]
        if run > 1 and (_MODEL.match(last.text) or self.lex.in_section("not_names", (tok.key,))):
            return end  # "Galaxy S25", "Artemis II": a product, not an entity
        if run > 1 and (
            (tok.upper and not self.lex.in_section("not_acronyms", (tok.key,)))
            or self.lex.in_section("org_suffixes", (last.key,))
            or (last.upper and "-" not in last.text and not self.lex.in_section("not_acronyms", (last.key,)))
        ):
            if self.lex.in_section("org_suffixes", (last.key,)) and end < len(toks) and self._joined(end):
                if toks[end].text.isdigit() and len(toks[end].text) <= 4:
                    end += 1  # an edition: "World Cup 2026"
            self.add("ORG", i, end)  # "ASEAN Cup", "Samsung Electronics"
            return end
        branch = self._local_branch(end) if run == 1 and not looks_vietnamese(tok.text) else 0
        if (
            branch
            and not self.lex.in_section("not_names", (tok.key,))
            and not self.lex.in_section("not_acronyms", (tok.key,))
        ):
            self.add("ORG", i, branch)  # "Unilever Việt Nam": a company's branch in Vietnam
            return branch
        if run == 1:
            if _CODE.match(tok.text):
                maker = self.lex.phrases.get((match_key(tok.text.rstrip("0123456789")),))
                if maker is not None and maker.type == "ORG":
                    self.add("ORG", i, end)  # "VTV3", "HTV7": a broadcaster's channel
                return end  # "ST25", "VN123", "SE1": a product, flight or train code
            if tok.upper and not self.lex.in_section("not_acronyms", (tok.key,)) and not tok.text.isdigit():
                if any(ch.isalpha() for ch in tok.text):
                    self.add("ORG", i, end)
                return end
            if any(a.islower() and b.isupper() for a, b in zip(tok.text, tok.text[1:], strict=False)):
                self.add("ORG", i, end)  # "TikTok", "VinFast"
                return end
            self.add("PER", i, end, single=True)
            follows_name = bool(self.mentions) and self.mentions[-1].end == toks[i - 1].end and tok.gap == "space"
            opens_sentence = tok.sent and i + 1 < len(toks) and not toks[i + 1].cap
            surname_like = (tok.key.endswith(_SURNAME_ENDINGS) and len(tok.text) > 4) or self.lex.in_section(
                "known_people", (tok.key,)
            )
            if surname_like and not self.lex.in_section("not_names", (tok.key,)):
                self.mentions[-1].fallback = "PER"  # "Krasikov đang bị giam giữ", "Lewandowski ghi bàn"
                return end
            if (
                len(tok.text) > 2
                and (opens_sentence or not tok.sent)
                and not surname_like
                and not (
                    follows_name
                    or tok.upper
                    or looks_vietnamese(tok.text)
                    or self.lex.in_section("not_names", (tok.key,))
                )
            ):
                # A lone foreign word that is no person named in the text is
                # most often a company or brand: "Microsoft và OpenAI".
                self.mentions[-1].fallback = "ORG"
            return end
        if tok.key == "the" and run > 1:
            self.add("ORG", i, end)  # "The Guardian", "The Masters"
            return end
        self.add("PER", i, end)
        self.mentions[-1].guessed = not surname_first
        if not surname_first and not all(looks_vietnamese(t.text) for t in toks[i:end]) and self._company_verb_at(end):
            self.mentions[-1].type = "ORG"  # "Lockheed Martin ra mắt ...", "Berkshire Hathaway mua lại ..."
        return end


def scan(text: str) -> list[Mention]:
    """Find all mentions in ``text`` (already NFC), in no particular order."""
    return _Scanner(text, load()).run()
