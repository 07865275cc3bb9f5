"""Shared fixtures: real library folders in temporary directories, and a reader without delays."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import settings

REPO = Path(__file__).resolve().parents[1]
SAMPLE_CORPUS = REPO / "sample_corpus"

# Generated examples are judged on what they return, never on how long one
# took: hypothesis's default 200 ms deadline fails them on a busy machine.
settings.register_profile("tuireader", deadline=None)
settings.load_profile("tuireader")

# The keep-alive news-site server and its ``news_site`` fixture.
pytest_plugins = ["tests.servers"]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(tmp_path_factory, monkeypatch):
    """Keep every test away from the real user's library and config."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("TUIREADER_CONFIG", str(home / "config" / "tuireader" / "config.toml"))
    monkeypatch.delenv("TUIREADER_LIBRARY", raising=False)


@pytest.fixture(autouse=True)
def _no_ui_delays(monkeypatch):
    """The reader's debounces and delays are 0 and notifications stay on screen: UI tests wait on events."""
    from tuireader.ui.app import TuiReaderApp
    from tuireader.ui.screens.main import MainScreen

    for delay in ("search_debounce", "sources_recount_delay", "startup_follow_up_delay"):
        monkeypatch.setattr(MainScreen, delay, 0)
    monkeypatch.setattr(TuiReaderApp, "notification_seconds", 3600.0)


@pytest.fixture
def anyio_backend() -> str:
    """The UI tests (marked ``anyio``) run on asyncio, as Textual does."""
    return "asyncio"


@pytest.fixture
def sample_corpus() -> Path:
    return SAMPLE_CORPUS


@pytest.fixture(scope="session")
def _library_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tests.test_ui_support import build_sample_library

    return build_sample_library(tmp_path_factory.mktemp("template") / "library")


@pytest.fixture
def library_path(_library_template: Path, tmp_path: Path) -> Path:
    """A fresh copy of the sample library (the sample corpus and one markup-titled article) for one test."""
    target = tmp_path / "library"
    shutil.copytree(_library_template, target, ignore=shutil.ignore_patterns("*.lock", "lock"))
    return target


@pytest.fixture
def library(library_path: Path):
    """The sample library at ``library_path``, open for the test."""
    from tuireader.library import Library

    lib = Library.open(library_path)
    yield lib
    lib.close()


def run_cli(
    *args: str,
    library: Path | None = None,
    stdin: bytes | None = None,
    env: dict | None = None,
    cwd: Path | None = None,
):
    """Run the real ``tuireader`` entry point in a subprocess."""
    import subprocess

    cmd = [sys.executable, "-m", "tuireader"]
    if library is not None:
        cmd += ["--library", str(library)]
    cmd += list(args)
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(cmd, input=stdin, capture_output=True, env=full_env, timeout=120, cwd=cwd)
