"""The command line: ``tuireader`` opens the reader; subcommands script the library.

Every subcommand is a thin call into :mod:`tuireader.library` (or the
headless cleaner and extractor); ``--json`` output is meant for other tools
and stays stable.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import argparse  # imported where a parser is built: opening the reader needs none

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _dump_json(data: Any, *, pretty: bool = True) -> str:
    import json

    return json.dumps(data, ensure_ascii=False, indent=2 if pretty else None)


def _print_json(data: Any, *, pretty: bool = True) -> None:
    sys.stdout.write(_dump_json(data, pretty=pretty) + "\n")


def _error(message: str) -> None:
    sys.stderr.write(f"tuireader: {message}\n")


# --- reading a SOURCE argument -------------------------------------------------


_URL_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):/+")


def read_source(source: str, *, timeout: float = 20.0) -> tuple[bytes, str | None, str | None, str | None]:
    """Bytes of a file, URL or ``-`` (stdin): (data, url, filename, content_type)."""
    if source == "-":
        return sys.stdin.buffer.read(), None, None, None
    scheme = _URL_SCHEME.match(source)
    if scheme and scheme.group(1).lower() not in ("http", "https"):
        raise ValueError("not a web address tuireader can fetch (use http:// or https://)")
    if scheme:
        from .fetch import FetchOptions, fetch_sync

        result = fetch_sync(source, options=FetchOptions(timeout=timeout))
        return result.content, result.url, None, result.content_type
    path = Path(source)
    if path.is_dir():
        raise OSError(f"{source} is a folder, not a file")
    return path.read_bytes(), None, path.name, None


def _clean(source: str) -> Any:
    """The cleaned article of a SOURCE; a feed is refused with a list of its items."""
    from .clean import clean_source
    from .fetch import refuse_feed

    data, url, filename, content_type = read_source(source)
    refuse_feed(data, url=url, content_type=content_type)
    return clean_source(data, url=url, filename=filename, content_type=content_type)


def _source_errors() -> tuple[type[BaseException], ...]:
    from .clean import CleanError
    from .fetch.http import FetchError

    return (OSError, CleanError, UnicodeError, ValueError, FetchError)


def _describe(exc: BaseException) -> str:
    """The reason alone: the caller names the file or source it is about."""
    from .fetch.http import FetchError

    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    if isinstance(exc, FetchError):
        return f"could not fetch it: {exc.cause}"
    return str(exc) or exc.__class__.__name__


def _for_each_source(
    sources: Sequence[str],
    work: Callable[[str], dict[str, Any]],
    *,
    jsonl: bool,
    single: Callable[[dict[str, Any]], None],
) -> int:
    errors = _source_errors()
    status = EXIT_OK
    for source in sources:
        try:
            result = work(source)
        except errors as exc:
            status = EXIT_FAILED
            if jsonl:
                _print_json({"source": source, "error": _describe(exc)}, pretty=False)
            else:
                _error(f"{source}: {_describe(exc)}")
            continue
        if jsonl:
            _print_json({"source": source, **result}, pretty=False)
        else:
            single(result)
    return status


def cmd_clean(args: argparse.Namespace) -> int:
    """Print cleaned articles; ``--json`` gives the fields of ``CleanedArticle.to_json``.

    Those are title, author, site, url, published, lead, text, lang and
    ``low_confidence``: null for an article, otherwise why the page may not
    be one (a home or section page, very little text).
    """
    if args.json and len(args.sources) != 1:
        _error("--json takes one SOURCE; use --jsonl for several.")
        return EXIT_USAGE

    def single(result: dict[str, Any]) -> None:
        if args.json:
            _print_json(result)
        else:
            sys.stdout.write(f"{result['title'] or ''}\n\n{result['text']}\n")

    return _for_each_source(args.sources, lambda s: _clean(s).to_json(), jsonl=args.jsonl, single=single)


def cmd_entities(args: argparse.Namespace) -> int:
    if args.json and len(args.sources) != 1:
        _error("--json takes one SOURCE; use --jsonl for several.")
        return EXIT_USAGE
    from . import entities as extractor
    from .text import clean_input

    def work(source: str) -> dict[str, Any]:
        if args.no_clean:
            data, *_ = read_source(source)
            from .clean import decode_bytes

            text = clean_input(decode_bytes(data))
        else:
            text = _clean(source).text
        return {"entities": [e.to_json() for e in extractor.extract(text)]}

    def single(result: dict[str, Any]) -> None:
        if args.json:
            _print_json(result)
            return
        for etype, label in ENTITY_LABELS.items():
            group = [e for e in result["entities"] if e["type"] == etype]
            if group:
                sys.stdout.write(f"{label} ({etype})\n")
                for e in group:
                    aliases = f"  = {', '.join(e['aliases'])}" if e["aliases"] else ""
                    sys.stdout.write(f"  {e['count']:>3}  {e['text']}{aliases}\n")

    return _for_each_source(args.sources, work, jsonl=args.jsonl, single=single)


# --- library commands -----------------------------------------------------------


def _open_library(args: argparse.Namespace, *, samples: bool = True):
    from .library import Library, load_config

    config = load_config()
    if args.library is None and not os.environ.get("TUIREADER_LIBRARY"):
        # The config names the library: a problem with it must not make the library seem to vanish.
        for problem in config.problems:
            _error(problem)
    library = Library.open(args.library, group_stories=config.group_stories)
    if library.notice:
        _error(library.notice)
    if samples and not library.read_only:
        library.ensure_sample_corpus()
    return library


def _progress():
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.fields[item]}", markup=False),
        console=_stderr_console(),
        transient=False,
    )


def _stderr_console():
    from rich.console import Console

    # soft_wrap: a message piped to a file or another program is not cut at 80 columns.
    return Console(stderr=True, highlight=False, soft_wrap=True)


def cmd_import(args: argparse.Namespace) -> int:
    with _open_library(args, samples=False) as library:
        with _progress() as progress:
            task = progress.add_task("Importing", total=None, item="")

            def on_progress(done: int, total: int, name: str) -> None:
                progress.update(task, completed=done, total=total, item=name)

            report = library.import_paths(args.paths, on_progress=on_progress, tags=args.tag or ())
        if args.json:
            _print_json(report.to_json())
        else:
            console = _stderr_console()
            for path, reason in report.failed:
                console.print(f"skipped {path}: {reason}", markup=False, highlight=False)
            console.print(
                f"imported {len(report.imported)}, already there {len(report.duplicates)}, "
                f"skipped {len(report.failed)}",
                markup=False,
                highlight=False,
            )
        return EXIT_FAILED if report.failed and not report.imported and not report.duplicates else EXIT_OK


def _print_summaries(library, ids: Sequence[str], as_json: bool) -> None:
    """Rows streamed in chunks from the index, so ``| head`` stops the work early."""
    chunks = (list(ids[start : start + 200]) for start in range(0, len(ids), 200))
    if as_json:
        _stream_json_list(library.summaries_json(chunk) for chunk in chunks)
        return
    from .text import strip_controls

    for chunk in chunks:
        lines = []
        for row in library.summaries(chunk):
            marks = ("N" if not row.read else " ") + ("*" if row.bookmarked else " ")
            date = (row.published or "")[:10]
            site = strip_controls(row.site or "")
            lines.append(f"{row.id}  {marks} {date:10}  {site[:18]:18}  {strip_controls(row.title)}\n")
        sys.stdout.write("".join(lines))


def _stream_json_list(chunks) -> None:
    """Write a JSON list chunk by chunk, as ``json.dumps(items, indent=2)`` would lay it out."""
    import orjson

    out = sys.stdout
    first = True
    for items in chunks:
        if not items:
            continue
        text = orjson.dumps(items, option=orjson.OPT_INDENT_2).decode("utf-8")
        out.write(("[\n" if first else ",\n") + text[2:-2])  # the items, without the brackets
        first = False
    out.write("[]\n" if first else "\n]\n")


def _list_query(args: argparse.Namespace) -> str:
    from .library import quote_value

    parts = []
    if args.bookmarked:
        parts.append("is:bookmarked")
    if args.unread:
        parts.append("is:unread")
    for tag in args.tag or ():
        parts.append(f"tag:{quote_value(tag)}")
    if args.entity:
        parts.append(f"entity:{quote_value(args.entity)}")
    if args.site:
        parts.append(f"site:{quote_value(args.site)}")
    return " ".join(parts)


def cmd_list(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        query = _list_query(args)
        if args.json:  # straight from the index, page by page, in display order
            _stream_json_list(library.iter_summaries_json(query, limit=args.limit))
        else:
            _print_summaries(library, library.query_ids(query, limit=args.limit), args.json)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    from .library import query_problems

    problems = query_problems(args.query)
    if problems:
        _error("; ".join(problems))
        return EXIT_USAGE
    with _open_library(args) as library:
        _print_summaries(library, library.query_ids(args.query, limit=args.limit), args.json)
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        article_id = library.resolve_id(args.id)
        if args.json:
            data = library.article_json(article_id, full=True)
            data["same_story"] = [a.to_json() for a in _story_others(library, article_id)]
            _print_json(data)
            return EXIT_OK
        from .text import strip_controls

        article = library.article(article_id)
        head = [strip_controls(article.title), ""]
        if article.low_confidence:
            head.insert(1, f"Maybe not an article: {strip_controls(article.low_confidence)}")
        info = " · ".join(strip_controls(x) for x in (article.site, article.author, article.published) if x)
        if info:
            head.insert(1, info)
        if article.url:
            head.insert(-1, article.url)
        if article.tags:
            head.insert(-1, "Tags: " + ", ".join(article.tags))
        head[-1:-1] = _entity_lines(article.entities)
        if article.outlets:
            head.insert(-1, "Cũng đăng trên: " + ", ".join(strip_controls(o) for o in article.outlets))
        sys.stdout.write("\n".join(head) + "\n" + strip_controls(article.text) + "\n")
        others = _story_others(library, article_id)
        if others:
            sys.stdout.write("\nCùng sự kiện:\n" + "".join(_story_line(a) for a in others))
    return EXIT_OK


SHOW_STORY_LINES = 50  # a story of thousands names this many of its articles, around the one shown


def _regroup_if_due(library) -> None:
    """Group the stories again when the index asks for it (a new version, or grouping was off), with progress."""
    if library.read_only or not library.stories_need_rebuild():
        return
    with _progress() as progress:
        task = progress.add_task("Grouping stories", total=None, item="")
        library.ensure_stories(lambda done, total: progress.update(task, completed=done, total=total))
    _error("the stories were grouped again from the library's articles")


def _story_others(library, article_id: str) -> list:
    _regroup_if_due(library)
    story = library.story_of(article_id)
    if story is None:
        return []
    around = library.story_articles(story, around=article_id, limit=SHOW_STORY_LINES + 1)
    return [a for a in around if a.id != article_id][:SHOW_STORY_LINES]


def _story_line(article, indent: str = "  ") -> str:
    """One article of a story: outlet, time, title, id."""
    from .text import strip_controls

    when = (article.published or "")[:16].replace("T", " ")
    site = strip_controls(article.site or "")
    copy = " (bản đăng lại)" if article.copy_of else ""
    return f"{indent}{site[:18]:18}  {when:16}  {strip_controls(article.title)}{copy}  [{article.id}]\n"


_SINCE = re.compile(r"^(\d+(?:\.\d+)?)([hdw])$")


def _since_days(text: str) -> float | None:
    """``3d``, ``12h``, ``2w`` as days; ``all`` as None."""
    if text.strip().lower() == "all":
        return None
    found = _SINCE.match(text.strip().lower())
    if not found:
        import argparse

        raise argparse.ArgumentTypeError(f"not a span of time: {text!r} (give e.g. 12h, 3d, 2w or all)")
    return float(found.group(1)) * {"h": 1 / 24, "d": 1.0, "w": 7.0}[found.group(2)]


def _span_text(days: float) -> str:
    """Days as the user would write them back: 3 days, 12 hours, 2 weeks."""
    from .library.words import plural

    if days < 1:
        return plural(round(days * 24), "hour")
    if days % 7 == 0:
        return plural(int(days // 7), "week")
    return plural(int(days), "day") if days == int(days) else f"{days:g} days"


def cmd_stories(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        if not library.stories_enabled:
            _error("grouping is off (group_stories = false in config.toml)")
        else:
            _regroup_if_due(library)
        stories = library.stories(since_days=args.since, limit=args.limit)
        if args.json:
            _stream_json_list([story.to_json() for story in stories[start : start + 20]]
                              for start in range(0, len(stories), 20))  # fmt: skip
            return EXIT_OK
        if not stories:
            span = "" if args.since is None else f" in the last {_span_text(args.since)}"
            _error(f"no story of two or more articles{span}; the list shows every article once")
        from .text import strip_controls

        for story in stories:
            names = ", ".join(strip_controls(n) for n in story.names)
            head = f"{story.id}  {story.size} bài · {len(story.outlets)} nguồn" + (f" · {names}" if names else "")
            sys.stdout.write(head + "\n" + "".join(_story_line(a) for a in story.articles))
    return EXIT_OK


ENTITY_LABELS = {"PER": "Người", "LOC": "Địa điểm", "ORG": "Tổ chức", "DATE": "Thời gian"}


def _entity_lines(entities: Sequence[dict[str, Any]]) -> list[str]:
    """One line per entity type: "Người: Sergei Lavrov, Antony Blinken"."""
    from .library import strip_controls

    lines = []
    for etype, label in ENTITY_LABELS.items():
        names = [strip_controls(str(e["text"])) for e in entities if e.get("type") == etype]
        if names:
            lines.append(f"{label}: " + ", ".join(names))
    return lines


def _ids(library, raw: Sequence[str]) -> list[str]:
    return [library.resolve_id(i) for i in raw]


def cmd_bookmark(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        library.set_bookmarked(_ids(library, args.ids), not args.off)
    return EXIT_OK


def cmd_read(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        library.set_read(_ids(library, args.ids), not args.unread)
    return EXIT_OK


def cmd_tag(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        ids = _ids(library, [args.id])
        if args.remove:
            library.remove_tags(ids, args.tags)
        else:
            library.add_tags(ids, args.tags)
    return EXIT_OK


def cmd_export(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        if args.bookmarked:
            ids, name, what = library.query_ids("is:bookmarked"), "bookmarks", "no article is bookmarked"
        elif args.tag:
            from .library import quote_value

            ids, name = library.query_ids(f"tag:{quote_value(args.tag)}"), f"tag-{args.tag}"
            what = f"no article has the tag {args.tag}"
        elif args.search:
            ids, name, what = library.query_ids(args.search), f"search-{args.search}", f"nothing matches {args.search}"
        elif args.ids:
            ids = _ids(library, args.ids)
            name, what = (library.article(ids[0]).title if len(ids) == 1 else "articles"), ""
        else:
            _error("say what to export: --bookmarked, --tag TAG, --search QUERY or article IDs.")
            return EXIT_USAGE
        if not ids:
            _error(f"nothing to export: {what}.")
            return EXIT_FAILED
        output = None if args.output in (None, "-") else Path(args.output)
        written = library.export(ids, args.format, output, name=name)
        if written is not None:
            from .library import plural

            _stderr_console().print(f"exported {plural(len(ids), 'article')} to {written}", markup=False)
    return EXIT_OK


def _print_reports(reports, as_json: bool) -> int:
    failed = 0
    if as_json:
        _print_json(
            [
                {
                    "source": r.source_id,
                    "name": r.name,
                    "url": r.url,
                    "status": r.status,
                    "new": r.new,
                    "updated": r.updated,
                    "unchanged": r.unchanged,
                    "error": r.error,
                    "reason": r.reason,
                    "finished_at": r.finished_at,
                }
                for r in reports
            ]
        )
    console = _stderr_console()
    for r in reports:
        if r.status == "error":
            failed += 1
        if not as_json:
            line = f"{r.name}  {r.status:9}  new {r.new}, updated {r.updated}, unchanged {r.unchanged}"
            if r.reason:
                line += f"  ({r.reason})"
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    return EXIT_FAILED if failed else EXIT_OK


def cmd_refresh(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        if not library.feeds():
            _error("no feeds yet: add one with `tuireader add URL` or `tuireader add --preset NAME`.")
            return EXIT_OK
        names = {f["id"]: f.get("title") or f["url"] for f in library.feeds()}
        with _progress() as progress:
            task = progress.add_task("Refreshing", total=None, item="")

            def on_progress(source_id: str, state: str, done: int, total: int) -> None:
                progress.update(task, completed=done, total=total, item=f"{names.get(source_id, source_id)}: {state}")

            reports = library.refresh(args.sources or None, on_progress=on_progress)
        return _print_reports(reports, args.json)


def cmd_add(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        if args.preset:
            from .fetch import PRESETS, find_preset

            preset = find_preset(args.preset)
            if preset is None:
                names = ", ".join(p.name for p in PRESETS)
                _error(f"no preset called {args.preset}; presets: {names}.")
                return EXIT_USAGE
            feed = library.add_feed(preset.url, title=preset.title, tags=args.tag or ())
            sys.stdout.write(f"added feed {feed['id']}  {feed['title']}  {feed['url']}\n")
            return EXIT_OK
        if not args.url:
            _error("give a URL or --preset NAME.")
            return EXIT_USAGE
        kind, value = library.add_url(args.url, tags=args.tag or ())
        if kind == "feed":
            sys.stdout.write(f"added feed {value['id']}  {value.get('title') or ''}  {value['url']}\n")
        else:
            article_id, is_new = value
            sys.stdout.write(f"{'added' if is_new else 'already stored'} article {article_id}\n")
    return EXIT_OK


def cmd_sources(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        entries = {e.id: e for e in library.source_tree() if e.kind == "feed"}
        feeds = library.feeds()
        if args.json:
            _print_json(
                [
                    {
                        **{
                            k: f.get(k)
                            for k in ("id", "url", "title", "tags", "last_refresh", "last_error", "last_error_at")
                        },
                        "unread": entries[f["id"]].unread if f["id"] in entries else 0,
                        "total": entries[f["id"]].total if f["id"] in entries else 0,
                    }
                    for f in feeds
                ]
            )
            return EXIT_OK
        from .text import strip_controls

        for f in feeds:
            e = entries.get(f["id"])
            counts = f"{e.unread}/{e.total}" if e else "0/0"
            error = f"  error: {f['last_error']}" if f.get("last_error") else ""
            sys.stdout.write(f"{f['id']}  {counts:>9}  {strip_controls(f.get('title') or '')}  {f['url']}{error}\n")
    return EXIT_OK


def cmd_remove(args: argparse.Namespace) -> int:
    with _open_library(args) as library:
        feed = library.remove_feed(args.source)
        sys.stdout.write(f"removed feed {feed['id']} (its articles stay in the library)\n")
    return EXIT_OK


def cmd_opml(args: argparse.Namespace) -> int:
    from .fetch import OpmlError, OpmlFeed, build_opml, read_opml

    with _open_library(args) as library:
        if args.action == "import":
            if not args.file:
                _error("opml import needs a FILE.")
                return EXIT_USAGE
            try:
                listed = read_opml(Path(args.file).read_bytes())
            except (OSError, OpmlError) as exc:
                _error(f"{args.file}: {_describe(exc)}")
                return EXIT_FAILED
            new = [feed for feed in listed.feeds if library.find_feed(feed.url) is None]
            for feed in new:
                library.add_feed(feed.url, title=feed.title, tags=feed.tags)
            console = _stderr_console()
            for name, reason in listed.skipped:
                console.print(f"skipped {name}: {reason}", markup=False, highlight=False)
            there = len(listed.feeds) - len(new)
            console.print(f"{len(new)} new, {there} already there", markup=False, highlight=False)
            return EXIT_OK
        text = build_opml(
            [OpmlFeed(url=f["url"], title=f.get("title"), tags=list(f.get("tags") or [])) for f in library.feeds()]
        )
        if args.file and args.file != "-":
            from .store.jsonstorage import atomic_write_bytes

            atomic_write_bytes(Path(args.file), text.encode("utf-8"), keep_backup=False)
        else:
            sys.stdout.write(text if text.endswith("\n") else text + "\n")
    return EXIT_OK


def cmd_tui(args: argparse.Namespace | ReaderOnly) -> int:
    import gc

    # Start-up allocates a few hundred thousand long-lived objects (Textual,
    # styles, widgets); collecting them over and over before the first frame
    # costs tens of milliseconds.  The main screen freezes them and turns the
    # collector back on once the first frame is out.
    gc.disable()
    # Textual writes each frame from its own thread, which waits for the GIL
    # while the event loop and background workers run: with the default 5 ms
    # slices a frame reached the terminal ~10 ms after it was ready, 1 ms
    # slices bring that down to ~3 ms.
    sys.setswitchinterval(0.001)
    from .library import LibraryError

    try:
        from .ui.app import run
    except ImportError as exc:  # pragma: no cover - a broken install
        _error(f"the reader's interface could not start: {exc}")
        return EXIT_FAILED
    try:
        run(args.library)
    except LibraryError as exc:
        _error(str(exc))
        return EXIT_FAILED
    return EXIT_OK


# --- the parser -------------------------------------------------------------------


LIBRARY_HELP = "library folder (default: $TUIREADER_LIBRARY, `library` in config.toml, or the user data folder)"


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from . import __version__

    parser = argparse.ArgumentParser(
        prog="tuireader",
        description="A terminal news reader for Vietnamese news. Without a command, opens the reader.",
    )
    parser.add_argument(
        "--library",
        metavar="DIR",
        type=Path,
        default=None,
        help=LIBRARY_HELP,
    )
    parser.add_argument("--version", action="version", version=f"tuireader {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        # Accepted after the command too; SUPPRESS keeps the value given before it.
        p.add_argument("--library", metavar="DIR", type=Path, default=argparse.SUPPRESS, help=LIBRARY_HELP)
        return p

    def output_modes(p: argparse.ArgumentParser) -> None:
        mode = p.add_mutually_exclusive_group()
        mode.add_argument("--json", action="store_true", help="one JSON object (one SOURCE)")
        mode.add_argument("--jsonl", action="store_true", help="one JSON object per line, any number of SOURCEs")

    p = add("clean", cmd_clean, "Print the cleaned article of files, URLs or - (stdin).")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    output_modes(p)

    p = add("entities", cmd_entities, "Print the people, places, organisations and dates of articles.")
    p.add_argument("sources", nargs="+", metavar="SOURCE")
    p.add_argument("--no-clean", action="store_true", help="the input is article text already")
    output_modes(p)

    p = add("import", cmd_import, "Import .txt/.html files or folders into the library.")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--tag", action="append", help="tag every imported article")
    p.add_argument("--json", action="store_true")

    p = add("list", cmd_list, "List articles, newest first.")
    p.add_argument("--bookmarked", action="store_true", help="only bookmarked articles")
    p.add_argument("--unread", action="store_true", help="only unread articles")
    p.add_argument("--tag", action="append", metavar="TAG", help="only articles with this tag (repeat for more)")
    p.add_argument("--entity", metavar="NAME", help="only articles that mention this person, place or organisation")
    p.add_argument("--site", metavar="SITE", help="only articles from this site")
    p.add_argument("--limit", type=int, default=None, metavar="N", help="at most N articles")
    p.add_argument("--json", action="store_true", help="a JSON list of articles, for other tools")

    p = add(
        "search", cmd_search, "Search articles (diacritics and case ignored; tag: entity: site: is: before: after:)."
    )
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=None)
    p.add_argument("--json", action="store_true")

    p = add("show", cmd_show, "Show one article with its text, tags and entities.")
    p.add_argument("id")
    p.add_argument("--json", action="store_true")

    p = add("stories", cmd_stories, "List the stories (one event from several outlets), largest first.")
    p.add_argument("--since", type=_since_days, default=3.0, metavar="SPAN",
                   help="stories with an article in the last SPAN (12h, 3d, 2w, or all; default 3d)")  # fmt: skip
    p.add_argument("--limit", type=int, default=50, metavar="N", help="at most N stories (default 50)")
    p.add_argument("--json", action="store_true", help="a JSON list of stories with their articles, for other tools")

    p = add("bookmark", cmd_bookmark, "Bookmark articles (--off to remove the bookmark).")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--off", action="store_true")

    p = add("tag", cmd_tag, "Add tags to an article (--remove to take them off).")
    p.add_argument("id")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.add_argument("--remove", action="store_true")

    p = add("read", cmd_read, "Mark articles read (--unread to mark them unread).")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--unread", action="store_true")

    p = add("export", cmd_export, "Export articles to Markdown or JSON.")
    what = p.add_mutually_exclusive_group()
    what.add_argument("--bookmarked", action="store_true")
    what.add_argument("--tag")
    what.add_argument("--search", metavar="QUERY")
    p.add_argument("ids", nargs="*", metavar="ID")
    p.add_argument("--format", choices=("md", "json"), default="md")
    p.add_argument(
        "--output",
        metavar="PATH",
        help="a file, or a folder to write a file named after the export in (default: stdout)",
    )

    p = add("add", cmd_add, "Add a feed or an article by URL, or a preset feed (--preset NAME).")
    p.add_argument("url", nargs="?")
    p.add_argument("--preset", metavar="NAME")
    p.add_argument("--tag", action="append")

    p = add("sources", cmd_sources, "List feeds with unread counts and last errors.")
    p.add_argument("--json", action="store_true")

    p = add("remove", cmd_remove, "Remove a feed (by id, URL or title); its articles stay.")
    p.add_argument("source")

    p = add("refresh", cmd_refresh, "Fetch new articles from feeds (all, or the SOURCEs named).")
    p.add_argument("sources", nargs="*", metavar="SOURCE")
    p.add_argument("--json", action="store_true")

    p = add("opml", cmd_opml, "Import or export feeds as OPML (folders become tags).")
    p.add_argument("action", choices=("import", "export"))
    p.add_argument("file", nargs="?", metavar="FILE")
    return parser


class ReaderOnly(NamedTuple):
    """The arguments of a plain ``tuireader [--library DIR]``: open the reader."""

    library: Path | None = None


def _reader_arguments(arguments: list[str]) -> ReaderOnly | None:
    """The arguments when they only open the reader, else None (the full parser reads them).

    Opening the reader is the common case and must start fast: it needs
    neither argparse nor the parser of every command.
    """
    match arguments:
        case []:
            return ReaderOnly()
        case ["--library", folder] if folder and not folder.startswith("-"):
            return ReaderOnly(Path(folder))
        case [single] if single.startswith("--library=") and len(single) > len("--library="):
            return ReaderOnly(Path(single.removeprefix("--library=")))
    return None


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    args: argparse.Namespace | ReaderOnly | None = _reader_arguments(arguments)
    if args is None:
        args = build_parser().parse_args(arguments)
    from .library import LibraryError

    func = getattr(args, "func", cmd_tui)
    try:
        return func(args)
    except LibraryError as exc:
        _error(str(exc))
        return EXIT_FAILED
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return EXIT_OK


def _quiet_stdout() -> None:
    """The reader of our output went away (``| head``): say nothing more, not even at exit."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
