"""The headless core imports nothing from Textual, and start-up stays light."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

CORE = [
    "tuireader.text",
    "tuireader.store",
    "tuireader.library",
    "tuireader.clean",
    "tuireader.entities",
    "tuireader.fetch",
    "tuireader.cli",
]


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout.strip().splitlines()[-1]))


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_import_textual(module):
    modules = loaded_after(f"import {module}")
    assert module in modules
    assert not any(m == "textual" or m.startswith("textual.") for m in modules)


def test_core_does_not_import_textual_even_when_used():
    code = (
        "from tuireader.clean import clean_text_dump\n"
        "from tuireader.entities import extract\n"
        "extract(clean_text_dump('Tin\\n\\nNgoại trưởng Mỹ Antony Blinken tới Hà Nội ngày 15/4.').text)\n"
    )
    modules = loaded_after(code)
    assert not any(m == "textual" or m.startswith("textual.") for m in modules)


def test_heavy_modules_load_lazily():
    modules = loaded_after("import tuireader.library, tuireader.cli, tuireader.clean, tuireader.fetch")
    for heavy in ("lxml", "readability", "httpx", "feedparser"):
        assert heavy not in modules, f"{heavy} is imported at start-up"


def test_reader_start_up_leaves_out_what_the_first_frame_does_not_use():
    modules = loaded_after(
        "import tuireader.cli\ntuireader.cli._reader_arguments(['--library', 'lib'])\nimport tuireader.ui.app"
    )
    later = (
        "argparse",
        "hashlib",
        "multiprocessing",
        "tuireader.ui.screens.dialogs",
        "textual.widgets._footer",
        "textual.widgets._progress_bar",
    )
    for module in later:
        assert module not in modules, f"{module} is imported before the reader's first frame"
