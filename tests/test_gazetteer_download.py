"""`eventwire gazetteer download` against a local HTTP server (a thread) that serves small GeoNames-format files
written here: the real download code path - progress, Content-Length/Content-Range checks, zip CRCs, the
sha256 manifest, resume with HTTP Range after a failure half-way, and the previous index kept intact."""
from __future__ import annotations

import hashlib
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from typer.testing import CliRunner

from eventwire.cli import app
from eventwire.geo.geonames import format_feature

LAST_MODIFIED = "Mon, 01 Jan 2024 00:00:00 GMT"


class _Handler(BaseHTTPRequestHandler):
    """Serves files from server.root with Range support; server.cut[name] = bytes to send before dropping the
    connection; server.html = names answered with an HTML error page; every request is logged."""

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def do_GET(self) -> None:
        self._serve(head=False)

    def _serve(self, head: bool) -> None:
        srv = self.server
        name = self.path.rsplit("/", 1)[-1]
        rng = self.headers.get("Range")
        srv.log.append((self.command, name, rng))
        path = srv.root / name
        if name in srv.html:
            body = b"<!DOCTYPE html><html><body>Service temporarily unavailable</body></html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if not head:
                self.wfile.write(body)
            return
        if not path.exists():
            self.send_error(404, "Not Found")
            return
        data = path.read_bytes()
        start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        if start >= len(data) and rng:
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(data)}")
            self.end_headers()
            return
        self.send_response(206 if rng else 200)
        if rng:
            self.send_header("Content-Range", f"bytes {start}-{len(data) - 1}/{len(data)}")
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("Last-Modified", LAST_MODIFIED)
        self.end_headers()
        if head:
            return
        body = data[start:]
        cut = srv.cut.pop(name, None)
        if cut is not None:
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body)


@pytest.fixture()
def server(tmp_path):
    root = tmp_path / "export"
    root.mkdir()
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    srv.root, srv.log, srv.cut, srv.html = root, [], {}, set()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    srv.url = f"http://127.0.0.1:{srv.server_address[1]}/export/dump"
    yield srv
    srv.shutdown()
    srv.server_close()


def _country_zip(root: Path, cc: str, rows: list[str], pad: int = 0) -> Path:
    """A GeoNames-style XX.zip (data member XX.txt plus a readme); `pad` adds filler rows (a bigger file)."""
    lines = list(rows)
    for i in range(pad):
        lines.append(format_feature(9_800_000 + i, f"Filler {cc} {i}", 10 + i % 50 * 0.01, 20 + i % 70 * 0.01,
                                    "S.FRM", cc, "01", "", 0, (f"Fill{i}",)))
    path = root / f"{cc}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        zf.writestr(f"{cc}.txt", "".join(lines))
        zf.writestr("readme.txt", "GeoNames-format test file written by eventwire's tests\n")
    return path


def _support_files(root: Path) -> None:
    (root / "admin1CodesASCII.txt").write_text("SY.08\tRif Dimashq\tRif-dimashq\t1\nLB.12\tBaalbek-Hermel\t"
                                               "Baalbek-Hermel\t2\n", "utf-8")
    (root / "admin2Codes.txt").write_text("SY.08.1\tAn Nabk\tAn Nabk\t3\n", "utf-8")
    (root / "countryInfo.txt").write_text("#ISO\tISO3\tISO-Numeric\tfips\tCountry\n"
                                          "SY\tSYR\t760\tSY\tSyria\nLB\tLBN\t422\tLE\tLebanon\n", "utf-8")


SY_ROWS = [format_feature(9901001, "Tallat Musa", 34.05, 36.40, "T.HLL", "SY", "08", "1", 0, ("Tal Moussa",)),
           format_feature(9901002, "Flitah", 34.03, 36.40, "P.PPL", "SY", "08", "1", 3500, ("Fleita",))]
LB_ROWS = [format_feature(9902001, "Wadi Hmeid", 34.16, 36.47, "H.WAD", "LB", "12", "", 0, ())]


def _run(args: list[str], data: Path):
    return CliRunner().invoke(app, args, env={"EVENTWIRE_DATA_DIR": str(data), "EVENTWIRE_GEONAMES_URL": ""})


def _index_digest(data: Path) -> str:
    return hashlib.sha256((data / "gazetteer" / "geonames.sqlite").read_bytes()).hexdigest()


def _lookup(data: Path, name: str) -> list[dict]:
    res = _run(["gazetteer", "lookup", name, "--country", "SY", "--country", "LB", "--format", "jsonl"], data)
    return [json.loads(line) for line in res.stdout.splitlines() if line.strip()]


def test_download_fetches_checks_records_and_imports(server, tmp_path):
    _country_zip(server.root, "SY", SY_ROWS, pad=300)
    _country_zip(server.root, "LB", LB_ROWS)
    _support_files(server.root)
    data = tmp_path / "data"
    res = _run(["gazetteer", "download", "SY", "lb", "--base-url", server.url], data)
    assert res.exit_code == 0, res.stderr
    downloads = data / "gazetteer" / "downloads"
    manifest = json.loads((downloads / "manifest.json").read_text())["files"]
    for name in ("SY.zip", "LB.zip", "admin1CodesASCII.txt", "admin2Codes.txt", "countryInfo.txt"):
        served = (server.root / name).read_bytes()
        assert manifest[name]["sha256"] == hashlib.sha256(served).hexdigest()
        assert manifest[name]["size"] == len(served) and (downloads / name).read_bytes() == served
    hill = _lookup(data, "Tal Moussa hill")[0]
    assert hill["geonameid"] == 9901001 and hill["admin1"] == "Rif-dimashq" and hill["source"] == "geonames"
    assert _lookup(data, "Wadi Hmeid")[0]["geonameid"] == 9902001
    info = json.loads(_run(["gazetteer", "info", "--format", "jsonl"], data).stdout)
    imported = info["imported"]
    assert imported["by_country"]["SY"]["T"] == 1 and imported["by_country"]["LB"]["H"] == 1
    assert {s["file"] for s in imported["sources"]} >= {"SY.zip", "LB.zip", "admin1CodesASCII.txt"}
    assert all(len(s["sha256"]) == 64 for s in imported["sources"])

    # the same run again: the server's files are unchanged (HEAD), nothing is fetched again
    server.log.clear()
    res = _run(["gazetteer", "download", "SY", "LB", "--base-url", server.url, "--no-import"], data)
    assert res.exit_code == 0, res.stderr
    assert not [r for r in server.log if r[0] == "GET"] and "not fetched again" in res.stderr


def test_a_download_failing_half_way_keeps_the_previous_index_and_resumes(server, tmp_path):
    _country_zip(server.root, "LB", LB_ROWS)
    sy = _country_zip(server.root, "SY", SY_ROWS, pad=2000)
    data = tmp_path / "data"
    assert _run(["gazetteer", "download", "LB", "--base-url", server.url, "--no-admin-codes"], data).exit_code == 0
    before = _index_digest(data)

    half = sy.stat().st_size // 2
    server.cut["SY.zip"] = half
    res = _run(["gazetteer", "download", "SY", "--base-url", server.url, "--no-admin-codes"], data)
    assert res.exit_code == 1
    assert "SY.zip" in res.stderr and "resume" in res.stderr
    part = data / "gazetteer" / "downloads" / "SY.zip.part"
    assert part.exists() and part.stat().st_size == half
    assert _index_digest(data) == before  # the previous index is intact
    assert _lookup(data, "Wadi Hmeid")[0]["geonameid"] == 9902001 and not _lookup(data, "Tal Moussa hill")

    server.log.clear()
    res = _run(["gazetteer", "download", "SY", "--base-url", server.url, "--no-admin-codes"], data)
    assert res.exit_code == 0, res.stderr
    assert ("GET", "SY.zip", f"bytes={half}-") in server.log and "resumed at" in res.stderr
    assert (data / "gazetteer" / "downloads" / "SY.zip").read_bytes() == sy.read_bytes()
    assert _lookup(data, "Tal Moussa hill")[0]["geonameid"] == 9901001
    assert _lookup(data, "Wadi Hmeid")[0]["geonameid"] == 9902001  # LB kept beside the new SY


def test_unknown_country_codes_are_a_usage_error_before_any_request(server, tmp_path):
    res = _run(["gazetteer", "download", "SY", "XQ", "Syria", "--base-url", server.url], tmp_path / "data")
    assert res.exit_code == 2
    assert "XQ" in res.stderr and "Syria" in res.stderr and "ISO 3166-1" in res.stderr
    assert server.log == []


def test_missing_damaged_and_wrong_files_are_named_and_the_others_imported(server, tmp_path):
    _country_zip(server.root, "SY", SY_ROWS)
    lb = _country_zip(server.root, "LB", LB_ROWS)
    raw = bytearray(lb.read_bytes())
    at = raw.index(b"Wadi Hmeid")
    raw[at:at + 4] = b"XXXX"  # stored member: a changed byte fails the zip's CRC check
    lb.write_bytes(bytes(raw))
    _support_files(server.root)
    server.html.add("admin2Codes.txt")
    data = tmp_path / "data"
    res = _run(["gazetteer", "download", "SY", "LB", "IQ", "--base-url", server.url], data)
    assert res.exit_code == 1
    assert "IQ.zip" in res.stderr and "404" in res.stderr                   # not on the server
    assert "LB.zip" in res.stderr and "CRC" in res.stderr                   # damaged
    assert "admin2Codes.txt" in res.stderr and "not a GeoNames table" in res.stderr  # an error page
    downloads = data / "gazetteer" / "downloads"
    assert not (downloads / "LB.zip").exists() and not (downloads / "LB.zip.part").exists()
    assert _lookup(data, "Tal Moussa hill")[0]["geonameid"] == 9901001


def test_no_server_gives_a_clear_message(tmp_path):
    res = _run(["gazetteer", "download", "SY", "--base-url", "http://127.0.0.1:9/dump"], tmp_path / "data")
    assert res.exit_code == 1
    assert "cannot connect" in res.stderr and "gazetteer import" in res.stderr
