"""Guards applied before any XML from the network is parsed.

Entity declarations are the root of both entity-expansion bombs ("billion
laughs") and external-entity tricks.  Feeds and OPML files have no business
declaring entities, so a document that does is refused outright instead of
trusting each parser's own limits.
"""

from __future__ import annotations

import re

__all__ = ["UnsafeXMLError", "check_no_entity_declarations"]

# Comments and CDATA sections may legitimately *mention* "<!ENTITY" as text.
_COMMENT_OR_CDATA = re.compile(r"<!--.*?-->|<!\[CDATA\[.*?\]\]>", re.DOTALL)
_ENTITY_DECLARATION = re.compile(r"<!ENTITY\b", re.IGNORECASE)
_UNSAFE_DOCTYPE = re.compile(r"<!DOCTYPE\b[^>\[]*\[", re.IGNORECASE)


class UnsafeXMLError(ValueError):
    """The document declares entities and is refused."""


def check_no_entity_declarations(text: str | bytes) -> None:
    """Raise :class:`UnsafeXMLError` if ``text`` declares XML entities.

    Outside comments and CDATA, ``<!ENTITY`` can only be a declaration in a
    DOCTYPE's internal subset; an internal subset itself is refused too,
    since feeds and OPML never need one.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8", errors="replace")
    if "<!" not in text:
        return
    visible = _COMMENT_OR_CDATA.sub("", text)
    if _ENTITY_DECLARATION.search(visible):
        raise UnsafeXMLError("the document declares XML entities, which feeds never need; refused as unsafe")
    if _UNSAFE_DOCTYPE.search(visible):
        raise UnsafeXMLError("the document has a DOCTYPE with an internal subset; refused as unsafe")
