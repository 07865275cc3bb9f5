"""The command line as a newcomer meets it: options where they are typed, output for pipes, one clear sentence."""

from __future__ import annotations

import json

import pytest

from .conftest import run_cli


@pytest.fixture(scope="module")
def lib(tmp_path_factory):
    """A library holding the sample corpus (an empty library imports it on first use)."""
    path = tmp_path_factory.mktemp("cli") / "library"
    assert run_cli("list", library=path).returncode == 0
    return path


def first_id(lib) -> str:
    return json.loads(run_cli("list", "--limit", "1", "--json", library=lib).stdout)[0]["id"]


def test_library_is_accepted_after_the_command(lib):
    before = run_cli("--library", str(lib), "list", "--json")
    after = run_cli("list", "--library", str(lib), "--json")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout) and len(json.loads(after.stdout)) == 5


def test_export_without_output_writes_to_stdout_as_a_json_list(lib, tmp_path):
    done = run_cli("export", first_id(lib), "--format", "json", library=lib, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert isinstance(data, list) and len(data) == 1 and data[0]["id"] == first_id(lib)
    assert not list(tmp_path.iterdir())  # nothing written to the current folder


def test_export_to_a_missing_folder_says_so_without_a_traceback(lib, tmp_path):
    target = tmp_path / "no-such-folder" / "x.md"
    done = run_cli("export", first_id(lib), "--output", str(target), library=lib)
    assert done.returncode == 1
    assert b"Traceback" not in done.stderr
    assert f"the folder {target.parent} does not exist".encode() in done.stderr


def test_export_of_nothing_says_so_and_fails(lib):
    done = run_cli("export", "--tag", "nosuch", "--format", "json", library=lib)
    assert done.returncode == 1 and done.stdout == b""
    assert b"nothing to export: no article has the tag nosuch." in done.stderr


def test_show_lists_the_entities(lib):
    done = run_cli("show", first_id(lib), library=lib)
    assert done.returncode == 0
    text = done.stdout.decode()
    assert "Người: " in text and "Địa điểm: " in text


def test_a_missing_file_is_named_once(tmp_path):
    missing = tmp_path / "nonexistent.txt"
    done = run_cli("clean", str(missing))
    assert done.stderr.decode().strip() == f"tuireader: {missing}: No such file or directory"


def test_a_url_with_another_scheme_is_called_a_bad_address(tmp_path):
    done = run_cli("clean", "htp://bad")
    assert done.returncode == 1
    assert done.stderr.decode().strip() == (
        "tuireader: htp://bad: not a web address tuireader can fetch (use http:// or https://)"
    )


def test_library_naming_a_file_says_it_is_a_file(tmp_path):
    plain = tmp_path / "empty.txt"
    plain.write_text("")
    done = run_cli("list", library=plain)
    assert done.returncode == 1
    assert (
        done.stderr.decode().strip() == f"tuireader: {plain} is a file, not a library folder; give --library a folder."
    )


def test_messages_to_a_pipe_are_not_cut_at_80_columns(lib, tmp_path):
    done = run_cli("export", first_id(lib), "--output", str(tmp_path), library=lib)
    lines = done.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("exported 1 article to ") and len(lines[0]) > 80, lines


def test_list_options_have_help(tmp_path):
    text = run_cli("list", "--help").stdout.decode()
    for flag, words in (("--bookmarked", "bookmarked"), ("--unread", "unread"), ("--entity", "mention")):
        line = next(line for line in text.splitlines() if line.strip().startswith(flag))
        assert words in line, text


def test_a_failed_fetch_names_the_address_once():
    done = run_cli("clean", "http://127.0.0.1:9/nothing-listens-here")
    message = done.stderr.decode().strip()
    assert done.returncode == 1 and message.count("127.0.0.1:9") == 1, message
    assert message.startswith("tuireader: http://127.0.0.1:9/nothing-listens-here: could not fetch it: ")


def test_a_damaged_config_is_named_rather_than_the_library_seeming_to_vanish(tmp_path):
    config = tmp_path / "config.toml"
    config.write_text('library = "~/tin-tuc"\ntheme = \n', encoding="utf-8")  # not valid TOML
    done = run_cli("list", env={"TUIREADER_CONFIG": str(config), "HOME": str(tmp_path)})
    assert f"The config file {config} is not valid TOML" in done.stderr.decode()


def test_saving_a_setting_never_overwrites_a_damaged_config(tmp_path):
    from tuireader.library import save_setting

    config = tmp_path / "config.toml"
    config.write_text('library = "~/tin-tuc"\ntheme = \n', encoding="utf-8")
    with pytest.raises(ValueError, match="is not valid TOML"):
        save_setting(config, "theme", "nord")
    assert config.read_text(encoding="utf-8") == 'library = "~/tin-tuc"\ntheme = \n'
