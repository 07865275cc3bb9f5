"""The README says what the reader does: its table of keys is the command table."""

from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _readme_keys_module():
    spec = importlib.util.spec_from_file_location("readme_keys", REPO / "scripts" / "readme_keys.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_lists_every_key_of_the_command_table():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert _readme_keys_module().with_table(readme) == readme, "run python scripts/readme_keys.py"


def test_readme_names_every_command_line_command():
    from tuireader.cli import build_parser

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = next(action for action in parser._subparsers._group_actions).choices
    missing = [name for name in commands if f"tuireader {name}" not in readme]
    assert not missing, f"README does not show: {missing}"
