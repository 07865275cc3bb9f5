"""placeholder"""
from .article import CleanedArticle
def clean_text_dump(text, *, url=None):
    return CleanedArticle(text=text)
