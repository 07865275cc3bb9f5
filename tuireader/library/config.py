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
from collections.abc import Callable
from pathlib import Path
from typing import Any

from msgspec import Struct, field

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


class Config(Struct):
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


def _text(value: Any) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _path(value: Any) -> Path | None:
    text = _text(value)
    return Path(text).expanduser() if text else None


def _minutes(value: Any) -> float | None:
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if number and (value == 0 or value >= 1) else None


def _count(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 1 else None


def _flag(value: Any) -> bool | None:
    return value if isinstance(value, bool) else None


def _table(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None


# Each key of config.toml: how its value is read (None when it is wrong), and what to say then.
_KEYS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "theme": (_text, "'theme' must be a theme name."),
    "refresh_minutes": (_minutes, "'refresh_minutes' must be 0 (off) or a number of minutes, 1 or more."),
    "library": (_path, "'library' must be the path of a folder."),
    "browser": (_text, "'browser' must be a command such as \"firefox %u\"."),
    "max_items_per_feed": (_count, "'max_items_per_feed' must be a whole number, 1 or more."),
    "group_stories": (_flag, "'group_stories' must be true or false."),
    "export_folder": (_path, "'export_folder' must be the path of a folder."),
    "keymap": (_table, '[keymap] must be a table of command-id = "keys".'),
}


def load_config(path: Path | None = None) -> Config:
    """Read and validate the config file; a missing file gives the defaults."""
    config = Config(path=path or config_file_path())
    data = _read_table(config.path, config.problems)
    for key, (read, problem) in _KEYS.items():
        if key not in data:
            continue
        value = read(data[key])
        if value is None:
            config.problems.append(f"Config: {problem}")
        else:
            setattr(config, key, value)
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
