"""The user's config file, read and written in one place for both faces.

``$TUIREADER_CONFIG``, else ``config.toml`` in the user config folder::

    theme = "gruvbox"
    refresh_minutes = 30        # background refresh; 0 turns it off
    library = "~/news"          # the library folder, for the reader and the command line
    group_stories = true        # show each story once, with every outlet that covered it

    [keymap]
    next-article = "j,down"     # command id = comma-separated keys

A broken file never stops either face: each problem becomes one sentence in
``Config.problems`` and the default is used.  Saving a setting keeps the
user's comments and layout (tomlkit) and replaces the file atomically.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = [
    "Config",
    "DEFAULT_REFRESH_MINUTES",
    "config_file_path",
    "default_library_path",
    "load_config",
    "sample_corpus_path",
    "save_setting",
]

DEFAULT_REFRESH_MINUTES = 30.0


@dataclass
class Config:
    """The settings of ``config.toml``, validated."""

    path: Path
    theme: str | None = None
    refresh_minutes: float = DEFAULT_REFRESH_MINUTES
    library: Path | None = None
    export_folder: Path | None = None  # where the reader's last export went
    browser: str | None = None  # the command o runs, with %u for the address
    max_items_per_feed: int = 200  # the newest items a refresh reads from each feed
    group_stories: bool = True  # group articles of one event from several outlets into a story
    keymap: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def config_file_path() -> Path:
    """``$TUIREADER_CONFIG``, else ``config.toml`` in the user's config directory."""
    env = os.environ.get("TUIREADER_CONFIG")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_config_dir

    return Path(user_config_dir("tuireader", appauthor=False)) / "config.toml"


def _read_table(path: Path, problems: list[str]) -> dict[str, Any]:
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        problems.append(f"Cannot read the config file {path}: {getattr(error, 'strerror', None) or error}.")
        return {}
    import tomllib  # only when there is a file to read

    try:
        return tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        problems.append(f"The config file {path} is not valid TOML ({error}); using the defaults.")
        return {}


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config file; a missing file gives the defaults."""
    config = Config(path=path or config_file_path())
    data = _read_table(config.path, config.problems)
    theme = data.get("theme")
    if isinstance(theme, str) and theme.strip():
        config.theme = theme.strip()
    elif theme is not None:
        config.problems.append("Config: 'theme' must be a theme name.")
    refresh = data.get("refresh_minutes")
    if isinstance(refresh, int | float) and not isinstance(refresh, bool) and (refresh == 0 or refresh >= 1):
        config.refresh_minutes = float(refresh)
    elif refresh is not None:
        config.problems.append("Config: 'refresh_minutes' must be 0 (off) or a number of minutes, 1 or more.")
    library = data.get("library")
    if isinstance(library, str) and library.strip():
        config.library = Path(library.strip()).expanduser()
    elif library is not None:
        config.problems.append("Config: 'library' must be the path of a folder.")
    browser = data.get("browser")
    if isinstance(browser, str) and browser.strip():
        config.browser = browser.strip()
    elif browser is not None:
        config.problems.append("Config: 'browser' must be a command such as \"firefox %u\".")
    items = data.get("max_items_per_feed")
    if isinstance(items, int) and not isinstance(items, bool) and items >= 1:
        config.max_items_per_feed = items
    elif items is not None:
        config.problems.append("Config: 'max_items_per_feed' must be a whole number, 1 or more.")
    group = data.get("group_stories")
    if isinstance(group, bool):
        config.group_stories = group
    elif group is not None:
        config.problems.append("Config: 'group_stories' must be true or false.")
    folder = data.get("export_folder")
    if isinstance(folder, str) and folder.strip():
        config.export_folder = Path(folder.strip()).expanduser()
    keymap = data.get("keymap", {})
    if isinstance(keymap, dict):
        config.keymap = dict(keymap)
    else:
        config.problems.append('Config: [keymap] must be a table of command-id = "keys".')
    return config


def save_setting(path: Path, key: str, value: Any) -> None:
    """Set a top-level ``key`` in the config file, keeping everything else as written."""
    import tomlkit

    from ..store.jsonstorage import atomic_write_bytes

    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        document = tomlkit.document()
    except (tomlkit.exceptions.ParseError, UnicodeDecodeError) as error:
        # Never overwrite a file the user must mend: it may hold more than this setting.
        raise ValueError(f"{path} is not valid TOML ({error}), so {key} was not saved there") from None
    document[key] = value
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, tomlkit.dumps(document).encode("utf-8"), keep_backup=False)


def default_library_path() -> Path:
    """``$TUIREADER_LIBRARY``, else ``library`` in the config file, else the user's data directory."""
    env = os.environ.get("TUIREADER_LIBRARY")
    if env:
        return Path(env).expanduser()
    configured = load_config().library
    if configured is not None:
        return configured
    from platformdirs import user_data_dir

    return Path(user_data_dir("tuireader", appauthor=False)) / "library"


def sample_corpus_path() -> Path | None:
    """The bundled sample corpus: beside the package in a checkout or install."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package.parent / "sample_corpus", package / "sample_corpus"):
        if candidate.is_dir():
            return candidate
    return None
