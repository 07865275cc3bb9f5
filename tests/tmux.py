"""A private tmux server running one command in a pane of a chosen size, for end-to-end tests.

Waiting polls the screen until it shows (or stops showing) a pattern, within a
deadline that only a hung program reaches; a failure prints the last screen.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

TMUX = shutil.which("tmux")
DEADLINE = 60.0  # seconds; only a hung reader gets near it


def tuireader_command() -> list[str]:
    exe = shutil.which("tuireader")
    return [exe] if exe else [sys.executable, "-m", "tuireader"]


def terminal_env(home: Path) -> dict[str, str]:
    """A clean environment for the reader: its own home, config and UTF-8 locale."""
    return {
        "TERM": "xterm-256color",
        "COLORTERM": "truecolor",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "TUIREADER_CONFIG": str(home / "config" / "tuireader" / "config.toml"),
        "PATH": os.environ.get("PATH", ""),
        "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
    }


class Terminal:
    """``command`` running in a detached tmux session of ``width`` x ``height`` cells."""

    def __init__(self, tmp: Path, command: list[str], env: dict[str, str], width: int = 140, height: int = 40):
        self.socket = str(tmp / f"tmux-{uuid.uuid4().hex[:8]}.sock")
        self.session = "tuireader_e2e"
        env_args = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        shell_cmd = f"env -u COLUMNS -u LINES {env_args} {shlex.join(command)}; echo EXITED:$?; sleep 600"
        config = tmp / f"tmux-{width}x{height}.conf"
        config.write_text(f"set -g default-size {width}x{height}\nset -g status off\nset -sg escape-time 0\n")
        self.tmux("-f", str(config), "new-session", "-d", "-s", self.session, "-x", str(width), "-y", str(height))
        self.tmux("send-keys", "-t", self.session, f"exec sh -c {shlex.quote(shell_cmd)}", "Enter")

    def tmux(self, *args: str) -> str:
        out = subprocess.run(["tmux", "-S", self.socket, *args], capture_output=True, text=True, timeout=20)
        return out.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", self.session)

    def title(self) -> str:
        """The pane's title, as the program set it (OSC 2)."""
        return self.tmux("display-message", "-p", "-t", self.session, "#{pane_title}").strip()

    def wait_for_title(self, pattern: str, deadline: float = DEADLINE) -> str:
        end = time.monotonic() + deadline
        title = ""
        while time.monotonic() < end:
            title = self.title()
            if re.search(pattern, title):
                return title
            time.sleep(0.05)
        raise AssertionError(f"the title never matched {pattern!r}; last title: {title!r}")

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", self.session, *keys)

    def resize(self, width: int, height: int) -> None:
        self.tmux("resize-window", "-t", self.session, "-x", str(width), "-y", str(height))

    def wait_for(self, pattern: str, deadline: float = DEADLINE) -> str:
        """The screen once ``pattern`` (a regex, multi-line) is on it."""
        end = time.monotonic() + deadline
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if re.search(pattern, screen, re.MULTILINE | re.DOTALL):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} never appeared; last screen:\n{screen}")

    def wait_until(self, holds: Callable[[str], bool], what: str, deadline: float = DEADLINE) -> str:
        """The screen once ``holds(screen)``; ``what`` names it in the failure."""
        end = time.monotonic() + deadline
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if holds(screen):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{what} never happened; last screen:\n{screen}")

    def wait_until_gone(self, pattern: str, deadline: float = DEADLINE) -> str:
        end = time.monotonic() + deadline
        screen = ""
        while time.monotonic() < end:
            screen = self.screen()
            if not re.search(pattern, screen, re.MULTILINE | re.DOTALL):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{pattern!r} is still on screen:\n{screen}")

    def close(self) -> None:
        subprocess.run(["tmux", "-S", self.socket, "kill-server"], capture_output=True)
