"""MinHash signatures (the ``rensa`` library) and the LSH band keys that find
articles of similar text without comparing every pair.

A signature is kept as bytes, the low 16 bits of each MinHash value (half
the room; two different values agree by chance once in 65,536); two
signatures agree at a share of places that estimates the Jaccard similarity
of the two sets of shingles.  LSH cuts a signature into bands of a few values: articles that
agree on a whole band become candidates.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from operator import eq

SEED = 1234


def library_version() -> str:
    """The MinHash library's algorithm version: a change invalidates stored signatures."""
    import rensa

    return f"rensa-{getattr(rensa.RMinHash, 'ALGORITHM_VERSION', '?')}"


def signature(items: Iterable[str], num_perm: int) -> bytes:
    """The MinHash signature of a set of strings."""
    import rensa

    minhash = rensa.RMinHash(num_perm, SEED)
    minhash.update(list(items))
    return array("H", (value & 0xFFFF for value in minhash.digest())).tobytes()


def jaccard(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of the sets behind two signatures."""
    left, right = array("H", a), array("H", b)
    if not left or len(left) != len(right):
        return 0.0
    return sum(map(eq, left, right)) / len(left)


def containment(similarity: float, size_a: int, size_b: int) -> float:
    """The share of the smaller set found in the larger, from their Jaccard similarity and sizes."""
    smaller = min(size_a, size_b)
    if smaller <= 0:
        return 0.0
    shared = similarity * (size_a + size_b) / (1.0 + similarity)
    return min(1.0, shared / smaller)


_VALUE = 2  # bytes per signature value
_PLACES = [place.to_bytes(2, "little") for place in range(1 << 10)]


def band_keys(sig: bytes, bands: int, rows: int, start: int = 0) -> list[int]:
    """One signed 32-bit key per band of ``rows`` values from value ``start`` on (its place mixed in)."""
    # hashlib loads OpenSSL (~5 ms): imported by the first write, not by the reader's first paint.
    from hashlib import blake2b

    width = _VALUE * rows
    count = min(bands, (len(sig) // _VALUE - start) // rows)
    keys = []
    for band in range(count):
        first = start + band * rows
        digest = blake2b(_PLACES[first] + sig[_VALUE * first : _VALUE * first + width], digest_size=4).digest()
        keys.append(int.from_bytes(digest, "little", signed=True))
    return keys
