"""What every use case shares: the open store, the lock that serialises calls, and the write check."""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from ..store.store import LibraryError, Store

P = ParamSpec("P")
R = TypeVar("R")
L = TypeVar("L", bound="LibraryBase")

ProgressCallback = Callable[[int, int, str], None]


def locked(method: Callable[Concatenate[L, P], R]) -> Callable[Concatenate[L, P], R]:
    """Serialise a library call: the TUI's worker threads and its UI thread share one library."""

    @functools.wraps(method)
    def wrapper(self: L, *args: P.args, **kwargs: P.kwargs) -> R:
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class LibraryBase:
    """The state every use-case family works on."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._lock = threading.RLock()

    @property
    def read_only(self) -> bool:
        return self.store.read_only

    def _writable(self) -> None:
        if self.read_only:
            raise LibraryError("The library is open read-only because another tuireader is using it.")


def now_iso() -> str:
    """The current UTC time as stored in the library."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
