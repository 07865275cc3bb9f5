"""The reader's side of the config file: the key map checked against the command registry.

The file itself is read and written by :mod:`tuireader.library.config`, the
one loader both faces use; a broken file never stops the reader: problems are
collected in ``UIConfig.problems`` and shown to the user.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from msgspec import Struct, field

from ..library import load_config as load_library_config
from ..library import save_setting
from .commands import COMMANDS, COMMANDS_BY_ID, effective_keys

__all__ = ["UIConfig", "load_config", "save_theme"]


class UIConfig(Struct):
    path: Path
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    refresh_minutes: float = 0
    export_folder: Path | None = None
    browser: str | None = None
    group_stories: bool = True
    problems: list[str] = field(default_factory=list)


def load_config(path: Path | None = None) -> UIConfig:
    """Load the config file; a missing file gives the defaults."""
    base = load_library_config(path)
    config = UIConfig(
        path=base.path,
        theme=base.theme,
        refresh_minutes=base.refresh_minutes,
        export_folder=base.export_folder,
        browser=base.browser,
        group_stories=base.group_stories,
        problems=list(base.problems),
    )
    for command_id, keys in base.keymap.items():
        checked = _checked_keys(command_id, keys, config.problems)
        if checked:
            config.keymap[command_id] = checked
    config.problems.extend(key_clashes(config.keymap))
    return config


def _checked_keys(command_id: str, keys: Any, problems: list[str]) -> str | None:
    if command_id not in COMMANDS_BY_ID:
        problems.append(f"Config: unknown command '{command_id}' in [keymap].")
        return None
    if isinstance(keys, list):
        keys = ",".join(str(key) for key in keys)
    if not isinstance(keys, str) or not keys.strip():
        problems.append(f"Config: keys for '{command_id}' must be a string like \"j,down\".")
        return None
    return ",".join(key.strip() for key in keys.split(",") if key.strip())


def key_clashes(keymap: dict[str, str]) -> list[str]:
    """Keys the key map gives to more than one command (only one of them will run)."""
    owners: dict[str, list[str]] = {}
    for command in COMMANDS:
        if not command.bind:
            continue
        for key in effective_keys(command, keymap):
            owners.setdefault(key, []).append(command.id)
    return [
        f"Config: key {key} is given to {' and '.join(repr(i) for i in ids)}; change one in [keymap]."
        for key, ids in owners.items()
        if len(ids) > 1 and any(i in keymap for i in ids)
    ]


def save_theme(path: Path, theme: str) -> None:
    """Remember the theme in the config file, keeping everything else as written."""
    save_setting(path, "theme", theme)
