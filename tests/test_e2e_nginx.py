"""End to end against nginx: the real ``tuireader`` command reads feeds from a real web server.

nginx (Debian's ``nginx-light``, installed by ``.ci/run``) is started on
127.0.0.1 from a config generated in a temporary folder and serves a folder
of feeds and article pages.  Like a news site it keeps connections alive,
sends ETag and Last-Modified, answers conditional GETs with 304 and gzips
feeds and pages.  Its access log says what each request got.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.servers import ARTICLES, page_html, rss_feed

NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if os.access(p, os.X_OK)), None)

pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian package nginx-light)")

CONFIG = """
daemon on;
master_process off;
pid {root}/nginx.pid;
error_log {root}/error.log warn;
events {{ worker_connections 64; }}
http {{
    types {{ text/html html; application/rss+xml xml; }}
    default_type application/octet-stream;
    log_format requests '$status $request_uri $connection $connection_requests $sent_http_content_encoding '
                        '"$http_if_none_match"';
    access_log {root}/access.log requests;
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    keepalive_timeout 75s;
    gzip on;
    gzip_min_length 0;
    gzip_types application/rss+xml;
    server {{
        listen 127.0.0.1:{port};
        root {root}/www;
    }}
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Nginx:
    root: Path
    port: int

    @property
    def www(self) -> Path:
        return self.root / "www"

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def requests(self) -> list[list[str]]:
        """The access log so far: status, path, connection, request number on it, encoding, If-None-Match."""
        return [line.split(" ", 5) for line in (self.root / "access.log").read_text().splitlines()]

    def command(self) -> list[str]:
        assert NGINX is not None
        return [NGINX, "-p", str(self.root), "-c", str(self.root / "nginx.conf"), "-e", str(self.root / "error.log")]


@pytest.fixture
def nginx(tmp_path: Path) -> Iterator[Nginx]:
    server = Nginx(tmp_path / "nginx", free_port())
    (server.root / "tmp").mkdir(parents=True)
    server.www.mkdir()
    (server.root / "nginx.conf").write_text(CONFIG.format(root=server.root, port=server.port))
    # In daemon mode the command returns once nginx listens: no waiting on the clock.
    started = subprocess.run(server.command(), capture_output=True, text=True, timeout=60)
    assert started.returncode == 0, started.stderr + (server.root / "error.log").read_text()
    try:
        yield server
    finally:
        stop(server)


def stop(server: Nginx) -> None:
    pid = int((server.root / "nginx.pid").read_text())
    handle = os.pidfd_open(pid)
    try:
        subprocess.run([*server.command(), "-s", "stop"], capture_output=True, timeout=60)
        ended, _, _ = select.select([handle], [], [], 60)  # readable once nginx has exited
        assert ended, f"nginx (pid {pid}) did not stop"
    finally:
        os.close(handle)


def publish(server: Nginx, name: str, title: str, articles) -> str:
    """A feed at /NAME.xml linking a page per article, all under the server's folder."""
    items = []
    for i, article in enumerate(articles):
        path = f"/{name}/bai-{i}.html"
        (server.www / name).mkdir(exist_ok=True)
        (server.www / name / f"bai-{i}.html").write_bytes(page_html(article, server.url(path)))
        items.append((server.url(path), article))
    (server.www / f"{name}.xml").write_bytes(rss_feed(title, items))
    return server.url(f"/{name}.xml")


def refresh_json(library: Path) -> dict[str, dict]:
    done = run_cli("refresh", "--json", library=library)
    assert b"Traceback" not in done.stderr, done.stderr.decode()
    return {report["url"]: report for report in json.loads(done.stdout)}


def test_three_feeds_from_nginx_refresh_then_cost_304s_and_a_removed_feed_is_an_error(nginx, tmp_path):
    library = tmp_path / "lib"
    feeds = {
        publish(nginx, "thoisu", "Thời sự", ARTICLES[0:2]),
        publish(nginx, "thegioi", "Thế giới", ARTICLES[2:4]),
        publish(nginx, "kinhte", "Kinh tế", ARTICLES[4:5]),
    }
    for url in sorted(feeds):
        added = run_cli("add", url, library=library)
        assert added.returncode == 0 and added.stdout.startswith(b"added feed "), added.stderr

    first = refresh_json(library)
    assert {url: r["status"] for url, r in first.items()} == dict.fromkeys(feeds, "ok")
    assert sorted(r["new"] for r in first.values()) == [1, 2, 2]
    assert {r["name"] for r in first.values()} == {"Thời sự", "Thế giới", "Kinh tế"}
    log = nginx.requests()
    assert all(status == "200" for status, *_ in log), log
    assert any(int(number) > 1 for _, _, _, number, _, _ in log)  # connections were kept alive
    assert {encoding for *_, encoding, _ in log} == {"gzip"}

    second = refresh_json(library)
    assert {url: r["status"] for url, r in second.items()} == dict.fromkeys(feeds, "unchanged")
    again = nginx.requests()[len(log) :]
    assert sorted(path for _, path, *_ in again) == sorted(url.split(str(nginx.port), 1)[1] for url in feeds)
    assert all(status == "304" and etag != '"-"' for status, *_, etag in again), again

    (nginx.www / "kinhte.xml").unlink()
    third = refresh_json(library)
    gone = nginx.url("/kinhte.xml")
    assert third[gone]["status"] == "error" and third[gone]["reason"] == "HTTP 404 Not Found"
    assert [third[url]["status"] for url in sorted(feeds - {gone})] == ["unchanged", "unchanged"]
    listed = {f["url"]: f for f in json.loads(run_cli("sources", "--json", library=library).stdout)}
    assert listed[gone]["last_error"] == "HTTP 404 Not Found" and listed[gone]["title"] == "Kinh tế"
    assert listed[gone]["last_error_at"] == third[gone]["finished_at"]
    assert listed[gone]["total"] == 1  # what it stored stays
