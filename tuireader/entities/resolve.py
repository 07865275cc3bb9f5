"""Group mentions into entities and resolve aliases.

* Known names are already canonical (gazetteer aliases such as "Hoa Kỳ" →
  "Mỹ" are applied by the scanner); other names are grouped by
  :func:`~tuireader.entities.lexicon.match_key`, so tone-mark and i/y
  variants fall together; foreign words of people's names also lose their
  accents and hyphens ("Mbappé" = "Mbappe", "Jong-un" = "Jong Un").
* Organisation names are grouped by a key that spells out abbreviations
  ("UBND", "TAND", "GD-ĐT"), writes places canonically ("TP.HCM") and drops
  administrative words ("tỉnh"), so "UBND tỉnh Nghệ An" and "Ủy ban nhân dân
  Nghệ An" are one body.
* A shorter person name joins the one longer person name that contains all
  its words ("Blinken", "ông Vương" → "Antony Blinken", "Vương Nghị"), also
  out of order or without a middle initial ("Hà Hồ" → "Hồ Ngọc Hà").
  When two longer names could claim it, it stays on its own.
* A shorter organisation name joins the one body it names: without the
  generic head or the trailing place ("Honda" → "Công ty Honda Việt Nam"),
  as a subsequence of a written form ("Ngân hàng Công Thương"), as an
  acronym of it ("UBCKNN"), or as a short name given in brackets
  ("HoREA"), whatever type the cues around the later mention suggested.
* Lone capitalised words found without any cue are kept only when they
  name a person or body already found in the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from tuireader.entities.engine import Mention, looks_vietnamese
from tuireader.entities.lexicon import load, match_key
from tuireader.text import fold

TYPE_ORDER = {"PER": 0, "LOC": 1, "ORG": 2, "DATE": 3}


@dataclass
class Group:
    type: str
    canonical: str
    known: bool
    words: tuple[str, ...]
    mentions: list[Mention] = field(default_factory=list)

    def forms(self) -> list[tuple[str, ...]]:
        """The words of every way the text names this entity, canonical first."""
        seen = [self.words]
        for m in self.mentions:
            words = _words(m.surface) if m.surface else ()
            if words and words not in seen:
                seen.append(words)
        return seen

    @property
    def first(self) -> int:
        return min(m.start for m in self.mentions)


@lru_cache(maxsize=8192)
def _words(name: str) -> tuple[str, ...]:
    """Comparison words of a name; foreign words lose their accents as well
    ("Mbappé" = "Mbappe", "Nicolás" = "Nicolas"), Vietnamese ones keep them
    ("Hùng" is not "Hưng")."""
    words: list[str] = []
    for token in match_key(name).rstrip(".").split():
        # "Kim Jong-un" = "Kim Jong Un"; the dash of "Bà Rịa - Vũng Tàu" stays a word.
        words.extend(part for part in token.split("-") if part) if token != "-" else words.append(token)
    return tuple(w if looks_vietnamese(w) else fold(w) for w in words)


def _contains(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    n = len(short)
    return any(long[k : k + n] == short for k in range(len(long) - n + 1))


def group_mentions(mentions: list[Mention]) -> list[Group]:
    # Drop mentions that overlap an earlier, longer one (the scanner can emit
    # a date and a name over the same characters only by mistake, but be safe).
    mentions = sorted(mentions, key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    last_end = -1
    for m in mentions:
        if m.start >= last_end:
            kept.append(m)
            last_end = m.end
    groups: dict[tuple[str, str], Group] = {}
    singles: list[Mention] = []
    for m in kept:
        if m.single:
            singles.append(m)
            continue
        if m.type == "ORG" and not m.known:
            key = (m.type, _org_key(m.canonical))
        elif m.type == "PER":
            key = (m.type, " ".join(_words(m.canonical)))
        else:
            key = (m.type, match_key(m.canonical))
        group = groups.get(key)
        if group is None:
            groups[key] = group = Group(m.type, m.canonical, m.known, _words(m.canonical))
        elif m.known and not group.known:
            group.canonical, group.known = m.canonical, True
        group.mentions.append(m)

    persons = sorted((g for g in groups.values() if g.type == "PER"), key=lambda g: -len(g.words))
    merged: set[int] = set()
    with_word: dict[str, list[Group]] = {}  # keeps the merges below linear in the number of people
    for g in persons:
        for w in dict.fromkeys(g.words):
            with_word.setdefault(w, []).append(g)
    for short in sorted(persons, key=lambda g: len(g.words)):
        if len(short.words) >= len(persons[0].words) or not short.words:
            continue
        longer = [
            g
            for g in with_word.get(short.words[0], ())
            if len(g.words) > len(short.words) and id(g) not in merged and _contains(g.words, short.words)
        ]
        if not longer:
            continue
        best = max(len(g.words) for g in longer)
        targets = [g for g in longer if len(g.words) == best]
        owners = {id(_root(g, longer)) for g in targets}
        if len(targets) == 1 or len(owners) == 1:
            targets[0].mentions.extend(short.mentions)
            merged.add(id(short))
    # A stage name made of words of the full name ("Hà Hồ" for "Hồ Ngọc Hà"), a
    # name without its middle initial ("Donald Trump" for "Donald J. Trump").
    for short in persons:
        if id(short) in merged or len(short.words) < 2 or len(set(short.words)) < len(short.words):
            continue
        owners = [
            g
            for g in with_word.get(short.words[0], ())
            if len(g.words) > len(short.words)
            and id(g) not in merged
            and not _contains(g.words, short.words)
            and (_subsequence(g.words, short.words) or (len(short.words) == 2 and set(short.words) <= set(g.words)))
        ]
        if len(owners) == 1:
            owners[0].mentions.extend(short.mentions)
            merged.add(id(short))
    # The same name with its words in another order ("Nguyễn Filip" / "Filip Nguyễn").
    by_bag: dict[tuple[str, ...], Group] = {}
    for g in persons:
        if id(g) in merged or len(g.words) < 2:
            continue
        bag = tuple(sorted(g.words))
        if bag in by_bag:
            by_bag[bag].mentions.extend(g.mentions)
            merged.add(id(g))
        else:
            by_bag[bag] = g
    # "Công ty Hoàng Long" is the "Công ty TNHH Thương mại Hoàng Long" of the same text.
    orgs = sorted((g for g in groups.values() if g.type == "ORG" and not g.known), key=lambda g: -len(g.words))
    known_orgs = [g for g in groups.values() if g.type == "ORG" and g.known]
    # Indexes keep these merges linear in the number of organisations.
    by_core: dict[tuple[str, ...], list[Group]] = {}
    for g in orgs:
        for core in _cores(g.words):
            by_core.setdefault(core, []).append(g)
    every_org = [g for g in groups.values() if g.type == "ORG"]
    by_ends: dict[tuple[str, str], list[Group]] = {}
    for g in every_org:
        pairs = {(form[0], w) for form in g.forms() if form for w in form[1:]}
        for pair in pairs:
            by_ends.setdefault(pair, []).append(g)
    for short in known_orgs:
        # "Honda" after "Công ty Honda Việt Nam": the company named by its brand.
        owners = [g for g in by_core.get(short.words, ()) if id(g) not in merged]
        if len(owners) == 1:
            owners[0].mentions.extend(short.mentions)
            merged.add(id(short))
    for short in reversed(orgs):
        # "Hải Phòng" in a match report is the "CLB Hải Phòng" named before.
        owners = [g for g in by_core.get(short.words, ()) if g is not short and id(g) not in merged]
        if len(owners) == 1:
            owners[0].mentions.extend(short.mentions)
            merged.add(id(short))
            continue
        if len(short.words) < 2:
            continue
        # "Tổ chức Y tế" / "Ngân hàng Công Thương" after the full name (also one
        # known under a short name: "... Công Thương Việt Nam (VietinBank)").
        longer = [
            g
            for g in by_ends.get((short.words[0], short.words[-1]), ())
            if g is not short
            and id(g) not in merged
            and any(
                len(form) > len(short.words) and form[0] == short.words[0] and _subsequence(form, short.words)
                for form in g.forms()
            )
        ]
        if len(longer) == 1 or (longer and all(_subsequence(longer[0].words, g.words) for g in longer[1:])):
            longer[0].mentions.extend(short.mentions)
            merged.add(id(short))
    # "CLB Hà Nội" and "Hà Nội FC": one brand, named with a head or with a suffix.
    lex = load()
    by_brand: dict[tuple[str, ...], Group] = {}
    for g in every_org:
        if g.known or id(g) in merged:
            continue
        brand = _without_head(g.words)
        if not brand and len(g.words) >= 2 and lex.in_section("org_suffixes", g.words[-1:]):
            brand = g.words[:-1]
        if not brand:
            continue
        owner = by_brand.get(brand)
        if owner is None:
            by_brand[brand] = g
        else:
            owner.mentions.extend(g.mentions)
            merged.add(id(g))
    # "World Cup" after "World Cup 2026": the event without its edition.
    editions: dict[tuple[str, ...], list[Group]] = {}
    for g in every_org:
        if len(g.words) >= 2 and g.words[-1].isdigit() and id(g) not in merged:
            editions.setdefault(g.words[:-1], []).append(g)
    for g in every_org:
        owners = editions.get(g.words, [])
        if len(owners) == 1 and id(g) not in merged and owners[0] is not g:
            owners[0].mentions.extend(g.mentions)
            merged.add(id(g))
    # "UBCKNN" / "Bộ TN-MT" in a text that also spells the body out.
    all_orgs = [g for g in groups.values() if g.type == "ORG" and id(g) not in merged]
    by_length: dict[int, list[Group]] = {}
    for g in all_orgs:
        for length in {sum(w not in ("và", "&") for w in form) for form in g.forms()}:
            by_length.setdefault(length, []).append(g)
    for short in all_orgs:
        pattern = _acronym_pattern(short.canonical)
        if pattern is None:
            continue
        owners = [
            g
            for g in by_length.get(len(pattern), ())
            if g is not short and id(g) not in merged and any(_spells_out(pattern, form) for form in g.forms())
        ]
        if len(owners) == 1:
            owners[0].mentions.extend(short.mentions)
            merged.add(id(short))
    # "HoREA" named again after "Hiệp hội Bất động sản TP.HCM (HoREA)" is that body,
    # whatever the cues around the later mention suggested.
    org_forms: dict[str, Group] = {}

    def form_key(name: str) -> str:
        return " ".join(_words(name))

    for g in groups.values():
        if g.type == "ORG" and id(g) not in merged:
            for m in g.mentions:
                if m.surface and form_key(m.surface) != form_key(g.canonical):
                    org_forms.setdefault(form_key(m.surface), g)  # a short name given in brackets
    for g in groups.values():
        if g.type == "ORG" and id(g) not in merged:
            org_forms.setdefault(form_key(g.canonical), g)
    for g in groups.values():
        if g.type == "ORG" and id(g) not in merged:
            for form in g.forms():
                for core in _cores(form):
                    # "Phúc Sơn" after "Công ty Cổ phần Tập đoàn Phúc Sơn", "Bayern" after "Bayern Munich"
                    org_forms.setdefault(" ".join(core), g)
    if org_forms:
        for g in groups.values():
            if not g.known and g.type != "DATE" and id(g) not in merged:
                owner = org_forms.get(form_key(g.canonical))
                if owner is not None and owner is not g:
                    owner.mentions.extend(g.mentions)
                    merged.add(id(g))
        for m in singles:
            owner = org_forms.get(form_key(m.canonical))
            if owner is not None:
                m.single, m.fallback = False, None
                owner.mentions.append(m)
        singles = [m for m in singles if m.single]
    # "Tiền vệ Nguyễn Hoàng Đức ... Đức cho biết": a one-word place that speaks, and
    # is the given name of the one person with that name here, is that person.
    given: dict[str, list[Group]] = {}
    for g in persons:
        if id(g) not in merged and len(g.words) >= 2:
            given.setdefault(g.words[-1], []).append(g)
    for g in groups.values():
        if g.type == "LOC" and id(g) not in merged and all(m.fallback == "PER" for m in g.mentions):
            owners = given.get(match_key(g.mentions[0].surface or g.canonical), [])
            if len(owners) == 1:
                owners[0].mentions.extend(g.mentions)
                merged.add(id(g))
    result = [g for g in groups.values() if id(g) not in merged]

    by_word: dict[str, list[Group]] = {}
    for g in result:
        if g.type == "PER":
            for w in set(g.words):
                by_word.setdefault(w, []).append(g)
    fallback: dict[tuple[str, str], Group] = {}
    for m in singles:
        owners = by_word.get(" ".join(_words(m.canonical)), [])
        if len(owners) == 1:
            owners[0].mentions.append(m)
        elif not owners and m.fallback:
            key = (m.fallback, match_key(m.canonical))
            group = groups.get(key) or fallback.get(key)
            if group is None:
                fallback[key] = group = Group(m.fallback, m.canonical, False, _words(m.canonical))
                result.append(group)
            group.mentions.append(m)
    return result


_GENERIC_HEADS = tuple(
    _words(h)
    for h in (
        "clb",
        "câu lạc bộ",
        "đội",
        "đội bóng",
        "công ty",
        "tập đoàn",
        "hãng",
        "nhóm",
        "lực lượng",
        "phong trào",
        "hãng tin",
        "hãng hàng không",
        "ngân hàng",
        "báo",
        "tờ",
        "đảng",
    )
)
# Written abbreviations of the words that open or qualify Vietnamese bodies.
_ABBREVIATIONS = {
    "ubnd": "ủy ban nhân dân",
    "hđnd": "hội đồng nhân dân",
    "tand": "tòa án nhân dân",
    "vksnd": "viện kiểm sát nhân dân",
    "clb": "câu lạc bộ",
    "bv": "bệnh viện",
    "bvđk": "bệnh viện đa khoa",
    "nxb": "nhà xuất bản",
    "htx": "hợp tác xã",
    "đh": "đại học",
    "đhqg": "đại học quốc gia",
    "mttq": "mặt trận tổ quốc",
    "tw": "trung ương",
    # Portfolios as abbreviated in the names of ministries and departments ("Sở GD-ĐT").
    "gd-đt": "giáo dục đào tạo",
    "gdđt": "giáo dục đào tạo",
    "tn-mt": "tài nguyên môi trường",
    "tnmt": "tài nguyên môi trường",
    "kh-đt": "kế hoạch đầu tư",
    "khđt": "kế hoạch đầu tư",
    "gtvt": "giao thông vận tải",
    "nn-ptnt": "nông nghiệp phát triển nông thôn",
    "nnptnt": "nông nghiệp phát triển nông thôn",
    "vh-tt-dl": "văn hóa thể thao du lịch",
    "vhttdl": "văn hóa thể thao du lịch",
    "tt-tt": "thông tin truyền thông",
    "tttt": "thông tin truyền thông",
    "lđ-tb-xh": "lao động thương binh xã hội",
    "lđtbxh": "lao động thương binh xã hội",
    "kh-cn": "khoa học công nghệ",
    "khcn": "khoa học công nghệ",
    "nn-mt": "nông nghiệp môi trường",
}
_ADMIN_WORDS = {"tỉnh", "thành phố", "tp", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn"}


@lru_cache(maxsize=4096)
def _org_key(name: str) -> str:
    """Grouping key of an organisation name: "UBND TP.HCM" and "Ủy ban nhân dân
    Thành phố Hồ Chí Minh" fall together (abbreviations spelled out, places in
    their canonical form, administrative words dropped)."""
    words = [w for k in match_key(name).split() for w in _ABBREVIATIONS.get(k, k).split() if w not in ("và", "&")]
    phrases = load().phrases
    out: list[str] = []
    i = 0
    while i < len(words):
        for n in range(min(6, len(words) - i), 0, -1):
            entry = phrases.get(tuple(words[i : i + n]))
            if entry is not None and entry.type == "LOC" and (n > 1 or i > 0):
                out.extend(match_key(entry.canonical).split())
                i += n
                break
        else:
            out.append(words[i])
            i += 1
    text = " ".join(out)
    for admin in sorted(_ADMIN_WORDS, key=len, reverse=True):
        text = text.replace(f" {admin} ", " ")
    return text


_COMPANY_FORMS = tuple(_words(h) for h in ("cổ phần", "cp", "tnhh", "mtv", "tập đoàn", "tnhh mtv"))


@lru_cache(maxsize=8192)
def _without_head(words: tuple[str, ...]) -> tuple[str, ...]:
    """The name without its generic head and company form: "Công ty Cổ phần
    Tập đoàn Phúc Sơn" → "Phúc Sơn"; () when it has no such head."""
    for head in sorted(_GENERIC_HEADS, key=len, reverse=True):
        if words[: len(head)] == head and len(words) > len(head):
            rest = words[len(head) :]
            stripped = True
            while stripped:
                stripped = False
                for form in _COMPANY_FORMS:
                    if rest[: len(form)] == form and len(rest) > len(form):
                        rest, stripped = rest[len(form) :], True
            return rest
    return ()


@lru_cache(maxsize=8192)
def _cores(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Shorter names an organisation goes by: without its generic head ("Công ty
    Honda Việt Nam" → "Honda Việt Nam") and without a trailing place ("Honda")."""
    bare = _without_head(words)
    lex = load()
    phrases = lex.phrases
    cores = []
    if len(words) >= 2 and lex.in_section("org_suffixes", words[-1:]):
        cores.append(words[:-1])  # "Toyota Motor", "Sony Group" -> "Toyota", "Sony"
    for form in (bare, words) if bare else (words,):
        if form is bare:
            cores.append(form)
        for n in range(min(4, len(form) - 1), 0, -1):
            entry = phrases.get(form[-n:])
            if entry is not None and entry.type == "LOC":
                rest = form[:-n]
                # "Bayern" for "Bayern Munich": a foreign brand before a place, not "Công an" alone.
                if form is bare or len(rest) >= 2 or not looks_vietnamese(rest[0]):
                    cores.append(rest)
                break
    return tuple(cores)


def _acronym_pattern(name: str) -> list[tuple[bool, str]] | None:
    """The name as (is_initial, text) parts when it contains an acronym:
    "Bộ TN-MT" → word "bộ", initials t n m t; None without an acronym."""
    parts: list[tuple[bool, str]] = []
    has_acronym = False
    for word in name.split():
        letters = [c for c in word if c.isalpha()]
        if len(letters) >= 2 and all(c.isupper() for c in letters) and all(c.isalpha() or c in "-&." for c in word):
            has_acronym = True
            parts.extend((True, fold(c)) for c in letters)
        else:
            parts.extend((False, w) for w in _words(word))
    return parts if has_acronym else None


def _spells_out(pattern: list[tuple[bool, str]], words: tuple[str, ...]) -> bool:
    """``words`` is the full name the acronym ``pattern`` stands for."""
    words = tuple(w for w in words if w not in ("và", "&"))
    if len(words) != len(pattern) or len(words) < 3:
        return False
    for (initial, text), word in zip(pattern, words, strict=False):
        if initial:
            if fold(word)[:1] != text:
                return False
        elif word != text:
            return False
    return True


def _subsequence(long: tuple[str, ...], short: tuple[str, ...]) -> bool:
    it = iter(long)
    return all(any(w == x for x in it) for w in short)


def _root(group: Group, candidates: list[Group]) -> Group:
    """The longest candidate containing ``group`` (itself if none)."""
    best = group
    for g in candidates:
        if len(g.words) > len(best.words) and _contains(g.words, group.words):
            best = g
    return best


def display_name(group: Group, text: str) -> tuple[str, list[str]]:
    """Canonical text and sorted aliases of a group."""
    surfaces: list[str] = []
    for m in sorted(group.mentions, key=lambda m: m.start):
        surface = " ".join(text[m.start : m.end].split())
        if surface not in surfaces:
            surfaces.append(surface)
    canonical = group.canonical
    if group.type == "PER":
        # The fullest form seen, e.g. "Antony Blinken" rather than "Blinken".
        canonical = max(surfaces, key=lambda s: (len(s.split()), -surfaces.index(s)))
    aliases = sorted({s for s in surfaces if s != canonical})
    return canonical, aliases
