"""The word sets and patterns the extractor's rules test words against.

The word sets live in ``data/cues.txt`` (one word or phrase a line, grouped
by ``[section]``) and are read when this module is first imported, which
happens on the first extraction, not when the package is imported.  Words
are stored as :func:`~tuireader.entities.lexicon.match_key` keys, the form
the tokens carry, so "hoà" and "hòa" are one word; phrases as their keys
joined by spaces, or as tuples of keys where the rules compare word pairs.

The regular expressions below are shapes (scores, model numbers, codes),
not vocabulary.
"""

from __future__ import annotations

import re

from tuireader.entities.lexicon import DATA_DIR, match_key, read_sections

_SECTIONS = read_sections(DATA_DIR / "cues.txt")


def raw(section: str) -> tuple[str, ...]:
    """The lines of ``section`` as written."""
    return tuple(_SECTIONS[section])


def _words(section: str) -> frozenset[str]:
    return frozenset(match_key(line) for line in _SECTIONS[section])


def _tuples(section: str) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(match_key(line).split()) for line in _SECTIONS[section])


def mapping(section: str) -> dict[str, str]:
    """A section of ``key | value`` lines, keyed by the match key of the left side."""
    pairs = (line.split("|", 1) for line in _SECTIONS[section])
    return {match_key(k.strip()): v.strip() for k, v in pairs}


# --- spelling and tokens ---------------------------------------------------------

VOWEL_NUCLEI = frozenset(_SECTIONS["vowel_nuclei"])
NAME_PARTICLES = _words("name_particles")
SURNAME_ENDINGS = tuple(_SECTIONS["surname_endings"])
COMMON_SURNAMES = _words("common_surnames")

SENTENCE_BREAK = re.compile(r"[.!?…:;\n“\"'‘«]")
QUOTE_OPEN = "“\"'‘«"
QUOTE_CLOSE = {"“": "”", '"': '"', "'": "'", "‘": "’", "«": "»"}
DASHES = ("-", "–", "—")
# "al-Sisi", "el-Sheikh": an Arabic article joined to a capitalised name.
ARABIC_ARTICLE = re.compile(r"^(?:al|el|ad|as|ash|ar|an|at|az)[-‐][A-ZÀ-Ỹ]")

# --- people --------------------------------------------------------------------

SPEECH_VERBS = _tuples("speech_verbs")
BIRTH_ORDER = _words("birth_order")
MIDDLE_NAMES = _words("middle_names")
LOWER_CASE_SURNAMES = _words("lower_case_surnames")
AFTER_SUBJECT = _words("after_subject")
BEFORE_PERSON = _words("before_person")
PERSON_VERBS = _words("person_verbs")
NOT_PERSON_BEFORE = _words("not_person_before")
NOT_KINSHIP = _tuples("not_kinship")
BUSINESS_TITLES = _words("business_titles")
# Between a name and a title in apposition: "Nguyễn Văn A, nguyên Hiệu trưởng ...".
APPOSITION = re.compile(r"\s*,\s*(?:(?:nguyên|cựu|đương kim|tân|hiện là|là)\s+)?$", re.IGNORECASE)

# --- places ----------------------------------------------------------------------

ADMIN_PREFIXES = _words("admin_prefixes")
MEASURE_UNITS = _words("measure_units")
COMMON_PLACE_WORDS = _words("common_place_words")
COMPASS = _words("compass")
PLACE_DESCRIPTIONS = _words("place_descriptions")
SHORT_COUNTRIES = mapping("short_countries")

# --- organisations ---------------------------------------------------------------

GENERIC_HEADS = _words("generic_heads")
BRAND_HEADS = _words("brand_heads")
MEDIA_HEADS = _words("media_heads")
COMPANY_HEADS = _words("company_heads")
LOWER_HEADS = _words("lower_heads")
DESCRIPTIVE_HEADS = _words("descriptive_heads")
HEAD_COMPOUNDS = _tuples("head_compounds")
PLACE_DESCRIPTOR_HEADS = _words("place_descriptor_heads")
NUMBERED_HEADS = _words("numbered_heads")
MISSION_HEADS = _words("mission_heads")
WORD_ENDS = _tuples("word_ends")
NAME_CLOSERS = _tuples("name_closers")
NAME_COMPOUNDS = _tuples("name_compounds") | NAME_CLOSERS | HEAD_COMPOUNDS
COMPANY_VERBS = _tuples("company_verbs")
MAKER_WORDS = _words("maker_words")
TITLE_ENDERS = _words("title_enders")
NAME_ENDERS = TITLE_ENDERS | _words("name_enders")
# Names listed together: "Saab, Airbus và Thales".
LIST_WORDS = _words("list_words")
LIST_JOINER = re.compile(r"\s*(?:,|\s(?:và|hoặc|cùng))\s*")
# A model number or a numbered edition ends a product name: "S25", "A321", "II".
MODEL = re.compile(r"^(?:[A-Za-z]{0,3}\d+[A-Za-z]?|I{2,3}|IV|V|VI{1,3}|IX|X)$")
# A product, flight or train code: "ST25", "VN123", not "F1".
CODE = re.compile(r"^(?=\w{3})[A-Z]{1,3}\d{1,4}[A-Z]?$")

# --- sport -------------------------------------------------------------------------

RESULT_WORDS = _words("result_words")
SPORT_WORDS = re.compile(r"\b(?:" + "|".join(map(re.escape, _SECTIONS["sport_words"])) + r")\b")
# A match score ("2-0", "1 - 3"); dates were found first, so "25-6" after "ngày" is not one.
SCORE = re.compile(r"(?<![\w/.-])\d{1,2}\s?-\s?\d{1,2}(?![\w/-]|[.,]\d)")

# --- dates -------------------------------------------------------------------------

DATE_CUES = _words("date_cues")
PERIOD_WORDS = _words("period_words")
