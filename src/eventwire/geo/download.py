"""Downloading GeoNames export files (only when the user runs `eventwire gazetteer download`).

    files = download_geonames(["SY", "LB"], base_url=None, dest=downloads_dir())

From `{base}/{CC}.zip` (or `allCountries.zip`), plus `admin1CodesASCII.txt`, `admin2Codes.txt` and
`countryInfo.txt`. GeoNames publishes no checksums, so each file is checked by what can be checked: the byte
count against Content-Length (and Content-Range when resuming), the zip's own CRCs (`testzip`), and that a
text file is a GeoNames table rather than an error page. An interrupted download keeps its `.part` file and
resumes with an HTTP Range request on the next run; a completed file is recorded with its sha256, size and
Last-Modified in `manifest.json`, and is not fetched again while the server reports the same size and date.
"""
from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import socket
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .datadir import MANIFEST, sha256_of
from .geonames import GazetteerError, known_country_codes

DEFAULT_BASE_URL = "https://download.geonames.org/export/dump"
BASE_URL_ENV = "EVENTWIRE_GEONAMES_URL"
SUPPORT_FILES = ("countryInfo.txt", "admin1CodesASCII.txt", "admin2Codes.txt")
CHUNK = 1 << 16
TIMEOUT = 60

Progress = Callable[[str, int, int | None], None]   # (file name, bytes so far, total or None)


@dataclass
class Downloaded:
    name: str
    path: Path
    size: int
    sha256: str
    resumed_from: int = 0    # bytes already there from an earlier, interrupted run
    reused: bool = False     # the server's file had not changed: not fetched again


def base_url(option: str | None = None) -> str:
    """--base-url, else $EVENTWIRE_GEONAMES_URL, else GeoNames' public export."""
    return (option or os.environ.get(BASE_URL_ENV) or DEFAULT_BASE_URL).rstrip("/")


def files_for(countries: list[str]) -> list[str]:
    """File names for country codes ("SY" -> "SY.zip"; "ALL" -> "allCountries.zip"); GazetteerError for
    codes that are not ISO 3166-1 alpha-2 codes GeoNames uses."""
    if not countries:
        raise GazetteerError("no country code given (e.g. SY LB IQ, or ALL for allCountries)")
    known = known_country_codes()
    names, bad = [], []
    for code in countries:
        c = code.strip()
        if c.upper() in ("ALL", "ALLCOUNTRIES"):
            names.append("allCountries.zip")
        elif len(c) == 2 and c.upper() in known:
            names.append(f"{c.upper()}.zip")
        else:
            bad.append(code)
    if bad:
        raise GazetteerError(f"unknown country code(s): {', '.join(bad)} (expected ISO 3166-1 alpha-2 codes "
                             "such as SY LB IQ, or ALL)")
    return list(dict.fromkeys(names))


# ---------------------------------------------------------------- manifest
def read_manifest(dest: Path) -> dict:
    path = dest / MANIFEST
    if not path.exists():
        return {"files": {}}
    try:
        data = json.loads(path.read_text("utf-8"))
        return data if isinstance(data.get("files"), dict) else {"files": {}}
    except (ValueError, AttributeError):
        return {"files": {}}


def write_manifest(dest: Path, manifest: dict) -> None:
    tmp = dest / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(manifest, indent=1, sort_keys=True), "utf-8")
    os.replace(tmp, dest / MANIFEST)


# ---------------------------------------------------------------- one file
def _open(url: str, method: str = "GET", offset: int = 0):
    headers = {"User-Agent": "eventwire-gazetteer (+https://pypi.org/project/eventwire/)"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    req = urllib.request.Request(url, headers=headers, method=method)
    return urllib.request.urlopen(req, timeout=TIMEOUT)


def _server_state(url: str) -> tuple[int | None, str | None]:
    """(Content-Length, Last-Modified) from a HEAD request; (None, None) when the server does not say."""
    try:
        with _open(url, "HEAD") as resp:
            length = resp.headers.get("Content-Length")
            return (int(length) if length and length.isdigit() else None), resp.headers.get("Last-Modified")
    except (urllib.error.URLError, OSError, ValueError, http.client.HTTPException):
        return None, None


def download_file(url: str, dest: Path, progress: Progress | None = None, refresh: bool = False) -> Downloaded:
    """Fetch `url` into `dest` (a directory), resuming an earlier `.part`, checking size and contents."""
    dest.mkdir(parents=True, exist_ok=True)
    name = url.rsplit("/", 1)[-1]
    target, part = dest / name, dest / (name + ".part")
    manifest = read_manifest(dest)
    known = manifest["files"].get(name)
    if known and target.exists() and not refresh:
        size, modified = _server_state(url)
        if size == known.get("size") and modified == known.get("last_modified") and size is not None \
                and target.stat().st_size == size and sha256_of(target) == known.get("sha256"):
            if progress:
                progress(name, size, size)
            return Downloaded(name, target, size, known["sha256"], reused=True)
    offset = part.stat().st_size if part.exists() else 0
    total, modified, resumed = _fetch(url, part, offset, progress, name)
    size = part.stat().st_size
    if total is not None and size != total:
        if size > total:
            part.unlink()
        raise GazetteerError(f"{name}: received {size:,} bytes, the server announced {total:,}; "
                             "run the same command again to resume")
    _check_contents(part, name)
    sha = sha256_of(part)
    os.replace(part, target)
    manifest["files"][name] = {"url": url, "size": size, "sha256": sha, "last_modified": modified,
                               "downloaded": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
    write_manifest(dest, manifest)
    return Downloaded(name, target, size, sha, resumed_from=resumed)


def _fetch(url: str, part: Path, offset: int, progress: Progress | None, name: str
           ) -> tuple[int | None, str | None, int]:
    """Write the body of `url` into `part` from `offset`; (total size, Last-Modified, bytes resumed)."""
    try:
        resp = _open(url, offset=offset)
    except urllib.error.HTTPError as exc:
        if exc.code == 416 and offset:  # the part file is already complete (or longer than the file)
            size, modified = _server_state(url)
            if size == offset:
                return size, modified, offset
            part.unlink()
            return _fetch(url, part, 0, progress, name)
        raise GazetteerError(f"{url}: HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise GazetteerError(f"{url}: cannot connect ({reason}); no internet access? "
                             "Use `eventwire gazetteer import FILE` with files fetched elsewhere")
    with resp:
        total, start = _expected_size(resp, offset)
        if start != offset:     # the server ignored the Range request: start again
            offset = 0
        mode = "ab" if offset else "wb"
        done = offset
        modified = resp.headers.get("Last-Modified")
        try:
            with open(part, mode) as out:
                while True:
                    block = resp.read(CHUNK)
                    if not block:
                        break
                    out.write(block)
                    done += len(block)
                    if progress:
                        progress(name, done, total)
        except (OSError, http.client.HTTPException, socket.timeout) as exc:
            have = f"{done:,} of {total:,} bytes" if total else f"{done:,} bytes"
            raise GazetteerError(f"{name}: download stopped after {have} ({type(exc).__name__}: {exc}); "
                                 "run the same command again to resume")
    return total, modified, offset


def _expected_size(resp, offset: int) -> tuple[int | None, int]:
    """(total file size, first byte of this response) from Content-Range / Content-Length."""
    length = resp.headers.get("Content-Length")
    length = int(length) if length and length.isdigit() else None
    if resp.status == 206:
        crange = resp.headers.get("Content-Range", "")  # "bytes 100-999/1000"
        try:
            span, total = crange.split(" ", 1)[1].split("/")
            return (int(total) if total != "*" else None), int(span.split("-")[0])
        except (IndexError, ValueError):
            raise GazetteerError(f"unreadable Content-Range '{crange}' from the server")
    return length, 0


def _check_contents(part: Path, name: str) -> None:
    """A zip must pass its own CRC checks; a text file must look like a GeoNames table, not an HTML page."""
    if name.lower().endswith(".zip"):
        try:
            with zipfile.ZipFile(part) as zf:
                bad = zf.testzip()
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            part.unlink()
            raise GazetteerError(f"{name}: the downloaded file is not a valid zip ({exc}); it was deleted, "
                                 "run the command again to fetch it afresh")
        if bad is not None:
            part.unlink()
            raise GazetteerError(f"{name}: CRC error in {bad}; the file was deleted, run the command again")
        return
    with open(part, "rb") as fh:
        head = fh.read(2048)
    text = head.decode("utf-8", "replace").lstrip()
    if text.lower().startswith(("<!doctype", "<html", "<?xml")) or ("\t" not in text and text):
        part.unlink()
        raise GazetteerError(f"{name}: the server sent something that is not a GeoNames table "
                             f"(starts with {text[:40]!r}); it was deleted")


# ---------------------------------------------------------------- a download run
def download_geonames(countries: list[str], dest: Path, url: str | None = None, support: bool = True,
                      progress: Progress | None = None, refresh: bool = False,
                      on_error: Callable[[str, str], None] | None = None) -> list[Downloaded]:
    """Download the country files (and the admin/country support files); a file that fails is reported
    to `on_error(name, message)` and left out, the others are still fetched."""
    names = files_for(countries)
    if support:
        names += list(SUPPORT_FILES)
    root = base_url(url)
    out = []
    for name in names:
        try:
            out.append(download_file(f"{root}/{name}", dest, progress, refresh))
        except GazetteerError as exc:
            if on_error is None:
                raise
            on_error(name, str(exc))
    return out
