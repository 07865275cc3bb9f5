"""Reading the library: views and searches, list rows, one article, the source pane."""

from __future__ import annotations

from typing import Any

from ..store.query import ParsedQuery, parse_query
from ..store.search import looks_like_entity_key
from ..store.store import LibraryError
from ..text import fold
from .base import LibraryBase, locked
from .models import Article, ArticleSummary, SourceEntry, quote_value

SORT_ORDERS = ("date", "title", "site")


def query_problems(query: str) -> list[str]:
    """What the query language could not understand in ``query`` (shown, not fatal)."""
    return list(parse_query(query).errors)


class ReadingMixin(LibraryBase):
    """Questions about the stored articles, answered from the derived index."""

    def _entity_keys(self, parsed: ParsedQuery) -> dict[str, list[str]]:
        return {name: self.entity_keys_for(name) for name in parsed.entities}

    @locked
    def entity_keys_for(self, name: str) -> list[str]:
        """Keys an ``entity:`` value may mean: a key itself, or a name resolved by the extractor."""
        if looks_like_entity_key(name):
            return [name]
        from .. import entities as extractor

        key = extractor.entity_key(name)
        return [key] if key else []

    @locked
    def is_empty(self) -> bool:
        return self.store.article_count() == 0

    @locked
    def prepare_search(self) -> None:
        """Load what the first search would otherwise wait for (the library's display order)."""
        self.store.prepare_search()

    @locked
    def query_ids(self, query: str = "", *, limit: int | None = None, order: str = "date") -> list[str]:
        """Article ids for a view or search, in display order.

        ``order="date"``: newest first, and a search puts exact matches of
        what was typed first, then title matches (each group newest first).
        ``"title"`` and ``"site"`` sort alphabetically, diacritics ignored,
        newest first within one title or site.
        """
        parsed = parse_query(query)
        if order not in SORT_ORDERS:
            raise LibraryError(f"Cannot sort by {order}; use one of: {', '.join(SORT_ORDERS)}.")
        if order == "date":
            return self.store.query_ids(parsed, self._entity_keys(parsed), limit)
        ids = self.store.query_ids(parsed, self._entity_keys(parsed), None)
        rows = self.store.summary_rows(ids)
        keyed = sorted(rows, key=lambda row: fold(getattr(row, order) or "\uffff"))
        return [row.id for row in keyed][:limit]

    @locked
    def view_order(self, query: str) -> str:
        """How the reader last sorted the view ``query`` ("date" unless changed)."""
        orders = self.store.setting("sort_orders") or {}
        return orders.get(query, "date") if isinstance(orders, dict) else "date"

    @locked
    def set_view_order(self, query: str, order: str) -> None:
        if order not in SORT_ORDERS:
            raise LibraryError(f"Cannot sort by {order}; use one of: {', '.join(SORT_ORDERS)}.")
        self._writable()
        orders = dict(self.store.setting("sort_orders") or {})
        orders[query] = order
        self.store.set_setting("sort_orders", {q: o for q, o in orders.items() if o != "date"})

    @locked
    def count(self, query: str = "") -> tuple[int, int]:
        """(unread, total) for a view."""
        parsed = parse_query(query)
        return self.store.count(parsed, self._entity_keys(parsed))

    @locked
    def summaries(self, ids: list[str]) -> list[ArticleSummary]:
        """Rows for the given ids, in the same order (unknown ids are skipped)."""
        if not ids:
            return []
        return self.store.summary_rows(ids)

    @locked
    def article(self, article_id: str) -> Article:
        meta = self.store.get_meta(article_id)
        if meta is None:
            raise LibraryError(f"No article with id {article_id}.")
        body = self.store.get_body(article_id) or {}
        return Article(
            id=article_id,
            title=meta.get("title") or "",
            site=meta.get("site"),
            author=meta.get("author"),
            url=meta.get("url"),
            published=meta.get("published"),
            lead=body.get("lead"),
            text=body.get("text", ""),
            read=bool(meta.get("read")),
            bookmarked=bool(meta.get("bookmarked")),
            tags=list(meta.get("tags", [])),
            entities=list(body.get("entities", [])),
            source=meta.get("source"),
            added=meta.get("added"),
            outlets=[str(o) for o in meta.get("outlets") or ()],
            low_confidence=body.get("low_confidence"),
        )

    @locked
    def resolve_id(self, prefix: str) -> str:
        """Accept a full id or an unambiguous prefix of one."""
        found = self.store.ids_with_prefix(prefix.lower().strip())
        if len(found) != 1:
            raise LibraryError(
                f"No article with id {prefix}." if not found else f"The id {prefix} is ambiguous; give more digits."
            )
        return found[0]

    @locked
    def article_json(self, article_id: str, *, full: bool = False) -> dict[str, Any]:
        """The stable JSON shape of an article for the command line and exports."""
        article = self.article(article_id)
        data = {
            "id": article.id,
            "title": article.title,
            "site": article.site,
            "url": article.url,
            "published": article.published,
            "read": article.read,
            "bookmarked": article.bookmarked,
            "tags": article.tags,
        }
        if full:
            full_data = article.to_json()
            fields = ("author", "lead", "text", "entities", "source", "added", "low_confidence")
            data.update({k: full_data[k] for k in fields})
            data["outlets"] = article.outlets
        return data

    @locked
    def all_tags(self) -> list[tuple[str, int]]:
        """Every tag in use with its number of articles, the most used first."""
        return self.store.tags_by_use()

    @locked
    def views(self) -> list[dict[str, Any]]:
        return self.store.views()

    @locked
    def feeds(self) -> list[dict[str, Any]]:
        return self.store.feeds()

    def source_tree(self) -> list[SourceEntry]:
        """The source pane: the library, feeds, sites, tags and saved views, with counts.

        Each count holds the library's lock on its own: counting a large library takes over half
        a second, which the reader's other calls need not wait for.
        """
        by_site: dict[str, list[int]] = {}
        by_source: dict[str, list[int]] = {}
        total = unread = marked = marked_unread = 0
        with self._lock:
            groups, feeds = self.store.group_counts(), self.store.feeds()
        for group in groups:
            total, unread = total + group.total, unread + group.unread
            marked, marked_unread = marked + group.bookmarked, marked_unread + group.bookmarked_unread
            for name, counts in ((group.site, by_site), (group.source, by_source)):
                if name:
                    pair = counts.setdefault(name, [0, 0])
                    pair[0] += group.total
                    pair[1] += group.unread
        entries = [
            SourceEntry("all", "All", "", unread, total, section="Library"),
            SourceEntry("unread", "Unread", "is:unread", unread, unread, section="Library"),
            SourceEntry("bookmarks", "Bookmarks", "is:bookmarked", marked_unread, marked, section="Library"),
        ]
        for feed in feeds:
            feed_total, feed_unread = by_source.get(feed["id"], [0, 0])
            label = feed.get("title") or feed["url"]
            query = f"source:{quote_value(feed['id'])}"
            entries.append(
                SourceEntry(
                    "feed",
                    label,
                    query,
                    feed_unread,
                    feed_total,
                    "Feeds",
                    id=feed["id"],
                    error=feed.get("last_error"),
                    error_at=feed.get("last_error_at"),
                )
            )
        for site in sorted(by_site, key=str.lower):
            site_total, site_unread = by_site[site]
            entries.append(SourceEntry("site", site, f"site:{quote_value(site)}", site_unread, site_total, "Sites"))
        with self._lock:
            tags, views = self.store.tag_counts(), self.store.views()
        for tag, tag_unread, tag_total in tags:
            entries.append(SourceEntry("tag", tag, f"tag:{quote_value(tag)}", tag_unread, tag_total, "Tags"))
        for view in views:
            view_unread, view_total = self.count(view["query"])
            kind = "entity" if view["query"].startswith("entity:") else "search"
            entries.append(
                SourceEntry(kind, view["name"], view["query"], view_unread, view_total, "Saved", id=view["name"])
            )
        return entries
