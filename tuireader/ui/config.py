"""The reader's user configuration: key map and theme.

Read from ``$TUIREADER_CONFIG`` or ``<user config dir>/tuireader/config.toml``::

    theme = "gruvbox"
    refresh_minutes = 30        # refresh the feeds in the background this often
    library = "~/news"          # the library folder (also used by the command line)

    [keymap]
    next-article = "j,down"     # command id = comma-separated keys

A broken file never stops the reader: problems are collected in
``UIConfig.problems`` and shown to the user, and defaults are used.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .commands import COMMANDS, COMMANDS_BY_ID, effective_keys

__all__ = ["UIConfig", "default_config_path", "load_config", "save_theme"]


@dataclass
class UIConfig:
    path: Path
    keymap: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    refresh_minutes: float | None = None
    problems: list[str] = field(default_factory=list)


def default_config_path() -> Path:
    """Where the config file lives: ``$TUIREADER_CONFIG`` or the platform config dir."""
    from ..library import config_file_path

    return config_file_path()


def load_config(path: Path | None = None) -> UIConfig:
    """Load the config file; a missing file gives the defaults."""
    path = path or default_config_path()
    config = UIConfig(path=path)
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError) as error:
        config.problems.append(f"Cannot read config {path}: {error}")
        return config
    import tomllib  # only when there is a file to read

    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        config.problems.append(f"Config {path} is not valid TOML ({error}); using defaults.")
        return config

    theme = data.get("theme")
    if theme is not None:
        if isinstance(theme, str) and theme.strip():
            config.theme = theme.strip()
        else:
            config.problems.append("Config: 'theme' must be a theme name.")

    refresh = data.get("refresh_minutes")
    if refresh is not None:
        if isinstance(refresh, (int, float)) and not isinstance(refresh, bool) and refresh >= 1:
            config.refresh_minutes = float(refresh)
        else:
            config.problems.append("Config: 'refresh_minutes' must be a number of minutes, 1 or more.")

    keymap = data.get("keymap", {})
    if not isinstance(keymap, dict):
        config.problems.append('Config: [keymap] must be a table of command-id = "keys".')
        keymap = {}
    for command_id, keys in keymap.items():
        if command_id not in COMMANDS_BY_ID:
            config.problems.append(f"Config: unknown command '{command_id}' in [keymap].")
            continue
        if isinstance(keys, list):
            keys = ",".join(str(key) for key in keys)
        if not isinstance(keys, str) or not keys.strip():
            config.problems.append(f"Config: keys for '{command_id}' must be a string like \"j,down\".")
            continue
        config.keymap[command_id] = ",".join(key.strip() for key in keys.split(",") if key.strip())
    config.problems.extend(key_clashes(config.keymap))
    return config


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


_TABLE_HEADER = re.compile(r"^\s*\[")
_THEME_LINE = re.compile(r"^\s*theme\s*=")


def save_theme(path: Path, theme: str) -> None:
    """Write ``theme = "..."`` into the config file, keeping everything else."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    escaped = theme.replace("\\", "\\\\").replace('"', '\\"')
    new_line = f'theme = "{escaped}"'
    # A top-level key must come before the first table header.
    first_table = next((i for i, line in enumerate(lines) if _TABLE_HEADER.match(line)), len(lines))
    for i in range(first_table):
        if _THEME_LINE.match(lines[i]):
            lines[i] = new_line
            break
    else:
        lines.insert(0, new_line)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
