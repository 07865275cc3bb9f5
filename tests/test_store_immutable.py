"""A library folder that cannot be written is still read: list, search and show work, with one notice."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

from .conftest import run_cli


def _immutable(path, on: bool) -> bool:
    done = subprocess.run(["chattr", "+i" if on else "-i", str(path)], capture_output=True)
    return done.returncode == 0


@pytest.fixture
def frozen_library(tmp_path):
    library = tmp_path / "library"
    assert run_cli("list", library=library).returncode == 0  # imports the sample corpus
    if shutil.which("chattr") is None or not _immutable(library, True):
        pytest.skip("this file system or user cannot make a folder immutable (chattr +i)")
    yield library
    _immutable(library, False)


def test_an_immutable_library_is_read_with_a_notice(frozen_library):
    listed = run_cli("list", "--json", library=frozen_library)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert len(rows) == 5
    assert b"so it is open read-only" in listed.stderr and b"Traceback" not in listed.stderr
    found = run_cli("search", "dien dam", "--json", library=frozen_library)
    assert found.returncode == 0 and json.loads(found.stdout)
    shown = run_cli("show", rows[0]["id"], library=frozen_library)
    assert shown.returncode == 0 and rows[0]["title"].encode() in shown.stdout
    refused = run_cli("bookmark", rows[0]["id"], library=frozen_library)
    assert refused.returncode == 1 and b"read-only" in refused.stderr and b"Traceback" not in refused.stderr


def test_an_unreadable_index_in_an_immutable_library_is_read_from_the_articles(tmp_path):
    library = tmp_path / "library"
    assert run_cli("list", library=library).returncode == 0
    index = library / "index.sqlite"
    index.write_bytes(index.read_bytes()[: index.stat().st_size // 2])
    if shutil.which("chattr") is None or not _immutable(library, True):
        pytest.skip("this file system or user cannot make a folder immutable (chattr +i)")
    try:
        listed = run_cli("list", "--json", library=library)
        assert listed.returncode == 0, listed.stderr
        assert len(json.loads(listed.stdout)) == 5
        assert b"lists the articles from their own files (5 articles)" in listed.stderr
    finally:
        _immutable(library, False)
