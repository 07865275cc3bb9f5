"""A regular install (a wheel, as pip or pipx makes it) carries the sample corpus and opens on it anywhere."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import REPO, SAMPLE_CORPUS
from .tmux import TMUX, Terminal, terminal_env

# One worker builds the wheel once for the module (a module fixture is built per worker).
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("wheel")]


BUILD_LEFTOVERS = ("build", "dist", "*.egg-info", ".git", "__pycache__", ".*_cache", ".hypothesis", ".venv")


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A fresh venv holding tuireader built as a wheel (its dependencies come from this interpreter)."""
    root = tmp_path_factory.mktemp("wheel")
    run = dict(capture_output=True, text=True, timeout=600, check=True)
    # From a private copy: setuptools builds in the source's build/ folder, where the builds of
    # two test workers at once collide (and a failed one leaves files that fail every later build).
    source = root / "source"
    shutil.copytree(REPO, source, symlinks=True, ignore=shutil.ignore_patterns(*BUILD_LEFTOVERS))
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(root / "dist"), str(source)], **run
    )
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], **run)
    wheel = next((root / "dist").glob("tuireader-*.whl"))
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--no-deps", "--no-index", str(wheel)], **run)
    return venv


def sample_titles() -> list[str]:
    """The titles the cleaner finds in the sample corpus (the installed copy runs the same code)."""
    from tuireader.clean import clean_source

    return [clean_source(path.read_bytes(), filename=path.name).title for path in sorted(SAMPLE_CORPUS.glob("*.txt"))]


def test_the_installed_package_is_the_wheel_not_the_checkout(installed, tmp_path):
    where = subprocess.run(
        [str(installed / "bin" / "python"), "-c", "import tuireader, sys; sys.stdout.write(tuireader.__file__)"],
        capture_output=True, text=True, cwd=tmp_path, timeout=60, env={**os.environ, "PYTHONPATH": ""},
    )  # fmt: skip
    assert Path(where.stdout).is_relative_to(installed), where.stdout


def test_list_from_another_folder_shows_the_five_sample_articles(installed, tmp_path):
    env = {**terminal_env(tmp_path / "home"), "PYTHONPATH": ""}
    done = subprocess.run(
        [str(installed / "bin" / "tuireader"), "list", "--json"], capture_output=True, text=True, cwd=tmp_path,
        env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert sorted(row["title"] for row in json.loads(done.stdout)) == sorted(sample_titles())


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")
def test_the_reader_opens_on_the_five_titles_from_another_folder(installed, tmp_path):
    env = {**terminal_env(tmp_path / "home"), "PYTHONPATH": ""}
    term = Terminal(tmp_path, ["sh", "-c", f"cd {tmp_path} && exec {installed / 'bin' / 'tuireader'}"], env)
    try:
        for title in sample_titles():
            term.wait_for(re.escape(title[:25]))
        term.keys("q")
        term.wait_for("EXITED:0")
    finally:
        term.close()
