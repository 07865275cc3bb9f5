"""SVG snapshots of the reader (pytest-textual-snapshot).

Regenerate after an intended visual change with ``pytest tests/test_ui_snapshots.py --snapshot-update``.
The library content is fixed (the sample corpus) and nothing on screen shows the clock.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_ui_support import UI_SIZE, _library_template, library_path  # noqa: F401
from tuireader.library import Library
from tuireader.ui.app import TuiReaderApp


@pytest.fixture
def reader_app(library_path: Path, tmp_path: Path):
    library = Library.open(library_path)
    app = TuiReaderApp(library, config_path=tmp_path / "config.toml", import_samples=False)
    yield app
    library.close()


def test_main_screen_with_article_and_entities(snap_compare, reader_app):
    # Open the second article, then move into the entity panel onto the first entity.
    assert snap_compare(reader_app, press=["j", "enter", "4", "down"], terminal_size=UI_SIZE)


def test_help_screen(snap_compare, reader_app):
    assert snap_compare(reader_app, press=["question_mark"], terminal_size=UI_SIZE)
