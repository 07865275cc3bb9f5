"""End to end: the real ``tuireader`` command in a real terminal (tmux)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

TMUX = shutil.which("tmux")


def tuireader_command() -> list[str]:
    exe = shutil.which("tuireader")
    return [exe] if exe else [sys.executable, "-m", "tuireader"]


class Terminal:
    """A private tmux server running one command in a 140x40 pane."""

    def __init__(self, tmp: Path, command: list[str], env: dict[str, str]) -> None:
        self.socket = str(tmp / f"tmux-{uuid.uuid4().hex[:8]}.sock")
        self.session = "tuireader_e2e"
        env_args = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        shell_cmd = f"env -u COLUMNS -u LINES {env_args} {shlex.join(command)}; echo EXITED:$?; sleep 30"
        config = tmp / "tmux.conf"
        config.write_text("set -g default-size 140x40\nset -g status off\nset -sg escape-time 0\n")
        self.tmux("-f", str(config), "new-session", "-d", "-s", self.session, "-x", "140", "-y", "40", shell_cmd)

    def tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=20)
        return out.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def wait_until_gone(self, pattern: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not re.search(pattern, self.screen()):
                return
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} is still on screen:\n{self.screen()}")

    def wait_for(self, pattern: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if re.search(pattern, screen, re.MULTILINE | re.DOTALL):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{pattern!r} never appeared; last screen:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)


@pytest.fixture
def terminal_env(tmp_path):
    return {
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": str(tmp_path / "home"),
        "XDG_DATA_HOME": str(tmp_path / "home" / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / "config"),
        "TUIREADER_CONFIG": str(tmp_path / "home" / "config" / "tuireader" / "config.toml"),
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }


@pytest.mark.skipif(TMUX is None, reason="tmux is not installed (.ci/run installs it)")
def test_reader_opens_on_sample_corpus_reads_and_remembers(tmp_path, terminal_env):
    library = tmp_path / "library"
    command = [*tuireader_command(), "--library", str(library)]
    term = Terminal(tmp_path, command, terminal_env)
    try:
        # First paint, then the sample corpus appears (imported on first use).
        term.wait_for(r"Ngoại trưởng Nga, Mỹ điện đàm về Ukraine", timeout=60)
        screen = term.wait_for(r"Bộ trưởng Quốc phòng Nga, Mỹ điện đàm")
        assert "Trang chủNews" not in screen
        # Open the highlighted article: its cleaned text and entities show.
        term.keys("Enter")
        term.wait_for(r"Người")
        # Help lists the keys, escape closes it.
        term.keys("?")
        term.wait_for(r"Esc closes.*Open the next unread article")
        term.keys("Escape")
        term.wait_until_gone(r"Esc closes")
        term.keys("q")
        term.wait_for(r"EXITED:0", timeout=20)
    finally:
        term.close()
    # The article opened above is read after a restart: the CLI sees it.
    out = subprocess.run(
        [*tuireader_command(), "--library", str(library), "list", "--json"],
        capture_output=True,
        text=True,
        env={**os.environ, **terminal_env},
        timeout=60,
    )
    import json

    rows = json.loads(out.stdout)
    assert len(rows) == 5
    assert sum(1 for r in rows if r["read"]) == 1
