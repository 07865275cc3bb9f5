"""Moving a library of an older layout to the current one, under the write lock."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .bodies import BodyShard
from .jsonstorage import CorruptFileError, atomic_write_bytes, read_json_file
from .lock import set_aside

if TYPE_CHECKING:
    from .store import Store


def to_schema_2(store: Store) -> None:
    """Schema 1 to 2: bodies become appended lines; entities leave articles/; rolling .bak copies go.

    A schema-1 file that cannot be read is kept aside, as at any open.
    """
    import orjson

    root = store.root
    for old in sorted((root / "bodies").glob("*.json")):
        try:
            docs = list((read_json_file(old).get("_default") or {}).values())
        except (CorruptFileError, OSError):
            set_aside(old, "corrupt")
            continue
        BodyShard(old.with_suffix(".jsonl"), durable=store.durable).append([_body(d) for d in docs if d.get("id")])
        old.unlink()
    for shard in sorted((root / "articles").glob("*.json")):
        try:
            data = read_json_file(shard)
        except (CorruptFileError, OSError):
            continue  # recovered when first used
        for doc in (data.get("_default") or {}).values():
            doc.pop("entities", None)
        atomic_write_bytes(shard, orjson.dumps(data), durable=store.durable)
    for folder in ("articles", "bodies"):
        for bak in (root / folder).glob("*.json.bak"):
            bak.unlink()
    main = root / "tuireader.json"
    if main.exists():  # the rolling copy of schema 1 becomes a current one
        atomic_write_bytes(main.with_name(main.name + ".bak"), main.read_bytes(), durable=store.durable)


def _body(doc: dict[str, Any]) -> dict[str, Any]:
    from .store import COPIED_FIELDS

    meta = doc.get("meta") or {}
    out = {k: v for k, v in doc.items() if k != "meta"}
    out["meta"] = {k: meta[k] for k in COPIED_FIELDS if meta.get(k) is not None}
    return out
