"""Group the mentions of one text into entities: one function per pass.

First every mention joins the group of its key (:func:`_initial_groups`);
then each pass merges a group into the one it is another name of, in this
order: shorter person names into the longer name containing them, stage
names and names without a middle initial, names written in another order;
short organisation names into the body they name (by brand, by a shorter
written form, with a head or a suffix, without an edition, as an acronym,
as a short name given in brackets); a one-word place that speaks into the
person of that given name.  Last, lone capitalised words found without any
cue join the person or body they name, or become an entity of their
fallback type.  How names are compared is in :mod:`.resolve`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tuireader.entities.lexicon import load, match_key
from tuireader.entities.resolve import (
    Group,
    acronym_pattern,
    contains,
    cores,
    org_key,
    root,
    spells_out,
    subsequence,
    without_head,
    words_of,
)
from tuireader.entities.scan import Mention


@dataclass
class _Grouping:
    groups: dict[tuple[str, str], Group]
    singles: list[Mention]
    merged: set[int] = field(default_factory=set)

    def alive(self, group: Group) -> bool:
        return id(group) not in self.merged

    def merge(self, short: Group, owner: Group) -> None:
        owner.mentions.extend(short.mentions)
        self.merged.add(id(short))

    def of_type(self, type_: str) -> list[Group]:
        return [g for g in self.groups.values() if g.type == type_]


def group_mentions(mentions: list[Mention]) -> list[Group]:
    """The entities of one text, as groups of its mentions."""
    state = _initial_groups(_without_overlaps(mentions))
    persons = sorted(state.of_type("PER"), key=lambda g: -len(g.words))
    with_word = _persons_by_word(persons)
    _merge_contained_names(state, persons, with_word)
    _merge_stage_names(state, persons, with_word)
    _merge_reordered_names(state, persons)
    _merge_short_org_names(state)
    _merge_head_and_suffix_brands(state)
    _merge_editions(state)
    _merge_acronyms(state)
    _merge_named_forms(state, _org_forms(state))
    _merge_speaking_places(state, persons)
    return _attach_singles(state)


def _without_overlaps(mentions: list[Mention]) -> list[Mention]:
    """Drop mentions that overlap an earlier, longer one (the scanner can emit a
    date and a name over the same characters only by mistake, but be safe)."""
    kept: list[Mention] = []
    last_end = -1
    for m in sorted(mentions, key=lambda m: (m.start, -(m.end - m.start))):
        if m.start >= last_end:
            kept.append(m)
            last_end = m.end
    return kept


def _mention_key(m: Mention) -> tuple[str, str]:
    if m.type == "ORG" and not m.known:
        return m.type, org_key(m.canonical)
    if m.type == "PER":
        return m.type, " ".join(words_of(m.canonical))
    return m.type, match_key(m.canonical)


def _initial_groups(mentions: list[Mention]) -> _Grouping:
    """One group per key; lone words found without a cue wait apart."""
    state = _Grouping({}, [])
    for m in mentions:
        if m.single:
            state.singles.append(m)
            continue
        key = _mention_key(m)
        group = state.groups.get(key)
        if group is None:
            state.groups[key] = group = Group(m.type, m.canonical, m.known, words_of(m.canonical))
        elif m.known and not group.known:
            group.canonical, group.known = m.canonical, True
        group.mentions.append(m)
    return state


def _persons_by_word(persons: list[Group]) -> dict[str, list[Group]]:
    """The people by each word of their names: keeps the merges linear in the number of people."""
    with_word: dict[str, list[Group]] = {}
    for g in persons:
        for w in dict.fromkeys(g.words):
            with_word.setdefault(w, []).append(g)
    return with_word


def _merge_contained_names(state: _Grouping, persons: list[Group], with_word: dict[str, list[Group]]) -> None:
    """ "Blinken", "ông Vương" join the one longer name containing all their words."""
    for short in sorted(persons, key=lambda g: len(g.words)):
        if len(short.words) >= len(persons[0].words) or not short.words:
            continue
        longer = [
            g
            for g in with_word.get(short.words[0], ())
            if len(g.words) > len(short.words) and state.alive(g) and contains(g.words, short.words)
        ]
        if not longer:
            continue
        best = max(len(g.words) for g in longer)
        targets = [g for g in longer if len(g.words) == best]
        owners = {id(root(g, longer)) for g in targets}
        if len(targets) == 1 or len(owners) == 1:
            state.merge(short, targets[0])


def _merge_stage_names(state: _Grouping, persons: list[Group], with_word: dict[str, list[Group]]) -> None:
    """A stage name made of words of the full name ("Hà Hồ" for "Hồ Ngọc Hà"), a
    name without its middle initial ("Donald Trump" for "Donald J. Trump")."""
    for short in persons:
        if not state.alive(short) or len(short.words) < 2 or len(set(short.words)) < len(short.words):
            continue
        owners = [
            g
            for g in with_word.get(short.words[0], ())
            if len(g.words) > len(short.words)
            and state.alive(g)
            and not contains(g.words, short.words)
            and (subsequence(g.words, short.words) or (len(short.words) == 2 and set(short.words) <= set(g.words)))
        ]
        if len(owners) == 1:
            state.merge(short, owners[0])


def _merge_reordered_names(state: _Grouping, persons: list[Group]) -> None:
    """The same name with its words in another order ("Nguyễn Filip" / "Filip Nguyễn")."""
    by_bag: dict[tuple[str, ...], Group] = {}
    for g in persons:
        if not state.alive(g) or len(g.words) < 2:
            continue
        bag = tuple(sorted(g.words))
        if bag in by_bag:
            state.merge(g, by_bag[bag])
        else:
            by_bag[bag] = g


def _merge_short_org_names(state: _Grouping) -> None:
    """ "Honda" after "Công ty Honda Việt Nam", "Công ty Hoàng Long" after "Công ty
    TNHH Thương mại Hoàng Long": a shorter name of a body named in full."""
    orgs = sorted((g for g in state.of_type("ORG") if not g.known), key=lambda g: -len(g.words))
    # Indexes keep these merges linear in the number of organisations.
    by_core: dict[tuple[str, ...], list[Group]] = {}
    for g in orgs:
        for core in cores(g.words):
            by_core.setdefault(core, []).append(g)
    by_ends: dict[tuple[str, str], list[Group]] = {}
    for g in state.of_type("ORG"):
        for pair in {(form[0], w) for form in g.forms() if form for w in form[1:]}:
            by_ends.setdefault(pair, []).append(g)
    for short in (g for g in state.of_type("ORG") if g.known):
        # "Honda" after "Công ty Honda Việt Nam": the company named by its brand.
        owners = [g for g in by_core.get(short.words, ()) if state.alive(g)]
        if len(owners) == 1:
            state.merge(short, owners[0])
    for short in reversed(orgs):
        _merge_shorter_form(state, short, by_core, by_ends)


def _merge_shorter_form(
    state: _Grouping,
    short: Group,
    by_core: dict[tuple[str, ...], list[Group]],
    by_ends: dict[tuple[str, str], list[Group]],
) -> None:
    # "Hải Phòng" in a match report is the "CLB Hải Phòng" named before.
    owners = [g for g in by_core.get(short.words, ()) if g is not short and state.alive(g)]
    if len(owners) == 1:
        state.merge(short, owners[0])
        return
    if len(short.words) < 2:
        return
    # "Tổ chức Y tế" / "Ngân hàng Công Thương" after the full name (also one
    # known under a short name: "... Công Thương Việt Nam (VietinBank)").
    longer = [
        g
        for g in by_ends.get((short.words[0], short.words[-1]), ())
        if g is not short
        and state.alive(g)
        and any(
            len(form) > len(short.words) and form[0] == short.words[0] and subsequence(form, short.words)
            for form in g.forms()
        )
    ]
    if len(longer) == 1 or (longer and all(subsequence(longer[0].words, g.words) for g in longer[1:])):
        state.merge(short, longer[0])


def _merge_head_and_suffix_brands(state: _Grouping) -> None:
    """ "CLB Hà Nội" and "Hà Nội FC": one brand, named with a head or with a suffix."""
    lex = load()
    by_brand: dict[tuple[str, ...], Group] = {}
    for g in state.of_type("ORG"):
        if g.known or not state.alive(g):
            continue
        brand = without_head(g.words)
        if not brand and len(g.words) >= 2 and lex.in_section("org_suffixes", g.words[-1:]):
            brand = g.words[:-1]
        if not brand:
            continue
        owner = by_brand.get(brand)
        if owner is None:
            by_brand[brand] = g
        else:
            state.merge(g, owner)


def _merge_editions(state: _Grouping) -> None:
    """ "World Cup" after "World Cup 2026": the event without its edition."""
    orgs = state.of_type("ORG")
    editions: dict[tuple[str, ...], list[Group]] = {}
    for g in orgs:
        if len(g.words) >= 2 and g.words[-1].isdigit() and state.alive(g):
            editions.setdefault(g.words[:-1], []).append(g)
    for g in orgs:
        owners = editions.get(g.words, [])
        if len(owners) == 1 and state.alive(g) and owners[0] is not g:
            state.merge(g, owners[0])


def _merge_acronyms(state: _Grouping) -> None:
    """ "UBCKNN" / "Bộ TN-MT" in a text that also spells the body out."""
    orgs = [g for g in state.of_type("ORG") if state.alive(g)]
    by_length: dict[int, list[Group]] = {}
    for g in orgs:
        for length in {sum(w not in ("và", "&") for w in form) for form in g.forms()}:
            by_length.setdefault(length, []).append(g)
    for short in orgs:
        pattern = acronym_pattern(short.canonical)
        if pattern is None:
            continue
        owners = [
            g
            for g in by_length.get(len(pattern), ())
            if g is not short and state.alive(g) and any(spells_out(pattern, form) for form in g.forms())
        ]
        if len(owners) == 1:
            state.merge(short, owners[0])


def _form_key(name: str) -> str:
    return " ".join(words_of(name))


def _org_forms(state: _Grouping) -> dict[str, Group]:
    """Every name a body goes by in the text: a short name given in brackets, its
    canonical name, and its cores ("Phúc Sơn" for "Công ty Cổ phần Tập đoàn Phúc
    Sơn", "Bayern" for "Bayern Munich"), first claim first."""
    orgs = [g for g in state.of_type("ORG") if state.alive(g)]
    forms: dict[str, Group] = {}
    for g in orgs:
        for m in g.mentions:
            if m.surface and _form_key(m.surface) != _form_key(g.canonical):
                forms.setdefault(_form_key(m.surface), g)
    for g in orgs:
        forms.setdefault(_form_key(g.canonical), g)
    for g in orgs:
        for form in g.forms():
            for core in cores(form):
                forms.setdefault(" ".join(core), g)
    return forms


def _merge_named_forms(state: _Grouping, forms: dict[str, Group]) -> None:
    """ "HoREA" named again after "Hiệp hội Bất động sản TP.HCM (HoREA)" is that body,
    whatever the cues around the later mention suggested."""
    if not forms:
        return
    for g in state.groups.values():
        if not g.known and g.type != "DATE" and state.alive(g):
            owner = forms.get(_form_key(g.canonical))
            if owner is not None and owner is not g:
                state.merge(g, owner)
    for m in state.singles:
        owner = forms.get(_form_key(m.canonical))
        if owner is not None:
            m.single, m.fallback = False, None
            owner.mentions.append(m)
    state.singles = [m for m in state.singles if m.single]


def _merge_speaking_places(state: _Grouping, persons: list[Group]) -> None:
    """ "Tiền vệ Nguyễn Hoàng Đức ... Đức cho biết": a one-word place that speaks, and
    is the given name of the one person with that name here, is that person."""
    given: dict[str, list[Group]] = {}
    for g in persons:
        if state.alive(g) and len(g.words) >= 2:
            given.setdefault(g.words[-1], []).append(g)
    for g in state.of_type("LOC"):
        if state.alive(g) and all(m.fallback == "PER" for m in g.mentions):
            owners = given.get(match_key(g.mentions[0].surface or g.canonical), [])
            if len(owners) == 1:
                state.merge(g, owners[0])


def _attach_singles(state: _Grouping) -> list[Group]:
    """The surviving groups, with each lone word joined to the one person whose
    name contains it, or made an entity of its fallback type."""
    result = [g for g in state.groups.values() if state.alive(g)]
    by_word: dict[str, list[Group]] = {}
    for g in result:
        if g.type == "PER":
            for w in set(g.words):
                by_word.setdefault(w, []).append(g)
    fallback: dict[tuple[str, str], Group] = {}
    for m in state.singles:
        owners = by_word.get(" ".join(words_of(m.canonical)), [])
        if len(owners) == 1:
            owners[0].mentions.append(m)
        elif not owners and m.fallback:
            key = (m.fallback, match_key(m.canonical))
            group = state.groups.get(key) or fallback.get(key)
            if group is None:
                fallback[key] = group = Group(m.fallback, m.canonical, False, words_of(m.canonical))
                result.append(group)
            group.mentions.append(m)
    return result
