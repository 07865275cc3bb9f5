"""The library's write lock, ``library.lock``: taken for each write, not for a session.

A reader that keeps the library open for hours holds no lock; a command run in
another terminal takes the lock for the few milliseconds its write needs, and
so does the reader when a key press changes something.  Whoever cannot have it
at once waits a little (another process is in the middle of a write).

The lock is an ``flock`` on the file; its content is never read.  After taking
it, the holder checks that the path still names the file it locked: a lock
file deleted or replaced in the meantime is locked again, so two writers never
hold two different files.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

__all__ = ["WriteLock", "set_aside"]


def set_aside(path: Path, why: str) -> Path:
    """Rename a damaged file beside itself (``name.why-YYYYmmdd-HHMMSS``); never delete it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    aside = path.with_name(f"{path.name}.{why}-{stamp}")
    n = 1
    while aside.exists() or aside.is_symlink():
        n += 1
        aside = path.with_name(f"{path.name}.{why}-{stamp}-{n}")
    os.replace(path, aside)
    return aside


class WriteLock:
    """An exclusive lock on one file, taken and released around each write."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.notices: list[str] = []
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, wait: float) -> bool:
        """Take the lock, waiting up to ``wait`` seconds; False when another process keeps it."""
        deadline = time.monotonic() + wait
        delay = 0.002
        fd = self._open()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    return False
                time.sleep(delay)
                delay = min(delay * 2, 0.05)
                continue
            if self._names(fd):
                self._fd = fd
                return True
            os.close(fd)  # the file was removed or replaced meanwhile: lock the one there now
            fd = self._open()

    def _open(self) -> int:
        try:
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:
            raise
        except OSError as exc:
            # A lock file that cannot be opened in a folder that can be written: a new one serves.
            aside = set_aside(self.path, "unusable")
            self.notices.append(
                f"{self.path.name} could not be opened ({exc.strerror or exc}); it was kept aside as "
                f"{aside.name} and a new lock file made; nothing was lost."
            )
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)

    def _names(self, fd: int) -> bool:
        """True while the lock file's path still names the file open as ``fd``."""
        try:
            on_disk = os.stat(self.path)
        except FileNotFoundError:
            return False
        held = os.fstat(fd)
        return (on_disk.st_ino, on_disk.st_dev) == (held.st_ino, held.st_dev)

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is None:
            return
        if not self._names(fd):
            self.notices.append(
                f"{self.path.name} was removed while this tuireader was writing; the write finished and "
                "the next one takes a new lock file."
            )
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)
