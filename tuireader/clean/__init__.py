"""The cleaner: raw pages (HTML or text dumps) in, clean article text out.

``clean_source`` takes the bytes of a page as fetched or saved, decides what
they are (gzip, HTML, text dump), decodes them and dispatches to
``clean_html`` or ``clean_text_dump``.  Every string that leaves the cleaner
has been through ``tuireader.text.clean_input``.

A result that may not be an article (a home or section page, hardly any
text) carries the reason in ``CleanedArticle.low_confidence`` (``None`` when
the cleaner trusts it); ``clean --json`` prints it as ``low_confidence``.
"""

from __future__ import annotations

from .article import CleanedArticle, CleanError
from .encoding import decode_bytes
from .source import clean_source

__all__ = [
    "CLEANER_VERSION",
    "CleanError",
    "CleanedArticle",
    "clean_html",
    "clean_source",
    "clean_text_dump",
    "decode_bytes",
]

CLEANER_VERSION = "1.2"


def clean_html(html: str | bytes, *, url: str | None = None, content_type: str | None = None) -> CleanedArticle:
    """Extract the article of an HTML page (see ``tuireader.clean.html``)."""
    from .html import clean_html as _clean_html

    return _clean_html(html, url=url, content_type=content_type)


def clean_text_dump(text: str, *, url: str | None = None) -> CleanedArticle:
    """Extract the article of a page saved as plain text (see ``tuireader.clean.dump``)."""
    from .dump import clean_text_dump as _clean_text_dump

    return _clean_text_dump(text, url=url)
