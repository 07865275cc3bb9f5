#!/usr/bin/env python3
"""Regenerate the README screenshots from the real reader.

Builds a throw-away library, lets the app import the bundled sample corpus
as it does on first start, and saves four screens to ``screenshots/``:
``main`` (an article with an entity selected), ``search`` (a search without
diacritics), ``entity-feed`` (every article naming an entity) and ``help``.
Each capture waits until the reader has settled, as the snapshot tests do,
so it does not depend on the machine's speed (the test extras are needed:
``pip install -e ".[test]"``).

The SVGs name a monospace font every desktop has, with every Vietnamese
glyph (Noto Sans Mono; DejaVu Sans Mono lacks a few), instead of a web font an
offline viewer cannot fetch; the PNG copies (with ``cairosvg`` installed)
are drawn with it.

    python scripts/screenshots.py [--out screenshots] [--size 160x48]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from pathlib import Path
from unittest import mock

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.test_ui_support import SAMPLE_ADDED, run, settle, shown_notifications, until  # noqa: E402
from tuireader.library import Library  # noqa: E402
from tuireader.ui.app import TuiReaderApp  # noqa: E402
from tuireader.ui.screens.help import HelpScreen  # noqa: E402

LOCAL_FONT = '"Noto Sans Mono", "DejaVu Sans Mono", monospace'
_WEB_FONT = re.compile(r"@font-face \{[^}]*\}\s*", re.S)


def use_local_font(svg: Path) -> None:
    """Point the SVG at a locally installed monospace font instead of a web font on a CDN."""
    text = _WEB_FONT.sub("", svg.read_text(encoding="utf-8"))
    text = re.sub(r'font-family: "?Fira Code"?(, monospace)?;', f"font-family: {LOCAL_FONT};", text)
    svg.write_text(text, encoding="utf-8")


async def shoot(pilot, app: TuiReaderApp, out: Path, name: str) -> Path:
    await settle(pilot)
    await pilot.wait_for_scheduled_animations()
    svg = Path(app.save_screenshot(f"{name}.svg", str(out)))
    use_local_font(svg)
    return svg


async def capture(out: Path, size: tuple[int, int]) -> list[Path]:
    written: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="tuireader-shots-") as tmp:
        library = Library.open(Path(tmp) / "library")
        try:
            (Path(tmp) / "config.toml").write_text("refresh_minutes = 0\n", encoding="utf-8")
            app = TuiReaderApp(library, config_path=Path(tmp) / "config.toml")
            # The undated sample articles are listed by import time: one fixed time keeps their order.
            with mock.patch("tuireader.library.importing.now_iso", return_value=SAMPLE_ADDED):
                async with run(app, size) as pilot:
                    await settle(pilot)
                    if not app.main_screen or not app.main_screen.article_ids:
                        problems = "; ".join(shown_notifications(app)) or "no articles"
                        raise SystemExit(f"The sample corpus did not import ({problems}); nothing to show.")
                    await pilot.press("j", "enter", "4", "down")
                    written.append(await shoot(pilot, app, out, "main"))
                    await pilot.press("enter")  # the entity feed of the selected person
                    await until(pilot, lambda: app.main_screen.view_query.startswith("entity:"), "the entity feed")
                    await pilot.press("enter")
                    written.append(await shoot(pilot, app, out, "entity-feed"))
                    await pilot.press("1", "g", "enter", "2", "slash", *"ngoai truong", "enter", "enter")
                    await until(pilot, lambda: app.main_screen.search_text == "ngoai truong", "the search")
                    written.append(await shoot(pilot, app, out, "search"))
                    await pilot.press("question_mark")
                    await until(pilot, lambda: isinstance(app.screen, HelpScreen), "the help screen")
                    written.append(await shoot(pilot, app, out, "help"))
        finally:
            library.close()
    return written


def to_png(svgs: list[Path]) -> list[Path]:
    try:
        import cairosvg
    except ImportError:
        print("cairosvg is not installed: SVG only.", file=sys.stderr)
        return []
    pngs = []
    for svg in svgs:
        png = svg.with_suffix(".png")
        cairosvg.svg2png(url=str(svg), write_to=str(png))
        pngs.append(png)
    return pngs


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "screenshots", help="output folder")
    parser.add_argument("--size", default="160x48", help="terminal size COLSxROWS (default 160x48)")
    parser.add_argument("--no-png", action="store_true", help="write SVG only")
    args = parser.parse_args()
    try:
        columns, rows = (int(part) for part in args.size.lower().split("x"))
    except ValueError:
        parser.error("--size must look like 160x48")
    args.out.mkdir(parents=True, exist_ok=True)
    files = asyncio.run(capture(args.out, (columns, rows)))
    if not args.no_png:
        files += to_png(files)
    for path in files:
        print(path.relative_to(REPO) if path.is_relative_to(REPO) else path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
