"""A TinyDB storage that is fast, atomic and honest about damage.

TinyDB's default ``JSONStorage`` re-reads and rewrites its file on every
change, escapes every Vietnamese character and can leave a half-written file
behind.  This storage:

* serialises with orjson (no ASCII escaping, several times faster);
* keeps the last document it read or wrote in memory, so a write does not
  re-read the file (the library lock guarantees a single writer);
* writes atomically: temporary file, flush, fsync, rename, then fsync of the
  directory; with ``mirror=True`` it writes ``<name>.bak`` the same way just
  before, so the copy is always as new as the file (used for the small
  ``tuireader.json``, whose feeds and views have no other copy);
* raises :class:`CorruptFileError` on a file it cannot parse instead of
  silently starting empty;
* with ``journal=True``, takes small changes to documents as lines appended
  to ``<stem>.log`` beside the file (one short fsync'd append instead of a
  rewrite of the whole file, see :meth:`AtomicJSONStorage.change`).  Reading
  applies the lines in order; every full write folds them in and removes the
  log.  A line records the values it sets, so applying one again changes
  nothing: a crash between a full write and the log's removal loses nothing.
  A last line cut short by a crash was never confirmed, and is skipped;
* with ``omit={field: value}``, leaves out of the documents it writes the
  fields that hold their usual value (an article's ``null`` author, its
  ``false`` read state): whoever reads them takes a missing field as that value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson
from tinydb.storages import Storage

__all__ = [
    "LOG_SUFFIX",
    "AtomicJSONStorage",
    "CorruptFileError",
    "atomic_write_bytes",
    "log_path",
    "read_json_file",
    "read_logged",
]

# A log past this size is folded into its file at the next change.
LOG_LIMIT = 32 * 1024


class CorruptFileError(Exception):
    """A library file exists but does not hold valid JSON."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path.name} is damaged ({reason})")
        self.path = path
        self.reason = reason


def _fsync_directory(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def atomic_write_bytes(path: Path, data: bytes, *, keep_backup: bool = False, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves the old or the new file.

    A failed write (a full disk) removes its temporary file and leaves ``path`` as it was.
    """
    del keep_backup  # no rolling copies any more: kept for callers outside the store
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            if durable:
                os.fdatasync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if durable:
        _fsync_directory(path.parent)


def read_json_file(path: Path) -> Any:
    """Parse ``path``; raise :class:`CorruptFileError` when it is not JSON."""
    data = path.read_bytes()
    if not data.strip():
        raise CorruptFileError(path, "empty file")
    try:
        return orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise CorruptFileError(path, f"invalid JSON: {exc}") from None


LOG_SUFFIX = ".log"


def log_path(path: Path) -> Path:
    """The change log kept beside a JSON file (``articles/05.json``: ``articles/05.log``)."""
    return path.with_suffix(LOG_SUFFIX)


def _log_changes(log: Path) -> list[dict[str, Any]]:
    """The changes a log holds, in order; a line cut short at its end (a killed write) is skipped."""
    try:
        data = log.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as exc:
        raise CorruptFileError(log, f"unreadable: {exc.strerror or exc}") from None
    if data and not data.startswith(b"\n"):  # every change is written as a line after a line break
        raise CorruptFileError(log, "not a change log")
    lines = data.split(b"\n")
    changes = []
    for number, line in enumerate(lines):
        if not line.strip():
            continue
        try:
            change = orjson.loads(line)
        except orjson.JSONDecodeError:
            if number == len(lines) - 1 and line.startswith(b'{"table":'):  # unfinished: its write never returned
                break
            raise CorruptFileError(log, f"line {number + 1} is not JSON") from None
        if not isinstance(change, dict) or not isinstance(change.get("set"), dict):
            raise CorruptFileError(log, f"line {number + 1} is not a change")
        changes.append(change)
    return changes


def _cut_unfinished_line(fd: int, size: int) -> int:
    """Cut off a last line that a killed write left unfinished, so the next one starts clean; the new size."""
    if not size or os.pread(fd, 1, size - 1) == b"\n":
        return size
    start = max(0, size - 4 * LOG_LIMIT)
    tail = os.pread(fd, size - start, start)
    size = start + tail.rfind(b"\n") + 1 if b"\n" in tail else 0
    os.ftruncate(fd, size)
    return size


def _apply(data: dict[str, Any], changes: list[dict[str, Any]]) -> None:
    for change in changes:
        table = data.get(str(change.get("table", "_default")))
        doc = table.get(str(change.get("doc"))) if isinstance(table, dict) else None
        if isinstance(doc, dict):
            doc.update(change["set"])


def _leave_out(data: dict[str, Any], omit: Mapping[str, Any]) -> None:
    """Drop, in place, the fields of every document that hold their usual value (same value, same type)."""
    for table in data.values():
        if not isinstance(table, dict):
            continue
        for doc in table.values():
            if isinstance(doc, dict):
                usual = [k for k, v in doc.items() if k in omit and v == omit[k] and type(v) is type(omit[k])]
                for key in usual:
                    del doc[key]


def read_logged(path: Path) -> Any:
    """:func:`read_json_file` with the changes of its log applied."""
    data = read_json_file(path)
    if isinstance(data, dict):
        _apply(data, _log_changes(log_path(path)))
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage backed by one JSON file, written atomically."""

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        read_only: bool = False,
        durable: bool = True,
        mirror: bool = False,
        journal: bool = False,
        omit: Mapping[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self.omit = dict(omit or {})
        self.read_only = read_only
        self.durable = durable
        self.mirror = mirror
        self.log = log_path(self.path) if journal else None
        self._cache: dict[str, Any] | None = None
        self._stamp: tuple[int, ...] | None = None

    def _current_stamp(self) -> tuple[int, ...] | None:
        try:
            st = self.path.stat()
        except FileNotFoundError:
            return None
        stamp: tuple[int, ...] = (st.st_ino, st.st_mtime_ns, st.st_size)
        if self.log is not None:
            try:
                log = self.log.stat()
                stamp += (log.st_ino, log.st_size)
            except FileNotFoundError:
                pass
        return stamp

    def use(self, data: dict[str, Any]) -> None:
        """Serve ``data`` instead of the file as it is now (a read-only reader's repair in memory)."""
        self._cache, self._stamp = data, self._current_stamp()

    def forget(self) -> None:
        """Read the file again at the next read (another process may have written it)."""
        self._cache, self._stamp = None, None

    def read(self) -> dict[str, Any] | None:
        stamp = self._current_stamp()
        if self._cache is not None and stamp == self._stamp:
            return self._cache
        if stamp is None:
            self._cache, self._stamp = None, None
            return None
        data = read_json_file(self.path)
        if not isinstance(data, dict):
            raise CorruptFileError(self.path, "not a JSON object")
        if self.log is not None:
            _apply(data, _log_changes(self.log))
        self._cache, self._stamp = data, stamp
        return data

    def change(self, table: str, changes: dict[str, dict[str, Any]]) -> None:
        """Set fields of documents (``{doc_id: fields}``), on disk when it returns.

        With a journal, the changes are appended to the log (a long log is
        first folded into the file); without one, the file is written again.
        """
        data = self.read()
        if data is None:
            raise FileNotFoundError(self.path)
        lines = [{"table": table, "doc": doc, "set": fields} for doc, fields in changes.items()]
        if self.log is None or self._log_size() > LOG_LIMIT:
            _apply(data, lines)
            self.write(data)
            return
        if self.read_only:
            raise PermissionError(f"{self.path.name} is open read-only")
        self._append(b"".join(b"\n" + orjson.dumps(line) for line in lines) + b"\n")
        _apply(data, lines)
        self._stamp = self._current_stamp()

    def _log_size(self) -> int:
        assert self.log is not None
        try:
            return self.log.stat().st_size
        except FileNotFoundError:
            return 0

    def _append(self, payload: bytes) -> None:
        """Append to the log; a failed write (a full disk) cuts it back, so no torn line stays."""
        assert self.log is not None
        fd = os.open(self.log, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            size = _cut_unfinished_line(fd, os.fstat(fd).st_size)
            try:
                view = memoryview(payload)
                while view:
                    view = view[os.write(fd, view) :]
                if self.durable:
                    os.fdatasync(fd)
            except BaseException:
                os.ftruncate(fd, size)
                if size == 0:
                    self.log.unlink(missing_ok=True)
                raise
        finally:
            os.close(fd)
        if size == 0 and self.durable:
            _fsync_directory(self.log.parent)  # a new log: its name must last too

    def write(self, data: dict[str, Any]) -> None:
        if self.read_only:
            raise PermissionError(f"{self.path.name} is open read-only")
        if self.omit:
            _leave_out(data, self.omit)
        try:
            payload = orjson.dumps(data, option=orjson.OPT_NON_STR_KEYS)
            if self.mirror:
                atomic_write_bytes(self.path.with_name(self.path.name + ".bak"), payload, durable=self.durable)
            atomic_write_bytes(self.path, payload, durable=self.durable)
            if self.log is not None and self.log.exists():
                self._drop_log()
        except BaseException:
            # TinyDB edits the cached dict in place before writing: after a
            # failed write the cache no longer matches the disk.
            self._cache, self._stamp = None, None
            raise
        self._cache, self._stamp = data, self._current_stamp()

    def _drop_log(self) -> None:
        """Remove the log, whose changes the file now holds."""
        assert self.log is not None
        self.log.unlink(missing_ok=True)
        if self.durable:
            _fsync_directory(self.log.parent)

    def close(self) -> None:
        self._cache = None
