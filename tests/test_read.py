"""Readers: every input kind, and every kind of bad input, against real files and a real local HTTP server."""

from __future__ import annotations

import gzip
import io
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from newsprism.errors import InputError
from newsprism.model import RawDocument
from newsprism.read import ReadOptions, read_inputs
from newsprism.read.fetch import HttpFetcher, check_host_allowed

from conftest import DATA, SAMPLE_DIR

INPUTS = DATA / "inputs"


def read_all(inputs: list[str], **options: object) -> tuple[list[RawDocument], list[InputError]]:
    docs: list[RawDocument] = []
    errors: list[InputError] = []
    for item in read_inputs(inputs, ReadOptions(**options)):  # type: ignore[arg-type]
        (errors if isinstance(item, InputError) else docs).append(item)  # type: ignore[arg-type]
    return docs, errors


# ---------------------------------------------------------------------------- a real local server


class _Handler(BaseHTTPRequestHandler):
    base = ""

    def log_message(self, *args: object) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        path = self.path.split("?")[0]
        if path in ("/article.html", "/article2.html"):
            self._send(200, "text/html; charset=utf-8", (INPUTS / path.lstrip("/")).read_bytes())
        elif path in ("/feed.xml", "/atom.xml"):
            body = (INPUTS / path.lstrip("/")).read_text().replace("BASE", self.base)
            self._send(200, "application/rss+xml", body.encode())
        elif path == "/broken-feed.xml":
            body = (
                (INPUTS / "feed.xml")
                .read_text()
                .replace("BASE", self.base)
                .replace("article2.html", "gone.html")
            )
            self._send(200, "application/rss+xml", body.encode())
        elif path == "/slow":
            time.sleep(2)
            self._send(200, "text/html", b"<html><body><p>late</p></body></html>")
        elif path == "/loop":
            self.send_response(302)
            self.send_header("Location", "/loop")
            self.end_headers()
        elif path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/article.html")
            self.end_headers()
        elif path == "/huge":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            chunk = b"<p>" + b"x" * 65536 + b"</p>"
            try:
                for _ in range(400):  # 26 MB if nobody stops reading
                    self.wfile.write(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass
        else:
            self._send(404, "text/plain", b"not found")

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients hanging up on /huge and /slow are the point of those tests


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = _QuietServer(("127.0.0.1", 0), _Handler)
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    _Handler.base = base
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()


# ---------------------------------------------------------------------------- good inputs


def test_text_directory_reads_every_sample_with_header_metadata() -> None:
    docs, errors = read_all([str(SAMPLE_DIR)])
    assert not errors and len(docs) == 5
    by_name = {Path(d.source).name[:3]: d for d in docs}
    assert by_name["004"].url and by_name["004"].url.startswith("https://en.majalla.com/node/293976")
    assert by_name["003"].byline == "time news"
    assert by_name["000"].published == "2023-06-20"


def test_glob_and_gzip_html(tmp_path: Path) -> None:
    (tmp_path / "page.html.gz").write_bytes(gzip.compress((INPUTS / "article.html").read_bytes()))
    docs, errors = read_all([str(tmp_path / "*.gz")])
    assert not errors
    [doc] = docs
    assert doc.kind == "html"
    assert doc.title == "Council approves river bridge after two-year dispute"
    assert doc.published == "2024-03-04"
    assert "voted 7 to 2" in (doc.text or "")
    assert "Library to close early" not in (doc.text or "")


def test_html_file_metadata() -> None:
    [doc], _ = read_all([str(INPUTS / "article.html")])
    assert doc.sitename == "Riverside Gazette"
    assert doc.url == "https://gazette.example/news/2024/03/04/bridge-approved"
    assert doc.authors == ["Jane Porter"]


def test_jsonl_records_and_bad_lines(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl"
    html = (INPUTS / "article2.html").read_text()
    path.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "id": "t1",
                        "text": "A plain text article about the bridge vote on Monday.",
                        "published": "2024-03-04",
                    }
                ),
                json.dumps({"id": "h1", "html": html, "url": "https://valley.example/bridge"}),
                "{not json",
                json.dumps({"text": "no id here"}),
                json.dumps({"id": "x", "title": "no text"}),
                json.dumps({"id": "y", "text": 42}),
            ]
        )
    )
    docs, errors = read_all([str(path)])
    assert [d.record_id for d in docs] == ["t1", "h1"]
    assert docs[1].title == "Bridge vote splits council" and docs[1].url == "https://valley.example/bridge"
    reasons = [str(e) for e in errors]
    assert reasons == [
        f"{path}:3: invalid JSON (Expecting property name enclosed in double quotes at column 2)",
        f'{path}:4: record has no "id"',
        f'{path}:5: record has neither "text" nor "html"',
        f'{path}:6: "text" must be a string, not int',
    ]


def test_stdin_jsonl() -> None:
    stream = io.StringIO(json.dumps({"id": "s1", "text": "Text from standard input, long enough."}) + "\n")
    docs, errors = read_all(["-"], stdin=stream)
    assert not errors and docs[0].record_id == "s1" and docs[0].source == "<stdin>"


def test_url_article_and_redirect(server: str) -> None:
    docs, errors = read_all([f"{server}/moved"], allow_private=True)
    assert not errors
    assert docs[0].source == f"{server}/moved"
    assert docs[0].title == "Council approves river bridge after two-year dispute"


def test_rss_feed_url_follows_entry_links(server: str) -> None:
    docs, errors = read_all([f"{server}/feed.xml"], allow_private=True)
    assert not errors
    assert [d.source for d in docs] == [f"{server}/article.html", f"{server}/article2.html"]
    assert "seven votes to two" in (docs[1].text or "")
    assert docs[1].published == "2024-03-05"


def test_atom_feed_file_follows_entry_links(server: str, tmp_path: Path) -> None:
    feed = tmp_path / "atom.xml"
    feed.write_text((INPUTS / "atom.xml").read_text().replace("BASE", server))
    docs, errors = read_all([str(feed)], allow_private=True)
    assert not errors and len(docs) == 1 and "footbridge" in (docs[0].text or "")


def test_feed_entry_whose_link_fails_is_reported_and_others_kept(server: str) -> None:
    docs, errors = read_all([f"{server}/broken-feed.xml"], allow_private=True)
    assert len(docs) == 1
    [error] = errors
    assert error.source == f"{server}/gone.html" and "HTTP 404" in error.reason


# ---------------------------------------------------------------------------- bad inputs


def test_missing_path() -> None:
    _, [error] = read_all(["/no/such/article.txt"])
    assert str(error) == "/no/such/article.txt: no such file or directory"


def test_glob_matching_nothing(tmp_path: Path) -> None:
    _, [error] = read_all([str(tmp_path / "*.txt")])
    assert error.reason == "no files match this pattern"


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("   \n\n")
    _, [error] = read_all([str(tmp_path / "empty.txt")])
    assert error.reason == "empty input"


def test_binary_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj")
    (tmp_path / "b.txt").write_bytes(bytes(range(256)) * 10)
    _, errors = read_all([str(tmp_path / "a.txt"), str(tmp_path / "b.txt")])
    assert [e.reason.split(";")[0] for e in errors] == [
        "binary file (a PDF document)",
        "binary file (contains NUL bytes)",
    ]


def test_file_over_the_size_limit_is_refused_without_reading_it(tmp_path: Path) -> None:
    big = tmp_path / "big.txt"
    with big.open("wb") as handle:  # a sparse 200 MB file: created instantly, never read
        handle.truncate(200 * 1024 * 1024)
    _, [error] = read_all([str(big)])
    assert error.reason.startswith("file is 200 MB, over the 50 MB limit")


def test_invalid_utf8_is_decoded_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin1.txt"
    path.write_bytes(
        "Le président a déclaré lundi que la réunion avait été très productive.".encode("cp1252")
    )
    [doc], errors = read_all([str(path)])
    assert not errors
    assert "président" in (doc.text or "")
    [warning] = doc.warnings
    assert str(path) in warning and "not valid UTF-8" in warning


def test_malformed_html_still_yields_text_or_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "broken.html"
    broken.write_text(
        "<html><body><div><p>The mayor resigned on Tuesday after weeks of pressure from the council"
        " and residents.<p>She said she would stay until a successor is chosen <b>in May</div></table>"
    )
    nothing = tmp_path / "nothing.html"
    nothing.write_text(
        "<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>"
    )
    docs, errors = read_all([str(broken), str(nothing)])
    assert "The mayor resigned on Tuesday" in (docs[0].text or "")
    assert [str(e) for e in errors] == [f"{nothing}: no article text found in the HTML"]


def test_feed_that_answers_404(server: str) -> None:
    _, [error] = read_all([f"{server}/missing-feed.xml"], allow_private=True)
    assert str(error) == f"{server}/missing-feed.xml: HTTP 404 Not Found"


def test_url_that_times_out(server: str) -> None:
    fetcher = HttpFetcher(allow_private=True, timeout=0.5)
    _, [error] = read_all([f"{server}/slow"], fetcher=fetcher)
    assert error.reason == "timed out after 0 s" or error.reason.startswith("timed out after")


def test_redirect_loop_is_capped(server: str) -> None:
    _, [error] = read_all([f"{server}/loop"], allow_private=True)
    assert error.reason == "more than 5 redirects"


def test_response_over_the_size_cap(server: str) -> None:
    fetcher = HttpFetcher(allow_private=True, max_bytes=1024 * 1024)
    _, [error] = read_all([f"{server}/huge"], fetcher=fetcher)
    assert "1048576-byte limit" in error.reason


def test_private_addresses_are_refused_by_default(server: str) -> None:
    _, [error] = read_all([f"{server}/article.html"])
    assert "refusing to fetch 127.0.0.1" in error.reason and "--allow-private" in error.reason


@pytest.mark.parametrize(
    "url",
    [
        "http://10.1.2.3/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://192.168.0.1/",
        "http://0.0.0.0/",
    ],
)
def test_ssrf_targets_are_refused(url: str) -> None:
    with pytest.raises(InputError, match="refusing to fetch"):
        check_host_allowed(url, allow_private=False)


def test_unsupported_scheme() -> None:
    with pytest.raises(InputError, match="unsupported URL scheme 'file'"):
        check_host_allowed("file:///etc/passwd", allow_private=True)


def test_one_bad_input_does_not_stop_the_others(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("")
    docs, errors = read_all(
        [str(tmp_path / "empty.txt"), str(SAMPLE_DIR / "001_48c07d92c5f447a1.txt"), "/missing"]
    )
    assert len(docs) == 1 and len(errors) == 2


@pytest.mark.parametrize(
    ("title", "site", "host", "expected"),
    [
        ("Best tech gadgets of 2019 | ZDNet", "ZDNet", "zdnet.com", "Best tech gadgets of 2019"),
        (
            "Hong Kong chaos: troops deployed | World | News | Express.co.uk",
            "Express.co.uk",
            "express.co.uk",
            "Hong Kong chaos: troops deployed",
        ),
        ("Bridge vote splits council - Valley Times", "Valley Times", None, "Bridge vote splits council"),
        ("Trump - the man and the myth", None, None, "Trump - the man and the myth"),
        (
            "Council approves bridge: what happens next",
            None,
            "gazette.example",
            "Council approves bridge: what happens next",
        ),
    ],
)
def test_site_name_is_stripped_from_html_titles(
    title: str, site: str | None, host: str | None, expected: str
) -> None:
    from newsprism.read.html import strip_site_suffix

    assert strip_site_suffix(title, site, host) == expected
