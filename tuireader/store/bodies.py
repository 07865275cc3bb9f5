"""Article bodies: one append-only JSON Lines file per shard, ``bodies/XX.jsonl``.

A body is written once, when its article is stored; only its entities change
later (a new extractor), and those arrive as a short line holding the id and
the changed fields.  The last line of an id wins, field by field.

Appending keeps an import's cost to the new text, whatever the size of the
library, and makes damage local: a line that does not parse is lost alone,
every line before and after it is still read.  A shard keeps, per process, a
map from id to the places of its lines, rebuilt from the bytes appended since
it was last read.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
from msgspec import Struct

__all__ = ["BodyShard", "Damage", "compact_entities", "expand_entities"]

_PREFIX = b'{"id":"'
_ID_END = len(_PREFIX) + 12


class Damage(Struct):
    """What a scan of a shard found it could not read."""

    bad_lines: int = 0
    reason: str = ""


@dataclass
class BodyShard:
    """One ``bodies/XX.jsonl`` file and the places of its lines."""

    path: Path
    durable: bool = True
    _places: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    _scanned: tuple[int, int] | None = None  # (inode, bytes scanned)
    damage: Damage | None = None

    # --- reading -----------------------------------------------------------
    def _refresh(self) -> None:
        """Bring the map of lines up to date with the file (only new bytes are read)."""
        try:
            st = self.path.stat()
        except FileNotFoundError:
            self._places, self._scanned = {}, None
            return
        start = 0
        if self._scanned and self._scanned[0] == st.st_ino and self._scanned[1] <= st.st_size:
            start = self._scanned[1]
            if start == st.st_size:
                return
        else:
            self._places, self.damage = {}, None
        with open(self.path, "rb") as handle:
            handle.seek(start)
            data = handle.read()
        end = start + self._index_lines(data, start)
        self._scanned = (st.st_ino, end)

    def _index_lines(self, data: bytes, base: int) -> int:
        """Record the lines of ``data`` (read at offset ``base``); returns the bytes consumed."""
        pos = 0
        while pos < len(data):
            nl = data.find(b"\n", pos)
            if nl < 0:  # an unfinished last line: a write still under way, or a torn one
                return pos
            line = data[pos:nl]
            if line.startswith(_PREFIX) and line[_ID_END : _ID_END + 1] == b'"':
                self._places.setdefault(line[len(_PREFIX) : _ID_END].decode("ascii"), []).append((base + pos, nl - pos))
            elif line.strip():
                self._note_bad("a line is not a body")
            pos = nl + 1
        return pos

    def _note_bad(self, reason: str) -> None:
        self.damage = self.damage or Damage()
        self.damage.bad_lines += 1
        self.damage.reason = self.damage.reason or reason

    def ids(self) -> list[str]:
        self._refresh()
        return list(self._places)

    def get(self, article_id: str) -> dict[str, Any] | None:
        """The body of ``article_id`` (entities expanded), or None."""
        self._refresh()
        places = self._places.get(article_id)
        if not places:
            return None
        with open(self.path, "rb") as handle:
            return self._merge(article_id, self._read_places(handle, places))

    def _read_places(self, handle: Any, places: list[tuple[int, int]]) -> Iterator[dict[str, Any]]:
        for offset, length in places:
            handle.seek(offset)
            try:
                doc = orjson.loads(handle.read(length))
            except orjson.JSONDecodeError:
                self._note_bad("a line is not valid JSON")
                continue
            if isinstance(doc, dict):
                yield doc

    def _merge(self, article_id: str, docs: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
        body: dict[str, Any] | None = None
        for doc in docs:
            body = doc if body is None or "text" in doc else {**body, **doc}
        if body is None:
            return None
        if body.get("lead") is None and "lead" not in body and "lead_len" in body:
            body["lead"] = body.get("text", "")[: body["lead_len"]]
        body.pop("lead_len", None)
        body["entities"] = expand_entities(body.get("entities") or [])
        return body

    def all(self) -> dict[str, dict[str, Any]]:
        """Every body of the shard, by id (one read of the file)."""
        self._refresh()
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}
        out: dict[str, dict[str, Any]] = {}
        for article_id, places in self._places.items():
            docs = []
            for offset, length in places:
                try:
                    doc = orjson.loads(data[offset : offset + length])
                except orjson.JSONDecodeError:
                    self._note_bad("a line is not valid JSON")
                    continue
                docs.append(doc)
            body = self._merge(article_id, docs)
            if body is not None:
                out[article_id] = body
        return out

    def check(self) -> Damage | None:
        """Read every line; the damage found, if any (an unfinished last line counts)."""
        self._refresh()
        self.all()
        try:
            size = self.path.stat().st_size
        except FileNotFoundError:
            return self.damage
        if self._scanned and self._scanned[1] < size:
            self._note_bad("the file ends in the middle of a line")
        return self.damage

    # --- writing -----------------------------------------------------------
    def append(self, docs: Iterable[dict[str, Any]]) -> None:
        """Append bodies or partial updates (each a dict whose first key is ``id``).

        A failed write (a full disk) cuts the file back, so no torn line stays.
        """
        payload = b"".join(_line(_stored(doc)) for doc in docs)
        if not payload:
            return
        self._refresh()
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            size = os.fstat(fd).st_size
            try:
                _write_all(fd, payload)
                if self.durable:
                    os.fdatasync(fd)
            except BaseException:
                os.ftruncate(fd, size)
                if created:
                    self.path.unlink(missing_ok=True)
                raise
        finally:
            os.close(fd)

    def cut(self, size: int) -> None:
        """Cut the file back to ``size`` bytes (undo an append whose article could not be stored)."""
        try:
            if size == 0:
                self.path.unlink()
            else:
                os.truncate(self.path, size)
        except FileNotFoundError:
            pass

    def rewrite(self, bodies: Iterable[dict[str, Any]]) -> None:
        """Replace the file with these bodies, atomically (recovery, compaction)."""
        from .jsonstorage import atomic_write_bytes

        atomic_write_bytes(self.path, b"".join(_line(_stored(b)) for b in bodies), durable=self.durable)
        self._places, self._scanned, self.damage = {}, None, None


def _write_all(fd: int, payload: bytes) -> None:
    view = memoryview(payload)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _line(doc: dict[str, Any]) -> bytes:
    doc = {"id": doc["id"], **{k: v for k, v in doc.items() if k != "id"}}
    return orjson.dumps(doc) + b"\n"


def _stored(body: dict[str, Any]) -> dict[str, Any]:
    """A body as written: entities compact, the lead left out when the text starts with it."""
    out = dict(body)
    if "entities" in out:
        out["entities"] = compact_entities(out["entities"])
    lead, text = out.get("lead"), out.get("text")
    if isinstance(lead, str) and lead and isinstance(text, str) and text.startswith(lead):
        out.pop("lead")
        out["lead_len"] = len(lead)
    return out


def compact_entities(entities: Iterable[dict[str, Any]]) -> list[list[Any]]:
    """Entities as short lists: [type, text, aliases, mentions, key?, count?].

    Mentions are flattened to (gap since the last one ended, length) pairs; a
    mention as long as the entity's name is the gap alone, written ``~gap``
    (negative, so lists written before, all pairs, read the same).  The key
    is left out when it is the one its type and text give, the count when it
    is the number of mentions.  Mentions out of order or overlapping (the
    extractor never gives them) are kept as they are, [start, end] lists.
    """
    out: list[list[Any]] = []
    for e in entities:
        if isinstance(e, list):
            out.append(e)
            continue
        spans = [tuple(span) for span in e.get("mentions") or ()]
        name = e.get("text")
        row: list[Any] = [e.get("type"), name, list(e.get("aliases") or ()), _gaps(spans, _length(name))]
        key, count = e.get("key"), e.get("count")
        tail = [None if key == _default_key(row[0], row[1]) else key, None if count == len(spans) else count]
        while tail and tail[-1] is None:
            tail.pop()
        out.append(row + tail)
    return out


def expand_entities(entities: Iterable[Any]) -> list[dict[str, Any]]:
    """The dict form of :func:`compact_entities` (dicts pass through)."""
    out: list[dict[str, Any]] = []
    for e in entities:
        if isinstance(e, dict):
            out.append(e)
            continue
        etype, text, aliases, gaps = e[:4]
        key = e[4] if len(e) > 4 and e[4] is not None else _default_key(etype, text)
        mentions = _spans(gaps, _length(text))
        count = e[5] if len(e) > 5 and e[5] is not None else len(mentions)
        out.append({"text": text, "type": etype, "count": count, "aliases": aliases, "mentions": mentions, "key": key})
    return out


@functools.lru_cache(maxsize=8192)
def _default_key(etype: Any, text: Any) -> str | None:
    if not isinstance(etype, str) or not isinstance(text, str):
        return None
    from ..text import tone_key

    return f"{etype}:{tone_key(text)}"


def _length(name: Any) -> int | None:
    """The length a mention of this name has when it is the name itself."""
    return len(name) if isinstance(name, str) and name else None


def _gaps(spans: list[tuple[Any, ...]], name_length: int | None = None) -> list[Any]:
    """Spans as gaps and lengths; spans out of order or overlapping (never extracted) stay [start, end] lists."""
    flat: list[Any] = []
    end = 0
    for start, stop in spans:
        gap, length = start - end, stop - start
        if not isinstance(gap, int) or gap < 0:
            return [list(span) for span in spans]
        if length == name_length:
            flat.append(~gap)
        else:
            flat += [gap, length]
        end = stop
    return flat


def _spans(gaps: list[Any], name_length: int | None = None) -> list[list[int]]:
    if gaps and isinstance(gaps[0], list):
        return [list(span) for span in gaps]
    spans: list[list[int]] = []
    end = 0
    i = 0
    while i < len(gaps):
        if gaps[i] < 0 and name_length is not None:
            start = end + ~gaps[i]
            end = start + name_length
            i += 1
        elif i + 1 < len(gaps):
            start = end + gaps[i]
            end = start + gaps[i + 1]
            i += 2
        else:
            break
        spans.append([start, end])
    return spans
